/**
 * Go's time.Time and time.Duration as template values, so that Prometheus
 * templates like `{{ (now | toTime).Format "2006-01-02" }}` and
 * `{{ (1800 | toDuration).String }}` work. Times are always UTC here: the
 * Prometheus functions that create them call `.UTC()`.
 */
import { formatGoDuration } from "../go/duration.js";
import { civil, floorDiv, formatTime, MONTH_NAMES, NS_PER_SEC, WEEKDAY_NAMES } from "../go/time.js";
import { GoFunc, GoObject, type NO_FIELD, type Value } from "./values.js";

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
    return formatGoDuration(this.ns);
  }
  override method(name: string): GoFunc | undefined {
    const secs = (unit: bigint) => Number(this.ns / unit) + Number(this.ns % unit) / Number(unit);
    const m: Record<string, () => Value> = {
      String: () => formatGoDuration(this.ns),
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

/** A time.Time template value; its calendar fields come from Go's calendar in go/time.ts. */
export class GoTimeValue extends GoObject {
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
      Month: () => new GoNamedInt("time.Month", int(c().month), (v) => MONTH_NAMES[Number(v) - 1] ?? `%!Month(${v})`),
      Day: () => int(c().day),
      Hour: () => int(c().hour),
      Minute: () => int(c().min),
      Second: () => int(c().sec),
      Nanosecond: () => int(c().nsec),
      YearDay: () => int(c().yday),
      Weekday: () => new GoNamedInt("time.Weekday", int(c().weekday), (v) => WEEKDAY_NAMES[Number(v)] ?? `%!Weekday(${v})`),
    };
    const f = nullary[name];
    if (f) return new GoFunc([], f);
    const other = (t: Value) => (t as GoTimeValue).ns;
    switch (name) {
      case "Format":
        return new GoFunc(["string"], ([layout]) => formatTime(this.ns, layout as string));
      case "Add":
        return new GoFunc(["time.Duration"], ([d]) => new GoTimeValue(this.ns + (d as GoDuration).ns));
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
