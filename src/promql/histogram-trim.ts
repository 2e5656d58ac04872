/**
 * The trim operators `</` (keep observations below a value) and `>/` (keep
 * those above): Prometheus's FloatHistogram.TrimBuckets, which interpolates
 * inside the bucket holding the trim value and re-estimates count and sum
 * from bucket midpoints when anything was trimmed.
 */
import { type Bucket, FloatHistogram, fractionBelow } from "./histogram.js";

function zeroIfInf(x: number): number {
  return x === Infinity || x === -Infinity ? 0 : x;
}

function handleInfinityBuckets(isUpperTrim: boolean, b: Bucket, rhs: number): [number, number] {
  if (b.lower === -Infinity) {
    if (isUpperTrim) {
      if (rhs >= b.upper) return [b.count, 0];
      if (rhs > 0 && b.upper > 0 && b.upper !== Infinity) return [(b.count * rhs) / b.upper, rhs / 2];
      if (b.upper <= 0) return [b.count, rhs];
      return [0, zeroIfInf(b.upper)];
    }
    if (rhs <= b.lower) return [b.count, 0];
    if (rhs >= 0 && b.upper > rhs && b.upper !== Infinity) return [b.count * (1 - rhs / b.upper), (rhs + b.upper) / 2];
    return [0, zeroIfInf(b.upper)];
  }
  if (isUpperTrim) return [0, zeroIfInf(b.lower)];
  if (rhs >= b.lower) return [b.count, rhs];
  return [0, zeroIfInf(b.lower)];
}

function computeSplit(b: Bucket, rhs: number, linear: boolean): number {
  if (rhs <= b.lower) return 0;
  if (rhs >= b.upper) return b.count;
  return b.count * fractionBelow(b, rhs, linear);
}

function computeMidpoint(lower: number, upper: number, isPositive: boolean, linear: boolean): number {
  const lowerInf = lower === Infinity || lower === -Infinity;
  const upperInf = upper === Infinity || upper === -Infinity;
  if (lowerInf) {
    if (upperInf) return 0;
    return upper > 0 ? upper / 2 : upper;
  }
  if (upperInf) return lower;
  if (linear) return (lower + upper) / 2;
  const geoMean = Math.sqrt(Math.abs(lower * upper));
  return isPositive ? geoMean : -geoMean;
}

function computeBucketTrim(b: Bucket, rhs: number, isUpperTrim: boolean, isPositive: boolean, linear: boolean): [number, number] {
  if (b.lower === -Infinity || b.upper === Infinity) return handleInfinityBuckets(isUpperTrim, b, rhs);
  const under = computeSplit(b, rhs, linear);
  if (isUpperTrim) return [under, computeMidpoint(b.lower, rhs, isPositive, linear)];
  return [b.count - under, computeMidpoint(rhs, b.upper, isPositive, linear)];
}

function computeZeroBucketTrim(zero: Bucket, rhs: number, hasNegative: boolean, hasPositive: boolean, isUpperTrim: boolean): [number, number] {
  let lower = zero.lower;
  let upper = zero.upper;
  if (hasNegative && !hasPositive) upper = 0;
  if (hasPositive && !hasNegative) lower = 0;
  let fraction: number;
  let midpoint: number;
  if (isUpperTrim) {
    if (rhs <= lower) return [0, 0];
    if (rhs >= upper) return [zero.count, (lower + upper) / 2];
    fraction = (rhs - lower) / (upper - lower);
    midpoint = (lower + rhs) / 2;
  } else {
    if (rhs <= lower) return [zero.count, (lower + upper) / 2];
    if (rhs >= upper) return [0, 0];
    fraction = (upper - rhs) / (upper - lower);
    midpoint = (rhs + upper) / 2;
  }
  return [zero.count * fraction, midpoint];
}

/** Array positions of the buckets the spans describe, with their bucket indices. */
function bucketIndices(spans: ReadonlyArray<{ offset: number; length: number }>): number[] {
  const out: number[] = [];
  let idx = 0;
  spans.forEach((s) => {
    // The first offset is absolute, later ones relative to the previous span's end.
    idx += s.offset;
    for (let j = 0; j < s.length; j++) out.push(idx + j);
    idx += s.length;
  });
  return out;
}

/** TrimBuckets: `h </ rhs` (isUpperTrim) or `h >/ rhs`. */
export function trimBuckets(h: FloatHistogram, rhs: number, isUpperTrim: boolean): FloatHistogram {
  const linear = h.usesCustomBuckets();
  const positive = [...h.positiveBuckets];
  const negative = [...h.negativeBuckets];
  let updatedCount = 0;
  let updatedSum = 0;
  let trimmed = false;
  let hasPositive = false;
  let hasNegative = false;
  const side = (isPositive: boolean): void => {
    const counts = isPositive ? positive : negative;
    const indices = bucketIndices(isPositive ? h.positiveSpans : h.negativeSpans);
    const bounds = new Map<number, Bucket>();
    for (const b of isPositive ? h.iterPositive() : h.iterNegative()) bounds.set(b.index, b);
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) continue;
      const b = bounds.get(indices[i]!);
      if (b === undefined) throw new Error(`trimBuckets: no bounds for bucket ${indices[i]}`);
      const bucket = { ...b, count: counts[i]! };
      if (isPositive) hasPositive = true;
      else hasNegative = true;
      const keepAll = isUpperTrim ? bucket.upper <= rhs : bucket.lower >= rhs;
      const partly = isUpperTrim ? bucket.lower < rhs : bucket.upper > rhs;
      if (keepAll) {
        updatedCount += bucket.count;
        updatedSum += computeMidpoint(bucket.lower, bucket.upper, isPositive, linear) * bucket.count;
      } else if (partly) {
        const [keep, mid] = computeBucketTrim(bucket, rhs, isUpperTrim, isPositive, linear);
        updatedCount += keep;
        updatedSum += mid * keep;
        if (counts[i] !== keep) {
          counts[i] = keep;
          trimmed = true;
        }
      } else {
        counts[i] = 0;
        trimmed = true;
      }
    }
  };
  side(true);
  side(false);
  let zeroCount = h.zeroCount;
  if (zeroCount > 0) {
    const [keep, mid] = computeZeroBucketTrim(h.zeroBucket(), rhs, hasNegative, hasPositive, isUpperTrim);
    if (zeroCount !== keep) {
      zeroCount = keep;
      trimmed = true;
    }
    updatedSum += mid * keep;
    updatedCount += keep;
  }
  if (!trimmed) return h;
  return h.with({ positiveBuckets: positive, negativeBuckets: negative, zeroCount, count: updatedCount, sum: updatedSum }).compact(0);
}
