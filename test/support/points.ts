// Query results as comparable points: each sample's timestamp and exact
// bits, for tests that require a fast path to give what the general one
// gives (test/promql/single-series-binop, range-cursors).
import { isStaleNaN } from "../../src/promql/storage.js";
import type { QueryResult } from "../../src/promql/value.js";

/**
 * A sample's exact bits (-0 included), except that all NaNs but the stale
 * marker are one: JavaScript keeps no NaN's sign or payload (V8 canonicalizes
 * NaNs as it stores them in some arrays and not others).
 */
export function bits(v: number): string {
  if (isStaleNaN(v)) return "stale";
  return Number.isNaN(v) ? "NaN" : Buffer.from(new Float64Array([v]).buffer).toString("hex");
}

/** Per series (its labels as text), its points. */
export type Points = Record<string, Array<[number, string]>>;

/** A range query's matrix as points. */
export function fromRange(res: QueryResult): Points {
  if (res.value.type !== "matrix") throw new Error(`expected matrix, got ${res.value.type}`);
  const out: Points = {};
  for (const s of res.value.series) out[s.metric.toSeriesString()] = s.t.map((t, i) => [t, bits(s.v[i]!)]);
  return out;
}
