// The whole compile: model in, the files of out/ as data. Pure: no I/O, and the
// same model always yields byte-identical artifacts.
import type { WorkspaceModel } from "../workspace/model.js";
import type { Artifact } from "./artifact.js";
import { generatedHeader } from "./header.js";
import { alertmanagerYaml } from "./alertmanager.js";
import { ruleFileYaml, type RuleGroup } from "./rules.js";
import { sloRuleGroup } from "./slo-rules.js";
import { thresholdRuleGroup } from "./threshold-rules.js";
import { dashboardArtifacts } from "./dashboards/index.js";
import { checkRecordedSeries } from "./recorded-series-check.js";

export type { Artifact };

export const RULES_DIR = "prometheus/rules";
export const ALERTMANAGER_FILE = "alertmanager/alertmanager.yml";

export interface CompileOptions {
  /** Generate Grafana dashboards (default true). */
  dashboards?: boolean;
}

export function compileWorkspace(model: WorkspaceModel, opts: CompileOptions = {}): Artifact[] {
  const services = [...new Set([...model.slos.map((s) => s.service), ...model.thresholds.map((t) => t.service)])].sort();
  const allGroups: RuleGroup[] = [];
  const thresholdGroups: RuleGroup[] = [];
  const artifacts: Artifact[] = services.map((service) => {
    const groups: RuleGroup[] = model.slos.filter((s) => s.service === service).map(sloRuleGroup);
    const thresholds = model.thresholds.filter((t) => t.service === service);
    if (thresholds.length > 0) {
      const thresholdGroup = thresholdRuleGroup(service, thresholds);
      groups.push(thresholdGroup);
      thresholdGroups.push(thresholdGroup);
    }
    allGroups.push(...groups);
    const sources = [...(model.sourcesByService.get(service) ?? [])].sort();
    return { path: `${RULES_DIR}/${service}.rules.yaml`, content: ruleFileYaml(generatedHeader(sources), groups) };
  });
  // Every generated rule reads only what its own group records before it (threshold expressions are the user's).
  checkRecordedSeries(allGroups, { verbatim: thresholdGroups });
  artifacts.push({ path: ALERTMANAGER_FILE, content: alertmanagerYaml(model.routing, generatedHeader(["monac.yaml"])) });
  // Dashboards read the series these groups record, so they are checked against them.
  if (opts.dashboards !== false) artifacts.push(...dashboardArtifacts(model, allGroups, generatedHeader(["slos/", "alerts/", "dashboards/"])));
  return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
