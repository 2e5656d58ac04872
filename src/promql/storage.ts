/**
 * In-memory series storage. Float samples live in growable typed arrays per
 * series so that range functions can binary search and scan without
 * allocating. Native histogram samples are not stored yet; a series would get
 * a parallel histogram array, keeping the float path unchanged.
 */
import type { LabelMatcher } from "./ast.js";
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
}

export class MemorySeries {
  private ts = new Float64Array(16);
  private vs = new Float64Array(16);
  /** 1 where the sample is a staleness marker; allocated on first use. */
  private staleFlags: Uint8Array | null = null;
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
    this.n++;
    this.nonStaleView = null;
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
    keep.forEach((src, dst) => {
      ts[dst] = this.ts[src]!;
      vs[dst] = this.vs[src]!;
      if (flags) flags[dst] = this.staleFlags![src]!;
    });
    this.ts = ts;
    this.vs = vs;
    this.staleFlags = flags;
    this.n = keep.length;
    this.sorted = true;
  }

  timestamp(i: number): number {
    return this.ts[i]!;
  }

  value(i: number): number {
    return this.vs[i]!;
  }

  isStale(i: number): boolean {
    return this.staleFlags !== null && this.staleFlags[i] === 1;
  }

  /** Index of the last sample with timestamp <= t, or -1. */
  lastAtOrBefore(t: number): number {
    this.ensureSorted();
    let lo = 0;
    let hi = this.n - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ts[mid]! <= t) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
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
    } else {
      const t: number[] = [];
      const v: number[] = [];
      for (let i = 0; i < this.n; i++) {
        if (this.staleFlags[i] === 1) continue;
        t.push(this.ts[i]!);
        v.push(this.vs[i]!);
      }
      this.nonStaleView = { t: Float64Array.from(t), v: Float64Array.from(v), length: t.length };
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

  private series(labels: Labels): MemorySeries {
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
    this.series(labels).append(t, v);
  }

  appendStale(labels: Labels, t: number): void {
    this.series(labels).append(t, NaN, true);
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
