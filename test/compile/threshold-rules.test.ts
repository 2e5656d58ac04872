import { describe, expect, it } from "vitest";
import { thresholdAlertRules, thresholdRuleGroup } from "../../src/compile/threshold-rules.js";
import { thresholdCondition } from "../../src/workspace/threshold-expr.js";
import { toYaml } from "../../src/compile/rules.js";
import { modelFrom } from "../support/workspace.js";

const ALERTS = `service: shop
team: shop
labels: { component: web }
alerts:
  - name: HighCpu
    expr: 100 * avg by (instance) (rate(process_cpu_seconds_total[5m]))
    unit: percent
    warning: 80
    critical: { value: 90, for: 5m }
    for: 15m
    summary: "CPU at {{ $value | printf \\"%.1f\\" }}% (threshold {{ $threshold }})"
    runbook: https://runbooks.example.com/cpu
  - name: LowHitRatio
    expr: cache_hits_ratio
    direction: below
    unit: ratio
    warning: 0.9
    critical: 0.85
  - name: CertExpiry
    expr: probe_ssl_earliest_cert_expiry - time()
    direction: below
    unit: seconds
    warning: 30d
    critical: 7d
    keepFiringFor: 10m
  - name: Down
    condition: up{job="shop"} == 0
    severity: critical
    for: 1m
`;

describe("threshold rules", () => {
  const model = modelFrom({ "alerts/shop.yaml": ALERTS });

  it("matches the golden", async () => {
    await expect(toYaml(thresholdRuleGroup("shop", model.thresholds))).toMatchFileSnapshot("golden/thresholds.yaml");
  });

  it("emits critical before warning, sharing name and labels but severity", () => {
    const [critical, warning] = thresholdAlertRules(model.thresholds[0]!);
    expect([critical!.labels.severity, warning!.labels.severity]).toEqual(["critical", "warning"]);
    const { severity: _c, ...criticalRest } = critical!.labels;
    const { severity: _w, ...warningRest } = warning!.labels;
    expect(criticalRest).toEqual(warningRest);
    expect(critical!.for).toBe("5m"); // per-level override
    expect(warning!.for).toBe("15m");
    expect(critical!.annotations.summary).toBe('CPU at {{ $value | printf "%.1f" }}% (threshold 90%)');
  });

  it("turns duration thresholds into seconds and keeps their human form in the summary", () => {
    const [critical, warning] = thresholdAlertRules(model.thresholds[2]!);
    expect(warning!.expr).toBe("(probe_ssl_earliest_cert_expiry - time()) < 2592000");
    expect(critical!.expr).toBe("(probe_ssl_earliest_cert_expiry - time()) < 604800");
    expect(critical!.annotations.summary).toContain("threshold of 7d");
    expect(critical!.keep_firing_for).toBe("10m");
  });

  it("parenthesises only binary value expressions", () => {
    expect(thresholdCondition("a / b", "above", "1")).toBe("(a / b) > 1");
    expect(thresholdCondition("rate(x[5m])", "below", "0.5")).toBe("rate(x[5m]) < 0.5");
    expect(thresholdCondition("sum by (job) (x)", "above", "2")).toBe("sum by (job) (x) > 2");
  });
});
