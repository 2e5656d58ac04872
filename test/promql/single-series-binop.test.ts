/**
 * Range queries evaluate binary operations on operands of at most one float
 * series without per-step samples (singleSeriesBinop). An instant query
 * takes the step-by-step path, so a range query must give, at every step,
 * exactly what an instant query at that step gives: same labels, same bits.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/promql/engine.js";
import { Labels } from "../../src/promql/labels.js";
import { SeriesStore } from "../../src/promql/storage.js";
import { bits, fromRange, type Points } from "../support/points.js";

const MIN = 60_000;
const STEPS = 16;

function store(): SeriesStore {
  const s = new SeriesStore();
  const put = (labels: Record<string, string>, values: Array<number | null>): void => {
    values.forEach((v, i) => {
      if (v !== null) s.append(Labels.from(labels), i * MIN, v);
    });
  };
  put({ __name__: "a", job: "x" }, [1, 2, null, 4, NaN, Infinity, -Infinity, 0, -0, 3, null, null, 5, 7, 1, 2]);
  put({ __name__: "b", job: "x" }, [2, null, 3, 4, 1, Infinity, 5, NaN, 0, null, 1, null, 5, 0, -1, 2]);
  put({ __name__: "c", job: "y", code: "500" }, [1, 1, 1, null, 1, 1, null, null, 1, 1, 1, 1, null, 1, 1, 1]);
  put({ __name__: "z", job: "zz" }, Array.from({ length: STEPS }, () => 1));
  put({ __name__: "b", job: "x", x: "1" }, [0.5, 3, null, 2, 2, 1, 0, 0, 0.1, 0.2, 0.3, null, null, 4, 4, 4]);
  return s;
}

function fromInstants(engine: Engine, query: string): { points: Points; annotations: string[] } {
  const out: Points = {};
  const annotations = new Set<string>();
  for (let i = 0; i < STEPS; i++) {
    const t = i * MIN;
    const res = engine.instantQuery(query, t);
    for (const a of res.annotations) annotations.add(JSON.stringify(a));
    const samples = res.value.type === "vector" ? res.value.samples : res.value.type === "scalar" ? [{ metric: Labels.EMPTY, v: res.value.v }] : [];
    for (const s of samples) (out[s.metric.toSeriesString()] ??= []).push([t, bits(s.v)]);
  }
  return { points: out, annotations: [...annotations].sort() };
}

function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const QUERIES = [
  // Arithmetic and comparisons, vector against vector.
  "a / b",
  "a - b",
  "a % b",
  "a ^ b",
  "a atan2 b",
  "a > b",
  "a <= b",
  "a == b",
  "a != bool b",
  "a > bool b",
  "b < bool a",
  // Matching: no match, on(), ignoring(), group modifiers.
  "a / c",
  "a / on() c",
  "a > on() c",
  "a / ignoring(code, job) c",
  "a + on(job) b",
  "a * on(job) group_left(code) c",
  "a / on() group_left(code) c",
  "c - on() group_right(job) a",
  "c >= bool on() group_right a",
  "b{x=\"1\"} / ignoring(x) b{x=\"\"}",
  // Against scalars, on either side.
  "a > 1",
  "1 < a",
  "a >= bool 1",
  "2 > bool a",
  "2 ^ a",
  "a % 3",
  "a / 0",
  "a * scalar(b)",
  "scalar(b) - a",
  "a > scalar(b)",
  "scalar(b) != a",
  "time() > bool a",
  "a / 0.001 > 14.4",
  // Set operators.
  "a and b",
  "a and c",
  "a and on() c",
  "a and ignoring(job, code) c",
  "a unless b",
  "a unless c",
  "a unless on() c",
  "a or b",
  "a or c",
  "a or on() c",
  "a or vector(0)",
  "vector(0) or a",
  "(a > 2) or (b < 3)",
  "(a > 2) or a",
  "a or a offset 1m",
  "a offset 1m or a",
  "(a > 2) or on() (a offset 1m)",
  "a * 1 or b * 1",
  "(a > bool 1) or (b > bool 1)",
  // Empty operands.
  "a / nothing",
  "nothing / a",
  "nothing or a",
  "a or nothing",
  "a and nothing",
  "a unless nothing",
  "nothing > 1",
  // The shapes of generated SLO rules.
  "sum(a) / sum(b)",
  "(3 * a - 2 * (a offset 1m or 0 * a)) / 5",
  "(sum(increase(c[5m])) or vector(0)) / sum(increase(a[5m]))",
  "sum_over_time(a[3m]) / sum_over_time(b[3m])",
  "a / 0.5 > 1 and b / 0.5 > 1 and on() sum(c) >= 1 or a / 0.5 > 2 and b / 0.5 > 2",
  "count(a) > 0",
  // More than one series: the step-by-step path, for reference.
  "b / on(job) group_left a",
  "b or a",
];

describe("binary operations on single series in range queries", () => {
  // A 30s lookback leaves steps without samples.
  for (const lookbackDelta of [30_000, 5 * MIN]) {
    const engine = new Engine(store(), { lookbackDelta });
    for (const query of QUERIES) {
      it(`${query} (lookback ${lookbackDelta / 1000}s)`, () => {
        const range = outcome(() => engine.rangeQuery(query, 0, (STEPS - 1) * MIN, MIN));
        const instants = outcome(() => fromInstants(engine, query));
        if ("error" in instants) {
          expect(range).toEqual({ error: instants.error });
          return;
        }
        if ("error" in range) throw new Error(range.error);
        expect(fromRange(range.ok)).toEqual(instants.ok.points);
        expect(range.ok.annotations.map((a) => JSON.stringify(a)).sort()).toEqual(instants.ok.annotations);
      });
    }
  }
});

/**
 * Against the step-by-step path of a range query: the same operation with a
 * second series on one side that matches nothing on the other (z, dropped
 * from the result). Unlike instant queries, this also covers how a range
 * query gathers samples of one label set into one series (whose dropName is
 * that of its first sample).
 */
const WITH_SECOND_SERIES: Array<[string, string]> = [
  ["a / b", "(a or z) / b"],
  ["a > b", "(a or z) > b"],
  ["a <= bool b", "(a or z) <= bool b"],
  ["a - on(job) b{x=\"\"}", "(a or z) - on(job) b{x=\"\"}"],
  ["a > 1", "(a or z) > 1"],
  ["1 < a", "1 < (a or z)"],
  ["a * 1 != bool 2", "(a or z) * 1 != bool 2"],
  ["a and b", "(a or z) and b"],
  ["a unless b", "(a or z) unless b"],
  ["a or b", "(a or z) or b"],
  ["a or a offset 1m", "(a or z) or a offset 1m"],
  ["(a > 3) or a * 1", "((a > 3) or z) or a * 1"],
  ["a * 1 or (a > 3)", "(a * 1 or z) or (a > 3)"],
  ["a offset 1m or (a > bool 1)", "(a offset 1m or z) or (a > bool 1)"],
];

describe("binary operations on single series against more series", () => {
  for (const lookbackDelta of [30_000, 5 * MIN]) {
    const engine = new Engine(store(), { lookbackDelta });
    const range = (query: string): Points => {
      const points = fromRange(engine.rangeQuery(query, 0, (STEPS - 1) * MIN, MIN));
      return Object.fromEntries(Object.entries(points).filter(([labels]) => !labels.includes('job="zz"')));
    };
    for (const [single, more] of WITH_SECOND_SERIES) {
      it(`${single} (lookback ${lookbackDelta / 1000}s)`, () => {
        expect(range(single)).toEqual(range(more));
      });
    }
  }
});
