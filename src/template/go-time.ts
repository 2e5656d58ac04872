/**
 * Go's time.Time and time.Duration as template values, so that Prometheus
 * templates like `{{ (now | toTime).Format "2006-01-02" }}` and
 * `{{ (1800 | toDuration).String }}` work. Times are always UTC here: the
 * Prometheus functions that create them call `.UTC()`.
 */
import { quote } from "../go/strconv.js";
import { GoCallError, GoFunc, GoObject, type NO_FIELD, type Value } from "./values.js";

const NS_PER_SEC = 1_000_000_000n;

/** A named integer type with a String method, e.g. time.Month. */
export class GoNamedInt extends GoObject {
  readonly kind = "int" as const;
  constructor(
    readonly typeName: string,
    private readonly value: bigint,
    private readonly str: (v: bigint) => string,
  ) {
    super();
  }
  override intValue(): bigint {
    return this.value;
  }
  override goString(): string {
    return this.str(this.value);
  }
  override method(name: string): GoFunc | undefined {
    return name === "String" ? new GoFunc([], () => this.str(this.value)) : undefined;
  }
}

/** A non-nil pointer to an object: methods and fields are reached through it. */
export class GoPointer extends GoObject {
  readonly kind = "ptr" as const;
  readonly typeName: string;
  constructor(private readonly elem: GoObject) {
    super();
    this.typeName = "*" + elem.typeName;
  }
  override deref(): GoObject {
    return this.elem;
  }
  override method(name: string): GoFunc | undefined {
    return this.elem.method(name);
  }
  override fieldNames(): readonly string[] {
    return this.elem.fieldNames();
  }
  override field(name: string): Value | typeof NO_FIELD {
    return this.elem.field(name);
  }
  override goString(): string | undefined {
    return this.elem.goString();
  }
}

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

/** time.Duration.String, e.g. "1h2m3.5s", "1.5ms", "0s". */
export function durationString(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
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

export class GoDuration extends GoObject {
  readonly kind = "int" as const;
  readonly typeName = "time.Duration";
  constructor(readonly ns: bigint) {
    super();
  }
  override intValue(): bigint {
    return this.ns;
  }
  override goString(): string {
    return durationString(this.ns);
  }
  override method(name: string): GoFunc | undefined {
    const secs = (unit: bigint) => Number(this.ns / unit) + Number(this.ns % unit) / Number(unit);
    const m: Record<string, () => Value> = {
      String: () => durationString(this.ns),
      Hours: () => secs(3600n * NS_PER_SEC),
      Minutes: () => secs(60n * NS_PER_SEC),
      Seconds: () => secs(NS_PER_SEC),
      Milliseconds: () => this.ns / 1_000_000n,
      Microseconds: () => this.ns / 1000n,
      Nanoseconds: () => this.ns,
    };
    const fn = m[name];
    return fn ? new GoFunc([], fn) : undefined;
  }
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

interface Civil {
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

function civil(ns: bigint): Civil {
  const sec = floorDiv(ns, NS_PER_SEC);
  const nsec = Number(ns - sec * NS_PER_SEC);
  const d = new Date(Number(sec) * 1000);
  const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(),
    nsec,
    weekday: d.getUTCDay(),
    yday: Math.round((dayStart - startOfYear) / 86_400_000) + 1,
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
      case "January": out += MONTHS[c.month - 1]; break;
      case "Jan": out += MONTHS[c.month - 1]!.slice(0, 3); break;
      case "Monday": out += DAYS[c.weekday]; break;
      case "Mon": out += DAYS[c.weekday]!.slice(0, 3); break;
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

export class GoTime extends GoObject {
  readonly kind = "struct" as const;
  readonly typeName = "time.Time";
  constructor(readonly ns: bigint) {
    super();
  }
  override goString(): string {
    return formatTime(this.ns, "2006-01-02 15:04:05.999999999 -0700 MST");
  }
  override method(name: string): GoFunc | undefined {
    const c = () => civil(this.ns);
    const int = (n: number | bigint) => BigInt(n);
    const nullary: Record<string, () => Value> = {
      String: () => this.goString(),
      Unix: () => floorDiv(this.ns, NS_PER_SEC),
      UnixMilli: () => floorDiv(this.ns, 1_000_000n),
      UnixMicro: () => floorDiv(this.ns, 1000n),
      UnixNano: () => this.ns,
      UTC: () => this,
      Local: () => this,
      IsZero: () => this.ns === ZERO_TIME_NS,
      Year: () => int(c().year),
      Month: () => new GoNamedInt("time.Month", int(c().month), (v) => MONTHS[Number(v) - 1] ?? `%!Month(${v})`),
      Day: () => int(c().day),
      Hour: () => int(c().hour),
      Minute: () => int(c().min),
      Second: () => int(c().sec),
      Nanosecond: () => int(c().nsec),
      YearDay: () => int(c().yday),
      Weekday: () => new GoNamedInt("time.Weekday", int(c().weekday), (v) => DAYS[Number(v)] ?? `%!Weekday(${v})`),
    };
    const f = nullary[name];
    if (f) return new GoFunc([], f);
    const other = (t: Value) => (t as GoTime).ns;
    switch (name) {
      case "Format":
        return new GoFunc(["string"], ([layout]) => formatTime(this.ns, layout as string));
      case "Add":
        return new GoFunc(["time.Duration"], ([d]) => new GoTime(this.ns + (d as GoDuration).ns));
      case "Sub":
        return new GoFunc(["time.Time"], ([t]) => new GoDuration(this.ns - other(t)));
      case "Before":
        return new GoFunc(["time.Time"], ([t]) => this.ns < other(t));
      case "After":
        return new GoFunc(["time.Time"], ([t]) => this.ns > other(t));
      case "Equal":
        return new GoFunc(["time.Time"], ([t]) => this.ns === other(t));
    }
    return undefined;
  }
}

/** Go's zero Time is January 1, year 1, 00:00:00 UTC. */
const ZERO_TIME_NS = -62135596800n * NS_PER_SEC;

/** model.ParseDurationAllowNegative: Prometheus durations like "1h30m", "-5m", "1w". */
export function parsePromDuration(s: string): bigint {
  const neg = s.startsWith("-");
  const body = neg ? s.slice(1) : s;
  if (body === "0") return 0n;
  if (body === "") throw new GoCallError("empty duration string");
  const units: Record<string, [number, bigint]> = {
    ms: [7, 1_000_000n],
    s: [6, NS_PER_SEC],
    m: [5, 60n * NS_PER_SEC],
    h: [4, 3600n * NS_PER_SEC],
    d: [3, 86400n * NS_PER_SEC],
    w: [2, 7n * 86400n * NS_PER_SEC],
    y: [1, 365n * 86400n * NS_PER_SEC],
  };
  const invalid = () => new GoCallError(`not a valid duration string: ${quote(body)}`);
  let rest = body;
  let total = 0n;
  let lastPos = 0;
  const max = (1n << 63n) - 1n;
  while (rest !== "") {
    const num = /^[0-9]+/.exec(rest);
    if (!num) throw invalid();
    rest = rest.slice(num[0].length);
    const unit = /^[^0-9]+/.exec(rest);
    if (!unit) throw invalid();
    rest = rest.slice(unit[0].length);
    const u = units[unit[0]];
    if (!u) throw new GoCallError(`unknown unit ${quote(unit[0])} in duration ${quote(body)}`);
    // Units must go from biggest to smallest, each at most once.
    if (u[0] <= lastPos) throw invalid();
    lastPos = u[0];
    const v = BigInt(num[0]);
    if (v > (1n << 63n) / u[1]) throw new GoCallError("duration out of range");
    total += v * u[1];
    if (total > max) throw new GoCallError("duration out of range");
  }
  return neg ? -total : total;
}
