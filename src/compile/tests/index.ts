// Generated rule unit tests, one promtool-format file per service, next to
// the rule files they prove.
import type { WorkspaceModel } from "../../spec/model.js";
import { formatDuration } from "../../spec/duration.js";
import { generatedHeader, RULES_DIR, type Artifact } from "../bundle.js";
import { toYaml } from "../rules.js";
import type { RuleTestFile, RuleTestGroup } from "./rule-test-file.js";
import { sloTests, STEP_MS } from "./slo-tests.js";
import { thresholdTests } from "./threshold-tests.js";

export const TESTS_DIR = "prometheus/tests";

export async function ruleTestArtifacts(model: WorkspaceModel): Promise<Artifact[]> {
  const services = [...new Set([...model.slos.map((s) => s.service), ...model.thresholds.map((t) => t.service)])].sort();
  const out: Artifact[] = [];
  for (const service of services) {
    const groups: RuleTestGroup[] = [];
    const notes: string[] = [];
    for (const slo of model.slos.filter((s) => s.service === service)) {
      const r = await sloTests(slo);
      groups.push(...r.groups);
      notes.push(...r.notes);
    }
    for (const alert of model.thresholds.filter((t) => t.service === service)) {
      const r = await thresholdTests(alert);
      groups.push(...r.groups);
      notes.push(...r.notes);
    }
    if (groups.length === 0 && notes.length === 0) continue;
    const file: RuleTestFile = {
      rule_files: [`../rules/${service}.rules.yaml`],
      evaluation_interval: formatDuration(STEP_MS),
      tests: groups,
    };
    const sources = [...(model.sourcesByService.get(service) ?? [])].sort();
    const header = [
      ...generatedHeader(sources),
      "Run with `npx monac test` or `promtool test rules`; every expected value is derived from the specs.",
      ...(notes.length ? ["", ...notes] : []),
    ];
    out.push({ path: `${TESTS_DIR}/${service}.test.yaml`, content: `${header.map((l) => (l ? `# ${l}` : "#")).join("\n")}\n${toYaml(file)}` });
  }
  return out;
}

export { RULES_DIR };
