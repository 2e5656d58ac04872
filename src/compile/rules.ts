// Prometheus rule-file model (the shape of a rule file's YAML) and its printer.
import { withHeader } from "./header.js";
import { emitYaml, type YamlValue } from "./yaml-emit.js";

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
  // Runs for every generated rule, hence no entries arrays or comparator:
  // sort()'s default order is `<` on UTF-16 code units, and label names never
  // start with "__" (schema.ts), so no key is "__proto__".
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key]!;
  return sorted;
}

/** YAML text of a generated file's data. */
export function toYaml(value: unknown): string {
  return emitYaml(value as YamlValue);
}

export function ruleFileYaml(header: string[], groups: RuleGroup[]): string {
  return withHeader(header, toYaml({ groups }));
}
