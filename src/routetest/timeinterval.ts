// Alertmanager's time intervals (timeinterval/timeinterval.go): a named list of
// intervals, active at an instant when any of them contains it. An interval
// contains an instant when every field it sets does, read on the wall clock of
// its `location` (UTC when unset; Alertmanager uses its process's zone, UTC in
// the official images): `times` as [start, end) minutes of the day,
// `weekdays`, `days_of_month` (negative counts from the month's end, clamped to
// the month as Alertmanager does), `months` and `years` as inclusive ranges.
import { wallClock } from "../go/time.js";

export interface Range {
  begin: number;
  end: number;
}

export interface TimeInterval {
  times?: Range[];
  weekdays?: Range[];
  daysOfMonth?: Range[];
  months?: Range[];
  years?: Range[];
  location?: string;
}

export class TimeIntervalError extends Error {}

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" && typeof x !== "number")) throw new TimeIntervalError(`${what} must be a list of strings`);
  return v.map(String);
}

function rangeOf(s: string, what: string, parse: (x: string) => number): Range {
  const parts = s.split(":");
  if (parts.length > 2) throw new TimeIntervalError(`${what}: invalid range ${JSON.stringify(s)}`);
  const begin = parse(parts[0]!.trim());
  const end = parts.length === 2 ? parse(parts[1]!.trim()) : begin;
  if (begin > end) throw new TimeIntervalError(`${what}: start of range ${JSON.stringify(s)} is after its end`);
  return { begin, end };
}

function named(names: string[], offset: number, what: string, numeric: boolean): (x: string) => number {
  return (x) => {
    const i = names.indexOf(x.toLowerCase());
    if (i >= 0) return i + offset;
    if (numeric && /^\d+$/.test(x)) {
      const n = Number(x);
      if (n >= 1 && n <= 12) return n;
    }
    throw new TimeIntervalError(`${what}: ${JSON.stringify(x)} is not a valid ${what.replace(/s$/, "")}`);
  };
}

function minutes(s: string, what: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new TimeIntervalError(`${what}: ${JSON.stringify(s)} is not a time (HH:MM)`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  const total = h * 60 + min;
  if (min > 59 || total > 24 * 60) throw new TimeIntervalError(`${what}: ${JSON.stringify(s)} is outside 00:00-24:00`);
  return total;
}

/** One entry of a `time_intervals:` list, as written in the config. */
export function parseTimeInterval(raw: unknown, where: string): TimeInterval {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new TimeIntervalError(`${where}: a time interval must be a mapping`);
  const r = raw as Record<string, unknown>;
  const out: TimeInterval = {};
  for (const key of Object.keys(r)) {
    if (!["times", "weekdays", "days_of_month", "months", "years", "location"].includes(key)) throw new TimeIntervalError(`${where}: unknown field ${key}`);
  }
  if (r.times != null) {
    if (!Array.isArray(r.times)) throw new TimeIntervalError(`${where}: times must be a list`);
    out.times = r.times.map((t: unknown) => {
      const tt = (t ?? {}) as { start_time?: unknown; end_time?: unknown };
      if (typeof tt.start_time !== "string" || typeof tt.end_time !== "string") throw new TimeIntervalError(`${where}: times need start_time and end_time`);
      const begin = minutes(tt.start_time, `${where}: start_time`);
      const end = minutes(tt.end_time, `${where}: end_time`);
      if (begin >= end) throw new TimeIntervalError(`${where}: start_time ${tt.start_time} is not before end_time ${tt.end_time}`);
      return { begin, end };
    });
  }
  if (r.weekdays != null) out.weekdays = strings(r.weekdays, `${where}: weekdays`).map((s) => rangeOf(s, `${where}: weekdays`, named(WEEKDAYS, 0, "weekdays", false)));
  if (r.months != null) out.months = strings(r.months, `${where}: months`).map((s) => rangeOf(s, `${where}: months`, named(MONTHS, 1, "months", true)));
  if (r.days_of_month != null) {
    out.daysOfMonth = strings(r.days_of_month, `${where}: days_of_month`).map((s) => {
      const day = (x: string) => {
        if (!/^-?\d+$/.test(x) || Number(x) === 0 || Math.abs(Number(x)) > 31) throw new TimeIntervalError(`${where}: days_of_month: ${JSON.stringify(x)} is not a day (1..31 or -31..-1)`);
        return Number(x);
      };
      const parts = s.split(":");
      const begin = day(parts[0]!.trim());
      const end = parts.length === 2 ? day(parts[1]!.trim()) : begin;
      // Alertmanager rejects only ranges whose ends have the same sign and are reversed.
      if ((begin > 0 && end > 0 && begin > end) || (begin < 0 && end < 0 && begin > end)) throw new TimeIntervalError(`${where}: days_of_month: start of range ${JSON.stringify(s)} is after its end`);
      return { begin, end };
    });
  }
  if (r.years != null) {
    out.years = strings(r.years, `${where}: years`).map((s) =>
      rangeOf(s, `${where}: years`, (x) => {
        if (!/^\d+$/.test(x)) throw new TimeIntervalError(`${where}: years: ${JSON.stringify(x)} is not a year`);
        return Number(x);
      }),
    );
  }
  if (r.location != null) {
    if (typeof r.location !== "string") throw new TimeIntervalError(`${where}: location must be a string`);
    if (r.location !== "Local") {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: r.location });
      } catch {
        throw new TimeIntervalError(`${where}: unknown location ${JSON.stringify(r.location)}`);
      }
    }
    out.location = r.location;
  }
  return out;
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

const clamp = (n: number, min: number, max: number) => (n < min ? min : n > max ? max : n);
const inRanges = (rs: readonly Range[], v: number) => rs.some((r) => v >= r.begin && v <= r.end);

/** timeinterval.go's ContainsTime. */
export function containsTime(ti: TimeInterval, instantMs: number): boolean {
  const t = wallClock(instantMs, ti.location);
  if (ti.times) {
    const m = t.hour * 60 + t.minute;
    if (!ti.times.some((r) => m >= r.begin && m < r.end)) return false;
  }
  if (ti.daysOfMonth) {
    const dim = daysInMonth(t.year, t.month);
    let found = false;
    for (const r of ti.daysOfMonth) {
      let begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      let end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) continue;
      begin = clamp(begin, -dim, dim);
      end = clamp(end, -dim, dim);
      if (t.day >= begin && t.day <= end) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  if (ti.months && !inRanges(ti.months, t.month)) return false;
  if (ti.weekdays && !inRanges(ti.weekdays, t.weekday)) return false;
  if (ti.years && !inRanges(ti.years, t.year)) return false;
  return true;
}

/** A named interval is active when any of its entries contains the instant. */
export function anyContains(intervals: readonly TimeInterval[], instantMs: number): boolean {
  return intervals.some((ti) => containsTime(ti, instantMs));
}
