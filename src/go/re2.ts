/**
 * Go regular expressions (RE2 syntax, as Go's regexp/syntax parses it with
 * the Perl flags) translated to JavaScript RegExp. The one translator behind
 * PromQL's label matchers and label_replace (src/promql/regex.ts: fully
 * anchored, `.` matching newlines) and the template functions `match` and
 * `reReplaceAll` (src/ruletest/template/go-regexp.ts: unanchored, global).
 *
 * Translated, not passed through, because the dialects disagree in ways that
 * change results:
 * - `\A` and `\z` are text anchors, `\Q...\E` quotes; JS knows neither;
 * - Perl classes are ASCII: `\s` is `[\t\n\f\r ]` (JS's adds `\v` and Unicode
 *   spaces); POSIX classes `[[:alpha:]]`; `\pL`, `\p{Greek}`;
 * - `.` matches `\r`, `\u2028` and `\u2029`, only `\n` is special;
 * - `(?i)`, `(?m)`, `(?s)` and `(?U)` (ungreedy: swaps `x*` and `x*?`) can be
 *   scoped to a group or set mid-pattern; `(?m)` lines end only at `\n`;
 * - a `{` that is not a repeat count is a literal; a repeat can follow an
 *   empty-width assertion (`^*`);
 * - repeat counts are capped at 1000, also as a product when nested.
 * RE2 rejects backreferences, lookarounds and other Perl syntax, and so does
 * this translator, with Go's error messages.
 *
 * Limitations: RE2's linear-time guarantee is not kept (JS backtracks). Under
 * a `(?i)` that covers the whole pattern JS's own `i` flag folds case, which
 * also makes `\b` treat `ſ` (U+017F) and `K` (U+212A) as word characters;
 * under a scoped `(?i)`, `\pN` classes are not case-folded. Go's limits on
 * expression size and nesting depth are not enforced.
 */

/**
 * RE2's POSIX classes (`[[:alpha:]]`) as JavaScript class ranges, escaped so
 * they are valid with and without the `u` flag.
 */
export const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** RE2's Perl classes, all ASCII-only: `\d`, `\s`, `\w` (and `\D`, `\S`, `\W`). */
const PERL_CLASSES: Readonly<Record<string, string>> = {
  d: "0-9",
  s: "\\t\\n\\f\\r ",
  w: "0-9A-Za-z_",
};

/** A Go regexp/syntax parse error; the message is Go's `*syntax.Error` text. */
export class RegexpSyntaxError extends Error {
  constructor(
    readonly code: string,
    readonly expr: string,
    options?: { cause?: unknown },
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``, options);
  }
}

const ERR = {
  internal: "regexp/syntax: internal error",
  charRange: "invalid character class range",
  escape: "invalid escape sequence",
  namedCapture: "invalid named capture",
  perlOp: "invalid or unsupported Perl syntax",
  repeatOp: "invalid nested repetition operator",
  repeatSize: "invalid repeat count",
  missingBracket: "missing closing ]",
  missingParen: "missing closing )",
  missingRepeatArgument: "missing argument to repetition operator",
  trailingBackslash: "trailing backslash at end of expression",
  unexpectedParen: "unexpected )",
} as const;

/** The RE2 flags: case-insensitive, multi-line, `.` matches `\n`, ungreedy. */
export interface RegexpFlags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

export interface TranslatedRE2 {
  /** JavaScript pattern source, unanchored, for use with `flags`. */
  source: string;
  /** `u`, or `iu` when case-insensitivity covers the whole pattern. */
  flags: string;
  /**
   * Capture group names by group index (0 is the whole match); "" for unnamed
   * groups. Go allows names JS does not (a leading digit, duplicates); those
   * groups are unnamed on the JS side, so look names up here.
   */
  names: string[];
}

export interface RegexpOptions {
  /** Flags in effect before the pattern's own, e.g. `{ s: true }` for PromQL. */
  flags?: Partial<RegexpFlags>;
  /** Match the whole input only (`^(?:…)$`). */
  anchored?: boolean;
  /** Add JS's `g` flag (for iterating matches with lastIndex). */
  global?: boolean;
}

export interface CompiledRE2 {
  re: RegExp;
  names: readonly string[];
}

/** Translates a Go regexp; throws RegexpSyntaxError where Go's regexp.Compile fails. */
export function translateRE2(pattern: string, initial: Partial<RegexpFlags> = {}): TranslatedRE2 {
  const flags: RegexpFlags = { i: false, m: false, s: false, U: false, ...initial };
  // A case-insensitivity that is never switched off maps onto JS's own i flag;
  // otherwise the translation spells out each letter's cases.
  const lead = /^\(\?([imsU]*)\)/.exec(pattern);
  const globalI = (flags.i || (lead !== null && lead[1]!.includes("i"))) && !/\(\?[a-zA-Z]*-[a-zA-Z]*i/.test(pattern);
  const t = new Translator(pattern, globalI);
  return { source: t.run(flags), flags: globalI ? "iu" : "u", names: t.names };
}

/** regexp.Compile as a JS RegExp. */
export function compileRE2(pattern: string, options: RegexpOptions = {}): CompiledRE2 {
  const { source, flags, names } = translateRE2(pattern, options.flags);
  try {
    const re = new RegExp(options.anchored ? `^(?:${source})$` : source, (options.global ? "g" : "") + flags);
    return { re, names };
  } catch (e) {
    throw new RegexpSyntaxError(ERR.internal, pattern, { cause: e });
  }
}

const MAX_REPEAT = 1000;
const MAX_RUNE = 0x10ffff;
const JS_SYNTAX = "^$\\.*+?()[]{}|/";

function isAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** A code point as a JS pattern atom outside a class. */
function escapeAtom(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return JS_SYNTAX.includes(ch) ? "\\" + ch : ch;
}

/** A code point as a class member. */
function escapeMember(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f) {
    return String.fromCodePoint(cp);
  }
  return hex(cp);
}

/** A class body for sorted, distinct code points, as ranges. */
function classBody(cps: readonly number[]): string {
  let out = "";
  for (let k = 0; k < cps.length; ) {
    let j = k;
    while (j + 1 < cps.length && cps[j + 1] === cps[j]! + 1) j++;
    out += escapeMember(cps[k]!);
    if (j > k) out += (j > k + 1 ? "-" : "") + escapeMember(cps[j]!);
    k = j + 1;
  }
  return out;
}

/** The class body matching every code point not in `cps` (sorted, distinct). */
function complementBody(cps: readonly number[]): string {
  let out = "";
  let next = 0;
  for (const cp of cps) {
    if (cp > next) out += cp - 1 > next ? `${hex(next)}-${hex(cp - 1)}` : hex(next);
    next = cp + 1;
  }
  if (next <= MAX_RUNE) out += `${hex(next)}-${hex(MAX_RUNE)}`;
  return out;
}

const asciiSets = new Map<string, number[]>();

/** The ASCII code points a range table (POSIX_CLASSES / PERL_CLASSES) holds. */
function asciiMembers(ranges: string): number[] {
  let set = asciiSets.get(ranges);
  if (set === undefined) {
    const re = new RegExp(`^[${ranges}]$`);
    set = [];
    for (let cp = 0; cp < 0x80; cp++) if (re.test(String.fromCharCode(cp))) set.push(cp);
    asciiSets.set(ranges, set);
  }
  return set;
}

// Case folding. Go folds along unicode.SimpleFold orbits (k, K and the Kelvin
// sign K are one orbit); JS's `iu` flags fold by Unicode simple case folding,
// which puts the same characters together. Orbits are needed where the
// translation spells cases out itself (a scoped (?i), negated classes).
const MIN_FOLD = 0x41;
const MAX_FOLD = 0x1e943;
let foldOrbits: Map<number, number[]> | undefined;

function singleCodePoint(s: string): number | undefined {
  const cp = s.codePointAt(0);
  return cp !== undefined && s.length === (cp > 0xffff ? 2 : 1) ? cp : undefined;
}

/** Candidates for sharing a fold: upper-then-lower case mapping where it is one code point. */
function foldKey(cp: number): number {
  const ch = String.fromCodePoint(cp);
  const up = singleCodePoint(ch.toUpperCase());
  if (up !== undefined) return singleCodePoint(String.fromCodePoint(up).toLowerCase()) ?? up;
  return singleCodePoint(ch.toLowerCase()) ?? cp;
}

/** All code points that match `cp` case-insensitively (including `cp`), ascending. */
function caseOrbit(cp: number): readonly number[] {
  if (cp < MIN_FOLD || cp > MAX_FOLD) return [cp];
  if (cp < 0x80) {
    const lower = cp | 0x20;
    if (lower < 0x61 || lower > 0x7a) return [cp];
    const extra = lower === 0x6b ? [0x212a] : lower === 0x73 ? [0x17f] : [];
    return [lower - 0x20, lower, ...extra];
  }
  if (foldOrbits === undefined) {
    const candidates = new Map<number, number[]>();
    for (let c = MIN_FOLD; c <= MAX_FOLD; c++) {
      const key = foldKey(c);
      const group = candidates.get(key);
      if (group) group.push(c);
      else candidates.set(key, [c]);
    }
    foldOrbits = new Map();
    // The candidates over-approximate (ı upper-cases to I); JS decides.
    for (const group of candidates.values()) {
      if (group.length < 2) continue;
      for (const c of group) {
        const re = new RegExp(`^${hex(c)}$`, "iu");
        const orbit = group.filter((d) => re.test(String.fromCodePoint(d)));
        if (orbit.length > 1) foldOrbits.set(c, orbit);
      }
    }
  }
  return foldOrbits.get(cp) ?? [cp];
}

/** The members of an ASCII group, with their case variants if folding. */
function foldedAscii(ranges: string, fold: boolean): number[] {
  const members = asciiMembers(ranges);
  if (!fold) return members;
  const set = new Set<number>();
  for (const cp of members) for (const v of caseOrbit(cp)) set.add(v);
  return [...set].sort((a, b) => a - b);
}

/** An operand of a repetition: where it starts in the output, and how to repeat it. */
interface Operand {
  start: number;
  /** Needs (?:…) around it to take a quantifier (assertions, repeats). */
  wrap: boolean;
  /** Largest product of counted repeats ({n,m}) on any path inside it. */
  weight: number;
}

class Translator {
  private i = 0;
  readonly names: string[] = [""];
  private readonly jsNames = new Set<string>();

  constructor(
    private readonly src: string,
    private readonly globalI: boolean,
  ) {}

  private fail(code: string, expr: string): never {
    throw new RegexpSyntaxError(code, expr);
  }

  run(flags: RegexpFlags): string {
    return this.sequence(flags, 0).js;
  }

  /** Translates up to an unmatched ')' (left unread) or the end. */
  private sequence(flags: RegexpFlags, depth: number): { js: string; weight: number } {
    const src = this.src;
    const f = { ...flags }; // (?flags) changes these up to the end of the group
    let out = "";
    const weights: number[] = [];
    let operand: Operand | undefined;
    let lastRepeat = -1; // where the previous token began, if it was a repetition
    const atom = (js: string, wrap = false, weight = 1): void => {
      operand = { start: out.length, wrap, weight };
      weights.push(weight);
      out += js;
    };
    while (this.i < src.length) {
      const start = this.i;
      const c = src[start]!;
      if (c === ")") {
        if (depth === 0) this.fail(ERR.unexpectedParen, src);
        break;
      }
      if (c === "*" || c === "+" || c === "?" || c === "{") {
        const rep = this.repeatOp();
        if (rep !== undefined) {
          if (lastRepeat >= 0) this.fail(ERR.repeatOp, src.slice(lastRepeat, this.i));
          if (operand === undefined) this.fail(ERR.missingRepeatArgument, src.slice(start, this.i));
          const m = rep.max === -1 ? rep.min : rep.max;
          const weight = m === 0 ? 0 : m * operand.weight;
          if ((rep.min >= 2 || rep.max >= 2) && weight > MAX_REPEAT) this.fail(ERR.repeatSize, src.slice(start, this.i));
          const body = out.slice(operand.start);
          out = out.slice(0, operand.start) + (operand.wrap ? `(?:${body})` : body) + rep.js + (rep.lazy !== f.U ? "?" : "");
          operand.wrap = true;
          operand.weight = rep.counted ? weight : operand.weight;
          weights[weights.length - 1] = operand.weight;
          lastRepeat = start;
          continue;
        }
      }
      lastRepeat = -1;
      switch (c) {
        case "|":
          this.i++;
          out += "|";
          operand = undefined;
          break;
        case "^":
          this.i++;
          atom(f.m ? "(?<=^|\\n)" : "^", true);
          break;
        case "$":
          this.i++;
          atom(f.m ? "(?=\\n|$)" : "$", true);
          break;
        case ".":
          this.i++;
          atom(f.s ? "[\\s\\S]" : "[^\\n]");
          break;
        case "[":
          atom(this.charClass(f));
          break;
        case "(": {
          const group = this.group(f, depth);
          if (group !== undefined) atom(group.js, false, group.weight);
          break;
        }
        case "\\":
          this.escape(f, atom);
          break;
        default: {
          const cp = src.codePointAt(start)!;
          this.i += cp > 0xffff ? 2 : 1;
          atom(this.literal(cp, f));
        }
      }
    }
    if (depth > 0 && this.i >= src.length) this.fail(ERR.missingParen, src);
    return { js: out, weight: weights.reduce((a, b) => Math.max(a, b), 1) };
  }

  /** A repetition operator at this.i, or undefined for a `{` that is a literal. */
  private repeatOp(): { js: string; min: number; max: number; lazy: boolean; counted: boolean } | undefined {
    const src = this.src;
    let js: string;
    let min: number;
    let max: number;
    const c = src[this.i]!;
    if (c === "{") {
      // {n}, {n,} or {n,m}, decimal without leading zeros; anything else is literal text.
      const m = /^\{(0|[1-9][0-9]*)(?:(,)(0|[1-9][0-9]*)?)?\}/.exec(src.slice(this.i));
      if (!m) return undefined;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) this.fail(ERR.repeatSize, m[0]);
      js = max === -1 ? `{${min},}` : max === min ? `{${min}}` : `{${min},${max}}`;
      this.i += m[0].length;
    } else {
      js = c;
      min = c === "+" ? 1 : 0;
      max = c === "?" ? 1 : -1;
      this.i++;
    }
    const lazy = src[this.i] === "?";
    if (lazy) this.i++;
    return { js, min, max, lazy, counted: c === "{" };
  }

  /**
   * A group; undefined for `(?flags)`, which changes `f` for the rest of the
   * enclosing group and is no operand.
   */
  private group(f: RegexpFlags, depth: number): { js: string; weight: number } | undefined {
    const src = this.src;
    const start = this.i;
    if (src[start + 1] !== "?") {
      this.i++;
      return this.capture("", f, depth);
    }
    const rest = src.length - start;
    const named = rest > 4 && src.startsWith("(?P<", start) ? 4 : rest > 3 && src.startsWith("(?<", start) ? 3 : 0;
    if (named > 0) {
      const end = src.indexOf(">", start);
      if (end < 0) this.fail(ERR.namedCapture, src.slice(start));
      const name = src.slice(start + named, end);
      if (!/^[0-9A-Za-z_]+$/.test(name)) this.fail(ERR.namedCapture, src.slice(start, end + 1));
      this.i = end + 1;
      return this.capture(name, f, depth);
    }
    // Flags: (?flags) or (?flags:re), flags being xyz, -xyz or xy-z.
    const g = { ...f };
    let on = true;
    let sawFlag = false;
    let k = start + 2;
    for (;;) {
      const c = src[k++];
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        g[c] = on;
        sawFlag = true;
      } else if (c === "-" && on) {
        on = false;
        sawFlag = false;
      } else if ((c === ":" || c === ")") && (on || sawFlag)) {
        this.i = k;
        if (c === ")") {
          Object.assign(f, g);
          return undefined;
        }
        const inner = this.sequence(g, depth + 1);
        this.i++; // ')'
        return { js: `(?:${inner.js})`, weight: inner.weight };
      } else {
        // The error shows the text up to and including the offending character.
        const end = c === undefined ? src.length : k - 1 + (src.codePointAt(k - 1)! > 0xffff ? 2 : 1);
        this.fail(ERR.perlOp, src.slice(start, end));
      }
    }
  }

  private capture(name: string, f: RegexpFlags, depth: number): { js: string; weight: number } {
    this.names.push(name);
    let open = "(";
    // JS names cannot start with a digit or repeat; such groups stay unnamed in JS.
    if (name !== "" && !/^[0-9]/.test(name) && !this.jsNames.has(name)) {
      this.jsNames.add(name);
      open = `(?<${name}>`;
    }
    const inner = this.sequence(f, depth + 1);
    this.i++; // ')'
    return { js: `${open}${inner.js})`, weight: inner.weight };
  }

  /** A literal code point outside a class. */
  private literal(cp: number, f: RegexpFlags): string {
    if (f.i && !this.globalI) {
      const orbit = caseOrbit(cp);
      if (orbit.length > 1) return `[${classBody(orbit)}]`;
    }
    return escapeAtom(cp);
  }

  /** A backslash sequence outside a class; emits through `atom`. */
  private escape(f: RegexpFlags, atom: (js: string, wrap?: boolean) => void): void {
    const src = this.src;
    const c = src[this.i + 1];
    switch (c) {
      case "A":
        this.i += 2;
        return atom("^", true);
      case "z":
        this.i += 2;
        return atom("$", true);
      case "b":
      case "B":
        this.i += 2;
        return atom("\\" + c, true);
      case "C": // any byte
        return this.fail(ERR.escape, "\\C");
      case "Q": {
        const end = src.indexOf("\\E", this.i + 2);
        const text = end < 0 ? src.slice(this.i + 2) : src.slice(this.i + 2, end);
        this.i = end < 0 ? src.length : end + 2;
        for (const ch of text) atom(this.literal(ch.codePointAt(0)!, f));
        return;
      }
      case "p":
      case "P":
        return atom(this.unicodeClass(f, false));
      case "d":
      case "D":
      case "s":
      case "S":
      case "w":
      case "W":
        this.i += 2;
        return atom(this.asciiGroup(PERL_CLASSES[c.toLowerCase()]!, c !== c.toLowerCase(), f, false));
    }
    atom(this.literal(this.escapedChar(), f));
  }

  /** Go's parseEscape: a backslash sequence standing for one character. */
  private escapedChar(): number {
    const src = this.src;
    const start = this.i;
    if (start + 1 >= src.length) this.fail(ERR.trailingBackslash, "");
    this.i = start + 1;
    const next = (): string | undefined => {
      const cp = src.codePointAt(this.i);
      if (cp === undefined) return undefined;
      const ch = String.fromCodePoint(cp);
      this.i += ch.length;
      return ch;
    };
    const bad: () => never = () => this.fail(ERR.escape, src.slice(start, this.i));
    const isHex = (d: string | undefined): d is string => d !== undefined && /^[0-9A-Fa-f]$/.test(d);
    const c = next()!;
    if (c >= "0" && c <= "7") {
      // \1 to \7 alone would be backreferences, which RE2 lacks.
      if (c !== "0" && !/[0-7]/.test(src[this.i] ?? "")) bad();
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(src[this.i] ?? "")) digits += src[this.i++]!;
      return parseInt(digits, 8);
    }
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (Object.hasOwn(simple, c)) return simple[c]!;
    if (c === "x") {
      const d = next();
      if (d === "{") {
        // Any number of hex digits up to U+10FFFF, at least one.
        let value = 0;
        let digits = 0;
        for (let h = next(); h !== "}"; h = next()) {
          if (!isHex(h)) bad();
          value = value * 16 + parseInt(h, 16);
          digits++;
          if (value > MAX_RUNE) bad();
        }
        if (digits === 0) bad();
        return value;
      }
      const e = next();
      if (!isHex(d) || !isHex(e)) bad();
      return parseInt(d + e, 16);
    }
    // Any ASCII punctuation may be escaped; letters, digits and non-ASCII may not.
    if (c.codePointAt(0)! >= 0x80 || isAlnum(c)) bad();
    return c.codePointAt(0)!;
  }

  /** A Perl or POSIX class; as a class body if inClass, else as a whole class. */
  private asciiGroup(ranges: string, negated: boolean, f: RegexpFlags, inClass: boolean): string {
    // Go folds the class before negating it, so (?i)\W excludes ſ; spelling the
    // folded members out keeps JS's i flag from adding case partners back.
    const members = foldedAscii(ranges, f.i);
    if (!negated) return inClass ? classBody(members) : `[${classBody(members)}]`;
    return inClass ? complementBody(members) : `[^${classBody(members)}]`;
  }

  /** `\pN`, `\p{Name}`, `\PN`, `\P{^Name}`: a Unicode category or script. */
  private unicodeClass(f: RegexpFlags, inClass: boolean): string {
    const src = this.src;
    const start = this.i;
    let negated = src[start + 1] === "P";
    let name: string;
    if (src[start + 2] === "{") {
      const end = src.indexOf("}", start);
      if (end < 0) this.fail(ERR.charRange, src.slice(start));
      name = src.slice(start + 3, end);
      this.i = end + 1;
    } else {
      const cp = src.codePointAt(start + 2);
      const len = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
      name = src.slice(start + 2, start + 2 + len);
      this.i = start + 2 + len;
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    let js: string;
    if (name === "Any") {
      js = `${hex(0)}-${hex(MAX_RUNE)}`;
      if (inClass) return negated ? "" : js;
      return negated ? `[^${js}]` : `[${js}]`;
    }
    // Go knows unicode.Categories (L, Lu, …) and unicode.Scripts (Greek, Yi, …).
    const candidates = /^[A-Z][a-z]?$/.test(name) ? [name] : [];
    if (/^[A-Z][A-Za-z_]*$/.test(name)) candidates.push(`Script=${name}`);
    const prop = candidates.find((p) => {
      try {
        return new RegExp(`\\p{${p}}`, "u") !== undefined;
      } catch {
        return false;
      }
    });
    if (prop === undefined) this.fail(ERR.charRange, src.slice(start, this.i));
    js = `\\p{${prop}}`;
    if (!negated) return js;
    // [^\p{X}] under i excludes X's case partners too, as Go's folded \P{X} does.
    return inClass || !f.i ? `\\P{${prop}}` : `[^${js}]`;
  }

  /** A bracketed class `[...]`, with Go's rules for `]`, `-` and `[:name:]`. */
  private charClass(f: RegexpFlags): string {
    const src = this.src;
    const start = this.i;
    this.i++;
    let negated = false;
    if (src[this.i] === "^") {
      negated = true;
      this.i++;
    }
    let body = "";
    let first = true; // ']' right after '[' or '[^' is a literal
    while (this.i >= src.length || src[this.i] !== "]" || first) {
      first = false;
      const at = this.i;
      if (src.startsWith("[:", at) && src.length - at > 2) {
        const end = src.indexOf(":]", at + 2);
        if (end >= 0) {
          const spelled = src.slice(at, end + 2);
          const inner = spelled.slice(2, -2);
          const name = inner.startsWith("^") ? inner.slice(1) : inner;
          const ranges = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
          if (ranges === undefined) this.fail(ERR.charRange, spelled);
          body += this.asciiGroup(ranges, inner !== name, f, true);
          this.i = end + 2;
          continue;
        }
      }
      if (src[at] === "\\" && (src[at + 1] === "p" || src[at + 1] === "P")) {
        body += this.unicodeClass(f, true);
        continue;
      }
      const perl = src[at] === "\\" ? src[at + 1] : undefined;
      if (perl !== undefined && "dDsSwW".includes(perl)) {
        this.i += 2;
        body += this.asciiGroup(PERL_CLASSES[perl.toLowerCase()]!, perl !== perl.toLowerCase(), f, true);
        continue;
      }
      const lo = this.classChar(start);
      let hi = lo;
      // [a-] is 'a' or '-'.
      if (src[this.i] === "-" && this.i + 1 < src.length && src[this.i + 1] !== "]") {
        this.i++;
        hi = this.classChar(start);
        if (hi < lo) this.fail(ERR.charRange, src.slice(at, this.i));
      }
      body += this.classRange(lo, hi, f);
    }
    this.i++; // ']'
    return `[${negated ? "^" : ""}${body}]`;
  }

  private classChar(classStart: number): number {
    const src = this.src;
    if (this.i >= src.length) this.fail(ERR.missingBracket, src.slice(classStart));
    if (src[this.i] === "\\") return this.escapedChar();
    const cp = src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private classRange(lo: number, hi: number, f: RegexpFlags): string {
    let out = escapeMember(lo) + (hi > lo ? "-" + escapeMember(hi) : "");
    if (!f.i || this.globalI) return out;
    // A scoped (?i): add the case partners that fall outside the range.
    const extra = new Set<number>();
    for (let cp = Math.max(lo, MIN_FOLD); cp <= Math.min(hi, MAX_FOLD); cp++) {
      for (const v of caseOrbit(cp)) if (v < lo || v > hi) extra.add(v);
    }
    for (const v of extra) out += escapeMember(v);
    return out;
  }
}
