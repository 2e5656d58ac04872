/**
 * promqltest's `load_with_nhcb`: classic histograms (`<name>_bucket{le}`,
 * `<name>_count`, `<name>_sum` float series) are also loaded as native
 * histograms with custom buckets (schema -53) named `<name>`, one per
 * timestamp. A port of Prometheus's util/convertnhcb and promqltest's
 * appendCustomHistogram.
 */
import { CUSTOM_BUCKETS_SCHEMA, FloatHistogram } from "./histogram.js";
import { Labels, METRIC_NAME } from "./labels.js";

export class NHCBConversionError extends Error {}

interface TempHistogram {
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
  hasCount: boolean;
  err?: string;
}

/** strconv.ParseFloat for `le` values; undefined when it does not parse. */
function parseLe(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === "+inf" || lower === "inf" || lower === "+infinity" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan") return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function setBucketCount(h: TempHistogram, le: number, count: number): void {
  if (h.err !== undefined) return;
  if (count < 0) {
    h.err = `bucket count must be non-negative: le=${le}, count=${count}`;
    return;
  }
  const b = h.buckets;
  const last = b[b.length - 1];
  if (last === undefined) b.push({ le, count });
  else if (last.le < le) {
    if (count < last.count) h.err = `count is not cumulative: ${count} < ${last.count}`;
    else b.push({ le, count });
  } else if (last.le === le) {
    // Duplicate bound: the first one wins.
  } else {
    const i = b.findIndex((x) => x.le >= le);
    if (b[i]!.le === le) return;
    if (i > 0 && count < b[i - 1]!.count) {
      h.err = `count is not cumulative: ${count} < ${b[i - 1]!.count}`;
      return;
    }
    if (count > b[i]!.count) {
      h.err = `count is not cumulative: ${count} > ${b[i]!.count}`;
      return;
    }
    b.splice(i, 0, { le, count });
  }
}

function convert(h: TempHistogram): FloatHistogram {
  if (h.err !== undefined) throw new NHCBConversionError(h.err);
  const buckets = [...h.buckets];
  let count = h.count;
  if (!h.hasCount && buckets.length > 0) count = buckets[buckets.length - 1]!.count;
  if (buckets.length === 0 || buckets[buckets.length - 1]!.le !== Infinity) buckets.push({ le: Infinity, count });
  const integer = buckets.every((b) => Number.isInteger(b.count)) && Number.isInteger(count);
  const positiveBuckets: number[] = [];
  const customValues: number[] = [];
  let prev = 0;
  for (const b of buckets) {
    positiveBuckets.push(b.count - prev);
    prev = b.count;
    if (b.le !== Infinity) customValues.push(b.le);
  }
  const lastCount = buckets[buckets.length - 1]!.count;
  if (count !== lastCount) throw new NHCBConversionError(`count mismatch: count=${count} != le=+Inf count=${lastCount}`);
  const fh = new FloatHistogram({
    schema: CUSTOM_BUCKETS_SCHEMA,
    count,
    sum: h.sum,
    positiveSpans: [{ offset: 0, length: buckets.length }],
    positiveBuckets,
    customValues,
  });
  // Integer histograms are compacted with Compact(2) before conversion, float ones with Compact(0).
  return fh.compact(integer ? 2 : 0);
}

/** Float samples of one loaded series. */
export interface LoadedFloatSeries {
  labels: Labels;
  samples: Array<{ t: number; v: number }>;
}

/** The native histograms load_with_nhcb adds for the classic histograms among `series`. */
export function classicToNHCB(series: readonly LoadedFloatSeries[]): Array<{ labels: Labels; samples: Array<{ t: number; h: FloatHistogram }> }> {
  const byMetric = new Map<string, { labels: Labels; byTs: Map<number, TempHistogram> }>();
  const process = (labels: Labels, base: string, samples: ReadonlyArray<{ t: number; v: number }>, update: (h: TempHistogram, v: number) => void): void => {
    const m = labels.with(METRIC_NAME, base).without(["le"]);
    let w = byMetric.get(m.key);
    if (w === undefined) {
      w = { labels: m, byTs: new Map() };
      byMetric.set(m.key, w);
    }
    for (const s of samples) {
      let h = w.byTs.get(s.t);
      if (h === undefined) {
        h = { buckets: [], count: 0, sum: 0, hasCount: false };
        w.byTs.set(s.t, h);
      }
      update(h, s.v);
    }
  };
  for (const s of series) {
    const name = s.labels.get(METRIC_NAME);
    if (name.endsWith("_bucket")) {
      if (!s.labels.has("le")) throw new NHCBConversionError(`expected bucket label in metric ${s.labels.toString()}`);
      const le = parseLe(s.labels.get("le"));
      if (le === undefined || Number.isNaN(le)) continue;
      process(s.labels, name.slice(0, -"_bucket".length), s.samples, (h, v) => setBucketCount(h, le, v));
    } else if (name.endsWith("_sum")) {
      process(s.labels, name.slice(0, -"_sum".length), s.samples, (h, v) => {
        if (h.err === undefined) h.sum = v;
      });
    } else if (name.endsWith("_count")) {
      process(s.labels, name.slice(0, -"_count".length), s.samples, (h, v) => {
        if (h.err !== undefined) return;
        if (v < 0) h.err = `count must be non-negative: count=${v}`;
        else {
          h.count = v;
          h.hasCount = true;
        }
      });
    }
  }
  return [...byMetric.values()].map((w) => ({
    labels: w.labels,
    samples: [...w.byTs].sort((a, b) => a[0] - b[0]).map(([t, h]) => ({ t, h: convert(h) })),
  }));
}
