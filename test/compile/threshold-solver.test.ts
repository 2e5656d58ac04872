// The threshold-test solver must compute with exactly the samples the test
// runner loads. promtool (and monac's loader) expand a counter's `0+p x n` by
// repeated addition, which differs from m * p in the last bits; with the raw
// `{{ $value }}` in an annotation and a long `for`, any difference shows up as
// a failing expected annotation.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { toYaml } from "../../src/compile/rules.js";
import { THRESHOLD_TEST_STEP_MS } from "../../src/compile/rule-tests/index.js";
import type { RuleTestFile, RuleTestGroup } from "../../src/compile/rule-tests/rule-test-file.js";
import { thresholdTests } from "../../src/compile/rule-tests/threshold-tests.js";
import { parseSequence } from "../../src/promql/series-notation.js";
import { runTestFile } from "../../src/ruletest/index.js";
import { modelFrom, writeArtifacts } from "../support/workspace.js";
import { isCI, runTool, toolPath } from "../support/tools.js";

const STEP_MS = 5 * 60_000;

// Non-round thresholds and factors, so values are not exact binary fractions.
const ALERTS = `service: shop
team: shop
alerts:
  - name: CounterLongFor
    expr: rate(x_total[5m]) * 0.37
    warning: 2.3
    critical: 4.7
    for: 2h
    description: "value {{ $value }}"
  - name: CounterShortFor
    expr: rate(x_total[5m]) * 0.37
    warning: 2.3
    critical: 4.7
    for: 30m
    description: "value {{ $value }}"
  - name: GaugeLongFor
    expr: queue_depth{job="shop"} / 3.7
    warning: 2.3
    critical: 4.1
    for: 2h
    description: "value {{ $value }}"
  - name: GaugeShortFor
    expr: queue_depth{job="shop"} / 3.7
    warning: 2.3
    critical: 4.1
    for: 30m
    description: "value {{ $value }}"
  - name: CounterRatio
    expr: sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))
    unit: ratio
    warning: 0.013
    critical: 0.037
    for: 2h
    description: "ratio {{ $value }}"
  - name: IncreaseCondition
    condition: increase(y_total[10m]) * 1.3 > 7.7
    severity: warning
    for: 2h
    description: "increase {{ $value }}"
  - name: PerLevelFor
    expr: irate(z_total[5m]) * 0.73
    warning: { value: 1.9, for: 2h }
    critical: { value: 3.3, for: 30m }
    description: "value {{ $value }}"
  - name: BelowLongFor
    expr: rate(w_total[5m]) * 0.41
    direction: below
    warning: 7.3
    critical: 2.9
    for: 2h
    description: "value {{ $value }}"
  - name: RatioShortFor
    expr: sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))
    unit: ratio
    warning: 0.013
    critical: 0.037
    for: 30m
    description: "ratio {{ $value }}"
  - name: IncreaseShortCondition
    condition: increase(y_total[10m]) * 1.3 > 7.7
    severity: warning
    for: 30m
    description: "increase {{ $value }}"
  - name: DerivLongFor
    expr: deriv(u_total[10m]) * 3.3
    warning: 0.77
    critical: 1.9
    for: 2h
    description: "value {{ $value }}"
  - name: RateDivided
    expr: rate(t_total[5m]) / 7.3
    warning: 0.71
    critical: 1.3
    for: 2h
    description: "value {{ $value }}"
  - name: LatencyLongFor
    expr: histogram_quantile(0.9, sum by (le) (rate(lat_seconds_bucket[5m]))) * 1.7
    warning: 0.37
    critical: 0.91
    for: 2h
    description: "value {{ $value }}"
  - name: CounterPlusGauge
    expr: sum(rate(q_total[5m])) * 0.37 + avg(g_level) / 3.1
    warning: 41.3
    critical: 57.9
    for: 2h
    description: "value {{ $value }}"
`;

describe("threshold test solver", () => {
  it("cannot compute counter samples as m * p: promtool's 0+p x n adds p once per sample", () => {
    const loaded = parseSequence("0+0.1x120").map((v) => (v.kind === "value" ? v.value : NaN));
    expect(loaded).toHaveLength(121);
    expect(loaded[120]).not.toBe(120 * 0.1);
    expect(loaded[120]).toBe(Array.from({ length: 120 }).reduce<number>((sum) => sum + 0.1, 0));
  });

  it("expects the values the rules compute from the input series as loaded", { timeout: 120_000 }, async () => {
    const model = modelFrom({ "alerts/shop.yaml": ALERTS });
    expect(THRESHOLD_TEST_STEP_MS).toBe(STEP_MS);
    const groups: RuleTestGroup[] = [];
    for (const alert of model.thresholds) {
      const r = await thresholdTests(alert, STEP_MS);
      expect([alert.name, r.notes]).toEqual([alert.name, []]);
      expect([alert.name, r.groups.length]).toEqual([alert.name, alert.levels.length === 1 ? 2 : 3]);
      groups.push(...r.groups);
    }
    // Every group that fires checks a raw $value in full precision.
    const firing = groups.flatMap((g) => g.alert_rule_test!.flatMap((t) => t.exp_alerts));
    expect(firing.length).toBeGreaterThanOrEqual(10);
    for (const a of firing) expect(a.exp_annotations.description).toMatch(/^\w+ -?[\d.e+-]+$/);

    const dir = mkdtempSync(path.join(tmpdir(), "monac-threshold-solver-"));
    try {
      writeArtifacts(dir, compileWorkspace(model, { dashboards: false }));
      const file: RuleTestFile = { rule_files: ["../rules/shop.alerts.rules.yaml"], evaluation_interval: "5m", tests: groups };
      const testPath = path.join(dir, "prometheus/tests/solver.test.yaml");
      mkdirSync(path.dirname(testPath), { recursive: true });
      writeFileSync(testPath, toYaml(file));

      const result = await runTestFile(testPath);
      const failed = result.groups.filter((g) => g.status !== "passed").map((g) => g.name);
      expect([failed, result.errors]).toEqual([[], []]);
      expect(result.groups.length).toBe(groups.length);

      // The real promtool agrees; without it this says so loudly, and fails in CI.
      if (toolPath("promtool") === undefined) {
        if (isCI()) throw new Error("CI=true but promtool is not installed (bash scripts/install-tools.sh)");
        console.warn("threshold solver: promtool not installed; checked on monac only (bash scripts/install-tools.sh)");
      } else {
        const r = await runTool("promtool", ["test", "rules", testPath], { cwd: path.dirname(testPath), timeoutMs: 120_000 });
        expect(r.stdout + r.stderr).toContain("SUCCESS");
        expect(r.code).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
