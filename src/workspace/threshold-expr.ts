// The comparison a threshold level alerts on.
import { topLevelType } from "../promql/syntax.js";

/**
 * `expr > 80` or `expr < 0.9`. The value expression is parenthesised only when
 * its top level is a binary operation, where a comparison would otherwise bind
 * to its right-hand operand (`a / b > 80` is `a / (b > 80)` for `and`/`or`/`unless`,
 * and reads ambiguously for the rest).
 */
export function thresholdCondition(valueExpr: string, direction: "above" | "below", threshold: string): string {
  const operand = topLevelType(valueExpr) === "BinaryExpr" ? `(${valueExpr})` : valueExpr;
  return `${operand} ${direction === "above" ? ">" : "<"} ${threshold}`;
}
