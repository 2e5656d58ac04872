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
