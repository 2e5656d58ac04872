// Prometheus durations ("1h30m", "5m", "500ms", "1w") as integer milliseconds.
// Units must appear largest first and at most once, exactly as Prometheus's
// model.ParseDuration accepts them, so a spec never holds a duration that
// Prometheus itself would reject in a rule file.

import { DurationError, parsePrometheusDuration } from "../go/duration.js";

const DAY_AND_SMALLER = [
  ["d", 24 * 3600 * 1000],
  ["h", 3600 * 1000],
  ["m", 60 * 1000],
  ["s", 1000],
  ["ms", 1],
] as const;

/** Milliseconds for a Prometheus duration, or undefined when it is not one. "0" is zero. */
export function parseDuration(text: string): number | undefined {
  try {
    return parsePrometheusDuration(text);
  } catch (e) {
    if (e instanceof DurationError) return undefined;
    throw e;
  }
}

/**
 * Canonical form: largest units first, up to days. Prometheus itself would
 * print 7d as "1w" and 28d as "4w"; people write and read SLO periods in days,
 * and both spellings mean the same to Prometheus.
 */
export function formatDuration(ms: number): string {
  let text = PRINTED.get(ms);
  if (text === undefined) {
    // Specs name few distinct durations; bounded for a long-lived process all the same.
    if (PRINTED.size >= 1_000) PRINTED.clear();
    PRINTED.set(ms, (text = printDuration(ms)));
  }
  return text;
}

// Generated files print the same few durations (windows, periods, intervals,
// evaluation times) hundreds of thousands of times: each is printed once.
const PRINTED = new Map<number, string>();

function printDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of DAY_AND_SMALLER) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
