/** Float comparison and summation helpers with Prometheus's exact semantics. */
import { isStaleNaN } from "./storage.js";

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Prometheus's almost.Equal: relative comparison that treats two NaNs as
 * equal, but a staleness marker only as equal to another marker.
 */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (isStaleNaN(a) || isStaleNaN(b)) return isStaleNaN(a) && isStaleNaN(b);
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * One step of Kahan-Babuska (Neumaier) summation as in Prometheus's kahansum
 * package: returns the new sum and compensation. Once the sum is infinite the
 * compensation is meaningless and is reset, so that `sum + c` stays infinite
 * instead of turning into NaN.
 */
export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
}
