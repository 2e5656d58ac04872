// Prometheus rule-file model (the shape of a rule file's YAML) and its printer.
import { stringify } from "yaml";

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return "alert" in rule;
}

/** Sorted copy of a label map: output must not depend on spec key order. */
export function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * YAML for generated files: no line folding (an expression must stay on the
 * lines we chose), multi-line strings as literal blocks, and quoting only where
 * YAML needs it.
 */
export function toYaml(value: unknown): string {
  return stringify(value, {
    lineWidth: 0,
    minContentWidth: 0,
    blockQuote: "literal",
    aliasDuplicateObjects: false,
    indentSeq: true,
  });
}

export function ruleFileYaml(header: string[], groups: RuleGroup[]): string {
  const comment = header.map((line) => (line ? `# ${line}` : "#")).join("\n");
  return `${comment}\n${toYaml({ groups })}`;
}
