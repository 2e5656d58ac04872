/**
 * Aggregation operators (sum, avg, topk, quantile, ...) evaluated over all
 * steps of a query at once: grouping is computed once per input series, then
 * each step aggregates the samples present at that step.
 */
import type { AggregateExpr } from "./ast.js";
import { annotate, type Annotations } from "./annotations.js";
import { kahanInc } from "./float-compare.js";
import { GoHeap, goSort } from "./go-sort.js";
import { Labels, METRIC_NAME } from "./labels.js";
import { formatNumberLiteral } from "./literals.js";
import { lessWithNaNFirst, sampleQuantile } from "./quantile.js";
import { PromQLEvalError, UnsupportedFeatureError, type StepSample, type StepSeries } from "./value.js";

export interface StepGrid {
  start: number;
  interval: number;
  numSteps: number;
}

/** Group key and output labels of a series under `by`/`without`. */
export function groupingLabels(metric: Labels, grouping: readonly string[], without: boolean): Labels {
  if (without) return metric.without([...grouping, METRIC_NAME]);
  if (grouping.length === 0) return Labels.EMPTY;
  return metric.keepOnly(grouping);
}

/** Iterates the samples present at each step, in input series order. */
export function* stepSamples(input: readonly StepSeries[], grid: StepGrid): Generator<[number, Array<[number, StepSample]>]> {
  const cursors = new Array<number>(input.length).fill(0);
  for (let step = 0; step < grid.numSteps; step++) {
    const ts = grid.start + step * grid.interval;
    const present: Array<[number, StepSample]> = [];
    input.forEach((s, i) => {
      const c = cursors[i]!;
      if (c < s.ts.length && s.ts[c] === ts) {
        present.push([i, { metric: s.metric, v: s.vs[c]!, dropName: s.dropName }]);
        cursors[i] = c + 1;
      }
    });
    yield [step, present];
  }
}

interface Group {
  value: number;
  kahanC: number;
  mean: number;
  count: number;
  incrementalMean: boolean;
  dropName: boolean;
  values: number[];
}

const MAX_INT64 = 9223372036854775807;

/** Output collector: one series per label set, points appended step by step. */
class SeriesBuilder {
  private readonly byKey = new Map<string, StepSeries>();

  add(metric: Labels, dropName: boolean, ts: number, v: number): void {
    let s = this.byKey.get(metric.key);
    if (s === undefined) {
      s = { metric, dropName, ts: [], vs: [] };
      this.byKey.set(metric.key, s);
    }
    s.ts.push(ts);
    s.vs.push(v);
  }

  series(): StepSeries[] {
    return [...this.byKey.values()];
  }
}

export function aggregate(
  e: AggregateExpr,
  input: readonly StepSeries[],
  params: Float64Array | undefined,
  grid: StepGrid,
  annotations: Annotations,
): StepSeries[] {
  switch (e.op) {
    case "topk":
    case "bottomk":
      return aggregateK(e, input, params!, grid);
    case "limitk":
    case "limit_ratio":
      throw new UnsupportedFeatureError(`${e.op}() is experimental`);
    case "count_values":
      throw new PromQLEvalError("count_values is evaluated by the engine");
    default:
      break;
  }
  if (e.op === "quantile" && params !== undefined) {
    const pos = e.param!.pos;
    // Go's math.Max/Min propagate NaN, so with a NaN parameter only that is reported.
    if (params.some(Number.isNaN)) annotations.add(annotate.invalidQuantile(NaN, pos));
    else {
      const max = Math.max(...params);
      const min = Math.min(...params);
      if (max > 1) annotations.add(annotate.invalidQuantile(max, pos));
      if (min < 0) annotations.add(annotate.invalidQuantile(min, pos));
    }
  }

  const groupOf: number[] = [];
  const groupLabels: Labels[] = [];
  const index = new Map<string, number>();
  for (const s of input) {
    const g = groupingLabels(s.metric, e.grouping, e.without);
    let i = index.get(g.key);
    if (i === undefined) {
      i = groupLabels.length;
      index.set(g.key, i);
      groupLabels.push(g);
    }
    groupOf.push(i);
  }
  const out = groupLabels.map((metric): StepSeries => ({ metric, dropName: false, ts: [], vs: [] }));

  for (const [step, present] of stepSamples(input, grid)) {
    const ts = grid.start + step * grid.interval;
    const groups = new Map<number, Group>();
    for (const [si, s] of present) {
      const gi = groupOf[si]!;
      const f = s.v;
      let g = groups.get(gi);
      if (g === undefined) {
        g = { value: f, kahanC: 0, mean: f, count: 1, incrementalMean: false, dropName: s.dropName, values: [f] };
        if (e.op === "stddev" || e.op === "stdvar") g.value = Number.isFinite(f) ? 0 : NaN;
        if (e.op === "group") g.value = 1;
        groups.set(gi, g);
        continue;
      }
      if (s.dropName) g.dropName = true;
      accumulate(e.op, g, f);
    }
    for (const [gi, g] of groups) {
      const q = params?.[step] ?? NaN;
      const series = out[gi]!;
      series.ts.push(ts);
      series.vs.push(finish(e.op, g, q));
      if (g.dropName) series.dropName = true;
    }
  }
  return out.filter((s) => s.ts.length > 0);
}

function accumulate(op: AggregateExpr["op"], g: Group, f: number): void {
  switch (op) {
    case "sum":
      [g.value, g.kahanC] = kahanInc(f, g.value, g.kahanC);
      return;
    case "avg": {
      g.count++;
      if (!g.incrementalMean) {
        const [v, c] = kahanInc(f, g.value, g.kahanC);
        if (v !== Infinity && v !== -Infinity) {
          g.value = v;
          g.kahanC = c;
          return;
        }
        // The running sum overflowed: continue with an incremental mean,
        // which only overflows if the mean itself does.
        g.incrementalMean = true;
        g.mean = g.value / (g.count - 1);
        g.kahanC /= g.count - 1;
      }
      const q = (g.count - 1) / g.count;
      [g.mean, g.kahanC] = kahanInc(f / g.count, q * g.mean, q * g.kahanC);
      return;
    }
    case "max":
      if (g.value < f || Number.isNaN(g.value)) g.value = f;
      return;
    case "min":
      if (g.value > f || Number.isNaN(g.value)) g.value = f;
      return;
    case "count":
      g.count++;
      return;
    case "group":
      return;
    case "stddev":
    case "stdvar": {
      g.count++;
      const delta = f - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (f - g.mean);
      return;
    }
    case "quantile":
      g.values.push(f);
      return;
    default:
      throw new PromQLEvalError(`unexpected aggregation ${op}`);
  }
}

function finish(op: AggregateExpr["op"], g: Group, q: number): number {
  switch (op) {
    case "sum":
      // Once the sum is infinite the compensation term is meaningless.
      return g.value === Infinity || g.value === -Infinity ? g.value : g.value + g.kahanC;
    case "avg":
      return g.incrementalMean ? g.mean + g.kahanC : g.value / g.count + g.kahanC / g.count;
    case "count":
      return g.count;
    case "stdvar":
      return g.value / g.count;
    case "stddev":
      return Math.sqrt(g.value / g.count);
    case "quantile":
      return sampleQuantile(q, g.values);
    default:
      return g.value;
  }
}

/** topk/bottomk keep input series (labels and all) rather than building group labels. */
function aggregateK(e: AggregateExpr, input: readonly StepSeries[], params: Float64Array, grid: StepGrid): StepSeries[] {
  if (params.some(Number.isNaN)) throw new PromQLEvalError("Parameter value is NaN");
  const max = Math.max(...params);
  const min = Math.min(...params);
  if (max < 1) return [];
  if (min <= -MAX_INT64) throw new PromQLEvalError(`Scalar value ${formatNumberLiteral(min)} underflows int64`);
  if (max >= MAX_INT64) throw new PromQLEvalError(`Scalar value ${formatNumberLiteral(max)} overflows int64`);

  const groupOf = input.map((s) => groupingLabels(s.metric, e.grouping, e.without).key);
  // topk keeps the k largest: a min-heap whose root is the next to evict.
  const heapLess =
    e.op === "topk"
      ? (a: StepSample, b: StepSample) => lessWithNaNFirst(a.v, b.v)
      : (a: StepSample, b: StepSample) => Number.isNaN(a.v) || a.v > b.v;
  const better =
    e.op === "topk"
      ? (root: number, v: number) => root < v || (Number.isNaN(root) && !Number.isNaN(v))
      : (root: number, v: number) => root > v || (Number.isNaN(root) && !Number.isNaN(v));
  const builder = new SeriesBuilder();
  const instantOrder: StepSample[] = [];
  for (const [step, present] of stepSamples(input, grid)) {
    const k = Math.min(Math.trunc(params[step]!), input.length);
    if (k < 1) continue;
    const heaps = new Map<string, GoHeap<StepSample>>();
    for (const [si, s] of present) {
      const key = groupOf[si]!;
      let h = heaps.get(key);
      if (h === undefined) {
        h = new GoHeap<StepSample>([], heapLess);
        heaps.set(key, h);
        h.push(s);
        continue;
      }
      if (h.length < k) h.push(s);
      else if (better(h.items[0]!.v, s.v)) {
        h.items[0] = s;
        if (k > 1) h.fix(0);
      }
    }
    const ts = grid.start + step * grid.interval;
    for (const h of heaps.values()) {
      const items = h.items;
      // Go sorts the heap with sort.Reverse(heap): largest first for topk.
      if (items.length > 1) goSort(items, (a, b) => heapLess(b, a));
      for (const s of items) {
        builder.add(s.metric, s.dropName, ts, s.v);
        if (grid.numSteps === 1) instantOrder.push(s);
      }
    }
  }
  if (grid.numSteps === 1) {
    // Instant queries return topk results in rank order, so keep that order.
    return instantOrder.map((s) => ({ metric: s.metric, dropName: s.dropName, ts: [grid.start], vs: [s.v] }));
  }
  return builder.series();
}

/** count_values: one output series per distinct value (and group). */
export function countValues(e: AggregateExpr, valueLabel: string, vec: readonly StepSample[]): StepSample[] {
  const groups = new Map<string, { metric: Labels; count: number }>();
  for (const s of vec) {
    const withValue = s.metric.with(valueLabel, formatNumberLiteral(s.v));
    const grouping = e.without ? e.grouping : [...e.grouping, valueLabel];
    const g = groupingLabels(withValue, grouping, e.without);
    const entry = groups.get(g.key);
    if (entry) entry.count++;
    else groups.set(g.key, { metric: g, count: 1 });
  }
  return [...groups.values()].map((g) => ({ metric: g.metric, v: g.count, dropName: false }));
}
