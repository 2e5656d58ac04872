/**
 * Quantile estimation: classic (le-bucketed) histograms for
 * histogram_quantile, and plain sample quantiles for quantile() and
 * quantile_over_time(). Same algorithms as Prometheus's quantile.go.
 */
import { goMax, goMin } from "../go/math.js";
import { goSort } from "../go/sort.js";
import { almostEqual } from "./float-compare.js";

export interface Bucket {
  upperBound: number;
  count: number;
}

/**
 * Relative tolerance under which a decreasing cumulative bucket count is
 * treated as floating point noise (e.g. from rate() over many series) rather
 * than as a real monotonicity violation.
 */
const SMALL_DELTA_TOLERANCE = 1e-12;

export interface BucketQuantileResult {
  value: number;
  /** Counts had to be raised to keep the histogram cumulative. */
  forcedMonotonicity: boolean;
}

export function bucketQuantile(q: number, input: readonly Bucket[]): BucketQuantileResult {
  if (Number.isNaN(q)) return { value: NaN, forcedMonotonicity: false };
  if (q < 0) return { value: -Infinity, forcedMonotonicity: false };
  if (q > 1) return { value: Infinity, forcedMonotonicity: false };
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upperBound !== Infinity) {
    return { value: NaN, forcedMonotonicity: false };
  }
  const buckets = coalesceBuckets(sorted);
  const forcedMonotonicity = ensureMonotonic(buckets);
  if (buckets.length < 2) return { value: NaN, forcedMonotonicity };
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return { value: NaN, forcedMonotonicity };
  let rank = q * observations;
  // First bucket (excluding +Inf) whose cumulative count reaches the rank.
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b]!.count >= rank)) b++;
  if (b === buckets.length - 1) return { value: buckets[buckets.length - 2]!.upperBound, forcedMonotonicity };
  // With a non-positive lowest bound there is no sensible lower edge to interpolate from.
  if (b === 0 && buckets[0]!.upperBound <= 0) return { value: buckets[0]!.upperBound, forcedMonotonicity };
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return { value: bucketStart + (bucketEnd - bucketStart) * (rank / count), forcedMonotonicity };
}

/** Buckets with the same bound (e.g. `le="1"` and `le="1.0"`) are added up. */
function coalesceBuckets(buckets: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

function ensureMonotonic(buckets: Bucket[]): boolean {
  let forced = false;
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      buckets[i]!.count = prev;
      continue;
    }
    if (curr < prev) {
      buckets[i]!.count = prev;
      forced = true;
      continue;
    }
    prev = curr;
  }
  return forced;
}

/** NaN sorts first, as in Prometheus's vectorByValueHeap. */
export function lessWithNaNFirst(a: number, b: number): boolean {
  return Number.isNaN(a) ? true : a < b;
}

/**
 * The q-quantile of `values` by linear interpolation between closest ranks
 * (values are reordered in place).
 */
export function sampleQuantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  goSort(values, lessWithNaNFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = goMax(0, Math.floor(rank));
  const upper = goMin(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

/**
 * histogram_fraction over classic buckets (Prometheus's BucketFraction): the
 * estimated share of observations between lower and upper, interpolating
 * linearly within buckets; buckets with an infinite bound contribute nothing
 * inside them. NaN without a +Inf bucket or observations.
 */
export function bucketFraction(lower: number, upper: number, input: readonly Bucket[]): number {
  const sorted = [...input].sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (sorted[sorted.length - 1]!.upperBound !== Infinity) return NaN;
  const buckets = coalesceBuckets(sorted);
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = buckets[0]!.upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (i > 0) lowerBound = buckets[i - 1]!.upperBound;
    const upperBound = b.upperBound;
    const interpolate = (v: number): number => (lowerBound === -Infinity ? b.count : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound));
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
