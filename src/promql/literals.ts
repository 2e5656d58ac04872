/**
 * Number and string literal syntax shared by the parser, the printer and the
 * test-script reader. PromQL inherits Go's literal rules, so this follows
 * strconv.ParseInt(s, 0, 64) / ParseFloat / Unquote / Quote.
 */

export class LiteralError extends Error {}

const INT_RE = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/;
const FLOAT_RE = /^[+-]?((\d[\d_]*)?\.?[\d_]*([eE][+-]?\d[\d_]*)?)$/;

/**
 * Parses a PromQL number. Like Prometheus, integers go through Go's
 * base-prefix rules first, which means a leading zero makes the literal octal
 * (`010` is 8), and only then is the text read as a float.
 */
export function parseNumber(text: string): number {
  const t = text.trim();
  const lower = t.toLowerCase().replace(/^[+]/, "");
  if (lower === "inf" || lower === "+inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan" || lower === "-nan") return NaN;
  if (INT_RE.test(t) && underscoresOk(t)) {
    const neg = t.startsWith("-");
    const body = t.replace(/^[+-]/, "").replace(/_/g, "");
    let v: number;
    if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
    else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
    else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
    else if (body.length > 1 && body.startsWith("0")) v = parseInt(body.slice(1), 8);
    else v = Number(body);
    if (!Number.isNaN(v)) return neg ? -v : v;
  }
  if (/^[+-]?0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?[pP][+-]?\d+$/.test(t)) {
    return parseHexFloat(t.replace(/_/g, ""));
  }
  if (t !== "" && t !== "." && FLOAT_RE.test(t) && underscoresOk(t)) {
    const v = Number(t.replace(/_/g, ""));
    if (!Number.isNaN(v)) return v;
  }
  throw new LiteralError(`invalid number "${text}"`);
}

/** Go only allows `_` between digits (or right after a base prefix). */
function underscoresOk(t: string): boolean {
  if (!t.includes("_")) return true;
  return !/(^|[^0-9a-zA-Z])_|_($|[^0-9a-fA-F])|__/.test(t.replace(/^[+-]?0[xXoObB]_/, "0"));
}

function parseHexFloat(t: string): number {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(t);
  if (!m) throw new LiteralError(`invalid number "${t}"`);
  const [, sign, intPart = "", fracPart = "", exp = "0"] = m;
  let mant = intPart === "" ? 0 : parseInt(intPart, 16);
  for (let i = 0; i < fracPart.length; i++) mant += parseInt(fracPart[i]!, 16) / 16 ** (i + 1);
  const v = mant * 2 ** Number(exp);
  return sign === "-" ? -v : v;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

/**
 * Unquotes a PromQL string literal written with `"`, `'` or backticks.
 * Byte escapes (`\xNN`, octal) are collected as UTF-8 bytes and decoded
 * together, as Go strings are byte sequences.
 */
export function unquoteString(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new LiteralError("unterminated quoted string");
  const body = lit.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new LiteralError("invalid raw string");
    return body;
  }
  if (q !== '"' && q !== "'") throw new LiteralError(`invalid quote character ${JSON.stringify(q)}`);
  let out = "";
  let bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) {
      out += decodeUtf8Escaping(bytes);
      bytes = [];
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\n") throw new LiteralError("newline in string");
    if (c === q) throw new LiteralError(`unescaped ${q} in string`);
    if (c !== "\\") {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new LiteralError("invalid escape at end of string");
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      flushBytes();
      out += simple;
      continue;
    }
    const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLen > 0) {
      const hex = body.slice(i + 1, i + 1 + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw new LiteralError(`invalid escape \\${e}${hex}`);
      i += hexLen;
      const code = parseInt(hex, 16);
      if (e === "x") {
        bytes.push(code);
      } else {
        if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) throw new LiteralError(`invalid escape \\${e}${hex}`);
        flushBytes();
        out += String.fromCodePoint(code);
      }
      continue;
    }
    if (e >= "0" && e <= "7") {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new LiteralError(`invalid escape \\${oct}`);
      i += 2;
      bytes.push(parseInt(oct, 8));
      continue;
    }
    throw new LiteralError(`unknown escape sequence \\${e}`);
  }
  flushBytes();
  return out;
}

/**
 * Go strings may hold invalid UTF-8 (`"\xff"`), JavaScript strings cannot.
 * Invalid bytes become lone surrogates U+DC80..U+DCFF ("surrogateescape"),
 * which label validation rejects and quoteString prints back as `\xNN`.
 */
function decodeUtf8Escaping(bytes: readonly number[]): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    const seq = bytes.slice(i, i + len);
    const valid = len > 0 && seq.length === len && seq.slice(1).every((c) => (c & 0xc0) === 0x80);
    const decoded = valid ? Buffer.from(seq).toString("utf8") : "";
    if (valid && !decoded.includes("\ufffd")) {
      out += decoded;
      i += len;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

/** Double-quoted form with Go's strconv.Quote escaping. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case "\\":
        out += "\\\\";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      case "\x07":
        out += "\\a";
        break;
      case "\b":
        out += "\\b";
        break;
      case "\f":
        out += "\\f";
        break;
      case "\v":
        out += "\\v";
        break;
      default:
        if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
        else if (cp >= 0xdc80 && cp <= 0xdcff) out += "\\x" + (cp - 0xdc00).toString(16).padStart(2, "0");
        else if (cp >= 0x80 && cp < 0xa0) out += "\\u" + cp.toString(16).padStart(4, "0");
        else out += ch;
    }
  }
  return out + '"';
}

/**
 * Formats a float the way Go's strconv.FormatFloat(f, 'f', -1, 64) does in
 * PromQL's printer: shortest round-trip digits, never exponent notation.
 */
export function formatNumberLiteral(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  const s = String(v);
  if (!/e/i.test(s)) return s;
  return expandExponent(s);
}

function expandExponent(s: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign = "", lead = "", frac = "", expText = "0"] = m;
  const digits = lead + frac;
  const exp = Number(expText);
  const point = 1 + exp;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Go's %g verb with shortest precision: exponent notation when the decimal
 * exponent is below -4 or at least 6 (fmt decides with precision 6 even when
 * printing the shortest digits). Used where Prometheus formats numbers into
 * messages (annotations, errors).
 */
export function formatGoG(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant = "", expText = "0"] = v.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" + e : e}`;
  }
  return formatNumberLiteral(v);
}
