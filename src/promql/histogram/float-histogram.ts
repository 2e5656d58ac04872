/**
 * The native histogram value (Prometheus's histogram.FloatHistogram): absolute
 * float bucket counts in sparse spans, exponential schemas -4..8 or custom
 * buckets (schema -53), and the operations PromQL needs.
 *
 * API convention: a FloatHistogram is IMMUTABLE. Its fields are readonly and
 * every operation (add, sub, mul, div, compact, reduceResolution, ...)
 * returns a NEW histogram, never changing `this` or its arguments — unlike
 * Prometheus, whose methods work in place on the receiver. Internally each
 * operation deep-copies into a mutable draft, runs the port of Prometheus's
 * in-place algorithm on it, and freezes the result into a new object, so
 * results (spans, buckets, hints) are exactly Prometheus's. Custom bounds are
 * shared between histograms (Prometheus interns them): never mutate them.
 */
import { kahanInc } from "../float-compare.js";
import {
  addBuckets,
  addCustomBucketsWithMismatches,
  checkHistogramBuckets,
  checkHistogramCustomBounds,
  checkHistogramSpans,
  compactBuckets,
  customBucketBoundsMatch,
  getBound,
  getBoundExponential,
  HISTOGRAM_ERROR_MESSAGES,
  HistogramError,
  intersectCustomBucketBounds,
  isCustomBucketsSchema,
  isExponentialSchema,
  mergedBuckets,
  reduceResolution,
  type IndexedCount,
  type Span,
  spansMatch,
} from "./buckets.js";

/** Prometheus's CounterResetHint. */
export type CounterResetHint = "unknown" | "reset" | "not-reset" | "gauge";

/** One bucket with its bounds (Prometheus's Bucket[float64]). */
export interface Bucket {
  lower: number;
  upper: number;
  lowerInclusive: boolean;
  upperInclusive: boolean;
  count: number;
  /** The bucket index (irrelevant for the zero bucket, where it is 0). */
  index: number;
}

/** Everything a histogram is made of; all fields optional with Prometheus's zero values. */
export interface FloatHistogramInit {
  counterResetHint?: CounterResetHint;
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number;
  count?: number;
  sum?: number;
  positiveSpans?: readonly Span[];
  positiveBuckets?: readonly number[];
  negativeSpans?: readonly Span[];
  negativeBuckets?: readonly number[];
  customValues?: readonly number[];
}

/** The mutable working copy the ported in-place algorithms run on. */
interface Draft {
  counterResetHint: CounterResetHint;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: Span[];
  positiveBuckets: number[];
  negativeSpans: Span[];
  negativeBuckets: number[];
  customValues: readonly number[];
}

/** The result of add/sub: the histogram plus what the engine turns into annotations, or the error. */
export type HistogramOpResult =
  | {
      ok: true;
      histogram: FloatHistogram;
      /** One operand had hint "reset" and the other "not-reset" (HistogramCounterResetCollisionWarning). */
      counterResetCollision: boolean;
      /** Custom bounds differed and were reconciled to their intersection (MismatchedCustomBucketsHistogramsInfo). */
      nhcbBoundsReconciled: boolean;
    }
  | {
      ok: false;
      /** kind "incompatible-schema": a mix of exponential and custom buckets (MixedExponentialCustomHistogramsWarning). */
      error: HistogramError;
    };

/** The result of kahanAdd: the sum, plus the updated compensation histogram to pass to the next call. */
export type HistogramKahanResult =
  | { ok: true; histogram: FloatHistogram; compensation: FloatHistogram; counterResetCollision: boolean; nhcbBoundsReconciled: boolean }
  | { ok: false; error: HistogramError };

const bitsView = new DataView(new ArrayBuffer(16));

/** math.Float64bits(a) == math.Float64bits(b). */
function sameBits(a: number, b: number): boolean {
  bitsView.setFloat64(0, a);
  bitsView.setFloat64(8, b);
  return bitsView.getBigUint64(0) === bitsView.getBigUint64(8);
}

function floatBucketsMatchExact(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameBits(a[i]!, b[i]!)) return false;
  return true;
}

function copySpans(s: readonly Span[] | undefined): Span[] {
  return s === undefined ? [] : s.map((x) => ({ offset: x.offset, length: x.length }));
}

const EMPTY: readonly number[] = Object.freeze([]);

/** A deep, mutable copy of h (Prometheus's Copy: custom buckets drop zero bucket and negative side). */
function draftOf(h: FloatHistogram): Draft {
  const custom = h.usesCustomBuckets();
  return {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: custom ? 0 : h.zeroThreshold,
    zeroCount: custom ? 0 : h.zeroCount,
    count: h.count,
    sum: h.sum,
    positiveSpans: copySpans(h.positiveSpans),
    positiveBuckets: h.positiveBuckets.slice(),
    negativeSpans: custom ? [] : copySpans(h.negativeSpans),
    negativeBuckets: custom ? [] : h.negativeBuckets.slice(),
    customValues: custom ? h.customValues : EMPTY,
  };
}

function scaleDraft(d: Draft, factor: number): void {
  d.zeroCount *= factor;
  d.count *= factor;
  d.sum *= factor;
  for (let i = 0; i < d.positiveBuckets.length; i++) d.positiveBuckets[i]! *= factor;
  for (let i = 0; i < d.negativeBuckets.length; i++) d.negativeBuckets[i]! *= factor;
  if (factor < 0) d.counterResetHint = "gauge";
}

function divideDraft(d: Draft, scalar: number): void {
  d.zeroCount /= scalar;
  d.count /= scalar;
  d.sum /= scalar;
  if (scalar === 0) {
    d.positiveBuckets = [];
    d.negativeBuckets = [];
    d.positiveSpans = [];
    d.negativeSpans = [];
    return;
  }
  for (let i = 0; i < d.positiveBuckets.length; i++) d.positiveBuckets[i]! /= scalar;
  for (let i = 0; i < d.negativeBuckets.length; i++) d.negativeBuckets[i]! /= scalar;
  if (scalar < 0) d.counterResetHint = "gauge";
}

export class FloatHistogram {
  readonly counterResetHint: CounterResetHint;
  /** -4..8 exponential (bucket bounds are powers of 2^(2^-schema)), or -53 for custom buckets. */
  readonly schema: number;
  /** Width of the zero bucket ([-zeroThreshold, zeroThreshold]). */
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly count: number;
  readonly sum: number;
  readonly positiveSpans: readonly Readonly<Span>[];
  /** Absolute counts (not deltas), one per bucket the spans describe. */
  readonly positiveBuckets: readonly number[];
  readonly negativeSpans: readonly Readonly<Span>[];
  readonly negativeBuckets: readonly number[];
  /** Upper bounds of the custom buckets (schema -53; the last bucket goes to +Inf); empty otherwise. */
  readonly customValues: readonly number[];

  constructor(init: FloatHistogramInit = {}) {
    this.counterResetHint = init.counterResetHint ?? "unknown";
    this.schema = init.schema ?? 0;
    this.zeroThreshold = init.zeroThreshold ?? 0;
    this.zeroCount = init.zeroCount ?? 0;
    this.count = init.count ?? 0;
    this.sum = init.sum ?? 0;
    this.positiveSpans = copySpans(init.positiveSpans);
    this.positiveBuckets = init.positiveBuckets ? [...init.positiveBuckets] : [];
    this.negativeSpans = copySpans(init.negativeSpans);
    this.negativeBuckets = init.negativeBuckets ? [...init.negativeBuckets] : [];
    this.customValues = init.customValues ?? EMPTY;
  }

  /** A deep, mutable copy (Prometheus's Copy: custom buckets drop zero bucket and negative side). */
  private draft(): Draft {
    return draftOf(this);
  }

  /** Plain data (e.g. for test fixtures or serialization). */
  toJSON(): Required<FloatHistogramInit> {
    return {
      counterResetHint: this.counterResetHint,
      schema: this.schema,
      zeroThreshold: this.zeroThreshold,
      zeroCount: this.zeroCount,
      count: this.count,
      sum: this.sum,
      positiveSpans: copySpans(this.positiveSpans),
      positiveBuckets: [...this.positiveBuckets],
      negativeSpans: copySpans(this.negativeSpans),
      negativeBuckets: [...this.negativeBuckets],
      customValues: [...this.customValues],
    };
  }

  usesCustomBuckets(): boolean {
    return isCustomBucketsSchema(this.schema);
  }

  /** Prometheus's Copy(): for custom buckets the zero bucket and negative side are dropped, for exponential ones the custom values. */
  copy(): FloatHistogram {
    return fromDraft(this.draft());
  }

  /** A copy with some fields replaced. */
  with(changes: FloatHistogramInit): FloatHistogram {
    return new FloatHistogram({ ...this.toJSON(), ...changes });
  }

  /** Checks spans, bucket counts and schema-specific fields (Prometheus's Validate); throws HistogramError. */
  validate(): void {
    if (isCustomBucketsSchema(this.schema)) {
      try {
        checkHistogramCustomBounds(this.customValues, this.positiveSpans, this.positiveBuckets.length);
      } catch (e) {
        if (e instanceof HistogramError) throw new HistogramError(e.kind, `custom buckets: ${e.message}`);
        throw e;
      }
      if (this.zeroCount !== 0) throw new HistogramError("custom-buckets-zero-count", HISTOGRAM_ERROR_MESSAGES["custom-buckets-zero-count"]);
      if (this.zeroThreshold !== 0) throw new HistogramError("custom-buckets-zero-threshold", HISTOGRAM_ERROR_MESSAGES["custom-buckets-zero-threshold"]);
      if (this.negativeSpans.length > 0) throw new HistogramError("custom-buckets-negative-spans", HISTOGRAM_ERROR_MESSAGES["custom-buckets-negative-spans"]);
      if (this.negativeBuckets.length > 0) throw new HistogramError("custom-buckets-negative-buckets", HISTOGRAM_ERROR_MESSAGES["custom-buckets-negative-buckets"]);
    } else if (isExponentialSchema(this.schema)) {
      prefixed("positive side: ", () => checkHistogramSpans(this.positiveSpans, this.positiveBuckets.length));
      prefixed("negative side: ", () => checkHistogramSpans(this.negativeSpans, this.negativeBuckets.length));
      prefixed("negative side: ", () => checkHistogramBuckets(this.negativeBuckets));
      if (this.zeroCount < 0) {
        throw new HistogramError(
          "negative-bucket-count",
          `zero bucket has observation count of ${this.zeroCount}: ${HISTOGRAM_ERROR_MESSAGES["negative-bucket-count"]}`,
        );
      }
      if (this.customValues.length > 0) throw new HistogramError("exponential-schema-custom-bounds", HISTOGRAM_ERROR_MESSAGES["exponential-schema-custom-bounds"]);
    } else {
      throw new HistogramError("invalid-schema", `${HISTOGRAM_ERROR_MESSAGES["invalid-schema"]}, got schema ${this.schema}`);
    }
    if (this.count < 0) throw new HistogramError("negative-count", `observation count is  ${this.count}: ${HISTOGRAM_ERROR_MESSAGES["negative-count"]}`);
    prefixed("positive side: ", () => checkHistogramBuckets(this.positiveBuckets));
  }

  /** The zero bucket [-zeroThreshold, zeroThreshold]. Throws for custom buckets, which have none. */
  zeroBucket(): Bucket {
    if (this.usesCustomBuckets()) throw new Error("histograms with custom buckets have no zero bucket");
    return { lower: -this.zeroThreshold, upper: this.zeroThreshold, lowerInclusive: true, upperInclusive: true, count: this.zeroCount, index: 0 };
  }

  // ---- Bucket iteration. Each returns a snapshot list in Prometheus's iteration order. ----

  /**
   * Positive buckets, ascending (PositiveBucketIterator); with targetSchema
   * (≤ schema), merged into that lower resolution first (floatBucketIterator).
   */
  iterPositive(targetSchema = this.schema): Bucket[] {
    return bucketsWithBounds(this, true, merged(this, true, 0, targetSchema), targetSchema);
  }

  /** Negative buckets, descending from the zero bucket down (NegativeBucketIterator); targetSchema as for iterPositive. */
  iterNegative(targetSchema = this.schema): Bucket[] {
    return bucketsWithBounds(this, false, merged(this, false, 0, targetSchema), targetSchema);
  }

  /** Positive buckets, descending (PositiveReverseBucketIterator). */
  iterPositiveReverse(): Bucket[] {
    return this.iterPositive().reverse();
  }

  /** Negative buckets, ascending from the lowest up to the zero bucket (NegativeReverseBucketIterator). */
  iterNegativeReverse(): Bucket[] {
    return this.iterNegative().reverse();
  }

  /**
   * All buckets ascending: negative, the zero bucket (only when its count is
   * > 0), positive; bounds of buckets overlapping the zero bucket are clipped
   * to the zero threshold (AllBucketIterator).
   */
  iterAll(): Bucket[] {
    return this.allBuckets(this.iterNegativeReverse(), this.iterPositive());
  }

  /** All buckets descending (AllReverseBucketIterator). */
  iterAllReverse(): Bucket[] {
    return this.allBuckets(this.iterPositiveReverse(), this.iterNegative());
  }

  private allBuckets(left: Bucket[], right: Bucket[]): Bucket[] {
    const zt = this.zeroThreshold;
    const clip = (b: Bucket): Bucket => {
      if (b.upper < 0 && b.upper > -zt) return { ...b, upper: -zt };
      if (b.lower > 0 && b.lower < zt) return { ...b, lower: zt };
      return b;
    };
    const out = left.map(clip);
    if (this.zeroCount > 0 && !this.usesCustomBuckets()) out.push(this.zeroBucket());
    for (const b of right) out.push(clip(b));
    return out;
  }

  // ---- Arithmetic. ----

  /** Scales counts, sum, zero count and all buckets; a negative factor makes it a gauge (Mul). */
  mul(factor: number): FloatHistogram {
    const d = this.draft();
    scaleDraft(d, factor);
    return fromDraft(d);
  }

  /**
   * Divides like mul; dividing by 0 divides count, sum and zero count (giving
   * ±Inf or NaN) and removes all buckets and spans, leaving the hint
   * unchanged; a negative divisor makes it a gauge (Div).
   */
  div(scalar: number): FloatHistogram {
    const d = this.draft();
    divideDraft(d, scalar);
    return fromDraft(d);
  }

  /**
   * this + other (Add). Schemas are reconciled to the lower resolution, zero
   * thresholds to the wider one (widened further to a bucket boundary if it
   * would split a populated bucket). Mixing exponential and custom buckets is
   * an error; custom buckets with different bounds are reconciled to the
   * bounds both have (nhcbBoundsReconciled). The result may hold empty
   * buckets and adjacent spans: compact it as needed.
   */
  add(other: FloatHistogram): HistogramOpResult {
    return addOrSub(this.draft(), other, false);
  }

  /** this - other (Sub); same rules as add. */
  sub(other: FloatHistogram): HistogramOpResult {
    return addOrSub(this.draft(), other, true);
  }

  /**
   * this + other with Kahan summation (KahanAdd), as Prometheus's sum and avg
   * aggregations do: pass the previous call's `compensation` (undefined on
   * the first call); the compensation histogram has the sum's layout, and the
   * caller adds it to the final sum (with add) when done.
   */
  kahanAdd(other: FloatHistogram, compensation?: FloatHistogram): HistogramKahanResult {
    return kahanAdd(this.draft(), other, compensation);
  }

  /**
   * Removes empty buckets at span edges and merges spans separated by at most
   * maxEmptyBuckets empty buckets (Compact). Pass Infinity for "one span per side".
   */
  compact(maxEmptyBuckets: number): FloatHistogram {
    const d = this.draft();
    compactDraft(d, maxEmptyBuckets);
    return fromDraft(d);
  }

  /**
   * The same histogram at the lower resolution targetSchema (ReduceResolution).
   * Throws HistogramError for custom buckets, a custom target or a target not
   * below the current schema, and for inconsistent spans.
   */
  reduceResolution(targetSchema: number): FloatHistogram {
    if (this.usesCustomBuckets()) throw new HistogramError("invalid-operation", "cannot reduce resolution when there are custom buckets");
    if (isCustomBucketsSchema(targetSchema)) throw new HistogramError("invalid-operation", "cannot reduce resolution to custom buckets schema");
    if (targetSchema >= this.schema) throw new HistogramError("invalid-operation", `cannot reduce resolution from schema ${this.schema} to ${targetSchema}`);
    const d = this.draft();
    const p = reduceResolution(d.positiveSpans, d.positiveBuckets, d.schema, targetSchema);
    const n = reduceResolution(d.negativeSpans, d.negativeBuckets, d.schema, targetSchema);
    d.positiveSpans = p.spans;
    d.positiveBuckets = p.buckets;
    d.negativeSpans = n.spans;
    d.negativeBuckets = n.buckets;
    d.schema = targetSchema;
    return fromDraft(d);
  }

  /**
   * Whether this histogram, following `previous` in a counter series, starts
   * after a counter reset (DetectReset): by hint when it says reset/not-reset,
   * else by a lower count, an incompatible change of schema, custom bounds or
   * zero threshold, or any bucket (after reconciling layouts) going down.
   */
  detectReset(previous: FloatHistogram): boolean {
    if (this.counterResetHint === "reset") return true;
    if (this.counterResetHint === "not-reset") return false;
    if (this.count < previous.count) return true;
    if (this.usesCustomBuckets()) {
      if (!previous.usesCustomBuckets()) return true;
      if (!customBucketBoundsMatch(this.customValues, previous.customValues)) return detectResetWithMismatchedCustomBounds(this, previous);
    }
    if (this.schema > previous.schema) return true;
    if (this.zeroThreshold < previous.zeroThreshold) return true;
    const { zeroCount: previousZeroCount, threshold: newThreshold } = zeroCountForLargerThreshold(previous, this.zeroThreshold);
    if (newThreshold !== this.zeroThreshold) return true;
    if (this.zeroCount < previousZeroCount) return true;
    if (this.schema === previous.schema) {
      // Fast path for the common case of an unchanged layout: compare bucket by bucket.
      const pos = sameLayoutReset(this.positiveSpans, this.positiveBuckets, previous.positiveSpans, previous.positiveBuckets, this.schema, this.zeroThreshold);
      const neg = pos === true ? true : sameLayoutReset(this.negativeSpans, this.negativeBuckets, previous.negativeSpans, previous.negativeBuckets, this.schema, this.zeroThreshold);
      if (pos !== undefined && neg !== undefined) return pos || neg;
    }
    for (const positive of [true, false]) {
      const curr = merged(this, positive, this.zeroThreshold, this.schema);
      const prev = merged(previous, positive, this.zeroThreshold, this.schema);
      if (detectResetBuckets(curr, prev)) return true;
    }
    return false;
  }

  /**
   * Exact equality (Equals): same schema, zero threshold, bit-identical
   * counts, sum and buckets (so NaN equals only the same NaN), matching spans
   * (ignoring empty spans) and, for custom buckets, the same bounds. The
   * counter reset hint is not compared.
   */
  equals(other: FloatHistogram | null | undefined): boolean {
    if (other === null || other === undefined) return false;
    if (this.schema !== other.schema || !sameBits(this.count, other.count) || !sameBits(this.sum, other.sum)) return false;
    if (this.usesCustomBuckets() && !customBucketBoundsMatch(this.customValues, other.customValues)) return false;
    if (this.zeroThreshold !== other.zeroThreshold || !sameBits(this.zeroCount, other.zeroCount)) return false;
    if (!spansMatch(this.negativeSpans, other.negativeSpans)) return false;
    if (!floatBucketsMatchExact(this.negativeBuckets, other.negativeBuckets)) return false;
    if (!spansMatch(this.positiveSpans, other.positiveSpans)) return false;
    return floatBucketsMatchExact(this.positiveBuckets, other.positiveBuckets);
  }

  /** Whether any count, sum, bucket or custom bound is infinite (HasOverflow). */
  hasOverflow(): boolean {
    const inf = (v: number): boolean => v === Infinity || v === -Infinity;
    return (
      inf(this.zeroCount) ||
      inf(this.count) ||
      inf(this.sum) ||
      this.positiveBuckets.some(inf) ||
      this.negativeBuckets.some(inf) ||
      this.customValues.some(inf)
    );
  }
}

function prefixed(prefix: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof HistogramError) throw new HistogramError(e.kind, prefix + e.message);
    throw e;
  }
}

function bucketsWithBounds(h: FloatHistogram | Draft, positive: boolean, list: readonly IndexedCount[], schema = h.schema): Bucket[] {
  const cv = positive ? h.customValues : EMPTY;
  const custom = isCustomBucketsSchema(schema);
  return list.map(({ index, count }) => {
    let lower: number;
    let upper: number;
    if (positive) {
      upper = getBound(index, schema, cv);
      lower = getBound(index - 1, schema, cv);
    } else {
      lower = -getBound(index, schema, cv);
      upper = -getBound(index - 1, schema, cv);
    }
    return {
      lower,
      upper,
      lowerInclusive: custom ? index === 0 : lower < 0,
      upperInclusive: custom ? true : upper > 0,
      count,
      index,
    };
  });
}

/** floatBucketIterator(positive, absoluteStartValue, targetSchema) as (index, count) pairs. */
function merged(h: FloatHistogram | Draft, positive: boolean, absoluteStartValue: number, targetSchema: number): IndexedCount[] {
  if (isCustomBucketsSchema(h.schema) && targetSchema !== h.schema) throw new Error("cannot merge from custom buckets schema to exponential schema");
  if (!isCustomBucketsSchema(h.schema) && isCustomBucketsSchema(targetSchema)) throw new Error("cannot merge from exponential buckets schema to custom schema");
  if (targetSchema > h.schema) throw new Error(`cannot merge from schema ${h.schema} to ${targetSchema}`);
  return positive
    ? mergedBuckets(h.positiveSpans, h.positiveBuckets, h.schema, targetSchema, absoluteStartValue)
    : mergedBuckets(h.negativeSpans, h.negativeBuckets, h.schema, targetSchema, absoluteStartValue);
}

/**
 * detectResetBuckets for two sides with identical spans and as many buckets
 * (undefined when the layouts differ): a reset if any bucket went down,
 * ignoring (for exponential schemas) the leading buckets inside the zero
 * bucket, as merged(…, zeroThreshold, …) skips them.
 */
function sameLayoutReset(
  currSpans: readonly Span[],
  currBuckets: readonly number[],
  prevSpans: readonly Span[],
  prevBuckets: readonly number[],
  schema: number,
  zeroThreshold: number,
): boolean | undefined {
  if (currBuckets.length !== prevBuckets.length || currSpans.length !== prevSpans.length) return undefined;
  for (let i = 0; i < currSpans.length; i++) {
    if (currSpans[i]!.offset !== prevSpans[i]!.offset || currSpans[i]!.length !== prevSpans[i]!.length) return undefined;
  }
  let skipping = zeroThreshold !== 0 && isExponentialSchema(schema);
  let idx = 0;
  let bi = 0;
  for (const span of currSpans) {
    idx += span.offset;
    for (let j = 0; j < span.length; j++, idx++, bi++) {
      if (bi >= currBuckets.length) return false;
      if (skipping) {
        if (getBoundExponential(idx, schema) <= zeroThreshold) continue;
        skipping = false;
      }
      if (currBuckets[bi]! < prevBuckets[bi]!) return true;
    }
  }
  return false;
}

function detectResetBuckets(curr: readonly IndexedCount[], prev: readonly IndexedCount[]): boolean {
  let pi = 0;
  let ci = 0;
  if (prev.length === 0) return false;
  if (curr.length === 0) return prev.some((b) => b.count !== 0);
  let prevBucket = prev[pi]!;
  let currBucket = curr[ci]!;
  for (;;) {
    while (currBucket.index < prevBucket.index) {
      ci++;
      if (ci >= curr.length) {
        // The previous histogram has buckets the current one lacks: a reset unless all are empty.
        for (; pi < prev.length; pi++) if (prev[pi]!.count !== 0) return true;
        return false;
      }
      currBucket = curr[ci]!;
    }
    if (currBucket.index > prevBucket.index) {
      if (prevBucket.count !== 0) return true;
    } else if (currBucket.count < prevBucket.count) {
      return true;
    }
    pi++;
    if (pi >= prev.length) return false;
    prevBucket = prev[pi]!;
  }
}

function detectResetWithMismatchedCustomBounds(curr: FloatHistogram, prev: FloatHistogram): boolean {
  const currBounds = curr.customValues;
  const prevBounds = prev.customValues;
  const currBuckets = curr.iterPositive();
  const prevBuckets = prev.iterPositive();
  // Sum of the buckets (from position `pos`) with upper bound ≤ bound; returns the new position.
  const rollup = (list: Bucket[], pos: number, bound: number): [number, number] => {
    let sum = 0;
    while (pos < list.length && list[pos]!.upper <= bound) {
      sum += list[pos]!.count;
      pos++;
    }
    return [sum, pos];
  };
  let ci = 0;
  let pi = 0;
  let cPos = 0;
  let pPos = 0;
  while (ci <= currBounds.length && pi <= prevBounds.length) {
    const cb = ci < currBounds.length ? currBounds[ci]! : Infinity;
    const pb = pi < prevBounds.length ? prevBounds[pi]! : Infinity;
    if (cb === pb) {
      let cSum: number;
      let pSum: number;
      [cSum, cPos] = rollup(currBuckets, cPos, cb);
      [pSum, pPos] = rollup(prevBuckets, pPos, cb);
      if (cSum < pSum) return true;
      ci++;
      pi++;
    } else if (cb < pb) ci++;
    else pi++;
  }
  return false;
}

/**
 * What h's zero count would be with the larger threshold; the threshold is
 * raised to the bound of a populated bucket it would otherwise split
 * (zeroCountForLargerThreshold). With `c`, the compensation's zero count is
 * accumulated too.
 */
function zeroCountForLargerThreshold(
  h: FloatHistogram | Draft,
  largerThreshold: number,
  c: Draft | null = null,
): { zeroCount: number; threshold: number; cZeroCount: number } {
  let cZeroCount = c === null ? 0 : c.zeroCount;
  if (largerThreshold === h.zeroThreshold) return { zeroCount: h.zeroCount, threshold: largerThreshold, cZeroCount };
  if (largerThreshold < h.zeroThreshold) throw new Error(`new threshold ${largerThreshold} is less than old threshold ${h.zeroThreshold}`);
  const pos = bucketsWithBounds(h, true, merged(h, true, 0, h.schema));
  const neg = bucketsWithBounds(h, false, merged(h, false, 0, h.schema));
  // Like Prometheus, the counts are always summed with Kahan's algorithm
  // (the compensation is returned separately), and the compensation is not
  // reset when the loop starts over.
  const inc = kahanInc;
  outer: for (;;) {
    let zc = h.zeroCount;
    for (let i = 0; i < pos.length; i++) {
      const b = pos[i]!;
      if (b.lower >= largerThreshold) break;
      [zc, cZeroCount] = inc(b.count, zc, cZeroCount);
      if (c !== null) [zc, cZeroCount] = inc(c.positiveBuckets[i]!, zc, cZeroCount);
      if (b.upper > largerThreshold) {
        if (b.count !== 0) largerThreshold = b.upper;
        break;
      }
    }
    for (let i = 0; i < neg.length; i++) {
      const b = neg[i]!;
      if (b.upper <= -largerThreshold) break;
      [zc, cZeroCount] = inc(b.count, zc, cZeroCount);
      if (c !== null) [zc, cZeroCount] = inc(c.negativeBuckets[i]!, zc, cZeroCount);
      if (b.lower < -largerThreshold) {
        if (b.count !== 0) {
          largerThreshold = -b.lower;
          continue outer;
        }
        break;
      }
    }
    return { zeroCount: zc, threshold: largerThreshold, cZeroCount };
  }
}

/** Zeroes the buckets inside the zero bucket and compacts (trimBucketsInZeroBucket). */
function trimBucketsInZeroBucket(h: Draft, c: Draft | null): void {
  const pos = bucketsWithBounds(h, true, merged(h, true, 0, h.schema));
  for (let i = 0; i < pos.length; i++) {
    if (pos[i]!.lower >= h.zeroThreshold) break;
    h.positiveBuckets[i] = 0;
    if (c !== null) c.positiveBuckets[i] = 0;
  }
  const neg = bucketsWithBounds(h, false, merged(h, false, 0, h.schema));
  for (let i = 0; i < neg.length; i++) {
    if (neg[i]!.upper <= -h.zeroThreshold) break;
    h.negativeBuckets[i] = 0;
    if (c !== null) c.negativeBuckets[i] = 0;
  }
  compactDraft(h, 0, c);
}

/**
 * Widens the zero buckets of h (in place) and of other (virtually) until both
 * have the same threshold; returns other's zero count at that threshold
 * (reconcileZeroBuckets).
 */
function reconcileZeroBuckets(h: Draft, other: FloatHistogram, c: Draft | null): { otherZeroCount: number; otherCZeroCount: number } {
  let otherZeroCount = other.zeroCount;
  let otherZeroThreshold = other.zeroThreshold;
  let otherCZeroCount = 0;
  while (otherZeroThreshold !== h.zeroThreshold) {
    if (h.zeroThreshold > otherZeroThreshold) {
      const r = zeroCountForLargerThreshold(other, h.zeroThreshold);
      otherZeroCount = r.zeroCount;
      otherZeroThreshold = r.threshold;
      otherCZeroCount = r.cZeroCount;
    }
    if (otherZeroThreshold > h.zeroThreshold) {
      const r = zeroCountForLargerThreshold(h, otherZeroThreshold, c);
      h.zeroCount = r.zeroCount;
      h.zeroThreshold = r.threshold;
      if (c !== null) c.zeroCount = r.cZeroCount;
      trimBucketsInZeroBucket(h, c);
    }
  }
  return { otherZeroCount, otherCZeroCount };
}

function compactDraft(d: Draft, maxEmptyBuckets: number, c: Draft | null = null): void {
  const p = compactBuckets(d.positiveBuckets, c === null ? null : c.positiveBuckets, d.positiveSpans, maxEmptyBuckets);
  d.positiveBuckets = p.buckets;
  d.positiveSpans = p.spans;
  const n = compactBuckets(d.negativeBuckets, c === null ? null : c.negativeBuckets, d.negativeSpans, maxEmptyBuckets);
  d.negativeBuckets = n.buckets;
  d.negativeSpans = n.spans;
  if (c !== null) {
    c.positiveBuckets = p.comp!;
    c.negativeBuckets = n.comp!;
    c.positiveSpans = d.positiveSpans;
    c.negativeSpans = d.negativeSpans;
  }
}

/** adjustCounterReset: returns true on a reset/not-reset collision. */
function adjustCounterReset(h: Draft, other: FloatHistogram): boolean {
  const a = h.counterResetHint;
  const b = other.counterResetHint;
  if (a === b || a === "gauge") return false;
  if (b === "gauge") {
    h.counterResetHint = "gauge";
    return false;
  }
  if (a === "unknown") return false;
  if (b === "unknown") {
    h.counterResetHint = "unknown";
    return false;
  }
  h.counterResetHint = "unknown";
  return true;
}

function incompatible(h: Draft, other: FloatHistogram): HistogramError | null {
  if (isCustomBucketsSchema(h.schema) !== other.usesCustomBuckets()) {
    return new HistogramError("incompatible-schema", HISTOGRAM_ERROR_MESSAGES["incompatible-schema"]);
  }
  return null;
}

/** What an in-place add/sub/kahanAdd reports: the error (the draft is then unchanged) or the flags. */
export type InPlaceOpStatus =
  | { ok: true; counterResetCollision: boolean; nhcbBoundsReconciled: boolean }
  | { ok: false; error: HistogramError };

const OK_PLAIN: InPlaceOpStatus = Object.freeze({ ok: true, counterResetCollision: false, nhcbBoundsReconciled: false });

/** The success status; the common one (no flags) is shared, so the hot loops allocate none. */
function okStatus(counterResetCollision: boolean, nhcbBoundsReconciled: boolean): InPlaceOpStatus {
  return counterResetCollision || nhcbBoundsReconciled ? { ok: true, counterResetCollision, nhcbBoundsReconciled } : OK_PLAIN;
}

function addOrSub(h: Draft, other: FloatHistogram, negative: boolean): HistogramOpResult {
  const r = addOrSubInPlace(h, other, negative);
  if (!r.ok) return r;
  return { ok: true, histogram: fromDraft(h), counterResetCollision: r.counterResetCollision, nhcbBoundsReconciled: r.nhcbBoundsReconciled };
}

function addOrSubInPlace(h: Draft, other: FloatHistogram, negative: boolean): InPlaceOpStatus {
  const err = incompatible(h, other);
  if (err !== null) return { ok: false, error: err };
  const counterResetCollision = adjustCounterReset(h, other);
  let nhcbBoundsReconciled = false;
  if (!isCustomBucketsSchema(h.schema)) {
    const { otherZeroCount } = reconcileZeroBuckets(h, other, null);
    h.zeroCount = negative ? h.zeroCount - otherZeroCount : h.zeroCount + otherZeroCount;
  }
  h.count = negative ? h.count - other.count : h.count + other.count;
  h.sum = negative ? h.sum - other.sum : h.sum + other.sum;

  if (isCustomBucketsSchema(h.schema)) {
    if (customBucketBoundsMatch(h.customValues, other.customValues)) {
      addBuckets(h.schema, h.zeroThreshold, negative, h.positiveSpans, h.positiveBuckets, other.positiveSpans, other.positiveBuckets);
    } else {
      nhcbBoundsReconciled = true;
      const bounds = intersectCustomBucketBounds(h.customValues, other.customValues);
      const r = addCustomBucketsWithMismatches(
        negative,
        h.positiveSpans,
        h.positiveBuckets,
        h.customValues,
        other.positiveSpans,
        other.positiveBuckets,
        other.customValues,
        null,
        bounds,
      );
      h.positiveSpans = r.spans;
      h.positiveBuckets = r.buckets;
      h.customValues = bounds;
    }
    return okStatus(counterResetCollision, nhcbBoundsReconciled);
  }

  let oPosSpans: readonly Span[] = other.positiveSpans;
  let oPosBuckets: readonly number[] = other.positiveBuckets;
  let oNegSpans: readonly Span[] = other.negativeSpans;
  let oNegBuckets: readonly number[] = other.negativeBuckets;
  if (other.schema < h.schema) {
    const p = reduceResolution(h.positiveSpans, h.positiveBuckets, h.schema, other.schema);
    const n = reduceResolution(h.negativeSpans, h.negativeBuckets, h.schema, other.schema);
    h.positiveSpans = p.spans;
    h.positiveBuckets = p.buckets;
    h.negativeSpans = n.spans;
    h.negativeBuckets = n.buckets;
    h.schema = other.schema;
  } else if (other.schema > h.schema) {
    const p = reduceResolution(oPosSpans, oPosBuckets, other.schema, h.schema);
    const n = reduceResolution(oNegSpans, oNegBuckets, other.schema, h.schema);
    oPosSpans = p.spans;
    oPosBuckets = p.buckets;
    oNegSpans = n.spans;
    oNegBuckets = n.buckets;
  }
  addBuckets(h.schema, h.zeroThreshold, negative, h.positiveSpans, h.positiveBuckets, oPosSpans, oPosBuckets);
  addBuckets(h.schema, h.zeroThreshold, negative, h.negativeSpans, h.negativeBuckets, oNegSpans, oNegBuckets);
  return okStatus(counterResetCollision, nhcbBoundsReconciled);
}

function newCompensation(h: Draft): Draft {
  return {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: 0,
    count: 0,
    sum: 0,
    customValues: h.customValues,
    positiveSpans: h.positiveSpans,
    positiveBuckets: new Array<number>(h.positiveBuckets.length).fill(0),
    negativeSpans: h.negativeSpans,
    negativeBuckets: isCustomBucketsSchema(h.schema) ? [] : new Array<number>(h.negativeBuckets.length).fill(0),
  };
}

function compensationDraft(c: FloatHistogram): Draft {
  return {
    counterResetHint: c.counterResetHint,
    schema: c.schema,
    zeroThreshold: c.zeroThreshold,
    zeroCount: c.zeroCount,
    count: c.count,
    sum: c.sum,
    positiveSpans: copySpans(c.positiveSpans),
    positiveBuckets: [...c.positiveBuckets],
    negativeSpans: copySpans(c.negativeSpans),
    negativeBuckets: [...c.negativeBuckets],
    customValues: c.customValues,
  };
}

function kahanAdd(h: Draft, other: FloatHistogram, cIn: FloatHistogram | undefined): HistogramKahanResult {
  const err = incompatible(h, other);
  if (err !== null) return { ok: false, error: err };
  const c = cIn === undefined ? newCompensation(h) : compensationDraft(cIn);
  const r = kahanAddInPlace(h, c, other, true);
  if (!r.ok) return r;
  return { ok: true, histogram: fromDraft(h), compensation: fromDraft(c), counterResetCollision: r.counterResetCollision, nhcbBoundsReconciled: r.nhcbBoundsReconciled };
}

/**
 * KahanAdd on the drafts h (the sum) and c (its compensation), both changed
 * in place. c's spans are only brought up to date (copies of h's) with
 * syncCompSpans; nothing here reads them.
 */
function kahanAddInPlace(h: Draft, c: Draft, other: FloatHistogram, syncCompSpans: boolean): InPlaceOpStatus {
  const err = incompatible(h, other);
  if (err !== null) return { ok: false, error: err };
  const counterResetCollision = adjustCounterReset(h, other);
  let nhcbBoundsReconciled = false;
  if (!isCustomBucketsSchema(h.schema)) {
    const { otherZeroCount, otherCZeroCount } = reconcileZeroBuckets(h, other, c);
    [h.zeroCount, c.zeroCount] = kahanInc(otherZeroCount, h.zeroCount, c.zeroCount);
    [h.zeroCount, c.zeroCount] = kahanInc(otherCZeroCount, h.zeroCount, c.zeroCount);
  }
  [h.count, c.count] = kahanInc(other.count, h.count, c.count);
  [h.sum, c.sum] = kahanInc(other.sum, h.sum, c.sum);

  if (isCustomBucketsSchema(h.schema)) {
    if (customBucketBoundsMatch(h.customValues, other.customValues)) {
      addBuckets(h.schema, h.zeroThreshold, false, h.positiveSpans, h.positiveBuckets, other.positiveSpans, other.positiveBuckets, c.positiveBuckets, null);
    } else {
      nhcbBoundsReconciled = true;
      const bounds = intersectCustomBucketBounds(h.customValues, other.customValues);
      const r = addCustomBucketsWithMismatches(
        false,
        h.positiveSpans,
        h.positiveBuckets,
        h.customValues,
        other.positiveSpans,
        other.positiveBuckets,
        other.customValues,
        c.positiveBuckets,
        bounds,
      );
      h.positiveSpans = r.spans;
      h.positiveBuckets = r.buckets;
      c.positiveBuckets = r.comp;
      h.customValues = bounds;
      c.customValues = bounds;
    }
    if (syncCompSpans) c.positiveSpans = copySpans(h.positiveSpans);
    return okStatus(counterResetCollision, nhcbBoundsReconciled);
  }

  let oPosSpans: readonly Span[] = other.positiveSpans;
  let oPosBuckets: readonly number[] = other.positiveBuckets;
  let oNegSpans: readonly Span[] = other.negativeSpans;
  let oNegBuckets: readonly number[] = other.negativeBuckets;
  let oPosComp: number[] | null = null;
  let oNegComp: number[] | null = null;
  if (other.schema < h.schema) {
    const p = reduceResolution(h.positiveSpans, h.positiveBuckets, h.schema, other.schema, c.positiveBuckets);
    const n = reduceResolution(h.negativeSpans, h.negativeBuckets, h.schema, other.schema, c.negativeBuckets);
    h.positiveSpans = p.spans;
    h.positiveBuckets = p.buckets;
    c.positiveBuckets = p.comp!;
    h.negativeSpans = n.spans;
    h.negativeBuckets = n.buckets;
    c.negativeBuckets = n.comp!;
    h.schema = other.schema;
  } else if (other.schema > h.schema) {
    if (oPosBuckets.length > 0) {
      const p = reduceResolution(oPosSpans, oPosBuckets, other.schema, h.schema, new Array<number>(oPosBuckets.length).fill(0));
      oPosSpans = p.spans;
      oPosBuckets = p.buckets;
      oPosComp = p.comp;
    }
    if (oNegBuckets.length > 0) {
      const n = reduceResolution(oNegSpans, oNegBuckets, other.schema, h.schema, new Array<number>(oNegBuckets.length).fill(0));
      oNegSpans = n.spans;
      oNegBuckets = n.buckets;
      oNegComp = n.comp;
    }
  }
  addBuckets(h.schema, h.zeroThreshold, false, h.positiveSpans, h.positiveBuckets, oPosSpans, oPosBuckets, c.positiveBuckets, oPosComp);
  addBuckets(h.schema, h.zeroThreshold, false, h.negativeSpans, h.negativeBuckets, oNegSpans, oNegBuckets, c.negativeBuckets, oNegComp);
  c.schema = h.schema;
  c.zeroThreshold = h.zeroThreshold;
  if (syncCompSpans) {
    c.positiveSpans = copySpans(h.positiveSpans);
    c.negativeSpans = copySpans(h.negativeSpans);
  }
  return okStatus(counterResetCollision, nhcbBoundsReconciled);
}

/** Wraps a draft without copying (the draft must not be used afterwards). */
function fromDraft(d: Draft): FloatHistogram {
  const h = Object.create(FloatHistogram.prototype) as { -readonly [K in keyof FloatHistogram]: FloatHistogram[K] };
  h.counterResetHint = d.counterResetHint;
  h.schema = d.schema;
  h.zeroThreshold = d.zeroThreshold;
  h.zeroCount = d.zeroCount;
  h.count = d.count;
  h.sum = d.sum;
  h.positiveSpans = d.positiveSpans;
  h.positiveBuckets = d.positiveBuckets;
  h.negativeSpans = d.negativeSpans;
  h.negativeBuckets = d.negativeBuckets;
  h.customValues = d.customValues;
  return h as FloatHistogram;
}



/**
 * A mutable histogram for the engine's hot loops (rate/increase/delta,
 * sum/avg aggregation): the same ported in-place algorithms as
 * FloatHistogram's operations, but on one working copy instead of a copy per
 * operation, so results are identical. Internal to the engine (not exported
 * from histogram.ts); the public FloatHistogram stays immutable. A builder
 * copies its start value; toHistogram() hands out the working copy, after
 * which the builder must not be used.
 */
export class HistogramBuilder {
  private d: Draft;
  /** The Kahan compensation of kahanAdd (null until the first kahanAdd). */
  private c: Draft | null = null;

  constructor(start: FloatHistogram) {
    this.d = draftOf(start);
  }

  get count(): number {
    return this.d.count;
  }

  get schema(): number {
    return this.d.schema;
  }

  add(other: FloatHistogram): InPlaceOpStatus {
    return addOrSubInPlace(this.d, other, false);
  }

  sub(other: FloatHistogram): InPlaceOpStatus {
    return addOrSubInPlace(this.d, other, true);
  }

  /** Adds with Kahan summation (FloatHistogram.kahanAdd), keeping the compensation inside; see addCompensation. */
  kahanAdd(other: FloatHistogram): InPlaceOpStatus {
    const err = incompatible(this.d, other);
    if (err !== null) return { ok: false, error: err };
    if (this.c === null) this.c = newCompensation(this.d);
    return kahanAddInPlace(this.d, this.c, other, false);
  }

  /** Adds the Kahan compensation (divided by `divisor` unless 1) to the sum, as the callers of KahanAdd do at the end. */
  addCompensation(divisor = 1): void {
    if (this.c === null) return;
    const c = this.c;
    this.c = null;
    // kahanAdd left c's spans stale: its layout is the sum's.
    c.positiveSpans = copySpans(this.d.positiveSpans);
    c.negativeSpans = copySpans(this.d.negativeSpans);
    if (divisor !== 1) divideDraft(c, divisor);
    addOrSubInPlace(this.d, fromDraft(c), false);
  }

  /** Whether the (compensated) sum has kahanAdd'ed anything yet. */
  hasCompensation(): boolean {
    return this.c !== null;
  }

  mul(factor: number): void {
    scaleDraft(this.d, factor);
  }

  div(scalar: number): void {
    divideDraft(this.d, scalar);
  }

  setCounterResetHint(hint: CounterResetHint): void {
    this.d.counterResetHint = hint;
  }

  compact(maxEmptyBuckets: number): void {
    compactDraft(this.d, maxEmptyBuckets, this.c);
  }

  hasOverflow(): boolean {
    return fromDraft(this.d).hasOverflow();
  }

  /** The result (the builder must not be used afterwards). */
  toHistogram(): FloatHistogram {
    return fromDraft(this.d);
  }
}
