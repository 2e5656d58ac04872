/**
 * In-memory series storage. Float samples live in growable typed arrays per
 * series so that range functions can binary search and scan without
 * allocating. Native histogram samples live in a parallel array, allocated
 * when a series gets its first histogram, so the float path is unchanged; a
 * histogram sample's float slot holds NaN.
 */
import type { LabelMatcher } from "./ast.js";
import { customBucketBoundsMatch, FloatHistogram } from "./histogram.js";
import { Labels, METRIC_NAME } from "./labels.js";
import { compileAnchoredRegex } from "./regex.js";

/** Prometheus marks a series stale with this exact NaN payload. */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

const bitsView = new DataView(new ArrayBuffer(8));

export function staleNaN(): number {
  bitsView.setBigUint64(0, STALE_NAN_BITS);
  return bitsView.getFloat64(0);
}

export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  bitsView.setFloat64(0, v);
  return bitsView.getBigUint64(0) === STALE_NAN_BITS;
}

/** A contiguous run of float samples, sorted by timestamp. */
export interface FloatSamples {
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  readonly length: number;
  /**
   * Present only when some sample is a native histogram: h[i] set means
   * sample i is that histogram (v[i] is then NaN and must not be read).
   */
  readonly h?: ArrayLike<FloatHistogram | undefined> | undefined;
}

/** Whether any sample in [lo, hi) is a native histogram. */
export function hasHistograms(s: FloatSamples, lo = 0, hi = s.length): boolean {
  const h = s.h;
  if (h === undefined) return false;
  for (let i = lo; i < hi; i++) if (h[i] !== undefined) return true;
  return false;
}

export class MemorySeries {
  private ts = new Float64Array(16);
  private vs = new Float64Array(16);
  /** 1 where the sample is a staleness marker; allocated on first use. */
  private staleFlags: Uint8Array | null = null;
  /** Native histogram samples (index-aligned with ts); allocated on the first one. */
  private hs: Array<FloatHistogram | undefined> | null = null;
  /** hs with the counter reset hints Prometheus's TSDB gives them on read (see readHints); null when stale. */
  private hinted: Array<FloatHistogram | undefined> | null = null;
  private n = 0;
  private sorted = true;
  private nonStaleView: FloatSamples | null = null;

  constructor(readonly labels: Labels) {}

  get length(): number {
    this.ensureSorted();
    return this.n;
  }

  append(t: number, v: number, stale = false): void {
    if (this.n === this.ts.length) this.grow();
    if (this.n > 0 && t <= this.ts[this.n - 1]!) this.sorted = false;
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    if (stale || isStaleNaN(v)) {
      this.staleFlags ??= new Uint8Array(this.ts.length);
      this.staleFlags[this.n] = 1;
    }
    if (this.hs !== null) {
      this.hs[this.n] = undefined;
      this.hinted = null;
    }
    this.n++;
    this.nonStaleView = null;
  }

  /** Appends a native histogram sample (its float slot holds NaN). */
  appendHistogram(t: number, h: FloatHistogram): void {
    if (this.hs === null) this.hs = new Array<FloatHistogram | undefined>(this.n).fill(undefined);
    this.append(t, NaN);
    this.hs[this.n - 1] = h;
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    const vs = new Float64Array(cap);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
    if (this.staleFlags) {
      const f = new Uint8Array(cap);
      f.set(this.staleFlags);
      this.staleFlags = f;
    }
  }

  /** Out-of-order appends are sorted lazily; a later sample at the same timestamp wins. */
  private ensureSorted(): void {
    if (this.sorted) return;
    const idx = Array.from({ length: this.n }, (_, i) => i);
    idx.sort((a, b) => this.ts[a]! - this.ts[b]! || a - b);
    const keep: number[] = [];
    for (const i of idx) {
      if (keep.length > 0 && this.ts[keep[keep.length - 1]!] === this.ts[i]) keep[keep.length - 1] = i;
      else keep.push(i);
    }
    const ts = new Float64Array(this.ts.length);
    const vs = new Float64Array(this.ts.length);
    const flags = this.staleFlags ? new Uint8Array(this.ts.length) : null;
    const hs = this.hs ? new Array<FloatHistogram | undefined>(keep.length).fill(undefined) : null;
    keep.forEach((src, dst) => {
      ts[dst] = this.ts[src]!;
      vs[dst] = this.vs[src]!;
      if (flags) flags[dst] = this.staleFlags![src]!;
      if (hs) hs[dst] = this.hs![src];
    });
    this.ts = ts;
    this.vs = vs;
    this.staleFlags = flags;
    this.hs = hs;
    this.hinted = null;
    this.n = keep.length;
    this.sorted = true;
  }

  timestamp(i: number): number {
    return this.ts[i]!;
  }

  /**
   * The sorted samples' arrays, for a loop reading many of them (the first
   * `length` entries; valid until the next append): timestamps, values, and
   * 1 where a sample is a staleness marker (null when none is).
   */
  arrays(): { readonly t: Float64Array; readonly v: Float64Array; readonly stale: Uint8Array | null; readonly length: number } {
    this.ensureSorted();
    return { t: this.ts, v: this.vs, stale: this.staleFlags, length: this.n };
  }

  value(i: number): number {
    return this.vs[i]!;
  }

  /** The native histogram at sample i, or undefined for a float sample. */
  histogram(i: number): FloatHistogram | undefined {
    if (this.hs === null) return undefined;
    return (this.hinted ?? this.readHints())[i];
  }

  /**
   * The counter reset hints a histogram read back from Prometheus's TSDB
   * carries: samples are cut into chunks (a new chunk on a float or stale
   * sample in between, a switch between gauge and counter histograms, or a
   * detected counter reset); the first histogram of a chunk reads "unknown"
   * (or "reset" when its literal said so, at the start of a series); later
   * ones "not-reset"; gauge histograms stay "gauge". Test scripts compare
   * these hints where they write one.
   */
  private readHints(): Array<FloatHistogram | undefined> {
    this.ensureSorted();
    const hs = this.hs!;
    const out = new Array<FloatHistogram | undefined>(this.n);
    let prev: FloatHistogram | undefined;
    for (let i = 0; i < this.n; i++) {
      const h = hs[i];
      if (h === undefined || (this.staleFlags !== null && this.staleFlags[i] === 1)) {
        out[i] = h;
        prev = undefined;
        continue;
      }
      let hint: FloatHistogram["counterResetHint"];
      if (h.counterResetHint === "gauge") hint = "gauge";
      else if (prev === undefined || prev.counterResetHint === "gauge") hint = h.counterResetHint === "reset" ? "reset" : "unknown";
      else {
        const reset = h.counterResetHint === "reset" || (h.counterResetHint === "not-reset" ? h.with({ counterResetHint: "unknown" }) : h).detectReset(prev);
        // A new schema, zero threshold or set of custom bounds also starts
        // a new chunk (tsdb/chunkenc's appendable: not appendable), whose
        // first histogram reads "unknown" even when it is no reset.
        const newLayout =
          h.schema !== prev.schema ||
          h.zeroThreshold !== prev.zeroThreshold ||
          (h.usesCustomBuckets() && !customBucketBoundsMatch(h.customValues, prev.customValues));
        // A chunk cut by a detected reset still reads "unknown" in
        // Prometheus (prometheus/prometheus#15346), which the scripts expect.
        hint = reset || newLayout ? "unknown" : "not-reset";
      }
      out[i] = hint === h.counterResetHint ? h : h.with({ counterResetHint: hint });
      prev = h;
    }
    this.hinted = out;
    return out;
  }

  /** Whether the series has any native histogram sample. */
  get hasHistograms(): boolean {
    return this.hs !== null;
  }

  isStale(i: number): boolean {
    return this.staleFlags !== null && this.staleFlags[i] === 1;
  }

  /** Index of the last sample with timestamp <= t, or -1. */
  lastAtOrBefore(t: number): number {
    this.ensureSorted();
    return upperBound(this.ts, t, 0, this.n) - 1;
  }

  /**
   * Samples without staleness markers, which range selectors never return.
   * Shares the underlying arrays when the series has no markers.
   */
  floats(): FloatSamples {
    this.ensureSorted();
    if (this.nonStaleView) return this.nonStaleView;
    if (this.staleFlags === null) {
      this.nonStaleView = { t: this.ts.subarray(0, this.n), v: this.vs.subarray(0, this.n), length: this.n };
      if (this.hs !== null) this.nonStaleView = { ...this.nonStaleView, h: (this.hinted ?? this.readHints()).slice(0, this.n) };
    } else {
      const t: number[] = [];
      const v: number[] = [];
      const h: Array<FloatHistogram | undefined> = [];
      const hinted = this.hs === null ? null : (this.hinted ?? this.readHints());
      for (let i = 0; i < this.n; i++) {
        if (this.staleFlags[i] === 1) continue;
        t.push(this.ts[i]!);
        v.push(this.vs[i]!);
        if (hinted !== null) h.push(hinted[i]);
      }
      this.nonStaleView = { t: Float64Array.from(t), v: Float64Array.from(v), length: t.length };
      if (this.hs !== null && h.some((x) => x !== undefined)) this.nonStaleView = { ...this.nonStaleView, h };
    }
    return this.nonStaleView;
  }
}

export interface Queryable {
  select(matchers: readonly LabelMatcher[]): readonly MemorySeries[];
}

export function matcherPredicate(m: LabelMatcher): (value: string) => boolean {
  switch (m.op) {
    case "=":
      return (v) => v === m.value;
    case "!=":
      return (v) => v !== m.value;
    case "=~": {
      const re = compileAnchoredRegex(m.value);
      return (v) => re.test(v);
    }
    case "!~": {
      const re = compileAnchoredRegex(m.value);
      return (v) => !re.test(v);
    }
  }
}

export class SeriesStore implements Queryable {
  private readonly byKey = new Map<string, MemorySeries>();
  private readonly byName = new Map<string, MemorySeries[]>();

  get seriesCount(): number {
    return this.byKey.size;
  }

  /** The stored series with these labels, created (empty) when there is none. */
  seriesFor(labels: Labels): MemorySeries {
    let s = this.byKey.get(labels.key);
    if (s === undefined) {
      s = new MemorySeries(labels);
      this.byKey.set(labels.key, s);
      const name = labels.get(METRIC_NAME);
      const list = this.byName.get(name);
      if (list) list.push(s);
      else this.byName.set(name, [s]);
    }
    return s;
  }

  append(labels: Labels, t: number, v: number): void {
    this.seriesFor(labels).append(t, v);
  }

  appendHistogram(labels: Labels, t: number, h: FloatHistogram): void {
    this.seriesFor(labels).appendHistogram(t, h);
  }

  appendStale(labels: Labels, t: number): void {
    this.seriesFor(labels).append(t, NaN, true);
  }

  clear(): void {
    this.byKey.clear();
    this.byName.clear();
  }

  select(matchers: readonly LabelMatcher[]): readonly MemorySeries[] {
    const nameEq = matchers.find((m) => m.name === METRIC_NAME && m.op === "=");
    const candidates = nameEq ? (this.byName.get(nameEq.value) ?? []) : [...this.byKey.values()];
    const preds = matchers.map((m) => ({ name: m.name, test: matcherPredicate(m) }));
    return candidates.filter((s) => s.length > 0 && preds.every((p) => p.test(s.labels.get(p.name))));
  }
}

/** What the engine reads from a stored series. */
export type SeriesReader = Pick<MemorySeries, "labels" | "length" | "lastAtOrBefore" | "timestamp" | "value" | "isStale" | "histogram" | "hasHistograms" | "floats">;

/**
 * A series read the way Prometheus's HistogramStatsIterator reads it (for
 * selectors under histogram_count/sum/avg): histograms keep only schema,
 * count, sum and the counter reset hint, and an "unknown" hint is replaced
 * by reset detection against the previous histogram read in the same pass
 * ("reset" or "not-reset"). A pass starts at each seek point (the iterator
 * forgets the previous histogram when a seek moves it) and reads every
 * sample from there on.
 *
 * Only the samples the query can read are decoded: after the first seek
 * point (where the first pass starts, forgetting what came before) and up to
 * the last step's reference time, `until`. A rule test queries a days-long
 * series in chunks of steps, each of which would otherwise decode all of it.
 */
export class StatsDecodedSeries implements SeriesReader {
  private readonly hs: Array<FloatHistogram | undefined>;
  private view: FloatSamples | null = null;
  /** The decoded samples [lo, hi): no query reads any other. */
  private readonly lo: number;
  private readonly hi: number;

  constructor(
    private readonly inner: MemorySeries,
    seekPoints: readonly number[],
    until: number,
  ) {
    const n = inner.length;
    this.hs = new Array<FloatHistogram | undefined>(n);
    const { t } = inner.arrays();
    this.lo = seekPoints.length > 0 ? upperBound(t, seekPoints[0]!, 0, n) : 0;
    this.hi = Math.max(this.lo, upperBound(t, until, this.lo, n));
    let seek = 0;
    let last: FloatHistogram | undefined;
    for (let i = this.lo; i < this.hi; i++) {
      const t = inner.timestamp(i);
      while (seek < seekPoints.length && seekPoints[seek]! <= t) {
        seek++;
        last = undefined;
      }
      const h = inner.histogram(i);
      if (h === undefined || inner.isStale(i)) continue;
      let hint = h.counterResetHint;
      if (hint === "unknown" && last !== undefined) hint = h.detectReset(last) ? "reset" : "not-reset";
      last = h;
      this.hs[i] = new FloatHistogram({ counterResetHint: hint, schema: h.schema, count: h.count, sum: h.sum });
    }
  }

  get labels(): Labels {
    return this.inner.labels;
  }

  get length(): number {
    return this.inner.length;
  }

  get hasHistograms(): boolean {
    return true;
  }

  lastAtOrBefore(t: number): number {
    return this.inner.lastAtOrBefore(t);
  }

  timestamp(i: number): number {
    return this.inner.timestamp(i);
  }

  value(i: number): number {
    return this.inner.value(i);
  }

  isStale(i: number): boolean {
    return this.inner.isStale(i);
  }

  histogram(i: number): FloatHistogram | undefined {
    return this.hs[i];
  }

  floats(): FloatSamples {
    if (this.view !== null) return this.view;
    const t: number[] = [];
    const v: number[] = [];
    const h: Array<FloatHistogram | undefined> = [];
    for (let i = this.lo; i < this.hi; i++) {
      if (this.inner.isStale(i)) continue;
      t.push(this.inner.timestamp(i));
      v.push(this.inner.value(i));
      h.push(this.hs[i]);
    }
    this.view = { t: Float64Array.from(t), v: Float64Array.from(v), h, length: t.length };
    return this.view;
  }
}

/** Index of the first element > x in the ascending t[lo, hi) (hi when there is none). */
export function upperBound(t: ArrayLike<number>, x: number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (t[mid]! <= x) a = mid + 1;
    else b = mid;
  }
  return a;
}
