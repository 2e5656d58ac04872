// Dashboards stage: the model (and the rule groups compiled from it) in, the
// files of out/grafana out. Generated dashboards are checked here, so a query
// reading a series nothing produces stops the build instead of shipping.
import type { WorkspaceModel } from "../../workspace/model.js";
import { groupedBy } from "../../workspace/grouping.js";
import type { Artifact } from "../artifact.js";
import type { RuleGroup } from "../rules.js";
import { dashboardJson, dashboardQueries, type DashboardDraft } from "./assemble.js";
import { customDashboard } from "./custom-dashboard.js";
import { overviewDashboard } from "./overview.js";
import { provisioningYaml } from "./provisioning.js";
import { addRecordedSeries, KnownSeries, queryShapeProblems, specMetrics } from "./series-check.js";
import { sloDashboard } from "./slo-dashboard.js";
import { thresholdDashboard } from "./threshold-dashboard.js";
import { dashboardFileName } from "./uid.js";

export const GRAFANA_DASHBOARDS_DIR = "grafana/dashboards";
export const GRAFANA_PROVISIONING_FILE = "grafana/provisioning/dashboards.yaml";

/** A generated dashboard reads a series nothing produces: a monac bug or a spec the checks missed. */
export class DashboardCheckError extends Error {
  constructor(readonly problems: string[]) {
    super(`generated dashboards read series nothing produces:\n${problems.join("\n")}`);
  }
}

/** Every dashboard of the workspace, in a stable order. */
export function workspaceDashboards(model: WorkspaceModel): DashboardDraft[] {
  return [...eachDashboard(model)];
}

/** workspaceDashboards one at a time: each is built when asked for. */
function* eachDashboard(model: WorkspaceModel): Generator<DashboardDraft> {
  for (const [service, slos] of groupedBy(model.slos, (s) => s.service)) yield sloDashboard(service, slos);
  if (model.slos.length > 0) yield overviewDashboard(model.slos);
  for (const [file, alerts] of groupedBy(model.thresholds, (t) => t.source.file)) yield thresholdDashboard(file, alerts);
  for (const custom of model.dashboards ?? []) yield customDashboard(custom);
}

/**
 * Every series the dashboards may read: recorded by the rule groups, written
 * by Prometheus, or named in a spec (series-check.ts says which).
 */
export function knownSeries(model: WorkspaceModel, groups: readonly RuleGroup[]): KnownSeries {
  const known = addRecordedSeries(specMetrics(model), groups);
  for (const d of model.dashboards ?? []) for (const m of d.metrics) known.add(m);
  return known;
}

export function checkDashboards(drafts: Iterable<DashboardDraft>, known: KnownSeries): string[] {
  const problems: string[] = [];
  for (const d of drafts) problems.push(...draftProblems(d, known));
  return problems;
}

function draftProblems(d: DashboardDraft, known: KnownSeries): string[] {
  const problems: string[] = [];
  for (const { panel, expr } of dashboardQueries(d.json)) {
    for (const p of queryShapeProblems(expr, known)) problems.push(`dashboard "${d.title}", panel "${panel}": ${p} (query: ${expr})`);
  }
  return problems;
}

export function dashboardArtifacts(model: WorkspaceModel, groups: readonly RuleGroup[], header: string[]): Artifact[] {
  return [...dashboardFiles(model, groups, header)];
}

/**
 * dashboardArtifacts one file at a time: each dashboard is built, checked and
 * written out when asked for, so a large workspace never holds them all. If
 * any reads a series nothing produces, DashboardCheckError comes after the
 * last (naming every problem): the caller must discard what it was given.
 */
export function* dashboardFiles(model: WorkspaceModel, groups: readonly RuleGroup[], header: string[]): Generator<Artifact> {
  const known = knownSeries(model, groups);
  const problems: string[] = [];
  for (const d of eachDashboard(model)) {
    problems.push(...draftProblems(d, known));
    yield { path: `${GRAFANA_DASHBOARDS_DIR}/${dashboardFileName(d.uid)}`, content: dashboardJson(d) };
  }
  if (problems.length > 0) throw new DashboardCheckError(problems);
  yield { path: GRAFANA_PROVISIONING_FILE, content: provisioningYaml(header) };
}
