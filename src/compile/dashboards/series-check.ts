// "Every series a dashboard reads is produced by something." A panel over a
// series nothing records renders "No data" forever, and nobody notices until
// the incident the panel was meant to explain.
//
// What counts as produced (the *known series*):
//   - the series monac's generated recording rules record;
//   - series Prometheus writes itself: ALERTS and ALERTS_FOR_STATE for every
//     alerting rule, and `up` and the scrape_* series for every target;
//   - metrics *named in a spec*: every metric a selector in slos/ (SLI
//     selectors, raw SLI expressions) or alerts/ (expr, condition) reads, and
//     the metric names a dashboards/ file declares under `metrics:`. A
//     classic histogram's _bucket, _count and _sum come as a family, so naming
//     one names all three.
// A custom dashboard's queries do not count as naming a metric: otherwise the
// check could never catch the typo it exists for.
import { selectorMetricName, walk, type Expr } from "../../promql/ast.js";
import { typeOf } from "../../promql/parser.js";
import { findProblem, parseExpression } from "../../promql/syntax.js";
import type { WorkspaceModel } from "../../workspace/model.js";
import { closestName } from "../../workspace/diagnostics.js";
import { isAlertingRule, type RuleGroup } from "../rules.js";
import { literalShape } from "../literal-shape.js";

const PROMETHEUS_SERIES = [
  "ALERTS",
  "ALERTS_FOR_STATE",
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
];

const HISTOGRAM_SUFFIXES = ["_bucket", "_count", "_sum"];

/**
 * Grafana's interval macros are not PromQL; each stands for a duration when
 * Grafana sends the query. Any duration parses the same, so 5m stands in.
 */
const GRAFANA_DURATION_MACROS = /\$__rate_interval|\$__interval|\$__range|\$\{__rate_interval\}|\$\{__interval\}|\$\{__range\}/g;
const MACRO_STAND_IN = "5m";

export interface ConcreteQuery {
  /** The query with Grafana's macros replaced, ready for the PromQL parser. */
  text: string;
  /** Maps an offset in `text` back to the offset in the query as written. */
  sourceOffset(offset: number): number;
}

export function concreteQuery(query: string): ConcreteQuery {
  const shifts: { at: number; delta: number }[] = [];
  let delta = 0;
  const text = query.replace(GRAFANA_DURATION_MACROS, (macro: string, at: number) => {
    const concreteAt = at - delta;
    delta += macro.length - MACRO_STAND_IN.length;
    shifts.push({ at: concreteAt + MACRO_STAND_IN.length, delta });
    return MACRO_STAND_IN;
  });
  return {
    text,
    sourceOffset(offset) {
      let shift = 0;
      for (const s of shifts) if (offset >= s.at) shift = s.delta;
      return offset + shift;
    },
  };
}

export interface SeriesRead {
  /** Metric name, or undefined for a selector without one ({job="x"}). */
  metric: string | undefined;
  /** Offset of the selector in the concrete query text. */
  offset: number;
}

export function seriesRead(expr: Expr): SeriesRead[] {
  const out: SeriesRead[] = [];
  walk(expr, (node) => {
    if (node.type === "VectorSelector") out.push({ metric: selectorMetricName(node), offset: node.pos.start });
  });
  return out;
}

export class KnownSeries {
  private readonly names = new Set<string>(PROMETHEUS_SERIES);

  add(name: string): void {
    this.names.add(name);
    const family = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
    const base = family ? name.slice(0, -family.length) : undefined;
    if (base) for (const s of HISTOGRAM_SUFFIXES) this.names.add(base + s);
  }

  addHistogram(base: string): void {
    for (const s of HISTOGRAM_SUFFIXES) this.names.add(base + s);
  }

  addMetricsOf(query: string): void {
    const shape = queryShape(query);
    if ("metrics" in shape) for (const m of shape.metrics) if (m !== undefined) this.add(m);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  get all(): ReadonlySet<string> {
    return this.names;
  }
}

/** Metrics named in slos/ and alerts/ specs (see the header for the rules). */
export function specMetrics(model: Pick<WorkspaceModel, "slos" | "thresholds">, known = new KnownSeries()): KnownSeries {
  const window = (template: string) => template.split("$window").join("5m");
  for (const slo of model.slos) {
    const sli = slo.sli;
    switch (sli.kind) {
      case "ratio":
        for (const t of [sli.errors, sli.good, sli.total]) if (t !== undefined) known.addMetricsOf(window(t));
        break;
      case "latency":
        if (sli.native) known.add(sli.metric);
        else known.addHistogram(sli.metric);
        break;
      case "boolGauge":
        known.addMetricsOf(sli.selector);
        break;
      case "raw":
        known.addMetricsOf(window(sli.errorRatio));
        break;
    }
  }
  for (const alert of model.thresholds) {
    if (alert.valueExpr !== undefined) known.addMetricsOf(alert.valueExpr);
    for (const level of alert.levels) known.addMetricsOf(level.expr);
  }
  return known;
}

/** Series recorded by rule groups. */
export function addRecordedSeries(known: KnownSeries, groups: readonly RuleGroup[]): KnownSeries {
  for (const group of groups) {
    for (const rule of group.rules) if (!isAlertingRule(rule)) known.add(rule.record);
  }
  return known;
}

/** A query's shape (literal-shape.ts): queries differing only in label values share one parse. */
function shapeKey(query: string): string {
  // Every macro starts with "$": most queries (all generated ones) have none and are their own concrete text.
  return literalShape(query.includes("$") ? concreteQuery(query).text : query);
}

type Shape = { metrics: (string | undefined)[] } | { problem: string };
const shapes = new Map<string, Shape>();

function queryShape(query: string): Shape {
  const key = shapeKey(query);
  let shape = shapes.get(key);
  if (shape === undefined) {
    if (shapes.size >= 10_000) shapes.clear();
    const problem = findProblem(key);
    const expr = problem ? undefined : parseExpression(key);
    const type = expr ? typeOf(expr) : undefined;
    shape = problem
      ? { problem: `invalid PromQL: ${problem.message}` }
      : type !== "vector" && type !== "scalar"
        ? { problem: "invalid PromQL: a panel query must be an instant vector or a scalar" }
        : { metrics: seriesRead(expr!).map((r) => r.metric) };
    shapes.set(key, shape);
  }
  return shape;
}

/**
 * The problems of a generated query, without positions: what a build error
 * about a generated dashboard needs, at a cost that does not grow with the
 * number of SLOs sharing a query's shape.
 */
export function queryShapeProblems(query: string, known: KnownSeries): readonly string[] {
  const shape = queryShape(query);
  if ("problem" in shape) return [shape.problem];
  // Thousands of generated queries have no problem: nothing is allocated for them.
  let problems: string[] | undefined;
  for (const m of shape.metrics) {
    if (m !== undefined && known.has(m)) continue;
    (problems ??= []).push(
      m === undefined
        ? "selector without a metric name: name the metric so its source can be checked"
        : `reads ${m}, which no recording rule produces and no spec names; fix the name, or declare the exporter metric under metrics:`,
    );
  }
  return problems ?? NO_PROBLEMS;
}

const NO_PROBLEMS: readonly string[] = [];

export interface QueryProblem {
  /** Offset in the query as written. */
  offset: number;
  message: string;
}

/**
 * Why a dashboard query cannot work, or undefined: it does not parse, or it
 * reads a series nothing produces.
 */
/**
 * `known` undefined: the series cannot be judged (an SLO or alert file has
 * errors, so what it names is unknown), and only syntax, type and nameless
 * selectors are reported.
 */
export function queryProblems(query: string, known: KnownSeries | undefined): QueryProblem[] {
  const concrete = concreteQuery(query);
  const syntax = findProblem(concrete.text);
  if (syntax) return [{ offset: concrete.sourceOffset(syntax.offset), message: `invalid PromQL: ${syntax.message}` }];
  const expr = parseExpression(concrete.text);
  if (!expr) return [];
  // Grafana graphs instant vectors and scalars; a range vector is an error on every refresh.
  const type = typeOf(expr);
  if (type !== "vector" && type !== "scalar") {
    return [{ offset: 0, message: `invalid PromQL: a panel query must be an instant vector or a scalar, got ${type === "matrix" ? "range vector" : type}` }];
  }
  const problems: QueryProblem[] = [];
  for (const read of seriesRead(expr)) {
    const offset = concrete.sourceOffset(read.offset);
    if (read.metric === undefined) {
      problems.push({ offset, message: "selector without a metric name: name the metric so its source can be checked" });
    } else if (known && !known.has(read.metric)) {
      const hint = closestName(read.metric, known.all);
      problems.push({
        offset,
        message:
          `reads ${read.metric}, which no recording rule produces and no spec names` +
          (hint ? ` (did you mean ${hint}?)` : "; fix the name, or declare the exporter metric under metrics:"),
      });
    }
  }
  return problems;
}
