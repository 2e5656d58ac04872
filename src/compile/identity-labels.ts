// The labels an expression's result series carry, read from its AST: what
// tells one alert of a threshold rule from another (the disk `/` from `/data`
// of one host), so that a critical mutes only the warning of the same series.
//
// Two answers. Closed: the result carries exactly these labels (`avg by
// (instance)`, `on (job)` one-to-one matching, `vector(1)`). Open: the result
// keeps the labels of the series it selected, whose names no spec lists; we
// know the ones the expression names (matchers, `by`, `on`) and the ones it
// drops (`without`, `ignoring`, `histogram_quantile`'s `le`). The rules follow
// Prometheus's evaluator (promql/engine.go: resultMetric, aggregation, the
// label functions).
import type { Expr } from "../promql/ast.js";
import { outputLabels } from "../promql/output-labels.js";

export { outputLabels, type OutputLabels } from "../promql/output-labels.js";

/** Labels of common exporters that tell one series of a target from another. */
export const CONVENTIONAL_IDENTITY_LABELS = [
  "job",
  "instance",
  "device",
  "mountpoint",
  "fstype",
  "cpu",
  "interface",
  "namespace",
  "pod",
  "container",
  "node",
  "name",
  "queue",
  "topic",
  "partition",
  "consumergroup",
  "database",
  "datname",
  "db",
  "le",
  "quantile",
];

/**
 * The labels that tell one series of the expression's result from another:
 * exactly its labels when closed; when open, every label it names that it
 * keeps, plus the conventional ones (a label both alerts lack compares equal,
 * so naming too many is harmless; one missing lets a critical mute another
 * series' warning). Sorted.
 */
export function identityLabels(expr: Expr): string[] {
  const o = outputLabels(expr);
  const labels = o.closed ? [...o.labels] : [...o.named, ...CONVENTIONAL_IDENTITY_LABELS].filter((l) => !o.dropped.has(l));
  return [...new Set(labels)].filter((l) => l !== "__name__").sort();
}
