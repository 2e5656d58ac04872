/**
 * Range queries find each step's samples with cursors moving along the
 * steps (instant selectors and range function windows), seeking by binary
 * search only where the cursor would move by more than a sample, and read
 * long windows from a series' prefix arrays (kept across queries while its
 * samples stay the same) once scanning them has cost as much as building
 * those. An instant query seeks once and scans, so a range query must give,
 * at every step, exactly what an instant query at that step gives, however
 * the steps and the samples are spaced and wherever the query starts in the
 * series; and a series changed between queries must be re-indexed.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/promql/engine.js";
import { Labels } from "../../src/promql/labels.js";
import { SeriesStore } from "../../src/promql/storage.js";
import { bits, fromRange, type Points } from "../support/points.js";

const MIN = 60_000;
/** Samples a minute for 10 hours: windows of [2h] hold more samples than are ever scanned. */
const SAMPLES = 600;

type Sample = number | "gap" | "stale";

/**
 * A counter with resets, a gauge with NaN, ±Inf and -0 among its values, and
 * gaps and staleness markers in both.
 */
function values(kind: "counter" | "gauge" | "finite"): Sample[] {
  return Array.from({ length: SAMPLES }, (_, i): Sample => {
    if (i % 97 === 13 || (i >= 250 && i < 262)) return "gap";
    if (i % 131 === 40 || i === 400) return "stale";
    if (kind === "counter") return (i % 173) * 3 + (i % 7 === 0 ? 0.25 : 0);
    if (kind === "gauge") {
      if (i === 77) return NaN;
      if (i === 333) return Infinity;
      if (i === 334) return -Infinity;
      if (i % 50 === 5) return -0;
    }
    return Math.sin(i) * 10 ** (i % 5) + 0.1;
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
  put({ __name__: "c_total", job: "x" }, values("counter"));
  put({ __name__: "c_total", job: "y" }, values("counter").map((v, i) => (typeof v === "number" ? v * 2 + i : v)));
  put({ __name__: "g", job: "x" }, values("gauge"));
  put({ __name__: "f", job: "x" }, values("finite"));
  put({ __name__: "h", job: "z" }, values("gauge").map((v, i) => (i % 11 === 0 ? "gap" : v)));
  return s;
}

/**
 * Instant queries, each on a store of its own: series queried only once scan
 * their long windows (SeriesIndex.pays), so these are also the reference for
 * the prefix arrays a range query reads.
 */
function fromInstants(query: string, start: number, end: number, step: number): Points {
  const out: Points = {};
  for (let t = start; t <= end; t += step) {
    const res = new Engine(store()).instantQuery(query, t);
    const samples = res.value.type === "vector" ? res.value.samples : res.value.type === "scalar" ? [{ metric: Labels.EMPTY, v: res.value.v }] : [];
    for (const s of samples) (out[s.metric.toSeriesString()] ??= []).push([t, bits(s.v)]);
  }
  // Series in label order, as a range query returns them.
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const QUERIES = [
  // Instant selectors, with and without offsets and @.
  "c_total",
  "g",
  "g offset 1m",
  "f offset 7m",
  "c_total @ 30000000",
  "timestamp(g offset 1m)",
  // The shapes of generated SLO rules.
  "sum(increase(c_total[5m])) or vector(0)",
  "(3 * f - 2 * (f offset 1m or 0 * f)) / 5",
  "sum(g)",
  "sum by (__name__) (g)",
  "(sum(increase(c_total{job=\"x\"}[30m])) or vector(0)) / sum(increase(c_total[30m]))",
  "sum_over_time(f[3h]) / sum_over_time(g[3h])",
  // Range functions over short and long windows (prefix arrays).
  "increase(c_total[5m])",
  "rate(c_total[2h])",
  "increase(c_total[6h] offset 1m)",
  "resets(c_total[2h])",
  "changes(g[2h])",
  "sum_over_time(g[10m])",
  "sum_over_time(g[2h])",
  "sum_over_time(f[1d])",
  "avg_over_time(f[2h])",
  "count_over_time(g[90m])",
  "last_over_time(g[3m])",
  "increase(c_total[5m] @ 12000000)",
  "sum_over_time(f[1h:5m])",
];

/** [start, end, step]: steps as dense as samples, sparser, denser, and starting before the first sample. */
const GRIDS: Array<[number, number, number]> = [
  [300 * MIN, 420 * MIN, MIN],
  [200 * MIN, 599 * MIN, 7 * MIN],
  [395 * MIN, 410 * MIN, 20_000],
  [-30 * MIN, 40 * MIN, MIN],
];

describe("range queries against instant queries at every step", () => {
  const engine = new Engine(store());
  for (const [start, end, step] of GRIDS) {
    for (const query of QUERIES) {
      it(`${query} from ${start / MIN}m to ${end / MIN}m by ${step / 1000}s`, () => {
        expect(fromRange(engine.rangeQuery(query, start, end, step))).toEqual(fromInstants(query, start, end, step));
      });
    }
  }
});

/**
 * sum() of one series takes its samples as they are (plus 0); against the
 * general aggregation, summing one series per group (h in another group,
 * left out) with -0, NaN, ±Inf, and names to drop or keep.
 */
const ONE_SERIES_SUMS: Array<[string, string]> = [
  ["sum by (job) (g)", 'sum by (job) ({__name__=~"g|h"})'],
  ["sum without (__name__) (g offset 1m)", 'sum without (__name__) ({__name__=~"g|h"} offset 1m)'],
  ["sum by (__name__) (g)", 'sum by (__name__) ({__name__=~"g|h"})'],
  ["sum by (__name__) (g * 1)", "sum by (__name__) (g * 1 or h)"],
  ["sum by (job) (increase(c_total{job=\"x\"}[2h]))", 'sum by (job) (increase(c_total{job="x"}[2h]) or h)'],
];

describe("sums of one series against the general aggregation", () => {
  const engine = new Engine(store());
  const withoutH = (points: Points): Points => Object.fromEntries(Object.entries(points).filter(([labels]) => labels !== "h" && !labels.includes('job="z"')));
  for (const [start, end, step] of GRIDS) {
    for (const [single, general] of ONE_SERIES_SUMS) {
      it(`${single} from ${start / MIN}m to ${end / MIN}m by ${step / 1000}s`, () => {
        const got = fromRange(engine.rangeQuery(single, start, end, step));
        expect(got).toEqual(withoutH(fromRange(engine.rangeQuery(general, start, end, step))));
        if (start >= 0) expect(Object.keys(got)).toHaveLength(1);
      });
    }
  }
});

describe("window indexes of changed series", () => {
  it("are rebuilt once samples are appended", () => {
    // An hour more of samples: a reset, and values of other magnitudes.
    const appendMore = (target: SeriesStore): void => {
      for (let i = SAMPLES; i < SAMPLES + 60; i++) {
        target.append(Labels.from({ __name__: "f", job: "x" }), i * MIN, 1e6 + i);
        target.append(Labels.from({ __name__: "c_total", job: "x" }), i * MIN, i - SAMPLES);
        target.append(Labels.from({ __name__: "g", job: "x" }), i * MIN, i % 3);
      }
    };
    const queries = ["sum_over_time(f[2h])", "increase(c_total[3h])", "changes(g[2h])"];
    const [start, end] = [(SAMPLES - 30) * MIN, (SAMPLES + 60) * MIN];
    const s = store();
    const engine = new Engine(s);
    for (const q of queries) engine.rangeQuery(q, start, end, MIN);
    appendMore(s);
    // The reference: the same samples, in a store never queried before.
    const reference = store();
    appendMore(reference);
    for (const q of queries) {
      expect(fromRange(engine.rangeQuery(q, start, end, MIN))).toEqual(fromRange(new Engine(reference).rangeQuery(q, start, end, MIN)));
    }
  });
});
