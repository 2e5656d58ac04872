// What every deploy target (monac.yaml `targets`) gets from the compiler and
// gives back. A target repackages the same rule groups, Alertmanager
// configuration and dashboards for where they run; what the target would
// reject or silently break on is a problem (a build error), what it changes
// that a reader should know is a warning.
import type { SloModel, WorkspaceModel } from "../../workspace/model.js";
import type { Artifact } from "../artifact.js";
import type { RuleGroup } from "../rules.js";

export interface SloRules {
  slo: SloModel;
  group: RuleGroup;
}

export interface ThresholdRules {
  service: string;
  group: RuleGroup;
  /** The alerts files the group comes from. */
  sources: string[];
}

export interface TargetInput {
  model: WorkspaceModel;
  /** One group per SLO, in model order. */
  slos: readonly SloRules[];
  /** One group per service with threshold alerts, by service. */
  thresholds: readonly ThresholdRules[];
  /** alertmanager.yml's data (before YAML printing) and the notification templates' text. */
  alertmanager: { config: Record<string, unknown>; templates: string };
  /** The Grafana dashboards (grafana/dashboards/*.json); empty under --no-dashboards. */
  dashboards: readonly Artifact[];
}

export interface TargetOutput {
  artifacts: Artifact[];
  /** What the target would reject or break on: the build stops. */
  problems: string[];
  /** What the target changes that a reader should know; the build goes on. */
  warnings: string[];
}

/** A target's problem, with the target it comes from (its key under monac.yaml `targets`). */
export interface TargetProblem {
  target: string;
  message: string;
}

/** Problems of the enabled targets. */
export class TargetCheckError extends Error {
  constructor(readonly targetProblems: TargetProblem[]) {
    super(targetProblems.map((p) => p.message).join("\n"));
    this.name = "TargetCheckError";
  }

  get problems(): string[] {
    return this.targetProblems.map((p) => p.message);
  }
}

/** The rule groups of one spec file (an SLO file's SLOs, or the services of an alerts file), by spec file. */
export function groupsBySpecFile(input: TargetInput): Map<string, RuleGroup[]> {
  const out = new Map<string, RuleGroup[]>();
  const add = (file: string, g: RuleGroup) => out.set(file, [...(out.get(file) ?? []), g]);
  for (const s of input.slos) add(s.slo.source.file, s.group);
  for (const t of input.thresholds) for (const f of t.sources) if (!out.get(f)?.includes(t.group)) add(f, t.group);
  return out;
}
