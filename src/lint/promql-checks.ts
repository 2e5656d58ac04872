// Checks on one PromQL expression. Each returns findings at byte offsets into
// the expression's text; rules.ts turns offsets into file positions.
import { mayHaveLabel, outputLabels, type OutputLabels } from "../promql/output-labels.js";
import { selectorMetricName, walk, type Expr } from "../promql/ast.js";
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

/**
 * Functions reading native histograms. A native histogram's series has no
 * suffix (`http_request_duration_seconds`), so a rate() under one of them is
 * over a histogram, not a gauge.
 */
const NATIVE_HISTOGRAM_FUNCS = new Set(["histogram_count", "histogram_sum", "histogram_avg", "histogram_fraction", "histogram_quantile", "histogram_stddev", "histogram_stdvar"]);

/** rate() and friends handle counter resets; on a gauge (or a recorded series) they give nonsense. */
export function checkRateGauge(expr: Expr): ExprFinding[] {
  const out: ExprFinding[] = [];
  walk(expr, (n, path) => {
    if (n.type !== "Call" || !COUNTER_FUNCS.has(n.func)) return;
    const arg = n.args[0];
    if (arg?.type !== "MatrixSelector") return;
    if (path.some((p) => p.type === "Call" && NATIVE_HISTOGRAM_FUNCS.has(p.func))) return;
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

/** Matching, grouping or copying a label that an inner aggregation has already removed: it is always empty. */
export function checkAggregatedAway(expr: Expr): ExprFinding[] {
  const out: ExprFinding[] = [];
  walk(expr, (n) => {
    if (n.type === "AggregateExpr" && !n.without && n.op !== "count_values") {
      const inner = outputLabels(n.expr);
      const gone = n.grouping.filter((g) => !mayHaveLabel(inner, g));
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
        const gone = m.labels.filter((x) => !mayHaveLabel(labels, x));
        if (gone.length > 0) {
          out.push({ check: "promql/aggregated-away", offset: n.pos.start, message: `on(${m.labels.join(", ")}): the ${side} side has no ${list(gone)} (${keeps("it", labels)}), so every series matches on an empty value` });
        }
      }
    }
    if (m.include.length > 0 && (m.card === "many-to-one" || m.card === "one-to-many")) {
      const [side, e] = m.card === "many-to-one" ? sides[1]! : sides[0]!;
      const labels = outputLabels(e);
      const gone = m.include.filter((x) => !mayHaveLabel(labels, x));
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

function keeps(what: string, s: OutputLabels): string {
  if (!s.closed) return `${what} drops ${list([...s.dropped])}`;
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
