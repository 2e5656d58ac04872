/**
 * OpenMetrics text as `promtool tsdb create-blocks-from openmetrics` reads it:
 * one line per sample with an explicit timestamp (seconds, decimal), series
 * grouped by metric name, each series' samples in time order (the block
 * writer rejects a sample older than the series' newest), `# EOF` last.
 *
 * Numbers are written so that they read back bit for bit: values in the
 * shortest form that round-trips (Go's ParseFloat reads JavaScript's), and
 * timestamps as ms / 1000, which Prometheus turns back into the same ms.
 */
import { compareLabels, compareStrings, METRIC_NAME, type Labels } from "../promql/labels.js";

export interface OpenMetricsSeries {
  labels: Labels;
  /** Sample timestamps, ms, ascending. */
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

/** A float as OpenMetrics writes it (`NaN`, `+Inf`, `-Inf`, `-0` included). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

/** A timestamp in ms as OpenMetrics' seconds. */
export function formatTimestamp(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`timestamp must be an integer number of ms, got ${ms}`);
  return String(ms / 1000);
}

function escapeLabelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** `name{a="1",b="2"}`: the metric name outside the braces, the other labels sorted. */
export function seriesText(labels: Labels): string {
  const name = labels.get(METRIC_NAME);
  const rest: string[] = [];
  for (const [k, v] of labels.entries()) if (k !== METRIC_NAME) rest.push(`${k}="${escapeLabelValue(v)}"`);
  return rest.length === 0 ? name : `${name}{${rest.join(",")}}`;
}

/**
 * The OpenMetrics text of the series, as chunks to write in order (a month of
 * samples is too much for one string). Series are ordered by name, then
 * labels; a series with no samples is left out.
 */
export function* openMetricsChunks(series: readonly OpenMetricsSeries[], linesPerChunk = 50_000): Generator<string> {
  const sorted = [...series].filter((s) => s.t.length > 0).sort((a, b) => compareSeries(a.labels, b.labels));
  let lines: string[] = [];
  let family: string | undefined;
  for (const s of sorted) {
    const name = s.labels.get(METRIC_NAME);
    if (name !== family) {
      family = name;
      lines.push(`# TYPE ${name} gauge`);
    }
    const prefix = `${seriesText(s.labels)} `;
    let last = -Infinity;
    for (let i = 0; i < s.t.length; i++) {
      const t = s.t[i]!;
      if (t <= last) throw new RangeError(`${seriesText(s.labels)}: samples out of order at ${t}`);
      last = t;
      lines.push(`${prefix}${formatValue(s.v[i]!)} ${formatTimestamp(t)}`);
      if (lines.length >= linesPerChunk) {
        yield `${lines.join("\n")}\n`;
        lines = [];
      }
    }
  }
  lines.push("# EOF");
  yield `${lines.join("\n")}\n`;
}

function compareSeries(a: Labels, b: Labels): number {
  return compareStrings(a.get(METRIC_NAME), b.get(METRIC_NAME)) || compareLabels(a, b);
}
