/**
 * Typed PromQL syntax tree. Shapes follow Prometheus's promql/parser AST so
 * that semantics discussed in Prometheus issues map one-to-one, but modifiers
 * are plain data (milliseconds, discriminated unions) rather than pointers.
 */

export type ValueType = "scalar" | "vector" | "matrix" | "string";

/** Half-open byte range [start, end) into the source text. */
export interface PositionRange {
  start: number;
  end: number;
}

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** `@ <timestamp>` (milliseconds since epoch), `@ start()` or `@ end()`. */
export type AtModifier = { kind: "timestamp"; ms: number } | { kind: "start" } | { kind: "end" };

/**
 * Duration arithmetic inside `[...]` and after `offset` (Prometheus's
 * experimental duration expressions). Plain literals never produce this tree:
 * they are folded to milliseconds directly.
 */
export type DurationExpr =
  | { kind: "literal"; ms: number; /** written as a duration (`5m`) rather than seconds (`300`) */ isDuration: boolean }
  | { kind: "unary"; op: "+" | "-"; expr: DurationExpr }
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "%" | "^"; lhs: DurationExpr; rhs: DurationExpr }
  | { kind: "call"; fn: "step" | "range" }
  | { kind: "call2"; fn: "min_of" | "max_of"; lhs: DurationExpr; rhs: DurationExpr }
  | { kind: "paren"; expr: DurationExpr };

export interface NumberLiteral {
  type: "NumberLiteral";
  value: number;
  /** Prometheus 3 accepts durations as numbers (`1m` == 60); kept for printing. */
  isDuration?: boolean;
  pos: PositionRange;
}

export interface StringLiteral {
  type: "StringLiteral";
  value: string;
  pos: PositionRange;
}

export interface VectorSelector {
  type: "VectorSelector";
  /** Metric name written outside the braces, if any. */
  name?: string;
  /** Matchers written inside the braces (a name outside braces is not repeated here). */
  matchers: LabelMatcher[];
  /** Offset in milliseconds; negative offsets look into the future. */
  offset: number;
  offsetExpr?: DurationExpr;
  at?: AtModifier;
  /** Experimental extended range selectors. */
  anchored?: boolean;
  smoothed?: boolean;
  pos: PositionRange;
}

export interface MatrixSelector {
  type: "MatrixSelector";
  /** Offset and `@` of a range selector live on its vector selector, as in Prometheus. */
  selector: VectorSelector;
  range: number;
  rangeExpr?: DurationExpr;
  pos: PositionRange;
}

export interface SubqueryExpr {
  type: "SubqueryExpr";
  expr: Expr;
  range: number;
  rangeExpr?: DurationExpr;
  /** 0 means "use the default evaluation interval". */
  step: number;
  stepExpr?: DurationExpr;
  offset: number;
  offsetExpr?: DurationExpr;
  at?: AtModifier;
  pos: PositionRange;
}

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%" | "^" | "atan2";
export type ComparisonOp = "==" | "!=" | ">" | "<" | ">=" | "<=";
export type SetOp = "and" | "or" | "unless";
/** Native-histogram trimming operators; parsed, but only meaningful for histograms. */
export type TrimOp = "</" | ">/";
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp | TrimOp;

export type Cardinality = "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";

export interface VectorMatching {
  card: Cardinality;
  /** true for `on(...)`, false for `ignoring(...)` or no clause. */
  on: boolean;
  labels: string[];
  /** Extra labels copied from the "one" side by group_left/group_right. */
  include: string[];
  /** Experimental fill modifiers (fill, fill_left, fill_right). */
  fill?: { lhs?: number; rhs?: number };
}

export interface BinaryExpr {
  type: "BinaryExpr";
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** Present when both sides are instant vectors (after type checking). */
  matching?: VectorMatching;
  pos: PositionRange;
}

export interface UnaryExpr {
  type: "UnaryExpr";
  op: "+" | "-";
  expr: Expr;
  pos: PositionRange;
}

export type AggregateOp =
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "count"
  | "group"
  | "stddev"
  | "stdvar"
  | "topk"
  | "bottomk"
  | "quantile"
  | "count_values"
  | "limitk"
  | "limit_ratio";

export interface AggregateExpr {
  type: "AggregateExpr";
  op: AggregateOp;
  expr: Expr;
  param?: Expr;
  grouping: string[];
  without: boolean;
  pos: PositionRange;
}

export interface Call {
  type: "Call";
  func: string;
  args: Expr[];
  pos: PositionRange;
}

export interface ParenExpr {
  type: "ParenExpr";
  expr: Expr;
  pos: PositionRange;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | Call
  | ParenExpr;

export const AGGREGATORS_WITH_PARAM: ReadonlySet<AggregateOp> = new Set([
  "topk",
  "bottomk",
  "quantile",
  "count_values",
  "limitk",
  "limit_ratio",
]);

export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return op === "==" || op === "!=" || op === ">" || op === "<" || op === ">=" || op === "<=";
}

export function isSetOp(op: BinaryOp): op is SetOp {
  return op === "and" || op === "or" || op === "unless";
}

/** How tightly each binary operator binds (higher first), as in Prometheus's grammar; `^` is right-associative. */
export const BINARY_PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  "==": 3,
  "!=": 3,
  ">": 3,
  "<": 3,
  ">=": 3,
  "<=": 3,
  "</": 3,
  ">/": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  atan2: 5,
  "^": 6,
};

/** The metric name a selector pins with an equality matcher, if any. */
export function selectorMetricName(vs: VectorSelector): string | undefined {
  if (vs.name !== undefined) return vs.name;
  return vs.matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
}

/**
 * A selector's matchers with its metric name folded in as a leading
 * `__name__="…"` matcher: the one place a name outside the braces becomes a
 * matcher (parseVectorSelector in syntax.ts is the inverse).
 */
export function foldMetricName(metric: string | undefined, matchers: readonly LabelMatcher[]): LabelMatcher[] {
  return metric === undefined ? [...matchers] : [{ name: "__name__", op: "=", value: metric }, ...matchers];
}

/** All matchers of a selector, the outside-braces name included (first). */
export function allMatchers(vs: VectorSelector): LabelMatcher[] {
  return foldMetricName(vs.name, vs.matchers);
}

/** Depth-first visit with the path of ancestors (outermost first). */
export function walk(expr: Expr, visit: (node: Expr, path: readonly Expr[]) => void, path: Expr[] = []): void {
  visit(expr, path);
  path.push(expr);
  for (const child of children(expr)) walk(child, visit, path);
  path.pop();
}

export function children(expr: Expr): Expr[] {
  switch (expr.type) {
    case "MatrixSelector":
      return [expr.selector];
    case "SubqueryExpr":
    case "UnaryExpr":
    case "ParenExpr":
      return [expr.expr];
    case "BinaryExpr":
      return [expr.lhs, expr.rhs];
    case "AggregateExpr":
      return expr.param ? [expr.param, expr.expr] : [expr.expr];
    case "Call":
      return expr.args;
    default:
      return [];
  }
}
