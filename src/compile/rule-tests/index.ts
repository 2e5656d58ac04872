// Generated rule unit tests, one promtool-format file per service, next to
// the rule files they prove.
import type { WorkspaceModel } from "../../workspace/model.js";
import { formatDuration } from "../../workspace/duration.js";
import type { Artifact } from "../artifact.js";
import { RULES_DIR } from "../bundle.js";
import { generatedHeader, withHeader } from "../header.js";
import { toYaml } from "../rules.js";
import type { RuleTestFile, RuleTestGroup } from "./rule-test-file.js";
import { sloTests } from "./slo-tests.js";
import { thresholdTests } from "./threshold-tests.js";
import { newGenerationContext } from "./generation-context.js";

export const TESTS_DIR = "prometheus/tests";

/**
 * Threshold tests step every 5 minutes: their inputs are solved at that
 * resolution, and nothing in a threshold rule depends on the evaluation
 * interval. SLO tests step at the SLO groups' own interval, which their
 * de-lagged counts are computed for; promtool has one evaluation_interval per
 * file, so thresholds and SLOs get files of their own.
 */
export const THRESHOLD_TEST_STEP_MS = 5 * 60_000;

export async function ruleTestArtifacts(model: WorkspaceModel): Promise<Artifact[]> {
  // What SLOs and alerts of this build share while generating; dropped with the build.
  const ctx = newGenerationContext();
  const services = [...new Set([...model.slos.map((s) => s.service), ...model.thresholds.map((t) => t.service)])].sort();
  const out: Artifact[] = [];
  for (const service of services) {
    const sources = [...(model.sourcesByService.get(service) ?? [])].sort();
    const thresholds = { groups: [] as RuleTestGroup[], notes: [] as string[] };
    for (const alert of model.thresholds.filter((t) => t.service === service)) {
      const r = await thresholdTests(alert, THRESHOLD_TEST_STEP_MS, ctx);
      thresholds.groups.push(...r.groups);
      thresholds.notes.push(...r.notes);
    }
    const file = (name: string, stepMs: number, tests: { groups: RuleTestGroup[]; notes: string[] }, about: string): Artifact | undefined => {
      if (tests.groups.length === 0 && tests.notes.length === 0) return undefined;
      const content: RuleTestFile = { rule_files: [`../rules/${service}.rules.yaml`], evaluation_interval: formatDuration(stepMs), tests: tests.groups };
      const header = [
        ...generatedHeader(sources),
        "Run with `npx monac test` or `promtool test rules`.",
        about,
        ...(tests.notes.length ? ["", ...tests.notes] : []),
      ];
      return { path: `${TESTS_DIR}/${name}.test.yaml`, content: withHeader(header, toYaml(content)) };
    };
    // One file per SLO: each simulates days of traffic, and separate files run in parallel.
    for (const s of model.slos.filter((x) => x.service === service)) {
      const about = "When alerts must fire and resolve comes from the SRE workbook's burn-rate arithmetic, not from these rules.";
      const sloFile = file(`${service}.${s.name}.slo`, model.evaluationIntervalMs, await sloTests(s, ctx), about);
      if (sloFile) out.push(sloFile);
    }
    const thresholdFile = file(`${service}.alerts`, THRESHOLD_TEST_STEP_MS, thresholds, "Inputs are solved so each threshold is just crossed, or just not.");
    if (thresholdFile) out.push(thresholdFile);
  }
  return out;
}

export { RULES_DIR };
