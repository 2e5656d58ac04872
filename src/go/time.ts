/**
 * Go's time package as Prometheus and promtool use it, in UTC: the civil
 * calendar over the whole int64 seconds range (far beyond what a JS Date can
 * represent), Time.Format with Go's reference-time layouts, and promtool's
 * parseTime. The PromQL date functions and the template's time.Time values
 * both read their calendar fields from GoTime here. In other zones (Time.In,
 * as Alertmanager's time intervals read the clock), `wallClock`.
 */

export const NS_PER_SEC = 1_000_000_000n;

// --- calendar (Go >= 1.23: Neri-Schneider calendar over "absolute" time) ---


const SECONDS_PER_DAY = 86_400n;
/** Days from March 1 through December 31. */
const MARCH_THRU_DECEMBER = 306n;
/** The absolute epoch is March 1 of year -ABSOLUTE_YEARS (a multiple of 400). */
const ABSOLUTE_YEARS = 292_277_022_400n;
/** unixToInternal + internalToAbsolute: (ABSOLUTE_YEARS*365.2425 + 306) days + 1969 years of days. */
const UNIX_TO_ABSOLUTE =
  ((ABSOLUTE_YEARS * 3_652_425n) / 10_000n + MARCH_THRU_DECEMBER) * SECONDS_PER_DAY +
  (1969n * 365n + 1969n / 4n - 1969n / 100n + 1969n / 400n) * SECONDS_PER_DAY;

function u64(x: bigint): bigint {
  return BigInt.asUintN(64, x);
}

/** A time.Time in UTC, reduced to Go's absolute (uint64, wrapping) seconds. */
export class GoTime {
  private readonly abs: bigint;

  private constructor(abs: bigint) {
    this.abs = abs;
  }

  /** time.Unix(sec, 0).UTC(): int64 arithmetic wraps, as in Go. */
  static unix(sec: bigint): GoTime {
    return new GoTime(u64(sec + UNIX_TO_ABSOLUTE));
  }

  private days(): bigint {
    return this.abs / SECONDS_PER_DAY;
  }

  /** absDays.split(): century, year in century, day of the March-based year. */
  private split(): { century: bigint; cyear: bigint; ayday: bigint } {
    const d = u64(4n * this.days() + 3n);
    const century = d / 146_097n;
    const cd = (d % 146_097n) | 3n;
    const product = 2_939_745n * cd; // bits.Mul32: fits in 64 bits
    const cyear = product >> 32n;
    const ayday = (product & 0xffff_ffffn) / 2_939_745n / 4n;
    return { century, cyear, ayday };
  }

  private static janFeb(ayday: bigint): bigint {
    return ayday >= MARCH_THRU_DECEMBER ? 1n : 0n;
  }

  private static monthDay(ayday: bigint): { amonth: bigint; mday: bigint } {
    const d = 2141n * ayday + 197_913n;
    return { amonth: d >> 16n, mday: 1n + (d & 0xffffn) / 2141n };
  }

  year(): number {
    const { century, cyear, ayday } = this.split();
    return Number(BigInt.asIntN(64, century * 100n - ABSOLUTE_YEARS) + cyear + GoTime.janFeb(ayday));
  }

  /** 1 (January) to 12. */
  month(): number {
    const { ayday } = this.split();
    return Number(GoTime.monthDay(ayday).amonth - GoTime.janFeb(ayday) * 12n);
  }

  /** Day of the month, 1-based. */
  day(): number {
    return Number(GoTime.monthDay(this.split().ayday).mday);
  }

  /** 1-based day of the year. */
  yearDay(): number {
    const { century, cyear, ayday } = this.split();
    const janFeb = GoTime.janFeb(ayday);
    const leap = cyear % 4n === 0n && (cyear !== 0n || century % 4n === 0n) ? 1n : 0n;
    return Number(ayday + 60n + (leap & (janFeb ^ 1n)) - 365n * janFeb);
  }

  /** 0 (Sunday) to 6; the absolute epoch, March 1, was a Wednesday. */
  weekday(): number {
    return Number((this.days() + 3n) % 7n);
  }

  hour(): number {
    return Number((this.abs % SECONDS_PER_DAY) / 3600n);
  }

  minute(): number {
    return Number((this.abs % 3600n) / 60n);
  }

  second(): number {
    return Number(this.abs % 60n);
  }

  /**
   * time.Date(year, month, day, 0, 0, 0, 0, time.UTC) for a month in 1..12
   * (dateToAbsDays with Go's wrapping uint64 arithmetic).
   */
  static date(year: number, month: number, day: number): GoTime {
    const janFeb = month < 3 ? 1n : 0n;
    const amonth = BigInt(month) + 12n * janFeb;
    const y = u64(BigInt(year) - janFeb + ABSOLUTE_YEARS);
    const ayday = (979n * amonth - 2919n) >> 5n;
    const century = y / 100n;
    const cyear = y % 100n;
    const cday = (1461n * cyear) / 4n;
    const centuryDays = u64(146_097n * century) / 4n;
    const absDays = u64(centuryDays + cday + ayday + BigInt(day) - 1n);
    return new GoTime(u64(absDays * SECONDS_PER_DAY));
  }
}

// --- Time.Format ---

/** time.Month names, January first. */
export const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** time.Weekday names, Sunday first. */
export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Integer division rounding toward -Inf. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

export interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  weekday: number;
  yday: number; // 1-366
}

/** The UTC calendar fields of a time given as int64 nanoseconds since the epoch. */
export function civil(ns: bigint): Civil {
  const sec = floorDiv(ns, NS_PER_SEC);
  const t = GoTime.unix(sec);
  return {
    year: t.year(),
    month: t.month(),
    day: t.day(),
    hour: t.hour(),
    min: t.minute(),
    sec: t.second(),
    nsec: Number(ns - sec * NS_PER_SEC),
    weekday: t.weekday(),
    yday: t.yearDay(),
  };
}

function pad(n: number, width: number, ch = "0"): string {
  const s = Math.abs(n).toString().padStart(width, ch);
  return n < 0 ? "-" + s : s;
}

const CHUNKS: readonly string[] = [
  "January", "Jan", "Monday", "Mon", "MST",
  "2006", "002", "__2", "_2", "01", "02", "03", "04", "05", "06", "15",
  "-07:00:00", "-070000", "-07:00", "-0700", "-07",
  "Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07",
  "PM", "pm", "1", "2", "3", "4", "5",
];

/** time.Time.Format for a UTC time, using Go's reference-time layouts. */
export function formatTime(ns: bigint, layout: string): string {
  const c = civil(ns);
  let out = "";
  let i = 0;
  while (i < layout.length) {
    const ch = layout[i]!;
    // Fractional seconds: "." or "," then a run of 0s or 9s not followed by a digit.
    if ((ch === "." || ch === ",") && (layout[i + 1] === "0" || layout[i + 1] === "9")) {
      const digit = layout[i + 1]!;
      let j = i + 1;
      while (layout[j] === digit) j++;
      if (!/[0-9]/.test(layout[j] ?? "")) {
        const n = j - (i + 1);
        let f = c.nsec.toString().padStart(9, "0").slice(0, n);
        if (digit === "9") f = f.replace(/0+$/, "");
        if (digit === "0" || f !== "") out += ch + f;
        i = j;
        continue;
      }
    }
    // "_2006" is a literal underscore followed by the year.
    if (layout.startsWith("_2006", i)) {
      out += "_";
      i++;
      continue;
    }
    const chunk = CHUNKS.find((k) => layout.startsWith(k, i));
    if (chunk === undefined) {
      out += ch;
      i++;
      continue;
    }
    i += chunk.length;
    switch (chunk) {
      case "January": out += MONTH_NAMES[c.month - 1]; break;
      case "Jan": out += MONTH_NAMES[c.month - 1]!.slice(0, 3); break;
      case "Monday": out += WEEKDAY_NAMES[c.weekday]; break;
      case "Mon": out += WEEKDAY_NAMES[c.weekday]!.slice(0, 3); break;
      case "MST": out += "UTC"; break;
      case "2006": out += pad(c.year, 4); break;
      case "06": out += pad(((c.year % 100) + 100) % 100, 2); break;
      case "002": out += pad(c.yday, 3); break;
      case "__2": out += pad(c.yday, 3, " "); break;
      case "_2": out += pad(c.day, 2, " "); break;
      case "01": out += pad(c.month, 2); break;
      case "1": out += c.month; break;
      case "02": out += pad(c.day, 2); break;
      case "2": out += c.day; break;
      case "15": out += pad(c.hour, 2); break;
      case "03": out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2); break;
      case "3": out += c.hour % 12 === 0 ? 12 : c.hour % 12; break;
      case "04": out += pad(c.min, 2); break;
      case "4": out += c.min; break;
      case "05": out += pad(c.sec, 2); break;
      case "5": out += c.sec; break;
      case "PM": out += c.hour >= 12 ? "PM" : "AM"; break;
      case "pm": out += c.hour >= 12 ? "pm" : "am"; break;
      case "-07:00:00": out += "+00:00:00"; break;
      case "-070000": out += "+000000"; break;
      case "-07:00": out += "+00:00"; break;
      case "-0700": out += "+0000"; break;
      case "-07": out += "+00"; break;
      default: out += "Z"; // the Z07... forms print Z for UTC
    }
  }
  return out;
}

// --- promtool's parseTime ---

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * promtool's parseTime (for `start_timestamp`): a float number of Unix
 * seconds, else RFC 3339 with optional fractional seconds. Returns
 * milliseconds, or undefined if neither.
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

// --- wall clocks in IANA zones (Time.In) ---

export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  /** 0 = Sunday, as Go's time.Weekday. */
  weekday: number;
  hour: number;
  minute: number;
}

/** One formatter per zone: making one costs as much as hundreds of uses. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of an instant in an IANA zone ("Local" is this process's zone, undefined UTC). */
export function wallClock(instantMs: number, location: string | undefined): WallClock {
  const zone = location === undefined ? "UTC" : location === "Local" ? Intl.DateTimeFormat().resolvedOptions().timeZone : location;
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "long",
      hourCycle: "h23",
      era: "short",
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(instantMs))) parts[p.type] = p.value;
  const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
  return {
    year,
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAY_NAMES.indexOf(parts.weekday!),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}
