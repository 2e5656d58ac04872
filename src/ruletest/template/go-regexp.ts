/**
 * Go (RE2) regular expressions on top of JS RegExp, for `match` and
 * `reReplaceAll`.
 *
 * RE2 syntax is translated, not passed through, because the two dialects
 * disagree in ways that change results: Go's `.` matches `\r`; `\s` is
 * `[\t\n\f\r ]` only; `(?m)^` and `$` break only at `\n`; flags can be
 * scoped (`(?i:x)`); `\Q...\E` quotes; `[[:alpha:]]` classes; a `{` that is
 * not a repeat is a literal. Go's ReplaceAll also skips an empty match that
 * abuts the previous match, and its `$name` expansion takes the longest
 * run of word characters (`$1x` is group "1x", not group 1 then "x").
 *
 * Limitations: Go rejects backreferences and lookaround, and so do we; RE2's
 * linear-time guarantee is not kept (JS backtracks); error texts are Go's for
 * the common mistakes but may differ for exotic ones.
 */

import { POSIX_CLASSES } from "../../promql/regex.js";
import { canBackquote, quote } from "./strconv.js";

export class RegexpError extends Error {}


const GO_SPACE = "\\t\\n\\f\\r ";
const JS_SYNTAX = "^$\\.*+?()[]{}|/";

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

export interface GoRegexp {
  source: string;
  re: RegExp;
  /** Capture group names by index (index 0 is the whole match). */
  names: string[];
}

function parseError(code: string, expr: string): RegexpError {
  return new RegexpError(expr === "" ? `error parsing regexp: ${code}` : `error parsing regexp: ${code}: \`${expr}\``);
}

function escapeLiteral(ch: string, inClass: boolean): string {
  if (JS_SYNTAX.includes(ch) || (inClass && ch === "-")) return "\\" + ch;
  return ch;
}

/** The case variants of a character, for (?i) scoped to part of a pattern. */
function caseVariants(ch: string): string[] {
  const set = new Set([ch]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) if ([...v].length === 1) set.add(v);
  if (/[kK\u212A]/u.test(ch)) ["k", "K", "\u212A"].forEach((c) => set.add(c));
  if (/[sS\u017F]/u.test(ch)) ["s", "S", "\u017F"].forEach((c) => set.add(c));
  return [...set];
}

function literal(ch: string, f: Flags, globalI: boolean, inClass: boolean): string {
  if (f.i && !globalI) {
    const vs = caseVariants(ch);
    if (vs.length > 1) {
      const body = vs.map((v) => escapeLiteral(v, true)).join("");
      return inClass ? body : `[${body}]`;
    }
  }
  return escapeLiteral(ch, inClass);
}

class Translator {
  private i = 0;
  private out = "";
  private readonly names: string[] = [""];
  private globalI = false;

  constructor(private readonly src: string) {}

  translate(): GoRegexp {
    // A leading (?i) that is never turned off maps onto JS's own i flag.
    const lead = /^\(\?([imsU]*)\)/.exec(this.src);
    if (lead && lead[1]!.includes("i") && !/\(\?[a-zA-Z]*-[a-zA-Z]*i/.test(this.src)) this.globalI = true;
    this.sequence({ i: false, m: false, s: false, U: false }, 0);
    if (this.i < this.src.length) throw parseError("unexpected )", this.src);
    const flags = "gu" + (this.globalI ? "i" : "");
    try {
      return { source: this.src, re: new RegExp(this.out, flags), names: this.names };
    } catch (e) {
      throw parseError((e as Error).message, this.src);
    }
  }

  private peek(k = 0): string | undefined {
    return this.src[this.i + k];
  }

  /** Translates until an unmatched ')' or the end; `depth` > 0 inside a group. */
  private sequence(flags: Flags, depth: number): void {
    const f = { ...flags };
    let canRepeat = false; // is there an operand for a repetition operator?
    let lastWasRepeat = false;
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (c === ")") {
        if (depth === 0) throw parseError("unexpected )", this.src);
        return;
      }
      if ("*+?{".includes(c)) {
        const rep = this.repetition(f, canRepeat, lastWasRepeat);
        if (rep !== undefined) {
          this.out += rep;
          lastWasRepeat = true;
          continue;
        }
      }
      lastWasRepeat = false;
      canRepeat = true;
      switch (c) {
        case "|":
          this.out += "|";
          this.i++;
          canRepeat = false;
          break;
        case "^":
          this.out += f.m ? "(?<=^|\\n)" : "^";
          this.i++;
          break;
        case "$":
          this.out += f.m ? "(?=\\n|$)" : "$";
          this.i++;
          break;
        case ".":
          this.out += f.s ? "[\\s\\S]" : "[^\\n]";
          this.i++;
          break;
        case "[":
          this.out += this.charClass(f);
          break;
        case "(":
          canRepeat = this.group(f, depth);
          break;
        case "\\":
          this.out += this.escape(f, false);
          break;
        default: {
          const cp = this.src.codePointAt(this.i)!;
          const ch = String.fromCodePoint(cp);
          this.i += ch.length;
          this.out += literal(ch, f, this.globalI, false);
        }
      }
    }
    if (depth > 0) throw parseError("missing closing )", this.src);
  }

  private repetition(f: Flags, canRepeat: boolean, lastWasRepeat: boolean): string | undefined {
    const start = this.i;
    let op: string;
    if (this.src[this.i] === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      // Not a valid repeat: RE2 reads the brace as a literal.
      if (!m) return undefined;
      const lo = Number(m[1]);
      const hi = m[3] === undefined || m[3] === "" ? lo : Number(m[3]);
      if (lo > 1000 || hi > 1000 || (m[2] !== undefined && m[3] !== "" && hi < lo)) {
        throw parseError("invalid repeat count", m[0]);
      }
      op = m[0];
    } else {
      op = this.src[this.i]!;
    }
    this.i += op.length;
    let lazy = false;
    if (this.src[this.i] === "?") {
      lazy = true;
      this.i++;
    }
    const text = this.src.slice(start, this.i);
    if (!canRepeat) throw parseError("missing argument to repetition operator", text);
    if (lastWasRepeat) throw parseError("invalid nested repetition operator", this.src.slice(this.lastRepeatStart, this.i));
    this.lastRepeatStart = start;
    // (?U) swaps the meaning of x* and x*?.
    return op + (lazy !== f.U ? "?" : "");
  }

  private lastRepeatStart = 0;

  /** Returns whether the construct can take a repetition operator. */
  private group(f: Flags, depth: number): boolean {
    const rest = this.src.slice(this.i);
    const named = /^\(\?P?<([^>]*)>/.exec(rest);
    if (named) {
      if (!/^[A-Za-z0-9_]+$/.test(named[1]!)) throw parseError("invalid named capture", named[0]);
      if (this.names.includes(named[1]!)) throw parseError("duplicate capture group name", named[1]!);
      this.names.push(named[1]!);
      this.i += named[0].length;
      this.out += `(?<${/^[0-9]/.test(named[1]!) ? "_" : ""}${named[1]}>`;
      this.sequence(f, depth + 1);
      this.closeGroup();
      return true;
    }
    const flagGroup = /^\(\?([a-zA-Z-]*)([:)])/.exec(rest);
    if (flagGroup) {
      const g = { ...f };
      let on = true;
      let bad = false;
      for (const ch of flagGroup[1]!) {
        if (ch === "-") {
          if (!on) bad = true;
          on = false;
        } else if (ch === "i" || ch === "m" || ch === "s" || ch === "U") {
          g[ch] = on;
        } else {
          bad = true;
        }
      }
      if (bad || flagGroup[1] === "" || flagGroup[1]!.endsWith("-")) {
        throw parseError("invalid or unsupported Perl syntax", flagGroup[0]);
      }
      this.i += flagGroup[0].length;
      if (flagGroup[2] === ")") {
        // (?flags) changes the flags for the rest of the current group.
        Object.assign(f, g);
        return false;
      }
      this.out += "(?:";
      this.sequence(g, depth + 1);
      this.closeGroup();
      return true;
    }
    if (rest.startsWith("(?")) {
      throw parseError("invalid or unsupported Perl syntax", rest.slice(0, rest[2] === "<" ? 4 : 3));
    }
    this.names.push("");
    this.i++;
    this.out += "(";
    this.sequence(f, depth + 1);
    this.closeGroup();
    return true;
  }

  private closeGroup(): void {
    if (this.src[this.i] !== ")") throw parseError("missing closing )", this.src);
    this.i++;
    this.out += ")";
  }

  /** An escape sequence; returns JS source (class-body form if inClass). */
  private escape(f: Flags, inClass: boolean): string {
    this.i++; // the backslash
    const c = this.src[this.i];
    if (c === undefined) throw parseError("trailing backslash at end of expression", "");
    const start = this.i - 1;
    this.i++;
    switch (c) {
      case "A":
        if (inClass) break;
        return "^";
      case "z":
        if (inClass) break;
        return "$";
      case "b":
      case "B":
        if (inClass) break;
        return "\\" + c;
      case "d":
      case "D":
      case "w":
      case "W":
        return "\\" + c;
      case "s":
        return inClass ? GO_SPACE : `[${GO_SPACE}]`;
      case "S":
        // JS can't negate inside a class without the v flag; its \S differs only for \v and Unicode spaces.
        return inClass ? "\\S" : `[^${GO_SPACE}]`;
      case "a":
        return "\\x07";
      case "f":
      case "t":
      case "n":
      case "r":
      case "v":
        return "\\" + c;
      case "Q": {
        const end = this.src.indexOf("\\E", this.i);
        const text = end < 0 ? this.src.slice(this.i) : this.src.slice(this.i, end);
        this.i = end < 0 ? this.src.length : end + 2;
        return [...text].map((ch) => literal(ch, f, this.globalI, inClass)).join("");
      }
      case "x": {
        if (this.src[this.i] === "{") {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.i));
          if (!m || parseInt(m[1]!, 16) > 0x10ffff) throw parseError("invalid escape sequence", this.src.slice(start, this.i + 1));
          this.i += m[0].length;
          return literal(String.fromCodePoint(parseInt(m[1]!, 16)), f, this.globalI, inClass);
        }
        const h = this.src.slice(this.i, this.i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) throw parseError("invalid escape sequence", this.src.slice(start, this.i + h.length));
        this.i += 2;
        return literal(String.fromCharCode(parseInt(h, 16)), f, this.globalI, inClass);
      }
      case "p":
      case "P":
        return this.unicodeClass(c === "P", start, inClass);
    }
    if (c >= "0" && c <= "7") {
      // Octal; a lone non-zero digit would be a backreference, which RE2 lacks.
      if (c !== "0" && !/[0-7]/.test(this.src[this.i] ?? "")) throw parseError("invalid escape sequence", `\\${c}`);
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(this.src[this.i] ?? "")) digits += this.src[this.i++];
      return literal(String.fromCharCode(parseInt(digits, 8)), f, this.globalI, inClass);
    }
    // Any punctuation may be escaped in RE2; letters and digits may not.
    if (/[\p{L}\p{N}]/u.test(c) || c.charCodeAt(0) > 0x7f) throw parseError("invalid escape sequence", `\\${c}`);
    return literal(c, f, this.globalI, inClass);
  }

  private unicodeClass(negated: boolean, start: number, inClass: boolean): string {
    let name: string;
    if (this.src[this.i] === "{") {
      const end = this.src.indexOf("}", this.i);
      if (end < 0) throw parseError("invalid character class range", this.src.slice(start));
      name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = this.src[this.i] ?? "";
      this.i++;
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    let body: string;
    if (name === "Any") {
      body = negated ? "" : "\\s\\S";
      return inClass ? body : negated ? "[^\\s\\S]" : "[\\s\\S]";
    }
    const isCategory = /^[A-Z][a-z]?$/.test(name);
    const prop = isCategory ? name : `Script=${name}`;
    try {
      new RegExp(`\\p{${prop}}`, "u");
    } catch {
      throw parseError("invalid character class range", this.src.slice(start, this.i));
    }
    return `\\${negated ? "P" : "p"}{${prop}}`;
  }

  private charClass(f: Flags): string {
    const start = this.i;
    this.i++;
    let negated = false;
    if (this.src[this.i] === "^") {
      negated = true;
      this.i++;
    }
    let body = "";
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) throw parseError("missing closing ]", this.src.slice(start));
      const c = this.src[this.i]!;
      // A ']' right after '[' or '[^' is a literal.
      if (c === "]" && !first) break;
      first = false;
      if (c === "[" && this.src[this.i + 1] === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i));
        if (m) {
          const ranges = POSIX_CLASSES[m[2]!];
          if (ranges === undefined) throw parseError("invalid character class range", m[0]);
          this.i += m[0].length;
          body += m[1] ? this.complementAscii(ranges) : ranges;
          continue;
        }
      }
      const lo = this.classAtom(f);
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.src[this.i + 1] !== undefined && lo.char !== undefined) {
        this.i++;
        const hi = this.classAtom(f);
        if (hi.char === undefined || hi.char.codePointAt(0)! < lo.char.codePointAt(0)!) {
          throw parseError("invalid character class range", `${lo.char}-${hi.char ?? ""}`);
        }
        body += this.range(lo.char, hi.char, f);
      } else {
        body += lo.js;
      }
    }
    this.i++; // ']'
    return `[${negated ? "^" : ""}${body}]`;
  }

  private range(lo: string, hi: string, f: Flags): string {
    const r = `${escapeLiteral(lo, true)}-${escapeLiteral(hi, true)}`;
    if (!f.i || this.globalI) return r;
    // Scoped (?i): add the other case of letter ranges.
    const extra: string[] = [];
    for (const [a, b] of [[lo.toLowerCase(), hi.toLowerCase()], [lo.toUpperCase(), hi.toUpperCase()]] as const) {
      if ([...a].length === 1 && [...b].length === 1 && a <= b && (a !== lo || b !== hi)) {
        extra.push(`${escapeLiteral(a, true)}-${escapeLiteral(b, true)}`);
      }
    }
    return r + extra.join("");
  }

  /** The complement of ASCII ranges within ASCII, for [[:^alpha:]]. */
  private complementAscii(ranges: string): string {
    const re = new RegExp(`[${ranges}]`);
    let out = "";
    for (let cp = 0; cp < 0x80; cp++) {
      if (!re.test(String.fromCharCode(cp))) out += "\\x" + cp.toString(16).padStart(2, "0");
    }
    return out + "\\u{80}-\\u{10FFFF}";
  }

  private classAtom(f: Flags): { js: string; char?: string } {
    const c = this.src[this.i]!;
    if (c === "\\") {
      const before = this.i;
      const js = this.escape({ ...f, i: false }, true);
      const text = this.src.slice(before, this.i);
      // Single-character escapes can be range endpoints.
      const single = /^\\(x[0-9a-fA-F]{2}|x\{[0-9a-fA-F]+\}|[0-7]{1,3}|[^a-zA-Z0-9])$/.test(text) || /^\\[aftnrv]$/.test(text);
      if (single) {
        const ch = decodeSingle(text);
        return { js: literal(ch, f, this.globalI, true), char: ch };
      }
      return { js };
    }
    const cp = this.src.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return { js: literal(ch, f, this.globalI, true), char: ch };
  }
}

function decodeSingle(text: string): string {
  const body = text.slice(1);
  const simple: Record<string, string> = { a: "\x07", f: "\f", t: "\t", n: "\n", r: "\r", v: "\v" };
  if (body in simple) return simple[body]!;
  if (body.startsWith("x{")) return String.fromCodePoint(parseInt(body.slice(2, -1), 16));
  if (body.startsWith("x")) return String.fromCharCode(parseInt(body.slice(1), 16));
  if (/^[0-7]+$/.test(body)) return String.fromCharCode(parseInt(body, 8));
  return body;
}

const cache = new Map<string, GoRegexp>();

/** regexp.Compile. Throws RegexpError with Go's message. */
export function compile(pattern: string): GoRegexp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const re = new Translator(pattern).translate();
  cache.set(pattern, re);
  return re;
}

/** regexp.MatchString: an unanchored search. */
export function matchString(pattern: string, s: string): boolean {
  const { re } = compile(pattern);
  re.lastIndex = 0;
  return re.exec(s) !== null;
}

/** Regexp.Expand's $name / ${name} extraction; undefined means "treat $ as text". */
function extract(s: string): { name: string; num: number; rest: string } | undefined {
  let str = s;
  if (str === "") return undefined;
  let brace = false;
  if (str[0] === "{") {
    brace = true;
    str = str.slice(1);
  }
  const m = /^[\p{L}\p{Nd}_]+/u.exec(str);
  if (!m) return undefined;
  const name = m[0];
  let i = name.length;
  if (brace) {
    if (str[i] !== "}") return undefined;
    i++;
  }
  let num = /^[0-9]+$/.test(name) && name.length <= 8 ? Number(name) : -1;
  if (name[0] === "0" && name.length > 1) num = -1; // no leading zeros
  return { name, num, rest: str.slice(i) };
}

function expand(template: string, match: RegExpExecArray, names: readonly string[]): string {
  let out = "";
  let t = template;
  for (;;) {
    const at = t.indexOf("$");
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith("$")) {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const ref = extract(t);
    if (!ref) {
      out += "$"; // malformed: the $ is literal text
      continue;
    }
    t = ref.rest;
    if (ref.num >= 0) {
      out += match[ref.num] ?? "";
    } else {
      const idx = names.findIndex((n, i) => n === ref.name && match[i] !== undefined);
      if (idx >= 0) out += match[idx] ?? "";
    }
  }
  return out + t;
}

/** Regexp.ReplaceAllString with Go's rules for empty matches. */
export function replaceAllString(pattern: string, src: string, repl: string): string {
  const { re, names } = compile(pattern);
  let out = "";
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    re.lastIndex = searchPos;
    const m = re.exec(src);
    if (m === null) break;
    const a0 = m.index;
    const a1 = a0 + m[0].length;
    out += src.slice(lastMatchEnd, a0);
    // No replacement for an empty match right after the previous match.
    if (a1 > lastMatchEnd || a0 === 0) out += expand(repl, m, names);
    lastMatchEnd = a1;
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + src.slice(lastMatchEnd);
}

/** How regexp.MustCompile panics, as safeCall reports it. */
export function mustCompileMessage(pattern: string, err: RegexpError): string {
  const q = canBackquote(pattern) ? "`" + pattern + "`" : quote(pattern);
  return `regexp: Compile(${q}): ${err.message}`;
}
