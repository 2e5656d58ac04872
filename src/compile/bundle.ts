// The whole compile: model in, the files of out/ as data. Pure: no I/O, and the
// same model always yields byte-identical artifacts.
import type { WorkspaceModel } from "../workspace/model.js";
import { byPath, type Artifact } from "./artifact.js";
import { generatedHeader } from "./header.js";
import { alertmanagerConfig, alertmanagerConfigYaml } from "./alertmanager.js";
import { notificationTemplates, TEMPLATES_FILE } from "./alertmanager-templates.js";
import { ruleFileYaml, type RuleGroup } from "./rules.js";
import { sloRuleGroup } from "./slo-rules.js";
import { thresholdRuleGroup } from "./threshold-rules.js";
import { dashboardArtifacts } from "./dashboards/index.js";
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
  const services = [...new Set(model.thresholds.map((t) => t.service))].sort();
  const thresholds = services.map((service) => {
    const alerts = model.thresholds.filter((t) => t.service === service);
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
  // One rule file per SLO and one per service's thresholds, named like their
  // generated tests: a test loads only the rules it proves, so another SLO
  // reading the same SLI cannot fire in it, and promtool evaluates one group.
  const groups = ruleGroupsOf(model);
  const allGroups = [...groups.slos.map((s) => s.group), ...groups.thresholds.map((t) => t.group)];
  const thresholdGroups = groups.thresholds.map((t) => t.group);
  const artifacts: Artifact[] = [
    ...groups.slos.map(({ slo, group }) => ({ path: sloRulesPath(slo.service, slo.name), content: ruleFileYaml(generatedHeader([slo.source.file]), [group]) })),
    ...groups.thresholds.map(({ service, group, sources }) => ({ path: thresholdRulesPath(service), content: ruleFileYaml(generatedHeader(sources), [group]) })),
  ];
  // Every generated rule reads only what its own group records before it (threshold expressions are the user's).
  checkRecordedSeries(allGroups, { verbatim: thresholdGroups });
  // Built once for alertmanager.yml and the deploy targets: the inhibit rules read every threshold alert's expression.
  const alertmanager = alertmanagerInputOf(model);
  artifacts.push({ path: ALERTMANAGER_FILE, content: alertmanagerConfigYaml(alertmanager.config, generatedHeader(["monac.yaml", "alerts/"])) });
  // alertmanager.yml's `templates:` names this file relative to its own directory.
  artifacts.push({ path: TEMPLATES_FILE, content: alertmanager.templates });
  // Dashboards read the series these groups record, so they are checked against them.
  const dashboards = opts.dashboards !== false ? dashboardArtifacts(model, allGroups, generatedHeader(["slos/", "alerts/", "dashboards/"])) : [];
  artifacts.push(...dashboards);
  // What each service must expose for its SLIs and alerts: a typed prom-client module per service.
  if (opts.instrument !== false) artifacts.push(...instrumentArtifacts(model));
  // The same rules, routing and dashboards, packaged for each deploy target monac.yaml enables.
  const targets = opts.targets === false ? { artifacts: [], warnings: [] } : targetArtifacts(targetInputOf(model, dashboards, groups, alertmanager));
  artifacts.push(...targets.artifacts);
  opts.warnings?.push(...targets.warnings);
  return artifacts.sort(byPath);
}
