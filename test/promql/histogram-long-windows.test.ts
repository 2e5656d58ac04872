/**
 * Native histogram counters over long windows against the general code:
 *
 * - rate() and increase() of a window of more than a few histograms, once a
 *   range query has scanned as many samples as the series holds, take its
 *   reset count from the series' prefix counts (SeriesIndex.histogramResets)
 *   and, without a reset, subtract the first histogram from the last;
 * - a selector read as Prometheus's HistogramStatsIterator reads it (under
 *   histogram_count/sum/avg) decodes only the samples between the query's
 *   first seek point and last step (StatsDecodedSeries).
 *
 * The reference is the same query as instant queries, each on a store of its
 * own (so nothing a previous query indexed is reused, and every window is
 * scanned histogram by histogram): the same histograms to the last bit, and
 * the same annotations. The series cover what sends a window back to the
 * scan: resets (hinted and detected), a schema change, a gauge hint, float
 * samples among the histograms, custom buckets, gaps and staleness markers.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/promql/engine.js";
import { FloatHistogram, type FloatHistogramInit } from "../../src/promql/histogram.js";
import { Labels } from "../../src/promql/labels.js";
import { SeriesStore } from "../../src/promql/storage.js";
import type { QueryResult } from "../../src/promql/value.js";
import { bits } from "../support/points.js";

const MIN = 60_000;
const SAMPLES = 240;

type Point = FloatHistogramInit | number | "gap" | "stale";

/** A counter histogram at sample i: three exponential buckets growing at different speeds, scaled by `scale`. */
function counter(i: number, scale = 1, schema = 0): FloatHistogramInit {
  const b = [3 * i * scale, 2 * i * scale + 1, i * scale];
  return { schema, count: b[0]! + b[1]! + b[2]!, sum: 1.5 * i * scale, positiveSpans: [{ offset: 0, length: 3 }], positiveBuckets: b };
}

const SERIES: Record<string, (i: number) => Point> = {
  // No reset anywhere: long windows subtract first from last.
  steady: (i) => counter(i),
  // Resets at 100 and 170 (one window in three holds one), a gap and a staleness marker.
  resets: (i) => (i === 60 ? "gap" : i === 130 ? "stale" : counter(i < 100 ? i : i < 170 ? i - 90 : i - 160)),
  // A reset by hint alone (the counts keep growing).
  hinted: (i) => ({ ...counter(i), ...(i === 150 ? { counterResetHint: "reset" as const } : {}) }),
  // The schema drops halfway: every window goes back to the scan.
  rescaled: (i) => counter(i, 1, i < 120 ? 1 : 0),
  // One gauge histogram among counters.
  gaugeHint: (i) => ({ ...counter(i), ...(i === 90 ? { counterResetHint: "gauge" as const } : {}) }),
  // Floats among the histograms: windows holding one have no result.
  mixed: (i) => (i % 80 === 25 ? i : counter(i)),
  // Custom buckets.
  custom: (i) => ({ schema: -53, count: 5 * i, sum: 2 * i, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [4 * i, i], customValues: [0.25, 1] }),
};

function store(): SeriesStore {
  const s = new SeriesStore();
  for (const [name, point] of Object.entries(SERIES)) {
    const labels = Labels.from({ __name__: "h", series: name });
    for (let i = 0; i < SAMPLES; i++) {
      const p = point(i);
      if (p === "gap") continue;
      if (p === "stale") s.appendStale(labels, i * MIN);
      else if (typeof p === "number") s.append(labels, i * MIN, p);
      else s.appendHistogram(labels, i * MIN, new FloatHistogram(p));
    }
  }
  return s;
}

const QUERIES = [
  "rate(h[30m])",
  "increase(h[1h])",
  "increase(h[9m])",
  "histogram_count(increase(h[40m]))",
  "histogram_sum(rate(h[20m]))",
  "histogram_fraction(0, 2, rate(h[25m]))",
  "sum by (series) (increase(h[45m]))",
  "histogram_count(h)",
  "histogram_avg(h offset 7m)",
  "histogram_count(sum_over_time(h[15m]))",
];

/** Each point's value and histogram to the last bit, per series. */
type Points = Record<string, Array<[number, string]>>;

const exact = (v: number, h: FloatHistogram | undefined): string =>
  h === undefined ? bits(v) : JSON.stringify(h, (_k, x: unknown) => (typeof x === "number" ? bits(x) : x));

function rangePoints(res: QueryResult): Points {
  if (res.value.type !== "matrix") throw new Error(`expected a matrix, got ${res.value.type}`);
  const out: Points = {};
  for (const s of res.value.series) out[s.metric.toSeriesString()] = s.t.map((t, i) => [t, exact(s.v[i]!, s.h?.[i])]);
  return out;
}

function instantPoints(query: string, start: number, end: number, step: number): { points: Points; annotations: Set<string> } {
  const out: Points = {};
  const annotations = new Set<string>();
  for (let t = start; t <= end; t += step) {
    const res = new Engine(store()).instantQuery(query, t);
    if (res.value.type !== "vector") throw new Error(`expected a vector, got ${res.value.type}`);
    for (const s of res.value.samples) (out[s.metric.toSeriesString()] ??= []).push([t, exact(s.v, s.h)]);
    for (const a of res.annotations) annotations.add(JSON.stringify(a));
  }
  return { points: out, annotations };
}

describe("native histogram counters over long windows against scanning each window", () => {
  // Every minute over most of the series, and a coarser grid whose windows do not touch.
  const grids: Array<[number, number, number]> = [
    [20 * MIN, 235 * MIN, MIN],
    [0, 239 * MIN, 47 * MIN],
  ];
  for (const [start, end, step] of grids) {
    for (const query of QUERIES) {
      it(`${query} from ${start / MIN}m to ${end / MIN}m by ${step / MIN}m`, () => {
        const res = new Engine(store()).rangeQuery(query, start, end, step);
        const want = instantPoints(query, start, end, step);
        expect(rangePoints(res)).toEqual(want.points);
        expect(new Set(res.annotations.map((a) => JSON.stringify(a)))).toEqual(want.annotations);
      });
    }
  }

  it("has windows both with and without resets, and series the index cannot answer for", () => {
    // The steady series' 1h increase: 60 minutes of growth, extrapolated by none (samples on the window's edges).
    const res = new Engine(store()).rangeQuery('histogram_count(increase(h{series=~"steady|resets|mixed"}[1h]))', 120 * MIN, 200 * MIN, MIN);
    const points = rangePoints(res);
    expect(Object.keys(points).sort()).toEqual(['{series="mixed"}', '{series="resets"}', '{series="steady"}']);
    // A window holding one of `mixed`'s floats has no result; the others do.
    expect(points['{series="mixed"}']!.length).toBeLessThan(points['{series="steady"}']!.length);
    expect(points['{series="steady"}']!.length).toBe(81);
  });
});
