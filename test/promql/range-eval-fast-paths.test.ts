/**
 * Fast paths of range evaluation against the general code they stand in for:
 *
 * - instant selectors read a stored float series from its arrays
 *   (selectFloats) rather than through SeriesReader's methods, which the
 *   general loop still does for any other series: here, the same samples
 *   behind an object that is no MemorySeries;
 * - sum() of several float series into one group has a loop of its own
 *   (sumOneGroup): against the general aggregation, which a second group
 *   brings back;
 * - selectors of one query that read the same series at the same times share
 *   their result: against each selector evaluated in a query of its own;
 * - binary operations on single series (singleSeriesBinop) and range
 *   functions over float series (floatWindowSteps) against instant queries,
 *   with series that start and stop within the range.
 */
import { describe, expect, it } from "vitest";
import type { LabelMatcher } from "../../src/promql/ast.js";
import { Engine } from "../../src/promql/engine.js";
import { Labels } from "../../src/promql/labels.js";
import { SeriesStore, type MemorySeries, type Queryable, type SeriesReader } from "../../src/promql/storage.js";
import { bits, fromRange, type Points } from "../support/points.js";

const MIN = 60_000;
const SAMPLES = 300;

type Sample = number | "gap" | "stale";

function values(seed: number): Sample[] {
  return Array.from({ length: SAMPLES }, (_, i): Sample => {
    if ((i + seed) % 37 === 3 || (i >= 120 + seed && i < 131 + seed)) return "gap";
    if ((i + seed) % 53 === 20 || i === 200) return "stale";
    if (i === 77 + seed) return NaN;
    if (i === 150) return Infinity;
    if (i === 151 + (seed % 2)) return -Infinity;
    if ((i + seed) % 29 === 5) return -0;
    return Math.sin(i * (seed + 1)) * 10 ** ((i + seed) % 7) + (seed % 3) * 0.1;
  });
}

function store(): SeriesStore {
  const s = new SeriesStore();
  const put = (names: Record<string, string>, samples: Sample[]): void => {
    const labels = Labels.from(names);
    samples.forEach((v, i) => {
      if (v === "gap") return;
      if (v === "stale") s.appendStale(labels, i * MIN);
      else s.append(labels, i * MIN, v);
    });
  };
  put({ __name__: "x", job: "a", k: "1" }, values(0));
  put({ __name__: "x", job: "a", k: "2" }, values(1));
  put({ __name__: "x", job: "b", k: "1" }, values(2));
  put({ __name__: "y", job: "a", k: "1" }, values(3));
  // A counter that starts late and stops early.
  put(
    { __name__: "c_total", job: "a" },
    Array.from({ length: SAMPLES }, (_, i): Sample => (i < 40 || i > 260 ? "gap" : i === 180 ? "stale" : (i % 61) * 7)),
  );
  return s;
}

/** A stored series behind an object that is no MemorySeries: selectors read it through SeriesReader's methods. */
class PlainSeries implements SeriesReader {
  constructor(private readonly s: MemorySeries) {}
  get labels(): Labels {
    return this.s.labels;
  }
  get length(): number {
    return this.s.length;
  }
  get hasHistograms(): boolean {
    return this.s.hasHistograms;
  }
  lastAtOrBefore(t: number): number {
    return this.s.lastAtOrBefore(t);
  }
  timestamp(i: number): number {
    return this.s.timestamp(i);
  }
  value(i: number): number {
    return this.s.value(i);
  }
  isStale(i: number): boolean {
    return this.s.isStale(i);
  }
  histogram(i: number): ReturnType<MemorySeries["histogram"]> {
    return this.s.histogram(i);
  }
  floats(): ReturnType<MemorySeries["floats"]> {
    return this.s.floats();
  }
}

function plain(s: SeriesStore): Queryable {
  return { select: (m: readonly LabelMatcher[]) => s.select(m).map((x) => new PlainSeries(x)) as unknown as MemorySeries[] };
}

function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function fromInstants(engine: Engine, query: string, start: number, end: number, step: number): Points {
  const out: Points = {};
  for (let t = start; t <= end; t += step) {
    const res = engine.instantQuery(query, t);
    const samples = res.value.type === "vector" ? res.value.samples : res.value.type === "scalar" ? [{ metric: Labels.EMPTY, v: res.value.v }] : [];
    for (const s of samples) (out[s.metric.toSeriesString()] ??= []).push([t, bits(s.v)]);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** [start, end, step]: dense, sparse, denser than the samples, and starting before the first sample. */
const GRIDS: Array<[number, number, number]> = [
  [100 * MIN, 220 * MIN, MIN],
  [0, 299 * MIN, 7 * MIN],
  [148 * MIN, 156 * MIN, 20_000],
  [-10 * MIN, 50 * MIN, MIN],
];

const SELECTOR_QUERIES = [
  "x",
  'x{k="1"}',
  "x offset 1m",
  "x offset 13m",
  "x offset -2m",
  "x @ 9000000",
  "x @ 9000000 offset 1m",
  "y",
  "c_total",
  "timestamp(x)",
  "x * 2 - x offset 1m",
  "(3 * y - 2 * (y offset 1m or 0 * y)) / 5",
  "sum(x)",
  "increase(c_total[5m])",
];

describe("instant selectors on stored float series against the general loop", () => {
  for (const lookbackDelta of [90_000, 5 * MIN]) {
    const s = store();
    const fast = new Engine(s, { lookbackDelta });
    const general = new Engine(plain(s), { lookbackDelta });
    for (const [start, end, step] of GRIDS) {
      for (const query of SELECTOR_QUERIES) {
        it(`${query} from ${start / MIN}m to ${end / MIN}m by ${step / 1000}s (lookback ${lookbackDelta / 1000}s)`, () => {
          expect(fromRange(fast.rangeQuery(query, start, end, step))).toEqual(fromRange(general.rangeQuery(query, start, end, step)));
          expect(fast.instantQuery(query, end).value).toEqual(general.instantQuery(query, end).value);
        });
      }
    }
  }
});

/**
 * sum() into one group against the general aggregation: the same group next
 * to a second one (left out), with the same series in the same order, with
 * NaN, ±Inf, -0, gaps and names to drop or keep.
 */
const ONE_GROUP_SUMS: Array<[string, string, string]> = [
  ['sum by (job) (x{job="a"})', "sum by (job) (x)", '{job="a"}'],
  ['sum by (job) ({__name__=~"x|y", job="a"})', 'sum by (job) ({__name__=~"x|y"})', '{job="a"}'],
  ['sum by (k) (x{k="1"} offset 3m)', "sum by (k) (x offset 3m)", '{k="1"}'],
  ['sum by (__name__) (x)', 'sum by (__name__) ({__name__=~"x|y"})', "x"],
  ['sum by (job) (x{job="a"} * 1 or y)', "sum by (job) (x * 1 or y)", '{job="a"}'],
  ['sum by (job) (increase(x{job="a"}[10m]))', "sum by (job) (increase(x[10m]))", '{job="a"}'],
];

describe("sums into one group against the general aggregation", () => {
  const engine = new Engine(store());
  for (const [start, end, step] of GRIDS) {
    for (const [oneGroup, general, labels] of ONE_GROUP_SUMS) {
      it(`${oneGroup} from ${start / MIN}m to ${end / MIN}m by ${step / 1000}s`, () => {
        const got = outcome(() => fromRange(engine.rangeQuery(oneGroup, start, end, step)));
        const want = outcome(() => {
          const all = fromRange(engine.rangeQuery(general, start, end, step));
          return Object.fromEntries(Object.entries(all).filter(([l]) => l === labels));
        });
        expect(got).toEqual(want);
        // Both groups are there, so the general aggregation did run.
        if (start === 100 * MIN && "ok" in want) expect(Object.keys(fromRange(engine.rangeQuery(general, start, end, step))).length).toBeGreaterThan(1);
      });
      it(`${oneGroup} at each step from ${start / MIN}m to ${end / MIN}m by ${step / 1000}s`, () => {
        expect(fromRange(engine.rangeQuery(oneGroup, start, end, step))).toEqual(fromInstants(engine, oneGroup, start, end, step));
      });
    }
  }
});

/**
 * Two selectors of a query reading the same series at the same times share
 * what they read; ones that differ in offset, @ or matchers must not: each
 * pair's difference against its two selectors queried on their own.
 */
const SELECTOR_PAIRS: Array<[string, string]> = [
  ["x", "x"],
  ["x offset 1m", "x"],
  ["x", "x offset 1m"],
  ["x offset 1m", "x offset 60s"],
  ["x @ 9000000", "x"],
  ["x @ 9000000", "x @ 9060000"],
  ['x{k="1"}', 'x{k=~"1"}'],
  ['x{k="1"}', 'x{k!="2"}'],
];

describe("selectors of one query reading the same series", () => {
  const engine = new Engine(store());
  for (const [start, end, step] of GRIDS) {
    for (const [a, b] of SELECTOR_PAIRS) {
      const query = `${a} - ${b}`;
      it(`${query} from ${start / MIN}m to ${end / MIN}m by ${step / 1000}s`, () => {
        const got = fromRange(engine.rangeQuery(query, start, end, step));
        const left = engine.rangeQuery(a, start, end, step);
        const right = engine.rangeQuery(b, start, end, step);
        const want: Points = {};
        if (left.value.type !== "matrix" || right.value.type !== "matrix") throw new Error("expected matrices");
        for (const l of left.value.series) {
          const r = right.value.series.find((s) => s.metric.withoutMetricName().key === l.metric.withoutMetricName().key);
          if (r === undefined) continue;
          const points: Array<[number, string]> = [];
          l.t.forEach((t, i) => {
            const j = r.t.indexOf(t);
            if (j >= 0) points.push([t, bits(l.v[i]! - r.v[j]!)]);
          });
          if (points.length > 0) want[l.metric.withoutMetricName().toSeriesString()] = points;
        }
        expect(got).toEqual(Object.fromEntries(Object.entries(want).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))));
      });
    }
  }
});

const STEP_QUERIES = [
  "x / 2",
  "2 / x",
  "x > 1",
  "1 < x",
  "x > bool 1",
  "x + on(job, k) y",
  "y - ignoring(__name__) x{job=\"a\", k=\"1\"}",
  "y > ignoring(__name__) x{job=\"a\", k=\"1\"}",
  "y != bool ignoring(__name__) x{job=\"a\", k=\"1\"}",
  "c_total or on() y",
  "y or c_total",
  "c_total and on() y",
  "y unless on() c_total",
  "sum(increase(c_total[5m])) or vector(0)",
  "(3 * c_total - 2 * (c_total offset 1m or 0 * c_total)) / 5",
  "rate(c_total[10m])",
  "sum_over_time(y[1h])",
  "quantile_over_time(0.5, y[10m])",
  "predict_linear(y[10m], 60)",
];

describe("single series operations and range functions against instant queries", () => {
  const engine = new Engine(store());
  for (const [start, end, step] of GRIDS) {
    for (const query of STEP_QUERIES) {
      it(`${query} from ${start / MIN}m to ${end / MIN}m by ${step / 1000}s`, () => {
        const range = outcome(() => fromRange(engine.rangeQuery(query, start, end, step)));
        const instants = outcome(() => fromInstants(engine, query, start, end, step));
        expect(range).toEqual(instants);
      });
    }
  }
});
