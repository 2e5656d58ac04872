/**
 * Go's fmt.Sprint, Sprintln and Sprintf over the template value model.
 *
 * Faithful to fmt's observable quirks: `%!d(float64=1.5)` for a bad verb,
 * `%!d(MISSING)`, `%!(EXTRA int=1)`, `%!(NOVERB)`, Sprint's "space only
 * between two non-strings", the sign and zero-padding rules of fmtFloat, and
 * verbs applied element-wise inside slices and maps.
 */
import { canBackquote, formatFloat, quote, quoteRune, type FloatFormat } from "../go/strconv.js";
import { compareGoStrings, GoFunc, GoObject, GoSlice, typeName, type Value } from "./values.js";

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid?: number;
  prec?: number;
}

function noFlags(): Flags {
  return { plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false };
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** fmt.pad: width counts runes; zero padding only when not left-justified. */
function pad(f: Flags, s: string): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + " ".repeat(n);
  return (f.zero ? "0" : " ").repeat(n) + s;
}

function fmtFloat(f: Flags, v: number, verb: FloatFormat, defaultPrec: number): string {
  const prec = f.prec ?? defaultPrec;
  let num = formatFloat(v, verb, prec);
  if (num[0] !== "-" && num[0] !== "+") num = "+" + num;
  if (f.space && num[0] === "+" && !f.plus) num = " " + num.slice(1);
  // Infinities and NaN don't look like numbers, so are never zero padded;
  // NaN loses its sign unless one was asked for.
  if (num[1] === "I" || num[1] === "N") {
    if (num[1] === "N" && !f.space && !f.plus) num = num.slice(1);
    return pad({ ...f, zero: false }, num);
  }
  if (f.sharp) num = sharpFloat(num, verb, prec);
  if (f.plus || num[0] !== "+") {
    // Zero padding goes between the sign and the digits.
    if (f.zero && !f.minus && f.wid !== undefined && f.wid > num.length) {
      return num[0] + "0".repeat(f.wid - num.length) + num.slice(1);
    }
    return pad(f, num);
  }
  return pad(f, num.slice(1));
}

/** The # flag: always print a decimal point; %g also keeps trailing zeros. */
function sharpFloat(num: string, verb: FloatFormat, prec: number): string {
  let digits = verb === "g" || verb === "G" ? (prec === -1 ? 6 : prec) : 0;
  const expAt = num.search(/[eE]/);
  let body = expAt >= 0 ? num.slice(0, expAt) : num;
  const tail = expAt >= 0 ? num.slice(expAt) : "";
  let sawNonzero = false;
  for (const ch of body.slice(1)) {
    if (ch === ".") continue;
    if (ch !== "0") sawNonzero = true;
    // Significant digits count from the first non-zero one.
    if (sawNonzero) digits--;
  }
  if (!body.includes(".")) {
    // A lone leading 0 counts once.
    if (body.length === 2 && body[1] === "0") digits--;
    body += ".";
  }
  return body + "0".repeat(Math.max(digits, 0)) + tail;
}

function fmtInteger(f: Flags, v: bigint, base: number, verb: string): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString(base);
  if (verb === "X") digits = digits.toUpperCase();
  if (f.prec !== undefined) {
    // An explicit precision of 0 prints nothing for the value 0.
    if (f.prec === 0 && v === 0n) digits = "";
    digits = digits.padStart(f.prec, "0");
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    let room = f.wid;
    if (neg || f.plus || f.space) room--;
    if (f.sharp && (base === 16 || base === 2)) room -= 2;
    if (f.sharp && base === 8 && !digits.startsWith("0")) room--;
    digits = digits.padStart(room, "0");
  }
  let prefix = "";
  if (f.sharp) {
    if (base === 16) prefix = verb === "X" ? "0X" : "0x";
    else if (base === 2) prefix = "0b";
    else if (base === 8 && !digits.startsWith("0")) prefix = "0";
  }
  if (verb === "O") prefix = "0o";
  const sign = neg ? "-" : f.plus ? "+" : f.space ? " " : "";
  return pad({ ...f, zero: false }, sign + prefix + digits);
}

function fmtString(f: Flags, s: string, verb: string): string {
  if (f.prec !== undefined) s = [...s].slice(0, f.prec).join("");
  switch (verb) {
    case "v":
    case "s":
      return pad(f, s);
    case "q":
      return pad(f, f.sharp && canBackquote(s) ? "`" + s + "`" : f.plus ? quoteAscii(s) : quote(s));
    case "x":
    case "X":
      return pad(f, hexBytes(f, Buffer.from(s, "utf8"), verb));
  }
  throw new Error("unreachable");
}

function quoteAscii(s: string): string {
  return quote(s).replace(/[^\x00-\x7f]/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    return cp < 0x10000 ? "\\u" + cp.toString(16).padStart(4, "0") : "\\U" + cp.toString(16).padStart(8, "0");
  });
}

function hexBytes(f: Flags, bytes: Uint8Array, verb: string): string {
  const parts: string[] = [];
  for (const b of bytes) {
    let h = b.toString(16).padStart(2, "0");
    if (verb === "X") h = h.toUpperCase();
    parts.push(h);
  }
  const prefix = f.sharp ? (verb === "X" ? "0X" : "0x") : "";
  if (f.space) return parts.map((p) => prefix + p).join(" ");
  return prefix + parts.join("");
}

function badVerb(f: Flags, v: Value, verb: string): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${printArg(f, v, "v", 0)})`;
}

/** Formats one operand with one verb (fmt's printArg + printValue). */
function printArg(f: Flags, v: Value, verb: string, depth: number): string {
  if (verb === "T") return pad(f, typeName(v));
  if (v === undefined || v === null) {
    return verb === "v" ? pad(f, "<nil>") : badVerb(f, v, verb);
  }
  switch (typeof v) {
    case "boolean":
      return verb === "t" || verb === "v" ? pad(f, v ? "true" : "false") : badVerb(f, v, verb);
    case "number":
      switch (verb) {
        case "v":
          return fmtFloat(f, v, "g", -1);
        case "g":
        case "G":
          return fmtFloat(f, v, verb, -1);
        case "e":
        case "E":
        case "f":
        case "F":
          return fmtFloat(f, v, verb, 6);
        case "x":
        case "X":
          return pad(f, hexFloat(v, f.prec ?? -1, verb));
        default:
          return badVerb(f, v, verb);
      }
    case "bigint":
      return printInt(f, v, verb);
    case "string":
      return "vsqxX".includes(verb) ? fmtString(f, v, verb) : badVerb(f, v, verb);
  }
  if (v instanceof GoFunc) return verb === "v" || verb === "p" ? pad(f, "0x0") : badVerb(f, v, verb);
  if (v instanceof GoObject) {
    const s = "vsxXq".includes(verb) ? v.goString() : undefined;
    if (s !== undefined) return fmtString(f, s, verb === "v" ? "s" : verb);
    if (v.kind === "int") return printInt(f, v.intValue(), verb);
    const target = v.kind === "ptr" ? v.deref() : v;
    if (target === undefined) return pad(f, "<nil>");
    const fields = target
      .fieldNames()
      .map((name) => {
        const fv = target.field(name) as Value;
        const shown = printArg(f, fv, verb, depth + 1);
        return f.plusV ? `${name}:${shown}` : shown;
      })
      .join(" ");
    // Go prints an address for pointers below the top level; we have none to print.
    return (v.kind === "ptr" ? "&" : "") + `{${fields}}`;
  }
  if (v instanceof GoSlice) {
    return `[${v.items.map((item) => printArg(f, item, verb, depth + 1)).join(" ")}]`;
  }
  // GoMap: fmt sorts keys so output is deterministic.
  const keys = [...v.entries.keys()].sort(compareGoStrings);
  const body = keys
    .map((k) => `${printArg(f, k, verb, depth + 1)}:${printArg(f, v.entries.get(k), verb, depth + 1)}`)
    .join(" ");
  return `map[${body}]`;
}

function printInt(f: Flags, v: bigint, verb: string): string {
  switch (verb) {
    case "v":
    case "d":
      return fmtInteger(f, v, 10, verb);
    case "b":
      return fmtInteger(f, v, 2, verb);
    case "o":
    case "O":
      return fmtInteger(f, v, 8, verb);
    case "x":
    case "X":
      return fmtInteger(f, v, 16, verb);
    case "c":
      return pad(f, runeString(v));
    case "q":
      return pad(f, quoteRune(Number(v)));
    case "U": {
      let s = "U+" + (v < 0n ? -v : v).toString(16).toUpperCase().padStart(4, "0");
      if (f.sharp && v >= 0n && v <= 0x10ffffn) s += ` '${runeString(v)}'`;
      return pad(f, s);
    }
    default:
      return badVerb(f, v, verb);
  }
}

function runeString(v: bigint): string {
  const cp = Number(v);
  return cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : "\ufffd";
}

/** strconv's 'x' format: hexadecimal mantissa, binary exponent, e.g. 0x1.8p+00. */
function hexFloat(x: number, prec: number, verb: string): string {
  if (!Number.isFinite(x)) return formatFloat(x, "g", -1);
  const neg = x < 0 || Object.is(x, -0);
  let s: string;
  if (x === 0) {
    s = "0x0" + (prec > 0 ? "." + "0".repeat(prec) : "") + "p+00";
  } else {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(x));
    const bits = view.getBigUint64(0);
    let exp = Number((bits >> 52n) & 0x7ffn);
    let mant = bits & ((1n << 52n) - 1n);
    if (exp === 0) {
      // Normalise subnormals so the leading digit is 1.
      exp = -1022;
      while ((mant & (1n << 52n)) === 0n) {
        mant <<= 1n;
        exp--;
      }
      mant &= (1n << 52n) - 1n;
    } else {
      exp -= 1023;
    }
    let lead = 1n;
    let frac = mant.toString(16).padStart(13, "0");
    if (prec >= 0 && prec < 13) {
      // Round the 52-bit fraction to prec hex digits, half to even.
      const shift = BigInt(4 * (13 - prec));
      const full = (1n << 52n) | mant;
      const half = 1n << (shift - 1n);
      const rem = full & ((1n << shift) - 1n);
      let kept = full >> shift;
      if (rem > half || (rem === half && (kept & 1n) === 1n)) kept++;
      if (kept >> BigInt(4 * prec) >= 2n) {
        kept >>= 1n;
        exp++;
      }
      lead = kept >> BigInt(4 * prec);
      frac = prec > 0 ? (kept & ((1n << BigInt(4 * prec)) - 1n)).toString(16).padStart(prec, "0") : "";
    } else {
      frac = frac.replace(/0+$/, "");
      if (prec > 13) frac = frac.padEnd(prec, "0");
    }
    const e = Math.abs(exp);
    s = `0x${lead}${frac ? "." + frac : ""}p${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  if (verb === "X") s = s.toUpperCase();
  return (neg ? "-" : "") + s;
}

function isStringArg(v: Value): boolean {
  return typeof v === "string";
}

/** fmt.Sprint: spaces are added between operands when neither is a string. */
export function sprint(args: readonly Value[]): string {
  let out = "";
  args.forEach((arg, i) => {
    if (i > 0 && !isStringArg(arg) && !isStringArg(args[i - 1])) out += " ";
    out += printArg(noFlags(), arg, "v", 0);
  });
  return out;
}

/** fmt.Sprintln: always spaces between operands, and a newline. */
export function sprintln(args: readonly Value[]): string {
  return args.map((a) => printArg(noFlags(), a, "v", 0)).join(" ") + "\n";
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly Value[]): string {
  let out = "";
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const end = format.length;

  // argNumber parses an explicit argument index [n]; fmt reports a bad one as BADINDEX.
  const parseArgNumber = (): { ok: boolean; found: boolean } => {
    if (format[i] !== "[") return { ok: true, found: false };
    reordered = true;
    const close = format.indexOf("]", i);
    if (close < 0) {
      return { ok: false, found: false };
    }
    const n = /^[0-9]+$/.test(format.slice(i + 1, close)) ? Number(format.slice(i + 1, close)) : NaN;
    i = close + 1;
    if (!Number.isInteger(n) || n < 1 || n > args.length) return { ok: false, found: true };
    argNum = n - 1;
    return { ok: true, found: true };
  };

  const parseNum = (): number | undefined => {
    const m = /^[0-9]+/.exec(format.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };

  const intFromArg = (): number | undefined => {
    const a = args[argNum];
    argNum++;
    if (typeof a === "bigint") return Number(a);
    if (a instanceof GoObject && a.kind === "int") return Number(a.intValue());
    return undefined;
  };

  while (i < end) {
    const lasti = i;
    while (i < end && format[i] !== "%") i++;
    out += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    const f = noFlags();
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case "#": f.sharp = true; break;
        case "0": f.zero = !f.minus; break;
        case "+": f.plus = true; break;
        case "-": f.minus = true; f.zero = false; break;
        case " ": f.space = true; break;
        default: break flags;
      }
    }
    let goodArgNum = true;
    let idx = parseArgNumber();
    goodArgNum &&= idx.ok;
    let afterIndex = idx.found;
    if (i < end && format[i] === "*") {
      i++;
      const w = intFromArg();
      if (w === undefined) {
        out += "%!(BADWIDTH)";
      } else {
        f.wid = w;
        if (w < 0) {
          f.wid = -w;
          f.minus = true;
          f.zero = false;
        }
      }
      afterIndex = false;
    } else {
      const w = parseNum();
      if (w !== undefined) {
        f.wid = w;
        if (afterIndex) goodArgNum = false;
      }
    }
    if (i + 1 <= end && format[i] === ".") {
      i++;
      if (afterIndex) goodArgNum = false;
      idx = parseArgNumber();
      goodArgNum &&= idx.ok;
      afterIndex = idx.found;
      if (i < end && format[i] === "*") {
        i++;
        const p = intFromArg();
        if (p === undefined) out += "%!(BADPREC)";
        else if (p >= 0) f.prec = p;
        afterIndex = false;
      } else {
        f.prec = parseNum() ?? 0;
      }
    }
    if (!afterIndex) {
      idx = parseArgNumber();
      goodArgNum &&= idx.ok;
      afterIndex = idx.found;
    }
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === "%") {
      out += "%";
    } else if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
    } else if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
    } else {
      if (verb === "v") {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      out += printArg(f, args[argNum], verb, 0);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((a) => (a === undefined || a === null ? "<nil>" : `${typeName(a)}=${printArg(noFlags(), a, "v", 0)}`))
      .join(", ");
    out += `%!(EXTRA ${extra})`;
  }
  return out;
}

/** What Go's fmt prints for a value with %v (used when a template prints a value). */
export function formatValue(v: Value): string {
  return printArg(noFlags(), v, "v", 0);
}

