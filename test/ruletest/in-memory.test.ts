// Test files and rule files given as data (in-memory.ts) must read exactly as
// their YAML text does (parseTestFile, parseRuleFile), but for line numbers,
// so that generated tests can build evaluation plans without the text round
// trip; and TestStorage.appendFloats must store what one append per sample
// stores, errors included.
import { describe, expect, it } from "vitest";
import { ruleFileYaml, toYaml, type RuleGroup } from "../../src/compile/rules.js";
import { sloRuleGroup } from "../../src/compile/slo-rules.js";
import { Labels } from "../../src/promql/labels.js";
import { staleNaN } from "../../src/promql/storage.js";
import { FloatHistogram } from "../../src/promql/histogram.js";
import {
  buildPlan,
  evaluate,
  parseRuleFile,
  parseTestFile,
  ruleGroupsFromData,
  RuleFileError,
  testFileFromData,
  type RuleGroupData,
  type TestFileData,
} from "../../src/ruletest/index.js";
import { TestStorage } from "../../src/ruletest/test-storage.js";
import { modelFrom } from "../support/workspace.js";

/** A copy without `line` fields (data has no lines). */
function withoutLines<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutLines) as T;
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === "line" ? 0 : withoutLines(v);
  return out as T;
}

const TEST_FILES: TestFileData[] = [
  { rule_files: ["a.yaml"], tests: [] },
  {
    rule_files: ["a.yaml", "b/*.yaml"],
    evaluation_interval: "30s",
    group_eval_order: ["g2", "g1"],
    fuzzy_compare: true,
    tests: [
      {
        name: "steady",
        interval: "15s",
        input_series: [
          { series: 'http_requests_total{code="500", job="x"}', values: "0+10x100 1000+0x20 _x3 stale 5" },
          { series: "up", values: "1 1 _ 0 1x5" },
          { series: 'weird{a="yes", b="1.0", c="0x10"}', values: "-1-1x3 1e3 Inf -Inf NaN" },
        ],
        alert_rule_test: [
          {
            eval_time: "5m",
            alertname: "HighErrors",
            exp_alerts: [{ exp_labels: { severity: "page", instance: "on" }, exp_annotations: { summary: "it's 5: {{ $value }}", empty: "" } }],
          },
          { eval_time: "1h2m3s", alertname: "Other", exp_alerts: [] },
          { eval_time: "10m", alertname: "Pending", exp_alerts: [], exp_pending: [{ exp_labels: { a: "b" } }] },
        ],
        promql_expr_test: [
          { expr: "sum(rate(http_requests_total[5m]))", eval_time: "6m", exp_samples: [{ labels: "{}", value: 0.1 }, { labels: 'x{a="1"}', value: -2.5e-7 }] },
          { expr: "up", eval_time: "0", exp_samples: [] },
          { expr: "h", eval_time: "1m", exp_samples: [{ labels: "h", histogram: "{{count:1 sum:2}}" }] },
        ],
        external_labels: { cluster: "c1", "quoted key": "null" },
        external_url: "https://example.com/x",
        start_timestamp: "2024-01-02T03:04:05Z",
      },
      { input_series: [], alert_rule_test: [{ eval_time: "1m", alertname: "X", exp_alerts: [] }] },
      { name: "unix start", start_timestamp: "1700000000.5", input_series: [{ series: "m", values: "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x3" }] },
    ],
  },
];

const RULE_GROUPS: RuleGroupData[][] = [
  [],
  [
    {
      name: "g1",
      interval: "1m",
      rules: [
        { record: "job:x:rate5m", expr: "sum by (job) (rate(x[5m]))", labels: { team: "a", "odd label": "1.0" } },
        { record: "plain", expr: "vector(1)" },
        {
          alert: "HighErrors",
          expr: "job:x:rate5m > 0.1\nand on()\nvector(1)",
          for: "5m",
          keep_firing_for: "10m",
          labels: { severity: "page", team: "b" },
          annotations: { summary: "{{ $labels.job }} at {{ $value | humanize }}", yes: "no" },
        },
      ],
    },
    { name: "g2", query_offset: "1m", limit: 3, labels: { group_label: "g", team: "z" }, rules: [{ alert: "A", expr: "up == 0", labels: { team: "rule wins" }, annotations: {} }] },
  ],
];

describe("test files as data", () => {
  it.each(TEST_FILES.map((d, i) => [i, d] as const))("file %i reads as its YAML text does", (_, data) => {
    const fromText = parseTestFile("t.yaml", toYaml(data));
    expect(testFileFromData("t.yaml", data)).toEqual(withoutLines(fromText));
  });

  it("rejects what the reader rejects, with its message", () => {
    expect(() => testFileFromData("t.yaml", { evaluation_interval: "1 minute" })).toThrow('t.yaml: evaluation_interval: not a valid duration string: "1 minute"');
    expect(() => testFileFromData("t.yaml", { group_eval_order: ["a", "a"] })).toThrow("group name repeated in evaluation order: a");
    expect(() => testFileFromData("t.yaml", { tests: [{ start_timestamp: "yesterday" }] })).toThrow('start_timestamp: cannot parse "yesterday" to a valid timestamp');
    expect(() => testFileFromData("t.yaml", { tests: [{ alert_rule_test: [{ eval_time: "soon" }] }] })).toThrow("eval_time: not a valid duration string");
  });
});

describe("rule files as data", () => {
  it.each(RULE_GROUPS.map((d, i) => [i, d] as const))("groups %i read as their YAML text does", (_, groups) => {
    const fromText = parseRuleFile("r.yaml", toYaml({ groups }));
    expect(ruleGroupsFromData("r.yaml", groups)).toEqual(withoutLines(fromText));
  });

  it("checks rules like rulefmt, every problem listed", () => {
    const bad: RuleGroupData[] = [
      {
        name: "g",
        rules: [
          { record: "r", expr: "sum(" },
          { record: "s{x}", expr: "1", annotations: { a: "b" } },
          { alert: "A", record: "B", expr: "up" },
          { alert: "T", expr: "up", annotations: { s: "{{ .Broken" } },
          { expr: "up" },
        ],
      },
      { name: "g", rules: [] },
      { name: "", rules: [] },
    ];
    let err: unknown;
    try {
      ruleGroupsFromData("r.yaml", bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuleFileError);
    let text: unknown;
    try {
      parseRuleFile("r.yaml", toYaml({ groups: bad }));
    } catch (e) {
      text = e;
    }
    // The same problems, without positions.
    const strip = (m: string): string => m.replace(/^r\.yaml(:\d+:\d+)?: /, "");
    expect((err as RuleFileError).problems.map(strip)).toEqual((text as RuleFileError).problems.map(strip));
    expect(() => ruleGroupsFromData("r.yaml", [{ name: "g", interval: "often", rules: [] }])).toThrow('interval: not a valid duration string: "often"');
  });

  it("reads the rule groups monac generates as their rule files", () => {
    const slos = `service: shop
team: shop
slos:
  - name: availability
    objective: 99.95
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
    alerting:
      runbook: https://runbooks.example.com/shop
      minEvents: 100
      noData: { for: 10m }
  - name: latency
    objective: 99
    sli:
      latency:
        histogram: http_request_duration_seconds_bucket{job="shop"}
        threshold: 300ms
  - name: probe
    objective: 99.9
    sli:
      boolGauge:
        metric: probe_success{job="blackbox"}
`;
    const model = modelFrom({ "slos/shop.yaml": slos });
    expect(model.slos.length).toBe(3);
    for (const slo of model.slos) {
      const group: RuleGroup = sloRuleGroup(slo);
      const fromText = parseRuleFile("r.yaml", ruleFileYaml([], [group]));
      expect(ruleGroupsFromData("r.yaml", [group])).toEqual(withoutLines(fromText));
    }
  });
});

describe("plans from data", () => {
  it("evaluate the same as plans from the text", async () => {
    const groups: RuleGroupData[] = [
      {
        name: "g",
        rules: [
          { record: "errors:rate1m", expr: 'sum(rate(http_requests_total{code="500"}[1m])) or vector(0)' },
          { record: "errors:sum10m", expr: "sum_over_time(errors:rate1m[10m])" },
          { alert: "Errors", expr: "errors:sum10m > 1", for: "2m", labels: { severity: "page" }, annotations: { v: "{{ $value }}" } },
        ],
      },
    ];
    const data: TestFileData = {
      rule_files: ["r.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "30s",
          input_series: [{ series: 'http_requests_total{code="500"}', values: "0+0x20 0+30x40 1200+0x20" }],
          alert_rule_test: ["10m", "25m", "31m", "40m"].map((t) => ({ eval_time: t, alertname: "Errors", exp_alerts: [] })),
        },
      ],
    };
    const textFile = parseTestFile("t.yaml", toYaml(data));
    const fromText = buildPlan(textFile, textFile.tests[0]!, parseRuleFile("r.yaml", toYaml({ groups })));
    const dataFile = testFileFromData("t.yaml", data);
    const fromData = buildPlan(dataFile, dataFile.tests[0]!, ruleGroupsFromData("r.yaml", groups));
    expect(fromData).toEqual(withoutLines(fromText));
    const [a, b] = [await evaluate(fromText), await evaluate(fromData)];
    expect(b.path).toBe(a.path);
    expect(b.alerts).toEqual(a.alerts);
  });
});

describe("TestStorage.appendFloats", () => {
  const labels = Labels.from({ __name__: "m", a: "1" });
  const marker = staleNaN();

  function appendEach(s: TestStorage, t: number[], v: number[], stale: number[]): string | undefined {
    for (let i = 0; i < t.length; i++) {
      try {
        s.append(labels, t[i]!, stale[i] ? marker : v[i]!);
      } catch (e) {
        return (e as Error).message;
      }
    }
    return undefined;
  }

  function stored(s: TestStorage): string {
    const series = s.store.select([{ name: "__name__", op: "=", value: "m" }]);
    return series
      .map((x) => {
        const out: string[] = [];
        for (let i = 0; i < x.length; i++) out.push(`${x.timestamp(i)}:${x.isStale(i) ? "stale" : x.histogram(i) ? "h" : Object.is(x.value(i), -0) ? "-0" : x.value(i)}`);
        return out.join(" ");
      })
      .join("\n");
  }

  const cases: Array<{ name: string; before?: (s: TestStorage) => void; t: number[]; v: number[]; stale: number[] }> = [
    { name: "plain", t: [0, 60, 120], v: [1, 2, NaN], stale: [0, 0, 0] },
    { name: "with markers", t: [0, 60, 120, 180], v: [1, 0, 3, 0], stale: [0, 1, 0, 1] },
    { name: "duplicate same value", before: (s) => s.append(labels, 60, 2), t: [60, 120], v: [2, 5], stale: [0, 0] },
    { name: "duplicate other value", before: (s) => s.append(labels, 60, 2), t: [0, 60], v: [2, 5], stale: [0, 0] },
    { name: "out of order in the run", t: [0, 120, 60, 180], v: [1, 2, 3, 4], stale: [0, 0, 0, 0] },
    { name: "duplicate in the run", t: [0, 60, 60], v: [1, 2, -0], stale: [0, 0, 0] },
    { name: "after a histogram", before: (s) => s.appendHistogram(labels, 0, new FloatHistogram({ count: 1, sum: 1 })), t: [60, 120], v: [0, 1], stale: [1, 0] },
  ];
  it.each(cases)("$name: stores and fails as one append per sample", ({ before, t, v, stale }) => {
    const one = new TestStorage([]);
    const bulk = new TestStorage([]);
    before?.(one);
    before?.(bulk);
    const want = appendEach(one, t, v, stale);
    let got: string | undefined;
    try {
      bulk.appendFloats(labels, t, v, Uint8Array.from(stale), 0, t.length);
    } catch (e) {
      got = (e as Error).message;
    }
    expect(got).toBe(want);
    expect(stored(bulk)).toBe(stored(one));
    // What the next append sees (the series' last sample) is the same too.
    expect(appendEach(bulk, [150], [7], [0])).toBe(appendEach(one, [150], [7], [0]));
    expect(stored(bulk)).toBe(stored(one));
  });
});
