// The `instrumentation:` findings beyond the broken-spec corpus
// (test/fixtures/broken/16x-instrumentation-*.yaml): bounds compared as exact
// decimals, thresholds outside the buckets, and contracts spread over files.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkspace } from "../../src/compile/check.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { BASE_MONAC_YAML } from "../support/workspace.js";

const base = path.join(import.meta.dirname, "..", "fixtures", "base");
const ALERTS = readFileSync(path.join(base, "alerts", "shop.yaml"), "utf8");

function findings(files: Record<string, string>): string[] {
  const texts = Object.entries({ "monac.yaml": BASE_MONAC_YAML, "alerts/shop.yaml": ALERTS, ...files }).map(([rel, text]) => ({ rel, text }));
  return checkWorkspace(loadWorkspaceFromTexts(texts)).diagnostics.map(formatDiagnostic);
}

const latency = (threshold: string, buckets: string, service = "shop") => `service: ${service}
team: shop
slos:
  - name: latency
    objective: 99
    sli:
      latency:
        histogram: http_request_duration_seconds{job="shop"}
        threshold: ${threshold}
    instrumentation:
      buckets: ${buckets}
`;

describe("instrumentation findings", () => {
  it("a threshold is a bound when it is one exactly: 100ms is 0.1, 1s is 1.0, 0.3 is 300ms", () => {
    expect(findings({ "slos/shop.yaml": latency("100ms", "[0.05, 0.1, 0.25]") })).toEqual([]);
    expect(findings({ "slos/shop.yaml": latency("1s", "[0.5, 1.0, 2]") })).toEqual([]);
    expect(findings({ "slos/shop.yaml": latency("0.3", "[0.1, 0.3]") })).toEqual([]);
    expect(findings({ "slos/shop.yaml": latency("300ms", "[0.1, 0.3]") })).toEqual([]);
  });

  it("a threshold below the first bound or above the last", () => {
    expect(findings({ "slos/shop.yaml": latency("10ms", "[0.05, 0.1]") })).toEqual([
      "slos/shop.yaml:9:20: slos[0].sli.latency.threshold: threshold 10ms is not a bucket bound of the declared buckets [0.05, 0.1]: requests between 0 and 50ms cannot be told apart; add 0.01",
    ]);
    expect(findings({ "slos/shop.yaml": latency("2.5", "[0.5, 1]") })).toEqual([
      "slos/shop.yaml:9:20: slos[0].sli.latency.threshold: threshold 2.5 is not a bucket bound of the declared buckets [0.5, 1]: requests between 1s and +Inf cannot be told apart; add 2.5",
    ]);
  });

  it("bounds must be numbers greater than zero", () => {
    expect(findings({ "slos/shop.yaml": latency("100ms", "[0, 0.1]") })).toEqual([
      "slos/shop.yaml:11:17: slos[0].instrumentation.buckets[0]: bucket bounds must be greater than zero, got 0",
    ]);
  });

  it("SLOs of one service in two files must agree on the histogram's buckets", () => {
    expect(
      findings({
        "slos/shop.yaml": latency("100ms", "[0.1, 0.5]"),
        "slos/shop-more.yaml": latency("500ms", "[0.1, 0.25, 0.5]").replace("name: latency", "name: latency-slow"),
      }),
    ).toEqual([
      "slos/shop.yaml:11:16: slos[0].instrumentation.buckets: buckets [0.1, 0.5] for http_request_duration_seconds differ from [0.1, 0.25, 0.5] declared for it by SLO shop/latency-slow (slos/shop-more.yaml:11:16): a histogram has one set of buckets; declare the same list (with every SLO's threshold in it)",
    ]);
  });

  it("different services may give one metric name different buckets (one module each), not different types", () => {
    expect(findings({ "slos/shop.yaml": latency("100ms", "[0.1, 0.5]"), "slos/other.yaml": latency("1s", "[1, 2]", "other") })).toEqual([]);
    const gauge = `service: other
team: shop
slos:
  - name: up
    objective: 99
    sli:
      boolGauge: { metric: http_request_duration_seconds }
`;
    expect(findings({ "slos/shop.yaml": latency("100ms", "[0.1, 0.5]"), "slos/other.yaml": gauge })).toEqual([
      "slos/shop.yaml:8:20: slos[0].sli.latency.histogram: http_request_duration_seconds is read here as a histogram, but as a gauge by SLO other/up (slos/other.yaml:7:28): a metric has one type; read the histogram's _bucket or _count series, or another metric",
    ]);
  });
});
