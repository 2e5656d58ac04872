// How far before the evaluation time a query reads: for every vector
// selector, its range (or the lookback of an instant selector) plus its
// offset, plus the ranges and offsets of the subqueries around it. What a
// backfill must fetch, and what a ruler's maximum query length is checked
// against.
import type { Expr, VectorSelector } from "./ast.js";

/** A query whose reach cannot be bounded from its text (`@`, a negative offset, a duration expression). */
export class UnboundedReachError extends Error {
  constructor(readonly what: string) {
    super(`uses ${what}; how far back it reads cannot be bounded`);
    this.name = "UnboundedReachError";
  }
}

export interface SelectorReach {
  selector: VectorSelector;
  /** ms before the evaluation time that the selector's oldest sample may be from. */
  reach: number;
}

export function selectorReaches(expr: Expr, lookbackDelta: number): SelectorReach[] {
  const out: SelectorReach[] = [];
  const visit = (e: Expr, outer: number): void => {
    switch (e.type) {
      case "VectorSelector":
        out.push({ selector: e, reach: outer + selectorOffset(e) + lookbackDelta });
        return;
      case "MatrixSelector":
        if (e.rangeExpr !== undefined) throw new UnboundedReachError("a duration expression");
        out.push({ selector: e.selector, reach: outer + selectorOffset(e.selector) + e.range });
        return;
      case "SubqueryExpr":
        if (e.at !== undefined) throw new UnboundedReachError("the @ modifier");
        if (e.offsetExpr !== undefined || e.rangeExpr !== undefined || e.stepExpr !== undefined) throw new UnboundedReachError("a duration expression");
        if (e.offset < 0) throw new UnboundedReachError("a negative offset");
        visit(e.expr, outer + e.range + e.offset);
        return;
      case "UnaryExpr":
      case "ParenExpr":
        visit(e.expr, outer);
        return;
      case "BinaryExpr":
        visit(e.lhs, outer);
        visit(e.rhs, outer);
        return;
      case "AggregateExpr":
        if (e.param) visit(e.param, outer);
        visit(e.expr, outer);
        return;
      case "Call":
        for (const a of e.args) visit(a, outer);
        return;
      default:
        return;
    }
  };
  visit(expr, 0);
  return out;
}

function selectorOffset(s: VectorSelector): number {
  if (s.at !== undefined) throw new UnboundedReachError("the @ modifier");
  if (s.offsetExpr !== undefined) throw new UnboundedReachError("a duration expression");
  if (s.offset < 0) throw new UnboundedReachError("a negative offset");
  return s.offset;
}
