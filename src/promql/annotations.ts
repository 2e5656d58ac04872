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
  sortInRangeQuery: (pos: PositionRange) => warn("sort is ineffective for range queries since results are always ordered by labels", pos),
};
