/**
 * Aggregation operators (sum, avg, topk, quantile, ...) evaluated over all
 * steps of a query at once: grouping is computed once per input series, then
 * each step aggregates the samples present at that step.
 */
import type { AggregateExpr } from "./ast.js";
import { annotate, type Annotations } from "./annotations.js";
import { goMax, goMin } from "../go/math.js";
import { GoHeap, goSort } from "../go/sort.js";
import { Labels, METRIC_NAME } from "./labels.js";
import { formatNumberLiteral } from "./literals.js";
import { lessWithNaNFirst, sampleQuantile } from "./quantile.js";
import { kahanInc } from "./float-compare.js";
import { histogramString, type FloatHistogram, type HistogramKahanResult } from "./histogram.js";
import { HistogramBuilder } from "./histogram/float-histogram.js";
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
        const h = s.hs === undefined ? undefined : s.hs[c];
        present.push([i, h === undefined ? { metric: s.metric, v: s.vs[c]!, dropName: s.dropName } : { metric: s.metric, v: s.vs[c]!, h, dropName: s.dropName }]);
        cursors[i] = c + 1;
      }
    });
    yield [step, present];
  }
}

/**
 * Per-group accumulator state for one step, as parallel typed arrays indexed
 * by group: a 1,000-series range query aggregates millions of samples, and
 * an object (plus a Kahan tuple) per sample was most of its cost.
 */
class Accumulators {
  readonly value: Float64Array;
  readonly kahanC: Float64Array;
  readonly mean: Float64Array;
  readonly count: Float64Array;
  readonly incrementalMean: Uint8Array;
  readonly dropName: Uint8Array;
  readonly values: number[][];

  constructor(
    private readonly op: AggregateExpr["op"],
    groups: number,
  ) {
    this.value = new Float64Array(groups);
    this.kahanC = new Float64Array(groups);
    this.mean = new Float64Array(groups);
    this.count = new Float64Array(groups);
    this.incrementalMean = new Uint8Array(groups);
    this.dropName = new Uint8Array(groups);
    this.values = op === "quantile" ? Array.from({ length: groups }, () => []) : [];
  }

  /** The group's first sample at this step. */
  init(g: number, f: number, dropName: boolean): void {
    this.value[g] = this.op === "stddev" || this.op === "stdvar" ? (Number.isFinite(f) ? 0 : NaN) : this.op === "group" ? 1 : f;
    this.kahanC[g] = 0;
    this.mean[g] = f;
    this.count[g] = 1;
    this.incrementalMean[g] = 0;
    this.dropName[g] = dropName ? 1 : 0;
    if (this.op === "quantile") this.values[g] = [f];
  }

  add(g: number, f: number): void {
    switch (this.op) {
      case "sum":
        this.kahanAdd(g, f);
        return;
      case "avg": {
        const n = ++this.count[g]!;
        if (!this.incrementalMean[g]) {
          const before = this.value[g]!;
          const beforeC = this.kahanC[g]!;
          this.kahanAdd(g, f);
          const v = this.value[g]!;
          if (v !== Infinity && v !== -Infinity) return;
          // The running sum overflowed: continue with an incremental mean,
          // which only overflows if the mean itself does.
          this.incrementalMean[g] = 1;
          this.mean[g] = before / (n - 1);
          this.kahanC[g] = beforeC / (n - 1);
        }
        const q = (n - 1) / n;
        kahanIncInto(this.mean, this.kahanC, g, f / n, q * this.mean[g]!, q * this.kahanC[g]!);
        return;
      }
      case "max": {
        const v = this.value[g]!;
        if (v < f || Number.isNaN(v)) this.value[g] = f;
        return;
      }
      case "min": {
        const v = this.value[g]!;
        if (v > f || Number.isNaN(v)) this.value[g] = f;
        return;
      }
      case "count":
        this.count[g]!++;
        return;
      case "group":
        return;
      case "stddev":
      case "stdvar": {
        const n = ++this.count[g]!;
        const delta = f - this.mean[g]!;
        this.mean[g]! += delta / n;
        this.value[g]! += delta * (f - this.mean[g]!);
        return;
      }
      case "quantile":
        this.values[g]!.push(f);
        return;
      default:
        throw new PromQLEvalError(`unexpected aggregation ${this.op}`);
    }
  }

  result(g: number, q: number): number {
    const value = this.value[g]!;
    const count = this.count[g]!;
    switch (this.op) {
      case "sum":
        // Once the sum is infinite the compensation term is meaningless.
        return value === Infinity || value === -Infinity ? value : value + this.kahanC[g]!;
      case "avg":
        return this.incrementalMean[g] ? this.mean[g]! + this.kahanC[g]! : value / count + this.kahanC[g]! / count;
      case "count":
        return count;
      case "stdvar":
        return value / count;
      case "stddev":
        return Math.sqrt(value / count);
      case "quantile":
        return sampleQuantile(q, this.values[g]!);
      default:
        return value;
    }
  }

  private kahanAdd(g: number, f: number): void {
    kahanIncInto(this.value, this.kahanC, g, f, this.value[g]!, this.kahanC[g]!);
  }
}

/** kahanInc without the tuple: writes the new sum and compensation at index g. */
function kahanIncInto(sums: Float64Array, cs: Float64Array, g: number, inc: number, sum: number, c: number): void {
  const t = sum + inc;
  sums[g] = t;
  if (t === Infinity || t === -Infinity) cs[g] = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) cs[g] = c + (sum - t + inc);
  else cs[g] = c + (inc - t + sum);
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
  // count and group only count samples; sum and avg have their own loop for
  // histograms; the rest would read a histogram's float placeholder.
  if (e.op !== "count" && e.op !== "group" && input.some((s) => s.hs !== undefined)) {
    if (e.op === "sum" || e.op === "avg") return aggregateSumAvgHistograms(e, input, grid, annotations);
    if (!HISTOGRAM_IGNORING_AGGREGATIONS.has(e.op)) throw new UnsupportedFeatureError(`${e.op} on native histograms is not supported`);
    // Prometheus skips histogram samples here, with an info annotation (at
    // the whole expression for topk/bottomk, which only look when k >= 1).
    const k = e.op === "topk" || e.op === "bottomk";
    const floats = input.map(withoutHistograms).filter((s) => s.ts.length > 0);
    const sawHistogram = input.some((s) => s.hs !== undefined && s.hs.some((h) => h !== undefined));
    if (sawHistogram && (!k || (params !== undefined && params.some((p) => p >= 1)))) {
      annotations.add(annotate.histogramIgnoredInAggregation(e.op, k ? e.pos : e.expr.pos));
    }
    return aggregate(e, floats, params, grid, annotations);
  }
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
    // Prometheus folds the parameters with math.Max/Min, which propagate NaN
    // unless an infinity of the right sign wins (goMax/goMin).
    if (params.some(Number.isNaN)) annotations.add(annotate.invalidQuantile(NaN, pos));
    const max = params.reduce(goMax, -Number.MAX_VALUE);
    const min = params.reduce(goMin, Number.MAX_VALUE);
    if (max > 1) annotations.add(annotate.invalidQuantile(max, pos));
    if (min < 0) annotations.add(annotate.invalidQuantile(min, pos));
  }

  // The sum of one series (of one rate): each of its samples is its step's
  // only one, which Accumulators would take as the sum with a compensation
  // of 0 (so -0 sums to +0), without the pass over every group at every step.
  if (e.op === "sum" && input.length === 1) {
    const s = input[0]!;
    if (s.ts.length === 0) return [];
    const vs: number[] = [];
    for (let i = 0; i < s.vs.length; i++) vs.push(s.vs[i]! + 0);
    return [{ metric: groupingLabels(s.metric, e.grouping, e.without), dropName: s.dropName, ts: s.ts.slice(), vs }];
  }

  const { groupOf, groupLabels } = groupSeries(e, input);
  if (e.op === "sum" && groupLabels.length === 1) return sumOneGroup(input, groupLabels[0]!, grid);
  const out = groupLabels.map((metric): StepSeries => ({ metric, dropName: false, ts: [], vs: [] }));
  const acc = new Accumulators(e.op, groupLabels.length);
  // The step that last touched each group, and the groups touched this step.
  const seenAt = new Int32Array(groupLabels.length).fill(-1);
  const touched = new Int32Array(groupLabels.length);
  const cursors = new Int32Array(input.length);

  for (let step = 0; step < grid.numSteps; step++) {
    const ts = grid.start + step * grid.interval;
    let nTouched = 0;
    // Input series order, as Prometheus accumulates: it fixes Kahan rounding.
    for (let si = 0; si < input.length; si++) {
      const s = input[si]!;
      const c = cursors[si]!;
      if (c >= s.ts.length || s.ts[c] !== ts) continue;
      cursors[si] = c + 1;
      const f = s.vs[c]!;
      const gi = groupOf[si]!;
      if (seenAt[gi] !== step) {
        seenAt[gi] = step;
        touched[nTouched++] = gi;
        acc.init(gi, f, s.dropName);
        continue;
      }
      if (s.dropName) acc.dropName[gi] = 1;
      acc.add(gi, f);
    }
    const q = params?.[step] ?? NaN;
    for (let k = 0; k < nTouched; k++) {
      const gi = touched[k]!;
      const series = out[gi]!;
      series.ts.push(ts);
      series.vs.push(acc.result(gi, q));
      if (acc.dropName[gi]) series.dropName = true;
    }
  }
  return out.filter((s) => s.ts.length > 0);
}

/**
 * aggregate's loop for a sum of float series into one group (`sum(rate(...))`
 * without grouping labels): the same Kahan sum at each step, in input series
 * order, without the per-group accumulator arrays.
 */
function sumOneGroup(input: readonly StepSeries[], metric: Labels, grid: StepGrid): StepSeries[] {
  const { numSteps, start, interval } = grid;
  const out: StepSeries = { metric, dropName: false, ts: [], vs: [] };
  const cursors = new Int32Array(input.length);
  for (let step = 0; step < numSteps; step++) {
    const ts = start + step * interval;
    let have = false;
    let sum = 0;
    let c = 0;
    let dropName = false;
    for (let si = 0; si < input.length; si++) {
      const s = input[si]!;
      const k = cursors[si]!;
      if (k >= s.ts.length || s.ts[k] !== ts) continue;
      cursors[si] = k + 1;
      const f = s.vs[k]!;
      if (!have) {
        have = true;
        sum = f;
        c = 0;
        dropName = s.dropName;
        continue;
      }
      if (s.dropName) dropName = true;
      // kahanIncInto, written out.
      const t = sum + f;
      if (t === Infinity || t === -Infinity) c = 0;
      else if (Math.abs(sum) >= Math.abs(f)) c = c + (sum - t + f);
      else c = c + (f - t + sum);
      sum = t;
    }
    if (!have) continue;
    out.ts.push(ts);
    out.vs.push(sum === Infinity || sum === -Infinity ? sum : sum + c);
    if (dropName) out.dropName = true;
  }
  return out.ts.length > 0 ? [out] : [];
}

/** Aggregations that ignore native histogram samples (with an info annotation). */
const HISTOGRAM_IGNORING_AGGREGATIONS = new Set(["min", "max", "stddev", "stdvar", "quantile", "topk", "bottomk"]);

/** The series' float points only. */
export function withoutHistograms(s: StepSeries): StepSeries {
  if (s.hs === undefined) return s;
  const ts: number[] = [];
  const vs: number[] = [];
  s.ts.forEach((t, i) => {
    if (s.hs![i] !== undefined) return;
    ts.push(t);
    vs.push(s.vs[i]!);
  });
  return { metric: s.metric, dropName: s.dropName, ts, vs };
}

/** Per-group state of sum/avg over floats and native histograms (Prometheus's groupedAggregation). */
interface HistogramGroup {
  hasFloat: boolean;
  hasHistogram: boolean;
  incompatible: boolean;
  floatValue: number;
  floatMean: number;
  floatKahanC: number;
  floatIncrementalMean: boolean;
  count: number;
  hValue: FloatHistogram | undefined;
  /**
   * The running Kahan sum, accumulated in place (from the second histogram
   * on, until avg switches to the incremental mean): hValue and hKahanC are
   * then stale.
   */
  hSum: HistogramBuilder | undefined;
  /** For avg: the histograms summed so far, to recover the sum before an overflow. */
  hInputs: FloatHistogram[] | undefined;
  hMean: FloatHistogram | undefined;
  hKahanC: FloatHistogram | undefined;
  hIncrementalMean: boolean;
  counterResetSeen: boolean;
  notCounterResetSeen: boolean;
  dropName: boolean;
}

/**
 * sum and avg when some input series has native histogram samples: a port
 * of Prometheus's aggregation() for these two operators (Kahan-compensated
 * histogram sums, the switch to an incremental mean on overflow, and the
 * annotations). A group mixing floats and histograms has no result.
 */
function aggregateSumAvgHistograms(e: AggregateExpr, input: readonly StepSeries[], grid: StepGrid, annotations: Annotations): StepSeries[] {
  const pos = e.expr.pos;
  const avg = e.op === "avg";
  const { groupOf, groupLabels } = groupSeries(e, input);
  const out = groupLabels.map((metric): StepSeries => ({ metric, dropName: false, ts: [], vs: [] }));
  const cursors = new Int32Array(input.length);
  const onError = (err: { kind: string }, metricName: string): void => {
    if (err.kind === "incompatible-schema") annotations.add(annotate.mixedExponentialCustomHistograms(metricName, pos));
  };
  for (let step = 0; step < grid.numSteps; step++) {
    const ts = grid.start + step * grid.interval;
    const groups = new Map<number, HistogramGroup>();
    for (let si = 0; si < input.length; si++) {
      const s = input[si]!;
      const c = cursors[si]!;
      if (c >= s.ts.length || s.ts[c] !== ts) continue;
      cursors[si] = c + 1;
      const f = s.vs[c]!;
      const h = s.hs?.[c];
      const gi = groupOf[si]!;
      const metricName = s.metric.get(METRIC_NAME);
      let g = groups.get(gi);
      if (g === undefined) {
        g = {
          hasFloat: h === undefined,
          hasHistogram: h !== undefined,
          incompatible: false,
          floatValue: f,
          floatMean: f,
          floatKahanC: 0,
          floatIncrementalMean: false,
          count: 1,
          hValue: h,
          hSum: undefined,
          hInputs: avg && h !== undefined ? [h] : undefined,
          hMean: undefined,
          hKahanC: undefined,
          hIncrementalMean: false,
          counterResetSeen: h?.counterResetHint === "reset",
          notCounterResetSeen: h?.counterResetHint === "not-reset",
          dropName: s.dropName,
        };
        groups.set(gi, g);
        continue;
      }
      if (g.incompatible) continue;
      if (s.dropName) g.dropName = true;
      if (avg) g.count++;
      if (h === undefined) {
        g.hasFloat = true;
        if (!avg) {
          [g.floatValue, g.floatKahanC] = kahanInc(f, g.floatValue, g.floatKahanC);
          continue;
        }
        if (!g.floatIncrementalMean) {
          const [newV, newC] = kahanInc(f, g.floatValue, g.floatKahanC);
          if (newV !== Infinity && newV !== -Infinity) {
            g.floatValue = newV;
            g.floatKahanC = newC;
            continue;
          }
          g.floatIncrementalMean = true;
          g.floatMean = g.floatValue / (g.count - 1);
          g.floatKahanC /= g.count - 1;
        }
        const q = (g.count - 1) / g.count;
        [g.floatMean, g.floatKahanC] = kahanInc(f / g.count, q * g.floatMean, q * g.floatKahanC);
        continue;
      }
      g.hasHistogram = true;
      // A group that started with a float has no result anyway.
      if (g.hValue === undefined) continue;
      if (h.counterResetHint === "reset") g.counterResetSeen = true;
      else if (h.counterResetHint === "not-reset") g.notCounterResetSeen = true;
      if (!avg || !g.hIncrementalMean) {
        if (g.hSum === undefined) g.hSum = new HistogramBuilder(g.hValue);
        const r = g.hSum.kahanAdd(h);
        if (!r.ok) {
          onError(r.error, metricName);
          g.incompatible = true;
          continue;
        }
        if (r.nhcbBoundsReconciled) annotations.add(annotate.mismatchedCustomBuckets("aggregation", pos));
        if (!avg || !g.hSum.hasOverflow()) {
          g.hInputs?.push(h);
          continue;
        }
        // The sum overflowed: recover it as it was before this histogram (the
        // immutable way, as the in-place one is past it) and go on with an
        // incremental mean.
        g.hSum = undefined;
        const inputs = g.hInputs!;
        let before: FloatHistogram = inputs[0]!;
        let beforeC: FloatHistogram | undefined;
        for (let k = 1; k < inputs.length; k++) {
          const rr: HistogramKahanResult = before.kahanAdd(inputs[k]!, beforeC);
          if (rr.ok) {
            before = rr.histogram;
            beforeC = rr.compensation;
          }
        }
        g.hValue = before;
        g.hKahanC = beforeC;
        g.hInputs = undefined;
        g.hIncrementalMean = true;
        g.hMean = g.hValue.div(g.count - 1);
        if (g.hKahanC !== undefined) g.hKahanC = g.hKahanC.div(g.count - 1);
      }
      const q = (g.count - 1) / g.count;
      if (g.hKahanC !== undefined) g.hKahanC = g.hKahanC.mul(q);
      const r = g.hMean!.mul(q).kahanAdd(h.div(g.count), g.hKahanC);
      if (!r.ok) {
        onError(r.error, metricName);
        g.incompatible = true;
        continue;
      }
      if (r.nhcbBoundsReconciled) annotations.add(annotate.mismatchedCustomBuckets("aggregation", pos));
      g.hMean = r.histogram;
      g.hKahanC = r.compensation;
    }
    for (const [gi, g] of [...groups].sort((a, b) => a[0] - b[0])) {
      if (g.hasFloat && g.hasHistogram) {
        annotations.add(annotate.mixedFloatsHistogramsAgg(pos));
        continue;
      }
      if (g.incompatible) continue;
      let v = NaN;
      let hv: FloatHistogram | undefined;
      if (g.hasHistogram && g.hSum !== undefined) {
        // The in-place sum (never an incremental mean).
        if (avg) g.hSum.div(g.count);
        g.hSum.addCompensation(avg ? g.count : 1);
        g.hSum.compact(0);
        hv = g.hSum.toHistogram();
      } else if (g.hasHistogram) {
        hv = g.hValue!;
        if (avg && g.hIncrementalMean) {
          if (g.hKahanC !== undefined) {
            const r = g.hMean!.add(g.hKahanC);
            hv = r.ok ? r.histogram : g.hMean!;
          } else hv = g.hMean!;
        } else if (avg) {
          hv = hv.div(g.count);
          if (g.hKahanC !== undefined) {
            const r = hv.add(g.hKahanC.div(g.count));
            if (r.ok) hv = r.histogram;
          }
        } else if (g.hKahanC !== undefined) {
          const r = hv.add(g.hKahanC);
          if (r.ok) hv = r.histogram;
        }
        hv = hv.compact(0);
      } else if (avg) {
        v = g.floatIncrementalMean ? g.floatMean + g.floatKahanC : g.floatValue / g.count + g.floatKahanC / g.count;
      } else {
        v = g.floatValue + g.floatKahanC;
      }
      if (g.counterResetSeen && g.notCounterResetSeen) annotations.add(annotate.histogramCounterResetCollision("aggregation", pos));
      const series = out[gi]!;
      if (hv !== undefined && series.hs === undefined) series.hs = new Array<FloatHistogram | undefined>(series.ts.length).fill(undefined);
      series.ts.push(ts);
      series.vs.push(v);
      if (series.hs !== undefined) series.hs.push(hv);
      if (g.dropName) series.dropName = true;
    }
  }
  return out.filter((s) => s.ts.length > 0);
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
    const withValue = s.metric.with(valueLabel, s.h ? histogramString(s.h) : formatNumberLiteral(s.v));
    const grouping = e.without ? e.grouping : [...e.grouping, valueLabel];
    const g = groupingLabels(withValue, grouping, e.without);
    const entry = groups.get(g.key);
    if (entry) entry.count++;
    else groups.set(g.key, { metric: g, count: 1 });
  }
  return [...groups.values()].map((g) => ({ metric: g.metric, v: g.count, dropName: false }));
}

/** Each input series' group (index into groupLabels), groups in order of first appearance. */
function groupSeries(e: AggregateExpr, input: readonly StepSeries[]): { groupOf: number[]; groupLabels: Labels[] } {
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
  return { groupOf, groupLabels };
}
