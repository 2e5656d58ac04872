// The whole compile: model in, the files of out/ as data. Pure: no I/O, and the
// same model always yields byte-identical artifacts.
import type { WorkspaceModel } from "../workspace/model.js";
import { groupedBy } from "../workspace/grouping.js";
import { byPath, type Artifact } from "./artifact.js";
import { generatedHeader } from "./header.js";
import { alertmanagerConfig, alertmanagerConfigYaml } from "./alertmanager.js";
import { notificationTemplates, TEMPLATES_FILE } from "./alertmanager-templates.js";
import { ruleFileYaml } from "./rules.js";
import { sloRuleGroup } from "./slo-rules.js";
import { thresholdRuleGroup } from "./threshold-rules.js";
import { dashboardFiles } from "./dashboards/index.js";
import { checkRecordedSeries } from "./recorded-series-check.js";
import { ALERTMANAGER_FILE, sloRulesPath, thresholdRulesPath } from "./paths.js";
import { targetArtifacts } from "./targets/index.js";
import type { SloRules, TargetInput, ThresholdRules } from "./targets/target.js";
import { instrumentArtifacts } from "../instrument/index.js";

export type { Artifact };

export { RULES_DIR, ALERTMANAGER_FILE, sloRulesPath, thresholdRulesPath } from "./paths.js";

export interface CompileOptions {
  /** Generate Grafana dashboards (default true). */
  dashboards?: boolean;
  /** Generate the services' instrumentation modules, out/instrument/<service>.ts (default true). */
  instrument?: boolean;
  /** Package for the deploy targets monac.yaml enables (default true). */
  targets?: boolean;
  /** Collects what the deploy targets change that a reader should know (printed as warnings by the build). */
  warnings?: string[];
}

/** One rule group per SLO, and one per service with threshold alerts (services sorted, with the alerts files they come from). */
export function ruleGroupsOf(model: WorkspaceModel): { slos: SloRules[]; thresholds: ThresholdRules[] } {
  const slos = model.slos.map((slo) => ({ slo, group: sloRuleGroup(slo) }));
  const thresholds = groupedBy(model.thresholds, (t) => t.service).map(([service, alerts]) => {
    return { service, group: thresholdRuleGroup(service, alerts), sources: [...new Set(alerts.map((t) => t.source.file))].sort() };
  });
  return { slos, thresholds };
}

/** alertmanager.yml's data and the notification templates' file. */
export function alertmanagerInputOf(model: WorkspaceModel): TargetInput["alertmanager"] {
  return { config: alertmanagerConfig(model.routing, model.thresholds), templates: notificationTemplates(generatedHeader(["monac.yaml"])) };
}

/** What the deploy targets package: the rule groups, alertmanager.yml's data, the templates and the dashboards' JSON. */
export function targetInputOf(
  model: WorkspaceModel,
  dashboards: readonly Artifact[],
  groups = ruleGroupsOf(model),
  alertmanager = alertmanagerInputOf(model),
): TargetInput {
  return { model, ...groups, alertmanager, dashboards: dashboards.filter((a) => a.path.endsWith(".json")) };
}

export function compileWorkspace(model: WorkspaceModel, opts: CompileOptions = {}): Artifact[] {
  return [...compileFiles(model, opts)].sort(byPath);
}

/**
 * compileWorkspace one file at a time, in no particular order: each file is
 * made when asked for, so a caller that writes it out (and lets it go) never
 * holds all of out/. The checks throw as compileWorkspace's do, but may do so
 * after some files were handed out: the caller must then discard them.
 */
export function* compileFiles(model: WorkspaceModel, opts: CompileOptions = {}): Generator<Artifact> {
  // One rule file per SLO and one per service's thresholds, named like their
  // generated tests: a test loads only the rules it proves, so another SLO
  // reading the same SLI cannot fire in it, and promtool evaluates one group.
  const groups = ruleGroupsOf(model);
  const allGroups = [...groups.slos.map((s) => s.group), ...groups.thresholds.map((t) => t.group)];
  // Every generated rule reads only what its own group records before it (threshold expressions are the user's).
  checkRecordedSeries(allGroups, { verbatim: groups.thresholds.map((t) => t.group) });
  for (const { slo, group } of groups.slos) yield { path: sloRulesPath(slo.service, slo.name), content: ruleFileYaml(generatedHeader([slo.source.file]), [group]) };
  for (const { service, group, sources } of groups.thresholds) yield { path: thresholdRulesPath(service), content: ruleFileYaml(generatedHeader(sources), [group]) };
  // Built once for alertmanager.yml and the deploy targets: the inhibit rules read every threshold alert's expression.
  const alertmanager = alertmanagerInputOf(model);
  yield { path: ALERTMANAGER_FILE, content: alertmanagerConfigYaml(alertmanager.config, generatedHeader(["monac.yaml", "alerts/"])) };
  // alertmanager.yml's `templates:` names this file relative to its own directory.
  yield { path: TEMPLATES_FILE, content: alertmanager.templates };
  // What each service must expose for its SLIs and alerts: a typed prom-client module per service.
  if (opts.instrument !== false) yield* instrumentArtifacts(model);
  // Dashboards read the series these groups record, so they are checked against them.
  // The deploy targets package them too (the operator's ConfigMaps): kept only then.
  const targets = opts.targets !== false && Object.values(model.targets ?? {}).some(Boolean);
  const dashboards: Artifact[] = [];
  if (opts.dashboards !== false) {
    for (const a of dashboardFiles(model, allGroups, generatedHeader(["slos/", "alerts/", "dashboards/"]))) {
      if (targets) dashboards.push(a);
      yield a;
    }
  }
  if (!targets) return;
  // The same rules, routing and dashboards, packaged for each deploy target monac.yaml enables.
  const packaged = targetArtifacts(targetInputOf(model, dashboards, groups, alertmanager));
  opts.warnings?.push(...packaged.warnings);
  yield* packaged.artifacts;
}
