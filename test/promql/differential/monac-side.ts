/**
 * The side under test: loads a group's input series into monac's store the
 * way promtool's lazy loader does (value i at i × interval from t=0, `_`
 * skipped, `stale` as a staleness marker) and evaluates instant queries.
 */
import { Engine, Labels, SeriesStore, parseSeriesDescription } from "../../../src/promql/index.js";
import { formatHistogram } from "../../../src/promql/histogram.js";
import type { InputGroup } from "./inputs.js";

export interface ResultSample {
  /** Canonical `{name="value", ...}` text (Prometheus's Labels.String()). */
  labels: string;
  /** 0 for a native histogram sample (promtool compares that field too). */
  value: number;
  /** A native histogram sample in promtool's notation (FloatHistogram.TestExpression()). */
  histogram?: string;
}

export type Outcome = { kind: "ok"; samples: ResultSample[] } | { kind: "error"; message: string };

export function loadGroup(group: InputGroup): SeriesStore {
  const store = new SeriesStore();
  for (const s of group.series) {
    const desc = parseSeriesDescription(`${s.series} ${s.values}`);
    desc.values.forEach((v, i) => {
      const t = i * group.intervalMs;
      if (v.kind === "value") store.append(desc.labels, t, v.value);
      else if (v.kind === "stale") store.appendStale(desc.labels, t);
      else if (v.kind === "histogram") store.appendHistogram(desc.labels, t, v.histogram);
    });
  }
  return store;
}

export function canonicalLabels(pairs: Iterable<readonly [string, string]>): string {
  return Labels.from(pairs).toString();
}

/** Evaluates like promtool's `query()`: a vector as is, a scalar as one label-less sample. */
export function evaluate(engine: Engine, expr: string, timeMs: number): Outcome {
  try {
    const { value } = engine.instantQuery(expr, timeMs);
    switch (value.type) {
      case "vector":
        return {
          kind: "ok",
          samples: value.samples.map((s) => (s.h ? { labels: s.metric.toString(), value: 0, histogram: formatHistogram(s.h) } : { labels: s.metric.toString(), value: s.v })),
        };
      case "scalar":
        return { kind: "ok", samples: [{ labels: "{}", value: value.v }] };
      default:
        return { kind: "error", message: "rule result is not a vector or scalar" };
    }
  } catch (e) {
    return { kind: "error", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}
