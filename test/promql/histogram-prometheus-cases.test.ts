/**
 * Prometheus's own unit-test cases for FloatHistogram operations, transcribed
 * as data from model/histogram/float_histogram_test.go (Prometheus at commit
 * d15adb9ad7e5, 2026-08-21): TestFloatHistogramMul, Div, DetectReset,
 * Compact, Add, Sub and ReduceResolution, every case in order, each with a
 * comment naming its Go test and case. Spans are written [offset, length].
 *
 * The checks mirror the Go tests: Add runs both orders (and KahanAdd, whose
 * sum plus compensation must give the same result), Sub runs both orders
 * (the reverse expecting the negated result with the original hint), results
 * of Add/Sub are compared after Compact(0). Go's require.Equal tells a nil
 * slice from an empty one; here both are "no spans/buckets".
 */
import { describe, expect, it } from "vitest";
import { FloatHistogram, type FloatHistogramInit, type CounterResetHint } from "../../src/promql/histogram.js";

type SpanTuple = [number, number];
interface H {
  counterResetHint?: CounterResetHint;
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number;
  count?: number;
  sum?: number;
  positiveSpans?: SpanTuple[];
  positiveBuckets?: number[];
  negativeSpans?: SpanTuple[];
  negativeBuckets?: number[];
  customValues?: number[];
}
interface ScaleCase {
  name: string;
  in: H;
  expected: H;
  scale: number;
}
interface ResetCase {
  name: string;
  previous: H;
  current: H;
  resetExpected: boolean;
}
interface CompactCase {
  name: string;
  in: H;
  expected: H;
  maxEmptyBuckets: number;
}
interface AddCase {
  name: string;
  in1: H;
  in2: H;
  expected: H | null;
  expErrMsg?: string;
  expCounterResetCollision?: boolean;
  expNHCBBoundsReconciled?: boolean;
}
interface ReduceCase {
  name: string;
  in: H;
  expected: H | null;
  targetSchema: number;
  errorMsg?: string;
}

function fh(h: H): FloatHistogram {
  const init: FloatHistogramInit = { ...h, positiveSpans: undefined, negativeSpans: undefined };
  if (h.positiveSpans) init.positiveSpans = h.positiveSpans.map(([offset, length]) => ({ offset, length }));
  if (h.negativeSpans) init.negativeSpans = h.negativeSpans.map(([offset, length]) => ({ offset, length }));
  return new FloatHistogram(init);
}

/** Go's reflect.DeepEqual on float fields: == (so 0 equals -0), plus NaN equal to NaN. */
function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function assertSame(actual: FloatHistogram, expected: FloatHistogram): void {
  const a = actual.toJSON();
  const e = expected.toJSON();
  const ok =
    a.counterResetHint === e.counterResetHint &&
    a.schema === e.schema &&
    sameNumber(a.zeroThreshold, e.zeroThreshold) &&
    sameNumber(a.zeroCount, e.zeroCount) &&
    sameNumber(a.count, e.count) &&
    sameNumber(a.sum, e.sum) &&
    JSON.stringify(a.positiveSpans) === JSON.stringify(e.positiveSpans) &&
    JSON.stringify(a.negativeSpans) === JSON.stringify(e.negativeSpans) &&
    a.positiveBuckets.length === e.positiveBuckets.length &&
    a.positiveBuckets.every((v, i) => sameNumber(v, e.positiveBuckets[i]!)) &&
    a.negativeBuckets.length === e.negativeBuckets.length &&
    a.negativeBuckets.every((v, i) => sameNumber(v, e.negativeBuckets[i]!)) &&
    a.customValues.length === e.customValues.length &&
    a.customValues.every((v, i) => sameNumber(v, e.customValues[i]!));
  if (!ok) expect(a).toEqual(e);
}

/** TestFloatHistogramMul (model/histogram/float_histogram_test.go), every case, in order. */
const FloatHistogramMul: ScaleCase[] = [
  // TestFloatHistogramMul: "zero value"
  {
    name: "zero value",
    in: {},
    expected: {},
    scale: 3.1415,
  },
  // TestFloatHistogramMul: "zero multiplier"
  {
    name: "zero multiplier",
    in: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    expected: { zeroThreshold: 0.01, zeroCount: 0, count: 0, sum: 0, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [0, 0, 0, 0], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [0, 0, 0, 0] },
    scale: 0,
  },
  // TestFloatHistogramMul: "no-op"
  {
    name: "no-op",
    in: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    expected: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    scale: 1,
  },
  // TestFloatHistogramMul: "double"
  {
    name: "double",
    in: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    expected: { zeroThreshold: 0.01, zeroCount: 11, count: 6986.6, sum: 4698418.648, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [2, 6.6, 8.4, 0.2], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [6.2, 6, 246800, 2000] },
    scale: 2,
  },
  // TestFloatHistogramMul: "triple"
  {
    name: "triple",
    in: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 23, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { zeroThreshold: 0.01, zeroCount: 33, count: 90, sum: 69, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [3, 0, 9, 12, 21], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [9, 3, 15, 18] },
    scale: 3,
  },
  // TestFloatHistogramMul: "negation"
  {
    name: "negation",
    in: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 23, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { counterResetHint: "gauge", zeroThreshold: 0.01, zeroCount: -11, count: -30, sum: -23, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [-1, 0, -3, -4, -7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [-3, -1, -5, -6] },
    scale: -1,
  },
  // TestFloatHistogramMul: "negative multiplier"
  {
    name: "negative multiplier",
    in: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 23, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { counterResetHint: "gauge", zeroThreshold: 0.01, zeroCount: -22, count: -60, sum: -46, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [-2, 0, -6, -8, -14], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [-6, -2, -10, -12] },
    scale: -2,
  },
  // TestFloatHistogramMul: "no-op with custom buckets"
  {
    name: "no-op with custom buckets",
    in: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    expected: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    scale: 1,
  },
  // TestFloatHistogramMul: "triple with custom buckets"
  {
    name: "triple with custom buckets",
    in: { schema: -53, count: 30, sum: 23, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4] },
    expected: { schema: -53, count: 90, sum: 69, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [3, 0, 9, 12, 21], customValues: [1, 2, 3, 4] },
    scale: 3,
  },
];

/** TestFloatHistogramDiv (model/histogram/float_histogram_test.go), every case, in order. */
const FloatHistogramDiv: ScaleCase[] = [
  // TestFloatHistogramDiv: "zero value"
  {
    name: "zero value",
    in: {},
    expected: {},
    scale: 3.1415,
  },
  // TestFloatHistogramDiv: "zero divisor"
  {
    name: "zero divisor",
    in: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    expected: { zeroThreshold: 0.01, zeroCount: Infinity, count: Infinity, sum: Infinity },
    scale: 0,
  },
  // TestFloatHistogramDiv: "no-op"
  {
    name: "no-op",
    in: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    expected: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    scale: 1,
  },
  // TestFloatHistogramDiv: "half"
  {
    name: "half",
    in: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 23, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { zeroThreshold: 0.01, zeroCount: 5.5, count: 15, sum: 11.5, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [0.5, 0, 1.5, 2, 3.5], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [1.5, 0.5, 2.5, 3] },
    scale: 2,
  },
  // TestFloatHistogramDiv: "negation"
  {
    name: "negation",
    in: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    expected: { counterResetHint: "gauge", zeroThreshold: 0.01, zeroCount: -5.5, count: -3493.3, sum: -2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [-1, -3.3, -4.2, -0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [-3.1, -3, -123400, -1000] },
    scale: -1,
  },
  // TestFloatHistogramDiv: "negative half"
  {
    name: "negative half",
    in: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 23, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { counterResetHint: "gauge", zeroThreshold: 0.01, zeroCount: -5.5, count: -15, sum: -11.5, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [-0.5, 0, -1.5, -2, -3.5], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [-1.5, -0.5, -2.5, -3] },
    scale: -2,
  },
  // TestFloatHistogramDiv: "no-op with custom buckets"
  {
    name: "no-op with custom buckets",
    in: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    expected: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    scale: 1,
  },
  // TestFloatHistogramDiv: "half with custom buckets"
  {
    name: "half with custom buckets",
    in: { schema: -53, count: 30, sum: 23, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4] },
    expected: { schema: -53, count: 15, sum: 11.5, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [0.5, 0, 1.5, 2, 3.5], customValues: [1, 2, 3, 4] },
    scale: 2,
  },
];

/** TestFloatHistogramDetectReset (model/histogram/float_histogram_test.go), every case, in order. */
const FloatHistogramDetectReset: ResetCase[] = [
  // TestFloatHistogramDetectReset: "zero values"
  {
    name: "zero values",
    previous: {},
    current: {},
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "no buckets to some buckets"
  {
    name: "no buckets to some buckets",
    previous: {},
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "some buckets to no buckets"
  {
    name: "some buckets to no buckets",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: {},
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "one bucket appears, nothing else changes"
  {
    name: "one bucket appears, nothing else changes",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "one bucket disappears, nothing else changes"
  {
    name: "one bucket disappears, nothing else changes",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "an unpopulated bucket disappears, nothing else changes"
  {
    name: "an unpopulated bucket disappears, nothing else changes",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "an unpopulated bucket at the end disappears, nothing else changes"
  {
    name: "an unpopulated bucket at the end disappears, nothing else changes",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [1, 3]], positiveBuckets: [1, 3.3, 4.2, 0], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 1], [1, 2]], positiveBuckets: [1, 3.3, 4.2], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "an unpopulated bucket disappears in a histogram with nothing else"
  {
    name: "an unpopulated bucket disappears in a histogram with nothing else",
    previous: { positiveSpans: [[23, 1]], positiveBuckets: [0] },
    current: {},
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "zero count goes up"
  {
    name: "zero count goes up",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.6, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "zero count goes down"
  {
    name: "zero count goes down",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.4, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "count goes up"
  {
    name: "count goes up",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.4, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "count goes down"
  {
    name: "count goes down",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.2, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "sum goes up"
  {
    name: "sum goes up",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349210, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "sum goes down"
  {
    name: "sum goes down",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349200, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "one positive bucket goes up"
  {
    name: "one positive bucket goes up",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.3, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "one positive bucket goes down"
  {
    name: "one positive bucket goes down",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.1, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "one negative bucket goes up"
  {
    name: "one negative bucket goes up",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3.1, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "one negative bucket goes down"
  {
    name: "one negative bucket goes down",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 2.9, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "zero threshold decreases"
  {
    name: "zero threshold decreases",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.009, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "zero threshold increases without touching any existing buckets"
  {
    name: "zero threshold increases without touching any existing buckets",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.011, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "zero threshold increases enough to cover existing buckets"
  {
    name: "zero threshold increases enough to cover existing buckets",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 1, zeroCount: 7.73, count: 3493.3, sum: 2349209.324, positiveSpans: [[1, 3]], positiveBuckets: [3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "zero threshold increases into the middle of an existing buckets"
  {
    name: "zero threshold increases into the middle of an existing buckets",
    previous: { zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { zeroThreshold: 0.3, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "schema increases without any other changes"
  {
    name: "schema increases without any other changes",
    previous: { schema: 0, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    current: { schema: 1, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-5, 4], [2, 6]], positiveBuckets: [0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05], negativeSpans: [[5, 4], [6, 4]], negativeBuckets: [2, 1.1, 2, 1, 23400, 100000, 500, 500] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "schema decreases without any other changes"
  {
    name: "schema decreases without any other changes",
    previous: { schema: 1, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-5, 4], [2, 6]], positiveBuckets: [0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05], negativeSpans: [[5, 4], [6, 4]], negativeBuckets: [2, 1.1, 2, 1, 23400, 100000, 500, 500] },
    current: { schema: 0, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "schema decreases and a bucket goes up"
  {
    name: "schema decreases and a bucket goes up",
    previous: { schema: 1, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-5, 4], [2, 6]], positiveBuckets: [0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05], negativeSpans: [[5, 4], [6, 4]], negativeBuckets: [2, 1.1, 2, 1, 23400, 100000, 500, 500] },
    current: { schema: 0, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 4.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "schema decreases and a bucket goes down"
  {
    name: "schema decreases and a bucket goes down",
    previous: { schema: 1, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-5, 4], [2, 6]], positiveBuckets: [0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05], negativeSpans: [[5, 4], [6, 4]], negativeBuckets: [2, 1.1, 2, 1, 23400, 100000, 500, 500] },
    current: { schema: 0, zeroThreshold: 0.01, zeroCount: 5.5, count: 3493.3, sum: 2349209.324, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 1.23, 2.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "no buckets to some buckets with custom bounds"
  {
    name: "no buckets to some buckets with custom bounds",
    previous: { schema: -53, customValues: [1, 2, 3] },
    current: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "some buckets to no buckets with custom bounds"
  {
    name: "some buckets to no buckets with custom bounds",
    previous: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    current: { schema: -53, customValues: [1, 2, 3] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "one bucket appears, nothing else changes with custom bounds"
  {
    name: "one bucket appears, nothing else changes with custom bounds",
    previous: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    current: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "one bucket disappears, nothing else changes with custom bounds"
  {
    name: "one bucket disappears, nothing else changes with custom bounds",
    previous: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    current: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "an unpopulated bucket disappears, nothing else changes with custom bounds"
  {
    name: "an unpopulated bucket disappears, nothing else changes with custom bounds",
    previous: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    current: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "one positive bucket goes up with custom bounds"
  {
    name: "one positive bucket goes up with custom bounds",
    previous: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    current: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.3, 0.1], customValues: [1, 2, 3, 4] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "one positive bucket goes down with custom bounds"
  {
    name: "one positive bucket goes down with custom bounds",
    previous: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.2, 0.1], customValues: [1, 2, 3, 4] },
    current: { schema: -53, count: 3493.3, sum: 2349209.324, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3.3, 4.1, 0.1], customValues: [1, 2, 3, 4] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "mismatched custom bounds - no reset when all buckets increase"
  {
    name: "mismatched custom bounds - no reset when all buckets increase",
    previous: { schema: -53, count: 200, sum: 1000, positiveSpans: [[0, 4]], positiveBuckets: [20, 35, 40, 50], customValues: [0, 1, 2, 3] },
    current: { schema: -53, count: 200, sum: 1000, positiveSpans: [[0, 5]], positiveBuckets: [25, 15, 40, 50, 70], customValues: [0, 0.5, 1, 2, 3] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "mismatched custom bounds - reset in middle bucket"
  {
    name: "mismatched custom bounds - reset in middle bucket",
    previous: { schema: -53, count: 100, sum: 500, positiveSpans: [[1, 4]], positiveBuckets: [10, 15, 20, 25], customValues: [0, 1, 3, 5] },
    current: { schema: -53, count: 100, sum: 500, positiveSpans: [[1, 5]], positiveBuckets: [10, 16, 10, 5, 25], customValues: [0, 1, 2, 3, 5] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "mismatched custom bounds - reset in last bucket"
  {
    name: "mismatched custom bounds - reset in last bucket",
    previous: { schema: -53, count: 100, sum: 500, positiveSpans: [[1, 3]], positiveBuckets: [10, 20, 20], customValues: [0, 1, 2] },
    current: { schema: -53, count: 100, sum: 500, positiveSpans: [[1, 4]], positiveBuckets: [100, 200, 8, 7], customValues: [0, 1, 2, 3] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "mismatched custom bounds - no common bounds"
  {
    name: "mismatched custom bounds - no common bounds",
    previous: { schema: -53, count: 100, sum: 500, positiveSpans: [[1, 3]], positiveBuckets: [10, 20, 30], customValues: [4, 5, 6] },
    current: { schema: -53, count: 100, sum: 500, positiveSpans: [[1, 3]], positiveBuckets: [15, 25, 35], customValues: [1, 2, 3] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "mismatched custom bounds - sparse common bounds"
  {
    name: "mismatched custom bounds - sparse common bounds",
    previous: { schema: -53, count: 200, sum: 1000, positiveSpans: [[0, 4]], positiveBuckets: [10, 20, 30, 40], customValues: [0, 1, 3, 5] },
    current: { schema: -53, count: 200, sum: 1000, positiveSpans: [[0, 5]], positiveBuckets: [15, 25, 70, 50, 100], customValues: [0, 2, 3, 4, 5] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "reset detected with mismatched custom bounds and split bucket spans"
  {
    name: "reset detected with mismatched custom bounds and split bucket spans",
    previous: { schema: -53, count: 200, sum: 1000, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [10, 20, 30, 40, 50], customValues: [0, 1, 2, 3, 4, 5] },
    current: { schema: -53, count: 200, sum: 1000, positiveSpans: [[0, 3], [1, 2]], positiveBuckets: [15, 25, 35, 25, 60], customValues: [0, 1, 3, 4, 5, 7] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "no reset with mismatched custom bounds and split bucket spans"
  {
    name: "no reset with mismatched custom bounds and split bucket spans",
    previous: { schema: -53, count: 300, sum: 1500, positiveSpans: [[0, 2], [2, 3]], positiveBuckets: [10, 20, 30, 40, 50], customValues: [0, 1, 2, 3, 4, 5, 6] },
    current: { schema: -53, count: 300, sum: 1500, positiveSpans: [[0, 3], [1, 2]], positiveBuckets: [12, 25, 45, 75, 95], customValues: [0, 0.5, 1, 3, 5, 7] },
    resetExpected: false,
  },
  // TestFloatHistogramDetectReset: "reset when a populated bucket following an empty one disappears"
  {
    name: "reset when a populated bucket following an empty one disappears",
    previous: { zeroThreshold: 0.001, count: 10, positiveSpans: [[0, 1]], positiveBuckets: [5], negativeSpans: [[1, 2]], negativeBuckets: [0, 5] },
    current: { zeroThreshold: 0.001, count: 20, positiveSpans: [[0, 1]], positiveBuckets: [20] },
    resetExpected: true,
  },
  // TestFloatHistogramDetectReset: "reset when current ends before a later populated previous bucket"
  {
    name: "reset when current ends before a later populated previous bucket",
    previous: { zeroThreshold: 0.001, count: 7, positiveSpans: [[0, 3]], positiveBuckets: [2, 0, 5] },
    current: { zeroThreshold: 0.001, count: 100, positiveSpans: [[0, 1]], positiveBuckets: [100] },
    resetExpected: true,
  },
];

/** TestFloatHistogramCompact (model/histogram/float_histogram_test.go), every case, in order. */
const FloatHistogramCompact: CompactCase[] = [
  // TestFloatHistogramCompact: "empty histogram"
  {
    name: "empty histogram",
    in: {},
    expected: {},
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "nothing should happen"
  {
    name: "nothing should happen",
    in: { positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    expected: { positiveSpans: [[-2, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3.1, 3, 123400, 1000] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "eliminate zero offsets"
  {
    name: "eliminate zero offsets",
    in: { positiveSpans: [[-2, 1], [0, 3], [0, 1]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [0, 2], [2, 1], [0, 1]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    expected: { positiveSpans: [[-2, 5]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 4], [2, 2]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "eliminate zero length"
  {
    name: "eliminate zero length",
    in: { positiveSpans: [[-2, 2], [2, 0], [3, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [0, 0], [2, 0], [1, 4]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    expected: { positiveSpans: [[-2, 2], [5, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 4]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "eliminate multiple zero length spans"
  {
    name: "eliminate multiple zero length spans",
    in: { positiveSpans: [[-2, 2], [2, 0], [2, 0], [2, 0], [3, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3] },
    expected: { positiveSpans: [[-2, 2], [9, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut empty buckets at start or end"
  {
    name: "cut empty buckets at start or end",
    in: { positiveSpans: [[-4, 4], [5, 3]], positiveBuckets: [0, 0, 1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4, 0] },
    expected: { positiveSpans: [[-2, 2], [5, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 4]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut empty buckets at start and end"
  {
    name: "cut empty buckets at start and end",
    in: { positiveSpans: [[-4, 4], [5, 6]], positiveBuckets: [0, 0, 1, 3.3, 4.2, 0.1, 3.3, 0, 0, 0], negativeSpans: [[-2, 4], [3, 5]], negativeBuckets: [0, 0, 3.1, 3, 123400, 1000, 3, 4, 0] },
    expected: { positiveSpans: [[-2, 2], [5, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 4]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut empty buckets in the middle"
  {
    name: "cut empty buckets in the middle",
    in: { positiveSpans: [[5, 4]], positiveBuckets: [1, 3, 0, 2] },
    expected: { positiveSpans: [[5, 2], [1, 1]], positiveBuckets: [1, 3, 2] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut empty buckets at start or end of spans, even in the middle"
  {
    name: "cut empty buckets at start or end of spans, even in the middle",
    in: { positiveSpans: [[-4, 6], [3, 6]], positiveBuckets: [0, 0, 1, 3.3, 0, 0, 4.2, 0.1, 3.3, 0, 0, 0], negativeSpans: [[0, 2], [2, 6]], negativeBuckets: [3.1, 3, 0, 123400, 1000, 3, 4, 0] },
    expected: { positiveSpans: [[-2, 2], [5, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 4]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut empty buckets at start and end - also merge spans due to maxEmptyBuckets"
  {
    name: "cut empty buckets at start and end - also merge spans due to maxEmptyBuckets",
    in: { positiveSpans: [[-4, 4], [5, 3]], positiveBuckets: [0, 0, 1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4, 0] },
    expected: { positiveSpans: [[-2, 10]], positiveBuckets: [1, 3.3, 0, 0, 0, 0, 0, 4.2, 0.1, 3.3], negativeSpans: [[0, 9]], negativeBuckets: [3.1, 3, 0, 0, 0, 123400, 1000, 3, 4] },
    maxEmptyBuckets: 10,
  },
  // TestFloatHistogramCompact: "cut empty buckets from the middle of a span"
  {
    name: "cut empty buckets from the middle of a span",
    in: { positiveSpans: [[-4, 6], [3, 3]], positiveBuckets: [0, 0, 1, 0, 0, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 0, 3, 4] },
    expected: { positiveSpans: [[-2, 1], [2, 1], [3, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 2], [1, 2]], negativeBuckets: [3.1, 3, 123400, 1000, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut out a span containing only empty buckets"
  {
    name: "cut out a span containing only empty buckets",
    in: { positiveSpans: [[-4, 3], [2, 2], [3, 4]], positiveBuckets: [0, 0, 1, 0, 0, 3.3, 4.2, 0.1, 3.3] },
    expected: { positiveSpans: [[-2, 1], [7, 4]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut empty buckets from the middle of a span, avoiding none due to maxEmptyBuckets"
  {
    name: "cut empty buckets from the middle of a span, avoiding none due to maxEmptyBuckets",
    in: { positiveSpans: [[-2, 4]], positiveBuckets: [1, 0, 0, 3.3] },
    expected: { positiveSpans: [[-2, 1], [2, 1]], positiveBuckets: [1, 3.3] },
    maxEmptyBuckets: 1,
  },
  // TestFloatHistogramCompact: "cut empty buckets and merge spans due to maxEmptyBuckets"
  {
    name: "cut empty buckets and merge spans due to maxEmptyBuckets",
    in: { positiveSpans: [[-2, 4], [3, 1]], positiveBuckets: [1, 0, 0, 3.3, 4.2] },
    expected: { positiveSpans: [[-2, 1], [2, 1], [3, 1]], positiveBuckets: [1, 3.3, 4.2] },
    maxEmptyBuckets: 1,
  },
  // TestFloatHistogramCompact: "cut empty buckets from the middle of a span, avoiding some due to maxEmptyBuckets"
  {
    name: "cut empty buckets from the middle of a span, avoiding some due to maxEmptyBuckets",
    in: { positiveSpans: [[-4, 6], [3, 3], [10, 2]], positiveBuckets: [0, 0, 1, 0, 0, 3.3, 4.2, 0.1, 3.3, 2, 3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 0, 3, 4] },
    expected: { positiveSpans: [[-2, 1], [2, 1], [3, 3], [10, 2]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3, 2, 3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 0, 3, 4] },
    maxEmptyBuckets: 1,
  },
  // TestFloatHistogramCompact: "avoiding all cutting of empty buckets from the middle of a chunk due to maxEmptyBuckets"
  {
    name: "avoiding all cutting of empty buckets from the middle of a chunk due to maxEmptyBuckets",
    in: { positiveSpans: [[-4, 6], [3, 3]], positiveBuckets: [0, 0, 1, 0, 0, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 0, 3, 4] },
    expected: { positiveSpans: [[-2, 4], [3, 3]], positiveBuckets: [1, 0, 0, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 0, 3, 4] },
    maxEmptyBuckets: 2,
  },
  // TestFloatHistogramCompact: "everything merged into one span due to maxEmptyBuckets"
  {
    name: "everything merged into one span due to maxEmptyBuckets",
    in: { positiveSpans: [[-4, 6], [3, 3]], positiveBuckets: [0, 0, 1, 0, 0, 3.3, 4.2, 0.1, 3.3], negativeSpans: [[0, 2], [3, 5]], negativeBuckets: [3.1, 3, 123400, 1000, 0, 3, 4] },
    expected: { positiveSpans: [[-2, 10]], positiveBuckets: [1, 0, 0, 3.3, 0, 0, 0, 4.2, 0.1, 3.3], negativeSpans: [[0, 10]], negativeBuckets: [3.1, 3, 0, 0, 0, 123400, 1000, 0, 3, 4] },
    maxEmptyBuckets: 3,
  },
  // TestFloatHistogramCompact: "more than one span merged in the same pass"
  {
    name: "more than one span merged in the same pass",
    in: { positiveSpans: [[-2, 2], [2, 2], [2, 2]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3, 2], negativeSpans: [[0, 1], [1, 1], [1, 1]], negativeBuckets: [3.1, 1000, 4] },
    expected: { positiveSpans: [[-2, 10]], positiveBuckets: [1, 3.3, 0, 0, 4.2, 0.1, 0, 0, 3.3, 2], negativeSpans: [[0, 5]], negativeBuckets: [3.1, 0, 1000, 0, 4] },
    maxEmptyBuckets: 3,
  },
  // TestFloatHistogramCompact: "only empty buckets and maxEmptyBuckets greater zero"
  {
    name: "only empty buckets and maxEmptyBuckets greater zero",
    in: { positiveSpans: [[-4, 6], [3, 3]], positiveBuckets: [0, 0, 0, 0, 0, 0, 0, 0, 0], negativeSpans: [[0, 7]], negativeBuckets: [0, 0, 0, 0, 0, 0, 0] },
    expected: { positiveSpans: [], positiveBuckets: [], negativeSpans: [], negativeBuckets: [] },
    maxEmptyBuckets: 3,
  },
  // TestFloatHistogramCompact: "multiple spans of only empty buckets"
  {
    name: "multiple spans of only empty buckets",
    in: { positiveSpans: [[-10, 2], [2, 1], [3, 3]], positiveBuckets: [0, 0, 0, 0, 2, 3], negativeSpans: [[-10, 2], [2, 1], [3, 3]], negativeBuckets: [2, 3, 0, 0, 0, 0] },
    expected: { positiveSpans: [[-1, 2]], positiveBuckets: [2, 3], negativeSpans: [[-10, 2]], negativeBuckets: [2, 3] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "nothing should happen with custom buckets"
  {
    name: "nothing should happen with custom buckets",
    in: { schema: -53, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    expected: { schema: -53, positiveSpans: [[0, 1], [2, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1], customValues: [1, 2, 3] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "eliminate zero offsets with custom buckets"
  {
    name: "eliminate zero offsets with custom buckets",
    in: { schema: -53, positiveSpans: [[0, 1], [0, 3], [0, 1]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], customValues: [1, 2, 3, 4] },
    expected: { schema: -53, positiveSpans: [[0, 5]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], customValues: [1, 2, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "eliminate multiple zero length spans with custom buckets"
  {
    name: "eliminate multiple zero length spans with custom buckets",
    in: { schema: -53, positiveSpans: [[0, 2], [2, 0], [2, 0], [2, 0], [3, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], customValues: [1, 2, 3, 4] },
    expected: { schema: -53, positiveSpans: [[0, 2], [9, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], customValues: [1, 2, 3, 4] },
    maxEmptyBuckets: 0,
  },
  // TestFloatHistogramCompact: "cut empty buckets at start and end with custom buckets"
  {
    name: "cut empty buckets at start and end with custom buckets",
    in: { schema: -53, positiveSpans: [[0, 4], [5, 6]], positiveBuckets: [0, 0, 1, 3.3, 4.2, 0.1, 3.3, 0, 0, 0], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expected: { schema: -53, positiveSpans: [[2, 2], [5, 3]], positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    maxEmptyBuckets: 0,
  },
];

/** TestFloatHistogramAdd (model/histogram/float_histogram_test.go), every case, in order. */
const FloatHistogramAdd: AddCase[] = [
  // TestFloatHistogramAdd: "same bucket layout"
  {
    name: "same bucket layout",
    in1: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    in2: { zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [0, 0, 2, 3, 6], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [1, 1, 4, 4] },
    expected: { zeroThreshold: 0.01, zeroCount: 19, count: 51, sum: 3.579, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 5, 7, 13], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [4, 2, 9, 10] },
  },
  // TestFloatHistogramAdd: "same bucket layout, defined differently"
  {
    name: "same bucket layout, defined differently",
    in1: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [1, 1], [0, 2]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    in2: { zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[-2, 2], [1, 2], [0, 1]], positiveBuckets: [0, 0, 2, 3, 6], negativeSpans: [[3, 7]], negativeBuckets: [1, 1, 0, 0, 0, 4, 4] },
    expected: { zeroThreshold: 0.01, zeroCount: 19, count: 51, sum: 3.579, positiveSpans: [[-2, 2], [1, 1], [0, 2]], positiveBuckets: [1, 0, 5, 7, 13], negativeSpans: [[3, 5], [0, 2]], negativeBuckets: [4, 2, 0, 0, 0, 9, 10] },
  },
  // TestFloatHistogramAdd: "non-overlapping spans"
  {
    name: "non-overlapping spans",
    in1: { zeroThreshold: 0.001, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    in2: { zeroThreshold: 0.001, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[0, 2], [3, 3]], positiveBuckets: [5, 4, 2, 3, 6], negativeSpans: [[-9, 2], [3, 2]], negativeBuckets: [1, 1, 4, 4] },
    expected: { zeroThreshold: 0.001, zeroCount: 19, count: 51, sum: 3.579, positiveSpans: [[-2, 4], [0, 6]], positiveBuckets: [1, 0, 5, 4, 3, 4, 7, 2, 3, 6], negativeSpans: [[-9, 2], [3, 2], [5, 2], [3, 2]], negativeBuckets: [1, 1, 4, 4, 3, 1, 5, 6] },
  },
  // TestFloatHistogramAdd: "non-overlapping spans inverted order"
  {
    name: "non-overlapping spans inverted order",
    in1: { zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[0, 2], [3, 3]], positiveBuckets: [5, 4, 2, 3, 6], negativeSpans: [[-6, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    in2: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { zeroThreshold: 0.01, zeroCount: 19, count: 51, sum: 3.579, positiveSpans: [[-2, 2], [0, 5], [0, 3]], positiveBuckets: [1, 0, 5, 4, 3, 4, 7, 2, 3, 6], negativeSpans: [[-6, 2], [1, 2], [4, 2], [3, 2]], negativeBuckets: [1, 1, 4, 4, 3, 1, 5, 6] },
  },
  // TestFloatHistogramAdd: "overlapping spans"
  {
    name: "overlapping spans",
    in1: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    in2: { zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[-1, 4], [0, 3]], positiveBuckets: [5, 4, 2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    expected: { zeroThreshold: 0.01, zeroCount: 19, count: 51, sum: 3.579, positiveSpans: [[-2, 4], [0, 4]], positiveBuckets: [1, 5, 4, 2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "overlapping spans inverted order"
  {
    name: "overlapping spans inverted order",
    in1: { zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[-1, 4], [0, 3]], positiveBuckets: [5, 4, 2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    in2: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { zeroThreshold: 0.01, zeroCount: 19, count: 51, sum: 3.579, positiveSpans: [[-2, 5], [0, 3]], positiveBuckets: [1, 5, 4, 2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "schema change"
  {
    name: "schema change",
    in1: { schema: 0, zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[-1, 4], [0, 3]], positiveBuckets: [5, 4, 2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    in2: { schema: 1, zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-4, 3], [5, 5]], positiveBuckets: [1, 0, 0, 3, 2, 2, 3, 4], negativeSpans: [[6, 3], [6, 4]], negativeBuckets: [3, 0.5, 0.5, 2, 3, 2, 4] },
    expected: { zeroThreshold: 0.01, zeroCount: 19, count: 51, sum: 3.579, positiveSpans: [[-2, 5], [0, 3]], positiveBuckets: [1, 5, 4, 2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "larger zero bucket in first histogram"
  {
    name: "larger zero bucket in first histogram",
    in1: { zeroThreshold: 1, zeroCount: 17, count: 21, sum: 1.234, positiveSpans: [[1, 2], [0, 3]], positiveBuckets: [2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    in2: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { zeroThreshold: 1, zeroCount: 29, count: 51, sum: 3.579, positiveSpans: [[1, 2], [0, 3]], positiveBuckets: [2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "larger zero bucket in second histogram"
  {
    name: "larger zero bucket in second histogram",
    in1: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    in2: { zeroThreshold: 1, zeroCount: 17, count: 21, sum: 1.234, positiveSpans: [[1, 2], [0, 3]], positiveBuckets: [2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    expected: { zeroThreshold: 1, zeroCount: 29, count: 51, sum: 3.579, positiveSpans: [[1, 5]], positiveBuckets: [2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "larger zero threshold in first histogram ends up inside a populated bucket of second histogram"
  {
    name: "larger zero threshold in first histogram ends up inside a populated bucket of second histogram",
    in1: { zeroThreshold: 0.2, zeroCount: 17, count: 21, sum: 1.234, positiveSpans: [[1, 2], [0, 3]], positiveBuckets: [2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    in2: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    expected: { zeroThreshold: 0.25, zeroCount: 29, count: 51, sum: 3.579, positiveSpans: [[-1, 1], [1, 5]], positiveBuckets: [0, 2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "larger zero threshold in second histogram ends up inside a populated bucket of first histogram"
  {
    name: "larger zero threshold in second histogram ends up inside a populated bucket of first histogram",
    in1: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-2, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    in2: { zeroThreshold: 0.2, zeroCount: 17, count: 21, sum: 1.234, positiveSpans: [[1, 2], [0, 3]], positiveBuckets: [2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    expected: { zeroThreshold: 0.25, zeroCount: 29, count: 51, sum: 3.579, positiveSpans: [[1, 5]], positiveBuckets: [2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "schema change combined with larger zero bucket in second histogram"
  {
    name: "schema change combined with larger zero bucket in second histogram",
    in1: { schema: 0, zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[-2, 5], [0, 3]], positiveBuckets: [2, 5, 4, 2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    in2: { schema: 1, zeroThreshold: 0.25, zeroCount: 12, count: 30, sum: 2.345, positiveSpans: [[-3, 2], [5, 5]], positiveBuckets: [1, 0, 3, 2, 2, 3, 4], negativeSpans: [[6, 3], [6, 4]], negativeBuckets: [3, 0.5, 0.5, 2, 3, 2, 4] },
    expected: { zeroThreshold: 0.25, zeroCount: 22, count: 51, sum: 3.579, positiveSpans: [[-1, 7]], positiveBuckets: [6, 4, 2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "schema change combined with larger zero bucket in first histogram"
  {
    name: "schema change combined with larger zero bucket in first histogram",
    in1: { schema: 0, zeroThreshold: 0.25, zeroCount: 8, count: 21, sum: 1.234, positiveSpans: [[-1, 4], [0, 3]], positiveBuckets: [5, 4, 2, 3, 6, 2, 5], negativeSpans: [[4, 2], [1, 2]], negativeBuckets: [1, 1, 4, 4] },
    in2: { schema: 1, zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 2.345, positiveSpans: [[-4, 3], [5, 5]], positiveBuckets: [1, 0, 0, 3, 2, 2, 3, 4], negativeSpans: [[6, 3], [6, 4]], negativeBuckets: [3, 0.5, 0.5, 2, 3, 2, 4] },
    expected: { zeroThreshold: 0.25, zeroCount: 20, count: 51, sum: 3.579, positiveSpans: [[-1, 4], [0, 3]], positiveBuckets: [5, 4, 2, 6, 10, 9, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [3, 2, 1, 4, 9, 6] },
  },
  // TestFloatHistogramAdd: "same custom bucket layout"
  {
    name: "same custom bucket layout",
    in1: { schema: -53, count: 15, sum: 2.345, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4, 5] },
    in2: { schema: -53, count: 11, sum: 1.234, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [0, 0, 2, 3, 6], customValues: [1, 2, 3, 4, 5] },
    expected: { schema: -53, count: 26, sum: 3.579, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 5, 7, 13], customValues: [1, 2, 3, 4, 5] },
  },
  // TestFloatHistogramAdd: "same custom bucket layout, defined differently"
  {
    name: "same custom bucket layout, defined differently",
    in1: { schema: -53, count: 15, sum: 2.345, positiveSpans: [[0, 2], [1, 1], [0, 2]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4, 5] },
    in2: { schema: -53, count: 11, sum: 1.234, positiveSpans: [[0, 2], [1, 2], [0, 1]], positiveBuckets: [0, 0, 2, 3, 6], customValues: [1, 2, 3, 4, 5] },
    expected: { schema: -53, count: 26, sum: 3.579, positiveSpans: [[0, 2], [1, 1], [0, 2]], positiveBuckets: [1, 0, 5, 7, 13], customValues: [1, 2, 3, 4, 5] },
  },
  // TestFloatHistogramAdd: "non-overlapping spans with custom buckets"
  {
    name: "non-overlapping spans with custom buckets",
    in1: { schema: -53, count: 15, sum: 2.345, positiveSpans: [[0, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    in2: { schema: -53, count: 20, sum: 1.234, positiveSpans: [[2, 2], [3, 3]], positiveBuckets: [5, 4, 2, 3, 6], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expected: { schema: -53, count: 35, sum: 3.579, positiveSpans: [[0, 4], [0, 6]], positiveBuckets: [1, 0, 5, 4, 3, 4, 7, 2, 3, 6], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
  },
  // TestFloatHistogramAdd: "non-overlapping spans inverted order with custom buckets"
  {
    name: "non-overlapping spans inverted order with custom buckets",
    in1: { schema: -53, count: 20, sum: 1.234, positiveSpans: [[2, 2], [3, 3]], positiveBuckets: [5, 4, 2, 3, 6], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    in2: { schema: -53, count: 15, sum: 2.345, positiveSpans: [[0, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expected: { schema: -53, count: 35, sum: 3.579, positiveSpans: [[0, 4], [0, 6]], positiveBuckets: [1, 0, 5, 4, 3, 4, 7, 2, 3, 6], customValues: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
  },
  // TestFloatHistogramAdd: "overlapping spans with custom buckets"
  {
    name: "overlapping spans with custom buckets",
    in1: { schema: -53, count: 15, sum: 2.345, positiveSpans: [[0, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4, 5, 6, 7] },
    in2: { schema: -53, count: 27, sum: 1.234, positiveSpans: [[1, 4], [0, 3]], positiveBuckets: [5, 4, 2, 3, 6, 2, 5], customValues: [1, 2, 3, 4, 5, 6, 7] },
    expected: { schema: -53, count: 42, sum: 3.579, positiveSpans: [[0, 4], [0, 4]], positiveBuckets: [1, 5, 4, 2, 6, 10, 9, 5], customValues: [1, 2, 3, 4, 5, 6, 7] },
  },
  // TestFloatHistogramAdd: "overlapping spans inverted order with custom buckets"
  {
    name: "overlapping spans inverted order with custom buckets",
    in1: { schema: -53, count: 27, sum: 1.234, positiveSpans: [[1, 4], [0, 3]], positiveBuckets: [5, 4, 2, 3, 6, 2, 5], customValues: [1, 2, 3, 4, 5, 6, 7] },
    in2: { schema: -53, count: 15, sum: 2.345, positiveSpans: [[0, 2], [2, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4, 5, 6, 7] },
    expected: { schema: -53, count: 42, sum: 3.579, positiveSpans: [[0, 4], [0, 4]], positiveBuckets: [1, 5, 4, 2, 6, 10, 9, 5], customValues: [1, 2, 3, 4, 5, 6, 7] },
  },
  // TestFloatHistogramAdd: "custom buckets with partial intersection"
  {
    name: "custom buckets with partial intersection",
    in1: { schema: -53, count: 10, sum: 100, positiveSpans: [[0, 3]], positiveBuckets: [2, 3, 5], customValues: [1, 2.5] },
    in2: { schema: -53, count: 8, sum: 80, positiveSpans: [[0, 4]], positiveBuckets: [1, 2, 3, 2], customValues: [1, 2, 3] },
    expected: { schema: -53, count: 18, sum: 180, positiveSpans: [[0, 2]], positiveBuckets: [3, 15], customValues: [1] },
    expNHCBBoundsReconciled: true,
  },
  // TestFloatHistogramAdd: "different custom bucket layout - intersection and rollup"
  {
    name: "different custom bucket layout - intersection and rollup",
    in1: { schema: -53, count: 6, sum: 2.345, positiveSpans: [[0, 1], [1, 1]], positiveBuckets: [1, 5], customValues: [2, 4] },
    in2: { schema: -53, count: 220, sum: 1.234, positiveSpans: [[0, 2], [1, 1], [0, 2]], positiveBuckets: [10, 20, 40, 50, 100], customValues: [1, 2, 3, 4, 5] },
    expected: { schema: -53, count: 226, sum: 3.579, positiveSpans: [[0, 3]], positiveBuckets: [31, 40, 155], customValues: [2, 4] },
    expNHCBBoundsReconciled: true,
  },
  // TestFloatHistogramAdd: "custom buckets with no common boundaries except +Inf"
  {
    name: "custom buckets with no common boundaries except +Inf",
    in1: { schema: -53, count: 3, sum: 50, positiveSpans: [[0, 2]], positiveBuckets: [1, 2], customValues: [1.5] },
    in2: { schema: -53, count: 30, sum: 40, positiveSpans: [[0, 2]], positiveBuckets: [10, 20], customValues: [2.5] },
    expected: { schema: -53, count: 33, sum: 90, positiveSpans: [[0, 1]], positiveBuckets: [33] },
    expNHCBBoundsReconciled: true,
  },
  // TestFloatHistogramAdd: "mix exponential and custom buckets histograms"
  {
    name: "mix exponential and custom buckets histograms",
    in1: { schema: 0, zeroThreshold: 0.01, zeroCount: 8, count: 59, sum: 1.234, positiveSpans: [[-2, 5], [0, 3]], positiveBuckets: [2, 5, 4, 2, 3, 6, 7, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [4, 10, 1, 4, 14, 7] },
    in2: { schema: -53, count: 11, sum: 12, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [0, 0, 2, 3, 6], customValues: [1, 2, 3, 4, 5] },
    expected: null,
    expErrMsg: "cannot apply this operation on histograms with a mix of exponential and custom bucket schemas",
  },
  // TestFloatHistogramAdd: "warn on counter reset hint collision"
  {
    name: "warn on counter reset hint collision",
    in1: { counterResetHint: "reset", schema: -53 },
    in2: { counterResetHint: "not-reset", schema: -53 },
    expected: null,
    expCounterResetCollision: true,
  },
];

/** TestFloatHistogramSub (model/histogram/float_histogram_test.go), every case, in order. */
const FloatHistogramSub: AddCase[] = [
  // TestFloatHistogramSub: "same bucket layout"
  {
    name: "same bucket layout",
    in1: { zeroThreshold: 0.01, zeroCount: 11, count: 30, sum: 23, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [3, 1, 5, 6] },
    in2: { zeroThreshold: 0.01, zeroCount: 8, count: 21, sum: 12, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [0, 0, 2, 3, 6], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [1, 1, 4, 4] },
    expected: { zeroThreshold: 0.01, zeroCount: 3, count: 9, sum: 11, positiveSpans: [[-2, 2], [1, 3]], positiveBuckets: [1, 0, 1, 1, 1], negativeSpans: [[3, 2], [3, 2]], negativeBuckets: [2, 0, 1, 2] },
  },
  // TestFloatHistogramSub: "schema change"
  {
    name: "schema change",
    in1: { schema: 0, zeroThreshold: 0.01, zeroCount: 8, count: 59, sum: 1.234, positiveSpans: [[-2, 5], [0, 3]], positiveBuckets: [2, 5, 4, 2, 3, 6, 7, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [4, 10, 1, 4, 14, 7] },
    in2: { schema: 1, zeroThreshold: 0.01, zeroCount: 2, count: 19, sum: 0.345, positiveSpans: [[-4, 3], [5, 5]], positiveBuckets: [1, 0, 0, 1, 2, 2, 3, 4], negativeSpans: [[6, 3], [6, 4]], negativeBuckets: [3, 0.5, 0.5, 2, 3, 2, 4] },
    expected: { zeroThreshold: 0.01, zeroCount: 6, count: 40, sum: 0.889, positiveSpans: [[-2, 5], [0, 3]], positiveBuckets: [1, 5, 4, 2, 2, 2, 0, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [1, 9, 1, 4, 9, 1] },
  },
  // TestFloatHistogramSub: "same custom bucket layout"
  {
    name: "same custom bucket layout",
    in1: { schema: -53, count: 15, sum: 23, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 3, 4, 7], customValues: [1, 2, 3, 4, 5] },
    in2: { schema: -53, count: 11, sum: 12, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [0, 0, 2, 3, 6], customValues: [1, 2, 3, 4, 5] },
    expected: { schema: -53, count: 4, sum: 11, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [1, 0, 1, 1, 1], customValues: [1, 2, 3, 4, 5] },
  },
  // TestFloatHistogramSub: "different custom bucket layout - with intersection and rollup"
  {
    name: "different custom bucket layout - with intersection and rollup",
    in1: { counterResetHint: "gauge", schema: -53, count: 220, sum: 9.9, positiveSpans: [[0, 2], [1, 1], [0, 2]], positiveBuckets: [10, 20, 40, 50, 100], customValues: [1, 2, 3, 4, 5] },
    in2: { counterResetHint: "gauge", schema: -53, count: 6, sum: 4.4, positiveSpans: [[0, 1], [1, 1]], positiveBuckets: [1, 5], customValues: [2, 4] },
    expected: { counterResetHint: "gauge", schema: -53, count: 214, sum: 5.5, positiveSpans: [[0, 3]], positiveBuckets: [29, 40, 145], customValues: [2, 4] },
    expNHCBBoundsReconciled: true,
  },
  // TestFloatHistogramSub: "mix exponential and custom buckets histograms"
  {
    name: "mix exponential and custom buckets histograms",
    in1: { schema: 0, zeroThreshold: 0.01, zeroCount: 8, count: 59, sum: 1.234, positiveSpans: [[-2, 5], [0, 3]], positiveBuckets: [2, 5, 4, 2, 3, 6, 7, 5], negativeSpans: [[3, 3], [1, 3]], negativeBuckets: [4, 10, 1, 4, 14, 7] },
    in2: { schema: -53, count: 11, sum: 12, positiveSpans: [[0, 2], [1, 3]], positiveBuckets: [0, 0, 2, 3, 6], customValues: [1, 2, 3, 4, 5, 6] },
    expected: null,
    expErrMsg: "cannot apply this operation on histograms with a mix of exponential and custom bucket schemas",
  },
  // TestFloatHistogramSub: "warn on counter reset hint collision"
  {
    name: "warn on counter reset hint collision",
    in1: { counterResetHint: "reset", schema: -53 },
    in2: { counterResetHint: "not-reset", schema: -53 },
    expected: null,
    expCounterResetCollision: true,
  },
];

/** TestFloatHistogramReduceResolution (model/histogram/float_histogram_test.go), every case, in order. */
const FloatHistogramReduceResolution: ReduceCase[] = [
  // TestFloatHistogramReduceResolution: "valid float histogram"
  {
    name: "valid float histogram",
    in: { schema: 0, positiveSpans: [[-2, 4], [0, 0], [3, 2]], positiveBuckets: [1, 3, 1, 2, 1, 1], negativeSpans: [[0, 4], [0, 0], [3, 2]], negativeBuckets: [1, 3, 1, 2, 1, 1] },
    expected: { schema: -1, positiveSpans: [[-1, 3], [1, 1]], positiveBuckets: [1, 4, 2, 2], negativeSpans: [[0, 3], [1, 1]], negativeBuckets: [1, 4, 2, 2] },
    targetSchema: -1,
  },
  // TestFloatHistogramReduceResolution: "not enough buckets"
  {
    name: "not enough buckets",
    in: { schema: 0, positiveSpans: [[-2, 4], [0, 0], [3, 2]], positiveBuckets: [1, 3, 1, 2, 1] },
    expected: null,
    targetSchema: -1,
    errorMsg: "have 5 buckets but spans need more: histogram spans specify different number of buckets than provided",
  },
  // TestFloatHistogramReduceResolution: "too many buckets"
  {
    name: "too many buckets",
    in: { schema: 0, positiveSpans: [[-2, 4], [0, 0], [3, 2]], positiveBuckets: [1, 3, 1, 2, 1, 1, 5] },
    expected: null,
    targetSchema: -1,
    errorMsg: "spans need 6 buckets, have 7 buckets: histogram spans specify different number of buckets than provided",
  },
  // TestFloatHistogramReduceResolution: "negative offset"
  {
    name: "negative offset",
    in: { schema: 0, positiveSpans: [[-2, 4], [-1, 0], [3, 2]], positiveBuckets: [1, 3, 1, 2, 1, 1] },
    expected: null,
    targetSchema: -1,
    errorMsg: "span number 2 with offset -1: histogram has a span whose offset is negative",
  },
];

describe("FloatHistogram.mul (TestFloatHistogramMul)", () => {
  it.each(FloatHistogramMul)("$name", (c) => {
    const input = fh(c.in);
    const before = JSON.stringify(input.toJSON());
    assertSame(input.mul(c.scale), fh(c.expected));
    expect(JSON.stringify(input.toJSON())).toBe(before);
  });
});

describe("FloatHistogram.div (TestFloatHistogramDiv)", () => {
  it.each(FloatHistogramDiv)("$name", (c) => {
    const input = fh(c.in);
    const before = JSON.stringify(input.toJSON());
    assertSame(input.div(c.scale), fh(c.expected));
    expect(JSON.stringify(input.toJSON())).toBe(before);
  });
});

describe("FloatHistogram.detectReset (TestFloatHistogramDetectReset)", () => {
  it.each(FloatHistogramDetectReset)("$name", (c) => {
    expect(fh(c.current).detectReset(fh(c.previous))).toBe(c.resetExpected);
  });
});

describe("FloatHistogram.compact (TestFloatHistogramCompact)", () => {
  it.each(FloatHistogramCompact)("$name", (c) => {
    const input = fh(c.in);
    let wasValid = true;
    try {
      input.validate();
    } catch {
      wasValid = false;
    }
    const out = input.compact(c.maxEmptyBuckets);
    assertSame(out, fh(c.expected));
    if (wasValid) expect(() => out.validate()).not.toThrow();
  });
});

function checkAdd(a: FloatHistogram, b: FloatHistogram, c: AddCase, expected: FloatHistogram | null, sub: boolean): void {
  const r = sub ? a.sub(b) : a.add(b);
  if (c.expErrMsg) {
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(c.expErrMsg);
    return;
  }
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  expect(r.counterResetCollision).toBe(c.expCounterResetCollision ?? false);
  expect(r.nhcbBoundsReconciled).toBe(c.expNHCBBoundsReconciled ?? false);
  if (expected !== null) assertSame(r.histogram.compact(0), expected.compact(0));
}

function checkKahanAdd(a: FloatHistogram, b: FloatHistogram, c: AddCase): void {
  const r = a.kahanAdd(b);
  if (c.expErrMsg) {
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(c.expErrMsg);
    return;
  }
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  expect(r.counterResetCollision).toBe(c.expCounterResetCollision ?? false);
  expect(r.nhcbBoundsReconciled).toBe(c.expNHCBBoundsReconciled ?? false);
  // The compensation has the sum's layout.
  expect(r.compensation.schema).toBe(r.histogram.schema);
  expect(r.compensation.zeroThreshold).toBe(r.histogram.zeroThreshold);
  expect(r.compensation.positiveSpans).toEqual(r.histogram.positiveSpans);
  expect(r.compensation.negativeSpans).toEqual(r.histogram.negativeSpans);
  expect(r.compensation.positiveBuckets.length).toBe(r.histogram.positiveBuckets.length);
  expect(r.compensation.negativeBuckets.length).toBe(r.histogram.negativeBuckets.length);
  const total = r.histogram.add(r.compensation);
  expect(total.ok).toBe(true);
  if (total.ok && c.expected !== null) assertSame(total.histogram.compact(0), fh(c.expected).compact(0));
}

describe("FloatHistogram.add (TestFloatHistogramAdd)", () => {
  it.each(FloatHistogramAdd)("$name", (c) => {
    const a = fh(c.in1);
    const b = fh(c.in2);
    const before = [JSON.stringify(a.toJSON()), JSON.stringify(b.toJSON())];
    const expected = c.expected === null ? null : fh(c.expected);
    checkAdd(a, b, c, expected, false);
    checkAdd(b, a, c, expected, false);
    checkKahanAdd(a, b, c);
    checkKahanAdd(b, a, c);
    expect([JSON.stringify(a.toJSON()), JSON.stringify(b.toJSON())]).toEqual(before);
  });
});

describe("FloatHistogram.sub (TestFloatHistogramSub)", () => {
  it.each(FloatHistogramSub)("$name", (c) => {
    const a = fh(c.in1);
    const b = fh(c.in2);
    const expected = c.expected === null ? null : fh(c.expected);
    checkAdd(a, b, c, expected, true);
    const negated = expected === null ? null : expected.mul(-1).with({ counterResetHint: expected.counterResetHint });
    checkAdd(b, a, c, negated, true);
  });
});

describe("FloatHistogram.reduceResolution (TestFloatHistogramReduceResolution)", () => {
  it.each(FloatHistogramReduceResolution)("$name", (c) => {
    const input = fh(c.in);
    if (c.errorMsg) {
      expect(() => input.reduceResolution(c.targetSchema)).toThrow(c.errorMsg);
      return;
    }
    assertSame(input.reduceResolution(c.targetSchema), fh(c.expected!));
  });
});
