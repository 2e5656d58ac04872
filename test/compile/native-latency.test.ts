// A latency SLI on a native histogram (`latency: { nativeHistogram, threshold }`):
// its error and total counts, by evaluation on hand-written histograms whose
// answers are plain arithmetic, on monac's engine and on the real promtool;
// and the tests monac generates for it passing on both. Its validation
// findings are in the broken-spec corpus (test/fixtures/broken/17x).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { ruleTestArtifacts } from "../../src/compile/rule-tests/index.js";
import { nativeLayout } from "../../src/compile/rule-tests/rule-test-file.js";
import { runTestFile } from "../../src/ruletest/index.js";
import { describeWithTool, runTool } from "../support/tools.js";
import { BASE_MONAC_YAML, modelFrom, writeArtifacts } from "../support/workspace.js";

const SLOS = `service: infer
team: shop
slos:
  - name: latency
    objective: 99
    sli:
      latency:
        nativeHistogram: inference_duration_seconds{job="infer"}
        threshold: 300ms
    alerting:
      minEvents: 100
      # promtool needs minutes for the days of history the ticket tiers' tests
      # load; the exact SLO below runs them on monac only.
      tiers: { ticket-fast: false, ticket-slow: false }
  - name: exact
    objective: 95
    period: 7d
    sli:
      latency:
        nativeHistogram: inference_duration_seconds{job="infer"}
        threshold: 0.5
`;

/**
 * Hand-written checks of the recorded 5m counts. Every minute the histogram
 * gains 10 requests: schema 0 bucket 0 is (0.5, 1], bucket -2 is
 * (0.125, 0.25], so with the 300ms threshold the requests in bucket 0 are
 * slow and those in bucket -2 fast, whatever the interpolation. increase()
 * over 5m of samples a minute apart spans 4 minutes of samples and
 * extrapolates to the window: 5/4 of 4 minutes' events, i.e. 5 minutes'.
 */
const COUNTS_TEST = `rule_files:
  - rules/infer.latency.slo.rules.yaml
evaluation_interval: 1m
tests:
  - name: steady traffic, 2 of 10 requests a minute slow
    interval: 1m
    input_series:
      - series: inference_duration_seconds{job="infer"}
        values: "{{schema:0 count:100 sum:20 offset:-2 buckets:[100 0 0]}}+{{schema:0 count:10 sum:3.6 offset:-2 buckets:[8 0 2]}}x20"
    promql_expr_test:
      - expr: slo:sli_total:increase5m
        eval_time: 10m
        exp_samples:
          - labels: slo:sli_total:increase5m{service="infer", slo="latency"}
            value: 50
      - expr: slo:sli_errors:increase5m
        eval_time: 10m
        exp_samples:
          - labels: slo:sli_errors:increase5m{service="infer", slo="latency"}
            value: 10
      - expr: slo:sli_error:ratio_rate5m
        eval_time: 10m
        exp_samples:
          - labels: slo:sli_error:ratio_rate5m{service="infer", slo="latency"}
            value: 0.2
  - name: no requests at all counts zero errors, not NaN
    interval: 1m
    input_series:
      - series: inference_duration_seconds{job="infer"}
        values: "{{schema:0 count:100 sum:20 offset:-2 buckets:[100 0 0]}}x20"
    promql_expr_test:
      - expr: slo:sli_errors:increase5m
        eval_time: 10m
        exp_samples:
          - labels: slo:sli_errors:increase5m{service="infer", slo="latency"}
            value: 0
      - expr: slo:sli_total:increase5m
        eval_time: 10m
        exp_samples:
          - labels: slo:sli_total:increase5m{service="infer", slo="latency"}
            value: 0
  - name: two instances, one idle, sum their counts
    interval: 1m
    input_series:
      - series: inference_duration_seconds{job="infer", instance="a"}
        values: "{{schema:0 count:100 sum:20 offset:-2 buckets:[100 0 0]}}+{{schema:0 count:10 sum:3.6 offset:-2 buckets:[8 0 2]}}x20"
      - series: inference_duration_seconds{job="infer", instance="b"}
        values: "{{schema:0 count:7 sum:1 offset:-2 buckets:[7 0 0]}}x20"
    promql_expr_test:
      - expr: slo:sli_errors:increase5m
        eval_time: 10m
        exp_samples:
          - labels: slo:sli_errors:increase5m{service="infer", slo="latency"}
            value: 10
  - name: slow requests only
    interval: 1m
    input_series:
      - series: inference_duration_seconds{job="infer"}
        values: "{{schema:0 count:100 sum:20 offset:-2 buckets:[100 0 0]}}+{{schema:0 count:10 sum:10 offset:-2 buckets:[0 0 10]}}x20"
    promql_expr_test:
      - expr: slo:sli_error:ratio_rate5m
        eval_time: 10m
        exp_samples:
          - labels: slo:sli_error:ratio_rate5m{service="infer", slo="latency"}
            value: 1
`;

function model() {
  return modelFrom({ "monac.yaml": `evaluationInterval: 1m\n${BASE_MONAC_YAML}`, "slos/infer.yaml": SLOS });
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "monac-native-latency-"));
  const m = model();
  writeArtifacts(dir, [...compileWorkspace(m, { dashboards: false }), ...(await ruleTestArtifacts(m))]);
  writeFileSync(path.join(dir, "prometheus", "counts.test.yaml"), COUNTS_TEST);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEST_FILES = ["counts.test.yaml", "tests/infer.latency.slo.test.yaml", "tests/infer.exact.slo.test.yaml"];
const PROMTOOL_FILES = ["counts.test.yaml", "tests/infer.latency.slo.test.yaml"];

describe("latency SLI on a native histogram", () => {
  it("reads the histogram with histogram_count and histogram_fraction, per series", () => {
    const rules = compileWorkspace(model(), { dashboards: false }).find((a) => a.path === "prometheus/rules/infer.latency.slo.rules.yaml")!.content;
    const sel = 'inference_duration_seconds{job="infer"}';
    expect(rules).toContain(
      `expr: sum(histogram_count(increase(${sel}[5m])) * histogram_fraction(0.3, +Inf, increase(${sel}[5m])) > 0) or vector(0)`,
    );
    expect(rules).toContain(`expr: sum(histogram_count(increase(${sel}[5m])))`);
    expect(rules).not.toMatch(/_bucket|_count\{/);
  });

  it("puts generated fast and slow requests in whole buckets on either side of the threshold", () => {
    // Bucket i of schema 0 is (2^(i-1), 2^i].
    expect(nativeLayout(0.3)).toEqual({ fast: -2, slow: 0 });
    expect(nativeLayout(0.5)).toEqual({ fast: -1, slow: 0 });
    expect(nativeLayout(1)).toEqual({ fast: 0, slow: 1 });
    expect(nativeLayout(2.5)).toEqual({ fast: 1, slow: 3 });
    expect(nativeLayout(0.1)).toEqual({ fast: -4, slow: -2 });
  });

  for (const file of TEST_FILES) {
    it(`passes ${file} on monac test`, { timeout: 120_000 }, async () => {
      const result = await runTestFile(path.join(dir, "prometheus", file));
      const failed = result.groups.filter((g) => g.status !== "passed").map((g) => `${g.name}: ${[...g.errors, ...g.mismatches.map((m) => JSON.stringify(m))].join("\n")}`);
      expect([failed, result.errors]).toEqual([[], []]);
      expect(result.groups.length).toBeGreaterThanOrEqual(4);
    });
  }
});

describeWithTool("promtool", "latency SLI on a native histogram, on promtool", () => {
  for (const file of PROMTOOL_FILES) {
    it.concurrent(`passes ${file}`, { timeout: 300_000 }, async ({ expect }) => {
      const r = await runTool("promtool", ["test", "rules", file], { cwd: path.join(dir, "prometheus"), timeoutMs: 290_000 });
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    });
  }
});
