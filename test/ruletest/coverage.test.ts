// Rule coverage (`monac test --coverage`): an alerting rule is covered when
// it was pending or firing at some evaluation, a recording rule when its
// expression returned samples; the fast path and the exact loop agree; a
// rule file loaded by several test files counts once.
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergeCoverage, parseMinPercent, runTestFile, type FileResult } from "../../src/ruletest/index.js";
import { REPO_ROOT } from "../support/tools.js";
import { run } from "../support/cli.js";


// One alert fires, one never does; one recording rule returns data, one never does.
const RULES = `groups:
  - name: cov
    rules:
      - alert: Fires
        expr: up == 0
      - alert: NeverFires
        expr: up == 2
      - record: job:up:sum
        expr: sum by (job) (up)
      - record: job:missing:sum
        expr: sum by (job) (missing_metric)
`;

const TEST = `rule_files: [cov.rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: up{job="a"}
        values: 1 1 0 0 0
    alert_rule_test:
      - eval_time: 4m
        alertname: Fires
        exp_alerts:
          - exp_labels: { job: a }
`;

// Covers only the recording rule the first file leaves uncovered.
const TEST_MISSING = `rule_files: [cov.rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: missing_metric{job="b"}
        values: 1x3
    promql_expr_test:
      - expr: job:missing:sum
        eval_time: 2m
        exp_samples:
          - labels: 'job:missing:sum{job="b"}'
            value: 1
`;

// Pending without ever firing counts; a rule reading a later rule's output forces the exact loop.
const RULES_PENDING = `groups:
  - name: pending
    rules:
      - alert: PendsOnly
        expr: up == 0
        for: 10m
      - alert: ReadsLater
        expr: job:later:sum > 0
      - record: job:later:sum
        expr: sum by (job) (up)
      - record: job:none:sum
        expr: sum by (job) (up{job="nope"})
`;

const TEST_PENDING = `rule_files: [pending.rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: up{job="a"}
        values: 1 0 0 1 1
    alert_rule_test:
      - eval_time: 4m
        alertname: PendsOnly
`;

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "monac-coverage-"));
  await writeFile(path.join(ws, "cov.rules.yaml"), RULES);
  await writeFile(path.join(ws, "cov.test.yaml"), TEST);
  await writeFile(path.join(ws, "pending.rules.yaml"), RULES_PENDING);
  await writeFile(path.join(ws, "pending.test.yaml"), TEST_PENDING);
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

function covered(r: FileResult): string[] {
  return (r.coverage ?? []).filter((c) => c.covered).map((c) => `${c.kind} ${c.name}`);
}

describe("rule coverage", () => {
  it("covers a firing alert and a recording rule with data, not the others (2/4)", async () => {
    const r = await runTestFile(path.join(ws, "cov.test.yaml"), { coverage: true });
    expect(r.status).toBe("ok");
    expect(covered(r)).toEqual(["alert Fires", "record job:up:sum"]);
    const report = mergeCoverage([r]);
    expect([report.covered, report.total, report.percent]).toEqual([2, 4, 50]);
  });

  it("counts a pending alert, and agrees between the fast path and the exact loop", async () => {
    for (const name of ["cov.test.yaml", "pending.test.yaml"]) {
      const file = path.join(ws, name);
      const fast = await runTestFile(file, { coverage: true });
      const exact = await runTestFile(file, { coverage: true, mode: "exact" });
      expect(exact.groups.map((g) => g.path)).toEqual(["exact"]);
      expect(fast.coverage).toEqual(exact.coverage);
    }
    const fast = await runTestFile(path.join(ws, "cov.test.yaml"), { coverage: true });
    expect(fast.groups[0]!.path).toBe("fast");
    const pending = await runTestFile(path.join(ws, "pending.test.yaml"), { coverage: true });
    expect(pending.status, JSON.stringify(pending.groups)).toBe("ok");
    expect(covered(pending)).toEqual(["alert PendsOnly", "alert ReadsLater", "record job:later:sum"]);
  });

  it("agrees between the fast path and the exact loop on the repository's rule tests", async () => {
    const dirs = [path.join(REPO_ROOT, "test", "rules"), path.join(REPO_ROOT, "test", "ruletest", "testdata")];
    const files = dirs
      .flatMap((d) => readdirSync(d).map((f) => path.join(d, f)))
      .filter((f) => /\.test\.ya?ml$/.test(f))
      .slice(0, 6);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const fast = await runTestFile(file, { coverage: true });
      const exact = await runTestFile(file, { coverage: true, mode: "exact" });
      expect(fast.coverage, file).toEqual(exact.coverage);
    }
  }, 120_000);

  it("costs nothing and reports nothing when off", async () => {
    const r = await runTestFile(path.join(ws, "cov.test.yaml"));
    expect(r.coverage).toBeUndefined();
    const cli = await run("test", path.join(ws, "cov.test.yaml"));
    expect(cli.code).toBe(0);
    expect(cli.out).not.toMatch(/rule coverage|^total:/m);
  });

  it("counts a rule file loaded by two test files once (union)", async () => {
    await writeFile(path.join(ws, "missing.test.yaml"), TEST_MISSING);
    const a = await runTestFile(path.join(ws, "cov.test.yaml"), { coverage: true });
    const b = await runTestFile(path.join(ws, "missing.test.yaml"), { coverage: true });
    expect(mergeCoverage([b]).covered).toBe(1);
    const report = mergeCoverage([a, b]);
    expect([report.covered, report.total]).toEqual([3, 4]);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]!.rules.filter((r) => !r.covered).map((r) => r.name)).toEqual(["NeverFires"]);
  });

  it("prints per rule file covered/total and the uncovered rules", async () => {
    const r = await run("test", "--coverage", path.join(ws, "cov.test.yaml"));
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/^1 passed, 0 failed$/m);
    expect(r.out).toContain(`  ${path.join(ws, "cov.rules.yaml")}: 2/4`);
    expect(r.out).toContain(`    not covered: alert NeverFires (group "cov", line 6)`);
    expect(r.out).toContain(`    not covered: record job:missing:sum (group "cov", line 10)`);
    expect(r.out).toMatch(/^total: 2\/4 rules covered \(50\.0%\)$/m);
  });

  it("exits 1 below --min even when every test passes, 0 at or above it, 2 on a bad PCT", async () => {
    const file = path.join(ws, "cov.test.yaml");
    const below = await run("test", "--coverage", "--min", "60", file);
    expect(below.code).toBe(1);
    expect(below.out).toMatch(/^1 passed, 0 failed$/m);
    expect(below.out).toContain("FAIL rule coverage 50.0% is below --min 60%");
    const at = await run("test", "--coverage", "--min", "50", file);
    expect(at.code, at.out).toBe(0);
    expect(at.out).not.toContain("below --min");
    // --min alone implies --coverage.
    expect((await run("test", "--min", "50.5%", file)).code).toBe(1);
    for (const bad of ["abc", "150", "-1", "", "5O"]) {
      const r = await run("test", "--coverage", `--min=${bad}`, file);
      expect(r.code, bad).toBe(2);
      expect(r.err).toContain("invalid --min");
    }
    expect(parseMinPercent("80")).toBe(80);
    expect(parseMinPercent("99.5%")).toBe(99.5);
    expect(parseMinPercent("100.1")).toBeUndefined();
  });

  it("writes the JSON report with --coverage-file", async () => {
    await writeFile(path.join(ws, "missing.test.yaml"), TEST_MISSING);
    const json = path.join(ws, "coverage.json");
    const r = await run("test", "--coverage-file", json, path.join(ws, "cov.test.yaml"), path.join(ws, "missing.test.yaml"));
    expect(r.code, r.out + r.err).toBe(0);
    const report = JSON.parse(await readFile(json, "utf8"));
    expect(report).toEqual({
      covered: 3,
      total: 4,
      percent: 75,
      files: [
        {
          file: path.join(ws, "cov.rules.yaml"),
          covered: 3,
          total: 4,
          rules: [
            { group: "cov", index: 0, name: "Fires", kind: "alert", line: 4, covered: true },
            { group: "cov", index: 1, name: "NeverFires", kind: "alert", line: 6, covered: false },
            { group: "cov", index: 2, name: "job:up:sum", kind: "record", line: 8, covered: true },
            { group: "cov", index: 3, name: "job:missing:sum", kind: "record", line: 10, covered: true },
          ],
        },
      ],
    });
    const bad = await run("test", "--coverage-file", path.join(ws, "no", "such", "dir", "c.json"), path.join(ws, "cov.test.yaml"));
    expect(bad.code).toBe(2);
  });

  it("leaves routing test files out", async () => {
    await writeFile(path.join(ws, "alertmanager.yml"), "route:\n  receiver: default\nreceivers:\n  - name: default\n");
    await writeFile(
      path.join(ws, "am.routing.test.yaml"),
      "config: alertmanager.yml\ncases:\n  - name: default\n    alert: { alertname: X }\n    receivers: [default]\n",
    );
    const json = path.join(ws, "coverage.json");
    const r = await run("test", "--coverage-file", json, path.join(ws, "am.routing.test.yaml"), path.join(ws, "cov.test.yaml"));
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/^2 passed, 0 failed$/m);
    const report = JSON.parse(await readFile(json, "utf8"));
    expect(report.files.map((f: { file: string }) => path.basename(f.file))).toEqual(["cov.rules.yaml"]);
    expect(report.total).toBe(4);
  });

  it("reports a figure for the example workspace's tests", async () => {
    const dirs = [path.join(REPO_ROOT, "out", "prometheus", "tests"), path.join(REPO_ROOT, "test", "rules")].filter((d) => existsSync(d));
    expect(dirs.length).toBeGreaterThan(0);
    const json = path.join(ws, "example.json");
    const r = await run("test", "--coverage-file", json, ...dirs);
    expect(r.code, r.out + r.err).toBe(0);
    const m = /^total: (\d+)\/(\d+) rules covered \((\d+\.\d)%\)$/m.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const report = JSON.parse(await readFile(json, "utf8"));
    expect(report.total).toBeGreaterThan(0);
    expect([report.covered, report.total]).toEqual([Number(m![1]), Number(m![2])]);
    console.log(`example workspace rule coverage: ${m![0].slice("total: ".length)}`);
  }, 300_000);
});
