/**
 * Immutable, sorted label sets. The string `key` plays the role of
 * Prometheus's label hash: two label sets are the same series exactly when
 * their keys are equal.
 */
import { quoteString } from "./literals.js";

export const METRIC_NAME = "__name__";
/** Labels Prometheus treats as metric metadata and drops together with the name. */
const METADATA_LABELS = new Set([METRIC_NAME, "__type__", "__unit__"]);
const SEP = "\xff";

export class Labels {
  private cachedKey: string | undefined;

  private constructor(
    readonly names: readonly string[],
    readonly values: readonly string[],
  ) {}

  static readonly EMPTY = new Labels([], []);

  /** Builds a label set; empty values mean "label absent", as in Prometheus. */
  static from(pairs: Iterable<readonly [string, string]> | Record<string, string>): Labels {
    const entries = Symbol.iterator in pairs ? [...(pairs as Iterable<readonly [string, string]>)] : Object.entries(pairs);
    const map = new Map<string, string>();
    for (const [n, v] of entries) map.set(n, v);
    return Labels.fromMap(map);
  }

  private static fromMap(map: Map<string, string>): Labels {
    const names = [...map.keys()].filter((n) => map.get(n) !== "").sort(compareStrings);
    return new Labels(
      names,
      names.map((n) => map.get(n)!),
    );
  }

  get size(): number {
    return this.names.length;
  }

  get key(): string {
    if (this.cachedKey === undefined) {
      let k = "";
      for (let i = 0; i < this.names.length; i++) k += this.names[i] + SEP + this.values[i] + SEP;
      this.cachedKey = k;
    }
    return this.cachedKey;
  }

  get(name: string): string {
    const i = this.indexOf(name);
    return i < 0 ? "" : this.values[i]!;
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  private indexOf(name: string): number {
    let lo = 0;
    let hi = this.names.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareStrings(this.names[mid]!, name);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  entries(): Array<[string, string]> {
    return this.names.map((n, i) => [n, this.values[i]!]);
  }

  private toMap(): Map<string, string> {
    return new Map(this.entries());
  }

  /** Returns a copy with `name` set; an empty value removes the label. */
  with(name: string, value: string): Labels {
    if (this.get(name) === value) return this;
    const m = this.toMap();
    m.set(name, value);
    return Labels.fromMap(m);
  }

  without(names: Iterable<string>): Labels {
    const drop = new Set(names);
    if (!this.names.some((n) => drop.has(n))) return this;
    const keep: number[] = [];
    this.names.forEach((n, i) => {
      if (!drop.has(n)) keep.push(i);
    });
    return new Labels(
      keep.map((i) => this.names[i]!),
      keep.map((i) => this.values[i]!),
    );
  }

  keepOnly(names: Iterable<string>): Labels {
    const keep = new Set(names);
    const idx: number[] = [];
    this.names.forEach((n, i) => {
      if (keep.has(n)) idx.push(i);
    });
    if (idx.length === this.names.length) return this;
    return new Labels(
      idx.map((i) => this.names[i]!),
      idx.map((i) => this.values[i]!),
    );
  }

  /** Drops `__name__` (and the metadata labels that go with it). */
  withoutMetricName(): Labels {
    return this.without(METADATA_LABELS);
  }

  /** Prometheus's Labels.String(): `{__name__="up", job="x"}`. */
  toString(): string {
    return `{${this.names.map((n, i) => `${n}=${quoteString(this.values[i]!)}`).join(", ")}}`;
  }

  /** The usual exposition form: `up{job="x"}`. */
  toSeriesString(): string {
    const name = this.get(METRIC_NAME);
    const rest = this.without([METRIC_NAME]);
    const inner = rest.names.map((n, i) => `${n}=${quoteString(rest.values[i]!)}`).join(", ");
    return inner === "" && name !== "" ? name : `${name}{${inner}}`;
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Prometheus's labels.Compare: pairwise by name then value, shorter first. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.size, b.size);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a.names[i]!, b.names[i]!);
    if (c !== 0) return c;
    const d = compareStrings(a.values[i]!, b.values[i]!);
    if (d !== 0) return d;
  }
  return a.size - b.size;
}
