/**
 * Functions over range vectors (`rate`, `*_over_time`, ...), evaluated per
 * series and step on a window of samples [lo, hi) of that series.
 *
 * Results must be Prometheus's floats to the last bit: an alert's raw
 * `{{ $value }}` prints all of them. Small windows are scanned directly, with
 * exactly Prometheus's arithmetic. Large windows (a 30d range stepping
 * through a dashboard or a rule test) would make that O(window) per step, so
 * change and reset counts come from per-series prefix arrays instead, built
 * once per series (once scanning has cost as much), and so do sums where
 * that gives Prometheus's float:
 * Prometheus sums a window by Kahan(-Neumaier) summation, which is the
 * correctly rounded sum unless the exact sum lies within its tiny error of a
 * rounding boundary. Prefix sums are double-double, about twice float64
 * precision; where the window's sum is that close to a boundary it is
 * scanned. What depends on the order of the additions is always scanned:
 * averages (sum/count + compensation/count of Prometheus's running sum) and
 * counter-reset corrections (added one by one). Native histogram counters
 * get the same for their reset checks (SeriesIndex.histogramResets): a
 * window without a reset is its last histogram minus its first.
 */
import { kahanInc } from "./float-compare.js";
import { customBucketBoundsMatch } from "./histogram/buckets.js";
import type { Labels } from "./labels.js";
import { sampleQuantile } from "./quantile.js";
import type { FloatSamples } from "./storage.js";
import type { FloatHistogram } from "./histogram.js";

/** Windows up to this many samples are scanned; longer ones use prefix arrays. */
const DIRECT_SCAN_LIMIT = 64;

export interface Window {
  readonly samples: FloatSamples;
  /** First sample in the window. */
  readonly lo: number;
  /** One past the last sample in the window. */
  readonly hi: number;
  /** Exclusive lower bound of the window (ms). */
  readonly rangeStart: number;
  /** Inclusive upper bound of the window (ms). */
  readonly rangeEnd: number;
  readonly rangeMs: number;
  /** Evaluation timestamp of the step (ms). */
  readonly ts: number;
  readonly metric: Labels;
  readonly index: SeriesIndex;
}

/** Returns the output value, or undefined for "no sample at this step". */
export type RangeFunction = (w: Window, scalarArgs: readonly number[]) => number | undefined;

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/**
 * Samples' indexes, kept across queries: the stored samples a selector reads
 * are the same immutable object until the series changes, and a rule test
 * queries each series over many chunks of steps, each of which would
 * otherwise rebuild prefix arrays over the whole series.
 */
const INDEXES = new WeakMap<FloatSamples, SeriesIndex>();

/** Lazily built prefix arrays over one series' samples. */
export class SeriesIndex {
  /** The index of samples, which are never modified, shared by all queries reading them. */
  static of(s: FloatSamples): SeriesIndex {
    let index = INDEXES.get(s);
    if (index === undefined) {
      index = new SeriesIndex(s);
      INDEXES.set(s, index);
    }
    return index;
  }

  private sumHi?: Float64Array;
  private sumLo?: Float64Array;
  private absSum?: Float64Array;
  private nonZero?: Int32Array;
  private nonFinite?: Int32Array;
  private resetCount?: Int32Array;
  private changeCount?: Int32Array;
  /** Histogram counter resets, as resetCount; undefined when the series does not qualify (histogramResets). */
  private histogramResetCount?: Int32Array | null;
  /** Float samples in a series holding histograms, as a prefix count. */
  private floatCount?: Int32Array;

  /** Samples scanned in long windows so far (see `pays`). */
  private scanned = 0;

  constructor(private readonly s: FloatSamples) {}

  /**
   * Whether to answer for the long window [lo, hi) from prefix arrays, which
   * cost a pass over the whole series to build: only once scanning windows
   * has cost as much. A query at a single step (a rule test checking an
   * alert at a few steps of a days-long series) scans its window; a range
   * query stepping through the series builds them after a few steps.
   */
  pays(lo: number, hi: number): boolean {
    if (this.scanned >= this.s.length) return true;
    this.scanned += hi - lo;
    return false;
  }

  /** Number of NaN/±Inf values in [lo, hi); prefix sums are only valid when 0. */
  nonFiniteIn(lo: number, hi: number): number {
    if (this.nonFinite === undefined) {
      const v = this.s.v;
      const n = this.s.length;
      const p = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) p[i + 1] = p[i]! + (Number.isFinite(v[i]!) ? 0 : 1);
      this.nonFinite = p;
    }
    return this.nonFinite[hi]! - this.nonFinite[lo]!;
  }

  /**
   * The Kahan sum Prometheus computes over samples [lo, hi) of finite values,
   * or undefined where the prefix sums cannot tell what it is (scan instead).
   */
  kahanSum(lo: number, hi: number): number | undefined {
    if (this.sumHi === undefined || this.sumLo === undefined || this.absSum === undefined || this.nonZero === undefined) {
      const v = this.s.v;
      [this.sumHi, this.sumLo] = prefixDoubleDouble(this.s.length, v);
      const absSum = new Float64Array(this.s.length + 1);
      for (let i = 0; i < this.s.length; i++) absSum[i + 1] = absSum[i]! + Math.abs(v[i]!);
      this.absSum = absSum;
      const n = this.s.length;
      const nonZero = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) nonZero[i + 1] = nonZero[i]! + (v[i] !== 0 ? 1 : 0);
      this.nonZero = nonZero;
    }
    // A window of zeros (a counter of errors that never happen): Prometheus's sum is +0.
    if (this.nonZero[hi] === this.nonZero[lo]) return 0;
    const magnitude = this.absSum[hi]!;
    // The error bounds below are relative: no overflow, no subnormals.
    if (!(magnitude < 2 ** 1000 && magnitude > 2 ** -900)) return undefined;
    // The window's exact sum is within `error` of r + e (double-double).
    const [s, t] = twoSum(this.sumHi[hi]!, -this.sumHi[lo]!);
    const [r, e] = twoSum(s, t + (this.sumLo[hi]! - this.sumLo[lo]!));
    if (!Number.isFinite(r) || !Number.isFinite(e)) return undefined;
    // Bounds, in units of u² times every magnitude summed (u = 2^-53): the
    // prefix arithmetic errs by at most 4 per prefix sample, Kahan's running
    // compensation by n² for n samples (each of its n additions errs by u
    // times at most n rounding errors of u times the running sum).
    const n = hi - lo;
    const error = 8 * (hi + n * n + 4) * U2 * magnitude + 2 * U2 * Math.abs(r);
    // Kahan's result is r, the float nearest the exact sum, unless a rounding
    // boundary (halfway to the next float) is within the error.
    const toBoundary = (e >= 0 ? nextUp(r) - r : r - nextDown(r)) / 2 - Math.abs(e);
    return toBoundary > error ? r : undefined;
  }

  /** Number of counter resets (a value below its predecessor) among samples [lo, hi). */
  resets(lo: number, hi: number): number {
    if (this.resetCount === undefined) {
      const v = this.s.v;
      const n = this.s.length;
      const p = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) p[i + 1] = p[i]! + (i > 0 && v[i]! < v[i - 1]! ? 1 : 0);
      this.resetCount = p;
    }
    return this.resetCount[hi]! - this.resetCount[lo + 1]!;
  }

  /**
   * For a series of native histogram counters: the number of counter resets
   * (a histogram's detectReset against the one before it) among samples
   * [lo, hi); undefined where the window must be looked at histogram by
   * histogram: it holds a float sample, or the series' histograms differ in
   * schema or custom bucket bounds, or one has the gauge hint (each of which
   * a window's rate reports or reconciles).
   */
  histogramResets(lo: number, hi: number): number | undefined {
    const hs = this.s.h;
    if (hs === undefined) return undefined;
    if (this.histogramResetCount === undefined) {
      const n = this.s.length;
      this.floatCount = prefixCount(n, (i) => hs[i] === undefined);
      let first: FloatHistogram | undefined;
      let qualifies = true;
      for (let i = 0; i < n && qualifies; i++) {
        const h = hs[i];
        if (h === undefined) continue;
        first ??= h;
        qualifies = h.counterResetHint !== "gauge" && h.schema === first.schema && customBucketBoundsMatch(h.customValues, first.customValues);
      }
      this.histogramResetCount = qualifies ? prefixCount(n, (i) => i > 0 && hs[i] !== undefined && hs[i - 1] !== undefined && hs[i]!.detectReset(hs[i - 1]!)) : null;
    }
    if (this.histogramResetCount === null || this.floatCount![hi] !== this.floatCount![lo]) return undefined;
    return this.histogramResetCount[hi]! - this.histogramResetCount[lo + 1]!;
  }

  changes(lo: number, hi: number): number {
    if (this.changeCount === undefined) {
      const v = this.s.v;
      this.changeCount = prefixCount(this.s.length, (i) => i > 0 && v[i] !== v[i - 1] && !(Number.isNaN(v[i]!) && Number.isNaN(v[i - 1]!)));
    }
    return this.changeCount[hi]! - this.changeCount[lo + 1]!;
  }
}

function prefixCount(n: number, counts: (i: number) => boolean): Int32Array {
  const p = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) p[i + 1] = p[i]! + (counts(i) ? 1 : 0);
  return p;
}

function prefixDoubleDouble(n: number, v: ArrayLike<number>): [Float64Array, Float64Array] {
  const hi = new Float64Array(n + 1);
  const lo = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    // twoSum(hi[i], v[i]), then twoSum of that sum and lo[i] + its error, written out.
    const a = hi[i]!;
    const b = v[i]!;
    const s = a + b;
    const bb = s - a;
    const e = a - (s - bb) + (b - bb);
    const b2 = lo[i]! + e;
    const h = s + b2;
    const bb2 = h - s;
    hi[i + 1] = h;
    lo[i + 1] = s - (h - bb2) + (b2 - bb2);
  }
  return [hi, lo];
}

/** u², u = 2^-53 the unit roundoff of float64. */
const U2 = 2 ** -106;

const bits = new DataView(new ArrayBuffer(8));

/** The next float above x (finite x). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  bits.setFloat64(0, x);
  bits.setBigInt64(0, bits.getBigInt64(0) + (x > 0 ? 1n : -1n));
  return bits.getFloat64(0);
}

/** The next float below x (finite x). */
function nextDown(x: number): number {
  return -nextUp(-x);
}

function useIndex(w: Window): boolean {
  return w.hi - w.lo > DIRECT_SCAN_LIMIT && w.index.pays(w.lo, w.hi) && w.index.nonFiniteIn(w.lo, w.hi) === 0;
}

/** sum_over_time: Prometheus's Kahan sum of the window. */
function sumOverTime(w: Window): number {
  if (useIndex(w)) {
    const s = w.index.kahanSum(w.lo, w.hi);
    if (s !== undefined) return s;
  }
  return kahanSum(w);
}

function kahanSum(w: Window): number {
  const v = w.samples.v;
  const hi = w.hi;
  let sum = 0;
  let c = 0;
  for (let i = w.lo; i < hi; i++) {
    // kahanInc(v[i], sum, c), written out.
    const inc = v[i]!;
    const t = sum + inc;
    if (t === Infinity || t === -Infinity) c = 0;
    else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
    else c += inc - t + sum;
    sum = t;
  }
  return sum === Infinity || sum === -Infinity ? sum : sum + c;
}

/**
 * rate(), increase() and delta(): the change over the window, extrapolated
 * towards the window edges. Extrapolation goes all the way to an edge only
 * if the first/last sample is within 110% of the average sample interval of
 * it; otherwise only half an interval, assuming the series starts or ends
 * inside the window. Counters are never extrapolated below zero.
 */
function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const n = w.hi - w.lo;
  if (n < 2) return undefined;
  const { t, v } = w.samples;
  const firstT = t[w.lo]!;
  const lastT = t[w.hi - 1]!;
  const firstV = v[w.lo]!;
  let result = v[w.hi - 1]! - firstV;
  // Each reset adds the value before it, in order, as Prometheus does; a
  // long window without resets needs no scan once the reset counts pay.
  if (isCounter && (n <= DIRECT_SCAN_LIMIT || !w.index.pays(w.lo, w.hi) || w.index.resets(w.lo, w.hi) > 0)) {
    for (let i = w.lo + 1; i < w.hi; i++) if (v[i]! < v[i - 1]!) result += v[i - 1]!;
  }
  let durationToStart = (firstT - w.rangeStart) / 1000;
  let durationToEnd = (w.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter && result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = sampledInterval !== 0 ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval : 1;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

/** irate() and idelta(): from the last two samples only. */
function instantValue(w: Window, isRate: boolean): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const { t, v } = w.samples;
  const last = v[w.hi - 1]!;
  const prev = v[w.hi - 2]!;
  const interval = t[w.hi - 1]! - t[w.hi - 2]!;
  if (interval === 0) return undefined;
  // After a counter reset the last value itself is the increase.
  let result = isRate && last < prev ? last : last - prev;
  if (isRate) result /= interval / 1000;
  return result;
}

/**
 * Least-squares fit with x relative to `interceptTime` (seconds), Kahan
 * compensated. A constant series has slope 0 exactly, which the general
 * formula would only approximate.
 */
export function linearRegression(w: Window, interceptTime: number): [slope: number, intercept: number] {
  const { t, v } = w.samples;
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = v[w.lo]!;
  let constY = true;
  for (let i = w.lo; i < w.hi; i++) {
    const y = v[i]!;
    if (constY && i > w.lo && y !== initY) constY = false;
    n += 1;
    const x = (t[i]! - interceptTime) / 1000;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(y, sumY, cY);
    [sumXY, cXY] = kahanInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

function variance(w: Window): number {
  const v = w.samples.v;
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const f = v[i]!;
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

/** avg_over_time, always scanned: its result depends on Prometheus's running sum, not only on the exact sum. */
function avgOverTime(w: Window): number {
  const v = w.samples.v;
  // Direct mean while the running sum stays finite, incremental mean after,
  // exactly as Prometheus does to avoid overflowing on huge values.
  let sum = v[w.lo]!;
  let count = 1;
  let mean = 0;
  let kahanC = 0;
  let incremental = false;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const f = v[i]!;
    count = i - w.lo + 1;
    if (!incremental) {
      const [ns, nc] = kahanInc(f, sum, kahanC);
      if (ns !== Infinity && ns !== -Infinity) {
        sum = ns;
        kahanC = nc;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      kahanC /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, kahanC] = kahanInc(f / count, q * mean, q * kahanC);
  }
  return incremental ? mean + kahanC : sum / count + kahanC / count;
}

/**
 * max/min_over_time: NaN only wins if every sample is NaN, since a later
 * number always replaces a NaN accumulator.
 */
function extremeOverTime(w: Window, better: (cur: number, acc: number) => boolean): number {
  const v = w.samples.v;
  let acc = v[w.lo]!;
  for (let i = w.lo; i < w.hi; i++) {
    const f = v[i]!;
    if (better(f, acc) || Number.isNaN(acc)) acc = f;
  }
  return acc;
}

export const RANGE_FUNCTIONS: Readonly<Record<string, RangeFunction>> = {
  rate: (w) => extrapolatedRate(w, true, true),
  increase: (w) => extrapolatedRate(w, true, false),
  delta: (w) => extrapolatedRate(w, false, false),
  irate: (w) => instantValue(w, true),
  idelta: (w) => instantValue(w, false),
  sum_over_time: sumOverTime,
  avg_over_time: avgOverTime,
  count_over_time: (w) => w.hi - w.lo,
  present_over_time: () => 1,
  last_over_time: (w) => w.samples.v[w.hi - 1]!,
  first_over_time: (w) => w.samples.v[w.lo]!,
  max_over_time: (w) => extremeOverTime(w, (cur, acc) => cur > acc),
  min_over_time: (w) => extremeOverTime(w, (cur, acc) => cur < acc),
  stddev_over_time: (w) => Math.sqrt(variance(w)),
  stdvar_over_time: (w) => variance(w),
  quantile_over_time: (w, [q = NaN]) => sampleQuantile(q, Array.from({ length: w.hi - w.lo }, (_, i) => w.samples.v[w.lo + i]!)),
  changes: (w) => {
    if (w.hi - w.lo > DIRECT_SCAN_LIMIT && w.index.pays(w.lo, w.hi)) return w.index.changes(w.lo, w.hi);
    const v = w.samples.v;
    let n = 0;
    for (let i = w.lo + 1; i < w.hi; i++) if (v[i] !== v[i - 1] && !(Number.isNaN(v[i]!) && Number.isNaN(v[i - 1]!))) n++;
    return n;
  },
  resets: (w) => {
    if (w.hi - w.lo > DIRECT_SCAN_LIMIT && w.index.pays(w.lo, w.hi)) return w.index.resets(w.lo, w.hi);
    const v = w.samples.v;
    let n = 0;
    for (let i = w.lo + 1; i < w.hi; i++) if (v[i]! < v[i - 1]!) n++;
    return n;
  },
  deriv: (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.samples.t[w.lo]!)[0]),
  predict_linear: (w, [duration = NaN]) => {
    if (w.hi - w.lo < 2) return undefined;
    const [slope, intercept] = linearRegression(w, w.ts);
    return slope * duration + intercept;
  },
  // absent_over_time is resolved across all series by the engine.
  absent_over_time: () => 1,
};
