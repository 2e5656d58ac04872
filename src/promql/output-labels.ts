// The labels an expression's result series carry, read from its AST (the
// rules follow Prometheus's evaluator, promql/engine.go: resultMetric,
// aggregation, the label functions). Two answers. Closed: the result carries
// exactly these labels (`avg by (instance)`, `on (job)` one-to-one matching,
// `vector(1)`). Open: the result keeps the labels of the series it selected,
// whose names the query does not list; we know the ones it names (matchers,
// `by`, `on`) and the ones it drops (`without`, `ignoring`,
// `histogram_quantile`'s `le`). Used for alert identity (which labels tell one
// alert of a rule from another) and by lint (labels matched after an
// aggregation removed them).
import type { Expr } from "./ast.js";
import { typeOf } from "./parser.js";

export type OutputLabels =
  | { closed: true; labels: Set<string> }
  | { closed: false; named: Set<string>; dropped: Set<string> };

const closed = (labels: Iterable<string> = []): OutputLabels => ({ closed: true, labels: new Set(labels) });

/** The result's labels, given what `o` carries, after adding `extra` (a label function's destination). */
function withLabels(o: OutputLabels, extra: string[]): OutputLabels {
  if (o.closed) return closed([...o.labels, ...extra]);
  return { closed: false, named: new Set([...o.named, ...extra]), dropped: new Set([...o.dropped].filter((l) => !extra.includes(l))) };
}

function without(o: OutputLabels, drop: string[]): OutputLabels {
  if (o.closed) return closed([...o.labels].filter((l) => !drop.includes(l)));
  return { closed: false, named: new Set([...o.named].filter((l) => !drop.includes(l))), dropped: new Set([...o.dropped, ...drop]) };
}

function union(a: OutputLabels, b: OutputLabels): OutputLabels {
  if (a.closed && b.closed) return closed([...a.labels, ...b.labels]);
  const named = (o: OutputLabels) => (o.closed ? o.labels : o.named);
  const dropped = (o: OutputLabels) => (o.closed ? new Set<string>() : o.dropped);
  return { closed: false, named: new Set([...named(a), ...named(b)]), dropped: new Set([...dropped(a)].filter((l) => dropped(b).has(l))) };
}

/** Aggregations that select series and keep all their labels. */
const SELECTING = new Set(["topk", "bottomk", "limitk", "limit_ratio"]);

export function outputLabels(expr: Expr): OutputLabels {
  switch (expr.type) {
    case "NumberLiteral":
    case "StringLiteral":
      return closed();
    case "VectorSelector":
      return { closed: false, named: new Set(expr.matchers.map((m) => m.name).filter((n) => n !== "__name__")), dropped: new Set() };
    case "MatrixSelector":
      return outputLabels(expr.selector);
    case "SubqueryExpr":
    case "ParenExpr":
    case "UnaryExpr":
      return outputLabels(expr.expr);
    case "AggregateExpr":
      return aggregateLabels(expr);
    case "Call":
      return callLabels(expr);
    case "BinaryExpr":
      return binaryLabels(expr);
  }
}

function aggregateLabels(expr: Extract<Expr, { type: "AggregateExpr" }>): OutputLabels {
  const inner = outputLabels(expr.expr);
  if (SELECTING.has(expr.op)) return inner;
  const extra = expr.op === "count_values" && expr.param?.type === "StringLiteral" ? [expr.param.value] : [];
  if (expr.without) return withLabels(without(inner, expr.grouping), extra);
  return closed([...expr.grouping, ...extra]);
}

function callLabels(expr: Extract<Expr, { type: "Call" }>): OutputLabels {
  if (typeOf(expr) !== "vector") return closed();
  const [first, dst] = expr.args;
  switch (expr.func) {
    case "label_replace":
    case "label_join":
      return first ? withLabels(outputLabels(first), dst?.type === "StringLiteral" ? [dst.value] : []) : closed();
    case "absent":
    case "absent_over_time": {
      // The labels of the selector's equality matchers, or none.
      const sel = first?.type === "VectorSelector" ? first : first?.type === "MatrixSelector" ? first.selector : undefined;
      return closed(sel ? sel.matchers.filter((m) => m.op === "=" && m.name !== "__name__").map((m) => m.name) : []);
    }
    case "histogram_quantile":
    case "histogram_fraction":
      return without(outputLabels(expr.args[expr.args.length - 1]!), ["le"]);
  }
  // Everything else keeps the labels of its vector or range-vector argument.
  const arg = expr.args.find((a) => typeOf(a) === "vector" || typeOf(a) === "matrix");
  return arg ? outputLabels(arg) : closed();
}

function binaryLabels(expr: Extract<Expr, { type: "BinaryExpr" }>): OutputLabels {
  const lhsVector = typeOf(expr.lhs) === "vector";
  const rhsVector = typeOf(expr.rhs) === "vector";
  if (!lhsVector && !rhsVector) return closed();
  if (!rhsVector) return outputLabels(expr.lhs);
  if (!lhsVector) return outputLabels(expr.rhs);
  const m = expr.matching;
  const lhs = outputLabels(expr.lhs);
  const rhs = outputLabels(expr.rhs);
  if (expr.op === "or") return union(lhs, rhs);
  if (expr.op === "and" || expr.op === "unless") return lhs;
  if (!m || m.card === "one-to-one") {
    if (m?.on) return closed(m.labels);
    return without(lhs, m?.labels ?? []);
  }
  // group_left keeps the "many" (left) side's labels plus the included ones; group_right the right's.
  return withLabels(m.card === "many-to-one" ? lhs : rhs, m.include);
}

/** Whether a result series can carry `label`. */
export function mayHaveLabel(o: OutputLabels, label: string): boolean {
  return o.closed ? o.labels.has(label) : !o.dropped.has(label);
}
