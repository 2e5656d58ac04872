// promtool's own unit-test fixtures (../shared/conformance/promtool, from
// Prometheus 3.14): monac's verdict on each file must be promtool's. Rule
// files among the fixtures are run as test files too (both must reject them).
// promtool 3.5 is the oracle; where Prometheus 3.14 behaves differently the
// expected verdict is 3.14's, listed in EXCEPTIONS with the reason.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { exitCode, runTestFile } from "../../src/ruletest/index.js";
import { describeWithTool, runTool } from "../support/tools.js";
import { describeWithShared, sharedPath } from "../support/shared.js";

const DIR = sharedPath("conformance", "promtool");

interface Case {
  file: string;
  run?: string[];
}

// Without ../shared there are no cases; describeWithShared below says so loudly (or fails under CI).
const cases: Case[] = !existsSync(DIR) ? [] : [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .map((file) => ({ file })),
  // promtool's TestRulesUnitTestRun cases.
  { file: "rules_run.yml", run: ["correct"] },
  { file: "rules_run.yml", run: ["wrong"] },
  { file: "rules_run.yml", run: ["correct", "wrong"] },
];

type Verdict = "pass" | "fail";

/** Where monac follows Prometheus 3.14 (or cannot follow promtool), the verdict it must give instead. */
const EXCEPTIONS: Record<string, { monac: Verdict; reason: string }> = {
  "start-time-test.yml": {
    monac: "pass",
    reason: "start_timestamp is a Prometheus 3.14 field; promtool 3.5's strict parser rejects it",
  },
};

const label = (c: Case): string => (c.run === undefined ? c.file : `${c.file} --run ${c.run.join(" --run ")}`);
const rows: string[] = [];

describeWithShared(DIR, "promtool conformance fixtures (../shared/conformance/promtool)", () => {
  it("has fixtures", () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  describeWithTool("promtool", "monac's verdict is promtool's", () => {
    for (const c of cases) {
      it(label(c), async () => {
        const run = c.run === undefined ? undefined : new RegExp(c.run.join("|"), "u");
        const result = await runTestFile(path.join(DIR, c.file), { run });
        const monacCode = exitCode([result]);
        const args = ["test", "rules", ...(c.run ?? []).flatMap((r) => ["--run", r]), c.file];
        const promtool = await runTool("promtool", args, { cwd: DIR, timeoutMs: 60_000 });
        const monacVerdict: Verdict = monacCode === 0 ? "pass" : "fail";
        const promtoolVerdict: Verdict = promtool.code === 0 ? "pass" : "fail";
        const exception = c.run === undefined ? EXCEPTIONS[c.file] : undefined;
        rows.push(
          `${label(c).padEnd(44)} promtool ${promtoolVerdict} (${promtool.code})  monac ${monacVerdict} (${monacCode})` +
            (exception ? `  exception: ${exception.reason}` : ""),
        );
        const detail = `monac: ${JSON.stringify(result, null, 1).slice(0, 3000)}\npromtool: ${promtool.stdout}${promtool.stderr}`;
        if (exception !== undefined) {
          expect(monacVerdict, detail).toBe(exception.monac);
          expect(promtoolVerdict, "the exception no longer applies").not.toBe(exception.monac);
        } else {
          expect(monacVerdict, detail).toBe(promtoolVerdict);
        }
      }, 120_000);
    }
  });
});

afterAll(() => {
  if (rows.length > 0) console.log(`promtool conformance (verdict, exit code):\n${rows.join("\n")}`);
});
