// `monac-lint.yaml` in the workspace (optional): per-check severities and the
// thresholds some checks need.
//
//   severity: { promql/rate-gauge: off, naming/alert: warning }
//   scrapeInterval: 30s          # default 1m
//   maxGroupSize: 30             # default 20
//   requireAnnotations: [summary, runbook_url]
//   forRange: { min: 1m, max: 1h }
import { parsePrometheusDuration } from "../go/duration.js";
import { readYaml, toData } from "../yaml/safe.js";
import { CHECKS, isCheckName, type Severity } from "./finding.js";

export const LINT_CONFIG_FILE = "monac-lint.yaml";

export interface LintConfig {
  /** A check set to "off" reports nothing. */
  severity: Partial<Record<string, Severity | "off">>;
  /** ms */
  scrapeInterval: number;
  maxGroupSize: number;
  requireAnnotations: string[];
  /** ms; undefined bounds are not checked. */
  forRange: { min?: number; max?: number };
}

export const DEFAULT_LINT_CONFIG: LintConfig = {
  severity: {},
  scrapeInterval: 60_000,
  maxGroupSize: 20,
  requireAnnotations: ["summary", "runbook_url"],
  forRange: {},
};

export class LintConfigError extends Error {}

const FIELDS = ["severity", "scrapeInterval", "maxGroupSize", "requireAnnotations", "forRange"];

/** Parses a monac-lint.yaml; throws LintConfigError naming the file and the problem. */
export function parseLintConfig(file: string, text: string): LintConfig {
  const y = readYaml(text, { name: "lint configuration", tooDeepIsNot: "a lint configuration" });
  const fail = (msg: string): never => {
    throw new LintConfigError(`${file}: ${msg}`);
  };
  if (!y.ok) fail(`${y.position.line}:${y.position.column}: ${y.message}`);
  const read = toData((y as { doc: Parameters<typeof toData>[0] }).doc);
  if (read.problem) fail(read.problem.message);
  const data = read.data ?? {};
  if (typeof data !== "object" || Array.isArray(data)) fail("must be a mapping");
  const obj = data as Record<string, unknown>;
  const config: LintConfig = { ...DEFAULT_LINT_CONFIG, severity: {}, forRange: {} };
  for (const key of Object.keys(obj)) if (!FIELDS.includes(key)) fail(`unknown field "${key}" (known fields: ${FIELDS.join(", ")})`);
  const duration = (v: unknown, where: string): number => {
    if (typeof v !== "string") return fail(`${where} must be a duration like 1m`);
    try {
      return parsePrometheusDuration(v);
    } catch {
      return fail(`${where}: not a valid duration: ${JSON.stringify(v)}`);
    }
  };
  if (obj.severity != null) {
    if (typeof obj.severity !== "object" || Array.isArray(obj.severity)) fail("severity must be a mapping of check to off|info|warning|bug");
    for (const [check, level] of Object.entries(obj.severity as Record<string, unknown>)) {
      if (!isCheckName(check)) fail(`severity: unknown check "${check}" (checks: ${Object.keys(CHECKS).join(", ")})`);
      // YAML 1.2 reads `off` as a string; a YAML 1.1 habit of writing false means off too.
      const l = level === false ? "off" : level;
      if (l !== "off" && l !== "info" && l !== "warning" && l !== "bug") fail(`severity.${check} must be off, info, warning or bug`);
      config.severity[check] = l as Severity | "off";
    }
  }
  if (obj.scrapeInterval != null) {
    config.scrapeInterval = duration(obj.scrapeInterval, "scrapeInterval");
    if (config.scrapeInterval <= 0) fail("scrapeInterval must be positive");
  }
  if (obj.maxGroupSize != null) {
    if (typeof obj.maxGroupSize !== "number" || !Number.isInteger(obj.maxGroupSize) || obj.maxGroupSize < 1) fail("maxGroupSize must be a positive integer");
    config.maxGroupSize = obj.maxGroupSize as number;
  }
  if (obj.requireAnnotations != null) {
    if (!Array.isArray(obj.requireAnnotations) || obj.requireAnnotations.some((a) => typeof a !== "string")) fail("requireAnnotations must be a list of annotation names");
    config.requireAnnotations = obj.requireAnnotations as string[];
  }
  if (obj.forRange != null) {
    if (typeof obj.forRange !== "object" || Array.isArray(obj.forRange)) fail("forRange must be a mapping with min and/or max");
    const r = obj.forRange as Record<string, unknown>;
    for (const key of Object.keys(r)) if (key !== "min" && key !== "max") fail(`forRange: unknown field "${key}" (known fields: min, max)`);
    if (r.min != null) config.forRange.min = duration(r.min, "forRange.min");
    if (r.max != null) config.forRange.max = duration(r.max, "forRange.max");
  }
  return config;
}
