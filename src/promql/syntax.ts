// What the spec validator and the compiler ask of a PromQL expression: does it
// parse and type-check, where is the first problem, is it a plain selector.
import { walk, type Expr, type LabelMatcher, type ValueType } from "./ast.js";
import { documentedType, tryParsePromQL, typeOf } from "./parser.js";
import { quoteString } from "./literals.js";
import { commentEnd, isQuote, stringLiteralEnd } from "./lexical.js";
import { printMatcher } from "./printer.js";

export type { LabelMatcher } from "./ast.js";

export interface PromQLProblem {
  /** 0-based offset into the expression. */
  offset: number;
  message: string;
}

// Validation asks several questions of the same expression; parse each text once.
const parsed = new Map<string, { expr: Expr } | { problem: PromQLProblem }>();

function parseCached(text: string): { expr: Expr } | { problem: PromQLProblem } {
  let entry = parsed.get(text);
  if (entry === undefined) {
    if (parsed.size >= 100_000) parsed.clear();
    const r = tryParsePromQL(text);
    entry = r.ok ? { expr: r.expr } : { problem: { offset: r.error.pos.start, message: r.error.reason } };
    parsed.set(text, entry);
  }
  return entry;
}

/**
 * The first syntax or type error of an expression, or undefined. With
 * `expect`, the expression must also evaluate to that type (alert and
 * recording rules need an instant vector).
 */
export function findProblem(text: string, expect?: ValueType): PromQLProblem | undefined {
  if (text.trim() === "") return { offset: 0, message: "empty expression" };
  const r = parseCached(text);
  if ("problem" in r) return r.problem;
  const type = typeOf(r.expr);
  if (expect !== undefined && type !== expect) {
    return { offset: 0, message: `expected an expression of type ${documentedType(expect)}, got ${documentedType(type)}` };
  }
  return undefined;
}

/** The parsed expression, or undefined when it does not parse. */
export function parseExpression(text: string): Expr | undefined {
  const r = parseCached(text);
  return "expr" in r ? r.expr : undefined;
}

export interface SelectorInfo {
  metric: string | undefined;
  matchers: LabelMatcher[];
}

/**
 * The metric name and matchers of an expression that is exactly one instant
 * vector selector without offset or `@` (`http_requests_total{code=~"5.."}`).
 */
export function parseVectorSelector(text: string): SelectorInfo | undefined {
  const expr = parseExpression(text);
  if (!expr || expr.type !== "VectorSelector" || expr.offset !== 0 || expr.at) return undefined;
  return selectorInfo(expr);
}

function selectorInfo(expr: Extract<Expr, { type: "VectorSelector" }>): SelectorInfo {
  let metric = expr.name;
  const matchers: LabelMatcher[] = [];
  for (const m of expr.matchers) {
    if (m.name === "__name__" && m.op === "=") metric = m.value;
    else matchers.push(m);
  }
  return { metric, matchers };
}

/**
 * The expression with its `#` comments removed (strings are left alone). A
 * comment runs to the end of its line, so an expression that ends in one
 * would swallow whatever monac appends to it (`expr # note > 80`): every
 * expression taken from a spec is embedded without them.
 */
export function withoutComments(text: string): string {
  // One line without a comment (nearly every expression): only trimming to do.
  if (!/[#\n\r\u2028\u2029]/.test(text)) return text.trim();
  let out = text;
  if (text.includes("#")) {
    out = "";
    let from = 0;
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (isQuote(c)) {
        i = stringLiteralEnd(text, i);
      } else if (c === "#") {
        out += text.slice(from, i);
        i = commentEnd(text, i);
        from = i;
      } else {
        i++;
      }
    }
    out += text.slice(from);
  }
  return out.replace(/[ \t]+$/gm, "").trim();
}

/**
 * How a placeholder such as `$window` is used in an expression: as the range
 * of a range selector or subquery (`rate(x[$window])`), or anywhere else (a
 * label value, an offset, a number), where substituting it would silently
 * change what the expression means. Undefined when the expression does not
 * parse with the placeholder read as a duration.
 */
export function placeholderUses(text: string, placeholder: string): { ranges: number; elsewhere: number; selectors: SelectorInfo[] } | undefined {
  // A duration no one writes: every place it shows up came from the placeholder.
  const SENTINEL = "7777777s";
  const expr = parseExpression(text.split(placeholder).join(SENTINEL));
  if (!expr) return undefined;
  const total = text.split(placeholder).length - 1;
  let ranges = 0;
  const selectors: SelectorInfo[] = [];
  walk(expr, (node) => {
    if ((node.type === "MatrixSelector" || node.type === "SubqueryExpr") && node.range === 7_777_777_000 && !node.rangeExpr) ranges++;
    if (node.type === "VectorSelector") selectors.push(selectorInfo(node));
  });
  return { ranges, elsewhere: total - ranges, selectors };
}

/** The syntax node at the top of an expression ("BinaryExpr", "VectorSelector", ...). */
export function topLevelType(text: string): Expr["type"] | undefined {
  return parseExpression(text)?.type;
}

/** A PromQL string literal for any label value. */
export function quote(value: string): string {
  return quoteString(value);
}

/** Prints a selector, matchers in the order given. */
export function formatSelector(sel: SelectorInfo): string {
  const matchers = sel.matchers.map(printMatcher).join(", ");
  if (sel.metric === undefined) return `{${matchers}}`;
  return matchers ? `${sel.metric}{${matchers}}` : sel.metric;
}
