// Generated rule unit tests in promtool's format: one file per SLO and one per
// service's thresholds, each next to the one rule file it proves.
import type { WorkspaceModel } from "../../workspace/model.js";
import { formatDuration } from "../../workspace/duration.js";
import { groupedBy } from "../../workspace/grouping.js";
import { byPath, type Artifact } from "../artifact.js";
import { posix } from "node:path";
import { RULES_DIR, sloRulesPath, thresholdRulesPath } from "../bundle.js";
import { generatedHeader, withHeader } from "../header.js";
import { toYaml } from "../rules.js";
import type { RuleTestFile, RuleTestGroup } from "./rule-test-file.js";
import { sloTests } from "./slo-tests.js";
import { thresholdTests } from "./threshold-tests.js";
import { newGenerationContext, type GenerationContext } from "./generation-context.js";
import { inputsKey } from "./inputs-key.js";

export { newGenerationContext, type GenerationContext };

export const TESTS_DIR = "prometheus/tests";

/**
 * Threshold tests step every 5 minutes: their inputs are solved at that
 * resolution, and nothing in a threshold rule depends on the evaluation
 * interval. SLO tests step at the SLO groups' own interval, which their
 * de-lagged counts are computed for; promtool has one evaluation_interval per
 * file, so thresholds and SLOs get files of their own.
 */
export const THRESHOLD_TEST_STEP_MS = 5 * 60_000;

/**
 * `ctx` is what generation remembers: by default one per call, dropped with
 * the build. A long-lived caller that builds many similar workspaces (a watch
 * mode, an editor, the fuzz test) may pass one context to every build: its
 * entries are keyed by everything they depend on, so sharing changes only the
 * time taken (and memory grows with the distinct SLOs and alerts seen).
 */
export async function ruleTestArtifacts(model: WorkspaceModel, ctx: GenerationContext = newGenerationContext()): Promise<Artifact[]> {
  const out: Artifact[] = [];
  for await (const a of ruleTestFiles(model, ctx)) out.push(a);
  return out.sort(byPath);
}

/**
 * Test files a build made before, for a rebuild to take instead of making
 * them again (src/cli/build-cache.ts checks that out/ holds them as made, by
 * the same compiler).
 */
export interface TestReuse {
  /** The content of the test file at `path` made from inputs with this key (inputs-key.ts), if there is one to reuse. */
  reused(path: string, inputs: string): string | undefined;
}

/**
 * The test files one at a time, as they are made (a build writes each at
 * once, see StagedOutput). With `reuse`, each file carries the key of its
 * inputs (Artifact.inputs), and a file whose inputs are unchanged is taken
 * from `reuse` rather than made again.
 */
export async function* ruleTestFiles(model: WorkspaceModel, ctx: GenerationContext = newGenerationContext(), reuse?: TestReuse): AsyncGenerator<Artifact> {
  const file = (path: string, rules: string, sources: string[], stepMs: number, tests: { groups: RuleTestGroup[]; notes: string[] }, about: string): Artifact | undefined => {
    if (tests.groups.length === 0 && tests.notes.length === 0) return undefined;
    // Test files sit in prometheus/tests, next to prometheus/rules.
    const content: RuleTestFile = { rule_files: [`../rules/${posix.basename(rules)}`], evaluation_interval: formatDuration(stepMs), tests: tests.groups };
    const header = [
      ...generatedHeader(sources),
      "Run with `npx monac test` or `promtool test rules`.",
      about,
      ...(tests.notes.length ? ["", ...tests.notes] : []),
    ];
    return { path, content: withHeader(header, toYaml(content)) };
  };
  /** The file at `path` made from `inputs` by `make`: reused when it can be, keyed when asked. */
  const keyed = async (path: string, inputs: unknown, make: () => Promise<Artifact | undefined>): Promise<Artifact | undefined> => {
    const key = reuse === undefined ? undefined : inputsKey(inputs);
    if (reuse === undefined || key === undefined) return make();
    const kept = reuse.reused(path, key);
    if (kept !== undefined) return { path, content: kept, inputs: key };
    const made = await make();
    return made && { ...made, inputs: key };
  };
  // One file per SLO, loading only that SLO's rules: each simulates days of traffic, and separate files run in parallel.
  for (const s of model.slos) {
    const about = "When alerts must fire and resolve comes from the SRE workbook's burn-rate arithmetic, not from these rules.";
    const path = testPath(`${s.service}.${s.name}.slo`);
    const stepMs = model.evaluationIntervalMs;
    const a = await keyed(path, { path, slo: s, stepMs }, async () => file(path, sloRulesPath(s.service, s.name), [s.source.file], stepMs, await sloTests(s, ctx), about));
    if (a) yield a;
  }
  for (const [service, alerts] of groupedBy(model.thresholds, (t) => t.service)) {
    const path = testPath(`${service}.alerts`);
    const a = await keyed(path, { path, alerts, stepMs: THRESHOLD_TEST_STEP_MS }, async () => {
      const thresholds = { groups: [] as RuleTestGroup[], notes: [] as string[] };
      for (const alert of alerts) {
        const r = await thresholdTests(alert, THRESHOLD_TEST_STEP_MS, ctx);
        thresholds.groups.push(...r.groups);
        thresholds.notes.push(...r.notes);
      }
      const sources = [...new Set(alerts.map((t) => t.source.file))].sort();
      return file(path, thresholdRulesPath(service), sources, THRESHOLD_TEST_STEP_MS, thresholds, "Inputs are solved so each threshold is just crossed, or just not.");
    });
    if (a) yield a;
  }
}

function testPath(name: string): string {
  return `${TESTS_DIR}/${name}.test.yaml`;
}

export { RULES_DIR };
