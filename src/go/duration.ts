/**
 * The three ways promtool prints and reads times, reproduced so that monac's
 * messages name the same instants as promtool's:
 * - model.Duration.String() for test-file durations (`eval_time`: "5m", "1d");
 * - time.Duration.String() for loop timestamps in rule errors ("5m0s");
 * - promtool's parseTime for `start_timestamp` (Unix seconds or RFC 3339).
 */

const MS = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;

/** model.Duration.String(): years and weeks only when they divide exactly ("90d", not "12w6d"). */
export function modelDurationString(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.abs(ms);
  let out = ms < 0 ? "-" : "";
  for (const [unit, mult] of Object.entries(MS) as Array<[keyof typeof MS, number]>) {
    if ((unit === "y" || unit === "w") && rest % mult !== 0) continue;
    const n = Math.floor(rest / mult);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * mult;
    }
  }
  return out;
}

/** Go's time.Duration.String() for a millisecond count: "0s", "1.5s", "500ms", "1h0m0s". */
export function goDurationString(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${rest}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    // Go prints seconds with the shortest fraction: 1.5s, 0.001s.
    const s = String(rest / 1000);
    out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * promtool's parseTime: a float number of Unix seconds, else RFC 3339 with
 * optional fractional seconds. Returns milliseconds, or undefined if neither.
 */
export function parseTestTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const secs = Number(trimmed);
    // time.Unix(int(s), frac*1e9), then truncated to milliseconds.
    const whole = Math.trunc(secs);
    return whole * 1000 + Math.trunc((secs - whole) * 1000);
  }
  const m = RFC3339.exec(trimmed);
  if (m === null) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}
