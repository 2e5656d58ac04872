import { describe, expect, it } from "vitest";
import { Engine } from "../../src/promql/engine.js";
import { Labels } from "../../src/promql/labels.js";
import { isStaleNaN, SeriesStore, staleNaN } from "../../src/promql/storage.js";
import { PromQLEvalError, type QueryValue } from "../../src/promql/value.js";

const MIN = 60_000;

function store(series: Record<string, Array<number | "stale" | null>>, interval = MIN): SeriesStore {
  const s = new SeriesStore();
  for (const [text, values] of Object.entries(series)) {
    const m = /^(\w+)(?:\{(.*)\})?$/.exec(text)!;
    const pairs: Array<[string, string]> = [["__name__", m[1]!]];
    for (const kv of (m[2] ?? "").split(",").filter(Boolean)) {
      const [k, v] = kv.split("=");
      pairs.push([k!, JSON.parse(v!) as string]);
    }
    const labels = Labels.from(pairs);
    values.forEach((v, i) => {
      if (v === "stale") s.appendStale(labels, i * interval);
      else if (v !== null) s.append(labels, i * interval, v);
    });
  }
  return s;
}

function vector(v: QueryValue): Record<string, number> {
  if (v.type !== "vector") throw new Error(`expected vector, got ${v.type}`);
  return Object.fromEntries(v.samples.map((s) => [s.metric.toSeriesString(), s.v]));
}

describe("instant selectors", () => {
  const engine = new Engine(store({ up: [1, 2, null, null, null, null, null, null] }));

  it("looks back 5 minutes, excluding the left edge", () => {
    expect(vector(engine.instantQuery("up", 1 * MIN + 4 * MIN + 59_999).value)).toEqual({ up: 2 });
    expect(vector(engine.instantQuery("up", 1 * MIN + 5 * MIN).value)).toEqual({});
  });

  it("applies offset and @", () => {
    expect(vector(engine.instantQuery("up offset 1m", 1 * MIN).value)).toEqual({ up: 1 });
    expect(vector(engine.instantQuery("up @ 0", 3 * MIN).value)).toEqual({ up: 1 });
    expect(vector(engine.instantQuery("up offset -1m", 0).value)).toEqual({ up: 2 });
  });
});

describe("staleness", () => {
  it("uses Prometheus's stale NaN bit pattern", () => {
    expect(isStaleNaN(staleNaN())).toBe(true);
    expect(isStaleNaN(NaN)).toBe(false);
    const s = new SeriesStore();
    s.append(Labels.from({ __name__: "x" }), 0, 1);
    s.append(Labels.from({ __name__: "x" }), MIN, staleNaN());
    expect(vector(new Engine(s).instantQuery("x", 2 * MIN).value)).toEqual({});
  });

  it("hides a series from its stale marker on, but not range selectors' earlier samples", () => {
    const engine = new Engine(store({ x: [1, "stale", null, 5] }));
    expect(vector(engine.instantQuery("x", 30_000).value)).toEqual({ x: 1 });
    expect(vector(engine.instantQuery("x", 2 * MIN).value)).toEqual({});
    expect(vector(engine.instantQuery("count_over_time(x[3m])", 2 * MIN).value)).toEqual({ "{}": 1 });
    expect(vector(engine.instantQuery("x", 3 * MIN).value)).toEqual({ x: 5 });
  });
});

describe("rate and friends", () => {
  const engine = new Engine(store({ http_requests_total: [0, 10, 20, 30, 40, 50, 60], gauge: [5, 1, 4] }));

  it("extrapolates increase like Prometheus", () => {
    // Window (0, 5m] holds 10..50; extrapolated by 60s at the start: 40 * 300/240.
    expect(vector(engine.instantQuery("increase(http_requests_total[5m])", 5 * MIN).value)).toEqual({ "{}": 50 });
    expect(vector(engine.instantQuery("rate(http_requests_total[5m])", 5 * MIN).value)["{}"]).toBeCloseTo(50 / 300, 12);
  });

  it("treats decreases as counter resets", () => {
    expect(vector(engine.instantQuery("resets(gauge[5m])", 2 * MIN).value)).toEqual({ "{}": 1 });
    expect(vector(engine.instantQuery("irate(gauge[5m])", 2 * MIN).value)).toEqual({ "{}": 3 / 60 });
    expect(vector(engine.instantQuery("idelta(gauge[5m])", 2 * MIN).value)).toEqual({ "{}": 3 });
  });

  it("warns when rate is applied to something not named like a counter", () => {
    const res = engine.instantQuery("rate(gauge[5m])", 2 * MIN);
    expect(res.annotations.map((a) => a.message)).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "gauge"',
    ]);
  });
});

describe("vector matching", () => {
  const engine = new Engine(
    store({
      dup_metric: [],
      'a{label="x"}': [1],
      'b{label="x",side="1"}': [2],
      'b{label="x",side="2"}': [3],
    }),
  );

  it("reports duplicate series on the one side", () => {
    expect(() => engine.instantQuery("a + on(label) b", 0)).toThrow(
      new PromQLEvalError(
        'found duplicate series for the match group {label="x"} on the right hand-side of the operation: [{__name__="b", label="x", side="1"}, {__name__="b", label="x", side="2"}];many-to-many matching not allowed: matching labels must be unique on one side',
      ),
    );
  });

  it("joins many-to-one with group_right", () => {
    expect(vector(engine.instantQuery("a + on(label) group_right b", 0).value)).toEqual({
      '{label="x", side="1"}': 3,
      '{label="x", side="2"}': 4,
    });
  });
});

describe("range queries", () => {
  it("returns series sorted by labels with one point per step", () => {
    const engine = new Engine(store({ 'm{i="b"}': [1, 2, 3], 'm{i="a"}': [4, 5, 6] }));
    const res = engine.rangeQuery("m * 2", 0, 2 * MIN, MIN);
    expect(res.value.type).toBe("matrix");
    if (res.value.type !== "matrix") return;
    expect(res.value.series.map((s) => [s.metric.toString(), s.t, s.v])).toEqual([
      ['{i="a"}', [0, MIN, 2 * MIN], [8, 10, 12]],
      ['{i="b"}', [0, MIN, 2 * MIN], [2, 4, 6]],
    ]);
  });

  it("evaluates @-pinned subtrees once and repeats them", () => {
    const engine = new Engine(store({ m: [1, 2, 3] }));
    const res = engine.rangeQuery("m @ end()", 0, 2 * MIN, MIN);
    expect(res.value.type === "matrix" && res.value.series[0]?.v).toEqual([3, 3, 3]);
  });

  it("rejects range vectors", () => {
    const engine = new Engine(new SeriesStore());
    expect(() => engine.rangeQuery("m[5m]", 0, MIN, MIN)).toThrow('invalid expression type "range vector" for range query');
  });
});

describe("long windows", () => {
  // 30 days of 15s samples: 172,800 per series.
  const step = 15_000;
  const n = 30 * 24 * 240;
  const s = new SeriesStore();
  const labels = Labels.from({ __name__: "requests_total" });
  let v = 0;
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    v = i % 50_000 === 49_999 ? 3 : v + (i % 7) + 0.25;
    values.push(v);
    s.append(labels, i * step, v);
  }
  const engine = new Engine(s);
  const end = (n - 1) * step;

  it("steps a 30d rate and sum_over_time through a day quickly and exactly", () => {
    const t0 = performance.now();
    const rate = engine.rangeQuery("increase(requests_total[30d])", end - 86_400_000, end, 300_000);
    const sum = engine.rangeQuery("sum_over_time(requests_total[30d])", end - 86_400_000, end, 300_000);
    expect(performance.now() - t0).toBeLessThan(2000);
    if (rate.value.type !== "matrix" || sum.value.type !== "matrix") throw new Error("expected matrices");
    expect(rate.value.series[0]!.v).toHaveLength(289);

    // Check the last step against a direct computation over the window.
    const lo = values.findIndex((_, i) => i * step > end - 30 * 86_400_000);
    let direct = 0;
    let resets = 0;
    for (let i = lo; i < n; i++) {
      direct += values[i]!;
      if (i > lo && values[i]! < values[i - 1]!) resets += values[i - 1]!;
    }
    expect(sum.value.series[0]!.v.at(-1)! / direct).toBeCloseTo(1, 12);
    const raw = values[n - 1]! - values[lo]! + resets;
    // Window (end-30d, end] starts exactly one sample interval before the first sample.
    expect(rate.value.series[0]!.v.at(-1)! / raw).toBeGreaterThan(1);
  });
});

describe("delayed name removal", () => {
  it("keeps __name__ for matching but drops it from results of arithmetic", () => {
    const engine = new Engine(store({ 'x{a="1"}': [1], 'y{a="1"}': [2] }));
    expect(vector(engine.instantQuery("-x", 0).value)).toEqual({ '{a="1"}': -1 });
    expect(vector(engine.instantQuery("last_over_time(x[1m])", 0).value)).toEqual({ 'x{a="1"}': 1 });
    expect(() => engine.instantQuery('-{__name__=~"x|y"}', 0)).toThrow("vector cannot contain metrics with the same labelset");
  });
});

describe("agreement with promtool 3.5 (values checked against promtool)", () => {
  const engine = new Engine(store({ 'x{job="a"}': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }));
  const at = (q: string, t = 8 * MIN): Record<string, number> => vector(engine.instantQuery(q, t).value);
  const scalar = (q: string): number => {
    const v = engine.instantQuery(q, 0).value;
    if (v.type !== "scalar") throw new Error(`expected scalar, got ${v.type}`);
    return v.v;
  };

  it("absent() keeps a label whose first equality matcher follows a regex matcher", () => {
    expect(at('absent(nonexistent{job=~"a.*", job="api"})')).toEqual({ '{job="api"}': 1 });
    expect(at('absent(nonexistent{job="a", job="b", env="x"})')).toEqual({ '{env="x"}': 1 });
  });

  it("clamps with Go's math.Max/Min: an infinite bound beats NaN", () => {
    expect(at("clamp_min(vector(NaN), Inf)")).toEqual({ "{}": Infinity });
    expect(at("clamp_max(vector(NaN), -Inf)")).toEqual({ "{}": -Infinity });
    expect(at("clamp(vector(NaN), 0, 1)")["{}"]).toBeNaN();
  });

  it("takes date functions through Go's int64 conversion and calendar", () => {
    expect(at("hour(vector(NaN))")).toEqual({ "{}": 15 });
    expect(at("year(vector(NaN))")).toEqual({ "{}": 292277026596 });
    expect(at("year(vector(1e17))")).toEqual({ "{}": 3168875820 });
    expect(at("day_of_week(vector(-1.5))")).toEqual({ "{}": 3 });
  });

  it("looks up timestamp(x @ t offset o) at t within the samples the selector loaded", () => {
    expect(at("timestamp(x @ 360 offset 5m)")).toEqual({});
    expect(at("timestamp(x @ 120 offset -1m)")).toEqual({ '{job="a"}': 120 });
    expect(at("timestamp(x @ 360 offset 4m)")).toEqual({ '{job="a"}': 120 });
  });

  it("binds unary minus looser than ^", () => {
    expect(scalar("-3 ^ 2")).toBe(-9);
    expect(scalar("- 3 ^ 2")).toBe(-9);
    expect(scalar("--3 ^ 2")).toBe(9);
    expect(scalar("2 ^ -3 ^ 2")).toBe(0.001953125);
    expect(scalar("-3 * 2 ^ 2")).toBe(-12);
    expect(at("-x offset 1m ^ 2")).toEqual({ '{job="a"}': -49 });
    expect(at("(-x) ^ 2")).toEqual({ '{job="a"}': 64 });
  });

  it("computes ln, log2 and log10 with Go's algorithms", () => {
    expect(at("log10(vector(1e15))")).toEqual({ "{}": 14.999999999999998 });
    expect(at("log10(vector(1e23))")).toEqual({ "{}": 23 });
    expect(at("ln(vector(0.01))")).toEqual({ "{}": -4.605170185988092 });
    expect(at("ln(vector(5e-324))")).toEqual({ "{}": -709.0895657128241 });
    expect(at("log2(vector(1.0000000001))")).toEqual({ "{}": 1.442695962694529e-10 });
  });
});
