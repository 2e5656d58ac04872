// The exposition check: the text format parsed correctly (escapes, timestamps,
// comments, quoted names), and each way a scrape can miss its contract.
import { describe, expect, it } from "vitest";
import { checkExposition, parseExposition } from "../../src/instrument/exposition.js";
import type { InstrumentContract } from "../../src/instrument/contract.js";

const contract: InstrumentContract = {
  service: "shop",
  metrics: [
    { name: "req_seconds", type: "histogram", help: "h", labels: ["route"], buckets: [0.1, 0.3, 1], readBy: [] },
    { name: "req_total", type: "counter", help: "c", labels: ["code", "route"], readBy: [] },
  ],
};

const GOOD = `# HELP req_seconds Request latency.
# TYPE req_seconds histogram
req_seconds_bucket{route="/a",le="0.1"} 1
req_seconds_bucket{route="/a",le="0.3"} 2
req_seconds_bucket{route="/a",le="1.0"} 3
req_seconds_bucket{route="/a",le="+Inf"} 3
req_seconds_sum{route="/a"} 0.9
req_seconds_count{route="/a"} 3
# A comment.
# TYPE req_total counter
req_total{code="200",route="/a"} 3 1700000000000
`;

const messages = (text: string) => checkExposition(contract, text).map((p) => p.message);

describe("parseExposition", () => {
  it("reads label value escapes, HELP escapes, timestamps, special values and blank lines", () => {
    const e = parseExposition(
      [
        "# HELP x A \\\\ help\\nline.",
        "# TYPE x gauge",
        'x{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",comma="a,b}c"} -Inf 42',
        "",
        "x NaN",
        'x{ a = "1" , } +1.5e3',
        '{"my.metric", a="1"} 1',
        "y{le=\"1\"} 2\r",
      ].join("\n"),
    );
    expect(e.errors).toEqual([]);
    expect(e.help.get("x")).toBe("A \\ help\nline.");
    expect(e.types.get("x")).toBe("gauge");
    expect(e.samples[0]).toEqual({ name: "x", labels: { path: "C:\\dir", quote: 'say "hi"', nl: "a\nb", comma: "a,b}c" }, value: "-Inf", timestamp: "42", line: 3 });
    expect(e.samples.map((s) => [s.name, s.value, s.labels])).toEqual([
      ["x", "-Inf", { path: "C:\\dir", quote: 'say "hi"', nl: "a\nb", comma: "a,b}c" }],
      ["x", "NaN", {}],
      ["x", "+1.5e3", { a: "1" }],
      ["my.metric", "1", { a: "1" }],
      ["y", "2", { le: "1" }],
    ]);
  });

  it("lists lines that are not the format, with their numbers", () => {
    const e = parseExposition('ok 1\nbad{a="1} 2\nx{a="1"}\nx{a="\\t"} 1\nx 1 2 3\n# TYPE x nonsense');
    expect(e.errors.map((x) => x.line)).toEqual([2, 3, 4, 5, 6]);
    expect(e.errors[2]!.message).toBe("unknown escape \\t in a label value");
  });
});

describe("checkExposition", () => {
  it("passes a scrape that holds the contract; le=\"1.0\" is the bound 1", () => {
    expect(messages(GOOD)).toEqual([]);
    expect(messages(GOOD.replace('le="1.0"', 'le="1e0"'))).toEqual([]);
  });

  it("reports a missing bucket bound, compared exactly", () => {
    expect(messages(GOOD.replace('le="0.3"', 'le="0.30000000000000004"'))).toEqual(['req_seconds: missing bucket bound le="0.3"']);
    expect(messages(GOOD.replace(/.*le="\+Inf".*\n/, ""))).toEqual(['req_seconds: missing the le="+Inf" bucket']);
  });

  it("reports a missing metric, a wrong TYPE, a label never present, missing _count and _sum", () => {
    expect(messages(GOOD.replace(/# TYPE req_total[\s\S]*$/, ""))).toEqual(["req_total: missing: no # TYPE line and no series (expected a counter)"]);
    expect(messages(GOOD.replace("req_total counter", "req_total gauge"))).toEqual(["req_total: TYPE is gauge, expected counter"]);
    expect(messages(GOOD.replace('req_total{code="200",route="/a"}', 'req_total{status="200",route="/a"}'))).toEqual(["req_total: label code is on none of its series"]);
    expect(messages(GOOD.replace(/req_seconds_(count|sum).*\n/g, ""))).toEqual(["req_seconds: missing _count", "req_seconds: missing _sum"]);
    expect(messages(GOOD.replace("req_total counter", "req_total untyped"))).toEqual(["req_total: TYPE is untyped, expected counter"]);
  });

  it("reads an OpenMetrics counter family named without _total", () => {
    expect(messages(GOOD.replace("# TYPE req_total counter", "# TYPE req counter"))).toEqual([]);
  });

  it("reports lines it cannot read", () => {
    expect(checkExposition(contract, `${GOOD}garbage{\n`)).toEqual([{ metric: "", message: 'line 12: expected a label name at ""' }]);
  });
});
