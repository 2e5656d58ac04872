/**
 * Low-level span/bucket algorithms of native histograms, ported from
 * Prometheus's model/histogram (generic.go, float_histogram.go): bucket
 * bounds, compaction, resolution reduction and bucket-wise addition.
 *
 * Everything here works on absolute float bucket counts (never deltas) and
 * MUTATES the arrays and span objects it is given: callers (the
 * FloatHistogram operations) always pass private copies.
 */
import { kahanInc } from "../float-compare.js";
import { EXPONENTIAL_BOUNDS } from "./exponential-bounds.js";

/** A run of consecutive buckets: `offset` is the gap to the previous span (for the first span, the index of its first bucket). */
export interface Span {
  offset: number;
  length: number;
}

export const EXPONENTIAL_SCHEMA_MAX = 8;
export const EXPONENTIAL_SCHEMA_MIN = -4;
export const EXPONENTIAL_SCHEMA_MAX_RESERVED = 52;
export const EXPONENTIAL_SCHEMA_MIN_RESERVED = -9;
export const CUSTOM_BUCKETS_SCHEMA = -53;

const MAX_FLOAT64 = Number.MAX_VALUE;

export function isCustomBucketsSchema(schema: number): boolean {
  return schema === CUSTOM_BUCKETS_SCHEMA;
}

export function isExponentialSchema(schema: number): boolean {
  return schema >= EXPONENTIAL_SCHEMA_MIN && schema <= EXPONENTIAL_SCHEMA_MAX;
}

export function isValidSchema(schema: number): boolean {
  return isCustomBucketsSchema(schema) || isExponentialSchema(schema);
}

/** The kinds of errors Prometheus's histogram package signals (histogram.Error values). */
export type HistogramErrorKind =
  | "incompatible-schema"
  | "invalid-schema"
  | "negative-count"
  | "negative-bucket-count"
  | "span-negative-offset"
  | "spans-buckets-mismatch"
  | "custom-buckets-mismatch"
  | "custom-buckets-invalid"
  | "custom-buckets-infinite"
  | "custom-buckets-nan"
  | "custom-buckets-zero-count"
  | "custom-buckets-zero-threshold"
  | "custom-buckets-negative-spans"
  | "custom-buckets-negative-buckets"
  | "exponential-schema-custom-bounds"
  | "invalid-operation";

/** An error with Prometheus's message; `kind` lets the engine map it to an annotation. */
export class HistogramError extends Error {
  constructor(
    readonly kind: HistogramErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "HistogramError";
  }
}

/** The messages of Prometheus's sentinel errors (generic.go). */
export const HISTOGRAM_ERROR_MESSAGES = {
  "incompatible-schema": "cannot apply this operation on histograms with a mix of exponential and custom bucket schemas",
  "negative-count": "histogram's observation count is negative",
  "negative-bucket-count": "histogram has a bucket whose observation count is negative",
  "span-negative-offset": "histogram has a span whose offset is negative",
  "spans-buckets-mismatch": "histogram spans specify different number of buckets than provided",
  "custom-buckets-mismatch": "histogram custom bounds are too few",
  "custom-buckets-invalid": "histogram custom bounds must be in strictly increasing order",
  "custom-buckets-infinite": "histogram custom bounds must be finite",
  "custom-buckets-nan": "histogram custom bounds must not be NaN",
  "custom-buckets-zero-count": "custom buckets: must have zero count of 0",
  "custom-buckets-zero-threshold": "custom buckets: must have zero threshold of 0",
  "custom-buckets-negative-spans": "custom buckets: must not have negative spans",
  "custom-buckets-negative-buckets": "custom buckets: must not have negative buckets",
  "exponential-schema-custom-bounds": "histogram with exponential schema must not have custom bounds",
  "invalid-schema": `histogram has an invalid schema, which must be between ${EXPONENTIAL_SCHEMA_MIN} and ${EXPONENTIAL_SCHEMA_MAX} for exponential buckets, or ${CUSTOM_BUCKETS_SCHEMA} for custom buckets`,
} as const;

/** Go's fmt %v of a float in error messages (shortest, %g-style). */
function fmtV(v: number): string {
  return String(v);
}

/**
 * The upper bound of bucket `idx` (the lower bound of bucket idx+1): for
 * custom buckets the custom value, +Inf past the last one and -Inf at -1.
 */
export function getBound(idx: number, schema: number, customValues: readonly number[]): number {
  if (isCustomBucketsSchema(schema)) {
    const length = customValues.length;
    if (idx > length || idx < -1) throw new Error(`index ${idx} out of bounds for custom bounds of length ${length}`);
    if (idx === length) return Infinity;
    if (idx === -1) return -Infinity;
    return customValues[idx]!;
  }
  return getBoundExponential(idx, schema);
}

/** 2^exp exactly (Go's math.Ldexp(1, exp)), including subnormals, 0 and +Inf. */
function pow2(exp: number): number {
  if (exp > 1023) return Infinity;
  if (exp < -1074) return 0;
  if (exp < -1022) return 2 ** (exp + 64) * 2 ** -64;
  return 2 ** exp;
}

/** Go's math.Ldexp(frac, exp) for frac in [0.5, 1). */
function ldexp(frac: number, exp: number): number {
  if (exp > 1024) return Infinity;
  if (exp >= -1021) return frac * 2 ** exp;
  // Scale in two steps so that only the last multiplication rounds.
  return frac * 2 ** -1021 * pow2(exp + 1021);
}

/** The upper bound of bucket `idx` of an exponential schema, exactly as Prometheus computes it. */
export function getBoundExponential(idx: number, schema: number): number {
  if (schema < 0) {
    const exp = idx * 2 ** -schema;
    if (exp === 1024) return MAX_FLOAT64;
    return pow2(exp);
  }
  const fracIdx = idx & ((1 << schema) - 1);
  const frac = EXPONENTIAL_BOUNDS[schema]![fracIdx]!;
  const exp = (idx >> schema) + 1;
  if (frac === 0.5 && exp === 1025) return MAX_FLOAT64;
  return ldexp(frac, exp);
}

/** The index in `targetSchema` of the bucket holding bucket `idx` of `originSchema` (≥ targetSchema). */
export function targetIdx(idx: number, originSchema: number, targetSchema: number): number {
  return ((idx - 1) >> (originSchema - targetSchema)) + 1;
}

/** Bucket counts as (index, count) pairs, merged to targetSchema. */
export interface IndexedCount {
  index: number;
  count: number;
}

/**
 * The buckets described by spans/buckets, in ascending index order, merged
 * into `targetSchema` (≤ schema), skipping (for exponential schemas) the
 * leading buckets whose absolute upper bound is ≤ absoluteStartValue. Mirrors
 * Prometheus's floatBucketIterator, including its tolerance of spans that
 * need more buckets than given (iteration stops).
 */
export function mergedBuckets(
  spans: readonly Span[],
  buckets: readonly number[],
  schema: number,
  targetSchema: number,
  absoluteStartValue = 0,
): IndexedCount[] {
  const out: IndexedCount[] = [];
  let idx = 0;
  let bi = 0;
  outer: for (const span of spans) {
    idx += span.offset;
    for (let j = 0; j < span.length; j++, idx++) {
      if (bi >= buckets.length) break outer;
      const t = schema === targetSchema ? idx : targetIdx(idx, schema, targetSchema);
      const last = out[out.length - 1];
      if (last !== undefined && last.index === t && schema !== targetSchema) last.count += buckets[bi]!;
      else out.push({ index: t, count: buckets[bi]! });
      bi++;
    }
  }
  if (absoluteStartValue !== 0 && isExponentialSchema(targetSchema)) {
    let skip = 0;
    while (skip < out.length && getBoundExponential(out[skip]!.index, targetSchema) <= absoluteStartValue) skip++;
    if (skip > 0) out.splice(0, skip);
  }
  return out;
}

/**
 * compactBuckets(…, maxEmptyBuckets 0) in one pass for well-formed input
 * (no negative offset after the first span or negative length, as many buckets as
 * the spans need; undefined otherwise): the result is canonical, one span per
 * run of non-empty buckets, so it can be built directly.
 */
function compactCanonical(buckets: number[], spans: readonly Span[]): { buckets: number[]; spans: Span[] } | undefined {
  let need = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    // Zero offsets and lengths are fine (their spans get merged); negative ones are invalid.
    if (s.length < 0 || (i > 0 && s.offset < 0)) return undefined;
    need += s.length;
  }
  if (need !== buckets.length) return undefined;
  // In place, as compactBuckets may change its input.
  const outSpans: Span[] = [];
  let idx = 0;
  let bi = 0;
  let w = 0;
  let lastIdx = 0;
  let current: Span | undefined;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++, idx++, bi++) {
      const v = buckets[bi]!;
      if (v === 0) continue;
      if (current !== undefined && idx === lastIdx + 1) current.length++;
      else {
        current = { offset: current === undefined ? idx : idx - lastIdx - 1, length: 1 };
        outSpans.push(current);
      }
      buckets[w++] = v;
      lastIdx = idx;
    }
  }
  buckets.length = w;
  return { buckets, spans: outSpans };
}

/**
 * Removes empty buckets (count exactly 0, and compensation 0 when given) at
 * span edges, merges spans separated by at most maxEmptyBuckets empty
 * buckets, drops zero-length spans and merges adjacent spans (offset 0).
 * Port of Prometheus's compactBuckets for absolute float counts.
 */
export function compactBuckets(
  bucketsIn: number[],
  compIn: number[] | null,
  spansIn: Span[],
  maxEmptyBuckets: number,
): { buckets: number[]; comp: number[] | null; spans: Span[] } {
  let buckets = bucketsIn;
  let comp = compIn;
  let spans = spansIn;
  if (comp !== null && comp.length !== buckets.length) throw new Error("primary buckets layout mismatch against compensation buckets layout");

  if (comp === null && maxEmptyBuckets === 0) {
    const fast = compactCanonical(buckets, spans);
    if (fast !== undefined) return { buckets: fast.buckets, comp: null, spans: fast.spans };
  }

  let nothingToDo = true;
  for (const b of buckets) {
    if (b === 0) {
      nothingToDo = false;
      break;
    }
  }
  if (nothingToDo) {
    for (const s of spans) {
      if (s.offset <= maxEmptyBuckets || s.length === 0) {
        nothingToDo = false;
        break;
      }
    }
    if (nothingToDo) return { buckets, comp, spans };
  }

  let iBucket = 0;
  let iSpan = 0;
  let posInSpan = 0;
  let current = 0;

  const emptyBucketsHere = (): number => {
    let i = 0;
    let abs = current;
    let c = comp !== null ? comp[iBucket]! : 0;
    while (i + posInSpan < spans[iSpan]!.length && abs === 0 && c === 0) {
      i++;
      if (i + iBucket >= buckets.length) break;
      abs = buckets[i + iBucket]!;
      if (comp !== null) c = comp[i + iBucket]!;
    }
    return i;
  };

  // Merge spans with zero offset into their predecessor.
  if (spans.length > 1) {
    for (let i = 0; i + 1 < spans.length; i++) {
      const span = { ...spans[i + 1]! };
      if (span.offset === 0) {
        spans[iSpan]!.length += span.length;
        continue;
      }
      iSpan++;
      if (i + 1 !== iSpan) spans[iSpan] = span;
    }
    spans = spans.slice(0, iSpan + 1);
    iSpan = 0;
  }

  // Merge spans with zero length into the next one.
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    if (span.length === 0) {
      if (i + 1 < spans.length) spans[i + 1]!.offset += span.offset;
      continue;
    }
    if (i !== iSpan) spans[iSpan] = { ...span };
    iSpan++;
  }
  spans = spans.slice(0, iSpan);
  iSpan = 0;

  if (spans.length === 0) return { buckets: [], comp: comp === null ? null : [], spans };

  // Cut out empty buckets from start and end of spans, no matter what.
  // Also cut out empty buckets from the middle of a span but only if there
  // are more than maxEmptyBuckets consecutive empty buckets.
  while (iBucket < buckets.length && iSpan < spans.length) {
    current = buckets[iBucket]!;
    const nEmpty = emptyBucketsHere();
    if (nEmpty > 0) {
      if (posInSpan > 0 && nEmpty < spans[iSpan]!.length - posInSpan && nEmpty <= maxEmptyBuckets) {
        // The empty buckets are in the middle of a span, and there are few
        // enough empty buckets to keep them.
        iBucket += nEmpty;
        posInSpan += nEmpty;
        continue;
      }
      buckets.splice(iBucket, nEmpty);
      if (comp !== null) comp.splice(iBucket, nEmpty);
      if (posInSpan === 0) {
        // Start of span.
        if (nEmpty === spans[iSpan]!.length) {
          // The whole span is empty.
          const offset = spans[iSpan]!.offset;
          spans.splice(iSpan, 1);
          if (spans.length > iSpan) spans[iSpan]!.offset += offset + nEmpty;
          continue;
        }
        spans[iSpan]!.length -= nEmpty;
        spans[iSpan]!.offset += nEmpty;
        continue;
      }
      // It's in the middle or in the end of the span. Split the current span.
      const newSpan: Span = { offset: nEmpty, length: spans[iSpan]!.length - posInSpan - nEmpty };
      spans[iSpan]!.length = posInSpan;
      iSpan++;
      posInSpan = 0;
      if (newSpan.length === 0) {
        // The span is empty, so we were already at the end of a span.
        if (iSpan < spans.length) spans[iSpan]!.offset += nEmpty;
        continue;
      }
      spans.splice(iSpan, 0, newSpan);
      continue;
    }
    iBucket++;
    posInSpan++;
    if (posInSpan >= spans[iSpan]!.length) {
      posInSpan = 0;
      iSpan++;
    }
  }
  if (maxEmptyBuckets === 0 || buckets.length === 0) return { buckets, comp, spans };

  // Finally, check if any offsets between spans are small enough to merge the spans.
  iBucket = spans[0]!.length;
  iSpan = 1;
  while (iSpan < spans.length) {
    if (spans[iSpan]!.offset > maxEmptyBuckets) {
      iBucket += spans[iSpan]!.length;
      iSpan++;
      continue;
    }
    // Merge span with previous one and insert empty buckets.
    const offset = spans[iSpan]!.offset;
    const l = spans[iSpan]!.length;
    spans[iSpan - 1]!.length += offset + l;
    spans.splice(iSpan, 1);
    const zeros = new Array<number>(offset).fill(0);
    buckets = [...buckets.slice(0, iBucket), ...zeros, ...buckets.slice(iBucket)];
    if (comp !== null) comp = [...comp.slice(0, iBucket), ...zeros, ...comp.slice(iBucket)];
    iBucket += offset + l;
  }
  return { buckets, comp, spans };
}

/**
 * The spans and buckets of `originSchema` merged into `targetSchema` (lower
 * resolution). New arrays; the input is not modified. Throws HistogramError
 * on a negative offset (other than the first span's) or a spans/buckets
 * mismatch, like Prometheus's reduceResolution. With `comp`, the Kahan
 * compensation buckets are merged alongside (kahanReduceResolution).
 */
export function reduceResolution(
  originSpans: readonly Span[],
  originBuckets: readonly number[],
  originSchema: number,
  targetSchema: number,
  originComp: readonly number[] | null = null,
): { spans: Span[]; buckets: number[]; comp: number[] | null } {
  const spans: Span[] = [];
  const buckets: number[] = [];
  const comp: number[] | null = originComp === null ? null : [];
  let bucketIdx = 0;
  let bucketCountIdx = 0;
  let lastTargetBucketIdx = 0;
  for (let n = 0; n < originSpans.length; n++) {
    const span = originSpans[n]!;
    if (n > 0 && span.offset < 0) {
      throw new HistogramError("span-negative-offset", `span number ${n + 1} with offset ${span.offset}: ${HISTOGRAM_ERROR_MESSAGES["span-negative-offset"]}`);
    }
    bucketIdx += span.offset;
    for (let j = 0; j < span.length; j++) {
      if (bucketCountIdx >= originBuckets.length) {
        throw new HistogramError(
          "spans-buckets-mismatch",
          `have ${originBuckets.length} buckets but spans need more: ${HISTOGRAM_ERROR_MESSAGES["spans-buckets-mismatch"]}`,
        );
      }
      const t = targetIdx(bucketIdx, originSchema, targetSchema);
      const v = originBuckets[bucketCountIdx]!;
      const c = originComp === null ? 0 : originComp[bucketCountIdx]!;
      if (spans.length === 0) {
        spans.push({ offset: t, length: 1 });
        buckets.push(v);
        comp?.push(c);
        lastTargetBucketIdx = t;
      } else if (lastTargetBucketIdx === t) {
        const last = buckets.length - 1;
        if (comp === null) {
          buckets[last] = buckets[last]! + v;
        } else {
          [buckets[last], comp[last]] = kahanInc(v, buckets[last]!, comp[last]!);
          [buckets[last], comp[last]] = kahanInc(c, buckets[last]!, comp[last]!);
        }
      } else if (lastTargetBucketIdx + 1 === t) {
        spans[spans.length - 1]!.length++;
        lastTargetBucketIdx++;
        buckets.push(v);
        comp?.push(c);
      } else if (lastTargetBucketIdx + 1 < t) {
        spans.push({ offset: t - lastTargetBucketIdx - 1, length: 1 });
        lastTargetBucketIdx = t;
        buckets.push(v);
        comp?.push(c);
      }
      bucketIdx++;
      bucketCountIdx++;
    }
  }
  if (bucketCountIdx !== originBuckets.length) {
    throw new HistogramError(
      "spans-buckets-mismatch",
      `spans need ${bucketCountIdx} buckets, have ${originBuckets.length} buckets: ${HISTOGRAM_ERROR_MESSAGES["spans-buckets-mismatch"]}`,
    );
  }
  return { spans, buckets, comp };
}

/**
 * Adds (or, with `negative`, subtracts) the buckets of B to those of A,
 * inserting buckets and spans into A as needed; buckets of B whose absolute
 * upper bound is ≤ threshold are skipped (they were folded into the zero
 * bucket). Mutates and returns spansA/bucketsA. With compA (and optionally
 * compB), Kahan summation is used as in Prometheus's kahanAddBuckets.
 * Port of Prometheus's addBuckets/kahanAddBuckets.
 */
export function addBuckets(
  schema: number,
  threshold: number,
  negative: boolean,
  spansA: Span[],
  bucketsA: number[],
  spansB: readonly Span[],
  bucketsB: readonly number[],
  compA: number[] | null = null,
  compB: readonly number[] | null = null,
): void {
  let iSpan = -1;
  let iBucket = -1;
  let iInSpan = 0;
  let indexA = 0;
  let indexB = 0;
  let bIdxB = 0;
  let lowerThanThreshold = true;

  // kahanInc inlined (no tuple per bucket): this is the hot loop of sum().
  const kahanAt = (i: number, inc: number): void => {
    const sum = bucketsA[i]!;
    const t = sum + inc;
    if (t === Infinity || t === -Infinity) {
      bucketsA[i] = t;
      compA![i] = 0;
      return;
    }
    bucketsA[i] = t;
    compA![i] = Math.abs(sum) >= Math.abs(inc) ? compA![i]! + (sum - t + inc) : compA![i]! + (inc - t + sum);
  };
  const addAt = (i: number, v: number, c: number): void => {
    if (compA === null) {
      bucketsA[i] = bucketsA[i]! + v;
      return;
    }
    kahanAt(i, v);
    if (c !== 0) kahanAt(i, c);
  };
  const insertAt = (i: number, v: number, c: number): void => {
    bucketsA.splice(i, 0, v);
    compA?.splice(i, 0, c);
  };

  const one = (): void => {
    if (lowerThanThreshold && isExponentialSchema(schema) && getBoundExponential(indexB, schema) <= threshold) return;
    lowerThanThreshold = false;
    let bucketB = bucketsB[bIdxB]!;
    let compBucketB = compB === null ? 0 : compB[bIdxB]!;
    if (negative) {
      bucketB *= -1;
      compBucketB *= -1;
    }
    if (iSpan === -1) {
      if (spansA.length === 0 || spansA[0]!.offset > indexB) {
        // Add bucket before all others.
        insertAt(0, bucketB, compBucketB);
        if (spansA.length > 0 && spansA[0]!.offset === indexB + 1) {
          spansA[0]!.length++;
          spansA[0]!.offset--;
          return;
        }
        spansA.unshift({ offset: indexB, length: 1 });
        // Convert the absolute offset in the formerly first span to a relative offset.
        if (spansA.length > 1) spansA[1]!.offset -= indexB + 1;
        return;
      } else if (spansA[0]!.offset === indexB) {
        // Just add to first bucket.
        addAt(0, bucketB, compBucketB);
        return;
      }
      iSpan = 0;
      iBucket = 0;
      iInSpan = 0;
      indexA = spansA[0]!.offset;
    }
    let deltaIndex = indexB - indexA;
    for (;;) {
      const remainingInSpan = spansA[iSpan]!.length - iInSpan;
      if (deltaIndex < remainingInSpan) {
        // Bucket is in current span.
        iBucket += deltaIndex;
        iInSpan += deltaIndex;
        addAt(iBucket, bucketB, compBucketB);
        return;
      }
      deltaIndex -= remainingInSpan;
      iBucket += remainingInSpan;
      iSpan++;
      if (iSpan === spansA.length || deltaIndex < spansA[iSpan]!.offset) {
        // Bucket is in gap behind previous span (or there are no further spans).
        insertAt(iBucket, bucketB, compBucketB);
        if (deltaIndex === 0) {
          // Directly after previous span, extend previous span.
          if (iSpan < spansA.length) spansA[iSpan]!.offset--;
          iSpan--;
          iInSpan = spansA[iSpan]!.length;
          spansA[iSpan]!.length++;
          return;
        }
        if (iSpan < spansA.length && deltaIndex === spansA[iSpan]!.offset - 1) {
          // Directly before next span, extend next span.
          iInSpan = 0;
          spansA[iSpan]!.offset--;
          spansA[iSpan]!.length++;
          return;
        }
        // No next span, or next span is not directly adjacent to new bucket. Add new span.
        iInSpan = 0;
        if (iSpan < spansA.length) spansA[iSpan]!.offset -= deltaIndex + 1;
        spansA.splice(iSpan, 0, { length: 1, offset: deltaIndex });
        return;
      }
      // Try start of next span.
      deltaIndex -= spansA[iSpan]!.offset;
      iInSpan = 0;
    }
  };

  if (sameSpans(spansA, spansB) && bucketsA.length === bucketsB.length) {
    // Same layout (the common case in rate()): bucket by bucket, once past
    // the buckets inside the zero bucket, which are skipped as above.
    let first = 0;
    if (isExponentialSchema(schema) && spansB.length > 0) {
      let idx = 0;
      outer: for (const span of spansB) {
        idx += span.offset;
        for (let j = 0; j < span.length; j++, idx++, first++) if (getBoundExponential(idx, schema) > threshold) break outer;
      }
    }
    const sign = negative ? -1 : 1;
    for (let i = first; i < bucketsB.length; i++) addAt(i, sign * bucketsB[i]!, compB === null ? 0 : sign * compB[i]!);
    return;
  }

  if (addIntoSuperset(schema, threshold, negative, spansA, spansB, bucketsB, compB, addAt, false)) {
    addIntoSuperset(schema, threshold, negative, spansA, spansB, bucketsB, compB, addAt, true);
    return;
  }

  for (const spanB of spansB) {
    indexB += spanB.offset;
    for (let j = 0; j < spanB.length; j++) {
      one();
      indexA = indexB;
      indexB++;
      bIdxB++;
    }
  }
}

/**
 * addBuckets when every bucket of B (past those inside the zero bucket) has
 * its bucket in A already (the common case in sum(), once the sum has the
 * union of the layouts): one walk over both span lists, no insertions. With
 * apply false it only checks that (and A's spans being well-formed).
 */
function addIntoSuperset(
  schema: number,
  threshold: number,
  negative: boolean,
  spansA: readonly Span[],
  spansB: readonly Span[],
  bucketsB: readonly number[],
  compB: readonly number[] | null,
  addAt: (i: number, v: number, c: number) => void,
  apply: boolean,
): boolean {
  let ia = -1;
  let aStart = 0;
  let aEnd = 0;
  let aBase = 0; // position in bucketsA of A's current span's first bucket
  let aNextBase = 0;
  let skipping = isExponentialSchema(schema);
  let idxB = 0;
  let bi = 0;
  for (const spanB of spansB) {
    idxB += spanB.offset;
    for (let j = 0; j < spanB.length; j++, idxB++, bi++) {
      if (bi >= bucketsB.length) return true;
      if (skipping) {
        if (getBoundExponential(idxB, schema) <= threshold) continue;
        skipping = false;
      }
      while (idxB >= aEnd) {
        ia++;
        if (ia >= spansA.length) return false;
        const sa = spansA[ia]!;
        if ((ia > 0 && sa.offset < 0) || sa.length < 0) return false;
        aStart = (ia === 0 ? 0 : aEnd) + sa.offset;
        aEnd = aStart + sa.length;
        aBase = aNextBase;
        aNextBase += sa.length;
      }
      if (idxB < aStart) return false;
      if (apply) {
        let v = bucketsB[bi]!;
        let c = compB === null ? 0 : compB[bi]!;
        if (negative) {
          v *= -1;
          c *= -1;
        }
        addAt(aBase + idxB - aStart, v, c);
      }
    }
  }
  return true;
}

function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.offset !== b[i]!.offset || a[i]!.length !== b[i]!.length) return false;
  return true;
}

/** Prometheus's CustomBucketBoundsMatch: same length and equal (==) values. */
export function customBucketBoundsMatch(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bounds present in both (sorted) lists. */
export function intersectCustomBucketBounds(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return out;
}

/**
 * Adds (or subtracts) two custom-bucket layouts with different bounds by
 * mapping both onto the intersected bounds (each source bucket goes to the
 * first intersected bound ≥ its own upper bound, or +Inf). Buckets that end
 * up 0 are left out. Port of Prometheus's addCustomBucketsWithMismatches.
 */
export function addCustomBucketsWithMismatches(
  negative: boolean,
  spansA: readonly Span[],
  bucketsA: readonly number[],
  boundsA: readonly number[],
  spansB: readonly Span[],
  bucketsB: readonly number[],
  boundsB: readonly number[],
  compA: readonly number[] | null,
  intersected: readonly number[],
): { spans: Span[]; buckets: number[]; comp: number[] } {
  const target = new Array<number>(intersected.length + 1).fill(0);
  const cTarget = new Array<number>(intersected.length + 1).fill(0);

  const mapBuckets = (spans: readonly Span[], buckets: readonly number[], bounds: readonly number[], neg: boolean, withComp: boolean): void => {
    let srcIdx = 0;
    let bucketIdx = 0;
    let intersectIdx = 0;
    for (const span of spans) {
      srcIdx += span.offset;
      for (let k = 0; k < span.length; k++) {
        if (bucketIdx < buckets.length) {
          const value = buckets[bucketIdx]!;
          let t = target.length - 1;
          if (srcIdx < bounds.length) {
            const srcBound = bounds[srcIdx]!;
            while (intersectIdx < intersected.length) {
              if (intersected[intersectIdx]! >= srcBound) {
                t = intersectIdx;
                break;
              }
              intersectIdx++;
            }
          }
          if (neg) {
            [target[t], cTarget[t]] = kahanInc(-value, target[t]!, cTarget[t]!);
          } else {
            [target[t], cTarget[t]] = kahanInc(value, target[t]!, cTarget[t]!);
            if (withComp && compA !== null) [target[t], cTarget[t]] = kahanInc(compA[bucketIdx]!, target[t]!, cTarget[t]!);
          }
        }
        srcIdx++;
        bucketIdx++;
      }
    }
  };
  mapBuckets(spansA, bucketsA, boundsA, false, true);
  mapBuckets(spansB, bucketsB, boundsB, negative, false);

  const spans: Span[] = [];
  const buckets: number[] = [];
  const comp: number[] = [];
  let lastIdx = -1;
  for (let i = 0; i < target.length; i++) {
    if (target[i] === 0 && cTarget[i] === 0) continue;
    buckets.push(target[i]!);
    comp.push(cTarget[i]!);
    if (spans.length > 0 && i === lastIdx + 1) spans[spans.length - 1]!.length++;
    else spans.push({ offset: spans.length > 0 ? i - lastIdx - 1 : i, length: 1 });
    lastIdx = i;
  }
  return { spans, buckets, comp };
}

/**
 * Prometheus's spansMatch: equal layouts, ignoring zero-length spans (whose
 * offsets are carried over to the next span) and trailing empty spans.
 */
export function spansMatch(s1: readonly Span[], s2: readonly Span[]): boolean {
  if (s1.length === 0 && s2.length === 0) return true;
  let i1 = 0;
  let i2 = 0;
  for (;;) {
    if (i1 >= s1.length) return allEmptySpans(s2.slice(i2));
    if (i2 >= s2.length) return allEmptySpans(s1.slice(i1));
    const c1 = { ...s1[i1]! };
    const c2 = { ...s2[i2]! };
    i1++;
    i2++;
    if (c1.length === 0) {
      for (; i1 < s1.length && s1[i1]!.length === 0; i1++) c1.offset += s1[i1]!.offset;
      if (i1 < s1.length) {
        c1.offset += s1[i1]!.offset;
        c1.length = s1[i1]!.length;
        i1++;
      }
    }
    if (c2.length === 0) {
      for (; i2 < s2.length && s2[i2]!.length === 0; i2++) c2.offset += s2[i2]!.offset;
      if (i2 < s2.length) {
        c2.offset += s2[i2]!.offset;
        c2.length = s2[i2]!.length;
        i2++;
      }
    }
    if (c1.length === 0 && c2.length === 0) return true;
    if (c1.offset !== c2.offset || c1.length !== c2.length) return false;
  }
}

function allEmptySpans(s: readonly Span[]): boolean {
  return s.every((x) => x.length === 0);
}

/** Checks spans against the bucket count (checkHistogramSpans). */
export function checkHistogramSpans(spans: readonly Span[], numBuckets: number): void {
  let spanBuckets = 0;
  spans.forEach((span, n) => {
    if (n > 0 && span.offset < 0) {
      throw new HistogramError("span-negative-offset", `span number ${n + 1} with offset ${span.offset}: ${HISTOGRAM_ERROR_MESSAGES["span-negative-offset"]}`);
    }
    spanBuckets += span.length;
  });
  if (spanBuckets !== numBuckets) {
    throw new HistogramError(
      "spans-buckets-mismatch",
      `spans need ${spanBuckets} buckets, have ${numBuckets} buckets: ${HISTOGRAM_ERROR_MESSAGES["spans-buckets-mismatch"]}`,
    );
  }
}

/** Checks for negative bucket counts (checkHistogramBuckets, absolute counts). */
export function checkHistogramBuckets(buckets: readonly number[]): void {
  buckets.forEach((c, i) => {
    if (c < 0) {
      throw new HistogramError(
        "negative-bucket-count",
        `bucket number ${i + 1} has observation count of ${fmtV(c)}: ${HISTOGRAM_ERROR_MESSAGES["negative-bucket-count"]}`,
      );
    }
  });
}

/** Checks custom bounds and their spans (checkHistogramCustomBounds). */
export function checkHistogramCustomBounds(bounds: readonly number[], spans: readonly Span[], numBuckets: number): void {
  let prev = -Infinity;
  bounds.forEach((curr, i) => {
    if (Number.isNaN(curr)) throw new HistogramError("custom-buckets-nan", HISTOGRAM_ERROR_MESSAGES["custom-buckets-nan"]);
    if (i > 0 && curr <= prev) {
      throw new HistogramError(
        "custom-buckets-invalid",
        `previous bound is ${prev.toFixed(6)} and current is ${curr.toFixed(6)}: ${HISTOGRAM_ERROR_MESSAGES["custom-buckets-invalid"]}`,
      );
    }
    prev = curr;
  });
  if (prev === Infinity) {
    throw new HistogramError("custom-buckets-infinite", `last +Inf bound must not be explicitly defined: ${HISTOGRAM_ERROR_MESSAGES["custom-buckets-infinite"]}`);
  }
  let spanBuckets = 0;
  let totalSpanLength = 0;
  spans.forEach((span, n) => {
    if (span.offset < 0) {
      throw new HistogramError("span-negative-offset", `span number ${n + 1} with offset ${span.offset}: ${HISTOGRAM_ERROR_MESSAGES["span-negative-offset"]}`);
    }
    spanBuckets += span.length;
    totalSpanLength += span.length + span.offset;
  });
  if (spanBuckets !== numBuckets) {
    throw new HistogramError(
      "spans-buckets-mismatch",
      `spans need ${spanBuckets} buckets, have ${numBuckets} buckets: ${HISTOGRAM_ERROR_MESSAGES["spans-buckets-mismatch"]}`,
    );
  }
  if (bounds.length + 1 < totalSpanLength) {
    throw new HistogramError(
      "custom-buckets-mismatch",
      `only ${bounds.length} custom bounds defined which is insufficient to cover total span length of ${totalSpanLength}: ${HISTOGRAM_ERROR_MESSAGES["custom-buckets-mismatch"]}`,
    );
  }
}
