/**
 * Prometheus duration literals (`1h30m`, `5m`, `1w`, `500ms`), as accepted by
 * Prometheus's common/model package: units must appear in descending order,
 * each at most once, and a year is always 365 days (no calendar arithmetic).
 */

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

/** Parses a duration into milliseconds. Throws DurationError on malformed input. */
export function parseDuration(text: string): number {
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
  if (!Number.isSafeInteger(total)) {
    throw new DurationError(`duration out of range: "${text}"`);
  }
  return total;
}

/** True when `text` is a duration literal rather than a plain number. */
export function isDurationLiteral(text: string): boolean {
  return text !== "" && text !== "0" && DURATION_RE.test(text);
}

/**
 * Canonical form of a non-negative duration, matching Prometheus's printer
 * (model.Duration.String): years and weeks are only used when they divide the
 * duration exactly, so `8d` stays `8d` rather than `1w1d`, `400d` stays
 * `400d` rather than `1y5w`, and `53w` stays `53w` rather than `1y6d`.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 0) return "-" + formatDuration(-ms);
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
