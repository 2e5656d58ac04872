/**
 * Functions over instant vectors and scalars, evaluated once per step.
 * Range-vector functions live in range-functions.ts; functions that rewrite
 * whole series (label_replace, label_join) and the ones needing the query
 * structure (absent_over_time, timestamp of a selector) live in the engine.
 */
import type { Call, Expr } from "./ast.js";
import { allMatchers } from "./ast.js";
import { annotate, type Annotations } from "./annotations.js";
import { goFloatToInt64, goLog, goLog10, goLog2, goMax, goMin } from "../go/math.js";
import { GoTime } from "../go/time.js";
import { goSort } from "../go/sort.js";
import { Labels, METRIC_NAME } from "./labels.js";
import { bucketFraction, bucketQuantile, type Bucket } from "./quantile.js";
import {
  type FloatHistogram,
  type HistogramEstimate,
  histogramAvg,
  histogramCount,
  histogramFraction as nativeHistogramFraction,
  histogramQuantile as nativeHistogramQuantile,
  histogramStdDev,
  histogramStdVar,
  histogramSum,
} from "./histogram.js";
import type { StepSample } from "./value.js";

export type StepArg = readonly StepSample[] | number | string;

export interface StepContext {
  /** Evaluation timestamp (ms). */
  ts: number;
  call: Call;
  annotations: Annotations;
  /** True for a range query; some functions only warn then. */
  rangeQuery: boolean;
}

/** Returns an instant vector, or a number for scalar-valued functions. */
export type StepFunction = (args: readonly StepArg[], ctx: StepContext) => StepSample[] | number;

function vec(a: StepArg | undefined): readonly StepSample[] {
  return Array.isArray(a) ? (a as readonly StepSample[]) : [];
}

function num(a: StepArg | undefined, fallback = NaN): number {
  return typeof a === "number" ? a : fallback;
}

/** Element-wise float functions drop the metric name: the value changed meaning. */
function mapValues(f: (v: number) => number): StepFunction {
  return ([a]) => vec(a).map((s) => ({ metric: s.metric, v: f(s.v), dropName: true }));
}

function clamp(v: readonly StepSample[], min: number, max: number): StepSample[] {
  if (max < min) return [];
  return v.map((s) => ({ metric: s.metric, v: goMax(min, goMin(max, s.v)), dropName: true }));
}

/**
 * Date functions take Unix seconds from the sample values (Go's
 * time.Unix(int64(v), 0): truncated, and NaN, ±Inf or values beyond int64
 * become math.MinInt64), or the evaluation time when called without
 * argument. The calendar is Go's, which covers years far beyond JS Date.
 */
function dateFunction(f: (t: GoTime) => number): StepFunction {
  return (args, ctx) => {
    if (args.length === 0) {
      return [{ metric: Labels.EMPTY, v: f(GoTime.unix(BigInt(Math.trunc(ctx.ts / 1000)))), dropName: false }];
    }
    return vec(args[0]).map((s) => ({ metric: s.metric, v: f(GoTime.unix(goFloatToInt64(s.v))), dropName: true }));
  };
}

/** Prometheus: 32 - time.Date(t.Year(), t.Month(), 32, 0, 0, 0, 0, time.UTC).Day(). */
function daysInMonth(t: GoTime): number {
  return 32 - GoTime.date(t.year(), t.month(), 32).day();
}

/** Sort with NaN last in both directions, like Prometheus's value heaps reversed. */
function sortByValue(descending: boolean): StepFunction {
  return ([a]) => {
    const out = [...vec(a)];
    // Go: sort.Sort(sort.Reverse(heap)), where the heap's Less puts NaN first.
    const heapLess = descending
      ? (x: StepSample, y: StepSample) => Number.isNaN(x.v) || x.v < y.v
      : (x: StepSample, y: StepSample) => Number.isNaN(x.v) || x.v > y.v;
    goSort(out, (x, y) => heapLess(y, x));
    return out;
  };
}

/** Labels absent() reports: the equality matchers of a plain selector argument. */
export function labelsForAbsent(arg: Expr): Labels {
  const vs = arg.type === "VectorSelector" ? arg : arg.type === "MatrixSelector" ? arg.selector : undefined;
  if (vs === undefined) return Labels.EMPTY;
  const set = new Map<string, string>();
  const seen = new Set<string>();
  for (const m of allMatchers(vs)) {
    if (m.name === METRIC_NAME) continue;
    // Like Go's createLabelsForAbsentFunction: the first equality matcher of a
    // label sets it; any later matcher of that label, or a non-equality one
    // before it, removes it (only a label actually set counts as seen).
    if (m.op === "=" && !seen.has(m.name)) {
      set.set(m.name, m.value);
      seen.add(m.name);
    } else set.delete(m.name);
  }
  return Labels.from(set);
}

/** Adds the info annotations of a native histogram estimate. */
function estimateInfos(r: HistogramEstimate, metricName: string, ctx: StepContext, pos: Call["pos"]): void {
  for (const i of r.infos) {
    if (i === "quantile-nan-result") ctx.annotations.add(annotate.histogramQuantileNaNResult(metricName, pos));
    else if (i === "quantile-nan-skew") ctx.annotations.add(annotate.histogramQuantileNaNSkew(metricName, pos));
    else ctx.annotations.add(annotate.histogramFractionNaNs(metricName, pos));
  }
}

/**
 * Prometheus's resetHistograms: float samples are classic buckets, grouped
 * by all labels except `le` (a bad `le` is skipped with a warning); native
 * histogram samples stay apart. A native histogram with the labels of a
 * classic group is a conflict: both are dropped with a warning.
 */
function splitHistograms(input: readonly StepSample[], ctx: StepContext, argPos: Call["pos"]): {
  natives: Array<{ metric: Labels; h: FloatHistogram }>;
  classic: Array<{ metric: Labels; buckets: Bucket[] }>;
} {
  const groups = new Map<string, { metric: Labels; buckets: Bucket[] }>();
  const candidates: Array<{ metric: Labels; h: FloatHistogram }> = [];
  for (const s of input) {
    if (s.h !== undefined) {
      candidates.push({ metric: s.metric, h: s.h });
      continue;
    }
    const le = s.metric.get("le");
    const upperBound = parseGoFloat(le);
    if (upperBound === undefined) {
      ctx.annotations.add(annotate.badBucketLabel(s.metric.get(METRIC_NAME), le, argPos));
      continue;
    }
    const metric = s.metric.without(["le"]);
    let g = groups.get(metric.key);
    if (g === undefined) {
      g = { metric, buckets: [] };
      groups.set(metric.key, g);
    }
    g.buckets.push({ upperBound, count: s.v });
  }
  const natives: Array<{ metric: Labels; h: FloatHistogram }> = [];
  for (const n of candidates) {
    const g = groups.get(n.metric.key);
    if (g !== undefined && g.buckets.length > 0) {
      ctx.annotations.add(annotate.mixedClassicNativeHistograms(n.metric.get(METRIC_NAME), argPos));
      groups.delete(n.metric.key);
      continue;
    }
    natives.push(n);
  }
  return { natives, classic: [...groups.values()] };
}

/** histogram_quantile: one estimate per native histogram sample and per classic bucket group. */
function histogramQuantile(args: readonly StepArg[], ctx: StepContext): StepSample[] {
  const q = num(args[0]);
  const bucketArg = ctx.call.args[1]!;
  if (Number.isNaN(q) || q < 0 || q > 1) ctx.annotations.add(annotate.invalidQuantile(q, ctx.call.args[0]!.pos));
  const { natives, classic } = splitHistograms(vec(args[1]), ctx, bucketArg.pos);
  const out: StepSample[] = [];
  for (const n of natives) {
    const r = nativeHistogramQuantile(q, n.h);
    estimateInfos(r, n.metric.get(METRIC_NAME), ctx, bucketArg.pos);
    out.push({ metric: n.metric, v: r.value, dropName: true });
  }
  for (const g of classic) {
    const r = bucketQuantile(q, g.buckets);
    if (r.forcedMonotonicity) ctx.annotations.add(annotate.forcedMonotonicity(g.metric.get(METRIC_NAME), bucketArg.pos));
    out.push({ metric: g.metric, v: r.value, dropName: true });
  }
  return out;
}

/** histogram_fraction: native histograms and classic bucket groups, like histogram_quantile. */
function histogramFractionFn(args: readonly StepArg[], ctx: StepContext): StepSample[] {
  const lower = num(args[0]);
  const upper = num(args[1]);
  const argPos = ctx.call.args[2]!.pos;
  const { natives, classic } = splitHistograms(vec(args[2]), ctx, argPos);
  const out: StepSample[] = [];
  for (const n of natives) {
    const r = nativeHistogramFraction(lower, upper, n.h);
    estimateInfos(r, n.metric.get(METRIC_NAME), ctx, argPos);
    out.push({ metric: n.metric, v: r.value, dropName: true });
  }
  for (const g of classic) {
    if (g.buckets.length === 0) continue;
    out.push({ metric: g.metric, v: bucketFraction(lower, upper, g.buckets), dropName: true });
  }
  return out;
}

/** histogram_count and friends: one float per native histogram sample; float samples are ignored, as in Prometheus. */
function simpleHistogramFunction(f: (h: FloatHistogram) => number): StepFunction {
  return ([a]) => {
    const out: StepSample[] = [];
    for (const s of vec(a)) if (s.h !== undefined) out.push({ metric: s.metric, v: f(s.h), dropName: true });
    return out;
  };
}

/**
 * Step functions that understand native histogram samples. Any other step
 * function meeting one makes the engine throw UnsupportedFeatureError
 * rather than compute a float from a histogram's placeholder.
 */
export const HISTOGRAM_AWARE_FUNCTIONS: ReadonlySet<string> = new Set([
  "histogram_quantile",
  "histogram_fraction",
  "histogram_count",
  "histogram_sum",
  "histogram_avg",
  "histogram_stddev",
  "histogram_stdvar",
  "absent",
  "timestamp",
]);

/**
 * Step functions that ignore native histogram samples, as Prometheus's do
 * (simpleFloatFunc, clamp, dateWrapper, scalar, sort via filterFloats): the engine hands them the
 * float samples only.
 */
export const HISTOGRAM_IGNORING_FUNCTIONS: ReadonlySet<string> = new Set([
  ...["abs", "ceil", "floor", "exp", "sqrt", "ln", "log2", "log10", "sgn", "round", "rad", "deg"],
  ...["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"],
  ...["clamp", "clamp_max", "clamp_min", "scalar", "sort", "sort_desc"],
  ...["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year"],
]);

/** strconv.ParseFloat as used for `le` labels: also accepts "+Inf", "Inf", "NaN". */
function parseGoFloat(text: string): number | undefined {
  const t = text.trim();
  if (t !== text || t === "") return undefined;
  const lower = t.toLowerCase();
  if (lower === "+inf" || lower === "inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan") return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?0[xX]/.test(t)) return undefined;
  const v = Number(t);
  return Number.isNaN(v) ? undefined : v;
}

export const STEP_FUNCTIONS: Readonly<Record<string, StepFunction>> = {
  abs: mapValues(Math.abs),
  ceil: mapValues(Math.ceil),
  floor: mapValues(Math.floor),
  exp: mapValues(Math.exp),
  sqrt: mapValues(Math.sqrt),
  // Go's algorithms, so results match Prometheus to the last bit.
  ln: mapValues(goLog),
  log2: mapValues(goLog2),
  log10: mapValues(goLog10),
  sin: mapValues(Math.sin),
  cos: mapValues(Math.cos),
  tan: mapValues(Math.tan),
  asin: mapValues(Math.asin),
  acos: mapValues(Math.acos),
  atan: mapValues(Math.atan),
  sinh: mapValues(Math.sinh),
  cosh: mapValues(Math.cosh),
  tanh: mapValues(Math.tanh),
  asinh: mapValues(Math.asinh),
  acosh: mapValues(Math.acosh),
  atanh: mapValues(Math.atanh),
  rad: mapValues((v) => (v * Math.PI) / 180),
  deg: mapValues((v) => (v * 180) / Math.PI),
  sgn: mapValues((v) => (v < 0 ? -1 : v > 0 ? 1 : v)),
  clamp: ([v, min, max]) => clamp(vec(v), num(min), num(max)),
  clamp_max: ([v, max]) => clamp(vec(v), -Infinity, num(max)),
  clamp_min: ([v, min]) => clamp(vec(v), num(min), Infinity),
  round: ([v, nearest]) => {
    // Rounding to the inverse avoids some floating point artefacts (0.1 steps).
    const inverse = 1 / num(nearest, 1);
    return vec(v).map((s) => ({ metric: s.metric, v: Math.floor(s.v * inverse + 0.5) / inverse, dropName: true }));
  },
  // timestamp() of a plain selector is handled by the engine, which knows the
  // sample timestamps; for any other expression the samples are "now".
  timestamp: ([v], ctx) => vec(v).map((s) => ({ metric: s.metric, v: ctx.ts / 1000, dropName: true })),
  vector: ([s]) => [{ metric: Labels.EMPTY, v: num(s), dropName: false }],
  scalar: ([v]) => {
    const samples = vec(v);
    return samples.length === 1 ? samples[0]!.v : NaN;
  },
  time: (_args, ctx) => ctx.ts / 1000,
  pi: () => Math.PI,
  sort: sortByValue(false),
  sort_desc: sortByValue(true),
  absent: ([v], ctx) => (vec(v).length > 0 ? [] : [{ metric: labelsForAbsent(ctx.call.args[0]!), v: 1, dropName: false }]),
  days_in_month: dateFunction(daysInMonth),
  day_of_month: dateFunction((t) => t.day()),
  day_of_week: dateFunction((t) => t.weekday()),
  day_of_year: dateFunction((t) => t.yearDay()),
  hour: dateFunction((t) => t.hour()),
  minute: dateFunction((t) => t.minute()),
  month: dateFunction((t) => t.month()),
  year: dateFunction((t) => t.year()),
  histogram_quantile: histogramQuantile,
  histogram_fraction: histogramFractionFn,
  histogram_count: simpleHistogramFunction(histogramCount),
  histogram_sum: simpleHistogramFunction(histogramSum),
  histogram_avg: simpleHistogramFunction(histogramAvg),
  histogram_stddev: simpleHistogramFunction(histogramStdDev),
  histogram_stdvar: simpleHistogramFunction(histogramStdVar),
};
