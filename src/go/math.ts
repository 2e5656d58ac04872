/**
 * Go runtime arithmetic that Prometheus's results depend on and that differs
 * from JavaScript's: math.Max/Min special cases, float64 -> int64 conversion
 * on amd64, and math.Log/Log2/Log10 as amd64 computes them. The time
 * package's calendar lives in time.ts.
 */

/** Go's math.Max: +Inf wins over NaN, then NaN propagates, then +0 over -0. */
export function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}

/** Go's math.Min: -Inf wins over NaN, then NaN propagates, then -0 over +0. */
export function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}

const TWO_63 = 2 ** 63;
const MIN_INT64 = -(1n << 63n);

/**
 * Go's int64(v) as compiled for amd64 (CVTTSD2SQ): truncation toward zero;
 * NaN, ±Inf and anything outside [-2^63, 2^63) give math.MinInt64.
 */
export function goFloatToInt64(v: number): bigint {
  if (Number.isNaN(v) || v >= TWO_63 || v < -TWO_63) return MIN_INT64;
  return BigInt(Math.trunc(v));
}

// --- math.Log, Log2, Log10 as Go computes them on amd64 ---

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high (sign and exponent) word of F64 in U32. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

const HALF_SQRT2 = 7.07106781186547524401e-1;
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const L1 = 6.66666666666673513e-1;
const L2 = 3.999999999940941908e-1;
const L3 = 2.857142874366239149e-1;
const L4 = 2.222219843214978396e-1;
const L5 = 1.818357216161805012e-1;
const L6 = 1.531383769920937332e-1;
const L7 = 1.479819860511658591e-1;
/** 1/Ln2 and 1/Ln10, rounded once from the exact values as Go's constant arithmetic does. */
const INV_LN2 = 1.4426950408889634073599246810018921;
const INV_LN10 = 0.43429448190325182765112891891660508;

/**
 * Go's math.Log on amd64 (log_amd64.s): the FreeBSD algorithm, with the
 * argument split by bit masking, so subnormals are not normalised first.
 */
export function goLog(x: number): number {
  if (x === 0) return -Infinity;
  if (x < 0) return NaN;
  if (Number.isNaN(x) || x === Infinity) return x;
  F64[0] = x;
  let k = ((U32[HI]! >>> 20) & 0x7ff) - 0x3fe;
  U32[HI] = (U32[HI]! & 0x000f_ffff) | 0x3fe0_0000;
  let f1 = F64[0]!;
  if (!(HALF_SQRT2 < f1)) {
    k -= 1;
    f1 *= 2;
  }
  const f = f1 - 1;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const r = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
}

/** Go's math.Frexp: frac in [0.5, 1) with x = frac × 2^exp; subnormals normalised. */
function goFrexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exp = 0;
  if (Math.abs(x) < 2.2250738585072014e-308) {
    x *= 2 ** 52;
    exp = -52;
  }
  F64[0] = x;
  exp += ((U32[HI]! >>> 20) & 0x7ff) - 1022;
  U32[HI] = (U32[HI]! & 0x800f_ffff) | 0x3fe0_0000;
  return [F64[0]!, exp];
}

/** Go's math.Log2: exact for powers of two, else Log(frac)/Ln2 + exp. */
export function goLog2(x: number): number {
  const [frac, exp] = goFrexp(x);
  if (frac === 0.5) return exp - 1;
  return goLog(frac) * INV_LN2 + exp;
}

/** Go's math.Log10: Log(x) × 1/Ln10. */
export function goLog10(x: number): number {
  return goLog(x) * INV_LN10;
}
