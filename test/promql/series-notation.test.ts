import { describe, expect, it } from "vitest";
import { parseSeriesDescription, parseSequence } from "../../src/promql/series-notation.js";

const values = (text: string) =>
  parseSequence(text).map((v) => (v.kind === "value" ? v.value : v.kind === "stale" ? "stale" : v.kind === "omitted" ? "_" : "hist"));

describe("series notation", () => {
  it.each([
    ["1 2 3", [1, 2, 3]],
    ["1+2x3", [1, 3, 5, 7]],
    ["10-1x2", [10, 9, 8]],
    ["5x2", [5, 5, 5]],
    ["0x3 7", [0, 0, 0, 0, 7]],
    ["_ _x2 1", ["_", "_", "_", 1]],
    ["stale 1 stalex1", ["stale", 1, "stale", "stale"]],
    ["-Inf NaN 1e3", [-Infinity, NaN, 1000]],
  ])("%s", (text, want) => {
    expect(values(text)).toEqual(want);
  });

  it("parses labels, including quoted names", () => {
    const d = parseSeriesDescription('http_requests{job="api", "a.b"="c d"} 1+1x1');
    expect(d.labels.toString()).toBe('{__name__="http_requests", a.b="c d", job="api"}');
    expect(values("1+1x1")).toEqual([1, 2]);
    expect(parseSeriesDescription('{"my.metric", x="1"} 1').labels.get("__name__")).toBe("my.metric");
  });

  it("accumulates a+bxn by repeated addition, like Prometheus", () => {
    const v = values("0+0.1x3");
    expect(v[3]).toBe(0.1 + 0.1 + 0.1);
  });
});
