// Thanos Ruler: Prometheus rule files plus `partial_response_strategy` on
// every group with alerts. Thanos Query may answer with data from only some
// stores; under `abort` such an evaluation fails instead of firing (or
// resolving) on part of the data.
import type { TargetsModel } from "../../workspace/model.js";
import { sloRulesPath, thresholdRulesPath } from "../paths.js";
import { generatedHeader, withHeader } from "../header.js";
import { isAlertingRule, toYaml, type RuleGroup } from "../rules.js";
import type { TargetInput, TargetOutput } from "./target.js";

export const THANOS_DIR = "thanos";

export function thanosArtifacts(input: TargetInput, opts: NonNullable<TargetsModel["thanos"]>): TargetOutput {
  const withStrategy = (g: RuleGroup) => (g.rules.some(isAlertingRule) ? { ...g, partial_response_strategy: opts.partialResponseStrategy } : g);
  const file = (rulesPath: string, sources: string[], g: RuleGroup) => ({
    path: `${THANOS_DIR}/${rulesPath.slice(rulesPath.lastIndexOf("/") + 1)}`,
    content: withHeader(generatedHeader(sources), toYaml({ groups: [withStrategy(g)] })),
  });
  return {
    artifacts: [
      ...input.slos.map((s) => file(sloRulesPath(s.slo.service, s.slo.name), [s.slo.source.file], s.group)),
      ...input.thresholds.map((t) => file(thresholdRulesPath(t.service), t.sources, t.group)),
    ],
    problems: [],
    warnings: [],
  };
}
