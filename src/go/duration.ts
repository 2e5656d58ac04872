/**
 * Durations as Prometheus and Go read and print them:
 * - Prometheus's model.Duration (common/model): literals like `1h30m`, `5m`,
 *   `1w`, `500ms`. Units must appear in descending order, each at most once,
 *   and a year is always 365 days (no calendar arithmetic). Used for PromQL
 *   literals, test-file durations (`eval_time`: "5m", "1d") and templates'
 *   `parseDuration`.
 * - Go's time.Duration.String(): "0s", "1.5ms", "1h2m3.5s", as templates'
 *   `.String` and promtool's rule-error loop timestamps ("5m0s") print them.
 */
import { quote } from "./strconv.js";

// --- Prometheus model.Duration, in milliseconds ---

const MS_PER = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
} as const;

type Unit = keyof typeof MS_PER;
const UNIT_ORDER: readonly Unit[] = ["y", "w", "d", "h", "m", "s", "ms"];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

export class DurationError extends Error {}

/**
 * model.ParseDuration: a non-negative Prometheus duration into milliseconds.
 * Throws DurationError on malformed input.
 */
/** The longest duration Go's time.Duration holds, in whole milliseconds (106751d23h47m16s854ms). */
export const MAX_DURATION_MS = 9_223_372_036_854;

export function parsePrometheusDuration(text: string): number {
  if (text === "0") return 0;
  const m = DURATION_RE.exec(text);
  if (text === "" || m === null) {
    throw new DurationError(`not a valid duration string: "${text}"`);
  }
  let total = 0;
  UNIT_ORDER.forEach((unit, i) => {
    const digits = m[i + 1];
    if (digits !== undefined) total += Number(digits) * MS_PER[unit];
  });
  // model.Duration is a time.Duration: int64 nanoseconds, about 292 years.
  if (total > MAX_DURATION_MS) {
    throw new DurationError(`duration out of range: "${text}"`);
  }
  return total;
}

/** True when `text` is a Prometheus duration literal rather than a plain number. */
export function isPrometheusDurationLiteral(text: string): boolean {
  return text !== "" && text !== "0" && DURATION_RE.test(text);
}

/**
 * model.Duration.String() for milliseconds: years and weeks are only used
 * when they divide the duration exactly, so `8d` stays `8d` rather than
 * `1w1d`, `400d` stays `400d` rather than `1y5w`, and `53w` stays `53w`
 * rather than `1y6d`.
 */
export function formatPrometheusDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 0) return "-" + formatPrometheusDuration(-ms);
  let rest = ms;
  let out = "";
  for (const unit of UNIT_ORDER) {
    const mult = MS_PER[unit];
    if ((unit === "y" || unit === "w") && rest % mult !== 0) continue;
    const n = Math.floor(rest / mult);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * mult;
    }
  }
  return out;
}

// --- model.ParseDurationAllowNegative, in nanoseconds (templates' parseDuration) ---

const NS_PER_SEC = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;

/** Unit -> [position in the required order, nanoseconds]. */
const NS_UNITS: Readonly<Record<string, [number, bigint]>> = {
  ms: [7, 1_000_000n],
  s: [6, NS_PER_SEC],
  m: [5, 60n * NS_PER_SEC],
  h: [4, 3600n * NS_PER_SEC],
  d: [3, 86400n * NS_PER_SEC],
  w: [2, 7n * 86400n * NS_PER_SEC],
  y: [1, 365n * 86400n * NS_PER_SEC],
};

/**
 * model.ParseDurationAllowNegative: "1h30m", "-5m", "1w" as int64
 * nanoseconds. Throws DurationError with Prometheus's message.
 */
export function parsePrometheusDurationNs(s: string): bigint {
  const neg = s.startsWith("-");
  const body = neg ? s.slice(1) : s;
  if (body === "0") return 0n;
  if (body === "") throw new DurationError("empty duration string");
  const invalid = () => new DurationError(`not a valid duration string: ${quote(body)}`);
  let rest = body;
  let total = 0n;
  let lastPos = 0;
  while (rest !== "") {
    const num = /^[0-9]+/.exec(rest);
    if (!num) throw invalid();
    rest = rest.slice(num[0].length);
    const unit = /^[^0-9]+/.exec(rest);
    if (!unit) throw invalid();
    rest = rest.slice(unit[0].length);
    const u = NS_UNITS[unit[0]];
    if (!u) throw new DurationError(`unknown unit ${quote(unit[0])} in duration ${quote(body)}`);
    // Units must go from biggest to smallest, each at most once.
    if (u[0] <= lastPos) throw invalid();
    lastPos = u[0];
    const v = BigInt(num[0]);
    if (v > (1n << 63n) / u[1]) throw new DurationError("duration out of range");
    total += v * u[1];
    if (total > MAX_INT64) throw new DurationError("duration out of range");
  }
  return neg ? -total : total;
}

// --- Go's time.Duration.String ---

/** fmtFrac: v/10^prec's fraction as ".123", trailing zeros (and the dot) omitted. */
function frac(v: bigint, prec: number): [string, bigint] {
  let digits = "";
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const d = v % 10n;
    printed ||= d !== 0n;
    if (printed) digits = d.toString() + digits;
    v /= 10n;
  }
  return [printed ? "." + digits : "", v];
}

/** time.Duration.String for nanoseconds, e.g. "1h2m3.5s", "1.5ms", "0s". */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let s: string;
  if (u < NS_PER_SEC) {
    if (u === 0n) return "0s";
    let unit: string;
    let prec: number;
    if (u < 1000n) [unit, prec] = ["ns", 0];
    else if (u < 1_000_000n) [unit, prec] = ["µs", 3];
    else [unit, prec] = ["ms", 6];
    const [f, rest] = frac(u, prec);
    s = `${rest}${f}${unit}`;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    s = `${u % 60n}${f}s`;
    u /= 60n;
    if (u > 0n) {
      s = `${u % 60n}m${s}`;
      u /= 60n;
      // Hours are the largest unit: days vary in length.
      if (u > 0n) s = `${u}h${s}`;
    }
  }
  return (neg ? "-" : "") + s;
}

/** time.Duration.String for a whole number of milliseconds: "0s", "1.5s", "500ms", "1h0m0s". */
export function formatGoDurationMs(ms: number): string {
  return formatGoDuration(BigInt(Math.trunc(ms)) * 1_000_000n);
}
