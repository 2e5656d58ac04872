// The latency SLI must select its bucket however the bound is spelled:
// prom-client (examples/shop) writes le="0.1" and le="1"; Prometheus 3 stores
// le="1.0" after normalising on ingestion; other clients write le="0.10".
// monac's generated rules, run on monac's engine (and on promtool when it is
// installed), count the same errors for every spelling. Were the bucket missed,
// `or vector(0)` would count every request as an error.
// The live counterpart is test/e2e/stack.test.ts (Prometheus 3 re-spelling "1").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { compileWorkspace, sloRulesPath } from "../../src/compile/bundle.js";
import { runTestFile } from "../../src/ruletest/runner.js";
import { modelFrom } from "../support/workspace.js";
import { describeWithTool, runTool, REPO_ROOT } from "../support/tools.js";

const THRESHOLDS = [
  { threshold: "100ms", spellings: ["0.1", "0.10", "0.100"], slo: "latency" },
  { threshold: "1s", spellings: ["1", "1.0", "1.00"], slo: "latency-1s" },
];

// 100 requests a minute, 90 of them within the threshold: 50 errors in any 5m.
function testFile(ruleFile: string): string {
  const tests = THRESHOLDS.flatMap(({ spellings, slo }) =>
    spellings.map((le) => ({
      name: `${slo} with le="${le}"`,
      interval: "1m",
      input_series: [
        { series: `http_request_duration_seconds_count{job="checkout", instance="a"}`, values: "0+100x10" },
        { series: `http_request_duration_seconds_bucket{job="checkout", instance="a", le="${le}"}`, values: "0+90x10" },
        { series: `http_request_duration_seconds_bucket{job="checkout", instance="a", le="+Inf"}`, values: "0+100x10" },
      ],
      promql_expr_test: [
        { expr: `slo:sli_errors:increase5m{service="checkout", slo="${slo}"}`, eval_time: "10m", exp_samples: [{ labels: `slo:sli_errors:increase5m{service="checkout", slo="${slo}"}`, value: 50 }] },
        { expr: `slo:sli_total:increase5m{service="checkout", slo="${slo}"}`, eval_time: "10m", exp_samples: [{ labels: `slo:sli_total:increase5m{service="checkout", slo="${slo}"}`, value: 500 }] },
        { expr: `slo:sli_error:ratio_rate5m{service="checkout", slo="${slo}"}`, eval_time: "10m", exp_samples: [{ labels: `slo:sli_error:ratio_rate5m{service="checkout", slo="${slo}"}`, value: 0.1 }] },
      ],
    })),
  );
  return stringify({ rule_files: [ruleFile], evaluation_interval: "1m", tests });
}

function writeFixture(): { dir: string; testPath: string } {
  // The checkout SLOs as the example workspace has them, plus a 1s threshold (a bound Prometheus re-spells).
  const checkout = readFileSync(path.join(REPO_ROOT, "slos", "checkout.yaml"), "utf8");
  const extra = stringify({
    service: "checkout",
    team: "payments",
    slos: [{ name: "latency-1s", objective: 95, sli: { latency: { histogram: 'http_request_duration_seconds{job="checkout"}', threshold: "1s" } } }],
  });
  const model = modelFrom({ "monac.yaml": readFileSync(path.join(REPO_ROOT, "monac.yaml"), "utf8"), "slos/checkout.yaml": checkout.replace(/^slos:\n/m, `slos:\n${extra.split("slos:\n")[1]}`) });
  const artifacts = compileWorkspace(model);
  const dir = mkdtempSync(path.join(os.tmpdir(), "monac-le-"));
  const files: string[] = [];
  for (const { slo } of THRESHOLDS) {
    const a = artifacts.find((x) => x.path === sloRulesPath("checkout", slo));
    if (a === undefined) throw new Error(`no rules for checkout/${slo} among ${artifacts.map((x) => x.path).join(", ")}`);
    const file = `${slo}.rules.yaml`;
    writeFileSync(path.join(dir, file), a.content);
    files.push(file);
  }
  // One rule file holding both groups keeps the test file simple.
  const merged = files.map((f) => readFileSync(path.join(dir, f), "utf8").replace(/^#.*\n/gm, "")).map((t, i) => (i === 0 ? t : t.replace(/^groups:\n/, ""))).join("");
  writeFileSync(path.join(dir, "checkout.rules.yaml"), merged);
  const testPath = path.join(dir, "le-spelling.test.yaml");
  writeFileSync(testPath, testFile("checkout.rules.yaml"));
  return { dir, testPath };
}

describe("latency SLI bucket matching", () => {
  it("the generated rules match the bound by a regex accepting every spelling", () => {
    const { dir } = writeFixture();
    const rules = readFileSync(path.join(dir, "checkout.rules.yaml"), "utf8");
    rmSync(dir, { recursive: true, force: true });
    expect(rules).toContain('le=~"0\\\\.10*"');
    expect(rules).not.toMatch(/le="/);
  });

  it("monac's engine counts the same errors for le=\"0.1\", \"0.10\", \"0.100\", \"1\", \"1.0\", \"1.00\"", async () => {
    const { dir, testPath } = writeFixture();
    const r = await runTestFile(testPath);
    rmSync(dir, { recursive: true, force: true });
    expect(r.errors).toEqual([]);
    expect(r.groups.map((g) => [g.name, g.status, g.mismatches.length])).toEqual(
      THRESHOLDS.flatMap(({ spellings, slo }) => spellings.map((le) => [`${slo} with le="${le}"`, "passed", 0])),
    );
  });
});

describeWithTool("promtool", "latency SLI bucket matching, in promtool", () => {
  it("promtool agrees for every spelling", async () => {
    const { dir, testPath } = writeFixture();
    const r = await runTool("promtool", ["test", "rules", testPath], { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("SUCCESS");
  });
});
