/**
 * Warnings and infos attached to a query result, with the wording Prometheus
 * uses (test scripts match them verbatim). Positions point at the expression
 * that caused them and are rendered as `(line:col)` of the query text.
 */
import type { PositionRange } from "./ast.js";
import { formatGoG } from "./literals.js";
import { lineColumn } from "./parser.js";

export interface Annotation {
  severity: "warning" | "info";
  message: string;
  pos: PositionRange;
}

export class Annotations {
  private readonly byKey = new Map<string, Annotation>();

  add(a: Annotation): void {
    const key = `${a.severity}\0${a.message}\0${a.pos.start}`;
    if (!this.byKey.has(key)) this.byKey.set(key, a);
  }

  list(): Annotation[] {
    return [...this.byKey.values()];
  }
}

export function renderAnnotation(a: Annotation, query: string): string {
  const { line, column } = lineColumn(query, a.pos.start);
  return `${a.message} (${line}:${column})`;
}

const warn = (message: string, pos: PositionRange): Annotation => ({ severity: "warning", message: `PromQL warning: ${message}`, pos });
const info = (message: string, pos: PositionRange): Annotation => ({ severity: "info", message: `PromQL info: ${message}`, pos });

function forMetric(message: string, metricName: string): string {
  return metricName === "" ? message : `${message} for metric name ${JSON.stringify(metricName)}`;
}

export const annotate = {
  possibleNonCounter: (metricName: string, pos: PositionRange) =>
    info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(metricName)}`, pos),
  invalidQuantile: (q: number, pos: PositionRange) => warn(`quantile value should be between 0 and 1, got ${formatGoG(q)}`, pos),
  invalidRatio: (r: number, cappedTo: number, pos: PositionRange) =>
    warn(`ratio value should be between -1 and 1, got ${formatGoG(r)}, capping to ${formatGoG(cappedTo)}`, pos),
  badBucketLabel: (metricName: string, le: string, pos: PositionRange) =>
    warn(forMetric(`bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)}`, metricName), pos),
  forcedMonotonicity: (metricName: string, pos: PositionRange) =>
    info(
      forMetric(
        "input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)",
        metricName,
      ),
      pos,
    ),
  mixedClassicNativeHistograms: (metricName: string, pos: PositionRange) =>
    warn(forMetric("vector contains a mix of classic and native histograms", metricName), pos),
  histogramQuantileNaNResult: (metricName: string, pos: PositionRange) =>
    info(forMetric("input to histogram_quantile has NaN observations, result is NaN", metricName), pos),
  histogramQuantileNaNSkew: (metricName: string, pos: PositionRange) =>
    info(forMetric("input to histogram_quantile has NaN observations, result is skewed higher", metricName), pos),
  histogramFractionNaNs: (metricName: string, pos: PositionRange) =>
    info(forMetric("input to histogram_fraction has NaN observations, which are excluded from all fractions", metricName), pos),
  mixedFloatsHistograms: (metricName: string, pos: PositionRange) =>
    warn(forMetric("encountered a mix of histograms and floats", metricName), pos),
  mixedExponentialCustomHistograms: (metricName: string, pos: PositionRange) =>
    warn(forMetric("vector contains a mix of histograms with exponential and custom buckets schemas", metricName), pos),
  histogramCounterResetCollision: (operation: "addition" | "subtraction" | "aggregation", pos: PositionRange) =>
    warn(`conflicting counter resets during histogram ${operation}`, pos),
  mismatchedCustomBuckets: (operation: "addition" | "subtraction" | "aggregation", pos: PositionRange) =>
    info(`mismatched custom buckets were reconciled during ${operation}`, pos),
  histogramIgnoredInAggregation: (aggregation: string, pos: PositionRange) => info(`ignored histogram in ${aggregation} aggregation`, pos),
  mixedFloatsHistogramsAgg: (pos: PositionRange) => warn("encountered a mix of histograms and floats for aggregation", pos),
  incompatibleTypesInBinOp: (lhsType: string, operator: string, rhsType: string, pos: PositionRange) =>
    info(`incompatible sample types encountered for binary operator ${JSON.stringify(operator)}: ${lhsType} ${operator} ${rhsType}`, pos),
  incompatibleBucketLayoutInBinOp: (operator: string, pos: PositionRange) => warn(`incompatible bucket layout encountered for binary operator ${operator}`, pos),
  nativeHistogramNotCounter: (metricName: string, pos: PositionRange) =>
    warn(`this native histogram metric is not a counter: ${JSON.stringify(metricName)}`, pos),
  nativeHistogramNotGauge: (metricName: string, pos: PositionRange) =>
    warn(`this native histogram metric is not a gauge: ${JSON.stringify(metricName)}`, pos),
  histogramIgnoredInMixedRange: (metricName: string, pos: PositionRange) =>
    info(`ignored histograms in a range containing both floats and histograms for metric name ${JSON.stringify(metricName)}`, pos),
  sortInRangeQuery: (pos: PositionRange) => warn("sort is ineffective for range queries since results are always ordered by labels", pos),
};
