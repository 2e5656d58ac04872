/**
 * The storage a promtool test runs on: a TSDB head without out-of-order
 * support. Appending a sample older than the series' newest is an
 * out-of-order error; one at the same timestamp is accepted only if it is
 * bit-for-bit the same value (so two rules recording the same series with the
 * same value coexist, as in Prometheus), else it is a duplicate-sample error.
 * Input series are loaded lazily, like promqltest's LazyLoader: before the
 * rules run at time t, exactly the input samples at or before t are stored.
 */
import { Labels, SeriesStore, staleNaN } from "../promql/index.js";
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
  private readonly last = new Map<string, { t: number; v: number }>();
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

  /** Stores the input samples with timestamps <= t not stored yet. */
  loadInputTill(t: number): void {
    this.input.forEach((s, i) => {
      let k = this.cursors[i]!;
      while (k < s.t.length && s.t[k]! <= t) {
        this.append(s.labels, s.t[k]!, s.stale[k] ? staleNaN() : s.v[k]!);
        k++;
      }
      this.cursors[i] = k;
    });
  }

  /** Appends with TSDB semantics; throws AppendError for out-of-order or conflicting samples. */
  append(labels: Labels, t: number, v: number): void {
    const key = labels.key;
    const prev = this.last.get(key);
    if (prev !== undefined) {
      if (t < prev.t) throw new AppendError("out of order sample");
      if (t === prev.t) {
        if (bits(v) === bits(prev.v)) return;
        throw new AppendError(duplicateSampleMessage(t, prev.v, v));
      }
    }
    this.last.set(key, { t, v });
    if (Number.isNaN(v) && bits(v) === bits(staleNaN())) this.store.appendStale(labels, t);
    else this.store.append(labels, t, v);
  }
}

/** storage.errDuplicateSampleForTimestamp's message. */
function duplicateSampleMessage(t: number, existing: number, value: number): string {
  if (t === 0) return "duplicate sample for timestamp";
  return `duplicate sample for timestamp ${t}; overrides not allowed: existing ${sprintf("%g", [existing])}, new value ${sprintf("%g", [value])}`;
}
