/**
 * PromQL parser: the official lezer grammar (the one Prometheus's web UI uses)
 * produces a concrete syntax tree, which is converted here into the typed AST
 * of ast.ts and then type checked with the rules of Prometheus's parser
 * (parse.go checkAST), so that invalid queries are rejected at parse time with
 * the same reasons Prometheus gives.
 *
 * The commonest expressions (selectors, ranges, calls, aggregations, plain
 * binary operators) are read by a small hand-written parser first
 * (parser-fast.ts), several times faster than lezer, which builds exactly
 * the tree lezer would and leaves everything else, every error included, to
 * lezer (test/promql/parser-fast-path.test.ts compares the two).
 */
import { parser as lezerParser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import {
  AGGREGATORS_WITH_PARAM,
  BINARY_PRECEDENCE,
  isComparisonOp,
  isSetOp,
  type AggregateExpr,
  type AggregateOp,
  type AtModifier,
  type BinaryExpr,
  type BinaryOp,
  type DurationExpr,
  type Expr,
  type LabelMatcher,
  type MatchOp,
  type PositionRange,
  type ValueType,
  type VectorMatching,
  type VectorSelector,
} from "./ast.js";
import { isPrometheusDurationLiteral, parsePrometheusDuration } from "../go/duration.js";
import { FUNCTION_SIGNATURES } from "./function-signatures.js";
import { goMax, goMin } from "../go/math.js";
import { LiteralError, parseNumber, unquoteString } from "./literals.js";
import { compileAnchoredRegex, RegexError } from "./regex.js";
import { commentEnd, isQuote, stringLiteralEnd } from "./lexical.js";
import { parseSimplePromQL } from "./parser-fast.js";

export class PromQLParseError extends Error {
  /** 1-based line of the offending position. */
  readonly line: number;
  /** 1-based column (in UTF-16 code units) of the offending position. */
  readonly column: number;
  /** The reason without the position prefix. */
  readonly reason: string;
  readonly pos: PositionRange;

  constructor(source: string, pos: PositionRange, reason: string) {
    const { line, column } = lineColumn(source, pos.start);
    super(`${line}:${column}: ${reason}`);
    this.name = "PromQLParseError";
    this.line = line;
    this.column = column;
    this.reason = reason;
    this.pos = pos;
  }
}

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: PromQLParseError };

export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses and type checks a PromQL expression; throws PromQLParseError. */
export function parsePromQL(source: string): Expr {
  const fast = parseSimplePromQL(source);
  if (fast === undefined) return parsePromQLWithLezer(source);
  new TypeChecker(source).check(fast);
  return fast;
}

/**
 * parsePromQL without the fast path: always the lezer grammar. For tests that
 * check the fast path builds exactly the tree this does.
 */
export function parsePromQLWithLezer(source: string): Expr {
  const tree = lezerParser.parse(withoutTrailingDecimalPoints(source));
  const top = tree.topNode;
  reportFirstSyntaxError(source, top);
  const exprNode = exprChildren(top)[0];
  if (exprNode === undefined) throw new PromQLParseError(source, { start: 0, end: 0 }, "no expression found in input");
  const expr = new Converter(source).expr(exprNode);
  new TypeChecker(source).check(expr);
  return expr;
}

/**
 * Go's float syntax (and so PromQL) accepts `2.` but the lezer grammar needs
 * a digit after the point. Blanking such a point keeps every offset intact,
 * so positions in errors and annotations still refer to the user's text.
 */
const TRAILING_POINT = /\d+\.(?![\w.])/y;

function withoutTrailingDecimalPoints(source: string): string {
  if (!source.includes(".")) return source;
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (isQuote(c) || c === "#") {
      const end = c === "#" ? commentEnd(source, i) : stringLiteralEnd(source, i);
      out += source.slice(i, end);
      i = end;
      continue;
    }
    TRAILING_POINT.lastIndex = i;
    const num = TRAILING_POINT.exec(source);
    if (num && (i === 0 || !/[\w.:]/.test(source[i - 1]!))) {
      out += num[0].slice(0, -1) + " ";
      i += num[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Non-throwing variant of parsePromQL. */
export function tryParsePromQL(source: string): ParseResult {
  try {
    return { ok: true, expr: parsePromQL(source) };
  } catch (e) {
    if (e instanceof PromQLParseError) return { ok: false, error: e };
    throw e;
  }
}

/** The static type of an expression (Prometheus's Expr.Type()). */
export function typeOf(expr: Expr): ValueType {
  switch (expr.type) {
    case "NumberLiteral":
      return "scalar";
    case "StringLiteral":
      return "string";
    case "VectorSelector":
    case "AggregateExpr":
      return "vector";
    case "MatrixSelector":
    case "SubqueryExpr":
      return "matrix";
    case "UnaryExpr":
    case "ParenExpr":
      return typeOf(expr.expr);
    case "BinaryExpr":
      return typeOf(expr.lhs) === "scalar" && typeOf(expr.rhs) === "scalar" ? "scalar" : "vector";
    case "Call":
      return FUNCTION_SIGNATURES.get(expr.func)?.returnType ?? "vector";
  }
}

/** Prometheus's user-facing type names ("range vector", not "matrix"). */
export function documentedType(t: ValueType): string {
  switch (t) {
    case "vector":
      return "instant vector";
    case "matrix":
      return "range vector";
    default:
      return t;
  }
}

// ---------------------------------------------------------------------------
// Syntax errors

function reportFirstSyntaxError(source: string, top: SyntaxNode): void {
  let errorNode: SyntaxNode | null = null;
  const cursor = top.cursor();
  do {
    if (cursor.type.isError) {
      errorNode = cursor.node;
      break;
    }
  } while (cursor.next());
  if (errorNode === null) return;
  const at = skipSpace(source, errorNode.from);
  // The grammar only knows function names it lists; anything else followed by
  // "(" reads as a selector followed by junk. Say what the user meant instead.
  const prev = errorNode.prevSibling;
  if (source[at] === "(" && prev?.name === "Identifier" && prev.to === errorNode.from) {
    const name = source.slice(prev.from, prev.to);
    throw new PromQLParseError(source, { start: prev.from, end: prev.to }, `unknown function with name ${JSON.stringify(name)}`);
  }
  const token = describeToken(source, at);
  const expected = expectation(source, errorNode);
  const reason = expected ? `unexpected ${token}, ${expected}` : `unexpected ${token}`;
  const end = Math.max(at + 1, errorNode.to);
  throw new PromQLParseError(source, { start: at, end }, reason);
}

function skipSpace(source: string, pos: number): number {
  let p = pos;
  while (p < source.length && /\s/.test(source[p]!)) p++;
  return p;
}

function describeToken(source: string, pos: number): string {
  if (pos >= source.length) return "end of input";
  const rest = source.slice(pos);
  const m =
    /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest) ??
    /^[0-9.][0-9A-Za-z._]*/.exec(rest) ??
    /^"(?:[^"\\\n]|\\.)*"?/.exec(rest) ??
    /^'(?:[^'\\\n]|\\.)*'?/.exec(rest) ??
    /^(?:==|!=|=~|!~|>=|<=|[-+*/%^<>=!@,:(){}[\]])/.exec(rest);
  const tok = m ? m[0] : rest[0]!;
  return JSON.stringify(tok);
}

/** A hint for what the grammar wanted, from the node the error occurred in. */
function expectation(source: string, err: SyntaxNode): string {
  const parent = err.parent;
  const prev = err.prevSibling;
  const name = parent?.name ?? "";
  switch (name) {
    case "MatrixSelector":
    case "SubqueryExpr":
      return prev?.name === "DurationExpr" ? 'expected "]" or ":"' : "expected a duration";
    case "DurationExpr":
    case "OffsetDurationExpr":
    case "NumberDurationLiteralInDurationContext":
      return "expected a duration";
    case "OffsetExpr":
      return "expected a duration after offset";
    case "StepInvariantExpr":
      return "expected a timestamp, start() or end() after @";
    case "LabelMatchers":
      return 'expected a label matcher or "}"';
    case "UnquotedLabelMatcher":
    case "QuotedLabelMatcher":
      return prev?.name === "MatchOp" ? "expected a quoted label value" : "expected a label matching operator (=, !=, =~, !~)";
    case "GroupingLabels":
      return 'expected a label name or ")"';
    case "AggregateModifier":
      return "expected a label list in parentheses";
    case "FunctionCallBody":
      return prev !== null && prev.type.is("Expr") ? 'expected "," or ")"' : 'expected an expression or ")"';
    case "ParenExpr":
      return 'expected ")"';
    case "BinaryExpr":
    case "UnaryExpr":
      return "expected an expression";
    case "MatchingModifierClause":
      return "expected a label list in parentheses";
    default:
      if (source.trim() === "") return "expected an expression";
      return prev !== null ? "expected an operator or end of input" : "expected an expression";
  }
}

// ---------------------------------------------------------------------------
// Concrete tree -> AST

function exprChildren(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.type.is("Expr")) out.push(c);
  return out;
}

function childrenNamed(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.name === name) out.push(c);
  return out;
}

function childNamed(node: SyntaxNode, name: string): SyntaxNode | null {
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.name === name) return c;
  return null;
}

const BINARY_OPS: Record<string, BinaryOp> = {
  Pow: "^",
  Mul: "*",
  Div: "/",
  Mod: "%",
  Atan2: "atan2",
  Add: "+",
  Sub: "-",
  Eql: "==",
  Neq: "!=",
  Gtr: ">",
  Lss: "<",
  Gte: ">=",
  Lte: "<=",
  TrimUpper: "</",
  TrimLower: ">/",
  And: "and",
  Or: "or",
  Unless: "unless",
};

const MATCH_OPS: Record<string, MatchOp> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

/** Largest |timestamp| Prometheus accepts after `@`, in milliseconds (int64 range). */
const MAX_AT_MS = 9223372036854775;


/**
 * Because of the postfix quirk handled in Converter.postfix, lezer can hand
 * us `(a + b @ 1) * 2` for `a + b @ 1 * 2`: a looser operator as the
 * unparenthesised left operand of a tighter one. Rotate such trees back into
 * PromQL precedence. (A genuinely parenthesised operand is a ParenExpr and is
 * never rotated.)
 */
function rebalance(e: BinaryExpr, src: string): Expr {
  const l = e.lhs;
  if (l.type !== "BinaryExpr") {
    const sign = e.op === "^" ? leadingSign(l, src) : undefined;
    if (sign === undefined) return e;
    const power = rebalance({ ...e, lhs: sign.operand, pos: { start: sign.operand.pos.start, end: e.pos.end } }, src);
    return { type: "UnaryExpr", op: sign.op, expr: power, pos: { start: l.pos.start, end: e.pos.end } };
  }
  const looser = BINARY_PRECEDENCE[l.op] < BINARY_PRECEDENCE[e.op] || (BINARY_PRECEDENCE[l.op] === BINARY_PRECEDENCE[e.op] && e.op === "^");
  if (!looser) return e;
  const inner = rebalance({ ...e, lhs: l.rhs, pos: { start: l.rhs.pos.start, end: e.pos.end } }, src);
  return { ...l, rhs: inner, pos: { start: l.pos.start, end: e.pos.end } };
}

/**
 * In Prometheus's grammar a unary operator has the precedence of `*`, so
 * `-3 ^ 2` is `-(3 ^ 2)` and `-x offset 1m ^ 2` is `-(x offset 1m ^ 2)`; an
 * unparenthesised sign can never be the left operand of `^`. lezer lexes
 * `-3` as one signed number, and the postfix quirk leaves `-x offset 1m` as
 * a unary left operand: such a sign is returned here, to be lifted over the
 * whole power.
 */
function leadingSign(e: Expr, src: string): { op: "+" | "-"; operand: Expr } | undefined {
  if (e.type === "UnaryExpr") return { op: e.op, operand: e.expr };
  if (e.type !== "NumberLiteral") return undefined;
  const m = /^([+-])(?:\s|#[^\n]*)*/.exec(src.slice(e.pos.start, e.pos.end));
  if (m === null) return undefined;
  const op = m[1] === "-" ? "-" : "+";
  const unsigned = op === "-" ? -e.value : e.value;
  return { op, operand: { ...e, value: unsigned, pos: { start: e.pos.start + m[0].length, end: e.pos.end } } };
}

function pos2node(pos: PositionRange): { from: number; to: number } {
  return { from: pos.start, to: pos.end };
}

class Converter {
  constructor(private readonly src: string) {}

  private text(n: SyntaxNode): string {
    return this.src.slice(n.from, n.to);
  }

  private fail(n: { from: number; to: number }, reason: string): never {
    throw new PromQLParseError(this.src, { start: n.from, end: n.to }, reason);
  }

  private pos(n: SyntaxNode): PositionRange {
    return { start: n.from, end: n.to };
  }

  expr(n: SyntaxNode): Expr {
    switch (n.name) {
      case "NumberDurationLiteral":
        return this.numberLiteral(n);
      case "StringLiteral":
        return { type: "StringLiteral", value: this.string(n), pos: this.pos(n) };
      case "VectorSelector":
        return this.vectorSelector(n);
      case "MatrixSelector":
        return this.matrixSelector(n);
      case "SubqueryExpr":
        return this.subquery(n);
      case "OffsetExpr":
        return this.offset(n);
      case "StepInvariantExpr":
        return this.at(n);
      case "AnchoredExpr":
      case "SmoothedExpr":
        return this.extendedRange(n);
      case "ParenExpr":
        return { type: "ParenExpr", expr: this.expr(this.only(n)), pos: this.pos(n) };
      case "UnaryExpr":
        return this.unary(n);
      case "BinaryExpr":
        return this.binary(n);
      case "FunctionCall":
        return this.call(n);
      case "AggregateExpr":
        return this.aggregate(n);
      default:
        return this.fail(n, `unsupported syntax ${n.name}`);
    }
  }

  private only(n: SyntaxNode): SyntaxNode {
    const kids = exprChildren(n);
    if (kids.length !== 1) this.fail(n, "expected exactly one expression");
    return kids[0]!;
  }

  private numberLiteral(n: SyntaxNode): Expr {
    // A signed literal may have whitespace or a comment after its sign.
    const text = this.text(n).replace(/(?:\s|#[^\n]*)+/g, "");
    const sign = text.startsWith("-") ? -1 : 1;
    const body = text.replace(/^[+-]/, "");
    if (isPrometheusDurationLiteral(body)) {
      return { type: "NumberLiteral", value: (sign * parsePrometheusDuration(body)) / 1000, isDuration: true, pos: this.pos(n) };
    }
    try {
      return { type: "NumberLiteral", value: sign * parseNumber(body), pos: this.pos(n) };
    } catch (e) {
      if (e instanceof LiteralError) this.fail(n, e.message);
      throw e;
    }
  }

  private string(n: SyntaxNode): string {
    try {
      return unquoteString(this.text(n));
    } catch (e) {
      if (e instanceof LiteralError) this.fail(n, e.message);
      throw e;
    }
  }

  private labelName(n: SyntaxNode): string {
    return n.name === "QuotedLabelName" ? this.string(n.firstChild ?? n) : this.text(n);
  }

  private vectorSelector(n: SyntaxNode): VectorSelector {
    const ident = childNamed(n, "Identifier");
    const matchersNode = childNamed(n, "LabelMatchers");
    const matchers: LabelMatcher[] = [];
    if (matchersNode !== null) {
      for (let c = matchersNode.firstChild; c !== null; c = c.nextSibling) {
        if (c.name === "QuotedLabelName") {
          // `{"metric.name"}` is UTF-8 metric name syntax: a name matcher.
          matchers.push({ name: "__name__", op: "=", value: this.string(c.firstChild ?? c) });
          continue;
        }
        if (c.name !== "UnquotedLabelMatcher" && c.name !== "QuotedLabelMatcher") continue;
        const nameNode = c.firstChild!;
        const opNode = childNamed(c, "MatchOp");
        const valueNode = childNamed(c, "StringLiteral");
        if (opNode === null || valueNode === null) this.fail(c, "incomplete label matcher");
        const op = MATCH_OPS[opNode.firstChild?.name ?? ""];
        if (op === undefined) this.fail(opNode, `unknown match operator ${this.text(opNode)}`);
        const matcher = { name: this.labelName(nameNode), op, value: this.string(valueNode) };
        if (op === "=~" || op === "!~") {
          try {
            compileAnchoredRegex(matcher.value);
          } catch (e) {
            if (e instanceof RegexError) this.fail(valueNode, e.message);
            throw e;
          }
        }
        matchers.push(matcher);
      }
    }
    const vs: VectorSelector = { type: "VectorSelector", matchers, offset: 0, pos: this.pos(n) };
    if (ident !== null) vs.name = this.text(ident);
    return vs;
  }

  /**
   * The lezer grammar attaches postfix syntax (`[5m]`, `[5m:1m]`, `offset`,
   * `@`, `anchored`) to the whole preceding expression, so `a * b[5m:]` comes
   * out as a subquery of `a * b`. In PromQL these bind tightest, to the
   * rightmost operand; re-associate here so the AST matches Prometheus.
   */
  private postfix(inner: Expr, n: SyntaxNode, apply: (operand: Expr, pos: PositionRange) => Expr): Expr {
    if (inner.type === "BinaryExpr") {
      return { ...inner, rhs: this.postfix(inner.rhs, n, apply), pos: { start: inner.pos.start, end: n.to } };
    }
    if (inner.type === "UnaryExpr") {
      return { ...inner, expr: this.postfix(inner.expr, n, apply), pos: { start: inner.pos.start, end: n.to } };
    }
    return apply(inner, { start: inner.pos.start, end: n.to });
  }

  private matrixSelector(n: SyntaxNode): Expr {
    const durNode = childNamed(n, "DurationExpr");
    if (durNode === null) this.fail(n, "expected a duration");
    const { ms, expr } = this.durationValue(durNode);
    return this.postfix(this.expr(this.only(n)), n, (inner, pos) => {
      if (inner.type !== "VectorSelector") this.fail(pos2node(pos), "ranges only allowed for vector selectors");
      if (inner.offset !== 0 || inner.offsetExpr) this.fail(pos2node(pos), "no offset modifiers allowed before range");
      if (inner.at) this.fail(pos2node(pos), "no @ modifiers allowed before range");
      const out: Expr = { type: "MatrixSelector", selector: inner, range: ms, pos };
      if (expr) out.rangeExpr = expr;
      return out;
    });
  }

  private subquery(n: SyntaxNode): Expr {
    const durs = childrenNamed(n, "DurationExpr");
    const range = this.durationValue(durs[0]!);
    const step = durs[1] !== undefined ? this.durationValue(durs[1]) : undefined;
    return this.postfix(this.expr(this.only(n)), n, (inner, pos) => {
      const out: Expr = { type: "SubqueryExpr", expr: inner, range: range.ms, step: 0, offset: 0, pos };
      if (range.expr) out.rangeExpr = range.expr;
      if (step !== undefined) {
        out.step = step.ms;
        if (step.expr) out.stepExpr = step.expr;
      }
      return out;
    });
  }

  /** Applies a modifier to the selector or subquery it follows, as Prometheus does. */
  private modifierTarget(pos: PositionRange, inner: Expr, what: string): VectorSelector | Extract<Expr, { type: "SubqueryExpr" }> {
    switch (inner.type) {
      case "VectorSelector":
        return inner;
      case "MatrixSelector":
        return inner.selector;
      case "SubqueryExpr":
        return inner;
      default:
        return this.fail(pos2node(pos), `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
    }
  }

  private offset(n: SyntaxNode): Expr {
    const durNode = childNamed(n, "OffsetDurationExpr");
    if (durNode === null) this.fail(n, "expected a duration after offset");
    const { ms, expr } = this.durationValue(durNode);
    return this.postfix(this.expr(this.only(n)), n, (inner, pos) => {
      const target = this.modifierTarget(pos, inner, "offset");
      if (target.offset !== 0 || target.offsetExpr) this.fail(pos2node(pos), "offset may not be set multiple times");
      target.offset = ms;
      if (expr) target.offsetExpr = expr;
      inner.pos = pos;
      return inner;
    });
  }

  private at(n: SyntaxNode): Expr {
    const pre = childNamed(n, "AtModifierPreprocessors");
    let at: AtModifier;
    if (pre !== null) {
      at = pre.firstChild?.name === "AtStart" ? { kind: "start" } : { kind: "end" };
    } else {
      const lit = exprChildren(n)[1];
      if (lit === undefined) this.fail(n, "expected a timestamp after @");
      const num = this.numberLiteral(lit);
      const seconds = num.type === "NumberLiteral" ? num.value : NaN;
      const ms = Math.round(seconds * 1000);
      if (!Number.isFinite(seconds) || Math.abs(ms) > MAX_AT_MS) {
        this.fail(lit, `timestamp out of bounds for @ modifier: ${seconds}`);
      }
      at = { kind: "timestamp", ms: ms === 0 ? 0 : ms };
    }
    return this.postfix(this.expr(exprChildren(n)[0]!), n, (inner, pos) => {
      const target = this.modifierTarget(pos, inner, "@");
      if (target.at) this.fail(pos2node(pos), "@ <timestamp> may not be set multiple times");
      target.at = at;
      inner.pos = pos;
      return inner;
    });
  }

  private extendedRange(n: SyntaxNode): Expr {
    const which = n.name === "AnchoredExpr" ? "anchored" : "smoothed";
    return this.postfix(this.expr(this.only(n)), n, (inner, pos) => {
      if (inner.type === "SubqueryExpr") this.fail(pos2node(pos), `${which} modifier is not supported for subqueries`);
      const target = this.modifierTarget(pos, inner, which) as VectorSelector;
      if (target.anchored || target.smoothed) this.fail(pos2node(pos), "anchored and smoothed modifiers cannot be used together");
      target[which] = true;
      inner.pos = pos;
      return inner;
    });
  }

  private unary(n: SyntaxNode): Expr {
    const opNode = childNamed(n, "UnaryOp");
    const op = opNode !== null && this.text(opNode) === "-" ? "-" : "+";
    const inner = this.expr(this.only(n));
    // Prometheus folds a sign into a directly following number literal.
    if (inner.type === "NumberLiteral") {
      return { ...inner, value: op === "-" ? -inner.value : inner.value, pos: this.pos(n) };
    }
    return { type: "UnaryExpr", op, expr: inner, pos: this.pos(n) };
  }

  private binary(n: SyntaxNode): Expr {
    const [lhsNode, rhsNode] = exprChildren(n);
    if (lhsNode === undefined || rhsNode === undefined) this.fail(n, "binary expression needs two operands");
    let op: BinaryOp | undefined;
    for (let c = lhsNode.nextSibling; c !== null && c !== rhsNode; c = c.nextSibling) {
      op ??= BINARY_OPS[c.name];
    }
    if (op === undefined) this.fail(n, "unknown binary operator");
    const returnBool = childNamed(n, "BoolModifier") !== null;
    const matching: VectorMatching = { card: "one-to-one", on: false, labels: [], include: [] };
    const clause = childNamed(n, "MatchingModifierClause");
    if (clause !== null) {
      const groups = childrenNamed(clause, "GroupingLabels");
      matching.on = childNamed(clause, "On") !== null;
      matching.labels = groups[0] ? this.groupingLabels(groups[0]) : [];
      if (childNamed(clause, "GroupLeft") !== null) matching.card = "many-to-one";
      if (childNamed(clause, "GroupRight") !== null) matching.card = "one-to-many";
      if (groups[1]) matching.include = this.groupingLabels(groups[1]);
    }
    const fill = childNamed(n, "FillModifier");
    if (fill !== null) matching.fill = this.fillModifier(fill);
    if (isSetOp(op) && matching.card === "one-to-one") matching.card = "many-to-many";
    return rebalance({
      type: "BinaryExpr",
      op,
      lhs: this.expr(lhsNode),
      rhs: this.expr(rhsNode),
      returnBool,
      matching,
      pos: this.pos(n),
    }, this.src);
  }

  private fillModifier(n: SyntaxNode): { lhs?: number; rhs?: number } {
    const out: { lhs?: number; rhs?: number } = {};
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      const lit = childNamed(c, "NumberDurationLiteral");
      if (lit === null) continue;
      const v = this.numberLiteral(lit);
      const value = v.type === "NumberLiteral" ? v.value : NaN;
      if (c.name === "FillClause" || c.name === "FillLeftClause") out.lhs = value;
      if (c.name === "FillClause" || c.name === "FillRightClause") out.rhs = value;
    }
    return out;
  }

  private groupingLabels(n: SyntaxNode): string[] {
    const out: string[] = [];
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.name === "LabelName" || c.name === "QuotedLabelName") out.push(this.labelName(c));
    }
    return out;
  }

  private call(n: SyntaxNode): Expr {
    const ident = childNamed(n, "FunctionIdentifier")!;
    const name = this.text(ident);
    const body = childNamed(n, "FunctionCallBody");
    const args = body === null ? [] : exprChildren(body).map((a) => this.expr(a));
    if (!FUNCTION_SIGNATURES.has(name)) this.fail(ident, `unknown function with name ${JSON.stringify(name)}`);
    return { type: "Call", func: name, args, pos: this.pos(n) };
  }

  private aggregate(n: SyntaxNode): Expr {
    const opNode = childNamed(n, "AggregateOp")!;
    const op = this.text(opNode).toLowerCase() as AggregateOp;
    const body = childNamed(n, "FunctionCallBody");
    const args = body === null ? [] : exprChildren(body).map((a) => this.expr(a));
    const mod = childNamed(n, "AggregateModifier");
    const without = mod !== null && childNamed(mod, "Without") !== null;
    const grouping = mod === null ? [] : this.groupingLabels(childNamed(mod, "GroupingLabels")!);
    if (args.length === 0) this.fail(n, "no arguments for aggregate expression provided");
    const want = AGGREGATORS_WITH_PARAM.has(op) ? 2 : 1;
    if (args.length !== want) {
      this.fail(n, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    }
    const agg: AggregateExpr = { type: "AggregateExpr", op, expr: args[want - 1]!, grouping, without, pos: this.pos(n) };
    if (want === 2) agg.param = args[0]!;
    return agg;
  }

  /** A duration in `[...]`/offset: folded to ms, keeping the tree when it was not a literal. */
  private durationValue(n: SyntaxNode): { ms: number; expr?: DurationExpr } {
    const d = this.durationExpr(n);
    if (d.kind === "literal") return { ms: d.ms };
    if (d.kind === "unary" && d.expr.kind === "literal") return { ms: d.op === "-" ? -d.expr.ms : d.expr.ms };
    const folded = foldDuration(d, undefined);
    if (folded !== undefined && !Number.isFinite(folded)) this.fail(n, "duration out of range");
    return { ms: folded ?? 0, expr: d };
  }

  private durationExpr(n: SyntaxNode): DurationExpr {
    switch (n.name) {
      case "NumberDurationLiteralInDurationContext": {
        const text = this.text(n);
        if (isPrometheusDurationLiteral(text)) return { kind: "literal", ms: parsePrometheusDuration(text), isDuration: true };
        let seconds: number;
        try {
          seconds = parseNumber(text);
        } catch {
          return this.fail(n, `invalid duration ${JSON.stringify(text)}`);
        }
        if (!Number.isFinite(seconds)) this.fail(n, "duration out of range");
        return { kind: "literal", ms: Math.round(seconds * 1000), isDuration: false };
      }
      case "DurationExpr":
      case "OffsetDurationExpr": {
        const kids: SyntaxNode[] = [];
        for (let c = n.firstChild; c !== null; c = c.nextSibling) kids.push(c);
        const first = kids[0];
        if (first === undefined) return this.fail(n, "expected a duration");
        if (first.name === "UnaryOp") {
          return { kind: "unary", op: this.text(first) === "-" ? "-" : "+", expr: this.durationExpr(kids[1]!) };
        }
        if (first.name === "DurationStep" || first.name === "DurationRange") {
          return { kind: "call", fn: first.name === "DurationStep" ? "step" : "range" };
        }
        if (first.name === "DurationMinOf" || first.name === "DurationMaxOf") {
          const args = kids.filter((k) => k.name === "DurationExpr");
          return {
            kind: "call2",
            fn: first.name === "DurationMinOf" ? "min_of" : "max_of",
            lhs: this.durationExpr(args[0]!),
            rhs: this.durationExpr(args[1]!),
          };
        }
        if (kids.length === 3 && BINARY_OPS[kids[1]!.name] !== undefined) {
          const op = BINARY_OPS[kids[1]!.name] as "+" | "-" | "*" | "/" | "%" | "^";
          return { kind: "binary", op, lhs: this.durationExpr(first), rhs: this.durationExpr(kids[2]!) };
        }
        if (kids.length === 1) {
          const inner = this.durationExpr(first);
          // A DurationExpr child of a DurationExpr without an operator came from "(" DurationExpr ")".
          return first.name === "DurationExpr" ? { kind: "paren", expr: inner } : inner;
        }
        return this.fail(n, "invalid duration expression");
      }
      default:
        return this.fail(n, "expected a duration");
    }
  }
}

/**
 * Evaluates duration arithmetic in milliseconds. Returns undefined when the
 * expression needs query context (step() or range()) that was not given.
 * Arithmetic happens in seconds, as in Prometheus, so `1m * 2` is 120s and
 * `2 ^ 3` is 8s rather than 8 milliseconds cubed.
 */
export function foldDuration(d: DurationExpr, ctx: { stepMs: number; rangeMs: number } | undefined): number | undefined {
  const sec = (x: DurationExpr): number | undefined => {
    switch (x.kind) {
      case "literal":
        return x.ms / 1000;
      case "paren":
        return sec(x.expr);
      case "unary": {
        const v = sec(x.expr);
        return v === undefined ? undefined : x.op === "-" ? -v : v;
      }
      case "call":
        if (ctx === undefined) return undefined;
        return (x.fn === "step" ? ctx.stepMs : ctx.rangeMs) / 1000;
      case "call2": {
        const a = sec(x.lhs);
        const b = sec(x.rhs);
        if (a === undefined || b === undefined) return undefined;
        return x.fn === "min_of" ? goMin(a, b) : goMax(a, b);
      }
      case "binary": {
        const a = sec(x.lhs);
        const b = sec(x.rhs);
        if (a === undefined || b === undefined) return undefined;
        switch (x.op) {
          case "+":
            return a + b;
          case "-":
            return a - b;
          case "*":
            return a * b;
          case "/":
            return a / b;
          case "%":
            return a % b;
          case "^":
            return a ** b;
        }
      }
    }
  };
  const s = sec(d);
  return s === undefined ? undefined : Math.round(s * 1000);
}

// ---------------------------------------------------------------------------
// Static type checking (Prometheus parse.go checkAST)

class TypeChecker {
  constructor(private readonly src: string) {}

  private fail(pos: PositionRange, reason: string): never {
    throw new PromQLParseError(this.src, pos, reason);
  }

  private expectType(e: Expr, want: ValueType, context: string): void {
    const got = this.check(e);
    if (got !== want) this.fail(e.pos, `expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`);
  }

  check(e: Expr): ValueType {
    switch (e.type) {
      case "NumberLiteral":
      case "StringLiteral":
        break;
      case "ParenExpr":
        this.check(e.expr);
        break;
      case "VectorSelector":
        this.checkSelector(e, false);
        break;
      case "MatrixSelector":
        this.check(e.selector);
        if (e.rangeExpr === undefined && e.range <= 0) {
          this.fail(e.pos, "duration must be greater than 0");
        }
        break;
      case "SubqueryExpr": {
        const t = this.check(e.expr);
        if (t !== "vector") this.fail(e.pos, `subquery is only allowed on instant vector, got ${t} instead`);
        if (e.rangeExpr === undefined && e.range <= 0) {
          this.fail(e.pos, "duration must be greater than 0");
        }
        if (e.stepExpr === undefined && e.step < 0) this.fail(e.pos, "duration must be greater than 0");
        break;
      }
      case "UnaryExpr": {
        const t = this.check(e.expr);
        if (t !== "scalar" && t !== "vector") {
          this.fail(e.pos, `unary expression only allowed on expressions of type scalar or instant vector, got "${documentedType(t)}"`);
        }
        break;
      }
      case "AggregateExpr":
        this.expectType(e.expr, "vector", "aggregation expression");
        if (e.param !== undefined) {
          this.expectType(e.param, e.op === "count_values" ? "string" : "scalar", "aggregation parameter");
        }
        break;
      case "Call":
        this.checkCall(e);
        break;
      case "BinaryExpr":
        this.checkBinary(e);
        break;
    }
    return typeOf(e);
  }

  private checkSelector(vs: VectorSelector, isInfoLabelFilter: boolean): void {
    if (vs.name !== undefined) {
      const dup = vs.matchers.find((m) => m.name === "__name__");
      if (dup) this.fail(vs.pos, `metric name must not be set twice: ${JSON.stringify(vs.name)} or ${JSON.stringify(dup.value)}`);
      return;
    }
    // An empty-matching selector would select every series in the database;
    // info()'s second argument only filters labels and is exempt.
    if (isInfoLabelFilter) return;
    const nonEmpty = vs.matchers.some((m) => !matchesEmpty(m));
    if (!nonEmpty) this.fail(vs.pos, "vector selector must contain at least one non-empty matcher");
  }

  private checkCall(e: Extract<Expr, { type: "Call" }>): void {
    const sig = FUNCTION_SIGNATURES.get(e.func)!;
    const nargs = sig.argTypes.length;
    if (sig.variadic === 0) {
      if (nargs !== e.args.length) {
        this.fail(e.pos, `expected ${nargs} argument(s) in call to "${sig.name}", got ${e.args.length}`);
      }
    } else {
      const min = nargs - 1;
      if (e.args.length < min) {
        this.fail(e.pos, `expected at least ${min} argument(s) in call to "${sig.name}", got ${e.args.length}`);
      }
      if (sig.variadic > 0 && e.args.length > min + sig.variadic) {
        this.fail(e.pos, `expected at most ${min + sig.variadic} argument(s) in call to "${sig.name}", got ${e.args.length}`);
      }
    }
    const infoFilter = e.func === "info" ? e.args[1] : undefined;
    if (infoFilter !== undefined) {
      if (infoFilter.type !== "VectorSelector") this.fail(infoFilter.pos, "expected label selectors only");
      if (infoFilter.name !== undefined) this.fail(infoFilter.pos, "expected label selectors only, got vector selector instead");
    }
    e.args.forEach((arg, i) => {
      const want = sig.argTypes[Math.min(i, nargs - 1)]!;
      if (arg === infoFilter && arg.type === "VectorSelector") {
        this.checkSelector(arg, true);
        return;
      }
      const got = this.check(arg);
      if (got !== want) {
        this.fail(arg.pos, `expected type ${documentedType(want)} in call to function "${sig.name}", got ${documentedType(got)}`);
      }
    });
  }

  private checkBinary(e: BinaryExpr): void {
    const lt = this.check(e.lhs);
    const rt = this.check(e.rhs);
    const opPos = { start: e.lhs.pos.end, end: e.rhs.pos.start };
    if (e.returnBool && !isComparisonOp(e.op)) this.fail(opPos, "bool modifier can only be used on comparison operators");
    if (isComparisonOp(e.op) && !e.returnBool && lt === "scalar" && rt === "scalar") {
      this.fail(opPos, "comparisons between scalars must use BOOL modifier");
    }
    const m = e.matching;
    if (m !== undefined && m.on) {
      for (const l of m.labels) {
        if (m.include.includes(l)) this.fail(opPos, `label "${l}" must not occur in ON and GROUP clause at once`);
      }
    }
    if (lt !== "scalar" && lt !== "vector") this.fail(e.lhs.pos, "binary expression must contain only scalar and instant vector types");
    if (rt !== "scalar" && rt !== "vector") this.fail(e.rhs.pos, "binary expression must contain only scalar and instant vector types");
    if ((lt !== "vector" || rt !== "vector") && m !== undefined) {
      if (m.labels.length > 0 || m.on || m.card === "many-to-one" || m.card === "one-to-many") {
        this.fail(e.pos, "vector matching only allowed between instant vectors");
      }
      if (m.fill) this.fail(e.pos, "filling in missing series only allowed between instant vectors");
      delete e.matching;
    } else if (isSetOp(e.op) && m !== undefined) {
      if (m.card === "one-to-many" || m.card === "many-to-one") this.fail(e.pos, `no grouping allowed for "${e.op}" operation`);
      if (m.fill) this.fail(e.pos, "filling in missing series not allowed for set operators");
    }
    if ((lt === "scalar" || rt === "scalar") && isSetOp(e.op)) {
      this.fail(e.pos, `set operator "${e.op}" not allowed in binary scalar expression`);
    }
  }
}

/** Whether a matcher accepts the empty string (i.e. also matches a missing label). */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case "=":
      return m.value === "";
    case "!=":
      return m.value !== "";
    case "=~":
      return compileAnchoredRegex(m.value).test("");
    case "!~":
      return !compileAnchoredRegex(m.value).test("");
  }
}
