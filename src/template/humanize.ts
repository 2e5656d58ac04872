/**
 * Prometheus's number formatting functions (prometheus/template and
 * prometheus/common/helpers/templates), to the byte.
 *
 * Note the SI prefixes: Prometheus writes micro as "u", not "µ"
 * (humanize(0.000123) is "123u"), and everything goes through Go's "%.4g",
 * which switches to exponent form for large results (1.235e+08%).
 */
import { GoDuration } from "./go-time.js";
import { sprintf } from "./gofmt.js";
import { parseFloat64 } from "../go/strconv.js";
import { GoCallError, typeName, type Value } from "./values.js";

/** templates.ConvertToFloat: float64, numeric string, integer, or time.Duration (as seconds). */
export function convertToFloat(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") return parseFloat64(v);
  if (typeof v === "bigint") return Number(v);
  if (v instanceof GoDuration) return Number(v.ns) / 1e9;
  throw new GoCallError(`can't convert ${typeName(v)} to float`);
}

const g4 = (v: number) => sprintf("%.4g", [v]);

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = "";
  if (Math.abs(v) >= 1) {
    for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = "";
  for (const p of ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizePercentage(v: number): string {
  return sprintf("%.4g%%", [v * 100]);
}

/** Go's int64(f): truncation toward zero. */
function truncInt(f: number): bigint {
  return BigInt(Math.trunc(f));
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return sprintf("%.4gs", [v]);
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? "-" : "";
    v = Math.abs(v);
    // Whole seconds for anything a minute or longer.
    const duration = truncInt(v);
    const seconds = duration % 60n;
    const minutes = (duration / 60n) % 60n;
    const hours = (duration / 3600n) % 24n;
    const days = duration / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return sprintf("%s%.4gs", [sign, v]);
  }
  let prefix = "";
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return sprintf("%.4g%ss", [v, prefix]);
}

export class NaNOrInfError extends GoCallError {
  constructor() {
    super("value is NaN or Inf");
  }
}

/**
 * FloatToTime: seconds to a UTC time, truncated to milliseconds because it
 * goes through Prometheus's model.Time.
 */
export function floatToTimeNs(v: number): bigint {
  if (!Number.isFinite(v)) throw new NaNOrInfError();
  const ts = v * 1e9;
  // Go compares against MaxInt64 converted to float64, i.e. 2^63.
  if (ts > 2 ** 63 || ts < -(2 ** 63)) {
    throw new GoCallError(`${sprintf("%v", [v])} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  const ms = truncInt(ts) / 1_000_000n;
  return ms * 1_000_000n;
}
