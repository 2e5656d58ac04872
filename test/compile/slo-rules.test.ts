// SLO compile: goldens show the exact rules; the assertions pin the semantics
// a reviewer should not have to re-derive from the golden.
import { describe, expect, it } from "vitest";
import { burnRateAlerts, leMatcher, sloRuleGroup, SLO_METRICS } from "../../src/compile/slo-rules.js";
import { toYaml, isAlertingRule } from "../../src/compile/rules.js";
import { Decimal } from "../../src/spec/decimal.js";
import { modelFrom } from "../support/workspace.js";

const sloFile = (slo: string, header = "service: shop\nteam: shop\n") => ({ "slos/shop.yaml": `${header}slos:\n${slo}` });

const CASES: Record<string, string> = {
  "ratio-errors": `
  - name: availability
    description: Requests served without a 5xx.
    objective: 99.95
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
    alerting:
      runbook: https://runbooks.example.com/shop
      minEvents: 100
      noData: { for: 10m }
`,
  "ratio-good": `
  - name: payments
    objective: 99.5
    sli:
      ratio:
        good: payment_total{status="ok"}
        total: payment_total
    alerting:
      name: PaymentBudgetBurn
      labels: { channel: payments }
`,
  latency: `
  - name: latency
    objective: 99
    sli:
      latency:
        histogram: http_request_duration_seconds_bucket{job="shop"}
        threshold: 300ms
`,
  "bool-gauge": `
  - name: probe
    objective: 99.9
    sli:
      boolGauge:
        metric: probe_success{job="blackbox"}
`,
  "raw-28d-custom-tiers": `
  - name: custom
    objective: 99.5
    period: 28d
    sli:
      raw:
        errorRatio: sum(rate(errors_total[$window])) / sum(rate(requests_total[$window]))
    alerting:
      noData: { for: 30m, severity: critical }
      tiers:
        page-fast: { for: 0s, severity: warning }
        page-slow: { budgetPercent: 4, longWindow: 4h, shortWindow: 20m }
        ticket-slow: false
`,
};

describe("sloRuleGroup goldens", () => {
  it.each(Object.keys(CASES))("%s", async (name) => {
    const model = modelFrom(sloFile(CASES[name]!));
    await expect(toYaml(sloRuleGroup(model.slos[0]!))).toMatchFileSnapshot(`golden/slo-${name}.yaml`);
  });
});

describe("SLO rule semantics", () => {
  it("alerts on each tier at factor × budget, printed exactly", () => {
    const slo = modelFrom(sloFile(CASES["ratio-errors"]!)).slos[0]!;
    const alerts = burnRateAlerts(slo);
    expect(alerts.map((a) => [a.labels.tier, a.labels.severity, a.for])).toEqual([
      ["page-fast", "critical", "2m"],
      ["page-slow", "critical", "15m"],
      ["ticket-fast", "warning", "1h"],
      ["ticket-slow", "warning", "3h"],
    ]);
    const thresholds = alerts.map((a) => [...a.expr.matchAll(/> ([\d.]+)/g)].map((m) => m[1]));
    // 0.05% budget × 14.4, 6, 3, 1 — both windows of a tier share the threshold.
    expect(thresholds).toEqual([
      ["0.0072", "0.0072"],
      ["0.003", "0.003"],
      ["0.0015", "0.0015"],
      ["0.0005", "0.0005"],
    ]);
  });

  it("derives 28-day factors from the budget share", () => {
    const slo = modelFrom(sloFile(CASES["raw-28d-custom-tiers"]!)).slos[0]!;
    expect(slo.alerting.tiers.map((t) => [t.name, t.factor.toString()])).toEqual([
      ["page-fast", "13.44"], // 2% × 28d / 1h
      ["page-slow", "6.72"], // 4% × 28d / 4h
      ["ticket-fast", "2.8"], // 10% × 28d / 1d
    ]);
  });

  it("computes every window and the period from recorded counts, never averaging ratios", () => {
    const group = sloRuleGroup(modelFrom(sloFile(CASES["ratio-errors"]!)).slos[0]!);
    const ratioRules = group.rules.filter((r) => !isAlertingRule(r) && /^slo:sli_error:ratio_(rate(?!5m)|period)/.test(r.record));
    expect(ratioRules.length).toBe(7); // 30m 1h 2h 6h 1d 3d + period
    for (const rule of ratioRules) {
      expect(rule.expr).toMatch(/^sum_over_time\(slo:sli_errors:increase5m\{[^}]+\}\[\w+\]\)\n\/\nsum_over_time\(slo:sli_total:increase5m\{[^}]+\}\[\w+\]\)$/);
      expect(rule.expr).not.toMatch(/avg_over_time/);
    }
  });

  it("identifies recorded series by service and slo only", () => {
    const group = sloRuleGroup(modelFrom(sloFile(CASES["ratio-good"]!)).slos[0]!);
    for (const rule of group.rules) {
      if (isAlertingRule(rule) || rule.record === SLO_METRICS.info) continue;
      expect(rule.labels).toEqual({ service: "shop", slo: "payments" });
    }
  });

  it("disables all alerts but keeps the SLI when alerting is off", () => {
    const group = sloRuleGroup(
      modelFrom(sloFile(CASES["ratio-good"]!.replace("      name: PaymentBudgetBurn", "      enabled: false"))).slos[0]!,
    );
    expect(group.rules.filter(isAlertingRule)).toEqual([]);
    expect(group.rules.some((r) => !isAlertingRule(r) && r.record === SLO_METRICS.budgetRemaining)).toBe(true);
  });
});

describe("latency bucket matching", () => {
  const matches = (seconds: string, le: string) => new RegExp(`^(?:${leMatcher(Decimal.of(seconds)).value})$`).test(le);

  it("accepts every spelling of the bucket bound, as Prometheus 2 and 3 write it", () => {
    for (const le of ["0.3", "0.30", "0.300"]) expect(matches("0.3", le), le).toBe(true);
    for (const le of ["1", "1.0", "1.00"]) expect(matches("1", le), le).toBe(true);
    for (const le of ["2.5", "2.50"]) expect(matches("2.5", le), le).toBe(true);
  });

  it("rejects other buckets", () => {
    for (const le of ["0.03", "0.35", "3", "0.31", "+Inf"]) expect(matches("0.3", le), le).toBe(false);
    for (const le of ["10", "1.5", "0.1", "11.0"]) expect(matches("1", le), le).toBe(false);
  });
});
