// SLO compile: goldens show the exact rules; the assertions pin the semantics
// a reviewer should not have to re-derive from the golden.
import { describe, expect, it } from "vitest";
import { burnRateAlerts, hasSloAlerts, leMatcher, noDataAlerts, sloRuleGroup, SLO_METRICS } from "../../src/compile/slo-rules.js";
import { toYaml, isAlertingRule } from "../../src/compile/rules.js";
import { Decimal } from "../../src/workspace/decimal.js";
import { BASE_MONAC_YAML, modelFrom } from "../support/workspace.js";

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
  it("says whether an SLO has alerts exactly when building them gives some", () => {
    const off = "    alerting:\n      enabled: false\n";
    const noTiers = "    alerting:\n      noData: NODATA\n      tiers: { page-fast: false, page-slow: false, ticket-fast: false, ticket-slow: false }\n";
    const base = "  - name: x\n    objective: 99.9\n    sli:\n      boolGauge:\n        metric: up\n";
    const specs = [...Object.values(CASES), base + off, base + noTiers.replace("NODATA", "false"), base + noTiers.replace("NODATA", "{ for: 5m }")];
    const seen = new Set<boolean>();
    for (const spec of specs) {
      const slo = modelFrom(sloFile(spec)).slos[0]!;
      const has = burnRateAlerts(slo).length + noDataAlerts(slo).length > 0;
      expect(hasSloAlerts(slo), spec).toBe(has);
      seen.add(has);
    }
    expect([...seen].sort()).toEqual([false, true]);
  });

  it("alerts once per severity, each tier's burn rate against its factor, printed exactly", () => {
    const slo = modelFrom(sloFile(CASES["ratio-errors"]!)).slos[0]!;
    const alerts = burnRateAlerts(slo);
    // One alert per severity: one incident is one page and one ticket, and no `for` by default.
    expect(alerts.map((a) => [a.labels.severity, a.labels.tier, a.for])).toEqual([
      ["critical", undefined, undefined],
      ["warning", undefined, undefined],
    ]);
    const branches = alerts.map((a) => a.expr.split("\nor\n").map((b) => [...b.matchAll(/ \/ ([\d.]+) > ([\d.]+)/g)].map((m) => `${m[1]}:${m[2]}`)));
    // Burn rate = window ratio / 0.05% budget, over 14.4, 6, 3, 1 — both windows of a tier share the factor.
    expect(branches).toEqual([
      [["0.0005:14.4", "0.0005:14.4"], ["0.0005:6", "0.0005:6"]],
      [["0.0005:3", "0.0005:3"], ["0.0005:1", "0.0005:1"]],
    ]);
  });

  it("keeps a `for` a user sets, and rejects tiers of one alert that disagree", () => {
    const withFor = CASES["ratio-errors"]!.replace("      noData: { for: 10m }\n", "      tiers:\n        page-fast: { for: 2m }\n        page-slow: { for: 2m, keepFiringFor: 10m }\n");
    expect(() => modelFrom(sloFile(withFor))).toThrow(/must share keepFiringFor: page-fast none, page-slow 10m/);
    const agreed = withFor.replace("page-fast: { for: 2m }", "page-fast: { for: 2m, keepFiringFor: 10m }");
    const [page] = burnRateAlerts(modelFrom(sloFile(agreed)).slos[0]!);
    expect([page!.for, page!.keep_firing_for]).toEqual(["2m", "10m"]);
  });

  it("derives 28-day factors from the budget share", () => {
    const slo = modelFrom(sloFile(CASES["raw-28d-custom-tiers"]!)).slos[0]!;
    expect(slo.alerting.tiers.map((t) => [t.name, t.factor.toString()])).toEqual([
      ["page-fast", "13.44"], // 2% × 28d / 1h
      ["page-slow", "6.72"], // 4% × 28d / 4h
      ["ticket-fast", "2.8"], // 10% × 28d / 1d
    ]);
  });

  it("reads windows under a day from the raw counters, longer ones from de-lagged counts, never averaging ratios", () => {
    const group = sloRuleGroup(modelFrom(sloFile(CASES["ratio-errors"]!)).slos[0]!);
    const expr = (record: string) => group.rules.find((r) => !isAlertingRule(r) && r.record === record)!.expr;
    for (const w of ["30m", "1h", "2h", "6h"]) {
      expect(expr(`slo:sli_error:ratio_rate${w}`)).toBe(
        `(sum(increase(http_requests_total{job="shop", code=~"5.."}[${w}])) or vector(0))\n/\nsum(increase(http_requests_total{job="shop"}[${w}]))`,
      );
    }
    for (const w of ["1d", "3d"]) {
      expect(expr(`slo:sli_error:ratio_rate${w}`)).toMatch(new RegExp(`^sum_over_time\\(slo:sli_errors:increase1m\\{[^}]+\\}\\[${w}\\]\\)\n/\nsum_over_time\\(slo:sli_total:increase1m\\{[^}]+\\}\\[${w}\\]\\)$`));
    }
    // The period: non-overlapping 5m counts, one every 5m.
    expect(expr("slo:sli_error:ratio_period")).toMatch(/^sum_over_time\(slo:sli_errors:increase5m\{[^}]+\}\[30d:5m\]\)\n\/\nsum_over_time\(slo:sli_total:increase5m\{[^}]+\}\[30d:5m\]\)$/);
    for (const rule of group.rules) expect(rule.expr).not.toMatch(/avg_over_time/);
    expect(group.interval).toBe("1m");
  });

  it("de-lags the per-interval counts for the evaluation interval", () => {
    const model = modelFrom({ "monac.yaml": `evaluationInterval: 30s\n${BASE_MONAC_YAML}`, ...sloFile(CASES["ratio-errors"]!) });
    const group = sloRuleGroup(model.slos[0]!);
    const rule = group.rules.find((r) => !isAlertingRule(r) && r.record === "slo:sli_errors:increase30s")!;
    // ((m+1)·C5 − (m−1)·C5 one interval back) / 2m with m = 10.
    expect(rule.expr).toMatch(/^\(\n  11 \* slo:sli_errors:increase5m\{[^}]+\}\n  -\n  9 \* \(slo:sli_errors:increase5m\{[^}]+\} offset 30s or 0 \* slo:sli_errors:increase5m\{[^}]+\}\)\n\)\n\/ 20$/);
    expect(group.interval).toBe("30s");
  });

  it("telescopes: the de-lagged counts of a steady rate sum to the events of any window", () => {
    // D = ((m+1)·C5(T) − (m−1)·C5(T−i)) / 2m: in steady state C5 is constant, D = C5 / m.
    for (const m of [1, 2, 5, 10, 20]) {
      const c5 = 300;
      const d = ((m + 1) * c5 - (m - 1) * c5) / (2 * m);
      expect(d * m).toBe(c5);
    }
  });

  it("reads only series its group records (raw SLI, page-fast off, no data)", () => {
    // Regression: a raw SLI's no-data alert watched the 5m ratio, recorded only
    // when a tier uses 5m; with page-fast disabled SLINoData fired forever.
    const raw = CASES["raw-28d-custom-tiers"]!.replace("        page-fast: { for: 0s, severity: warning }\n", "        page-fast: false\n");
    for (const spec of [raw, CASES["ratio-errors"]!, CASES["latency"]!, CASES["bool-gauge"]!, CASES["ratio-good"]!]) {
      const group = sloRuleGroup(modelFrom(sloFile(spec)).slos[0]!);
      const recorded = new Set(group.rules.flatMap((r) => (isAlertingRule(r) ? [] : [r.record])));
      for (const rule of group.rules) {
        for (const [read] of rule.expr.matchAll(/slo:[a-z_0-9]+:[a-z_0-9]+/g)) expect(recorded.has(read), `${"alert" in rule ? rule.alert : rule.record} reads ${read}`).toBe(true);
      }
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
