/**
 * Parser for Go text/template (text/template/parse/parse.go), with the same
 * three-token lookahead, variable scoping checks and error messages, e.g.
 * `template: x:1: function "foo" not defined`.
 */
import { isKeyword, Lexer, type Item, type ItemType } from "./lexer.js";
import {
  isEmptyTree,
  nodeString,
  type BranchNode,
  type CommandNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type VariableNode,
} from "./nodes.js";
import { parseFloat64, quote, unquote, unquoteChar } from "../go/strconv.js";

export interface Tree {
  name: string;
  /** Name of the top-level template being parsed, used in error locations. */
  parseName: string;
  root: ListNode;
  text: string;
}

/** What a parse error is about, for callers that explain it in their own words. */
export type TemplateErrorDetail =
  | { kind: "function"; name: string }
  | { kind: "variable"; name: string; scope: readonly string[] }
  /** An action without its closing delimiter. */
  | { kind: "unclosedAction" }
  /** {{end}} or {{else}} with no control to close. */
  | { kind: "unmatched"; keyword: "end" | "else" }
  /** The text ended inside an {{if}}, {{range}}, {{with}}, {{define}} or {{block}}. */
  | { kind: "unterminated"; keyword: string }
  /** A pipeline stage after the first that is a constant. */
  | { kind: "nonExecutable"; stage: number }
  | { kind: "other" };

/**
 * Go's parse error. `message` is Go's text (`template: x:1: ...`); `reason`
 * is the part after the location, `offset` the position in the template
 * text (JS string index) of what it is about, which Go does not report.
 */
export class TemplateParseError extends Error {
  constructor(
    message: string,
    readonly reason: string = message,
    readonly offset: number = 0,
    readonly detail: TemplateErrorDetail = { kind: "other" },
  ) {
    super(message);
  }
}

/** Where an error points: an offset into the text and what it is about. */
interface ErrorAt {
  offset?: number;
  detail?: TemplateErrorDetail;
}

/** State the parsers of one text share (a {{define}} or {{block}} body has its own parser). */
interface SharedState {
  /** Open controls, innermost last, with the offset of their `{{`. */
  open: { keyword: string; pos: number }[];
  /** Offset of the `{{` of the most recent action. */
  actionPos: number;
}

const MAX_STACK_DEPTH = 10000;

/** Go's item.String, as used in "unexpected X in Y" messages. */
function itemString(i: Item): string {
  if (i.type === "eof") return "EOF";
  if (i.type === "error") return i.val;
  if (isKeyword(i.type)) return `<${i.val}>`;
  if ([...i.val].length > 10) return `${quote([...i.val].slice(0, 10).join(""))}...`;
  return quote(i.val);
}

class Parser {
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ["$"];
  private actionLine = 0;
  /** Offset of the `{{` of the action being parsed. */
  private actionPos = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(
    private readonly lex: Lexer,
    private readonly treeSet: Map<string, Tree>,
    private readonly hasFunction: (name: string) => boolean,
    readonly parseName: string,
    private name: string,
    private readonly shared: SharedState = { open: [], actionPos: 0 },
  ) {}

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let t: Item;
    do t = this.next();
    while (t.type === "space");
    return t;
  }

  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  /** Throws Go's error; `at` says where it points (default: the most recently lexed token). */
  errorf(msg: string, at: ErrorAt = {}): never {
    // Go reports the line of the most recently lexed token.
    const line = this.token[0]?.line ?? 1;
    const offset = at.offset ?? this.token[0]?.pos ?? 0;
    throw new TemplateParseError(`template: ${this.parseName}:${line}: ${msg}`, msg, offset, at.detail);
  }

  private expect(expected: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.type !== expected) this.unexpected(t, context);
    return t;
  }

  private unexpected(t: Item, context: string): never {
    if (t.type === "error") {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        // Avoid "unclosed action in action started at ...".
        if (t.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      const unclosed = t.val === "unclosed action";
      // "bad character" is about the character after the name that starts at t.pos.
      const offset = unclosed ? this.actionPos : t.val.startsWith("bad character ") ? afterName(this.lex.input, t.pos) : t.pos;
      this.errorf(`${itemString(t)}${extra}`, {
        offset,
        detail: unclosed ? { kind: "unclosedAction" } : undefined,
      });
    }
    this.errorf(`unexpected ${itemString(t)} in ${context}`, { offset: t.pos });
  }

  /** Runs `body` with `keyword` (opened by the `{{` at `pos`) as the innermost open control. */
  private inside<T>(keyword: string, pos: number, body: () => T): T {
    this.shared.open.push({ keyword, pos });
    try {
      return body();
    } finally {
      this.shared.open.pop();
    }
  }

  /** The error for {{end}} or {{else}} (the node `n`) where none may be. */
  private unmatched(msg: string, n: Node): never {
    this.errorf(msg, {
      offset: this.shared.actionPos,
      detail: n.kind === "end" || n.kind === "else" ? { kind: "unmatched", keyword: n.kind } : undefined,
    });
  }

  /** Top level: text, actions and {{define}}s up to EOF (after `root`'s nodes when resuming). */
  parse(root: ListNode = { kind: "list", pos: this.peek().pos, nodes: [] }): ListNode {
    while (this.peek().type !== "eof") {
      if (this.peek().type === "leftDelim") {
        const delim = this.next();
        if (this.nextNonSpace().type === "define") {
          const sub = new Parser(this.lex, this.treeSet, this.hasFunction, this.parseName, "definition", this.shared);
          this.inside("define", delim.pos, () => sub.parseDefinition());
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") this.unmatched(`unexpected ${nodeString(n)}`, n);
      root.nodes.push(n);
    }
    return root;
  }

  /** The state after parsing a prefix (see parsePrefix), with its root. */
  snapshot(text: string, root: ListNode, line: number): ParsedPrefix {
    return {
      text,
      nodes: root.nodes,
      rootPos: root.pos,
      vars: [...this.vars],
      actionPos: this.actionPos,
      sharedActionPos: this.shared.actionPos,
      endLine: line,
    };
  }

  /** Continues after `prefix`: its variables and positions, as if this parser had parsed it. */
  restore(prefix: ParsedPrefix): void {
    this.vars = [...prefix.vars];
    this.actionPos = prefix.actionPos;
    this.shared.actionPos = prefix.sharedActionPos;
  }

  add(root: ListNode): void {
    const existing = this.treeSet.get(this.name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(this.name, { name: this.name, parseName: this.parseName, root, text: this.lex.input });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  private parseDefinition(): void {
    const context = "define clause";
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== "string" && nameTok.type !== "rawString") this.unexpected(nameTok, context);
    this.name = this.unquoteOrFail(nameTok);
    this.expect("rightDelim", context);
    const [root, end] = this.itemList();
    if (end.kind !== "end") this.unmatched(`unexpected ${nodeString(end)} in ${context}`, end);
    this.add(root);
  }

  private unquoteOrFail(t: Item): string {
    try {
      return unquote(t.val);
    } catch (e) {
      this.errorf((e as Error).message, { offset: t.pos });
    }
  }

  /** textOrAction* up to {{end}} or {{else}}, which is returned separately. */
  private itemList(): [ListNode, Node] {
    const list: ListNode = { kind: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== "eof") {
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") return [list, n];
      list.nodes.push(n);
    }
    const open = this.shared.open[this.shared.open.length - 1];
    this.errorf("unexpected EOF", open && { offset: open.pos, detail: { kind: "unterminated", keyword: open.keyword } });
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "text":
        return { kind: "text", pos: t.pos, text: t.val };
      case "leftDelim": {
        this.actionLine = t.line;
        this.actionPos = t.pos;
        this.shared.actionPos = t.pos;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(t, "input");
    }
  }

  private action(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "block":
        return this.blockControl();
      case "break":
        return this.breakOrContinue("break", t);
      case "continue":
        return this.breakOrContinue("continue", t);
      case "else":
        return this.elseControl();
      case "end":
        return { kind: "end", pos: this.expect("rightDelim", "end").pos };
      case "if":
        return { kind: "if", ...this.parseControl("if") };
      case "range":
        return { kind: "range", ...this.parseControl("range") };
      case "template":
        return this.templateControl();
      case "with":
        return { kind: "with", ...this.parseControl("with") };
    }
    this.backup();
    const tok = this.peek();
    // Variables declared here persist until the enclosing {{end}}.
    return { kind: "action", pos: tok.pos, line: tok.line, pipe: this.pipeline("command", "rightDelim") };
  }

  private breakOrContinue(word: "break" | "continue", t: Item): Node {
    const next = this.nextNonSpace();
    if (next.type !== "rightDelim") this.unexpected(next, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`, { offset: this.actionPos });
    return { kind: word, pos: t.pos, line: t.line };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: "pipe", pos: first.pos, line: first.line, isAssign: false, decl: [], cmds: [] };
    // Declarations need 3-token lookahead: in "$x foo", "foo" (not ":=")
    // shows that $x is an argument rather than a declaration.
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") break;
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === "assign" || next.type === "declare") {
        pipe.isAssign = next.type === "assign";
        this.nextNonSpace();
        pipe.decl.push({ kind: "variable", pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
      } else if (next.type === "char" && next.val === ",") {
        this.nextNonSpace();
        pipe.decl.push({ kind: "variable", pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const after = this.peekNonSpace().type;
          if (after === "variable" || after === "rightDelim" || after === "rightParen") {
            continue decls; // the second variable of a range
          }
          this.errorf("range can only initialize variables");
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.type === "space") {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.type) {
        case "bool":
        case "charConstant":
        case "complex":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`, { offset: this.actionPos });
    // Only the first command of a pipeline may start with a non-executable operand.
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]?.kind;
      if (k === "bool" || k === "dot" || k === "nil" || k === "number" || k === "string") {
        this.errorf(`non executable command in pipeline stage ${i + 2}`, {
          offset: c.args[0]!.pos,
          detail: { kind: "nonExecutable", stage: i + 2 },
        });
      }
    });
  }

  private parseControl(context: "if" | "range" | "with"): Omit<BranchNode, never> {
    return this.inside(context, this.actionPos, () => this.parseControlBody(context));
  }

  private parseControlBody(context: "if" | "range" | "with"): Omit<BranchNode, never> {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, "rightDelim");
      if (context === "range") this.rangeDepth++;
      let list: ListNode;
      let next: Node;
      try {
        [list, next] = this.itemList();
      } finally {
        if (context === "range") this.rangeDepth--;
      }
      let elseList: ListNode | undefined;
      if (next.kind === "else") {
        // "{{else if x}}" and "{{else with x}}" parse as "{{else}}{{if x}}...{{end}}{{end}}",
        // the inner control consuming the shared {{end}}.
        if (context === "if" && this.peek().type === "if") {
          this.next();
          elseList = { kind: "list", pos: next.pos, nodes: [{ kind: "if", ...this.parseControl("if") }] };
        } else if (context === "with" && this.peek().type === "with") {
          this.next();
          elseList = { kind: "list", pos: next.pos, nodes: [{ kind: "with", ...this.parseControl("with") }] };
        } else {
          let end: Node;
          [elseList, end] = this.itemList();
          if (end.kind !== "end") this.unmatched(`expected end; found ${nodeString(end)}`, end);
        }
      }
      return { pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    // Leave "if"/"with" pending for parseControl's else-if handling.
    if (peek.type === "if" || peek.type === "with") return { kind: "else", pos: peek.pos, line: peek.line };
    const t = this.expect("rightDelim", "else");
    return { kind: "else", pos: t.pos, line: t.line };
  }

  private templateName(t: Item, context: string): string {
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    return this.unquoteOrFail(t);
  }

  private blockControl(): Node {
    const context = "block clause";
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    const pipe = this.pipeline(context, "rightDelim");
    const block = new Parser(this.lex, this.treeSet, this.hasFunction, this.parseName, name, this.shared);
    const [root, end] = this.inside("block", this.actionPos, () => block.itemList());
    if (end.kind !== "end") this.unmatched(`unexpected ${nodeString(end)} in ${context}`, end);
    block.add(root);
    return { kind: "template", pos: t.pos, line: t.line, name, pipe };
  }

  private templateControl(): Node {
    const context = "template clause";
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== "rightDelim") {
      this.backup();
      pipe = this.pipeline(context, "rightDelim");
    }
    return { kind: "template", pos: t.pos, line: t.line, name, pipe };
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === "space") continue;
      if (t.type === "rightDelim" || t.type === "rightParen") this.backup();
      else if (t.type !== "pipe") this.unexpected(t, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): Node | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== "field") return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === "field") fields.push(this.next().val.slice(1));
    // Like Go, fold fields into a field or variable node; literals can't have fields.
    switch (node.kind) {
      case "field":
        return { kind: "field", pos, ident: [...node.ident, ...fields] };
      case "variable":
        return { kind: "variable", pos, ident: [...node.ident, ...fields] };
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`, { offset: pos });
      default:
        return { kind: "chain", pos, node, field: fields };
    }
  }

  private term(): Node | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "identifier":
        if (!this.hasFunction(t.val)) {
          this.errorf(`function ${quote(t.val)} not defined`, { offset: t.pos, detail: { kind: "function", name: t.val } });
        }
        return { kind: "identifier", pos: t.pos, ident: t.val };
      case "dot":
        return { kind: "dot", pos: t.pos };
      case "nil":
        return { kind: "nil", pos: t.pos };
      case "variable":
        return this.useVar(t.pos, t.val);
      case "field":
        return { kind: "field", pos: t.pos, ident: [t.val.slice(1)] };
      case "bool":
        return { kind: "bool", pos: t.pos, value: t.val === "true" };
      case "charConstant":
      case "complex":
      case "number":
        try {
          return newNumber(t.pos, t.val, t.type);
        } catch (e) {
          this.errorf((e as Error).message, { offset: t.pos });
        }
      case "leftParen": {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf("max expression depth exceeded");
        this.stackDepth++;
        try {
          return this.pipeline("parenthesized pipeline", "rightParen");
        } finally {
          this.stackDepth--;
        }
      }
      case "string":
      case "rawString":
        return { kind: "string", pos: t.pos, quoted: t.val, text: this.unquoteOrFail(t) };
    }
    this.backup();
    return undefined;
  }

  private useVar(pos: number, name: string): VariableNode {
    const ident = name.split(".");
    if (!this.vars.includes(ident[0]!)) {
      this.errorf(`undefined variable ${quote(ident[0]!)}`, {
        offset: pos,
        detail: { kind: "variable", name: ident[0]!, scope: [...new Set(this.vars)] },
      });
    }
    return { kind: "variable", pos, ident };
  }
}

/** The end of the word (identifier, .field or $variable) at `pos`. */
function afterName(text: string, pos: number): number {
  const m = /^[.$]?[\p{L}\p{Nd}_]*/u.exec(text.slice(pos));
  return pos + (m?.[0].length ?? 0);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseInt/ParseUint with base 0: 0x, 0o, 0b and legacy 0 (octal) prefixes. */
function parseIntBase0(text: string, signed: boolean): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith("+") || s.startsWith("-")) {
    if (!signed) return undefined;
    neg = s.startsWith("-");
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) [base, digits] = [16, s.slice(2)];
  else if (/^0[bB]/.test(s)) [base, digits] = [2, s.slice(2)];
  else if (/^0[oO]/.test(s)) [base, digits] = [8, s.slice(2)];
  else if (s.length > 1 && s[0] === "0") [base, digits] = [8, s.slice(1)];
  // Underscores may only separate digits (or follow a base prefix).
  if (digits.includes("_")) {
    const prefixed = digits !== s;
    if (!(prefixed ? /^_?[^_]+(_[^_]+)*$/ : /^[^_]+(_[^_]+)*$/).test(digits)) return undefined;
    digits = digits.replace(/_/g, "");
  }
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!valid.test(digits)) return undefined;
  let v = 0n;
  for (const ch of digits) v = v * BigInt(base) + BigInt(parseInt(ch, 16));
  if (neg) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return undefined;
  return v;
}

/** parse.newNumber: the same literal may be an int, a uint and a float at once. */
export function newNumber(pos: number, text: string, type: ItemType): NumberNode {
  const n: NumberNode = {
    kind: "number", pos, text,
    isInt: false, isUint: false, isFloat: false, isComplex: false,
    int64: 0n, uint64: 0n, float64: 0,
  };
  if (type === "charConstant") {
    const { value, next } = unquoteChar(text.slice(1), 0, text[0]!);
    if (text.slice(1).slice(next) !== "'") throw new Error(`malformed character constant: ${text}`);
    const r = BigInt(value.codePointAt(0)!);
    Object.assign(n, { isInt: true, isUint: true, isFloat: true, int64: r, uint64: r, float64: Number(r) });
    return n;
  }
  if (type === "complex" || text.endsWith("i")) {
    n.isComplex = true;
    return n;
  }
  const u = parseIntBase0(text, false);
  if (u !== undefined) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseIntBase0(text, true);
  if (i !== undefined) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true; // in case of -0
      n.uint64 = 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    let f: number | undefined;
    try {
      f = parseFloat64(text);
    } catch {
      f = undefined;
    }
    if (f !== undefined && !/^[+-]?(inf|infinity|nan)$/i.test(text)) {
      // Parsed as a float but looks like an integer: too large for an int.
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${text}`);
      n.isFloat = true;
      n.float64 = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${quote(text)}`);
  return n;
}

/**
 * A fixed template text parsed once, so that texts starting with it (the
 * alert header) need only their rest parsed. Its parse cannot depend on
 * what follows it, on the template name or on the functions.
 */
export interface ParsedPrefix {
  readonly text: string;
  /** Its top-level nodes, shared by every tree parsed after it (nodes are not mutated). */
  readonly nodes: readonly Node[];
  readonly rootPos: number;
  /** The variables in scope at its end. */
  readonly vars: readonly string[];
  readonly actionPos: number;
  readonly sharedActionPos: number;
  /** The line at its end. */
  readonly endLine: number;
}

/**
 * `text` parsed as a prefix, or undefined when parsing on from its end state
 * might differ from parsing it together with what follows: when it does not
 * parse, defines templates, calls functions (their names depend on the map),
 * produces no nodes, or does not end with a plain `}}` (trailing text would
 * merge with following text, a `-}}` trims following space).
 */
export function parsePrefix(text: string): ParsedPrefix | undefined {
  const treeSet = new Map<string, Tree>();
  let calls = false;
  const p = new Parser(new Lexer(text), treeSet, () => (calls = true), "prefix", "prefix");
  let root: ListNode;
  try {
    root = p.parse();
  } catch {
    return undefined;
  }
  const n = text.length;
  const last = root.nodes[root.nodes.length - 1];
  if (calls || treeSet.size > 0 || last === undefined || last.kind === "text") return undefined;
  if (!text.endsWith("}}") || (n >= 4 && text[n - 3] === "-" && " \t\r\n".includes(text[n - 4]!))) return undefined;
  let line = 1;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) === 0x0a) line++;
  return p.snapshot(text, root, line);
}

/**
 * Parses `text` as the template `name`; returns every template it defines
 * (the top-level one under `name`), or throws TemplateParseError. When
 * `text` starts with `prefix`'s text, parsing resumes after it, with the
 * same result.
 */
export function parseTemplates(
  name: string,
  text: string,
  hasFunction: (name: string) => boolean,
  prefix?: ParsedPrefix,
): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  if (prefix !== undefined && text.startsWith(prefix.text)) {
    const lex = Lexer.resumeAt(text, prefix.text.length, prefix.endLine);
    const p = new Parser(lex, treeSet, hasFunction, name, name);
    p.restore(prefix);
    p.add(p.parse({ kind: "list", pos: prefix.rootPos, nodes: [...prefix.nodes] }));
    return treeSet;
  }
  const p = new Parser(new Lexer(text), treeSet, hasFunction, name, name);
  p.add(p.parse());
  return treeSet;
}
