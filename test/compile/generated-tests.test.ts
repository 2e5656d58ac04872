// The rule tests `monac build` generates: what they cover and that their
// scenarios mean what their names say. That they pass is proven by the real
// promtool (test/e2e/rule-eval.test.ts) and by `monac test`.
import { describe, expect, it } from "vitest";
import { sampleIntervalMs, sloTests } from "../../src/compile/rule-tests/slo-tests.js";
import { thresholdTests } from "../../src/compile/rule-tests/threshold-tests.js";
import { regexSamples, labelsMatching, variantAvoiding } from "../../src/compile/rule-tests/synthetic-labels.js";
import { counterValues } from "../../src/compile/rule-tests/rule-test-file.js";
import { parseSequence } from "../../src/promql/series-notation.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { ruleTestArtifacts } from "../../src/compile/rule-tests/index.js";
import { runTestFile } from "../../src/ruletest/index.js";
import { BASE_MONAC_YAML, modelFrom, writeArtifacts } from "../support/workspace.js";

const SLO = `service: shop
team: shop
slos:
  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
    alerting:
      minEvents: 100
      noData: { for: 10m }
`;

describe("generated SLO tests", () => {
  it("cover every tier, full outages, quiet traffic and missing data", async () => {
    const { groups, notes } = await sloTests(modelFrom({ "slos/shop.yaml": SLO }).slos[0]!);
    expect(notes).toEqual([]);
    expect(groups.map((g) => g.name)).toEqual([
      "shop/availability: page-fast: burning 15.84x the budget after 6h of healthy traffic fires critical by 56m (workbook: 54.55m), not before 53m, and resolves 6m after it ends",
      "shop/availability: page-slow: burning 6.6x the budget after 6h of healthy traffic fires critical by 5h29m (workbook: 327.27m), not before 5h26m, and resolves 31m after it ends",
      "shop/availability: ticket-fast: burning 3.3x the budget after 3d of healthy traffic fires warning by 21h51m (workbook: 1309.09m), not before 21h48m, and resolves 6h1m after it ends",
      "shop/availability: ticket-slow: burning 1.1x the budget after 3d of healthy traffic fires warning by 2d17h29m (workbook: 3927.27m), not before 2d17h26m, and resolves 6h1m after it ends",
      "shop/availability: a 5m full outage after 6h of healthy traffic fires critical and warning during it, and nothing starts after it ends",
      "shop/availability: a 10m full outage after 6h of healthy traffic fires critical and warning during it, and nothing starts after it ends",
      "shop/availability: burning 0.5x the budget (half the slowest tier) fires nothing",
      "shop/availability: no SLI data fires SLINoData after 10m",
    ]);
  });

  it("take the firing time from the workbook, not from the rules", async () => {
    // 15.84x = 1.1 × 14.4: the 1h window crosses 14.4x after 60m / 1.1 =
    // 54.55m; rounded up to the next 1m evaluation (55m) plus one: 56m. One
    // whole evaluation before the crossing (53m), no page. With 6h of history
    // the ticket tiers' 1d and 3d windows are partly empty (as after a deploy),
    // so the workbook has the ticket trip too, and the test says so.
    const { groups } = await sloTests(modelFrom({ "slos/shop.yaml": SLO }).slos[0]!);
    const [before, at, resolved] = groups[0]!.alert_rule_test!;
    const severities = (c: typeof at) => c!.exp_alerts.map((a) => a.exp_labels.severity);
    expect([before!.eval_time, severities(before)]).toEqual(["6h53m", ["warning"]]);
    expect(at!.eval_time).toBe("6h56m");
    expect(severities(at)).toEqual(["critical", "warning"]);
    // $value is the burn rate over the long window as increase() reads it: 56 of the 59 minutes its samples span, at 15.84x.
    expect(at!.exp_alerts[0]!.exp_annotations.description).toMatch(/burning 15\.03x faster than sustainable/);
    // The incident ends at 6h56m; its 5m short window is empty 5 minutes later.
    expect([resolved!.eval_time, severities(resolved)]).toEqual(["7h2m", ["warning"]]);
  });

  // The generator's checks come from the workbook; the rules must meet them
  // whatever the user configured. Build, then run every generated group. At
  // 5m and 2m30s the evaluation is slower than any scrape: the input is still
  // sampled every minute or less (1m and 50s), as Prometheus would scrape it.
  const VARIANTS = `service: shop
team: shop
slos:
  - name: held
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
    alerting:
      tiers:
        page-fast: { for: 5m, keepFiringFor: 10m }
        page-slow: { for: 5m, keepFiringFor: 10m }
        ticket-fast: { for: 30m }
        ticket-slow: { for: 30m }
  - name: latency
    objective: 99
    period: 28d
    sli:
      latency:
        histogram: http_request_duration_seconds{job="shop"}
        threshold: 250ms
    alerting:
      minEvents: 500
  - name: native
    objective: 99.9
    sli:
      latency:
        nativeHistogram: rpc_duration_seconds{job="shop"}
        threshold: 300ms
    alerting:
      tiers:
        ticket-slow: false
  - name: orders
    objective: 99.5
    period: 7d
    sli:
      ratio:
        good: orders_total{status="ok"}
        total: orders_total
    alerting:
      tiers:
        ticket-slow: false
`;
  const SAMPLE_INTERVAL: Record<string, string> = { "1m": "1m", "30s": "30s", "5m": "1m", "2m30s": "50s" };
  for (const interval of ["1m", "30s", "5m", "2m30s"]) {
    it(`hold for every spec variant: for, keep_firing_for, 28d, minEvents, good ratios, latency (classic and native), at ${interval} evaluation`, { timeout: 120_000 }, async () => {
      const model = modelFrom({ "monac.yaml": `evaluationInterval: ${interval}\n${BASE_MONAC_YAML}`, "slos/shop.yaml": VARIANTS });
      const dir = mkdtempSync(path.join(tmpdir(), "monac-variants-"));
      try {
        writeArtifacts(dir, [...compileWorkspace(model, { dashboards: false }), ...(await ruleTestArtifacts(model))]);
        let groups = 0;
        for (const slo of ["held", "latency", "native", "orders"]) {
          const file = path.join(dir, `prometheus/tests/shop.${slo}.slo.test.yaml`);
          const text = readFileSync(file, "utf8");
          // Nothing where the engine disagrees with the workbook, and every tier generated.
          expect([interval, slo, text.split("\n").filter((l) => /WARNING|not generated/.test(l))]).toEqual([interval, slo, []]);
          expect(text).toContain(`\nevaluation_interval: ${interval}\n`);
          // Every group's input is scraped at most a minute apart (these SLOs have no no-data group, which has no input).
          const inputIntervals = new Set([...text.matchAll(/^ {4}interval: (\S+)$/gm)].map((m) => m[1]));
          expect([interval, slo, [...inputIntervals]]).toEqual([interval, slo, [SAMPLE_INTERVAL[interval]]]);
          const result = await runTestFile(file);
          const failed = result.groups.filter((g) => g.status !== "passed").map((g) => g.name);
          expect([interval, slo, failed, result.errors]).toEqual([interval, slo, [], []]);
          groups += result.groups.length;
        }
        expect(groups).toBeGreaterThanOrEqual(24);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("sample the input at most a minute apart, on every evaluation", () => {
    const MIN = 60_000;
    expect([MIN, 30_000, 5 * MIN, 150_000, 100_000, 75_000, 10_000].map(sampleIntervalMs)).toEqual([MIN, 30_000, MIN, 50_000, 50_000, 37_500, 10_000]);
  });

  it("at a 5m evaluation interval, fire and resolve by the 5m grid the workbook rounds to", async () => {
    // 54.55m rounded up to the next 5m evaluation (55m) plus one: 1h; one
    // whole evaluation before the crossing (49.55m), floored: 45m.
    const model = modelFrom({ "monac.yaml": `evaluationInterval: 5m\n${BASE_MONAC_YAML}`, "slos/shop.yaml": SLO });
    const { groups, notes } = await sloTests(model.slos[0]!);
    expect(notes).toEqual([]);
    expect(groups[0]!.name).toBe(
      "shop/availability: page-fast: burning 15.84x the budget after 6h of healthy traffic fires critical by 1h (workbook: 54.55m), not before 45m, and resolves 10m after it ends",
    );
    expect(groups[0]!.interval).toBe("1m");
    expect(groups[0]!.alert_rule_test!.map((c) => c.eval_time)).toEqual(["6h45m", "7h", "7h10m"]);
  });

  it("pass when two SLOs of one service read the same SLI", { timeout: 120_000 }, async () => {
    // Both SLOs' alerts are named ErrorBudgetBurn and see the same synthetic
    // traffic; each test loads only its own SLO's rule file, so the other
    // SLO's alerts cannot fire in it.
    const TWO = `service: shop
team: shop
slos:
  - name: strict
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
  - name: loose
    objective: 99
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
`;
    const model = modelFrom({ "slos/shop.yaml": TWO });
    const dir = mkdtempSync(path.join(tmpdir(), "monac-shared-sli-"));
    try {
      writeArtifacts(dir, [...compileWorkspace(model, { dashboards: false }), ...(await ruleTestArtifacts(model))]);
      for (const slo of ["strict", "loose"]) {
        const result = await runTestFile(path.join(dir, `prometheus/tests/shop.${slo}.slo.test.yaml`));
        expect([slo, result.groups.filter((g) => g.status !== "passed").map((g) => g.name), result.errors]).toEqual([slo, [], []]);
        expect(result.groups.length).toBeGreaterThanOrEqual(7);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("feed the errors selector and its complement in total", async () => {
    const { groups } = await sloTests(modelFrom({ "slos/shop.yaml": SLO }).slos[0]!);
    expect(groups[0]!.input_series.map((s) => s.series)).toEqual([
      'http_requests_total{code="500", job="shop"}',
      'http_requests_total{code="200", job="shop"}',
    ]);
  });

  it("explain what they cannot generate", async () => {
    const raw = SLO.replace(/ratio:\n.*\n.*\n/, "raw:\n        errorRatio: sum(rate(e[$window])) / sum(rate(t[$window]))\n").replace("      minEvents: 100\n", "");
    const { groups, notes } = await sloTests(modelFrom({ "slos/shop.yaml": raw }).slos[0]!);
    expect(groups).toEqual([]);
    expect(notes[0]).toMatch(/raw SLIs are arbitrary expressions/);
  });
});

const ALERTS = `service: shop
team: shop
alerts:
  - name: HighCpu
    expr: 100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))
    unit: percent
    warning: 80
    critical: 90
    for: 10m
  - name: LowHitRatio
    expr: sum(rate(hits_total[5m])) / (sum(rate(hits_total[5m])) + sum(rate(misses_total[5m])))
    direction: below
    unit: ratio
    warning: 0.9
    critical: 0.85
  - name: Down
    condition: up{job="shop"} == 0
    severity: critical
    for: 1m
`;

describe("generated threshold tests", () => {
  const model = modelFrom({ "alerts/shop.yaml": ALERTS });

  it("put the value just past each threshold and just inside", async () => {
    const { groups } = await thresholdTests(model.thresholds[0]!, 5 * 60_000);
    expect(groups.map((g) => [g.name, g.alert_rule_test![0]!.exp_alerts.map((a) => a.exp_labels.severity)])).toEqual([
      ["shop/HighCpu: 80.8333, just above warning (80), fires warning", ["warning"]],
      ["shop/HighCpu: 90.8333, just above critical (90), fires critical and warning", ["critical", "warning"]],
      ["shop/HighCpu: 80, just inside warning (80), fires nothing", []],
    ]);
    // rate() needs two samples (first value at 5m), then `for: 10m`.
    expect(groups.map((g) => g.alert_rule_test![0]!.eval_time)).toEqual(["15m", "15m", "15m"]);
  });

  it("solve non-linear expressions and the below direction", async () => {
    const { groups } = await thresholdTests(model.thresholds[1]!, 5 * 60_000);
    expect(groups.map((g) => g.alert_rule_test![0]!.exp_alerts.length)).toEqual([1, 2, 0]);
    expect(groups[0]!.name).toMatch(/just below warning \(0\.9\)/);
  });

  it("treat a comparison with a number as a threshold (for: 1m fires at the next 5m evaluation)", async () => {
    const { groups } = await thresholdTests(model.thresholds[2]!, 5 * 60_000);
    expect(groups.map((g) => g.name)).toEqual(["shop/Down: value 0 fires critical", "shop/Down: value 1 fires nothing"]);
    expect(groups[0]!.input_series).toEqual([{ series: 'up{instance="test-instance", job="shop"}', values: "0x5" }]);
  });
});

describe("synthetic series", () => {
  it("find values for the regular expressions label matchers use", () => {
    expect(regexSamples("5..")).toEqual(["500"]);
    expect(regexSamples("(5..|429)")).toEqual(["500"]);
    expect(regexSamples("tmpfs|overlay")).toEqual(["tmpfs", "overlay"]);
    expect(regexSamples("[45]\\d{2}")).toEqual(["400"]);
  });

  it("build the good-requests sibling of a failing series", () => {
    const errors = [
      { name: "__name__", op: "=", value: "x" },
      { name: "code", op: "=~", value: "5.." },
    ] as const;
    const total = [{ name: "__name__", op: "=", value: "x" }] as const;
    const bad = labelsMatching([...errors]);
    expect(bad).toEqual({ __name__: "x", code: "500" });
    expect(variantAvoiding(bad!, [...total], [...errors])).toEqual({ __name__: "x", code: "200" });
  });

  it("write counters in promtool's notation, continuous across segments", () => {
    const text = counterValues([
      { samples: 3, increment: 0 },
      { samples: 2, increment: 5 },
    ]);
    expect(text).toBe("0+0x3 5+5x1");
    expect(parseSequence(text).map((v) => (v.kind === "value" ? v.value : v.kind))).toEqual([0, 0, 0, 0, 5, 10]);
  });
});
