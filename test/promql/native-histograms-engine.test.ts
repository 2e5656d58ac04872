/**
 * Native histograms through storage and the engine: the parallel histogram
 * array, selectors, and the rule that anything not implemented throws
 * UnsupportedFeatureError instead of computing a float from a histogram.
 * (Prometheus's own scripts, run by conformance.test.ts, cover the semantics.)
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/promql/engine.js";
import { FloatHistogram, parseHistogramNotation } from "../../src/promql/histogram.js";
import { Labels } from "../../src/promql/labels.js";
import { MemorySeries, SeriesStore } from "../../src/promql/storage.js";
import { UnsupportedFeatureError } from "../../src/promql/value.js";

const MIN = 60_000;
const h = (text: string): FloatHistogram => parseHistogramNotation(text).histogram;
const name = (n: string): Labels => Labels.from([["__name__", n]]);

function histogramStore(): SeriesStore {
  const s = new SeriesStore();
  for (let i = 0; i <= 10; i++) s.appendHistogram(name("hist"), i * MIN, h(`{{schema:0 count:${4 * i} sum:${8 * i} buckets:[${i} ${2 * i} ${i}]}}`));
  for (let i = 0; i <= 10; i++) s.append(name("flt"), i * MIN, i);
  return s;
}

describe("storage", () => {
  it("keeps float-only series free of the histogram array", () => {
    const s = new MemorySeries(name("x"));
    s.append(0, 1);
    s.append(MIN, 2);
    expect(s.hasHistograms).toBe(false);
    expect(s.floats().h).toBeUndefined();
    expect(s.floats().t).toBeInstanceOf(Float64Array);
  });

  it("keeps histograms aligned with their timestamps through out-of-order appends and stale markers", () => {
    const s = new MemorySeries(name("x"));
    s.append(2 * MIN, 5);
    s.appendHistogram(0, h("{{count:1 sum:1 buckets:[1]}}"));
    s.append(3 * MIN, NaN, true);
    s.appendHistogram(MIN, h("{{count:2 sum:2 buckets:[2]}}"));
    expect(s.length).toBe(4); // sorts
    expect([0, 1, 2, 3].map((i) => s.timestamp(i))).toEqual([0, MIN, 2 * MIN, 3 * MIN]);
    expect(s.histogram(0)?.count).toBe(1);
    expect(s.histogram(1)?.count).toBe(2);
    // Read back with the hints Prometheus's TSDB gives: unknown, then not-reset within a chunk.
    expect([s.histogram(0)?.counterResetHint, s.histogram(1)?.counterResetHint]).toEqual(["unknown", "not-reset"]);
    expect(s.histogram(2)).toBeUndefined();
    expect(s.value(2)).toBe(5);
    const view = s.floats();
    expect(view.length).toBe(3);
    expect(view.h?.[2]).toBeUndefined();
  });
});

describe("engine", () => {
  const engine = new Engine(histogramStore());

  it("selects histogram samples with lookback and staleness", () => {
    const s = histogramStore();
    s.appendStale(name("hist"), 11 * MIN);
    const e = new Engine(s);
    const at5 = e.instantQuery("hist", 5 * MIN).value;
    expect(at5.type).toBe("vector");
    if (at5.type !== "vector") return;
    expect(at5.samples[0]!.h?.count).toBe(20);
    expect(Number.isNaN(at5.samples[0]!.v)).toBe(true);
    const afterStale = e.instantQuery("hist", 11 * MIN + 1000).value;
    expect(afterStale.type === "vector" && afterStale.samples.length).toBe(0);
    const offset = e.instantQuery("hist offset 2m", 5 * MIN).value;
    expect(offset.type === "vector" && offset.samples[0]!.h?.count).toBe(12);
  });

  it("returns histograms in range selectors and range queries", () => {
    const m = engine.instantQuery("hist[2m]", 5 * MIN).value;
    expect(m.type === "matrix" && m.series[0]!.h?.map((x) => x?.count)).toEqual([16, 20]);
    const r = engine.rangeQuery("hist", 0, 2 * MIN, MIN).value;
    expect(r.type === "matrix" && r.series[0]!.h?.map((x) => x?.count)).toEqual([0, 4, 8]);
  });

  it("computes histogram functions, rate and sums", () => {
    const num = (q: string): number => {
      const v = engine.instantQuery(q, 10 * MIN).value;
      if (v.type !== "vector") throw new Error(v.type);
      return v.samples[0]!.v;
    };
    expect(num("histogram_count(hist)")).toBe(40);
    expect(num("histogram_sum(hist)")).toBe(80);
    expect(num("histogram_count(rate(hist[5m]))")).toBeCloseTo(4 / 60, 12);
    expect(num("histogram_count(sum(hist) * 2)")).toBe(80);
  });

  it("leaves histograms out of float-only functions, as Prometheus does", () => {
    const v = engine.instantQuery("abs(hist) or abs(flt)", 10 * MIN).value;
    expect(v.type === "vector" && v.samples.map((s) => s.metric.toString())).toEqual(["{}"]);
  });

  it("counts histogram values by their String() form in count_values", () => {
    const v = engine.instantQuery('count_values("v", hist)', 10 * MIN).value;
    expect(v.type === "vector" && v.samples.map((s) => [s.metric.get("v"), s.v])).toEqual([["{count:40, sum:80, (0.5,1]:10, (1,2]:20, (2,4]:10}", 1]]);
  });

  it("throws UnsupportedFeatureError for what it does not implement", () => {
    expect(() => engine.instantQuery("limitk(1, hist)", 10 * MIN)).toThrow(UnsupportedFeatureError);
  });

  it("keeps the float path unchanged for float series", () => {
    const v = engine.instantQuery("sum(rate(flt[5m]))", 10 * MIN).value;
    expect(v.type === "vector" && v.samples[0]!.v).toBeCloseTo(1 / 60, 12);
    expect(v.type === "vector" && v.samples[0]!.h).toBeUndefined();
  });
});
