// Specs that are valid must compile to rules that mean what was written.
// Each case here was once accepted with another meaning; each is checked by
// evaluating the compiled rules, not by reading them.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { runTestFile } from "../../src/ruletest/index.js";
import { modelFrom, writeArtifacts } from "../support/workspace.js";

/** Compiles the specs, writes a promtool test next to the rules and runs it on monac's engine. */
async function runAgainstRules(specs: Record<string, string>, ruleFile: string, test: string) {
  const model = modelFrom(specs);
  const dir = mkdtempSync(path.join(tmpdir(), "monac-meaning-"));
  try {
    writeArtifacts(dir, compileWorkspace(model, { dashboards: false }));
    const testPath = path.join(dir, "prometheus", "tests", "meaning.test.yaml");
    mkdirSync(path.dirname(testPath), { recursive: true });
    writeFileSync(testPath, `rule_files: [../rules/${ruleFile}]\nevaluation_interval: 1m\ntests:\n${test}`);
    const result = await runTestFile(testPath);
    return { failed: result.groups.filter((g) => g.status !== "passed").map((g) => g.name), errors: result.errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("an accepted spec means what it says", () => {
  it("a comment at the end of a threshold expr does not comment out the comparison", async () => {
    const alerts = `service: shop
team: shop
alerts:
  - name: HighCpu
    expr: 100 * avg(rate(process_cpu_seconds_total{job="shop"}[5m]))  # CPU percent
    unit: percent
    critical: 90
  - name: Down
    condition: |
      up{job="shop"} == 0  # scrape failed
      # and nothing else
    severity: critical
`;
    // 0.5 CPU-seconds per second is 50%: under 90, so HighCpu must stay quiet; up is 1.
    const test = `  - interval: 1m
    input_series:
      - series: process_cpu_seconds_total{job="shop"}
        values: 0+30x20
      - series: up{job="shop"}
        values: 1x20
    alert_rule_test:
      - { eval_time: 15m, alertname: HighCpu, exp_alerts: [] }
      - { eval_time: 15m, alertname: Down, exp_alerts: [] }
`;
    expect(await runAgainstRules({ "alerts/shop.yaml": alerts }, "shop.alerts.rules.yaml", test)).toEqual({ failed: [], errors: [] });
  });

  it("comments in SLI expressions are dropped, not embedded", () => {
    const slos = `service: shop
team: shop
slos:
  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}  # server errors
        total: |
          sum(increase(http_requests_total{job="shop"}[$window]))  # all requests, "#" in a comment
`;
    const rules = compileWorkspace(modelFrom({ "slos/shop.yaml": slos }), { dashboards: false }).find((a) => a.path.endsWith("shop.availability.slo.rules.yaml"))!;
    expect(rules.content.split("\n").filter((l) => !l.startsWith("#")).join("\n")).not.toContain("#");
  });

  it("a '#' inside a label value is not a comment", async () => {
    const alerts = `service: shop
team: shop
alerts:
  - name: QueueDeep
    expr: queue_depth{queue="#orders"}
    critical: 100
    summary: "queue {{ $labels.queue }} at {{ $value }}"
`;
    const test = `  - interval: 1m
    input_series:
      - series: queue_depth{queue="#orders"}
        values: 500x10
    alert_rule_test:
      - eval_time: 5m
        alertname: QueueDeep
        exp_alerts:
          - exp_labels: { queue: "#orders", service: shop, team: shop, severity: critical }
            exp_annotations: { summary: "queue #orders at 500" }
`;
    const r = await runAgainstRules({ "alerts/shop.yaml": alerts }, "shop.alerts.rules.yaml", test);
    expect(r.errors).toEqual([]);
    expect(r.failed).toEqual([]);
  });

  it("a latency threshold in seconds is the same SLO as the duration", () => {
    const slo = (threshold: string) => `service: shop
team: shop
slos:
  - name: latency
    objective: 99
    sli:
      latency:
        histogram: http_request_duration_seconds{job="shop"}
        threshold: ${threshold}
`;
    const rules = (threshold: string) => compileWorkspace(modelFrom({ "slos/shop.yaml": slo(threshold) }), { dashboards: false }).map((a) => a.content);
    expect(rules("0.3")).toEqual(rules("300ms"));
    expect(rules("1")).toEqual(rules("1s"));
  });
});
