// sliReads reads a counted selector, `increase(<selector>[$window])` (what
// validation makes of a ratio's counter selector), from the selector alone;
// it must read exactly what parsing the whole expression reads.
import { describe, expect, it } from "vitest";
import { sliReads } from "../../src/workspace/metric-reads.js";

/** The reads of `text` as a ratio's errors, and of the same text behind a no-op that defeats the shortcut. */
function readsBothWays(text: string) {
  const direct = sliReads({ kind: "ratio", errors: text, total: "t_total" });
  const whole = sliReads({ kind: "ratio", errors: `(${text})`, total: "t_total" });
  return { direct, whole };
}

describe("sliReads of a counted selector", () => {
  it.each([
    'increase(http_requests_total{job="a", code=~"5.."}[$window])',
    'increase({__name__="x_total", __name__!="y", a="b"}[$window])',
    'increase(latency_bucket{le="0.5"}[$window])',
    'increase(x_total{a="[$window])"}[$window])',
    'increase(x_total{a="$window"}[$window])',
    "increase(x_total\n  {a=\"b\"}[$window])",
    'increase(x_total{a="#"}[$window])',
    "increase(x_total offset 5m[$window])",
    "increase(x_total @ 100[$window])",
    "increase(x_total[1m])",
    "increase(a_total[$window]) + increase(b_total[$window])",
  ])("%s", (text) => {
    const { direct, whole } = readsBothWays(text);
    expect(direct).toEqual(whole);
  });

  it("reads the selector's name and matchers", () => {
    expect(sliReads({ kind: "ratio", errors: 'increase(x_total{code="500"}[$window])', total: "increase(x_total[$window])" })).toEqual([
      { name: "x_total", kind: "counter", matchers: [{ name: "code", op: "=", value: "500" }], field: "errors" },
      { name: "x_total", kind: "counter", matchers: [], field: "total" },
    ]);
  });
});
