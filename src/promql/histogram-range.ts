/**
 * Range functions over windows of native histogram samples: rate, increase
 * and delta (Prometheus's extrapolatedRate and histogramRate), sum_over_time
 * and avg_over_time. The engine calls these for windows holding histograms;
 * a window mixing floats and histograms has no result and a warning.
 */
import type { PositionRange } from "./ast.js";
import { annotate, type Annotations } from "./annotations.js";
import { FloatHistogram } from "./histogram.js";
import { HistogramBuilder } from "./histogram/float-histogram.js";
import type { Window } from "./range-functions.js";

export const HISTOGRAM_RANGE_FUNCTIONS: ReadonlySet<string> = new Set(["rate", "increase", "delta", "sum_over_time", "avg_over_time", "irate", "idelta"]);

/** Functions that only look at the last two samples of a window. */
export const LAST_TWO_SAMPLE_FUNCTIONS: ReadonlySet<string> = new Set(["irate", "idelta"]);

export interface HistogramRangeContext {
  func: string;
  metricName: string;
  /** Position of the range argument (annotations point there). */
  pos: PositionRange;
  annotations: Annotations;
  /** rate/increase stop extrapolating at a zero count (Prometheus ≥ 3.6; see EngineOptions). */
  extrapolationToZero: boolean;
}

/** The histograms of the window [lo, hi), or undefined if it holds a float too (after the warning). */
function windowHistograms(w: Window, ctx: HistogramRangeContext): Array<{ t: number; h: FloatHistogram }> | undefined {
  const out: Array<{ t: number; h: FloatHistogram }> = [];
  const hs = w.samples.h!;
  for (let i = w.lo; i < w.hi; i++) {
    const h = hs[i];
    if (h === undefined) {
      ctx.annotations.add(annotate.mixedFloatsHistograms(ctx.metricName, ctx.pos));
      return undefined;
    }
    out.push({ t: w.samples.t[i]!, h });
  }
  return out;
}

/** Windows up to this many samples are checked histogram by histogram; longer ones use the series' reset counts. */
const HISTOGRAM_SCAN_LIMIT = 8;

export function evalHistogramRangeFunction(w: Window, ctx: HistogramRangeContext): FloatHistogram | undefined {
  if (LAST_TWO_SAMPLE_FUNCTIONS.has(ctx.func)) return instantValue(w, ctx, ctx.func === "irate");
  if ((ctx.func === "rate" || ctx.func === "increase") && w.hi - w.lo > HISTOGRAM_SCAN_LIMIT && w.index.pays(w.lo, w.hi) && w.index.histogramResets(w.lo, w.hi) === 0) {
    // What histogramRate computes for such a window, without looking at the histograms between.
    const first = { t: w.samples.t[w.lo]!, h: w.samples.h![w.lo]! };
    const last = { t: w.samples.t[w.hi - 1]!, h: w.samples.h![w.hi - 1]! };
    const h = new HistogramBuilder(last.h);
    h.sub(first.h);
    h.setCounterResetHint("gauge");
    h.compact(0);
    return extrapolate(w, h, first, last, w.hi - w.lo - 1, ctx, true, ctx.func === "rate");
  }
  const points = windowHistograms(w, ctx);
  if (points === undefined || points.length === 0) return undefined;
  switch (ctx.func) {
    case "rate":
      return extrapolatedHistogramRate(w, points, ctx, true, true);
    case "increase":
      return extrapolatedHistogramRate(w, points, ctx, true, false);
    case "delta":
      return extrapolatedHistogramRate(w, points, ctx, false, false);
    case "sum_over_time":
      return sumOverTime(points, ctx);
    case "avg_over_time":
      return avgOverTime(points, ctx);
    default:
      return undefined;
  }
}

function trackCollisions(points: ReadonlyArray<{ h: FloatHistogram }>, ctx: HistogramRangeContext): void {
  let reset = false;
  let notReset = false;
  for (const p of points) {
    if (p.h.counterResetHint === "reset") reset = true;
    else if (p.h.counterResetHint === "not-reset") notReset = true;
  }
  if (reset && notReset) ctx.annotations.add(annotate.histogramCounterResetCollision("aggregation", ctx.pos));
}

function sumOverTime(points: ReadonlyArray<{ h: FloatHistogram }>, ctx: HistogramRangeContext): FloatHistogram | undefined {
  let sum = points[0]!.h;
  let comp: FloatHistogram | undefined;
  let reconciled = false;
  for (let i = 1; i < points.length; i++) {
    const r = sum.kahanAdd(points[i]!.h, comp);
    if (!r.ok) return schemaError(r.error.kind, ctx);
    if (r.nhcbBoundsReconciled) reconciled = true;
    sum = r.histogram;
    comp = r.compensation;
  }
  if (comp !== undefined) {
    const r = sum.add(comp);
    if (!r.ok) return schemaError(r.error.kind, ctx);
    if (r.nhcbBoundsReconciled) reconciled = true;
    sum = r.histogram;
  }
  trackCollisions(points, ctx);
  if (reconciled) ctx.annotations.add(annotate.mismatchedCustomBuckets("aggregation", ctx.pos));
  return sum;
}

function avgOverTime(points: ReadonlyArray<{ h: FloatHistogram }>, ctx: HistogramRangeContext): FloatHistogram | undefined {
  let sum = points[0]!.h;
  let mean: FloatHistogram | undefined;
  let kahanC: FloatHistogram | undefined;
  let count = 1;
  let incrementalMean = false;
  let reconciled = false;
  for (let i = 1; i < points.length; i++) {
    const h = points[i]!.h;
    count = i + 1;
    if (!incrementalMean) {
      const r = sum.kahanAdd(h, kahanC);
      if (!r.ok) return schemaError(r.error.kind, ctx);
      if (r.nhcbBoundsReconciled) reconciled = true;
      if (!r.histogram.hasOverflow()) {
        sum = r.histogram;
        kahanC = r.compensation;
        continue;
      }
      incrementalMean = true;
      mean = sum.div(count - 1);
      if (kahanC !== undefined) kahanC = kahanC.div(count - 1);
    }
    const q = (count - 1) / count;
    if (kahanC !== undefined) kahanC = kahanC.mul(q);
    const r = mean!.mul(q).kahanAdd(h.div(count), kahanC);
    if (!r.ok) return schemaError(r.error.kind, ctx);
    if (r.nhcbBoundsReconciled) reconciled = true;
    mean = r.histogram;
    kahanC = r.compensation;
  }
  let result: FloatHistogram;
  if (incrementalMean) {
    result = mean!;
    if (kahanC !== undefined) {
      const r = mean!.add(kahanC);
      if (!r.ok) return schemaError(r.error.kind, ctx);
      result = r.histogram;
    }
  } else if (kahanC !== undefined) {
    const r = sum.div(count).add(kahanC.div(count));
    if (!r.ok) return schemaError(r.error.kind, ctx);
    result = r.histogram;
  } else result = sum.div(count);
  trackCollisions(points, ctx);
  if (reconciled) ctx.annotations.add(annotate.mismatchedCustomBuckets("aggregation", ctx.pos));
  return result;
}

function schemaError(kind: string, ctx: HistogramRangeContext): undefined {
  if (kind === "incompatible-schema") ctx.annotations.add(annotate.mixedExponentialCustomHistograms(ctx.metricName, ctx.pos));
  return undefined;
}

/** extrapolatedRate's histogram branch (without start timestamps). */
function extrapolatedHistogramRate(
  w: Window,
  points: ReadonlyArray<{ t: number; h: FloatHistogram }>,
  ctx: HistogramRangeContext,
  isCounter: boolean,
  isRate: boolean,
): FloatHistogram | undefined {
  const n1 = points.length - 1;
  if (n1 === 0) return undefined;
  const result = histogramRate(points, isCounter, ctx);
  if (result === undefined) return undefined;
  return extrapolate(w, result, points[0]!, points[n1]!, n1, ctx, isCounter, isRate);
}

/** The rest of extrapolatedRate: the difference `result` of the window's histograms (first to last, n1 intervals) extrapolated to its bounds. */
function extrapolate(
  w: Window,
  result: HistogramBuilder,
  first: { t: number; h: FloatHistogram },
  last: { t: number; h: FloatHistogram },
  n1: number,
  ctx: HistogramRangeContext,
  isCounter: boolean,
  isRate: boolean,
): FloatHistogram {
  const firstT = first.t;
  const lastT = last.t;
  let durationToStart = (firstT - w.rangeStart) / 1000;
  let durationToEnd = (w.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / n1;
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter && ctx.extrapolationToZero) {
    let durationToZero = durationToStart;
    if (result.count > 0 && first.h.count >= 0) durationToZero = sampledInterval * (first.h.count / result.count);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = 1;
  if (sampledInterval !== 0) factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  result.mul(factor);
  return result.toHistogram();
}

/** histogramRate, accumulating in place (one working copy per window). */
function histogramRate(points: ReadonlyArray<{ t: number; h: FloatHistogram }>, isCounter: boolean, ctx: HistogramRangeContext): HistogramBuilder | undefined {
  let prev = points[0]!.h;
  let usingCustomBuckets = prev.usesCustomBuckets();
  const last = points[points.length - 1]!.h;
  if (isCounter && (prev.counterResetHint === "gauge" || last.counterResetHint === "gauge")) {
    ctx.annotations.add(annotate.nativeHistogramNotCounter(ctx.metricName, ctx.pos));
  }
  if (isCounter) {
    const second = points[1]!.h;
    if (second.detectReset(prev)) {
      prev = new FloatHistogram({ schema: second.schema, customValues: second.customValues });
      usingCustomBuckets = second.usesCustomBuckets();
    }
  }
  if (last.usesCustomBuckets() !== usingCustomBuckets) {
    ctx.annotations.add(annotate.mixedExponentialCustomHistograms(ctx.metricName, ctx.pos));
    return undefined;
  }
  let minSchema = Math.min(last.schema, prev.schema);
  for (let i = 1; i < points.length - 1; i++) {
    const curr = points[i]!.h;
    if (!isCounter) continue;
    if (curr.counterResetHint === "gauge") ctx.annotations.add(annotate.nativeHistogramNotCounter(ctx.metricName, ctx.pos));
    if (curr.schema < minSchema) minSchema = curr.schema;
    if (curr.usesCustomBuckets() !== usingCustomBuckets) {
      ctx.annotations.add(annotate.mixedExponentialCustomHistograms(ctx.metricName, ctx.pos));
      return undefined;
    }
  }
  const h = new HistogramBuilder(last.schema > minSchema ? last.reduceResolution(minSchema) : last);
  const sub = h.sub(prev);
  if (!sub.ok) {
    if (sub.error.kind === "incompatible-schema") {
      ctx.annotations.add(annotate.mixedExponentialCustomHistograms(ctx.metricName, ctx.pos));
      return undefined;
    }
  } else if (sub.nhcbBoundsReconciled) ctx.annotations.add(annotate.mismatchedCustomBuckets("subtraction", ctx.pos));
  if (isCounter) {
    for (let i = 1; i < points.length; i++) {
      const curr = points[i]!.h;
      if (curr.detectReset(prev)) {
        const add = h.add(prev);
        if (!add.ok) {
          if (add.error.kind === "incompatible-schema") {
            ctx.annotations.add(annotate.mixedExponentialCustomHistograms(ctx.metricName, ctx.pos));
            return undefined;
          }
        } else if (add.nhcbBoundsReconciled) ctx.annotations.add(annotate.mismatchedCustomBuckets("addition", ctx.pos));
      }
      prev = curr;
    }
  } else if (points[0]!.h.counterResetHint !== "gauge" || last.counterResetHint !== "gauge") {
    ctx.annotations.add(annotate.nativeHistogramNotGauge(ctx.metricName, ctx.pos));
  }
  h.setCounterResetHint("gauge");
  h.compact(0);
  return h;
}

/** irate/idelta when one of the window's last two samples is a histogram (Prometheus's instantValue). */
function instantValue(w: Window, ctx: HistogramRangeContext, isRate: boolean): FloatHistogram | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const hs = w.samples.h!;
  const h0 = hs[w.hi - 2];
  const h1 = hs[w.hi - 1];
  const interval = w.samples.t[w.hi - 1]! - w.samples.t[w.hi - 2]!;
  if (interval === 0) return undefined;
  if (h0 === undefined || h1 === undefined) {
    ctx.annotations.add(annotate.mixedFloatsHistograms(ctx.metricName, ctx.pos));
    return undefined;
  }
  if (isRate && (h1.counterResetHint === "gauge" || h0.counterResetHint === "gauge")) {
    ctx.annotations.add(annotate.nativeHistogramNotCounter(ctx.metricName, ctx.pos));
  }
  if (!isRate && (h1.counterResetHint !== "gauge" || h0.counterResetHint !== "gauge")) {
    ctx.annotations.add(annotate.nativeHistogramNotGauge(ctx.metricName, ctx.pos));
  }
  let result = h1;
  if (!isRate || !h1.detectReset(h0)) {
    const r = h1.sub(h0);
    if (!r.ok) {
      if (r.error.kind === "incompatible-schema") {
        ctx.annotations.add(annotate.mixedExponentialCustomHistograms(ctx.metricName, ctx.pos));
        return undefined;
      }
    } else {
      result = r.histogram;
      if (r.nhcbBoundsReconciled) ctx.annotations.add(annotate.mismatchedCustomBuckets("subtraction", ctx.pos));
    }
  }
  result = result.with({ counterResetHint: "gauge" }).compact(0);
  return isRate ? result.div(interval / 1000) : result;
}

/** Functions over windows mixing floats and histograms that return a float. */
export const MIXED_COUNTING_RANGE_FUNCTIONS: ReadonlySet<string> = new Set(["changes", "resets"]);

/**
 * changes() and resets() over a window holding histograms (Prometheus's
 * funcChanges/funcResets): a switch between float and histogram counts as
 * a change and a reset; two histograms change when not equal and reset when
 * detectReset says so.
 */
export function mixedCountingRangeFunction(func: string, w: Window): number {
  const hs = w.samples.h!;
  const v = w.samples.v;
  let n = 0;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const ph = hs[i - 1];
    const ch = hs[i];
    if (ph === undefined && ch === undefined) {
      const pf = v[i - 1]!;
      const cf = v[i]!;
      if (func === "changes" ? cf !== pf && !(Number.isNaN(cf) && Number.isNaN(pf)) : cf < pf) n++;
    } else if (ph === undefined || ch === undefined) n++;
    else if (func === "changes" ? !ch.equals(ph) : ch.detectReset(ph)) n++;
  }
  return n;
}
