// The instrumentation contract derived from inline specs: which metrics a
// service's SLIs and threshold alerts read, as what, with which labels and buckets.
import { describe, expect, it } from "vitest";
import { deriveContract, deriveContracts, parseBound, PROM_CLIENT_DEFAULT_BUCKETS } from "../../src/instrument/contract.js";
import { modelFrom } from "../support/workspace.js";

const slos = (body: string) => `service: shop\nteam: shop\nslos:\n${body}`;
const NO_ALERTS = "service: shop\nteam: shop\nalerts:\n  - name: Up\n    condition: up == 0\n    severity: critical\n";

describe("deriveContract", () => {
  it("reads a ratio SLI's counters and a latency SLI's histogram; labels are the matched ones minus job and instance", () => {
    const model = modelFrom({
      "alerts/shop.yaml": NO_ALERTS,
      "slos/shop.yaml": slos(`  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop", instance=~".+", code=~"5.."}
        total: http_requests_total{job="shop", route!="/healthz"}
  - name: latency
    objective: 99
    sli:
      latency:
        histogram: http_request_duration_seconds{job="shop", route="/checkout"}
        threshold: 300ms
`),
    });
    const c = deriveContract(model, "shop");
    expect(c.service).toBe("shop");
    expect(c.metrics).toEqual([
      {
        name: "http_request_duration_seconds",
        type: "histogram",
        help: "Histogram (seconds) read by shop/latency.",
        labels: ["route"],
        // prom-client's defaults plus the threshold, sorted.
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10],
        readBy: ["slos/shop.yaml slos[1] (shop/latency)"],
      },
      {
        name: "http_requests_total",
        type: "counter",
        help: "Counter read by shop/availability.",
        labels: ["code", "route"],
        readBy: ["slos/shop.yaml slos[0] (shop/availability)"],
      },
    ]);
  });

  it("uses declared buckets, labels and help, and adds every SLO's threshold on the histogram exactly once", () => {
    const model = modelFrom({
      "alerts/shop.yaml": NO_ALERTS,
      "slos/shop.yaml": slos(`  - name: fast
    objective: 95
    sli:
      latency:
        histogram: rpc_duration_seconds{job="shop"}
        threshold: 100ms
    instrumentation:
      buckets: [0.1, 0.5, 1]
      labels: [method, code]
      help: RPC latency.
  - name: slow
    objective: 99
    sli:
      latency:
        histogram: rpc_duration_seconds{job="shop", method="Get"}
        threshold: 0.75
  - name: also-fast
    objective: 95
    sli:
      latency:
        histogram: rpc_duration_seconds_bucket{job="shop"}
        threshold: 0.1
`),
    });
    const [m] = deriveContract(model, "shop").metrics;
    expect(m).toMatchObject({ name: "rpc_duration_seconds", type: "histogram", help: "RPC latency.", labels: ["method", "code"], buckets: [0.1, 0.5, 0.75, 1] });
    expect(m!.readBy).toHaveLength(3);
  });

  it("adds the service's threshold alerts: _bucket selectors are histograms, selectors under rate()/increase() counters, nothing else", () => {
    const model = modelFrom({
      "slos/shop.yaml": slos(`  - name: availability
    objective: 99.9
    sli:
      ratio:
        good: orders_total{job="shop", status="ok"}
        total: orders_total{job="shop"}
`),
      "alerts/shop.yaml": `service: shop
team: shop
alerts:
  - name: SlowCheckout
    expr: histogram_quantile(0.99, sum by (le) (rate(checkout_duration_seconds_bucket{job="shop", step="pay"}[5m])))
    unit: seconds
    warning: 2s
  - name: Retries
    expr: sum(increase(payment_retries_total{job="shop"}[1h]))
    warning: 10
  - name: QueueDepth
    expr: max(queue_depth{job="shop"})
    warning: 100
  - name: Down
    condition: up{job="shop"} == 0
    severity: critical
`,
      "slos/other.yaml": `service: other
team: shop
slos:
  - name: x
    objective: 99
    sli:
      ratio: { errors: other_errors_total, total: other_total }
`,
    });
    const c = deriveContract(model, "shop");
    expect(c.metrics.map((m) => [m.name, m.type, m.labels])).toEqual([
      ["checkout_duration_seconds", "histogram", ["step"]],
      ["orders_total", "counter", ["status"]],
      ["payment_retries_total", "counter", []],
    ]);
    // No SLO threshold on that histogram: prom-client's defaults.
    expect(c.metrics[0]!.buckets).toEqual(PROM_CLIENT_DEFAULT_BUCKETS);
    expect(c.metrics[0]!.readBy).toEqual(["alerts/shop.yaml alerts[0] (SlowCheckout)"]);
    expect(deriveContracts(model).map((x) => x.service)).toEqual(["other", "shop"]);
  });

  it("a boolGauge is a gauge with a note; a histogram's _count read as a counter is the histogram's; raw SLIs declare nothing", () => {
    const model = modelFrom({
      "alerts/shop.yaml": NO_ALERTS,
      "slos/shop.yaml": slos(`  - name: up
    objective: 99
    sli:
      boolGauge:
        metric: shop_healthy{job="shop", region="eu"}
  - name: latency
    objective: 99
    sli:
      latency:
        histogram: req_seconds{job="shop"}
        threshold: 1s
  - name: served
    objective: 99
    sli:
      ratio:
        errors: req_seconds_bucket{job="shop", le="0.5", code="500"}
        total: req_seconds_count{job="shop"}
`),
      "slos/raw.yaml": `service: raw
team: shop
slos:
  - name: r
    objective: 99
    sli:
      raw: { errorRatio: "sum(rate(a_total[$window])) / sum(rate(b_total[$window]))" }
`,
    });
    const c = deriveContract(model, "shop");
    expect(c.metrics.map((m) => [m.name, m.type, m.labels])).toEqual([
      ["req_seconds", "histogram", ["code"]],
      ["shop_healthy", "gauge", ["region"]],
    ]);
    expect(c.metrics[1]!.note).toMatch(/^a 0\/1 gauge/);
    // le="0.5" (already a default) and the 1s threshold.
    expect(c.metrics[0]!.buckets).toEqual(PROM_CLIENT_DEFAULT_BUCKETS);
    expect(c.metrics[0]!.readBy).toEqual(["slos/shop.yaml slos[1] (shop/latency)", "slos/shop.yaml slos[2] (shop/served)"]);
    expect(deriveContracts(model).map((x) => x.service)).toEqual(["shop"]);
  });
});

describe("parseBound", () => {
  it("reads bounds as client libraries print them, exactly", () => {
    for (const [a, b] of [["1", "1.0"], ["1", "1e0"], ["0.25", "2.5e-1"], ["100", "1e+2"], ["0.1", ".1"]] as const) {
      expect(parseBound(a).cmp(parseBound(b)), `${a} = ${b}`).toBe(0);
    }
    expect(parseBound("0.30000000000000004").cmp(parseBound("0.3"))).toBe(1);
    expect(() => parseBound("abc")).toThrow(/not a bucket bound/);
  });
});
