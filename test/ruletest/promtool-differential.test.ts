// Differential test against the real promtool: for each test file, promtool
// runs with --debug, which dumps every sample in its storage at the end of
// each test group; monac evaluates the same group and the same dump query
// must return the same series and the same values, bit for bit. The verdicts
// must match too. (promtool cannot dump groups with more than 10,000 samples:
// those are compared by verdict only.)
import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { buildPlan, evaluate, exitCode, loadTestFile, runTestFile } from "../../src/ruletest/index.js";
import { describeWithTool, REPO_ROOT, runTool } from "../support/tools.js";
import { haveShared, sharedPath, skippedTitle } from "../support/shared.js";
import { debugDump, diffDumps, parsePromtoolDebug } from "./support.js";

const CONFORMANCE = sharedPath("conformance", "promtool");
const CONFORMANCE_TITLE = "promtool's conformance fixtures (../shared/conformance/promtool)";
const haveConformance = haveShared(CONFORMANCE, CONFORMANCE_TITLE);
const files = [
  ...readdirSync(path.join(REPO_ROOT, "test", "ruletest", "testdata"))
    .filter((f) => f.endsWith(".test.yml"))
    .map((f) => path.join(REPO_ROOT, "test", "ruletest", "testdata", f)),
  ...(haveConformance
    ? ["failing.yml", "long-period.yml", "no-test-group-interval.yml", "rules_run.yml", "rules_run_fuzzy.yml", "negative-offset-test.yml", "at-modifier-test.yml", "bad-rules-error-test.yml"].map(
        (f) => path.join(CONFORMANCE, f),
      )
    : []),
  ...readdirSync(path.join(REPO_ROOT, "test", "rules"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => path.join(REPO_ROOT, "test", "rules", f)),
];

describeWithTool("promtool", "monac stores what promtool stores", () => {
  if (!haveConformance) it.skip(skippedTitle(CONFORMANCE_TITLE, CONFORMANCE), () => {});
  for (const file of files) {
    it.concurrent(
      path.relative(REPO_ROOT, file),
      async ({ expect }) => {
        const promtool = await runTool("promtool", ["test", "rules", "--debug", path.basename(file)], { cwd: path.dirname(file), timeoutMs: 240_000 });
        const dumps = parsePromtoolDebug(promtool.stdout);
        const monac = await runTestFile(file);
        expect(exitCode([monac]) === 0, `verdicts differ:\n${promtool.stdout.slice(-2000)}\n${promtool.stderr}`).toBe(promtool.code === 0);

        const { testFile, ruleGroups } = await loadTestFile(file);
        let compared = 0;
        for (const g of testFile.tests) {
          const name = g.name === "" ? `unnamed#${g.index}` : g.name;
          const theirs = dumps.get(name);
          if (theirs === undefined) continue;
          const plan = buildPlan(testFile, g, ruleGroups);
          const res = await evaluate(plan);
          const ours = debugDump(res, plan.start, plan.maxEvalTime);
          expect(diffDumps(theirs, ours), `group ${name} (${res.path})`).toBeUndefined();
          compared++;
        }
        // A rule error stops promtool before its dump.
        if (!file.includes("bad-rules-error")) expect(compared).toBeGreaterThan(0);
      },
      300_000,
    );
  }
});

it("has files to compare", () => {
  expect(files.length).toBeGreaterThan(10);
});
