// promtool's rule unit-test file format, as data, and the notation helpers
// generated tests use to describe their input series.
import { formatNumberLiteral, quoteString } from "../../promql/literals.js";
import type { LabelSet } from "./synthetic-labels.js";

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}

export interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}

export interface RuleTestGroup {
  name: string;
  interval: string;
  input_series: InputSeries[];
  alert_rule_test?: AlertRuleTest[];
  promql_expr_test?: PromqlExprTest[];
}

export interface RuleTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: RuleTestGroup[];
}

/** `metric{a="1", b="2"}` with labels sorted, as promtool prints series. */
export function seriesText(labels: LabelSet): string {
  const { __name__: name = "", ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${quoteString(rest[k]!)}`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(", ")}}`;
}

/**
 * A counter that grows by `increment` per sample for `samples` samples in
 * each segment, starting at `startValue` (0): promtool's `a+bxn` notation, one term a
 * segment. Values are whole numbers in generated tests, so they print exactly.
 */
export function counterValues(segments: readonly { samples: number; increment: number }[], startValue = 0): string {
  const terms: string[] = [];
  let value = startValue;
  let first = true;
  for (const { samples, increment } of segments) {
    if (samples <= 0) continue;
    // The first term starts at 0 and covers `samples` further values; later
    // ones continue from the last value written.
    const start = first ? startValue : value + increment;
    const repeats = first ? samples : samples - 1;
    terms.push(`${num(start)}+${num(increment)}x${repeats}`);
    value = start + increment * repeats;
    first = false;
  }
  return terms.join(" ");
}

/** A gauge holding `value` for `samples + 1` samples. */
export function constantValues(value: number, samples: number): string {
  return `${num(value)}x${samples}`;
}

function num(v: number): string {
  return formatNumberLiteral(v);
}

/**
 * The two-bucket layout a generated native histogram uses around a latency
 * threshold: standard exponential buckets of schema 0, bucket i holding
 * (2^(i-1), 2^i]. Fast requests go to the highest bucket entirely at or
 * below the threshold, slow ones to the lowest bucket entirely above it, so
 * histogram_fraction at the threshold interpolates nothing: the bucket
 * holding the threshold (if the threshold is not a bound) stays empty.
 */
export interface NativeLayout {
  /** Index of the fast bucket (the first bucket written). */
  fast: number;
  /** Index of the slow bucket; fast + 1 or fast + 2. */
  slow: number;
}

export function nativeLayout(thresholdSeconds: number): NativeLayout {
  let fast = Math.floor(Math.log2(thresholdSeconds));
  // log2 of a non-power of two may round onto an integer: check with exact powers.
  while (2 ** fast > thresholdSeconds) fast--;
  while (2 ** (fast + 1) <= thresholdSeconds) fast++;
  const slow = 2 ** fast === thresholdSeconds ? fast + 1 : fast + 2;
  return { fast, slow };
}

/**
 * A native histogram counter: per sample, `fast` observations at the fast
 * bucket's upper bound and `slow` at the slow bucket's, in promtool's
 * `{{...}}+{{...}}xn` notation, one term a segment (the segments as
 * counterValues). The histogram starts with `startFast` fast observations.
 */
export function nativeCounterValues(layout: NativeLayout, segments: readonly { samples: number; fast: number; slow: number }[], startFast: number): string {
  const fastValue = 2 ** layout.fast;
  const slowValue = 2 ** layout.slow;
  const gap = layout.slow - layout.fast - 1;
  const histogram = (fast: number, slow: number) => {
    const buckets = [fast, ...Array<number>(gap).fill(0), slow].map(num).join(" ");
    return `{{schema:0 count:${num(fast + slow)} sum:${num(fast * fastValue + slow * slowValue)} offset:${layout.fast} buckets:[${buckets}]}}`;
  };
  const terms: string[] = [];
  let fast = startFast;
  let slow = 0;
  let first = true;
  for (const s of segments) {
    if (s.samples <= 0) continue;
    if (!first) {
      fast += s.fast;
      slow += s.slow;
    }
    const repeats = first ? s.samples : s.samples - 1;
    terms.push(`${histogram(fast, slow)}+${histogram(s.fast, s.slow)}x${repeats}`);
    fast += s.fast * repeats;
    slow += s.slow * repeats;
    first = false;
  }
  return terms.join(" ");
}
