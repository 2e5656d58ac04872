// Exact decimal arithmetic for the numbers that end up in PromQL text.
//
// Objectives and budget shares arrive as decimal literals (99.95, 2) and the
// thresholds derived from them must print as decimal literals too: 1 - 0.999 is
// written 0.001, never 0.0009999999999999432. Binary floats cannot do that, so
// values are kept as exact rationals (BigInt numerator / denominator).

export class Decimal {
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static of(value: number | string | bigint): Decimal {
    if (typeof value === "bigint") return new Decimal(value, 1n);
    // Specs repeat the same few literals (objectives, budget shares, 100, 1):
    // parse each once. A Decimal never changes, so sharing one is safe.
    if (typeof value === "number") {
      let hit = ofNumber.get(value);
      if (hit === undefined) {
        if (ofNumber.size >= 10_000) ofNumber.clear();
        hit = Decimal.parse(value);
        ofNumber.set(value, hit);
      }
      return hit;
    }
    return Decimal.parse(value);
  }

  private static parse(value: number | string): Decimal {
    // JavaScript's shortest round-trip representation is exactly the literal the
    // user wrote for every value YAML can hand us (99.95 -> "99.95").
    const text = typeof value === "number" ? numberToPlainString(value) : value.trim();
    const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`not a decimal number: ${text}`);
    const frac = m[3] ?? "";
    const num = BigInt((m[2] || "0") + frac) * (m[1] === "-" ? -1n : 1n);
    return Decimal.fraction(num, 10n ** BigInt(frac.length));
  }

  static fraction(num: bigint, den: bigint): Decimal {
    if (den === 0n) throw new Error("division by zero");
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num < 0n ? -num : num, den);
    return new Decimal(num / g, den / g);
  }

  plus(o: Decimal): Decimal {
    return Decimal.fraction(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  minus(o: Decimal): Decimal {
    return Decimal.fraction(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  times(o: Decimal): Decimal {
    return Decimal.fraction(this.num * o.num, this.den * o.den);
  }
  div(o: Decimal): Decimal {
    return Decimal.fraction(this.num * o.den, this.den * o.num);
  }
  cmp(o: Decimal): number {
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  /** True when the value has a finite decimal expansion (denominator 2^a·5^b). */
  get terminates(): boolean {
    let d = this.den;
    while (d % 2n === 0n) d /= 2n;
    while (d % 5n === 0n) d /= 5n;
    return d === 1n;
  }

  /** Rounds half away from zero to `places` decimal places. */
  round(places: number): Decimal {
    const scale = 10n ** BigInt(places);
    const scaled = this.num * scale * 2n;
    const q = scaled / this.den;
    const rounded = (q + (q >= 0n ? 1n : -1n)) / 2n;
    return Decimal.fraction(rounded, scale);
  }

  private text: string | undefined;

  /** Plain decimal text (no exponent). Only for terminating values; round() others first. */
  toString(): string {
    return (this.text ??= this.format());
  }

  private format(): string {
    if (!this.terminates) throw new Error("non-terminating decimal: round it before printing");
    const neg = this.num < 0n;
    let places = 0;
    while ((10n ** BigInt(places)) % this.den !== 0n) places++;
    const n = (neg ? -this.num : this.num) * (10n ** BigInt(places) / this.den);
    const digits = n.toString().padStart(places + 1, "0");
    const int = digits.slice(0, digits.length - places);
    const frac = digits.slice(digits.length - places).replace(/0+$/, "");
    return (neg ? "-" : "") + int + (frac ? "." + frac : "");
  }

  toNumber(): number {
    return Number(this.toString());
  }
}

const ofNumber = new Map<number, Decimal>();

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** A finite number as plain decimal text, expanding exponent notation (1e-7 -> "0.0000001"). */
export function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const text = String(value);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const digits = m[2]! + (m[3] ?? "");
  const exp = Number(m[4]);
  if (exp < 0) return `${m[1]}0.${"0".repeat(-exp - 1)}${digits}`;
  return m[1] + digits.padEnd(exp + 1, "0");
}
