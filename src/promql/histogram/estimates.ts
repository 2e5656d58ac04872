/**
 * Estimates PromQL computes from one native histogram: histogram_quantile,
 * histogram_fraction (Prometheus's promql/quantile.go), histogram_stddev and
 * histogram_stdvar (bucket-midpoint estimates of promql/functions.go), and
 * histogram_avg/count/sum.
 */
import { goLog2 } from "../../go/math.js";
import { kahanInc } from "../float-compare.js";
import type { Bucket, FloatHistogram } from "./float-histogram.js";

/** Info-level annotations the estimates can produce (the engine adds metric name and position). */
export type HistogramEstimateInfo =
  /** NativeHistogramQuantileNaNResultInfo: "input to histogram_quantile has NaN observations, result is NaN". */
  | "quantile-nan-result"
  /** NativeHistogramQuantileNaNSkewInfo: "input to histogram_quantile has NaN observations, result is skewed higher". */
  | "quantile-nan-skew"
  /** NativeHistogramFractionNaNsInfo: "input to histogram_fraction has NaN observations, which are excluded from all fractions". */
  | "fraction-nans";

export interface HistogramEstimate {
  value: number;
  infos: HistogramEstimateInfo[];
}

/**
 * Go's math.Exp2 (the portable exp2/expmulti of math/exp.go, which amd64 and
 * arm64 use), so interpolated quantiles match Prometheus to the bit.
 */
export function goExp2(x: number): number {
  const LN2_HI = 6.9314718036912381649e-1;
  const LN2_LO = 1.90821492927058770002e-10;
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > 1.0239999999999999e3) return Infinity;
  if (x < -1.074e3) return 0;
  const k = x > 0 ? Math.trunc(x + 0.5) : x < 0 ? Math.trunc(x - 0.5) : 0;
  const t = x - k;
  const hi = t * LN2_HI;
  const lo = -t * LN2_LO;
  const P1 = 1.66666666666666657415e-1;
  const P2 = -2.77777777770155933842e-3;
  const P3 = 6.61375632143793436117e-5;
  const P4 = -1.6533902205465251539e-6;
  const P5 = 4.13813679705723846039e-8;
  const r = hi - lo;
  const tt = r * r;
  const c = r - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  return ldexp(y, k);
}

/** Go's math.Ldexp for a normal y and integer k. */
function ldexp(y: number, k: number): number {
  if (k > 1023) return y * 2 ** 1023 * 2 ** (k - 1023);
  if (k < -1022) return y * 2 ** -1022 * 2 ** (k + 1022);
  return y * 2 ** k;
}

/** Prometheus's Bucket.FractionBelow: the share of the bucket below v, linearly or exponentially interpolated. */
export function fractionBelow(b: Bucket, v: number, linear: boolean): number {
  if (linear) return (v - b.lower) / (b.upper - b.lower);
  const logLower = goLog2(Math.abs(b.lower));
  const logUpper = goLog2(Math.abs(b.upper));
  const logV = goLog2(Math.abs(v));
  if (v > 0) return (logV - logLower) / (logUpper - logLower);
  return 1 - (logV - logUpper) / (logLower - logUpper);
}

/**
 * The q-quantile of the observations in h (HistogramQuantile): exponential
 * interpolation within exponential buckets, linear within the zero bucket
 * and custom buckets; q < 0 gives -Inf, q > 1 +Inf, an empty histogram or
 * NaN q NaN. Observations of NaN (a NaN sum) skew the result or make it NaN.
 */
export function histogramQuantile(q: number, h: FloatHistogram): HistogramEstimate {
  const infos: HistogramEstimateInfo[] = [];
  if (q < 0) return { value: -Infinity, infos };
  if (q > 1) return { value: Infinity, infos };
  if (h.count === 0 || Number.isNaN(q)) return { value: NaN, infos };

  const forward = Number.isNaN(h.sum) || q < 0.5;
  const list = forward ? h.iterAll() : h.iterAllReverse();
  let rank = forward ? q * h.count : (1 - q) * h.count;
  let count = 0;
  let bucket: Bucket = { lower: 0, upper: 0, lowerInclusive: false, upperInclusive: false, count: 0, index: 0 };
  let i = 0;
  for (; i < list.length; i++) {
    bucket = { ...list[i]! };
    if (bucket.count === 0) continue;
    count += bucket.count;
    if (count >= rank) break;
  }
  const custom = h.usesCustomBuckets();
  if (!custom && bucket.lower < 0 && bucket.upper > 0) {
    // The zero bucket: if there are only positive (negative) buckets, its lower (upper) half is empty.
    if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) bucket.lower = 0;
    else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) bucket.upper = 0;
  } else if (custom) {
    if (bucket.lower === -Infinity) {
      // The first custom bucket: interpolate from 0 unless its upper bound is ≤ 0.
      if (bucket.upper <= 0) return { value: bucket.upper, infos };
      bucket.lower = 0;
    } else if (bucket.upper === Infinity) {
      // The +Inf bucket: return its lower bound.
      return { value: bucket.lower, infos };
    }
  }
  // Due to numerical inaccuracies, count could exceed h.count.
  if (count > h.count) count = h.count;
  if (count < rank) {
    // Rank is past the last bucket (NaN observations, or a count larger than the buckets hold).
    if (Number.isNaN(h.sum)) {
      infos.push("quantile-nan-result");
      return { value: NaN, infos };
    }
    return { value: bucket.upper, infos };
  }
  if (forward) rank -= count - bucket.count;
  else rank = count - rank;
  if (Number.isNaN(h.sum)) {
    for (i++; i < list.length; i++) count += list[i]!.count;
    if (count < h.count) infos.push("quantile-nan-skew");
  }
  const fraction = rank / bucket.count;
  if (custom || (bucket.lower <= 0 && bucket.upper >= 0)) {
    return { value: bucket.lower + (bucket.upper - bucket.lower) * fraction, infos };
  }
  const logLower = goLog2(Math.abs(bucket.lower));
  const logUpper = goLog2(Math.abs(bucket.upper));
  if (bucket.lower > 0) return { value: goExp2(logLower + (logUpper - logLower) * fraction), infos };
  return { value: -goExp2(logUpper + (logLower - logUpper) * (1 - fraction)), infos };
}

/**
 * The estimated share of observations between lower and upper
 * (HistogramFraction), interpolating like histogramQuantile. NaN for an
 * empty histogram or NaN bounds, 0 when lower ≥ upper.
 */
export function histogramFraction(lower: number, upper: number, h: FloatHistogram): HistogramEstimate {
  const infos: HistogramEstimateInfo[] = [];
  if (h.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return { value: NaN, infos };
  if (lower >= upper) return { value: 0, infos };
  let count = 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  const list = h.iterAll();
  const custom = h.usesCustomBuckets();
  let i = 0;
  for (; i < list.length; i++) {
    const b = { ...list[i]! };
    count += b.count;
    let zeroBucket = false;
    const interpolateLinearly = (v: number): number => (b.lower === -Infinity ? b.count : rank + b.count * fractionBelow(b, v, true));
    const interpolateExponentially = (v: number): number => rank + b.count * fractionBelow(b, v, false);
    if (b.lower <= 0 && b.upper >= 0) {
      zeroBucket = true;
      if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) b.lower = 0;
      else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) b.upper = 0;
    }
    if (!lowerSet && b.lower >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && b.lower >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && b.lower < lower && b.upper > lower) {
      lowerRank = custom || zeroBucket ? interpolateLinearly(lower) : interpolateExponentially(lower);
      lowerSet = true;
    }
    if (!upperSet && b.lower < upper && b.upper > upper) {
      upperRank = custom || zeroBucket ? interpolateLinearly(upper) : interpolateExponentially(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += b.count;
  }
  if (Number.isNaN(h.sum)) {
    for (i++; i < list.length; i++) count += list[i]!.count;
    if (count < h.count) infos.push("fraction-nans");
  } else {
    count = h.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return { value: (upperRank - lowerRank) / h.count, infos };
}

/**
 * The estimated variance of the observations (histogram_stdvar): every
 * observation is taken to be at its bucket's midpoint — the geometric mean
 * of the bounds for exponential buckets, 0 in the zero bucket, the
 * arithmetic mean for custom buckets — around the mean sum/count.
 */
export function histogramStdVar(h: FloatHistogram): number {
  const mean = h.sum / h.count;
  let variance = 0;
  let c = 0;
  const custom = h.usesCustomBuckets();
  for (const bucket of h.iterAll()) {
    if (bucket.count === 0) continue;
    let val: number;
    if (custom) val = (bucket.upper + bucket.lower) / 2;
    else if (bucket.lower <= 0 && bucket.upper >= 0) val = 0;
    else {
      val = Math.sqrt(bucket.upper * bucket.lower);
      if (bucket.upper < 0) val = -val;
    }
    const delta = val - mean;
    [variance, c] = kahanInc(bucket.count * delta * delta, variance, c);
  }
  variance += c;
  return variance / h.count;
}

/** The estimated standard deviation (histogram_stddev): sqrt of histogramStdVar. */
export function histogramStdDev(h: FloatHistogram): number {
  return Math.sqrt(histogramStdVar(h));
}

/** histogram_avg: sum / count. */
export function histogramAvg(h: FloatHistogram): number {
  return h.sum / h.count;
}

/** histogram_count. */
export function histogramCount(h: FloatHistogram): number {
  return h.count;
}

/** histogram_sum. */
export function histogramSum(h: FloatHistogram): number {
  return h.sum;
}
