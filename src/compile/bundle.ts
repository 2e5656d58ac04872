// The whole compile: model in, the files of out/ as data. Pure: no I/O, and the
// same model always yields byte-identical artifacts.
import type { WorkspaceModel } from "../workspace/model.js";
import type { Artifact } from "./artifact.js";
import { generatedHeader } from "./header.js";
import { alertmanagerYaml } from "./alertmanager.js";
import { notificationTemplates, TEMPLATES_FILE } from "./alertmanager-templates.js";
import { ruleFileYaml, type RuleGroup } from "./rules.js";
import { sloRuleGroup } from "./slo-rules.js";
import { thresholdRuleGroup } from "./threshold-rules.js";
import { dashboardArtifacts } from "./dashboards/index.js";
import { checkRecordedSeries } from "./recorded-series-check.js";

export type { Artifact };

export const RULES_DIR = "prometheus/rules";
export const ALERTMANAGER_FILE = "alertmanager/alertmanager.yml";

/** The rule file of one SLO, relative to out/. */
export function sloRulesPath(service: string, slo: string): string {
  return `${RULES_DIR}/${service}.${slo}.slo.rules.yaml`;
}

/** The rule file of one service's threshold alerts, relative to out/. */
export function thresholdRulesPath(service: string): string {
  return `${RULES_DIR}/${service}.alerts.rules.yaml`;
}

export interface CompileOptions {
  /** Generate Grafana dashboards (default true). */
  dashboards?: boolean;
}

export function compileWorkspace(model: WorkspaceModel, opts: CompileOptions = {}): Artifact[] {
  // One rule file per SLO and one per service's thresholds, named like their
  // generated tests: a test loads only the rules it proves, so another SLO
  // reading the same SLI cannot fire in it, and promtool evaluates one group.
  const allGroups: RuleGroup[] = [];
  const thresholdGroups: RuleGroup[] = [];
  const artifacts: Artifact[] = [];
  for (const slo of model.slos) {
    const group = sloRuleGroup(slo);
    allGroups.push(group);
    artifacts.push({ path: sloRulesPath(slo.service, slo.name), content: ruleFileYaml(generatedHeader([slo.source.file]), [group]) });
  }
  const services = [...new Set(model.thresholds.map((t) => t.service))].sort();
  for (const service of services) {
    const thresholds = model.thresholds.filter((t) => t.service === service);
    const group = thresholdRuleGroup(service, thresholds);
    allGroups.push(group);
    thresholdGroups.push(group);
    const sources = [...new Set(thresholds.map((t) => t.source.file))].sort();
    artifacts.push({ path: thresholdRulesPath(service), content: ruleFileYaml(generatedHeader(sources), [group]) });
  }
  // Every generated rule reads only what its own group records before it (threshold expressions are the user's).
  checkRecordedSeries(allGroups, { verbatim: thresholdGroups });
  artifacts.push({ path: ALERTMANAGER_FILE, content: alertmanagerYaml(model.routing, generatedHeader(["monac.yaml", "alerts/"]), model.thresholds) });
  // alertmanager.yml's `templates:` names this file relative to its own directory.
  artifacts.push({ path: TEMPLATES_FILE, content: notificationTemplates(generatedHeader(["monac.yaml"])) });
  // Dashboards read the series these groups record, so they are checked against them.
  if (opts.dashboards !== false) artifacts.push(...dashboardArtifacts(model, allGroups, generatedHeader(["slos/", "alerts/", "dashboards/"])));
  return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
