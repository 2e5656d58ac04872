/**
 * Canonical PromQL text for an AST. The format follows Prometheus's
 * Expr.String() (sorted matchers, `@ 123.000`, durations in their shortest
 * unit form) because annotation positions in Prometheus's test scripts are
 * computed against that rendering.
 */
import type { AtModifier, DurationExpr, Expr, LabelMatcher, VectorMatching, VectorSelector } from "./ast.js";
import { formatPrometheusDuration } from "../go/duration.js";
import { formatNumberLiteral, quoteString } from "./literals.js";

const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function printPromQL(expr: Expr): string {
  switch (expr.type) {
    case "NumberLiteral":
      if (expr.isDuration && Number.isFinite(expr.value)) {
        return formatPrometheusDuration(Math.round(expr.value * 1000));
      }
      // Prometheus prints "+Inf", but "+Inf ^ 2" re-parses as "+(Inf ^ 2)"
      // because unary operators bind looser than "^"; the unsigned spelling
      // round-trips in every position.
      return expr.value === Infinity ? "Inf" : formatNumberLiteral(expr.value);
    case "StringLiteral":
      return quoteString(expr.value);
    case "VectorSelector":
      return printSelector(expr) + atSuffix(expr.at) + extendedSuffix(expr) + offsetSuffix(expr.offset, expr.offsetExpr);
    case "MatrixSelector": {
      const vs = expr.selector;
      const range = expr.rangeExpr ? printDurationExpr(expr.rangeExpr) : formatPrometheusDuration(expr.range);
      return `${printSelector(vs)}[${range}]${extendedSuffix(vs)}${atSuffix(vs.at)}${offsetSuffix(vs.offset, vs.offsetExpr)}`;
    }
    case "SubqueryExpr": {
      const range = expr.rangeExpr ? printDurationExpr(expr.rangeExpr) : formatPrometheusDuration(expr.range);
      const step = expr.stepExpr ? printDurationExpr(expr.stepExpr) : expr.step !== 0 ? formatPrometheusDuration(expr.step) : "";
      return `${printPromQL(expr.expr)}[${range}:${step}]${atSuffix(expr.at)}${offsetSuffix(expr.offset, expr.offsetExpr)}`;
    }
    case "UnaryExpr":
      return expr.op + printPromQL(expr.expr);
    case "ParenExpr":
      return `(${printPromQL(expr.expr)})`;
    case "BinaryExpr":
      return `${printPromQL(expr.lhs)} ${expr.op}${expr.returnBool ? " bool" : ""}${matchingSuffix(expr.matching)} ${printPromQL(expr.rhs)}`;
    case "Call":
      // As a function argument "+Inf" (Prometheus's spelling, which
      // annotation positions count) re-parses to the same value.
      return `${expr.func}(${expr.args.map((a) => (a.type === "NumberLiteral" && a.value === Infinity && !a.isDuration ? "+Inf" : printPromQL(a))).join(", ")})`;
    case "AggregateExpr": {
      let head: string = expr.op;
      if (expr.without) head += ` without (${printLabelList(expr.grouping)}) `;
      else if (expr.grouping.length > 0) head += ` by (${printLabelList(expr.grouping)}) `;
      const args = expr.param ? `${printPromQL(expr.param)}, ${printPromQL(expr.expr)}` : printPromQL(expr.expr);
      return `${head}(${args})`;
    }
  }
}

export function printLabelName(name: string): string {
  return LEGACY_LABEL_NAME.test(name) ? name : quoteString(name);
}

function printLabelList(names: readonly string[]): string {
  return names.map(printLabelName).join(", ");
}

export function printMatcher(m: LabelMatcher): string {
  return `${printLabelName(m.name)}${m.op}${quoteString(m.value)}`;
}

function printSelector(vs: VectorSelector): string {
  const parts = vs.matchers
    .filter((m) => !(vs.name !== undefined && m.name === "__name__" && m.op === "=" && m.value === vs.name))
    .map(printMatcher)
    .sort();
  const name = vs.name ?? "";
  return parts.length > 0 || name === "" ? `${name}{${parts.join(",")}}` : name;
}

function atSuffix(at: AtModifier | undefined): string {
  if (at === undefined) return "";
  if (at.kind === "start") return " @ start()";
  if (at.kind === "end") return " @ end()";
  return ` @ ${(at.ms / 1000).toFixed(3)}`;
}

function extendedSuffix(vs: VectorSelector): string {
  if (vs.anchored) return " anchored";
  if (vs.smoothed) return " smoothed";
  return "";
}

function offsetSuffix(offset: number, expr: DurationExpr | undefined): string {
  if (expr !== undefined) return ` offset ${printDurationExpr(expr)}`;
  if (offset > 0) return ` offset ${formatPrometheusDuration(offset)}`;
  if (offset < 0) return ` offset -${formatPrometheusDuration(-offset)}`;
  return "";
}

function matchingSuffix(m: VectorMatching | undefined): string {
  if (m === undefined) return "";
  let out = "";
  const grouped = m.card === "many-to-one" || m.card === "one-to-many";
  if (m.labels.length > 0 || m.on || grouped) {
    out += ` ${m.on ? "on" : "ignoring"} (${printLabelList(m.labels)})`;
  }
  if (grouped) {
    out += ` group_${m.card === "many-to-one" ? "left" : "right"} (${printLabelList(m.include)})`;
  }
  if (m.fill) {
    const { lhs, rhs } = m.fill;
    if (lhs !== undefined && rhs !== undefined && Object.is(lhs, rhs)) out += ` fill (${formatNumberLiteral(lhs)})`;
    else {
      if (lhs !== undefined) out += ` fill_left (${formatNumberLiteral(lhs)})`;
      if (rhs !== undefined) out += ` fill_right (${formatNumberLiteral(rhs)})`;
    }
  }
  return out;
}

export function printDurationExpr(d: DurationExpr): string {
  switch (d.kind) {
    case "literal":
      return d.isDuration ? formatPrometheusDuration(d.ms) : formatNumberLiteral(d.ms / 1000);
    case "unary":
      return d.op === "-" ? `-${printDurationExpr(d.expr)}` : printDurationExpr(d.expr);
    case "binary":
      return `${printDurationExpr(d.lhs)} ${d.op} ${printDurationExpr(d.rhs)}`;
    case "call":
      return `${d.fn}()`;
    case "call2":
      return `${d.fn}(${printDurationExpr(d.lhs)}, ${printDurationExpr(d.rhs)})`;
    case "paren":
      return `(${printDurationExpr(d.expr)})`;
  }
}
