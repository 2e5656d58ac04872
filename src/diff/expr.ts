// What the diff reads from a rule's expression: its shape without numbers (so
// that a changed threshold is not a changed expression), its comparison
// constants (the thresholds), its other constants, and an estimate of the
// samples one evaluation reads.
import { children, isComparisonOp, selectorMetricName, type Expr, type NumberLiteral } from "../promql/ast.js";
import { printPromQL } from "../promql/printer.js";

/** A number as PromQL prints it (`0.0005`, `300`, `+Inf`). */
export function formatNumber(value: number): string {
  const lit: NumberLiteral = { type: "NumberLiteral", value, pos: { start: 0, end: 0 } };
  return printPromQL(lit);
}

/** The expression printed on one line (whitespace and comments of the file gone). */
export function oneLine(expr: Expr): string {
  return printPromQL(expr).replace(/\s*\n\s*/g, " ");
}

/** The expression with every number literal replaced by `_`: equal shapes differ only in constants. */
export function shape(expr: Expr): string {
  const copy = structuredClone(expr);
  const mask = (e: Expr): void => {
    if (e.type === "NumberLiteral") {
      e.value = 0;
      e.isDuration = false;
    }
    for (const c of children(e)) mask(c);
  };
  mask(copy);
  return oneLine(copy);
}

export interface Constants {
  /** Comparison constants in order, with their operator: `> 0.05`, `>= 100`, `100 <`. */
  thresholds: string[];
  /** Every other number literal, in order. */
  others: string[];
}

export function constants(expr: Expr): Constants {
  const thresholds: string[] = [];
  const others: string[] = [];
  const visit = (e: Expr, parent: Expr | undefined): void => {
    if (e.type === "NumberLiteral") {
      if (parent?.type === "BinaryExpr" && isComparisonOp(parent.op)) {
        const op = `${parent.op}${parent.returnBool ? " bool" : ""}`;
        thresholds.push(parent.rhs === e ? `${op} ${formatNumber(e.value)}` : `${formatNumber(e.value)} ${op}`);
      } else others.push(formatNumber(e.value));
    }
    for (const c of children(e)) visit(c, e);
  };
  visit(expr, undefined);
  return { thresholds, others };
}

/** The operands of `a or b or c` at the top of an expression (parentheses looked through). */
export function orTerms(expr: Expr): Expr[] {
  if (expr.type === "ParenExpr") return orTerms(expr.expr);
  if (expr.type === "BinaryExpr" && expr.op === "or") return [...orTerms(expr.lhs), ...orTerms(expr.rhs)];
  return [expr];
}

/**
 * A burn-rate alert's tiers as written: for each `or` term, its burn factor and
 * the windows of the `slo:sli_error:ratio_rateW / budget > factor` comparisons,
 * as `14.4× over 1h and 5m`. Undefined when the expression has none.
 */
export function burnTiers(expr: Expr): string[] | undefined {
  const tiers: string[] = [];
  for (const term of orTerms(expr)) {
    const windows: string[] = [];
    const factors: string[] = [];
    const visit = (e: Expr): void => {
      if (e.type === "BinaryExpr" && isComparisonOp(e.op) && e.rhs.type === "NumberLiteral") {
        const window = ratioWindow(e.lhs);
        if (window !== undefined) {
          windows.push(window);
          const f = formatNumber(e.rhs.value);
          if (!factors.includes(f)) factors.push(f);
          return;
        }
      }
      for (const c of children(e)) visit(c);
    };
    visit(term);
    if (windows.length > 0) tiers.push(`${factors.join("/")}× over ${windows.join(" and ")}`);
  }
  return tiers.length > 0 ? tiers : undefined;
}

/** `W` of `slo:sli_error:ratio_rateW{...} / budget` (or of the selector alone). */
function ratioWindow(e: Expr): string | undefined {
  let x = e;
  while (x.type === "ParenExpr") x = x.expr;
  if (x.type === "BinaryExpr" && x.op === "/") x = x.lhs;
  while (x.type === "ParenExpr") x = x.expr;
  if (x.type !== "VectorSelector") return undefined;
  const m = /^slo:sli_error:ratio_rate(.+)$/.exec(selectorMetricName(x) ?? "");
  return m?.[1];
}

/** The divisor of `x / c` anywhere in the expression (the error budget of burn-rate rules). */
export function firstDivisor(expr: Expr): number | undefined {
  if (expr.type === "BinaryExpr" && expr.op === "/" && expr.rhs.type === "NumberLiteral") return expr.rhs.value;
  for (const c of children(expr)) {
    const d = firstDivisor(c);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The constant of `vector(c)`. */
export function vectorConstant(expr: Expr): number | undefined {
  let x = expr;
  while (x.type === "ParenExpr") x = x.expr;
  if (x.type === "Call" && x.func === "vector" && x.args[0]?.type === "NumberLiteral") return x.args[0].value;
  return undefined;
}

export interface Cost {
  /** Estimated samples one evaluation reads. */
  samples: number;
  /** Distinct selectors (printed, offsets included), each counted as one series. */
  selectors: Set<string>;
}

/**
 * Samples one evaluation of `expr` reads, estimated: a range selector reads
 * range ÷ scrape interval samples, an instant selector one, a subquery
 * range ÷ step evaluations of its inner expression (step: its own, else the
 * group's interval, else the scrape interval); every selector is one series.
 */
export function evaluationCost(expr: Expr, scrapeIntervalMs: number, groupIntervalMs: number, selectors: Set<string> = new Set()): Cost {
  const samples = (e: Expr): number => {
    switch (e.type) {
      case "VectorSelector":
        selectors.add(printPromQL(e));
        return 1;
      case "MatrixSelector":
        selectors.add(printPromQL(e.selector));
        return Math.max(1, e.range / scrapeIntervalMs);
      case "SubqueryExpr": {
        const step = e.step || groupIntervalMs || scrapeIntervalMs;
        return Math.max(1, e.range / step) * samples(e.expr);
      }
      default:
        return children(e).reduce((sum, c) => sum + samples(c), 0);
    }
  };
  return { samples: samples(expr), selectors };
}
