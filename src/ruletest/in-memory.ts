/**
 * Test files and rule files given as data (the shape of their YAML, every
 * scalar as the text or number it would be written as), read into what
 * parseTestFile and parseRuleFile return for the YAML text of that data,
 * without writing and parsing the text. Line numbers are 0 (there are no
 * lines); messages name the file without a position; numbers are taken as
 * given (monac's YAML emitter writes -0 as 0). Everything else goes
 * through the same checks and conversions as the YAML readers (durations,
 * timestamps, rulefmt's rule checks), so a plan built from the result
 * (buildPlan) is the plan built from the parsed text.
 */
import { parsePrometheusDuration } from "../go/duration.js";
import { parseTestTimestamp } from "../go/time.js";
import { checkedRule, labelProblems, RuleFileError, type LoadedRule, type LoadedRuleGroup } from "./rule-files.js";
import { YamlFileError, type ParsedExpectedAlert, type TestFile, type TestGroup } from "./test-file.js";

/** A rule of a rule file, as data. */
export interface RuleData {
  record?: string;
  alert?: string;
  expr?: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

/** A group of a rule file, as data. */
export interface RuleGroupData {
  name: string;
  interval?: string;
  query_offset?: string;
  limit?: number;
  labels?: Readonly<Record<string, string>>;
  rules?: readonly RuleData[];
}

export interface ExpectedAlertData {
  exp_labels?: Readonly<Record<string, string>>;
  exp_annotations?: Readonly<Record<string, string>>;
}

/** A test group of a test file, as data. */
export interface TestGroupData {
  name?: string;
  interval?: string;
  input_series?: ReadonlyArray<{ series?: string; values?: string }>;
  alert_rule_test?: ReadonlyArray<{ eval_time?: string; alertname?: string; exp_alerts?: readonly ExpectedAlertData[]; exp_pending?: readonly ExpectedAlertData[] }>;
  promql_expr_test?: ReadonlyArray<{ expr?: string; eval_time?: string; exp_samples?: ReadonlyArray<{ labels?: string; value?: number; histogram?: string }> }>;
  external_labels?: Readonly<Record<string, string>>;
  external_url?: string;
  start_timestamp?: string;
}

/** A test file, as data. */
export interface TestFileData {
  rule_files?: readonly string[];
  evaluation_interval?: string;
  group_eval_order?: readonly string[];
  fuzzy_compare?: boolean;
  tests?: readonly TestGroupData[];
}

const DEFAULT_EVALUATION_INTERVAL = 60_000;

/** A model.Duration as the YAML readers take it ("" or absent: 0); `fail` gets their message otherwise. */
function duration(text: string | undefined, what: string, fail: (msg: string) => never): number {
  if (text === undefined || text === "") return 0;
  try {
    return parsePrometheusDuration(text);
  } catch {
    return fail(`${what}: not a valid duration string: "${text}"`);
  }
}

/** What parseTestFile(path, <the YAML of data>) returns, but for line numbers (0). Throws YamlFileError. */
export function testFileFromData(path: string, data: TestFileData): TestFile {
  const fail = (msg: string): never => {
    throw new YamlFileError(path, undefined, msg);
  };
  const evaluationInterval = duration(data.evaluation_interval, "evaluation_interval", fail) || DEFAULT_EVALUATION_INTERVAL;
  const groupEvalOrder: string[] = [];
  for (const name of data.group_eval_order ?? []) {
    if (groupEvalOrder.includes(name)) fail(`group name repeated in evaluation order: ${name}`);
    groupEvalOrder.push(name);
  }
  return {
    path,
    ruleFiles: [...(data.rule_files ?? [])],
    evaluationInterval,
    groupEvalOrder,
    fuzzyCompare: data.fuzzy_compare ?? false,
    tests: (data.tests ?? []).map((g, i) => testGroupFromData(g, i, evaluationInterval, fail)),
  };
}

function testGroupFromData(g: TestGroupData, index: number, evaluationInterval: number, fail: (msg: string) => never): TestGroup {
  let startTimestamp = 0;
  const startText = g.start_timestamp ?? "";
  if (startText !== "") {
    const ms = parseTestTimestamp(startText);
    if (ms === undefined) fail(`start_timestamp: cannot parse "${startText}" to a valid timestamp`);
    startTimestamp = ms!;
  }
  return {
    index,
    name: g.name ?? "",
    line: 0,
    interval: duration(g.interval, "interval", fail) || evaluationInterval,
    inputSeries: (g.input_series ?? []).map((s) => ({ series: s.series ?? "", values: s.values ?? "", line: 0 })),
    alertRuleTests: (g.alert_rule_test ?? []).map((a) => ({
      evalTime: duration(a.eval_time, "eval_time", fail),
      alertname: a.alertname ?? "",
      expAlerts: expectedAlerts(a.exp_alerts),
      expPending: a.exp_pending === undefined ? undefined : expectedAlerts(a.exp_pending),
      line: 0,
    })),
    promqlExprTests: (g.promql_expr_test ?? []).map((p) => ({
      expr: p.expr ?? "",
      evalTime: duration(p.eval_time, "eval_time", fail),
      expSamples: (p.exp_samples ?? []).map((s) => ({ labels: s.labels ?? "", value: s.value ?? 0, histogram: s.histogram ?? "", line: 0 })),
      line: 0,
    })),
    externalLabels: { ...g.external_labels },
    externalURL: g.external_url ?? "",
    startTimestamp,
  };
}

function expectedAlerts(list: readonly ExpectedAlertData[] | undefined): ParsedExpectedAlert[] {
  return (list ?? []).map((a) => ({ labels: { ...a.exp_labels }, annotations: { ...a.exp_annotations } }));
}

/** Label maps as the readers list them: [name, value, where] in order. */
function entries(m: Readonly<Record<string, string>> | undefined): Array<[string, string, undefined]> {
  return m === undefined ? [] : Object.entries(m).map(([k, v]) => [k, v, undefined]);
}

/**
 * What parseRuleFile(file, <the YAML of { groups }>) returns, but for line
 * numbers (0). Throws RuleFileError listing every problem.
 */
export function ruleGroupsFromData(file: string, groups: readonly RuleGroupData[]): LoadedRuleGroup[] {
  const problems: string[] = [];
  const at = (msg: string): void => {
    problems.push(new YamlFileError(file, undefined, msg).message);
  };
  const out: LoadedRuleGroup[] = [];
  try {
    const seen = new Set<string>();
    for (const g of groups) {
      const name = g.name ?? "";
      if (name === "") at("Groupname must not be empty");
      if (seen.has(name)) at(`groupname: "${name}" is repeated in the same file`);
      seen.add(name);
      const fail = (msg: string): never => {
        throw new YamlFileError(file, undefined, msg);
      };
      const interval = duration(g.interval, "interval", fail);
      const groupLabels = entries(g.labels);
      for (const [k, v] of groupLabels) for (const p of labelProblems(k, v)) at(p);
      const rules: LoadedRule[] = [];
      (g.rules ?? []).forEach((r, i) => {
        const rule = checkedRule<undefined>(
          {
            record: r.record ?? "",
            alert: r.alert ?? "",
            exprText: r.expr ?? "",
            holdDuration: duration(r.for, "for", fail),
            keepFiringFor: duration(r.keep_firing_for, "keep_firing_for", fail),
            ruleLabels: entries(r.labels),
            annotations: entries(r.annotations),
            node: undefined,
            recordNode: undefined,
            exprNode: undefined,
            file,
            line: 0,
          },
          groupLabels,
          (_node, msg, ruleName) => at(`group "${name}", rule ${i + 1}, "${ruleName}": ${msg}`),
        );
        if (rule !== undefined) rules.push(rule);
      });
      const limit = g.limit ?? 0;
      if (!Number.isInteger(limit)) fail("limit must be an integer");
      out.push({ file, name, interval, queryOffset: duration(g.query_offset, "query_offset", fail), limit, rules });
    }
  } catch (e) {
    if (e instanceof YamlFileError) problems.push(e.message);
    else throw e;
  }
  if (problems.length > 0) throw new RuleFileError(problems);
  return out;
}
