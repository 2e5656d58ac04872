/**
 * `input_series` as promtool loads them: each item becomes the line
 * `<series> <values>` of a promqltest `load <interval>` command, so the
 * series notation is the full one (`a+bxn`, `a-bxn`, `_`, `_xn`, `stale`),
 * samples start at the group's start timestamp, a blank line ends the load,
 * and a series defined twice keeps its last definition. Native histogram
 * items (`{{...}}`, `{{a}}x2`, `{{a}}+{{b}}x2`) load as histogram samples.
 */
import { Labels } from "../promql/labels.js";
import { parseSeriesDescription } from "../promql/series-notation.js";
import type { FloatHistogram } from "../promql/histogram.js";
import type { TestGroup } from "./test-file.js";

export interface InputSamples {
  labels: Labels;
  /** Sample timestamps (ms), ascending. */
  t: number[];
  v: number[];
  /** Staleness markers among the samples. */
  stale: boolean[];
  /**
   * Native histogram samples: h[i] set means sample i is one (v[i] is then
   * NaN). Absent when the series has none.
   */
  h?: Array<FloatHistogram | undefined>;
}

/** A series whose notation does not parse; `line` is the input_series item's line. */
export class InputSeriesError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = "InputSeriesError";
  }
}

export function parseInputSeries(group: TestGroup): InputSamples[] {
  const bySeries = new Map<string, InputSamples>();
  for (const [i, item] of group.inputSeries.entries()) {
    const line = `${item.series} ${item.values}`.trim();
    // promqltest drops comment lines, and an empty line ends the load command.
    if (line === "" || line.startsWith("#")) break;
    let desc: ReturnType<typeof parseSeriesDescription>;
    try {
      desc = parseSeriesDescription(line);
    } catch (e) {
      throw new InputSeriesError(item.line, `input_series[${i}]: ${JSON.stringify(line)}: ${(e as Error).message}`);
    }
    const samples: InputSamples = { labels: desc.labels, t: [], v: [], stale: [] };
    const values = desc.values;
    for (let k = 0; k < values.length; k++) {
      const value = values[k]!;
      const ts = group.startTimestamp + k * group.interval;
      switch (value.kind) {
        case "omitted":
          continue;
        case "histogram":
          samples.h ??= samples.t.map(() => undefined);
          samples.t.push(ts);
          samples.v.push(NaN);
          samples.stale.push(false);
          samples.h.push(value.histogram);
          continue;
        case "stale":
          samples.t.push(ts);
          samples.v.push(NaN);
          samples.stale.push(true);
          samples.h?.push(undefined);
          continue;
        case "value":
          samples.t.push(ts);
          samples.v.push(value.value);
          samples.stale.push(false);
          samples.h?.push(undefined);
      }
    }
    bySeries.set(desc.labels.key, samples);
  }
  return [...bySeries.values()];
}
