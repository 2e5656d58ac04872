// The port of Pyrra's burn-rate rules (test/support/pyrra-rules.ts) against
// Pyrra's own expected outputs. The expectations below are transcribed from
// github.com/pyrra-dev/pyrra at commit
// 1ba95afbf90b2311cb9332b1633cf09218b7de9f: slo/rules_test.go,
// TestObjective_Burnrates cases "http-ratio", "http-ratio-grouping",
// "http-latency", "http-latency-native" and
// "prometheus-up-targets-grouping-regex" (recording rule expressions,
// windows, alert expressions, `for`, labels; not the pyrra_url annotation,
// which needs an external URL), TestObjective_BurnrateNames
// "http-latency-native", and Test_windows. The objectives are those of
// slo/promql_test.go (objectiveHTTPRatio, objectiveHTTPNativeLatency & co.),
// written here as the ServiceLevelObjective specs Pyrra converts to them.
import { describe, expect, it } from "vitest";
import { parseRuleFile } from "../../src/ruletest/index.js";
import {
  parsePyrraObjective,
  pyrraBurnrates,
  pyrraRuleFile,
  pyrraBurnrateName,
  pyrraWindows,
  type PyrraRule,
} from "../support/pyrra-rules.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const WINDOWS_28D = ["5m", "30m", "1h", "2h", "6h", "1d", "4d"];

function spec(name: string, target: string, indicator: string): string {
  return `apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: ${name}
spec:
  target: "${target}"
  window: 4w
  indicator:
${indicator}`;
}

interface Expected {
  metric: string;
  /** The 5m recording rule's expression; the others differ only in the range. */
  expr5m: string;
  recordLabels: Record<string, string>;
  alerts: Array<{ for: string; expr: string; labels: Record<string, string> }>;
}

function check(yaml: string, want: Expected): void {
  const group = pyrraBurnrates(parsePyrraObjective(yaml));
  expect(group.interval).toBe("30s");
  const records = group.rules.filter((r) => r.record !== undefined);
  expect(records.map((r) => r.record)).toEqual(WINDOWS_28D.map((w) => `${want.metric}:burnrate${w}`));
  records.forEach((r, i) => {
    expect(r.expr).toBe(want.expr5m.replaceAll("[5m]", `[${WINDOWS_28D[i]}]`));
    expect(r.labels).toEqual(want.recordLabels);
  });
  const alerts = group.rules.filter((r): r is PyrraRule & { alert: string } => r.alert !== undefined);
  expect(alerts.map((a) => ({ for: a.for, expr: a.expr, labels: a.labels }))).toEqual(want.alerts);
  for (const a of alerts) expect(a.alert).toBe("ErrorBudgetBurn");
  // The file parses as Prometheus rules.
  expect(parseRuleFile("pyrra.yaml", pyrraRuleFile(parsePyrraObjective(yaml)))[0]!.rules).toHaveLength(11);
}

/** The four alerts of a 28d objective, from the expected outputs' shape. */
function alerts28d(metric: string, matchers: string, target: string, base: Record<string, string>, forStyle: "go" | "model") {
  const tiers: Array<[string, string, string, number, string, string]> = [
    ["5m", "1h", "critical", 14, "2d", forStyle === "go" ? "2m0s" : "2m"],
    ["30m", "6h", "critical", 7, "4d", forStyle === "go" ? "15m0s" : "15m"],
    ["2h", "1d", "warning", 2, "2w", forStyle === "go" ? "1h0m0s" : "1h"],
    ["6h", "4d", "warning", 1, "4w", forStyle === "go" ? "3h0m0s" : "3h"],
  ];
  return tiers.map(([short, long, severity, factor, exhaustion, hold]) => ({
    for: hold,
    expr: `${metric}:burnrate${short}{${matchers}} > (${factor} * (1-${target})) and ${metric}:burnrate${long}{${matchers}} > (${factor} * (1-${target}))`,
    labels: { ...base, severity, short, long, exhaustion },
  }));
}

describe("Pyrra's burn-rate rules, ported (test/support/pyrra-rules.ts)", () => {
  it("Windows(28d) as in Test_windows", () => {
    expect(pyrraWindows(28 * DAY)).toEqual([
      { severity: "critical", forMs: 2 * MIN, longMs: HOUR, shortMs: 5 * MIN, factor: 14 },
      { severity: "critical", forMs: 15 * MIN, longMs: 6 * HOUR, shortMs: 30 * MIN, factor: 7 },
      { severity: "warning", forMs: HOUR, longMs: DAY, shortMs: 2 * HOUR, factor: 2 },
      { severity: "warning", forMs: 3 * HOUR, longMs: 4 * DAY, shortMs: 6 * HOUR, factor: 1 },
    ]);
  });

  it("Windows(7d): Go's integer division and Round(1m), halfway away from zero (derived by hand, not in Pyrra's tests)", () => {
    // 7d/20160 = 30s -> 1m; 7d/8064 = 75s -> 1m; 7d/2688 = 225s -> 4m; 7d/1344 = 450s -> 8m.
    expect(pyrraWindows(7 * DAY)).toEqual([
      { severity: "critical", forMs: MIN, longMs: 15 * MIN, shortMs: MIN, factor: 14 },
      { severity: "critical", forMs: 4 * MIN, longMs: 90 * MIN, shortMs: 8 * MIN, factor: 7 },
      { severity: "warning", forMs: 15 * MIN, longMs: 6 * HOUR, shortMs: 30 * MIN, factor: 2 },
      { severity: "warning", forMs: 45 * MIN, longMs: DAY, shortMs: 90 * MIN, factor: 1 },
    ]);
  });

  it('TestObjective_Burnrates "http-ratio"', () => {
    const yaml = spec("monitoring-http-errors", "99", `    ratio:
      errors:
        metric: http_requests_total{job="thanos-receive-default",code=~"5.."}
      total:
        metric: http_requests_total{job="thanos-receive-default"}
`);
    check(yaml, {
      metric: "http_requests",
      expr5m: 'sum(rate(http_requests_total{code=~"5..",job="thanos-receive-default"}[5m])) / sum(rate(http_requests_total{job="thanos-receive-default"}[5m]))',
      recordLabels: { job: "thanos-receive-default", slo: "monitoring-http-errors" },
      alerts: alerts28d("http_requests", 'job="thanos-receive-default",slo="monitoring-http-errors"', "0.99", { job: "thanos-receive-default", slo: "monitoring-http-errors" }, "go"),
    });
  });

  it('TestObjective_Burnrates "http-ratio-grouping"', () => {
    const yaml = spec("monitoring-http-errors", "99", `    ratio:
      errors:
        metric: http_requests_total{job="thanos-receive-default",code=~"5.."}
      total:
        metric: http_requests_total{job="thanos-receive-default"}
      grouping: [job, handler]
`);
    check(yaml, {
      metric: "http_requests",
      expr5m:
        'sum by (handler, job) (rate(http_requests_total{code=~"5..",job="thanos-receive-default"}[5m])) / sum by (handler, job) (rate(http_requests_total{job="thanos-receive-default"}[5m]))',
      recordLabels: { slo: "monitoring-http-errors" },
      // The grouped job stays in the alert's selector but not in its labels.
      alerts: alerts28d("http_requests", 'job="thanos-receive-default",slo="monitoring-http-errors"', "0.99", { slo: "monitoring-http-errors" }, "go"),
    });
  });

  it('TestObjective_Burnrates "http-latency"', () => {
    const yaml = spec("monitoring-http-latency", "99.5", `    latency:
      success:
        metric: http_request_duration_seconds_bucket{job="metrics-service-thanos-receive-default",code=~"2..",le="1"}
      total:
        metric: http_request_duration_seconds_count{job="metrics-service-thanos-receive-default",code=~"2.."}
`);
    check(yaml, {
      metric: "http_request_duration_seconds",
      expr5m:
        '(sum(rate(http_request_duration_seconds_count{code=~"2..",job="metrics-service-thanos-receive-default"}[5m])) - sum(rate(http_request_duration_seconds_bucket{code=~"2..",job="metrics-service-thanos-receive-default",le="1"}[5m]))) / sum(rate(http_request_duration_seconds_count{code=~"2..",job="metrics-service-thanos-receive-default"}[5m]))',
      recordLabels: { job: "metrics-service-thanos-receive-default", slo: "monitoring-http-latency" },
      alerts: alerts28d(
        "http_request_duration_seconds",
        'job="metrics-service-thanos-receive-default",slo="monitoring-http-latency"',
        "0.995",
        { job: "metrics-service-thanos-receive-default", slo: "monitoring-http-latency" },
        "model",
      ),
    });
  });

  it('TestObjective_Burnrates "prometheus-up-targets-grouping-regex" (bool_gauge)', () => {
    const yaml = spec("up-targets", "99", `    bool_gauge:
      metric: up{instance!~"(127.0.0.1|localhost).*"}
      grouping: [job, instance]
`);
    check(yaml, {
      metric: "up",
      expr5m:
        '(sum by (instance, job) (count_over_time(up{instance!~"(127.0.0.1|localhost).*"}[5m])) - sum by (instance, job) (sum_over_time(up{instance!~"(127.0.0.1|localhost).*"}[5m]))) / sum by (instance, job) (count_over_time(up{instance!~"(127.0.0.1|localhost).*"}[5m]))',
      recordLabels: { slo: "up-targets" },
      // A regex matcher on a grouped label is kept in the alerts' selector.
      alerts: alerts28d("up", 'instance!~"(127.0.0.1|localhost).*",slo="up-targets"', "0.99", { slo: "up-targets" }, "model"),
    });
  });

  it('TestObjective_Burnrates "http-latency-native" (objectiveHTTPNativeLatency: latency 1s, no grouping)', () => {
    const yaml = spec("monitoring-http-latency", "99.5", `    latencyNative:
      latency: 1s
      total:
        metric: http_request_duration_seconds{job="metrics-service-thanos-receive-default",code=~"2.."}
`);
    check(yaml, {
      metric: "http_request_duration_seconds",
      expr5m: '1 - histogram_fraction(0, 1, sum(rate(http_request_duration_seconds{code=~"2..",job="metrics-service-thanos-receive-default"}[5m])))',
      recordLabels: { job: "metrics-service-thanos-receive-default", slo: "monitoring-http-latency" },
      alerts: alerts28d(
        "http_request_duration_seconds",
        'job="metrics-service-thanos-receive-default",slo="monitoring-http-latency"',
        "0.995",
        { job: "metrics-service-thanos-receive-default", slo: "monitoring-http-latency" },
        "model",
      ),
    });
    // TestObjective_BurnrateNames "http-latency-native".
    expect(pyrraBurnrateName(parsePyrraObjective(yaml), 5 * MIN)).toBe("http_request_duration_seconds:burnrate5m");
  });

  it("latencyNative with grouping and a sub-second latency (derived by hand from Burnrate's template, not in Pyrra's tests)", () => {
    // `1 - histogram_fraction(0,0.696969, sum by (grouping) (rate(metric{matchers="total"}[1s])))` with
    // the grouping sorted, 0.696969 replaced by time.Duration(200ms).Seconds() printed as FormatFloat 'f', -1;
    // the grouped labels leave the records' labels, as for the other indicators.
    const yaml = spec("connect", "99", `    latencyNative:
      latency: 200ms
      total:
        metric: connect_server_requests_duration_seconds{job="pyrra",code="ok"}
      grouping: [service, method]
`);
    const group = pyrraBurnrates(parsePyrraObjective(yaml));
    expect(group.rules[0]).toEqual({
      record: "connect_server_requests_duration_seconds:burnrate5m",
      expr: '1 - histogram_fraction(0, 0.2, sum by (method, service) (rate(connect_server_requests_duration_seconds{code="ok",job="pyrra"}[5m])))',
      labels: { code: "ok", job: "pyrra", slo: "connect" },
    });
    expect(group.rules.filter((r) => r.alert !== undefined).map((r) => r.for)).toEqual(["2m", "15m", "1h", "3h"]);
  });
});
