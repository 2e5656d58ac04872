// Native histograms in promtool rule tests: `{{...}}` input_series loaded
// into the test storage, `histogram:` expected samples compared as promtool
// compares them (labels, the float, and the histogram's TestExpression
// string, so the counter reset hint counts), head-appender duplicates, and
// $value in alert templates. Expected messages and values are promtool
// 3.5's output on the same files (`.tools/bin/promtool test rules`); the
// testdata file native-histograms.test.yml is also compared sample for
// sample with promtool by promtool-differential.test.ts.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runTestFile, type FileResult } from "../../src/ruletest/index.js";
import { parseInputSeries } from "../../src/ruletest/input.js";
import { formatHistogram } from "../../src/promql/histogram.js";

const RULES = `groups:
  - name: a
    rules:
      - record: same
        expr: h
      - record: same
        expr: h
  - name: b
    rules:
      - record: diff
        expr: h
      - record: diff
        expr: h * 2
`;

async function run(test: string, rules = "groups: []\n"): Promise<FileResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-nh-"));
  writeFileSync(path.join(dir, "rules.yml"), rules);
  writeFileSync(path.join(dir, "t.yml"), `rule_files: [rules.yml]\nevaluation_interval: 1m\n${test}`);
  return runTestFile(path.join(dir, "t.yml"));
}

function group(values: string) {
  return {
    index: 0,
    name: "g",
    line: 1,
    interval: 60_000,
    inputSeries: [{ series: "h", values, line: 7 }],
    alertRuleTests: [],
    promqlExprTests: [],
    externalLabels: {},
    externalURL: "",
    startTimestamp: 0,
  };
}

describe("input_series with native histograms", () => {
  it("loads {{...}}, {{a}}x2 and {{a}}+{{b}}x2 as histogram samples, mixed with floats", () => {
    const [s] = parseInputSeries(group("{{sum:3 count:2 buckets:[2]}}+{{sum:1.3 count:1 buckets:[1]}}x2 _ 5 stale {{count:1}}x1"));
    expect(s!.t).toEqual([0, 60_000, 120_000, 240_000, 300_000, 360_000, 420_000]);
    expect(s!.h!.map((h) => (h === undefined ? undefined : formatHistogram(h)))).toEqual([
      "{{count:2 sum:3 buckets:[2]}}",
      "{{count:3 sum:4.3 buckets:[3]}}",
      "{{count:4 sum:5.6 buckets:[4]}}",
      undefined,
      undefined,
      "{{count:1}}",
      "{{count:1}}",
    ]);
    expect(s!.stale).toEqual([false, false, false, false, true, false, false]);
    expect(s!.v[3]).toBe(5);
  });

  it("reports malformed notation with the item's line", async () => {
    expect(() => parseInputSeries(group("{{schema:1 sum:2"))).toThrow(/input_series\[0\]: "h \{\{schema:1 sum:2": .*missing \}\}/);
    const r = await run(`tests:
  - input_series:
      - series: h
        values: "{{foo:1}}"
`);
    expect(r.status).toBe("invalid");
    expect(r.errors[0]).toMatch(/t\.yml:5: input_series\[0\]: .*bad histogram descriptor found: "foo"/);
  });

  it("passes the native histogram group of promtool's unittest.yml shape", async () => {
    const r = await run(`tests:
  - interval: 1m
    input_series:
      - series: test_histogram_repeat
        values: "{{sum:3 count:2 buckets:[2]}}x2"
      - series: test_histogram_increase
        values: "{{sum:3 count:2 buckets:[2]}}+{{sum:1.3 count:1 buckets:[1]}}x2"
    promql_expr_test:
      - expr: test_histogram_repeat
        eval_time: 2m
        exp_samples:
          - labels: "test_histogram_repeat"
            histogram: "{{count:2 sum:3 counter_reset_hint:not_reset buckets:[2]}}"
      - expr: test_histogram_increase
        eval_time: 2m
        exp_samples:
          - labels: "test_histogram_increase"
            histogram: "{{count:4 sum:5.6 counter_reset_hint:not_reset buckets:[4]}}"
`);
    expect(r.groups.map((g) => [g.status, g.errors, g.mismatches])).toEqual([["passed", [], []]]);
  });
});

describe("exp_samples with histogram", () => {
  const series = `tests:
  - name: g
    interval: 1m
    input_series:
      - series: 'h{job="a",i="1"}'
        values: '{{schema:0 sum:1 count:2 buckets:[1 1]}}+{{schema:0 sum:2 count:3 buckets:[1 2]}}x10'
      - series: 'h{job="a",i="2"}'
        values: '{{sum:1 count:1 buckets:[1]}}x10'
    promql_expr_test:
`;

  it("shows histograms as promtool's TestExpression where they differ; hint, float and type count", async () => {
    // promtool 3.5's got: lines for these, byte for byte:
    //   got: {__name__="h", i="1", job="a"} {{count:8 sum:5 counter_reset_hint:not_reset buckets:[3 5]}}, {__name__="h", i="2", job="a"} {{count:1 sum:1 counter_reset_hint:not_reset buckets:[1]}}
    //   got: {i="1", job="a"} 8E+00, {i="2", job="a"} 1E+00
    const r = await run(`${series}      - expr: h
        eval_time: 2m
        exp_samples:
          - labels: 'h{job="a",i="1"}'
            value: 3
          - labels: 'h{job="a",i="2"}'
            histogram: '{{sum:1 count:1 buckets:[1]}}'
      - expr: histogram_count(h)
        eval_time: 2m
        exp_samples:
          - labels: '{job="a",i="1"}'
            histogram: '{{count:8}}'
          - labels: '{job="a",i="2"}'
            value: 1
      - expr: h{i="2"}
        eval_time: 2m
        exp_samples:
          - labels: 'h{job="a",i="2"}'
            value: 1
            histogram: '{{count:1 sum:1 counter_reset_hint:not_reset buckets:[1]}}'
`);
    expect(r.groups[0]!.errors).toEqual([]);
    expect(r.groups[0]!.mismatches).toEqual([
      {
        title: 'expr "h" at 2m',
        lines: [
          'h{i="1", job="a"}: exp 3 got {{count:8 sum:5 counter_reset_hint:not_reset buckets:[3 5]}}',
          'h{i="2", job="a"}: exp {{count:1 sum:1 buckets:[1]}} got {{count:1 sum:1 counter_reset_hint:not_reset buckets:[1]}}',
        ],
      },
      { title: 'expr "histogram_count(h)" at 2m', lines: ['{i="1", job="a"}: exp {{count:8}} got 8'] },
      {
        title: 'expr "h{i=\\"2\\"}" at 2m',
        lines: [
          'h{i="2", job="a"}: exp {{count:1 sum:1 counter_reset_hint:not_reset buckets:[1]}} with value 1 got {{count:1 sum:1 counter_reset_hint:not_reset buckets:[1]}} with value 0',
        ],
      },
    ]);
  });

  it("rejects histogram strings promtool rejects, with its messages", async () => {
    const r = await run(`${series}      - expr: h
        eval_time: 1m
        exp_samples:
          - labels: 'h{job="a",i="2"}'
            histogram: '{{sum:1 count:1 buckets:[1]}}x2'
      - expr: h
        eval_time: 1m
        exp_samples:
          - labels: 'h{job="a"}'
            histogram: '5'
      - expr: h
        eval_time: 1m
        exp_samples:
          - labels: 'h{job="a"}'
            histogram: '{{foo:1}}'
`);
    // promtool: the first two verbatim; the third is "1:6: parse error: bad histogram descriptor found: \"foo\"".
    expect(r.groups[0]!.errors).toEqual([
      'expr: "h", time: 1m, err: labels "h{job=\\"a\\",i=\\"2\\"}": expected 1 value, got 3',
      'expr: "h", time: 1m, err: labels "h{job=\\"a\\"}": expected histogram, got 5.000000',
      'expr: "h", time: 1m, err: labels "h{job=\\"a\\"}": bad histogram descriptor found: "foo"',
    ]);
  });
});

describe("histogram samples in the test storage", () => {
  const test = (name: string) => `tests:
  - name: ${name}
    interval: 1m
    input_series:
      - series: h
        values: '{{sum:1 count:1 buckets:[1]}}x3'
    promql_expr_test:
      - expr: same
        eval_time: 2m
        exp_samples:
          - labels: same
            histogram: '{{count:1 sum:1 counter_reset_hint:not_reset buckets:[1]}}'
`;

  it("accepts an identical histogram at the same timestamp, rejects a different one (promtool's message)", async () => {
    const r = await run(test("dups"), RULES);
    // promtool: "rule: diff, time: 0s, err: duplicate sample for timestamp"
    expect(r.groups[0]!.errors).toEqual(["rule: diff, time: 0s, err: duplicate sample for timestamp"]);
    const ok = await run(test("same"), RULES.replace(/  - name: b[\s\S]*/, ""));
    expect(ok.groups[0]!.status).toBe("passed");
  });

  it("rejects a float after a histogram at the same timestamp", async () => {
    const r = await run(
      `tests:
  - interval: 1m
    input_series:
      - series: h
        values: '_ {{count:2}} {{count:3}}'
    promql_expr_test:
      - expr: z
        eval_time: 2m
        exp_samples: []
`,
      `groups:
  - name: y
    rules:
      - record: z
        expr: h
      - record: z
        expr: vector(1)
`,
    );
    // promtool 3.5, verbatim.
    expect(r.groups[0]!.errors).toEqual(["rule: z, time: 1m0s, err: duplicate sample for timestamp 60000; overrides not allowed: existing is a histogram, new value 1"]);
  });
});
