// The generated rule tests keep passing on every target's packaging of the
// rules: each test file is run with its rule file replaced by the groups the
// target writes for the same SLO or service (mimir's split groups, vmalert's
// layers, thanos' groups without its extra field, the PrometheusRule's
// spec.groups). The rule-test loop evaluates the groups in order at each
// step, so this shows the packaging keeps every rule and their order; the
// lag a ruler adds between groups is what the targets' own limits bound.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { runTestFile } from "../../src/ruletest/runner.js";
import { REPO_ROOT } from "../support/workspace.js";

interface Group { name: string; partial_response_strategy?: string; rules: unknown[] }

const OUT = path.join(REPO_ROOT, "out");
const tests = readdirSync(path.join(OUT, "prometheus", "tests")).filter((f) => f.endsWith(".test.yaml")).sort();

/** The groups the plain rule file holds, by name. */
function plainGroupNames(ruleFile: string): string[] {
  return (parse(readFileSync(path.join(OUT, "prometheus", "rules", ruleFile), "utf8")) as { groups: Group[] }).groups.map((g) => g.name);
}

/** A target's groups that package the plain group `name` (itself, or its pieces/layers). */
function piecesOf(groups: Group[], name: string): Group[] {
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-\\d+|-recording-\\d+|-alerts)?$`);
  return groups.filter((g) => re.test(g.name));
}

const TARGETS: Record<string, (ruleFile: string) => Group[]> = {
  thanos: (f) => (parse(readFileSync(path.join(OUT, "thanos", f), "utf8")) as { groups: Group[] }).groups,
  vmalert: (f) => (parse(readFileSync(path.join(OUT, "vmalert", f), "utf8")) as { groups: Group[] }).groups,
  mimir: () => readdirSync(path.join(OUT, "mimir")).flatMap((f) => (parse(readFileSync(path.join(OUT, "mimir", f), "utf8")) as { groups: Group[] }).groups),
  "prometheus-operator": () =>
    readdirSync(path.join(OUT, "prometheus-operator"))
      .filter((f) => f.startsWith("prometheusrule-"))
      .flatMap((f) => (parse(readFileSync(path.join(OUT, "prometheus-operator", f), "utf8")) as { spec: { groups: Group[] } }).spec.groups),
};

/** Test files of SLOs a target leaves out (monac.yaml: vmalert gets no native-histogram SLO). */
const LEFT_OUT: Record<string, string[]> = { vmalert: ["ml-inference.prediction-latency.slo.test.yaml"] };

describe.each(Object.keys(TARGETS))("the generated rule tests on the %s target's rules", (target) => {
  it.each(tests.filter((t) => !(LEFT_OUT[target] ?? []).includes(t)))("%s", async (testFile) => {
    const test = parse(readFileSync(path.join(OUT, "prometheus", "tests", testFile), "utf8")) as { rule_files: string[] };
    const dir = mkdtempSync(path.join(os.tmpdir(), `monac-${target}-tests-`));
    try {
      const ruleFiles = test.rule_files.map((rf, i) => {
        const plain = path.basename(rf);
        const all = TARGETS[target]!(plain);
        const groups = plainGroupNames(plain).flatMap((name) => piecesOf(all, name));
        expect(groups.length, `${target} has groups for ${plain}`).toBeGreaterThan(0);
        const file = path.join(dir, `rules-${i}.yaml`);
        // What promtool --ignore-unknown-fields does with Thanos' field.
        writeFileSync(file, stringify({ groups: groups.map(({ partial_response_strategy: _, ...g }) => g) }));
        return path.basename(file);
      });
      const copy = path.join(dir, testFile);
      writeFileSync(copy, stringify({ ...test, rule_files: ruleFiles }));
      const result = await runTestFile(copy);
      const failed = [...result.errors, ...result.groups.filter((g) => g.status !== "passed").map((g) => `${g.name}: ${JSON.stringify(g)}`.slice(0, 2000))];
      expect(failed).toEqual([]);
      // Every group the test has ran (some SLOs' generated files hold none: see the file's comment).
      expect(result.groups.length).toBe((test as { tests?: unknown[] }).tests?.length ?? 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
