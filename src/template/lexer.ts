/**
 * Lexer for Go text/template, following text/template/parse/lex.go state by
 * state so that token boundaries, trim-marker handling and error texts match.
 *
 * Positions are JS string indices; errors convert them to Go's byte columns.
 */
import { quote } from "../go/strconv.js";

export type ItemType =
  | "error"
  | "bool"
  | "char"
  | "charConstant"
  | "complex"
  | "assign"
  | "declare"
  | "eof"
  | "field"
  | "identifier"
  | "leftDelim"
  | "leftParen"
  | "number"
  | "pipe"
  | "rawString"
  | "rightDelim"
  | "rightParen"
  | "space"
  | "string"
  | "text"
  | "variable"
  // Keywords.
  | "block"
  | "break"
  | "continue"
  | "dot"
  | "define"
  | "else"
  | "end"
  | "if"
  | "nil"
  | "range"
  | "template"
  | "with";

const KEYWORDS: ReadonlySet<string> = new Set([
  "block", "break", "continue", "define", "else", "end", "if", "nil", "range", "template", "with",
]);

export function isKeyword(t: ItemType): boolean {
  return t === "dot" || KEYWORDS.has(t);
}

export interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

const LEFT_DELIM = "{{";
const RIGHT_DELIM = "}}";
const LEFT_COMMENT = "/*";
const RIGHT_COMMENT = "*/";
const TRIM_MARKER_LEN = 2;
const EOF = -1;

// Go's isSpace inside actions includes newlines (since Go 1.16).
function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

function isAlphaNumeric(r: number): boolean {
  if (r === EOF) return false;
  if (r === 0x5f) return true;
  if (r < 0x80) return (r >= 0x30 && r <= 0x39) || ((r | 0x20) >= 0x61 && (r | 0x20) <= 0x7a);
  return /[\p{L}\p{Nd}]/u.test(String.fromCodePoint(r));
}

/** Whether the (ASCII) string `valid` contains the rune `r`. */
function oneOf(valid: string, r: number): boolean {
  for (let i = 0; i < valid.length; i++) if (valid.charCodeAt(i) === r) return true;
  return false;
}

function isPrintAscii(r: number): boolean {
  return r >= 0x20 && r < 0x7f;
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && s[at] === "-" && isSpace(s.charCodeAt(at + 1));
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && isSpace(s.charCodeAt(at)) && s[at + 1] === "-";
}

/** Go's %#U: U+00A0 ' ' */
export function formatRuneU(r: number): string {
  const hex = r.toString(16).toUpperCase().padStart(4, "0");
  const printable = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(r)) || r === 0x20;
  return printable ? `U+${hex} '${String.fromCodePoint(r)}'` : `U+${hex}`;
}

type StateFn = (l: Lexer) => StateFn | null;

export class Lexer {
  private pos = 0;
  private start = 0;
  private width = 0;
  private parenDepth = 0;
  private state: StateFn | null = lexText;
  private pending: Item[] = [];

  constructor(readonly input: string) {}

  /**
   * A lexer over `input` in the state it reaches after lexing `input`'s
   * first `at` characters when they end between items in text (just after
   * a `}}` without a trim marker, or at the start): lexing on from there
   * gives the same items a lexer from the start gives after `at`. `line` is
   * the line of position `at`.
   */
  static resumeAt(input: string, at: number, line: number): Lexer {
    const l = new Lexer(input);
    l.pos = at;
    l.start = at;
    l.linePos = at;
    l.lineNo = line;
    return l;
  }

  // lineAt's last answer: items come in order, so each counts on from the last.
  private linePos = 0;
  private lineNo = 1;

  /** Line of a position: 1 + newlines before it. */
  lineAt(pos: number): number {
    if (pos < this.linePos) {
      this.linePos = 0;
      this.lineNo = 1;
    }
    let n = this.lineNo;
    for (let i = this.linePos; i < pos; i++) if (this.input.charCodeAt(i) === 0x0a) n++;
    this.linePos = pos;
    this.lineNo = n;
    return n;
  }

  nextItem(): Item {
    while (this.pending.length === 0) {
      if (this.state === null) return this.item("eof", this.pos, "");
      this.state = this.state(this);
    }
    return this.pending.shift()!;
  }

  private item(type: ItemType, pos: number, val: string): Item {
    return { type, pos, val, line: this.lineAt(pos) };
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.width = r > 0xffff ? 2 : 1;
    this.pos += this.width;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    this.pos -= this.width;
  }

  emit(t: ItemType): void {
    this.pending.push(this.item(t, this.start, this.input.slice(this.start, this.pos)));
    this.start = this.pos;
  }

  ignore(): void {
    this.start = this.pos;
  }

  accept(valid: string): boolean {
    if (oneOf(valid, this.next())) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    while (oneOf(valid, this.next()));
    this.backup();
  }

  errorf(msg: string): null {
    this.pending.push(this.item("error", this.start, msg));
    return null;
  }

  /** Whether a right delimiter, trim-marked or not, starts here. */
  atAnyRightDelim(): boolean {
    const s = this.input;
    const p = this.pos;
    if (s.charCodeAt(p) === 0x7d) return s.charCodeAt(p + 1) === 0x7d;
    return isSpace(s.charCodeAt(p)) && s.charCodeAt(p + 1) === 0x2d && s.startsWith(RIGHT_DELIM, p + TRIM_MARKER_LEN);
  }

  atRightDelim(): { delim: boolean; trim: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT_DELIM, this.pos + TRIM_MARKER_LEN)) {
      return { delim: true, trim: true };
    }
    if (this.input.startsWith(RIGHT_DELIM, this.pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  }

  /** Identifiers must end at a space, '.', ',', '|', ':', '(', ')', EOF or the delimiter. */
  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
      case 0x7d: // } (the right delimiter's first character)
        return true;
    }
    return false;
  }

  // State plumbing exposed to the state functions below.
  get cursor(): number {
    return this.pos;
  }
  set cursor(p: number) {
    this.pos = p;
  }
  get begin(): number {
    return this.start;
  }
  get depth(): number {
    return this.parenDepth;
  }
  set depth(d: number) {
    this.parenDepth = d;
  }
}

function spaceRun(s: string, from: number, dir: 1 | -1, limit: number): number {
  let n = 0;
  if (dir === 1) {
    while (from + n < s.length && isSpace(s.charCodeAt(from + n))) n++;
  } else {
    while (from - n - 1 >= limit && isSpace(s.charCodeAt(from - n - 1))) n++;
  }
  return n;
}

function lexText(l: Lexer): StateFn | null {
  const x = l.input.indexOf(LEFT_DELIM, l.cursor);
  if (x >= 0) {
    l.cursor = x;
    // "{{- " trims all white space before the action.
    const trim = hasLeftTrimMarker(l.input, x + LEFT_DELIM.length) ? spaceRun(l.input, x, -1, l.begin) : 0;
    l.cursor -= trim;
    if (l.cursor > l.begin) l.emit("text");
    l.cursor += trim;
    l.ignore();
    return lexLeftDelim;
  }
  l.cursor = l.input.length;
  if (l.cursor > l.begin) {
    l.emit("text");
  }
  l.emit("eof");
  return null;
}

function lexLeftDelim(l: Lexer): StateFn | null {
  l.cursor += LEFT_DELIM.length;
  const trim = hasLeftTrimMarker(l.input, l.cursor);
  const afterMarker = trim ? TRIM_MARKER_LEN : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.cursor + afterMarker)) {
    l.cursor += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit("leftDelim");
  l.cursor += afterMarker;
  l.ignore();
  l.depth = 0;
  return lexInsideAction;
}

function lexComment(l: Lexer): StateFn | null {
  l.cursor += LEFT_COMMENT.length;
  const i = l.input.indexOf(RIGHT_COMMENT, l.cursor);
  if (i < 0) return l.errorf("unclosed comment");
  l.cursor = i + RIGHT_COMMENT.length;
  const { delim, trim } = l.atRightDelim();
  if (!delim) return l.errorf("comment ends before closing delimiter");
  if (trim) l.cursor += TRIM_MARKER_LEN;
  l.cursor += RIGHT_DELIM.length;
  if (trim) l.cursor += spaceRun(l.input, l.cursor, 1, 0);
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): StateFn | null {
  const trim = hasRightTrimMarker(l.input, l.cursor);
  if (trim) {
    l.cursor += TRIM_MARKER_LEN;
    l.ignore();
  }
  l.cursor += RIGHT_DELIM.length;
  l.emit("rightDelim");
  if (trim) {
    l.cursor += spaceRun(l.input, l.cursor, 1, 0);
    l.ignore();
  }
  return lexText;
}

function lexInsideAction(l: Lexer): StateFn | null {
  if (l.atAnyRightDelim()) {
    if (l.depth === 0) return lexRightDelim;
    return l.errorf("unclosed left paren");
  }
  const r = l.next();
  if (r === EOF) return l.errorf("unclosed action");
  if (isSpace(r)) {
    l.backup(); // The space may start " -}}".
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      l.emit("assign");
      return lexInsideAction;
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf("expected :=");
      l.emit("declare");
      return lexInsideAction;
    case 0x7c: // |
      l.emit("pipe");
      return lexInsideAction;
    case 0x22: // "
      return lexQuote;
    case 0x60: // `
      return lexRawQuote;
    case 0x24: // $
      return lexVariable;
    case 0x27: // '
      return lexChar;
    case 0x28: // (
      l.emit("leftParen");
      l.depth++;
      return lexInsideAction;
    case 0x29: // )
      l.depth--;
      // Go's lexer reports the error instead of the paren.
      if (l.depth < 0) return l.errorf(`unexpected right paren ${formatRuneU(r)}`);
      l.emit("rightParen");
      return lexInsideAction;
  }
  if (r === 0x2e) {
    // ".field" unless a digit follows, which makes it a number.
    if (l.cursor < l.input.length) {
      const n = l.input.charCodeAt(l.cursor);
      if (n < 0x30 || n > 0x39) return lexField;
    }
    l.backup();
    return lexNumber;
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (isPrintAscii(r)) {
    l.emit("char");
    return lexInsideAction;
  }
  return l.errorf(`unrecognized character in action: ${formatRuneU(r)}`);
}

function lexSpace(l: Lexer): StateFn | null {
  let numSpaces = 0;
  while (isSpace(l.peek())) {
    l.next();
    numSpaces++;
  }
  // A trim-marked right delimiter starts with a space: leave it for lexRightDelim.
  if (hasRightTrimMarker(l.input, l.cursor - 1) && l.input.startsWith(RIGHT_DELIM, l.cursor - 1 + TRIM_MARKER_LEN)) {
    l.backup();
    if (numSpaces === 1) return lexRightDelim;
  }
  l.emit("space");
  return lexInsideAction;
}

function lexIdentifier(l: Lexer): StateFn | null {
  let r: number;
  do {
    r = l.next();
  } while (isAlphaNumeric(r));
  l.backup();
  const word = l.input.slice(l.begin, l.cursor);
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
  if (KEYWORDS.has(word)) l.emit(word as ItemType);
  else if (word === "true" || word === "false") l.emit("bool");
  else l.emit("identifier");
  return lexInsideAction;
}

function lexField(l: Lexer): StateFn | null {
  return lexFieldOrVariable(l, "field");
}

function lexVariable(l: Lexer): StateFn | null {
  if (l.atTerminator()) {
    l.emit("variable");
    return lexInsideAction;
  }
  return lexFieldOrVariable(l, "variable");
}

function lexFieldOrVariable(l: Lexer, typ: "field" | "variable"): StateFn | null {
  if (l.atTerminator()) {
    l.emit(typ === "variable" ? "variable" : "dot");
    return lexInsideAction;
  }
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
  l.emit(typ);
  return lexInsideAction;
}

function lexChar(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF && e !== 0x0a) continue;
      return l.errorf("unterminated character constant");
    }
    if (r === EOF || r === 0x0a) return l.errorf("unterminated character constant");
    if (r === 0x27) break;
  }
  l.emit("charConstant");
  return lexInsideAction;
}

function scanNumber(l: Lexer): boolean {
  l.accept("+-");
  let digits = "0123456789_";
  if (l.accept("0")) {
    // A leading 0 does not mean octal in floats.
    if (l.accept("xX")) digits = "0123456789abcdefABCDEF_";
    else if (l.accept("oO")) digits = "01234567_";
    else if (l.accept("bB")) digits = "01_";
  }
  l.acceptRun(digits);
  if (l.accept(".")) l.acceptRun(digits);
  if (digits.length === 11 && l.accept("eE")) {
    l.accept("+-");
    l.acceptRun("0123456789_");
  }
  if (digits.length === 23 && l.accept("pP")) {
    l.accept("+-");
    l.acceptRun("0123456789_");
  }
  l.accept("i");
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}

function lexNumber(l: Lexer): StateFn | null {
  if (!scanNumber(l)) return l.errorf(`bad number syntax: ${quote(l.input.slice(l.begin, l.cursor))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    // Complex: 1+2i. No spaces, must end in 'i'.
    if (!scanNumber(l) || l.input[l.cursor - 1] !== "i") {
      return l.errorf(`bad number syntax: ${quote(l.input.slice(l.begin, l.cursor))}`);
    }
    l.emit("complex");
  } else {
    l.emit("number");
  }
  return lexInsideAction;
}

function lexQuote(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF && e !== 0x0a) continue;
      return l.errorf("unterminated quoted string");
    }
    if (r === EOF || r === 0x0a) return l.errorf("unterminated quoted string");
    if (r === 0x22) break;
  }
  l.emit("string");
  return lexInsideAction;
}

function lexRawQuote(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (r === EOF) return l.errorf("unterminated raw quoted string");
    if (r === 0x60) break;
  }
  l.emit("rawString");
  return lexInsideAction;
}
