// Which metrics an SLI or a threshold alert reads, and as what: the counters,
// histograms and gauges a service must expose for its specs to mean anything.
// Validation checks the `instrumentation:` contracts of SLOs with it, and the
// instrument layer derives the generated prom-client modules from it.
import { walk, type Expr, type LabelMatcher } from "../promql/ast.js";
import { parseExpression } from "../promql/syntax.js";
import type { SliModel, ThresholdAlertModel } from "./model.js";

export type MetricKind = "counter" | "histogram" | "gauge";

export interface MetricRead {
  /** The series name a counter or gauge is read by; a histogram's base name (without _bucket/_count/_sum). */
  name: string;
  kind: MetricKind;
  /** Matchers of the selector, without the metric name. */
  matchers: LabelMatcher[];
  /** The SLI field the selector is in (errors, good, total, histogram, metric); "expr" for alerts. */
  field: string;
}

/**
 * Labels Prometheus attaches at scrape time from the target (`job` from the
 * scrape config, `instance` from the target's address): a selector matches on
 * them, but the service never sets them. monac.yaml has no setting naming
 * more target labels; relabelled target labels (e.g. `namespace`, `pod` from
 * Kubernetes service discovery) are declared with `instrumentation.labels`,
 * which then leaves them out.
 */
export const TARGET_LABELS: readonly string[] = ["job", "instance"];

/** Label names a service sets on a metric, from a selector's matchers: not target labels, `le` or `__name__`. */
export function serviceLabels(matchers: readonly LabelMatcher[]): string[] {
  return [...new Set(matchers.map((m) => m.name).filter((n) => !TARGET_LABELS.includes(n) && n !== "le" && n !== "__name__"))].sort();
}

const WINDOW = "$window";

type Selector = { name: string; matchers: LabelMatcher[]; path: readonly Expr[] };

/** The metric names and matchers of every selector with a fixed name, with the nodes above it. */
function selectors(text: string): Selector[] {
  const expr = parseExpression(text.split(WINDOW).join("5m"));
  return expr ? selectorsIn(expr) : [];
}

/**
 * selectors() of `increase(<selector>[$window])`, what validation makes of a
 * ratio's counter selector (countExpression in validate.ts), read from the
 * selector alone: validation parsed that text already, the whole would be one
 * more parse per SLI. The same names and matchers, but no nodes above them.
 * Undefined for any other text, and when the selector has an offset, an `@`
 * (the whole would not parse) or a `#` anywhere (a comment would swallow the
 * range): selectors() reads those.
 */
function countedSelector(text: string): Selector[] | undefined {
  const m = /^increase\(([^#]*)\[\$window\]\)$/.exec(text);
  const expr = m && parseExpression(m[1]!.split(WINDOW).join("5m"));
  if (!expr || expr.type !== "VectorSelector" || expr.offset !== 0 || expr.offsetExpr || expr.at) return undefined;
  return selectorsIn(expr);
}

function selectorsIn(expr: Expr): Selector[] {
  const out: Selector[] = [];
  walk(expr, (node, path) => {
    if (node.type !== "VectorSelector") return;
    let name = node.name;
    const matchers: LabelMatcher[] = [];
    for (const m of node.matchers) {
      if (m.name === "__name__" && m.op === "=") name = m.value;
      else if (m.name !== "__name__") matchers.push(m);
    }
    if (name !== undefined) out.push({ name, matchers, path: [...path] });
  });
  return out;
}

/** A counter read, or the histogram it belongs to when it reads `x_bucket`. */
function counterOrBucket(name: string, matchers: LabelMatcher[], field: string): MetricRead {
  const bucket = /^(.+)_bucket$/.exec(name);
  return bucket ? { name: bucket[1]!, kind: "histogram", matchers, field } : { name, kind: "counter", matchers, field };
}

/**
 * What an SLI reads: a ratio's counters (a `_bucket` selector reads its
 * histogram), a latency SLI's histogram, a boolGauge's gauge. A raw SLI's
 * expression is the user's: nothing.
 */
export function sliReads(sli: SliModel): MetricRead[] {
  switch (sli.kind) {
    case "ratio": {
      const out: MetricRead[] = [];
      for (const field of ["errors", "good", "total"] as const) {
        const text = sli[field];
        if (text === undefined) continue;
        for (const s of countedSelector(text) ?? selectors(text)) out.push(counterOrBucket(s.name, s.matchers, field));
      }
      return out;
    }
    case "latency":
      return [{ name: sli.metric, kind: "histogram", matchers: sli.matchers, field: sli.native ? "nativeHistogram" : "histogram" }];
    case "boolGauge":
      return selectors(sli.selector).map((s) => ({ name: s.name, kind: "gauge" as const, matchers: s.matchers, field: "metric" }));
    case "raw":
      return [];
  }
}

const COUNTER_FUNCTIONS = new Set(["rate", "increase", "irate"]);

/**
 * What a threshold alert reads that a service declares: `x_bucket` selectors
 * (the histogram x) and selectors under rate()/increase()/irate() (counters).
 * Anything else (a gauge compared as it is, an exporter's series) is not
 * declared: monac cannot tell a gauge the service sets from anyone else's.
 */
export function alertReads(alert: ThresholdAlertModel): MetricRead[] {
  const texts = alert.valueExpr !== undefined ? [alert.valueExpr] : alert.levels.map((l) => l.expr);
  const out: MetricRead[] = [];
  for (const text of texts) {
    for (const s of selectors(text)) {
      if (/_bucket$/.test(s.name)) {
        out.push(counterOrBucket(s.name, s.matchers, "expr"));
        continue;
      }
      const parent = s.path[s.path.length - 1];
      const call = s.path[s.path.length - 2];
      if (parent?.type === "MatrixSelector" && call?.type === "Call" && COUNTER_FUNCTIONS.has(call.func)) {
        out.push({ name: s.name, kind: "counter", matchers: s.matchers, field: "expr" });
      }
    }
  }
  return out;
}
