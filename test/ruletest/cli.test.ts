// `monac test` end to end: output, exit codes, --run, --junit, exp_pending,
// and how invalid test and rule files are reported.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { REPO_ROOT } from "../support/tools.js";

const DATA = path.join(REPO_ROOT, "test", "ruletest", "testdata");

async function monac(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["test", ...args], { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`) });
  return { code, out, err };
}

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-ruletest-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("monac test", () => {
  it("passes promtool-compatible files and exp_pending checks", async () => {
    const r = await monac(path.join(DATA, "scenarios.test.yml"), path.join(DATA, "monac-only", "pending.test.yml"));
    expect(r.out).toContain("ok   " + path.join(DATA, "scenarios.test.yml") + " (1 group)");
    expect(r.out.trim().split("\n").pop()).toBe("2 passed, 0 failed");
    expect(r.code).toBe(0);
  });

  it("shows what differs", async () => {
    const r = await monac(path.join(DATA, "monac-only", "failing.test.yml"));
    expect(r.code).toBe(1);
    expect(r.out).toContain('  FAIL  group "wrong expectations" (line 7)');
    expect(r.out).toContain('severity: exp "critical" got "warning"');
    expect(r.out).toContain("(it is pending at this time)");
    expect(r.out).toContain('unexpected firing alert {alertname="Down", instance="a", job="api"}');
    expect(r.out).toContain('job:errors:rate2m{job="api", origin="scenarios"}: exp 2 got 1');
    expect(r.out).toContain('missing job:errors:rate2m{job="web", origin="scenarios"} 1');
    expect(r.out.trim().split("\n").pop()).toBe("1 passed, 1 failed");
  });

  it("filters groups with --run and writes JUnit XML", async () => {
    const junit = path.join(tempDir({}), "out.xml");
    const r = await monac("--run", "^pass", "--junit", junit, path.join(DATA, "monac-only", "failing.test.yml"));
    expect(r.code).toBe(0);
    expect(r.out.trim().split("\n").pop()).toBe("1 passed, 0 failed");
    const all = await monac("--junit", junit, path.join(DATA, "monac-only", "failing.test.yml"));
    expect(all.code).toBe(1);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/<testsuite name="[^"]*failing.test.yml" tests="2" failures="1" errors="0"/);
    expect(xml).toContain('<testcase name="passes"');
    expect(xml).toContain("<failure message=\"alert HighErrors at 2m:\">");
  });

  it("exits 2 with file:line for invalid test files and missing paths", async () => {
    const dir = tempDir({
      "typo.test.yml": "tests:\n  - name: x\n    input_series:\n      - series: up\n        valuez: 1 2\n",
      "series.test.yml": "tests:\n  - input_series:\n      - series: 'up{a=\"b\"'\n        values: 1\n",
    });
    const typo = await monac(path.join(dir, "typo.test.yml"));
    expect(typo.code).toBe(2);
    expect(typo.out).toContain(`${path.join(dir, "typo.test.yml")}:5:9: unknown field "valuez" in input series`);
    const series = await monac(path.join(dir, "series.test.yml"));
    expect(series.code).toBe(2);
    expect(series.out).toContain(`${path.join(dir, "series.test.yml")}:3: input_series[0]`);
    expect((await monac(path.join(dir, "missing.yml"))).code).toBe(2);
  });

  it("reports invalid rule files with file:line and fails their groups", async () => {
    const test = "rule_files: [rules.yml]\ntests:\n  - promql_expr_test:\n      - expr: vector(1)\n        exp_samples: [{ value: 1 }]\n";
    const cases: Array<[string, string]> = [
      ["groups:\n  - name: g\n    rules:\n      - record: x\n        expr: 'sum(up'\n", 'rules.yml:5:15: group "g", rule 1, "x": could not parse expression'],
      ["groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n", 'rules.yml:4:5: groupname: "g" is repeated in the same file'],
      ["groups:\n  - name: g\n    owner: me\n    rules: []\n", 'rules.yml:3:5: unknown field "owner" in rule group'],
      [
        "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        annotations:\n          s: '{{ $labels.x '\n",
        'rules.yml:7:11: group "g", rule 1, "A": annotation "s": error parsing template __alert_A',
      ],
      ["groups:\n  - name: g\n    rules:\n      - record: x\n        for: 5m\n        expr: up\n", "invalid field 'for' in recording rule"],
      ["groups:\n  - name: g\n    rules:\n      - record: x{a=\"b\"}\n        expr: up\n", "braces present in the recording rule name"],
    ];
    for (const [rules, message] of cases) {
      const dir = tempDir({ "rules.yml": rules, "t.test.yml": test });
      const r = await monac(path.join(dir, "t.test.yml"));
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain(path.join(dir, message.startsWith("rules.yml") ? message : ""));
      if (!message.startsWith("rules.yml")) expect(r.out).toContain(message);
      expect(r.out).toContain("not run: the rule files could not be loaded");
    }
  });

  it("reports rule evaluation errors like promtool", async () => {
    const dir = tempDir({
      "rules.yml": "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: '{__name__=~\"a|b\"}'\n",
      "t.test.yml":
        "rule_files: [rules.yml]\ntests:\n  - input_series:\n      - { series: a, values: '1 1 1' }\n      - { series: b, values: '_ 2 2' }\n    promql_expr_test:\n      - expr: x\n        eval_time: 2m\n",
    });
    const r = await monac(path.join(dir, "t.test.yml"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("rule: x, time: 1m0s, err: vector contains metrics with the same labelset after applying rule labels");
  });
});
