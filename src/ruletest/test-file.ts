/**
 * promtool's unit-test file format, field for field (cmd/promtool/unittest.go,
 * Prometheus 3.14), read strictly like yaml.UnmarshalStrict does: unknown
 * fields are errors. One addition: `exp_pending` on an alert_rule_test item
 * (see ParsedAlertRuleTest). Files that don't use it stay promtool-compatible.
 */
import type { Node } from "yaml";
import { parseTestTimestamp } from "../go/time.js";
import { YamlFileError, YamlReader } from "./yaml-nodes.js";

export { YamlFileError };

export interface TestFile {
  path: string;
  /** Rule file patterns as written (globs, relative to the test file). */
  ruleFiles: string[];
  /** ms; promtool's default is 1m. */
  evaluationInterval: number;
  groupEvalOrder: string[];
  fuzzyCompare: boolean;
  tests: TestGroup[];
}

export interface TestGroup {
  /** Position in `tests`, for promtool's "unnamed#N" name. */
  index: number;
  name: string;
  line: number;
  /** Spacing of input samples in ms; defaults to the evaluation interval. */
  interval: number;
  inputSeries: ParsedInputSeries[];
  alertRuleTests: ParsedAlertRuleTest[];
  promqlExprTests: ParsedPromqlExprTest[];
  externalLabels: Record<string, string>;
  externalURL: string;
  /** ms since the epoch; 0 (the epoch) when not given. */
  startTimestamp: number;
}

export interface ParsedInputSeries {
  series: string;
  values: string;
  line: number;
}

export interface ParsedExpectedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ParsedAlertRuleTest {
  evalTime: number;
  alertname: string;
  expAlerts: ParsedExpectedAlert[];
  /**
   * monac extension: the alerts expected to be PENDING at eval_time. promtool
   * compares only firing alerts, so a `for:` clause can only be tested by
   * its effect some time later; with `exp_pending` a test can assert the
   * pending phase itself. Absent means "not checked", as in promtool; the
   * key is rejected by promtool's strict parser, so only files that use it
   * are monac-only.
   */
  expPending: ParsedExpectedAlert[] | undefined;
  line: number;
}

export interface ExpectedSample {
  labels: string;
  value: number;
  /** Native histogram in series notation; non-empty means value is ignored. */
  histogram: string;
  line: number;
}

export interface ParsedPromqlExprTest {
  expr: string;
  evalTime: number;
  expSamples: ExpectedSample[];
  line: number;
}

const DEFAULT_EVALUATION_INTERVAL = 60_000;

/**
 * Parses a test file, bytes from disk (which must be UTF-8) or text; throws
 * YamlFileError (with file:line:col) when it is invalid.
 */
export function parseTestFile(path: string, content: string | Uint8Array): TestFile {
  // promtool reads test files with yaml.v2, a YAML 1.1 parser.
  const y = new YamlReader(path, content, "test");
  const top = y.fields(y.root, ["rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare"], "test file");
  const evaluationInterval = y.duration(top.get("evaluation_interval")?.value, "evaluation_interval") || DEFAULT_EVALUATION_INTERVAL;

  const groupEvalOrder: string[] = [];
  for (const item of y.items(top.get("group_eval_order")?.value, "group_eval_order")) {
    const name = y.string(item, "group_eval_order item");
    if (groupEvalOrder.includes(name)) throw y.error(item, `group name repeated in evaluation order: ${name}`);
    groupEvalOrder.push(name);
  }

  return {
    path,
    ruleFiles: y.items(top.get("rule_files")?.value, "rule_files").map((n) => y.string(n, "rule_files item")),
    evaluationInterval,
    groupEvalOrder,
    fuzzyCompare: y.bool(top.get("fuzzy_compare")?.value, "fuzzy_compare"),
    tests: y.items(top.get("tests")?.value, "tests").map((n, i) => parseTestGroup(y, n, i, evaluationInterval)),
  };
}

function line(y: YamlReader, node: Node | null | undefined): number {
  return y.positionOf(node)?.line ?? 0;
}

function parseTestGroup(y: YamlReader, node: Node, index: number, evaluationInterval: number): TestGroup {
  const f = y.fields(
    node,
    ["interval", "input_series", "alert_rule_test", "promql_expr_test", "external_labels", "external_url", "name", "start_timestamp"],
    "test group",
  );
  let startTimestamp = 0;
  const start = f.get("start_timestamp")?.value;
  const startText = y.string(start, "start_timestamp");
  if (startText !== "") {
    const ms = parseTestTimestamp(startText);
    if (ms === undefined) throw y.error(start, `start_timestamp: cannot parse "${startText}" to a valid timestamp`);
    startTimestamp = ms;
  }
  const externalLabels: Record<string, string> = {};
  for (const [k, v] of y.stringMap(f.get("external_labels")?.value, "external_labels")) externalLabels[k] = v;
  return {
    index,
    name: y.string(f.get("name")?.value, "name"),
    line: line(y, node),
    interval: y.duration(f.get("interval")?.value, "interval") || evaluationInterval,
    inputSeries: y.items(f.get("input_series")?.value, "input_series").map((n) => {
      const s = y.fields(n, ["series", "values"], "input series");
      return { series: y.string(s.get("series")?.value, "series"), values: y.string(s.get("values")?.value, "values"), line: line(y, n) };
    }),
    alertRuleTests: y.items(f.get("alert_rule_test")?.value, "alert_rule_test").map((n) => {
      const a = y.fields(n, ["eval_time", "alertname", "exp_alerts", "exp_pending"], "alert_rule_test item");
      const pending = a.get("exp_pending");
      return {
        evalTime: y.duration(a.get("eval_time")?.value, "eval_time"),
        alertname: y.string(a.get("alertname")?.value, "alertname"),
        expAlerts: parseExpectedAlerts(y, a.get("exp_alerts")?.value, "exp_alerts"),
        expPending: pending === undefined ? undefined : parseExpectedAlerts(y, pending.value, "exp_pending"),
        line: line(y, n),
      };
    }),
    promqlExprTests: y.items(f.get("promql_expr_test")?.value, "promql_expr_test").map((n) => {
      const p = y.fields(n, ["expr", "eval_time", "exp_samples"], "promql_expr_test item");
      return {
        expr: y.string(p.get("expr")?.value, "expr"),
        evalTime: y.duration(p.get("eval_time")?.value, "eval_time"),
        expSamples: y.items(p.get("exp_samples")?.value, "exp_samples").map((s) => {
          const e = y.fields(s, ["labels", "value", "histogram"], "exp_samples item");
          return {
            labels: y.string(e.get("labels")?.value, "labels"),
            value: y.float(e.get("value")?.value, "value"),
            histogram: y.string(e.get("histogram")?.value, "histogram"),
            line: line(y, s),
          };
        }),
        line: line(y, n),
      };
    }),
    externalLabels,
    externalURL: y.string(f.get("external_url")?.value, "external_url"),
    startTimestamp,
  };
}

function parseExpectedAlerts(y: YamlReader, node: Node | null | undefined, what: string): ParsedExpectedAlert[] {
  return y.items(node, what).map((n) => {
    const f = y.fields(n, ["exp_labels", "exp_annotations"], `${what} item`);
    const labels: Record<string, string> = {};
    for (const [k, v] of y.stringMap(f.get("exp_labels")?.value, "exp_labels")) labels[k] = v;
    const annotations: Record<string, string> = {};
    for (const [k, v] of y.stringMap(f.get("exp_annotations")?.value, "exp_annotations")) annotations[k] = v;
    return { labels, annotations };
  });
}

/** promtool's display name of a test group. */
export function testGroupName(g: TestGroup): string {
  return g.name === "" ? `unnamed#${g.index}` : g.name;
}
