// The generated alerts, proven by evaluation: every promtool unit-test file in
// test/rules/ is run by the real promtool (3.5) against the committed rule
// files in out/prometheus/rules/ (each test file names its rule files by a
// path relative to itself). The scenarios and their arithmetic are in the
// comments of the test files.
import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { describeWithTool, REPO_ROOT, runTool } from "../support/tools.js";

const testsDir = path.join(REPO_ROOT, "test", "rules");
const testFiles = readdirSync(testsDir)
  .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
  .sort();

// promtool evaluates every rule once per simulated minute; the longest file
// (12 simulated hours of checkout SLO rules) takes several seconds.
const PROMTOOL_TIMEOUT_MS = 120_000;

it("finds the rule test files", () => {
  expect(testFiles.length).toBeGreaterThan(0);
});

describeWithTool("promtool", "promtool test rules", () => {
  for (const file of testFiles) {
    // Concurrent: each file is its own promtool process. The context's
    // `expect` attributes assertions to this test.
    it.concurrent(
      file,
      async ({ expect }) => {
        const relative = path.join("test", "rules", file);
        const r = await runTool("promtool", ["test", "rules", relative], {
          cwd: REPO_ROOT,
          timeoutMs: PROMTOOL_TIMEOUT_MS,
        });
        const output = `promtool test rules ${relative} exited ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
        expect(r.code, output).toBe(0);
        expect(r.stdout, output).toContain("SUCCESS");
      },
      PROMTOOL_TIMEOUT_MS + 10_000,
    );
  }
});
