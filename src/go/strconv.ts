/**
 * Go's strconv number formatting and parsing, to the byte.
 *
 * JS's toFixed/toPrecision round ties away from zero on the *decimal* they
 * print; Go rounds the exact binary value, half-to-even on exact ties
 * (`%.2f` of 0.125 is "0.12" in Go, "0.13" in JS). So we expand the double
 * to its exact decimal digits with BigInt and round those ourselves.
 */

interface Decimal {
  /** Significant digits, no leading or trailing zeros ("" for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: "", dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp = 1;
  else mant |= 1n << 52n;
  exp -= 1075;
  let s: string;
  let dp: number;
  if (exp >= 0) {
    s = (mant << BigInt(exp)).toString();
    dp = s.length;
  } else {
    // mant × 2^exp = mant × 5^-exp / 10^-exp
    s = (mant * 5n ** BigInt(-exp)).toString();
    dp = s.length + exp;
  }
  return { d: s.replace(/0+$/, ""), dp };
}

/** Shortest digits that round-trip; ECMAScript's algorithm picks the same digits as Go's. */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: "", dp: 0 };
  const [mant, e] = Math.abs(x).toExponential().split("e") as [string, string];
  return { d: mant.replace(".", "").replace(/0+$/, ""), dp: Number(e) + 1 };
}

/** Round to nd significant digits, half-to-even on exact ties (strconv's decimal.Round). */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const next = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  if (!up) return { d: a.d.slice(0, nd).replace(/0+$/, ""), dp: a.dp };
  let i = nd - 1;
  while (i >= 0 && a.d[i] === "9") i--;
  if (i < 0) return { d: "1", dp: a.dp + 1 };
  return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
}

function digitAt(a: Decimal, i: number): string {
  return i >= 0 && i < a.d.length ? a.d[i]! : "0";
}

function fmtE(neg: boolean, a: Decimal, prec: number, e: "e" | "E"): string {
  let s = neg ? "-" : "";
  s += digitAt(a, 0);
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) s += digitAt(a, i);
  }
  const exp = a.d.length === 0 ? 0 : a.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${e}${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
}

function fmtF(neg: boolean, a: Decimal, prec: number): string {
  let s = neg ? "-" : "";
  if (a.dp > 0) {
    for (let i = 0; i < a.dp; i++) s += digitAt(a, i);
  } else {
    s += "0";
  }
  if (prec > 0) {
    s += ".";
    for (let i = 0; i < prec; i++) s += digitAt(a, a.dp + i);
  }
  return s;
}

export type FloatFormat = "e" | "E" | "f" | "F" | "g" | "G";

/** strconv.FormatFloat(x, fmt, prec, 64); prec < 0 means shortest. */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(x);
    switch (fmt) {
      case "e":
      case "E":
        prec = Math.max(digs.d.length - 1, 0);
        break;
      case "f":
      case "F":
        prec = Math.max(digs.d.length - digs.dp, 0);
        break;
      default:
        prec = digs.d.length;
    }
  } else {
    const exact = exactDecimal(x);
    switch (fmt) {
      case "e":
      case "E":
        digs = roundDecimal(exact, prec + 1);
        break;
      case "f":
      case "F":
        digs = roundDecimal(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        digs = roundDecimal(exact, prec);
    }
  }
  switch (fmt) {
    case "e":
    case "E":
      return fmtE(neg, digs, prec, fmt);
    case "f":
    case "F":
      return fmtF(neg, digs, prec);
  }
  const nd = digs.d.length;
  let eprec = prec;
  if (eprec > nd && nd >= digs.dp) eprec = nd;
  // %e is used if the exponent from the conversion is less than -4 or greater
  // than or equal to the precision; shortest formatting decides with 6.
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return fmtE(neg, digs, prec - 1, fmt === "g" ? "e" : "E");
  }
  if (prec > digs.dp) prec = nd;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}

export class NumError extends Error {}

const DEC_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:_?[0-9a-fA-F])*(?:\.[0-9a-fA-F]*)?[pP][+-]?\d+$/;
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * strconv.ParseFloat(s, 64). Stricter than Number(): no surrounding space,
 * no empty string, no "0x" integers; accepts Go's "Inf"/"infinity"/"NaN"
 * spellings; "_" may separate digits, as in Go literals.
 */
export function parseFloat64(s: string): number {
  const fail = (why: string) =>
    new NumError(`strconv.ParseFloat: parsing ${quote(s)}: ${why}`);
  if (SPECIAL.test(s)) {
    if (/nan/i.test(s)) return NaN;
    return s.startsWith("-") ? -Infinity : Infinity;
  }
  if (DEC_FLOAT.test(s)) {
    const v = Number(s.replace(/_/g, ""));
    if (!Number.isFinite(v)) throw fail("value out of range");
    return v;
  }
  if (HEX_FLOAT.test(s)) {
    const neg = s.startsWith("-");
    const body = s.replace(/^[+-]/, "").slice(2).replace(/_/g, "");
    const [mant, exp] = body.split(/[pP]/) as [string, string];
    const [intPart, frac = ""] = mant.split(".") as [string, string?];
    const digits = intPart + frac;
    if (digits.length === 0) throw fail("invalid syntax");
    const v = Number(BigInt(`0x${digits}`)) * 2 ** (Number(exp) - 4 * frac.length);
    if (!Number.isFinite(v)) throw fail("value out of range");
    return neg ? -v : v;
  }
  throw fail("invalid syntax");
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function quoteWith(s: string, q: "\"" | "'"): string {
  let out = q;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === q || ch === "\\") {
      out += "\\" + ch;
    } else if (isPrint(cp)) {
      out += ch;
    } else {
      switch (ch) {
        case "\x07": out += "\\a"; break;
        case "\b": out += "\\b"; break;
        case "\f": out += "\\f"; break;
        case "\n": out += "\\n"; break;
        case "\r": out += "\\r"; break;
        case "\t": out += "\\t"; break;
        case "\v": out += "\\v"; break;
        default:
          if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
          else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd"; // lone surrogate: invalid UTF-8 in Go
          else if (cp < 0x10000) out += "\\u" + hex(cp, 4);
          else out += "\\U" + hex(cp, 8);
      }
    }
  }
  return out + q;
}

/** strconv.Quote. */
export function quote(s: string): string {
  return quoteWith(s, "\"");
}

/** strconv.QuoteRune. */
export function quoteRune(cp: number): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return quoteWith(String.fromCodePoint(cp), "'");
}

/** strconv.CanBackquote: what `%#q` needs to print a raw string. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === "`" || cp === 0xfeff) return false;
    if (cp < 0x20 && ch !== "\t") return false;
    if (cp === 0x7f) return false;
  }
  return true;
}

export class SyntaxError_ extends Error {}

/**
 * strconv.Unquote for the three literal forms the template lexer produces:
 * "interpreted", `raw` and 'c'. Errors carry Go's message, "invalid syntax".
 */
export function unquote(lit: string): string {
  const bad = () => new SyntaxError_("invalid syntax");
  if (lit.length < 2) throw bad();
  const q = lit[0]!;
  if (q !== lit[lit.length - 1]) throw bad();
  const body = lit.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw bad();
    // Go drops carriage returns from raw strings.
    return body.replace(/\r/g, "");
  }
  if (q !== "\"" && q !== "'") throw bad();
  let out = "";
  let i = 0;
  while (i < body.length) {
    const r = unquoteChar(body, i, q);
    out += r.value;
    i = r.next;
  }
  if (q === "'" && [...out].length !== 1) throw bad();
  return out;
}

/** strconv.UnquoteChar: one (possibly escaped) character starting at body[i]. */
export function unquoteChar(body: string, i: number, q: string): { value: string; next: number } {
  const bad = () => new SyntaxError_("invalid syntax");
  const c = body[i]!;
  if (c === q && (q === "'" || q === "\"")) throw bad();
  if (c !== "\\") {
    if (c === "\n") throw bad();
    const cp = body.codePointAt(i)!;
    return { value: String.fromCodePoint(cp), next: i + (cp > 0xffff ? 2 : 1) };
  }
  const e = body[i + 1];
  if (e === undefined) throw bad();
  const simple: Record<string, string> = {
    a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\",
  };
  if (e in simple) return { value: simple[e]!, next: i + 2 };
  if (e === "'" || e === "\"") {
    if (e !== q) throw bad();
    return { value: e, next: i + 2 };
  }
  const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
  if (hexLen > 0) {
    const h = body.slice(i + 2, i + 2 + hexLen);
    if (h.length !== hexLen || !/^[0-9a-fA-F]+$/.test(h)) throw bad();
    const v = parseInt(h, 16);
    if (e === "x") {
      // \xNN is a byte; only ASCII bytes form a valid string in JS.
      if (v > 0x7f) throw bad();
      return { value: String.fromCharCode(v), next: i + 4 };
    }
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw bad();
    return { value: String.fromCodePoint(v), next: i + 2 + hexLen };
  }
  if (e >= "0" && e <= "7") {
    const o = body.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(o)) throw bad();
    const v = parseInt(o, 8);
    if (v > 0x7f) throw bad();
    return { value: String.fromCharCode(v), next: i + 4 };
  }
  throw bad();
}
