// Checks on one PromQL expression. Each returns findings at byte offsets into
// the expression's text; rules.ts turns offsets into file positions.
import { selectorMetricName, walk, type AggregateExpr, type BinaryExpr, type Expr } from "../promql/ast.js";
import { typeOf } from "../promql/parser.js";
import { formatPrometheusDuration } from "../go/duration.js";
import type { CheckName } from "./finding.js";

export interface ExprFinding {
  check: CheckName;
  /** Byte offset into the expression's text. */
  offset: number;
  message: string;
}

export interface ExprContext {
  /** The rule is an alert (some checks apply to alerts only). */
  alert: boolean;
  /** ms */
  scrapeInterval: number;
}

/** A rule's expression must give an instant vector or a scalar (Prometheus fails the rule at every evaluation otherwise). */
export function checkExprType(expr: Expr): ExprFinding[] {
  const t = typeOf(expr);
  if (t === "vector" || t === "scalar") return [];
  const name = t === "matrix" ? "range vector" : t;
  return [{ check: "promql/syntax", offset: expr.pos.start, message: `the expression is a ${name}; a rule needs an instant vector or a scalar` }];
}

const REGEX_META = /[.*+?()[\]{}|^$\\]/;

/** `=~"foo"` matches exactly what `="foo"` does, more slowly. */
export function checkRegexStatic(expr: Expr): ExprFinding[] {
  const out: ExprFinding[] = [];
  walk(expr, (n) => {
    if (n.type !== "VectorSelector") return;
    for (const m of n.matchers) {
      if ((m.op === "=~" || m.op === "!~") && !REGEX_META.test(m.value)) {
        const eq = m.op === "=~" ? "=" : "!=";
        out.push({ check: "promql/regex-static", offset: n.pos.start, message: `${m.name}${m.op}${JSON.stringify(m.value)} is a regex on a plain string; use ${m.name}${eq}${JSON.stringify(m.value)}` });
      }
    }
  });
  return out;
}

/** PromQL anchors every regex matcher at both ends already. */
export function checkRegexAnchored(expr: Expr): ExprFinding[] {
  const out: ExprFinding[] = [];
  walk(expr, (n) => {
    if (n.type !== "VectorSelector") return;
    for (const m of n.matchers) {
      if (m.op !== "=~" && m.op !== "!~") continue;
      const end = m.value.endsWith("$") && !m.value.endsWith("\\$");
      if (m.value.startsWith("^") || end) {
        out.push({ check: "promql/regex-anchored", offset: n.pos.start, message: `${m.name}${m.op}${JSON.stringify(m.value)}: PromQL regexes are always anchored at both ends; drop the ^ and $` });
      }
    }
  });
  return out;
}

const COUNTER_FUNCS = new Set(["rate", "irate", "increase"]);
const COUNTER_SUFFIXES = ["_total", "_count", "_sum", "_bucket"];
/** Functions that need at least two samples in their window. */
const TWO_SAMPLE_FUNCS = new Set(["rate", "irate", "increase", "delta", "idelta", "deriv"]);

/** rate() and friends handle counter resets; on a gauge (or a recorded series) they give nonsense. */
export function checkRateGauge(expr: Expr): ExprFinding[] {
  const out: ExprFinding[] = [];
  walk(expr, (n) => {
    if (n.type !== "Call" || !COUNTER_FUNCS.has(n.func)) return;
    const arg = n.args[0];
    if (arg?.type !== "MatrixSelector") return;
    const name = selectorMetricName(arg.selector);
    if (name === undefined) return;
    if (name.includes(":")) {
      out.push({ check: "promql/rate-gauge", offset: n.pos.start, message: `${n.func}() over ${name}, a recording rule's output: take the ${n.func}() of the raw counter inside the recording rule instead` });
    } else if (!COUNTER_SUFFIXES.some((s) => name.endsWith(s))) {
      out.push({ check: "promql/rate-gauge", offset: n.pos.start, message: `${n.func}() over ${name}, which does not look like a counter (no ${COUNTER_SUFFIXES.join("/")} suffix); use deriv() or delta() for a gauge` });
    }
  });
  return out;
}

/** A window under two scrape intervals often holds fewer than two samples, and the result is empty. */
export function checkRateWindow(expr: Expr, ctx: ExprContext): ExprFinding[] {
  const out: ExprFinding[] = [];
  walk(expr, (n) => {
    if (n.type !== "Call" || !TWO_SAMPLE_FUNCS.has(n.func)) return;
    const arg = n.args[0];
    if (arg?.type !== "MatrixSelector" || arg.rangeExpr !== undefined) return;
    if (arg.range < 2 * ctx.scrapeInterval) {
      out.push({
        check: "promql/rate-window",
        offset: arg.pos.start,
        message: `${n.func}() over [${formatPrometheusDuration(arg.range)}], less than twice the scrape interval (${formatPrometheusDuration(ctx.scrapeInterval)}): use at least [${formatPrometheusDuration(2 * ctx.scrapeInterval)}]`,
      });
    }
  });
  return out;
}

/** topk() and friends pick different series at each evaluation, so alerts flap between series. */
export function checkTopkInAlert(expr: Expr, ctx: ExprContext): ExprFinding[] {
  if (!ctx.alert) return [];
  const out: ExprFinding[] = [];
  walk(expr, (n) => {
    if (n.type === "AggregateExpr" && (n.op === "topk" || n.op === "bottomk" || n.op === "limitk" || n.op === "limit_ratio")) {
      out.push({ check: "promql/topk-in-alert", offset: n.pos.start, message: `${n.op}() in an alert: the series it keeps change between evaluations, so alerts resolve and fire again; alert on a threshold instead` });
    }
  });
  return out;
}

// ------------------------------------------------------------ labels

/** The labels an expression's results can have: exactly some (`only`), or any but some (`except`). */
export type LabelSet = { kind: "only"; labels: ReadonlySet<string> } | { kind: "except"; labels: ReadonlySet<string> };

const ANY: LabelSet = { kind: "except", labels: new Set() };
const NONE: LabelSet = { kind: "only", labels: new Set() };

function withLabels(s: LabelSet, add: readonly string[]): LabelSet {
  if (s.kind === "only") return { kind: "only", labels: new Set([...s.labels, ...add]) };
  return { kind: "except", labels: new Set([...s.labels].filter((l) => !add.includes(l))) };
}

function withoutLabels(s: LabelSet, remove: readonly string[]): LabelSet {
  if (s.kind === "only") return { kind: "only", labels: new Set([...s.labels].filter((l) => !remove.includes(l))) };
  return { kind: "except", labels: new Set([...s.labels, ...remove]) };
}

export function mayHave(s: LabelSet, label: string): boolean {
  return s.kind === "only" ? s.labels.has(label) : !s.labels.has(label);
}

/** What labels an expression's results can carry, as far as the syntax tells (conservative: ANY when unsure). */
export function outputLabels(e: Expr): LabelSet {
  switch (e.type) {
    case "NumberLiteral":
    case "StringLiteral":
      return NONE;
    case "VectorSelector":
      return ANY;
    case "MatrixSelector":
      return outputLabels(e.selector);
    case "SubqueryExpr":
    case "ParenExpr":
    case "UnaryExpr":
      return outputLabels(e.expr);
    case "AggregateExpr":
      return aggregateLabels(e);
    case "Call":
      return callLabels(e.func, e.args);
    case "BinaryExpr":
      return binaryLabels(e);
  }
}

function aggregateLabels(e: AggregateExpr): LabelSet {
  const inner = outputLabels(e.expr);
  // These keep whole input series.
  if (e.op === "topk" || e.op === "bottomk" || e.op === "limitk" || e.op === "limit_ratio") return inner;
  if (e.op === "count_values") return ANY;
  if (e.without) return withoutLabels(inner, e.grouping);
  if (inner.kind === "only") return { kind: "only", labels: new Set(e.grouping.filter((g) => inner.labels.has(g))) };
  return { kind: "only", labels: new Set(e.grouping.filter((g) => !inner.labels.has(g))) };
}

function callLabels(func: string, args: readonly Expr[]): LabelSet {
  if (func === "label_replace" || func === "label_join") {
    const dst = args[1];
    const inner = args[0] ? outputLabels(args[0]) : ANY;
    return dst?.type === "StringLiteral" ? withLabels(inner, [dst.value]) : ANY;
  }
  if (func === "vector" || func === "time" || func === "scalar" || func === "pi") return NONE;
  if (func === "histogram_quantile") return args[1] ? withoutLabels(outputLabels(args[1]), ["le"]) : ANY;
  if (func === "absent" || func === "absent_over_time" || func === "sort_by_label" || func === "sort_by_label_desc" || func === "info") return ANY;
  const vectorArg = args.find((a) => {
    const t = typeOf(a);
    return t === "vector" || t === "matrix";
  });
  return vectorArg ? outputLabels(vectorArg) : NONE;
}

function binaryLabels(e: BinaryExpr): LabelSet {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  if (lt === "scalar" && rt === "scalar") return NONE;
  if (lt === "scalar") return outputLabels(e.rhs);
  if (rt === "scalar") return outputLabels(e.lhs);
  const l = outputLabels(e.lhs);
  const m = e.matching;
  if (e.op === "and" || e.op === "unless") return l;
  if (e.op === "or") {
    const r = outputLabels(e.rhs);
    return l.kind === "only" && r.kind === "only" ? { kind: "only", labels: new Set([...l.labels, ...r.labels]) } : ANY;
  }
  if (m === undefined) return ANY;
  switch (m.card) {
    case "one-to-one":
      if (m.on) return l.kind === "only" ? { kind: "only", labels: new Set(m.labels.filter((x) => l.labels.has(x))) } : { kind: "only", labels: new Set(m.labels.filter((x) => !l.labels.has(x))) };
      return withoutLabels(l, m.labels);
    case "many-to-one":
      return withLabels(l, m.include);
    case "one-to-many":
      return withLabels(outputLabels(e.rhs), m.include);
    default:
      return ANY;
  }
}

/** Matching, grouping or copying a label that an inner aggregation has already removed: it is always empty. */
export function checkAggregatedAway(expr: Expr): ExprFinding[] {
  const out: ExprFinding[] = [];
  walk(expr, (n) => {
    if (n.type === "AggregateExpr" && !n.without && n.op !== "count_values") {
      const inner = outputLabels(n.expr);
      const gone = n.grouping.filter((g) => !mayHave(inner, g));
      if (gone.length > 0) {
        out.push({ check: "promql/aggregated-away", offset: n.pos.start, message: `${n.op} by (${n.grouping.join(", ")}): ${list(gone)} ${gone.length === 1 ? "is" : "are"} no longer there (${keeps("the inner expression", inner)})` });
      }
      return;
    }
    if (n.type !== "BinaryExpr" || n.matching === undefined) return;
    const m = n.matching;
    const sides: Array<["left" | "right", Expr]> = [
      ["left", n.lhs],
      ["right", n.rhs],
    ];
    if (m.on && m.labels.length > 0) {
      for (const [side, e] of sides) {
        const labels = outputLabels(e);
        const gone = m.labels.filter((x) => !mayHave(labels, x));
        if (gone.length > 0) {
          out.push({ check: "promql/aggregated-away", offset: n.pos.start, message: `on(${m.labels.join(", ")}): the ${side} side has no ${list(gone)} (${keeps("it", labels)}), so every series matches on an empty value` });
        }
      }
    }
    if (m.include.length > 0 && (m.card === "many-to-one" || m.card === "one-to-many")) {
      const [side, e] = m.card === "many-to-one" ? sides[1]! : sides[0]!;
      const labels = outputLabels(e);
      const gone = m.include.filter((x) => !mayHave(labels, x));
      if (gone.length > 0) {
        const g = m.card === "many-to-one" ? "group_left" : "group_right";
        out.push({ check: "promql/aggregated-away", offset: n.pos.start, message: `${g}(${m.include.join(", ")}): the ${side} side has no ${list(gone)} (${keeps("it", labels)}), so nothing is copied` });
      }
    }
  });
  return out;
}

function list(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(", ");
}

function keeps(what: string, s: LabelSet): string {
  if (s.kind === "except") return `${what} drops ${list([...s.labels])}`;
  return s.labels.size === 0 ? `${what} keeps no labels` : `${what} keeps only ${list([...s.labels])}`;
}

/** Every expression check, in the order they report. */
export function checkExpr(expr: Expr, ctx: ExprContext): ExprFinding[] {
  const typeProblems = checkExprType(expr);
  if (typeProblems.length > 0) return typeProblems;
  return [
    ...checkRegexStatic(expr),
    ...checkRegexAnchored(expr),
    ...checkRateGauge(expr),
    ...checkRateWindow(expr, ctx),
    ...checkAggregatedAway(expr),
    ...checkTopkInAlert(expr, ctx),
  ];
}
