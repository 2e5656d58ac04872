/**
 * PromQL evaluation with Prometheus 3 semantics. Like Prometheus's engine,
 * every node is evaluated for all steps of the query at once (an instant
 * query is a range query with one step), producing per-step series that the
 * parent node combines step by step.
 */
import {
  allMatchers,
  isSetOp,
  walk,
  type AggregateExpr,
  type AtModifier,
  type BinaryExpr,
  type Call,
  type DurationExpr,
  type Expr,
  type MatrixSelector,
  type SubqueryExpr,
  type VectorSelector,
} from "./ast.js";
import { aggregate, countValues, stepSamples, withoutHistograms, type StepGrid } from "./aggregations.js";
import { annotate, Annotations } from "./annotations.js";
import { AT_MODIFIER_UNSAFE_FUNCTIONS, FUNCTION_SIGNATURES } from "./function-signatures.js";
import { HISTOGRAM_AWARE_FUNCTIONS, HISTOGRAM_IGNORING_FUNCTIONS, labelsForAbsent, STEP_FUNCTIONS, type StepArg } from "./functions.js";
import { compareLabels, Labels, METRIC_NAME } from "./labels.js";
import {
  MatchSignature,
  scalarBinop,
  singleSeriesBinop,
  vectorAnd,
  vectorBinop,
  vectorOr,
  vectorScalarBinop,
  vectorUnless,
  type SingleSeriesOperand,
} from "./operators.js";
import { foldDuration, parsePromQL, typeOf, documentedType } from "./parser.js";
import { printPromQL } from "./printer.js";
import { quoteString } from "./literals.js";
import { compileLabelReplaceRegex } from "./regex.js";
import { RANGE_FUNCTIONS, SeriesIndex, type RangeFunction, type Window } from "./range-functions.js";
import {
  evalHistogramRangeFunction,
  HISTOGRAM_RANGE_FUNCTIONS,
  LAST_TWO_SAMPLE_FUNCTIONS,
  MIXED_COUNTING_RANGE_FUNCTIONS,
  mixedCountingRangeFunction,
} from "./histogram-range.js";
import type { FloatHistogram } from "./histogram.js";
import { hasHistograms, MemorySeries, StatsDecodedSeries, upperBound, type FloatSamples, type Queryable, type SeriesReader } from "./storage.js";
import {
  PromQLEvalError,
  UnsupportedFeatureError,
  type Evaluated,
  type QueryResult,
  type QueryValue,
  type StepSample,
  type StepSeries,
  type WindowSeries,
} from "./value.js";

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (ms). Default 5m. */
  lookbackDelta?: number;
  /** Step of subqueries written without one, e.g. `x[1h:]` (ms). Prometheus uses the global evaluation interval, 1m by default. */
  defaultSubqueryStep?: number;
  /**
   * Whether rate()/increase() of native histograms stop extrapolating where
   * the count would reach zero, as for float counters (Prometheus ≥ 3.6,
   * upstream bcf7a822a0; the default). false reproduces Prometheus ≤ 3.5,
   * which the differential test against promtool 3.5 uses to confirm that a
   * difference is this one.
   */
  histogramExtrapolationToZero?: boolean;
}

export const DEFAULT_LOOKBACK = 5 * 60_000;
const DEFAULT_SUBQUERY_STEP = 60_000;

/** Functions whose output keeps the metric name: they select a sample rather than compute one. */
/** A range function's window, advanced in place from step to step. */
type MovingWindow = { -readonly [K in keyof Window]: Window[K] };

const NAME_PRESERVING_RANGE_FUNCTIONS = new Set(["last_over_time", "first_over_time"]);
/** Range functions that only count or locate samples, so histogram samples are fine. */
const HISTOGRAM_COUNTING_RANGE_FUNCTIONS = new Set(["count_over_time", "present_over_time", "absent_over_time"]);
/**
 * Range functions over floats that skip histogram samples, with an info
 * annotation when a window mixes both (Prometheus's HistogramIgnoredInMixedRangeInfo).
 */
const HISTOGRAM_IGNORING_RANGE_FUNCTIONS = new Set([
  "min_over_time",
  "max_over_time",
  "stddev_over_time",
  "stdvar_over_time",
  "quantile_over_time",
  "deriv",
  "predict_linear",
]);
/** Range functions that select one sample: a histogram sample is returned as it is. */
const HISTOGRAM_SELECTING_RANGE_FUNCTIONS = new Set(["last_over_time", "first_over_time"]);
const COUNTER_SUFFIXES = ["_total", "_sum", "_count", "_bucket"];

/** Query-wide settings shared by the evaluators of all subqueries. */
interface QueryContext {
  storage: Queryable;
  lookback: number;
  subqueryStep: number;
  histogramExtrapolationToZero: boolean;
  /** `@ start()` / `@ end()` and duration `step()`/`range()` refer to the outermost query. */
  queryStart: number;
  queryEnd: number;
  queryStep: number;
  annotations: Annotations;
  rangeQuery: boolean;
  invariance: WeakMap<Expr, boolean>;
  /** Selectors Prometheus would read through its HistogramStatsIterator (see statsDecodedSelectors). */
  statsDecoded: WeakSet<VectorSelector>;
}

/**
 * Prometheus reads the selectors under histogram_count/sum/avg (with no
 * subquery or bucket-needing function in between) through its
 * HistogramStatsIterator, which drops the buckets and re-derives counter
 * reset hints on the fly, so aggregations and range functions in between
 * see other hints (and annotations). These selectors read through
 * StatsDecodedSeries; a direct argument of the function is left out (only
 * its count and sum matter, and they are the same either way).
 */
function statsDecodedSelectors(expr: Expr): WeakSet<VectorSelector> {
  // Expressions are not modified once parsed: a rule queried chunk by chunk walks its tree once.
  let known = STATS_DECODED.get(expr);
  if (known === undefined) STATS_DECODED.set(expr, (known = findStatsDecodedSelectors(expr)));
  return known;
}

const STATS_DECODED = new WeakMap<Expr, WeakSet<VectorSelector>>();

function findStatsDecodedSelectors(expr: Expr): WeakSet<VectorSelector> {
  const out = new WeakSet<VectorSelector>();
  walk(expr, (n, path) => {
    if (n.type !== "VectorSelector") return;
    let skip = false;
    let direct = false;
    for (let i = path.length - 1; i >= 0; i--) {
      const p = path[i]!;
      if (p.type === "SubqueryExpr") {
        skip = false;
        break;
      }
      if (p.type === "Call") {
        if (p.func === "histogram_count" || p.func === "histogram_sum" || p.func === "histogram_avg") {
          skip = true;
          direct = path.slice(i + 1).every((q) => q.type === "ParenExpr");
        } else if (p.func === "histogram_quantile" || p.func === "histogram_quantiles" || p.func === "histogram_fraction") {
          skip = false;
          break;
        }
      }
      if (p.type === "BinaryExpr" && (p.op === "</" || p.op === ">/")) {
        skip = false;
        break;
      }
    }
    if (skip && !direct) out.add(n);
  });
  return out;
}

export class Engine {
  private readonly lookback: number;
  private readonly subqueryStep: number;
  private readonly histogramExtrapolationToZero: boolean;

  constructor(
    private readonly storage: Queryable,
    options: EngineOptions = {},
  ) {
    this.lookback = options.lookbackDelta ?? DEFAULT_LOOKBACK;
    this.subqueryStep = options.defaultSubqueryStep ?? DEFAULT_SUBQUERY_STEP;
    this.histogramExtrapolationToZero = options.histogramExtrapolationToZero ?? true;
  }

  /** Evaluates at one timestamp (ms). */
  instantQuery(query: string | Expr, time: number): QueryResult {
    const expr = typeof query === "string" ? parsePromQL(query) : query;
    const ctx = this.context(time, time, 0, false, expr);
    const ev = new Evaluator(ctx, time, time, 1);
    const res = finalizeNames(ev.eval(expr));
    return { value: toInstantValue(res, time), annotations: ctx.annotations.list() };
  }

  /** Evaluates at start, start+step, ... up to end (all ms). */
  rangeQuery(query: string | Expr, start: number, end: number, step: number): QueryResult {
    const expr = typeof query === "string" ? parsePromQL(query) : query;
    const t = typeOf(expr);
    if (t !== "scalar" && t !== "vector") {
      throw new PromQLEvalError(`invalid expression type "${documentedType(t)}" for range query, must be Scalar or instant Vector`);
    }
    if (step <= 0) throw new PromQLEvalError("zero or negative query resolution step widths are not accepted");
    if (end < start) throw new PromQLEvalError("end timestamp must not be before start time");
    const ctx = this.context(start, end, step, true, expr);
    const ev = new Evaluator(ctx, start, end, step);
    const res = finalizeNames(ev.eval(expr));
    const series: StepSeries[] =
      res.kind === "scalar"
        ? [{ metric: Labels.EMPTY, dropName: false, ts: ev.stepTimes(), vs: [...res.values] }]
        : res.kind === "vector"
          ? res.series
          : [];
    const out = series
      .map((s) => (s.hs === undefined ? { metric: s.metric, t: s.ts, v: s.vs } : { metric: s.metric, t: s.ts, v: s.vs, h: s.hs }))
      .sort((a, b) => compareLabels(a.metric, b.metric));
    return { value: { type: "matrix", series: out }, annotations: ctx.annotations.list() };
  }

  private context(start: number, end: number, step: number, rangeQuery: boolean, expr: Expr): QueryContext {
    return {
      storage: this.storage,
      lookback: this.lookback,
      subqueryStep: this.subqueryStep,
      histogramExtrapolationToZero: this.histogramExtrapolationToZero,
      queryStart: start,
      queryEnd: end,
      queryStep: step,
      annotations: new Annotations(),
      rangeQuery,
      invariance: new WeakMap(),
      statsDecoded: statsDecodedSelectors(expr),
    };
  }
}

/** The canonical text of a query, for rendering annotation positions of an Expr. */
export function queryText(query: string | Expr): string {
  return typeof query === "string" ? query : printPromQL(query);
}

function toInstantValue(res: Evaluated, time: number): QueryValue {
  switch (res.kind) {
    case "scalar":
      return { type: "scalar", t: time, v: res.values[0]! };
    case "string":
      return { type: "string", t: time, v: res.value };
    case "vector":
      return {
        type: "vector",
        samples: res.series.map((s) => {
          const h = s.hs?.[0];
          return h === undefined ? { metric: s.metric, t: time, v: s.vs[0]! } : { metric: s.metric, t: time, v: NaN, h };
        }),
      };
    case "matrix": {
      const series = res.series
        .map((s) =>
          s.samples.h === undefined
            ? { metric: s.metric, t: Array.from(s.samples.t), v: Array.from(s.samples.v) }
            : { metric: s.metric, t: Array.from(s.samples.t), v: Array.from(s.samples.v), h: Array.from(s.samples.h) },
        )
        .sort((a, b) => compareLabels(a.metric, b.metric));
      return { type: "matrix", series };
    }
  }
}

/**
 * Delayed name removal: drop `__name__` from series marked for it, then
 * merge series that became identical (an error if they overlap in time).
 */
function finalizeNames(res: Evaluated): Evaluated {
  if (res.kind === "vector") return { kind: "vector", series: mergeSameLabels(res.series.map(dropNameIfMarked)) };
  if (res.kind === "matrix") {
    const series = res.series.map((s) => (s.dropName ? { ...s, metric: s.metric.withoutMetricName(), dropName: false } : s));
    const seen = new Set<string>();
    for (const s of series) {
      if (seen.has(s.metric.key)) throw new PromQLEvalError("vector cannot contain metrics with the same labelset");
      seen.add(s.metric.key);
    }
    return { kind: "matrix", series };
  }
  return res;
}

function dropNameIfMarked(s: StepSeries): StepSeries {
  return s.dropName ? { ...s, metric: s.metric.withoutMetricName(), dropName: false } : s;
}

/** Merges series with equal labels; overlapping timestamps are a duplicate-labelset error. */
function mergeSameLabels(series: StepSeries[]): StepSeries[] {
  const byKey = new Map<string, StepSeries[]>();
  for (const s of series) {
    const list = byKey.get(s.metric.key);
    if (list) list.push(s);
    else byKey.set(s.metric.key, [s]);
  }
  if (byKey.size === series.length) return series;
  const out: StepSeries[] = [];
  for (const group of byKey.values()) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const points = group.flatMap((s) => s.ts.map((t, i) => [t, s.vs[i]!, s.hs?.[i]] as const)).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < points.length; i++) {
      if (points[i]![0] === points[i - 1]![0]) throw new PromQLEvalError("vector cannot contain metrics with the same labelset");
    }
    const merged: StepSeries = { metric: group[0]!.metric, dropName: group[0]!.dropName, ts: points.map((p) => p[0]), vs: points.map((p) => p[1]) };
    if (group.some((s) => s.hs !== undefined)) merged.hs = points.map((p) => p[2]);
    out.push(merged);
  }
  return out;
}

class Evaluator implements StepGrid {
  readonly numSteps: number;
  /** selectInstantShared's results by what they read. */
  private readonly selected = new Map<string, StepSeries[]>();

  constructor(
    private readonly ctx: QueryContext,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
  ) {
    this.numSteps = end < start ? 0 : Math.floor((end - start) / interval) + 1;
  }

  stepTimes(): number[] {
    const ts: number[] = [];
    for (let i = 0; i < this.numSteps; i++) ts.push(this.start + i * this.interval);
    return ts;
  }

  eval(e: Expr): Evaluated {
    if (this.numSteps > 1 && this.isStepInvariant(e) && e.type !== "NumberLiteral" && e.type !== "StringLiteral") {
      return this.evalOnceAndRepeat(e);
    }
    switch (e.type) {
      case "NumberLiteral":
        return { kind: "scalar", values: new Float64Array(this.numSteps).fill(e.value) };
      case "StringLiteral":
        return { kind: "string", value: e.value };
      case "ParenExpr":
        return this.eval(e.expr);
      case "UnaryExpr": {
        const v = this.eval(e.expr);
        if (e.op === "+") return v;
        if (v.kind === "scalar") return { kind: "scalar", values: v.values.map((x) => -x) };
        if (v.kind !== "vector") throw new PromQLEvalError("unary minus needs a scalar or instant vector");
        return {
          kind: "vector",
          series: v.series.map((s) => ({ ...s, dropName: true, vs: s.vs.map((x) => -x), hs: s.hs?.map((h) => h?.mul(-1)) })),
        };
      }
      case "VectorSelector":
        return { kind: "vector", series: this.selectInstantShared(e) };
      case "MatrixSelector":
        return { kind: "matrix", series: this.rangeSelectorWindowsAtEnd(e) };
      case "SubqueryExpr":
        return { kind: "matrix", series: this.subqueryWindowsAtEnd(e) };
      case "BinaryExpr":
        return this.evalBinary(e);
      case "AggregateExpr":
        return this.evalAggregate(e);
      case "Call":
        return this.evalCall(e);
    }
  }

  // -- step invariance --------------------------------------------------------

  /**
   * Whether a subtree yields the same value at every step (it only reads data
   * pinned with `@`). Such subtrees are evaluated once and repeated, which is
   * what Prometheus does and what makes `x @ end()` cheap in range queries.
   */
  private isStepInvariant(e: Expr): boolean {
    const cached = this.ctx.invariance.get(e);
    if (cached !== undefined) return cached;
    let r: boolean;
    switch (e.type) {
      case "NumberLiteral":
      case "StringLiteral":
        r = true;
        break;
      case "VectorSelector":
        r = e.at !== undefined;
        break;
      case "MatrixSelector":
        r = e.selector.at !== undefined;
        break;
      case "SubqueryExpr":
        r = e.at !== undefined;
        break;
      case "ParenExpr":
      case "UnaryExpr":
        r = this.isStepInvariant(e.expr);
        break;
      case "AggregateExpr":
        r = this.isStepInvariant(e.expr);
        break;
      case "BinaryExpr":
        r = this.isStepInvariant(e.lhs) && this.isStepInvariant(e.rhs);
        break;
      case "Call": {
        const argsInvariant = e.args.every((a) => this.isStepInvariant(a));
        // timestamp(x @ t) is invariant; timestamp() of anything computed is "now".
        r =
          argsInvariant &&
          (!AT_MODIFIER_UNSAFE_FUNCTIONS.has(e.func) ||
            (e.func === "timestamp" && e.args[0] !== undefined && unwrapParens(e.args[0]).type === "VectorSelector"));
        break;
      }
    }
    this.ctx.invariance.set(e, r);
    return r;
  }

  private evalOnceAndRepeat(e: Expr): Evaluated {
    const once = new Evaluator(this.ctx, this.start, this.start, this.interval).eval(e);
    switch (once.kind) {
      case "scalar":
        return { kind: "scalar", values: new Float64Array(this.numSteps).fill(once.values[0] ?? NaN) };
      case "vector": {
        const ts = this.stepTimes();
        return {
          kind: "vector",
          series: once.series.map((s) => ({ ...s, ts, vs: repeated(s.vs[0]!, ts.length), hs: s.hs === undefined ? undefined : ts.map(() => s.hs![0]) })),
        };
      }
      default:
        return once;
    }
  }

  // -- selectors --------------------------------------------------------------

  private resolveAt(at: AtModifier | undefined): number | undefined {
    if (at === undefined) return undefined;
    if (at.kind === "start") return this.ctx.queryStart;
    if (at.kind === "end") return this.ctx.queryEnd;
    return at.ms;
  }

  private duration(ms: number, expr: DurationExpr | undefined): number {
    if (expr === undefined) return ms;
    const v = foldDuration(expr, { stepMs: this.ctx.queryStep, rangeMs: this.ctx.queryEnd - this.ctx.queryStart });
    if (v === undefined || !Number.isFinite(v)) throw new PromQLEvalError("duration is NaN or infinite");
    return v;
  }

  /**
   * The series a selector reads. `refs` (each step's reference time) and
   * `window` (lookback or range) say where Prometheus's iterator seeks, which
   * matters for selectors read through its HistogramStatsIterator.
   */
  private select(vs: VectorSelector, stepRefs: () => readonly number[], window: number): readonly SeriesReader[] {
    if (vs.anchored || vs.smoothed) {
      throw new UnsupportedFeatureError(`${vs.anchored ? "anchored" : "smoothed"} range selectors are experimental`);
    }
    const series = this.ctx.storage.select(allMatchers(vs));
    if (!this.ctx.statsDecoded.has(vs) || !series.some((s) => s.hasHistograms)) return series;
    // The iterator seeks to the first step's window start, and again
    // whenever a step's window starts after the previous step's end.
    const seekPoints: number[] = [];
    const refs = stepRefs();
    let until = -Infinity;
    refs.forEach((r, k) => {
      if (k === 0 || r - window > refs[k - 1]!) seekPoints.push(r - window);
      if (r > until) until = r;
    });
    return series.map((s) => (s.hasHistograms ? new StatsDecodedSeries(s, seekPoints, until) : s));
  }

  /**
   * selectInstant of a selector, shared by the selectors of a query that
   * read the same series at the same times (`3 * x - 2 * (x offset 1m or 0
   * * x)` reads x twice): evaluated series are never modified.
   */
  private selectInstantShared(vs: VectorSelector): StepSeries[] {
    if (this.ctx.statsDecoded.has(vs)) return this.selectInstant(vs, false);
    const key = JSON.stringify([allMatchers(vs).map((m) => [m.name, m.op, m.value]), vs.at, vs.offset, vs.offsetExpr, vs.anchored, vs.smoothed]);
    let series = this.selected.get(key);
    if (series === undefined) {
      series = this.selectInstant(vs, false);
      this.selected.set(key, series);
    }
    return series;
  }

  /**
   * Instant selector: at each step the most recent sample in the left-open
   * lookback window (ref - lookback, ref], unless that sample is a staleness
   * marker. With `valueIsTimestamp` the result is the sample's timestamp in
   * seconds (timestamp() of a selector).
   */
  private selectInstant(vs: VectorSelector, valueIsTimestamp: boolean): StepSeries[] {
    const at = this.resolveAt(vs.at);
    const offset = this.duration(vs.offset, vs.offsetExpr);
    // timestamp(x @ t offset o) in Prometheus: the storage returns only the
    // samples in [t - o - lookback + 1, t - o] (the selector's time range),
    // but the lookup then happens at t itself, because the engine replaces
    // the offset with "step time - t" for every step.
    const atTimestamp = valueIsTimestamp && at !== undefined;
    const loaded = atTimestamp ? { from: at - offset - this.ctx.lookback + 1, to: at - offset } : undefined;
    const out: StepSeries[] = [];
    const refs = (): number[] => Array.from({ length: this.numSteps }, (_, i) => (atTimestamp ? at : (at ?? this.start + i * this.interval) - offset));
    for (const s of this.select(vs, refs, this.ctx.lookback)) {
      if (s instanceof MemorySeries && !s.hasHistograms && !valueIsTimestamp) {
        const series = this.selectFloats(s, at, offset);
        if (series !== undefined) out.push(series);
        continue;
      }
      const ts: number[] = [];
      const vals: number[] = [];
      // Histogram points, only for series that have histogram samples.
      const hs: Array<FloatHistogram | undefined> | undefined = s.hasHistograms && !valueIsTimestamp ? [] : undefined;
      const n = s.length;
      // The last sample at or before the step's reference time, a cursor
      // moving with the steps (as advancePast's): mostly by one sample or none.
      let idx = -1;
      for (let i = 0; i < this.numSteps; i++) {
        const stepT = this.start + i * this.interval;
        const ref = atTimestamp ? at : (at ?? stepT) - offset;
        const target = loaded === undefined ? ref : Math.min(ref, loaded.to);
        if (idx >= 0 && s.timestamp(idx) > target) idx = s.lastAtOrBefore(target);
        else if (idx + 1 < n && s.timestamp(idx + 1) <= target) idx = idx + 2 < n && s.timestamp(idx + 2) <= target ? s.lastAtOrBefore(target) : idx + 1;
        if (idx < 0) continue;
        const t = s.timestamp(idx);
        if (t <= ref - this.ctx.lookback || s.isStale(idx)) continue;
        if (loaded !== undefined && t < loaded.from) continue;
        ts.push(stepT);
        vals.push(valueIsTimestamp ? t / 1000 : s.value(idx));
        if (hs !== undefined) hs.push(s.histogram(idx));
      }
      if (ts.length === 0) continue;
      const series: StepSeries = { metric: s.labels, dropName: valueIsTimestamp, ts, vs: vals };
      if (hs !== undefined && hs.some((h) => h !== undefined)) series.hs = hs;
      out.push(series);
    }
    return out;
  }

  /**
   * selectInstant's loop for a stored series of floats, on its arrays: the
   * same cursor, without a method call per sample read.
   */
  private selectFloats(s: MemorySeries, at: number | undefined, offset: number): StepSeries | undefined {
    const { t: st, v: sv, stale, length: n } = s.arrays();
    const lookback = this.ctx.lookback;
    const start = this.start;
    const interval = this.interval;
    const ts: number[] = [];
    const vals: number[] = [];
    let idx = -1;
    for (let i = 0; i < this.numSteps; i++) {
      const stepT = start + i * interval;
      const ref = (at ?? stepT) - offset;
      // The last sample at or before ref (lastAtOrBefore: upperBound - 1).
      if (idx >= 0 && st[idx]! > ref) idx = upperBound(st, ref, 0, n) - 1;
      else if (idx + 1 < n && st[idx + 1]! <= ref) idx = idx + 2 < n && st[idx + 2]! <= ref ? upperBound(st, ref, 0, n) - 1 : idx + 1;
      if (idx < 0) continue;
      if (st[idx]! <= ref - lookback || (stale !== null && stale[idx] === 1)) continue;
      ts.push(stepT);
      vals.push(sv[idx]!);
    }
    return ts.length === 0 ? undefined : { metric: s.labels, dropName: false, ts, vs: vals };
  }

  /** Window sources for a range selector: the stored samples of each series. */
  private rangeSources(ms: MatrixSelector, refs: () => readonly number[], range: number): WindowSeries[] {
    return this.select(ms.selector, refs, range).map((s) => ({ metric: s.labels, dropName: false, samples: s.floats() }));
  }

  private rangeSelectorWindowsAtEnd(ms: MatrixSelector): WindowSeries[] {
    const range = this.duration(ms.range, ms.rangeExpr);
    const ref = (this.resolveAt(ms.selector.at) ?? this.end) - this.duration(ms.selector.offset, ms.selector.offsetExpr);
    return this.rangeSources(ms, () => [ref], range)
      .map((s) => ({ ...s, samples: sliceWindow(s.samples, ref - range, ref) }))
      .filter((s) => s.samples.length > 0);
  }

  private subqueryWindowsAtEnd(sq: SubqueryExpr): WindowSeries[] {
    const { sources, refAt } = this.subquerySources(sq);
    const range = this.duration(sq.range, sq.rangeExpr);
    const ref = refAt(this.numSteps - 1);
    return sources.map((s) => ({ ...s, samples: sliceWindow(s.samples, ref - range, ref) })).filter((s) => s.samples.length > 0);
  }

  /**
   * Evaluates a subquery's inner expression over the steps all outer windows
   * need. Inner steps are aligned to multiples of the subquery step (since
   * the epoch), not to the outer query, so results do not depend on when the
   * outer query starts.
   */
  private subquerySources(sq: SubqueryExpr): { sources: WindowSeries[]; refAt: (step: number) => number; at: number | undefined; offset: number } {
    const range = this.duration(sq.range, sq.rangeExpr);
    const offset = this.duration(sq.offset, sq.offsetExpr);
    const step = sq.step !== 0 || sq.stepExpr ? this.duration(sq.step, sq.stepExpr) : this.ctx.subqueryStep;
    if (step <= 0) throw new PromQLEvalError("subquery step must be greater than 0");
    const at = this.resolveAt(sq.at);
    const lastOuter = this.start + (this.numSteps - 1) * this.interval;
    const firstRef = (at ?? this.start) - offset;
    const lastRef = (at ?? lastOuter) - offset;
    const lowest = firstRef - range;
    // Go integer division truncates towards zero; the correction below makes
    // the start the first aligned timestamp strictly inside the window.
    let innerStart = step * Math.trunc(lowest / step);
    if (innerStart <= lowest) innerStart += step;
    const inner = new Evaluator(this.ctx, innerStart, lastRef, step).eval(sq.expr);
    if (inner.kind !== "vector") throw new PromQLEvalError("subquery is only allowed on instant vector");
    const sources = inner.series.map((s) => ({
      metric: s.metric,
      dropName: s.dropName,
      samples: (s.hs === undefined ? { t: s.ts, v: s.vs, length: s.ts.length } : { t: s.ts, v: s.vs, h: s.hs.map(unknownResetHint), length: s.ts.length }) as FloatSamples,
    }));
    return { sources, refAt: (i) => (at ?? this.start + i * this.interval) - offset, at, offset };
  }

  // -- functions --------------------------------------------------------------

  private evalCall(e: Call): Evaluated {
    const sig = FUNCTION_SIGNATURES.get(e.func);
    if (sig === undefined) throw new PromQLEvalError(`unknown function ${e.func}`);
    const first = e.args[0] === undefined ? undefined : unwrapParens(e.args[0]);
    if (e.func === "timestamp" && first?.type === "VectorSelector") {
      return { kind: "vector", series: this.selectInstant(first, true) };
    }
    if (e.func === "label_replace") return this.labelReplace(e);
    if (e.func === "label_join") return this.labelJoin(e);
    const matrixArg = e.args.findIndex((a) => {
      const u = unwrapParens(a);
      return u.type === "MatrixSelector" || u.type === "SubqueryExpr";
    });
    if (matrixArg >= 0) return this.evalRangeFunction(e, matrixArg);
    const fn = STEP_FUNCTIONS[e.func];
    if (fn === undefined) throw new UnsupportedFeatureError(`function ${e.func}() is not supported`);
    if ((e.func === "sort" || e.func === "sort_desc") && this.ctx.rangeQuery) {
      this.ctx.annotations.add(annotate.sortInRangeQuery(e.pos));
    }
    let args = e.args.map((a) => this.eval(a));
    if (HISTOGRAM_IGNORING_FUNCTIONS.has(e.func)) {
      args = args.map((a): Evaluated => (a.kind === "vector" ? { kind: "vector", series: a.series.map(withoutHistograms).filter((s) => s.ts.length > 0) } : a));
    } else if (!HISTOGRAM_AWARE_FUNCTIONS.has(e.func)) rejectHistograms(args, `function ${e.func}()`);
    const out = this.rangeEval(args, (stepArgs, ts) => fn(stepArgs, { ts, call: e, annotations: this.ctx.annotations, rangeQuery: this.ctx.rangeQuery }));
    return sig.returnType === "scalar" ? toScalar(out, this.numSteps) : out;
  }

  private evalRangeFunction(e: Call, matrixIndex: number): Evaluated {
    const fn = RANGE_FUNCTIONS[e.func];
    if (fn === undefined) throw new UnsupportedFeatureError(`function ${e.func}() is not supported`);
    const arg = unwrapParens(e.args[matrixIndex]!);
    const scalars = e.args.map((a, i) => (i === matrixIndex ? undefined : this.eval(a)));
    let sources: WindowSeries[];
    let range: number;
    // Each step's reference time is (at ?? step time) - offset.
    let at: number | undefined;
    let offset: number;
    if (arg.type === "MatrixSelector") {
      range = this.duration(arg.range, arg.rangeExpr);
      const selAt = this.resolveAt(arg.selector.at);
      const selOffset = this.duration(arg.selector.offset, arg.selector.offsetExpr);
      at = selAt;
      offset = selOffset;
      sources = this.rangeSources(arg, () => Array.from({ length: this.numSteps }, (_, i) => (selAt ?? this.start + i * this.interval) - selOffset), range);
    } else if (arg.type === "SubqueryExpr") {
      ({ sources, at, offset } = this.subquerySources(arg));
      range = this.duration(arg.range, arg.rangeExpr);
    } else {
      throw new PromQLEvalError(`expected a range vector in call to ${e.func}`);
    }

    const dropNameByFunction = !NAME_PRESERVING_RANGE_FUNCTIONS.has(e.func);
    const selecting = HISTOGRAM_SELECTING_RANGE_FUNCTIONS.has(e.func);
    const histogramValued = HISTOGRAM_RANGE_FUNCTIONS.has(e.func);
    const ignoring = HISTOGRAM_IGNORING_RANGE_FUNCTIONS.has(e.func);
    const mixedCounting = MIXED_COUNTING_RANGE_FUNCTIONS.has(e.func);
    if (
      !HISTOGRAM_COUNTING_RANGE_FUNCTIONS.has(e.func) &&
      !selecting &&
      !histogramValued &&
      !ignoring &&
      !mixedCounting &&
      sources.some((src) => src.samples.h !== undefined)
    ) {
      throw new UnsupportedFeatureError(`function ${e.func}() on native histograms is not supported`);
    }
    const out: StepSeries[] = [];
    const scalarArgs: number[] = [];
    // The scalar arguments' values per step, in argument order.
    const scalarInputs: Float64Array[] = [];
    for (const s of scalars) if (s !== undefined && s.kind === "scalar") scalarInputs.push(s.values);
    const nScalars = scalarInputs.length;
    const isQuantile = e.func === "quantile_over_time";
    const start = this.start;
    const interval = this.interval;
    for (const src of sources) {
      const index = SeriesIndex.of(src.samples);
      const { t } = src.samples;
      const n = src.samples.length;
      let lo = 0;
      let hi = 0;
      const ts: number[] = [];
      const vals: number[] = [];
      const srcHs = selecting || histogramValued ? src.samples.h : undefined;
      const hs: Array<FloatHistogram | undefined> | undefined = srcHs === undefined ? undefined : [];
      let anyFloat = false;
      // One window object per series, moved along the steps: range functions
      // only read it, and a million short-lived windows cost more than rate().
      const w: MovingWindow = { samples: src.samples, lo: 0, hi: 0, rangeStart: 0, rangeEnd: 0, rangeMs: range, ts: 0, metric: src.metric, index };
      if (src.samples.h === undefined && !isQuantile) {
        // Floats only: the loop below without its histogram branches.
        floatWindowSteps(fn, w, this, at, offset, scalarInputs, scalarArgs, ts, vals);
        anyFloat = ts.length > 0;
      }
      for (let i = src.samples.h === undefined && !isQuantile ? this.numSteps : 0; i < this.numSteps; i++) {
        const ref = (at ?? start + i * interval) - offset;
        const rangeStart = ref - range;
        // Windows only move forward with the steps, so two cursors suffice.
        if (hi > 0 && t[hi - 1]! > ref) hi = upperBound(t, ref, 0, n);
        hi = advancePast(t, ref, hi, n);
        if (lo > 0 && t[lo - 1]! > rangeStart) lo = upperBound(t, rangeStart, 0, n);
        lo = advancePast(t, rangeStart, lo, n);
        if (hi <= lo) continue;
        if (nScalars > 0) {
          scalarArgs.length = 0;
          for (let k = 0; k < nScalars; k++) scalarArgs.push(scalarInputs[k]![i]!);
        }
        const stepT = start + i * interval;
        w.lo = lo;
        w.hi = hi;
        w.rangeStart = rangeStart;
        w.rangeEnd = ref;
        w.ts = stepT;
        if (histogramValued && srcHs !== undefined) {
          // A series with histograms: windows holding any go to the
          // histogram implementation; float-only windows run on a copy, as
          // the series' prefix arrays include the histograms' placeholders.
          let anyHistogram = false;
          const from = LAST_TWO_SAMPLE_FUNCTIONS.has(e.func) ? Math.max(lo, hi - 2) : lo;
          for (let k = from; k < hi && !anyHistogram; k++) anyHistogram = srcHs[k] !== undefined;
          if (anyHistogram) {
            const h = evalHistogramRangeFunction(w, {
              func: e.func,
              metricName: src.metric.get(METRIC_NAME),
              pos: arg.pos,
              annotations: this.ctx.annotations,
              extrapolationToZero: this.ctx.histogramExtrapolationToZero,
            });
            if (h === undefined) continue;
            ts.push(stepT);
            vals.push(NaN);
            hs!.push(h);
            continue;
          }
          const floats: FloatSamples = { t: Array.from({ length: hi - lo }, (_, k) => t[lo + k]!), v: Array.from({ length: hi - lo }, (_, k) => src.samples.v[lo + k]!), length: hi - lo };
          const fw: Window = { ...w, samples: floats, lo: 0, hi: hi - lo, index: new SeriesIndex(floats) };
          const fv = fn(fw, scalarArgs);
          if (fv === undefined) continue;
          ts.push(stepT);
          vals.push(fv);
          hs!.push(undefined);
          anyFloat = true;
          continue;
        }
        let v: number | undefined;
        if (mixedCounting && src.samples.h !== undefined) {
          v = mixedCountingRangeFunction(e.func, w);
        } else if (ignoring && src.samples.h !== undefined) {
          // Floats only, on a copy (the prefix arrays include the histograms' placeholders).
          const srcH = src.samples.h;
          const ft: number[] = [];
          const fvs: number[] = [];
          for (let k = lo; k < hi; k++) {
            if (srcH[k] !== undefined) continue;
            ft.push(t[k]!);
            fvs.push(src.samples.v[k]!);
          }
          const nHist = hi - lo - ft.length;
          const minFloats = e.func === "deriv" || e.func === "predict_linear" ? 2 : 1;
          if (ft.length < minFloats) {
            if (ft.length > 0 && nHist > 0) this.ctx.annotations.add(annotate.histogramIgnoredInMixedRange(src.metric.get(METRIC_NAME), arg.pos));
            continue;
          }
          if (nHist > 0) this.ctx.annotations.add(annotate.histogramIgnoredInMixedRange(src.metric.get(METRIC_NAME), arg.pos));
          const floats: FloatSamples = { t: ft, v: fvs, length: ft.length };
          v = fn({ ...w, samples: floats, lo: 0, hi: ft.length, index: new SeriesIndex(floats) }, scalarArgs);
        } else v = fn(w, scalarArgs);
        if (v === undefined) continue;
        anyFloat = true;
        if (isQuantile) {
          const q = scalarArgs[0]!;
          if (Number.isNaN(q) || q < 0 || q > 1) this.ctx.annotations.add(annotate.invalidQuantile(q, e.args[0]!.pos));
        }
        ts.push(stepT);
        vals.push(v);
        if (hs !== undefined) hs.push(srcHs![e.func === "first_over_time" ? lo : hi - 1]);
      }
      if (ts.length === 0) continue;
      out.push(
        hs === undefined
          ? { metric: src.metric, dropName: dropNameByFunction || src.dropName, ts, vs: vals }
          : { metric: src.metric, dropName: dropNameByFunction || src.dropName, ts, vs: vals, hs },
      );
      if ((e.func === "rate" || e.func === "increase") && anyFloat) {
        const name = src.metric.get(METRIC_NAME);
        if (name !== "" && !COUNTER_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
          this.ctx.annotations.add(annotate.possibleNonCounter(name, arg.pos));
        }
      }
    }
    if (e.func === "absent_over_time") return this.absentOverTime(e, out);
    return { kind: "vector", series: out };
  }

  /** absent_over_time: 1 at every step where no input series had samples. */
  private absentOverTime(e: Call, present: StepSeries[]): Evaluated {
    const covered = new Set<number>();
    for (const s of present) for (const t of s.ts) covered.add(t);
    const ts = this.stepTimes().filter((t) => !covered.has(t));
    if (ts.length === 0) return { kind: "vector", series: [] };
    return { kind: "vector", series: [{ metric: labelsForAbsent(e.args[0]!), dropName: true, ts, vs: ts.map(() => 1) }] };
  }

  /** String arguments are literals, possibly parenthesised (`(("dst"))`). */
  private stringArg(e: Expr): string {
    if (e.type === "ParenExpr") return this.stringArg(e.expr);
    if (e.type !== "StringLiteral") throw new PromQLEvalError("expected a string literal");
    return e.value;
  }

  /** label_replace works on whole series: values and timestamps are untouched. */
  private labelReplace(e: Call): Evaluated {
    const [src, dstArg, replArg, srcLabelArg, regexArg] = e.args;
    const dst = this.stringArg(dstArg!);
    const repl = this.stringArg(replArg!);
    const srcLabel = this.stringArg(srcLabelArg!);
    const regexText = this.stringArg(regexArg!);
    let re: RegExp;
    try {
      re = compileLabelReplaceRegex(regexText);
    } catch {
      throw new PromQLEvalError(`invalid regular expression in label_replace(): ${regexText}`);
    }
    if (!isValidLabelName(dst)) throw new PromQLEvalError(`invalid destination label name in label_replace(): ${dst}`);
    const input = this.eval(src!);
    if (input.kind !== "vector") throw new PromQLEvalError("label_replace needs an instant vector");
    const series = input.series.map((s) => {
      const m = re.exec(s.metric.get(srcLabel));
      if (m === null) return s;
      const value = expandReplacement(repl, m);
      return { ...s, metric: s.metric.with(dst, value), dropName: dst === METRIC_NAME ? false : s.dropName };
    });
    return { kind: "vector", series: mergeSameLabels(series) };
  }

  private labelJoin(e: Call): Evaluated {
    const [src, dstArg, sepArg, ...srcArgs] = e.args;
    const dst = this.stringArg(dstArg!);
    const sep = this.stringArg(sepArg!);
    const srcLabels = srcArgs.map((a) => this.stringArg(a));
    for (const l of srcLabels) if (!isValidLabelName(l)) throw new PromQLEvalError(`invalid source label name in label_join(): ${l}`);
    if (!isValidLabelName(dst)) throw new PromQLEvalError(`invalid destination label name in label_join(): ${dst}`);
    const input = this.eval(src!);
    if (input.kind !== "vector") throw new PromQLEvalError("label_join needs an instant vector");
    const series = input.series.map((s) => ({
      ...s,
      metric: s.metric.with(dst, srcLabels.map((l) => s.metric.get(l)).join(sep)),
      dropName: dst === METRIC_NAME ? false : s.dropName,
    }));
    return { kind: "vector", series: mergeSameLabels(series) };
  }

  // -- operators ----------------------------------------------------------------

  private evalBinary(e: BinaryExpr): Evaluated {
    const lhs = this.eval(e.lhs);
    const rhs = this.eval(e.rhs);
    const binopCtx = { annotations: this.ctx.annotations, pos: e.pos };
    if (lhs.kind === "scalar" && rhs.kind === "scalar") {
      return { kind: "scalar", values: lhs.values.map((l, i) => scalarBinop(e.op, l, rhs.values[i]!)) };
    }
    const matching = e.matching ?? { card: isSetOp(e.op) ? "many-to-many" : "one-to-one", on: false, labels: [], include: [] };
    const sig = new MatchSignature(matching);
    if (this.numSteps > 1) {
      // Operands of at most one series (sums, ratios of sums): whole series at once.
      const operand = (v: Evaluated): SingleSeriesOperand | undefined =>
        v.kind === "scalar" ? v : v.kind === "vector" && v.series.length <= 1 ? { kind: "vector", series: v.series[0] } : undefined;
      const l = operand(lhs);
      const r = operand(rhs);
      const series = l !== undefined && r !== undefined ? singleSeriesBinop(e.op, l, r, matching, e.returnBool, sig, this) : undefined;
      if (series !== undefined) return { kind: "vector", series };
    }
    if (lhs.kind === "vector" && rhs.kind === "vector") {
      return this.rangeEval([lhs, rhs], ([l, r]) => {
        const lv = l as StepSample[];
        const rv = r as StepSample[];
        switch (e.op) {
          case "and":
            return vectorAnd(lv, rv, sig);
          case "or":
            return vectorOr(lv, rv, sig);
          case "unless":
            return vectorUnless(lv, rv, sig);
          default:
            return vectorBinop(e.op, lv, rv, matching, e.returnBool, sig, binopCtx);
        }
      });
    }
    if (lhs.kind === "vector" && rhs.kind === "scalar") {
      return this.rangeEval([lhs, rhs], ([l, r]) => vectorScalarBinop(e.op, l as StepSample[], r as number, false, e.returnBool, binopCtx));
    }
    if (lhs.kind === "scalar" && rhs.kind === "vector") {
      return this.rangeEval([lhs, rhs], ([l, r]) => vectorScalarBinop(e.op, r as StepSample[], l as number, true, e.returnBool, binopCtx));
    }
    throw new PromQLEvalError("binary expression must contain only scalar and instant vector types");
  }

  private evalAggregate(e: AggregateExpr): Evaluated {
    if (e.op === "count_values") {
      const label = this.stringArg(e.param!);
      if (!isValidLabelName(label)) throw new PromQLEvalError(`invalid label name ${quoteString(label)}`);
      const input = this.eval(e.expr);
      return this.rangeEval([input], ([v]) => countValues(e, label, v as StepSample[]));
    }
    const params = e.param === undefined ? undefined : this.eval(e.param);
    const input = this.eval(e.expr);
    if (input.kind !== "vector") throw new PromQLEvalError("aggregation needs an instant vector");
    const paramValues = params?.kind === "scalar" ? params.values : undefined;
    return { kind: "vector", series: aggregate(e, input.series, paramValues, this, this.ctx.annotations) };
  }

  /**
   * Calls `fn` once per step with the step's samples (vectors), values
   * (scalars) or strings, and collects the outputs into series. In a range
   * query, two outputs with the same labels at one step are an error.
   */
  private rangeEval(inputs: Evaluated[], fn: (args: StepArg[], ts: number) => StepSample[] | number): Evaluated {
    // Vectors of at most one series (sums, ratios of sums): each step's samples straight from a cursor.
    const single = inputs.every((inp) => inp.kind !== "vector" || inp.series.length <= 1);
    const cursors = single ? inputs.map(() => 0) : undefined;
    const perStep = inputs.map((inp) => {
      if (inp.kind !== "vector" || single) return undefined;
      const steps: StepSample[][] = Array.from({ length: this.numSteps }, () => []);
      for (const [step, present] of stepSamples(inp.series, this)) steps[step] = present.map(([, s]) => s);
      return steps;
    });
    const scalarOut = new Float64Array(this.numSteps);
    let producedScalar = false;
    const byKey = new Map<string, StepSeries>();
    const ordered: StepSeries[] = [];
    for (let i = 0; i < this.numSteps; i++) {
      const ts = this.start + i * this.interval;
      const args: StepArg[] = inputs.map((inp, j) => {
        if (inp.kind === "scalar") return inp.values[i]!;
        if (inp.kind === "string") return inp.value;
        if (inp.kind === "vector") {
          if (cursors === undefined) return perStep[j]![i]!;
          // As stepSamples would yield it.
          const s = inp.series[0];
          const c = cursors[j]!;
          if (s === undefined || c >= s.ts.length || s.ts[c] !== ts) return [];
          cursors[j] = c + 1;
          const h = s.hs === undefined ? undefined : s.hs[c];
          return [h === undefined ? { metric: s.metric, v: s.vs[c]!, dropName: s.dropName } : { metric: s.metric, v: s.vs[c]!, h, dropName: s.dropName }];
        }
        throw new PromQLEvalError("unexpected range vector argument");
      });
      const res = fn(args, ts);
      if (typeof res === "number") {
        scalarOut[i] = res;
        producedScalar = true;
        continue;
      }
      if (this.numSteps === 1) {
        // Instant queries keep the function's output order (sort, topk).
        for (const s of res) {
          ordered.push(s.h === undefined ? { metric: s.metric, dropName: s.dropName, ts: [ts], vs: [s.v] } : { metric: s.metric, dropName: s.dropName, ts: [ts], vs: [s.v], hs: [s.h] });
        }
        continue;
      }
      for (const s of res) {
        let series = byKey.get(s.metric.key);
        if (series === undefined) {
          series = { metric: s.metric, dropName: s.dropName, ts: [], vs: [] };
          byKey.set(s.metric.key, series);
        } else if (series.ts[series.ts.length - 1] === ts) {
          throw new PromQLEvalError("vector cannot contain metrics with the same labelset");
        }
        if (s.h !== undefined && series.hs === undefined) series.hs = new Array<FloatHistogram | undefined>(series.ts.length).fill(undefined);
        series.ts.push(ts);
        series.vs.push(s.v);
        if (series.hs !== undefined) series.hs.push(s.h);
      }
    }
    if (producedScalar) return { kind: "scalar", values: scalarOut };
    return { kind: "vector", series: this.numSteps === 1 ? ordered : [...byKey.values()] };
  }
}

/**
 * Float-only consumers call this first: a native histogram sample reaching
 * them is a feature this engine lacks, never a float to compute with.
 */
function rejectHistograms(inputs: readonly Evaluated[], what: string): void {
  for (const inp of inputs) {
    if (inp.kind === "vector" && inp.series.some((s) => s.hs !== undefined)) {
      throw new UnsupportedFeatureError(`${what} on native histograms is not supported`);
    }
    if (inp.kind === "matrix" && inp.series.some((s) => s.samples.h !== undefined)) {
      throw new UnsupportedFeatureError(`${what} on native histograms is not supported`);
    }
  }
}

/**
 * Subquery results forget "reset"/"not-reset" hints (Prometheus: a subquery
 * may skip or repeat the sample with the reset), so rate() and friends
 * detect resets from the values, as for floats.
 */
function unknownResetHint(h: FloatHistogram | undefined): FloatHistogram | undefined {
  return h !== undefined && (h.counterResetHint === "reset" || h.counterResetHint === "not-reset") ? h.with({ counterResetHint: "unknown" }) : h;
}

/** Prometheus ignores parentheses around function and aggregation arguments. */
function unwrapParens(e: Expr): Expr {
  return e.type === "ParenExpr" ? unwrapParens(e.expr) : e;
}

function toScalar(v: Evaluated, numSteps: number): Evaluated {
  if (v.kind === "scalar") return v;
  return { kind: "scalar", values: new Float64Array(numSteps).fill(NaN) };
}

/**
 * evalRangeFunction's loop over the steps for a series of floats: `fn` on
 * each step's window (w, moved in place), the defined results appended to
 * ts and vals. A small function of its own, so that V8 optimizes it soon.
 */
function floatWindowSteps(
  fn: RangeFunction,
  w: MovingWindow,
  grid: StepGrid,
  at: number | undefined,
  offset: number,
  scalarInputs: readonly Float64Array[],
  scalarArgs: number[],
  ts: number[],
  vals: number[],
): void {
  const { numSteps, start, interval } = grid;
  const t = w.samples.t;
  const n = w.samples.length;
  const range = w.rangeMs;
  const nScalars = scalarInputs.length;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < numSteps; i++) {
    const ref = (at ?? start + i * interval) - offset;
    const rangeStart = ref - range;
    // Windows only move forward with the steps, so two cursors suffice
    // (advancePast, written out).
    if (hi > 0 && t[hi - 1]! > ref) hi = upperBound(t, ref, 0, n);
    if (hi < n && t[hi]! <= ref) hi = hi + 1 >= n || t[hi + 1]! > ref ? hi + 1 : upperBound(t, ref, hi + 2, n);
    if (lo > 0 && t[lo - 1]! > rangeStart) lo = upperBound(t, rangeStart, 0, n);
    if (lo < n && t[lo]! <= rangeStart) lo = lo + 1 >= n || t[lo + 1]! > rangeStart ? lo + 1 : upperBound(t, rangeStart, lo + 2, n);
    if (hi <= lo) continue;
    if (nScalars > 0) {
      scalarArgs.length = 0;
      for (let k = 0; k < nScalars; k++) scalarArgs.push(scalarInputs[k]![i]!);
    }
    const stepT = start + i * interval;
    w.lo = lo;
    w.hi = hi;
    w.rangeStart = rangeStart;
    w.rangeEnd = ref;
    w.ts = stepT;
    const v = fn(w, scalarArgs);
    if (v === undefined) continue;
    ts.push(stepT);
    vals.push(v);
  }
}

/** n copies of v. */
function repeated(v: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(v);
  return out;
}

/**
 * Index of the first timestamp > x in t[from, n), where t[from - 1] <= x: a
 * cursor moving with the steps. It usually moves by a sample or none, so
 * those are checked first; a longer way (the first step of a query starting
 * days into its series, steps sparser than samples) is binary searched.
 */
function advancePast(t: ArrayLike<number>, x: number, from: number, n: number): number {
  if (from >= n || t[from]! > x) return from;
  if (from + 1 >= n || t[from + 1]! > x) return from + 1;
  return upperBound(t, x, from + 2, n);
}

/** Samples in the left-open window (from, to]. */
function sliceWindow(s: FloatSamples, from: number, to: number): FloatSamples {
  const lo = upperBound(s.t, from, 0, s.length);
  const hi = upperBound(s.t, to, 0, s.length);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = lo; i < hi; i++) {
    t.push(s.t[i]!);
    v.push(s.v[i]!);
  }
  if (hasHistograms(s, lo, hi)) return { t, v, h: Array.from({ length: hi - lo }, (_, k) => s.h![lo + k]), length: t.length };
  return { t, v, length: t.length };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Prometheus 3 accepts any UTF-8 label name; only invalid UTF-8 and "" are rejected. */
function isValidLabelName(name: string): boolean {
  return name !== "" && !LONE_SURROGATE.test(name);
}

/** Go's Regexp.Expand syntax: $1, ${1}, $name, ${name}; `$$` is a literal dollar. */
function expandReplacement(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([^}]*)\}|([a-zA-Z0-9_]+))/g, (_whole, tok: string, braced?: string, bare?: string) => {
    if (tok === "$") return "$";
    const name = braced ?? bare ?? "";
    if (/^\d+$/.test(name)) return m[Number(name)] ?? "";
    return m.groups?.[name] ?? "";
  });
}
