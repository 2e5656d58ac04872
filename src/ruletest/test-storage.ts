/**
 * The storage a promtool test runs on: a TSDB head without out-of-order
 * support. Appending a sample older than the series' newest is an
 * out-of-order error; one at the same timestamp is accepted only if it is
 * bit-for-bit the same value (so two rules recording the same series with the
 * same value coexist, as in Prometheus), else it is a duplicate-sample error.
 * Native histogram samples follow the head appender too: one at the same
 * timestamp is accepted only if it Equals the series' last histogram; a float
 * after a histogram at the same timestamp is a duplicate; a staleness marker
 * on a series whose last sample is a histogram is a histogram marker.
 * Input series are loaded lazily, like promqltest's LazyLoader: before the
 * rules run at time t, exactly the input samples at or before t are stored,
 * in one appender per load, whose Commit writes the floats of the batch
 * before its histograms (a histogram older than a float of the same series
 * and batch is then dropped as out of order, as in Prometheus 3.5).
 */
import { Labels } from "../promql/labels.js";
import { isStaleNaN, SeriesStore, staleNaN } from "../promql/storage.js";
import { FloatHistogram } from "../promql/histogram.js";
import { sprintf } from "../template/index.js";
import type { InputSamples } from "./input.js";

export class AppendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AppendError";
  }
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function bits(v: number): bigint {
  f64[0] = v;
  return u64[0]!;
}

export class TestStorage {
  readonly store = new SeriesStore();
  private readonly last = new Map<string, Last>();
  private readonly input: InputSamples[];
  private readonly cursors: number[];
  private readonly inputKeys = new Set<string>();

  constructor(input: readonly InputSamples[]) {
    this.input = [...input];
    this.cursors = this.input.map(() => 0);
    for (const s of input) this.inputKeys.add(s.labels.key);
  }

  /** Whether an input series has these labels (rule outputs colliding with input). */
  isInputSeries(labels: Labels): boolean {
    return this.inputKeys.has(labels.key);
  }

  /**
   * Stores the input samples with timestamps <= t not stored yet: one
   * appender and its Commit (LazyLoader.appendTill). Appending itself cannot
   * fail (each batch is newer than everything stored); Commit writes floats
   * before histograms and silently drops what is then out of order or a
   * duplicate.
   */
  loadInputTill(t: number): void {
    this.input.forEach((s, i) => {
      let k = this.cursors[i]!;
      const start = k;
      while (k < s.t.length && s.t[k]! <= t) k++;
      this.cursors[i] = k;
      if (k === start) return;
      if (s.h === undefined && this.increasing(s, start, k)) {
        // Floats newer than anything stored: nothing can fail, one pass.
        this.appendFloats(s.labels, s.t, s.v, s.stale, start, k);
        return;
      }
      // Append time: a staleness marker becomes a histogram one if the series' committed last sample is a histogram.
      const prevIsHistogram = this.last.get(s.labels.key)?.h !== undefined;
      const isHistogram = (j: number): boolean => s.h?.[j] !== undefined || (s.stale[j]! && prevIsHistogram);
      for (const histograms of [false, true]) {
        for (let j = start; j < k; j++) {
          if (isHistogram(j) !== histograms) continue;
          try {
            const h = s.h?.[j];
            if (h !== undefined) this.appendHistogram(s.labels, s.t[j]!, h);
            else this.append(s.labels, s.t[j]!, s.stale[j] ? staleNaN() : s.v[j]!);
          } catch (e) {
            if (!(e instanceof AppendError)) throw e;
          }
        }
      }
    });
  }

  /** Whether input samples [from, to) have increasing timestamps, all after the series' last stored sample. */
  private increasing(s: InputSamples, from: number, to: number): boolean {
    const prev = this.last.get(s.labels.key);
    if (prev !== undefined && !(prev.h === undefined && prev.t < s.t[from]!)) return false;
    for (let j = from + 1; j < to; j++) if (!(s.t[j - 1]! < s.t[j]!)) return false;
    return true;
  }

  /** Appends a float with TSDB semantics; throws AppendError for out-of-order or conflicting samples. */
  append(labels: Labels, t: number, v: number): void {
    const key = labels.key;
    const prev = this.last.get(key);
    const stale = isStaleNaN(v);
    // headAppender.Append: a staleness marker for a histogram series is a histogram one.
    if (stale && prev?.h !== undefined) {
      this.appendHistogram(labels, t, new FloatHistogram({ sum: staleNaN() }));
      return;
    }
    if (prev !== undefined) {
      if (t < prev.t) throw new AppendError("out of order sample");
      if (t === prev.t) {
        if (prev.h !== undefined) throw new AppendError(duplicateSampleMessage(t, undefined, v));
        if (bits(v) === bits(prev.v)) return;
        throw new AppendError(duplicateSampleMessage(t, prev.v, v));
      }
    }
    this.last.set(key, { t, v, h: undefined });
    if (stale) this.store.appendStale(labels, t);
    else this.store.append(labels, t, v);
  }

  /**
   * append(labels, t[i], v[i]) for i = from .. to-1 in order (a staleness
   * marker where stale[i] is set), stopping at the first AppendError, which it
   * throws, with everything before it appended: the same, in one pass.
   */
  appendFloats(labels: Labels, t: ArrayLike<number>, v: ArrayLike<number>, stale: ArrayLike<number | boolean> | null, from: number, to: number): void {
    if (to <= from) return;
    const key = labels.key;
    const prev = this.last.get(key);
    const marker = staleNaN();
    if (prev?.h !== undefined) {
      for (let i = from; i < to; i++) this.append(labels, t[i]!, stale !== null && stale[i] ? marker : v[i]!);
      return;
    }
    const series = this.store.seriesFor(labels);
    let has = prev !== undefined;
    let lt = prev?.t ?? 0;
    let lv = prev?.v ?? 0;
    let error: AppendError | undefined;
    for (let i = from; i < to; i++) {
      const ti = t[i]!;
      const isMarker = stale !== null && (stale[i] === true || stale[i] === 1);
      const vi = isMarker ? marker : v[i]!;
      if (has) {
        if (ti < lt) {
          error = new AppendError("out of order sample");
          break;
        }
        if (ti === lt) {
          if (bits(vi) === bits(lv)) continue;
          error = new AppendError(duplicateSampleMessage(ti, lv, vi));
          break;
        }
      }
      if (isMarker || (vi !== vi && isStaleNaN(vi))) series.append(ti, NaN, true);
      else series.append(ti, vi);
      has = true;
      lt = ti;
      lv = vi;
    }
    if (has) this.last.set(key, { t: lt, v: lv, h: undefined });
    if (error !== undefined) throw error;
  }

  /** Appends a native histogram with TSDB semantics (appendableFloatHistogram); throws AppendError. */
  appendHistogram(labels: Labels, t: number, h: FloatHistogram): void {
    const key = labels.key;
    const prev = this.last.get(key);
    if (prev !== undefined) {
      if (t < prev.t) throw new AppendError("out of order sample");
      if (t === prev.t) {
        // Equals ignores the counter reset hint; against a float it is never equal.
        if (h.equals(prev.h)) return;
        throw new AppendError(duplicateSampleMessage(0, undefined, NaN));
      }
    }
    this.last.set(key, { t, v: NaN, h });
    // A histogram staleness marker (sum StaleNaN) is stored as a plain marker.
    if (isStaleNaN(h.sum)) this.store.appendStale(labels, t);
    else this.store.appendHistogram(labels, t, h);
  }
}

interface Last {
  t: number;
  v: number;
  /** Set when the last sample is a native histogram. */
  h: FloatHistogram | undefined;
}

/**
 * storage.errDuplicateSampleForTimestamp's message. `existing` is undefined
 * when the existing sample is a histogram. A histogram that conflicts is
 * the bare ErrDuplicateSampleForTimestamp (timestamp 0).
 */
function duplicateSampleMessage(t: number, existing: number | undefined, value: number): string {
  if (t === 0) return "duplicate sample for timestamp";
  const e = existing === undefined ? "is a histogram" : sprintf("%g", [existing]);
  return `duplicate sample for timestamp ${t}; overrides not allowed: existing ${e}, new value ${sprintf("%g", [value])}`;
}
