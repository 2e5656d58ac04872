/**
 * Runs promtool unit-test files: reads a file, loads its rule files, and for
 * each selected test group evaluates the rules and checks the expected
 * alerts and expression results, in promtool's order of checks.
 */
import { readFileSync } from "node:fs";
import { ioReason } from "../yaml/safe.js";
import type { Expr } from "../promql/ast.js";
import { Labels } from "../promql/labels.js";
import { tryParsePromQL } from "../promql/parser.js";
import { compareAlerts, compareSamples, ExpectedSampleError, expectedAlerts, expectedSamples, resultSample, type Mismatch, type ParsedSample } from "./compare.js";
import { evaluate, type EvalMode, type EvalPlan, type EvalResult } from "./evaluator.js";
import { formatPrometheusDuration } from "../go/duration.js";
import { InputSeriesError, parseInputSeries, type InputSamples } from "./input.js";
import { loadRuleFile, parseRuleFile, resolveRuleFiles, RuleFileError, type LoadedRule, type LoadedRuleGroup } from "./rule-files.js";
import { sha256, stampHolds, testKey, type ResultStamp } from "./result-key.js";
import { ruleCoverageEntries, type RuleCoverage } from "./coverage.js";
import { parseTestFile, testGroupName, YamlFileError, type TestFile, type TestGroup } from "./test-file.js";

export interface RunOptions {
  /** Only test groups whose name matches (promtool's --run). */
  run?: RegExp;
  /** Evaluation strategy; "auto" takes the fast path where it is exact. */
  mode?: EvalMode;
  /** Track rule coverage (FileResult.coverage); off by default, and then free. */
  coverage?: boolean;
  /**
   * Results of earlier runs that passed, by their stamp's key (result-key.ts;
   * `salt` goes into every key): a file whose key is here, and whose stamp
   * still holds, is not run again, and this is its result (FileResult.cached).
   * With it, every result that can be reused carries its stamp.
   */
  known?: KnownResults;
}

export interface KnownResults {
  salt: string;
  results: Readonly<Record<string, FileResult>>;
}

export type GroupStatus = "passed" | "failed" | "error";

export interface GroupResult {
  name: string;
  line: number;
  status: GroupStatus;
  /** Rule evaluation errors and other reasons the group could not be checked. */
  errors: string[];
  mismatches: Mismatch[];
  /** How the rules were evaluated (undefined when they were not). */
  path: "fast" | "exact" | undefined;
  fallbackReason: string | undefined;
  durationMs: number;
}

export interface FileResult {
  file: string;
  /** ok: every group passed; failed: some group failed; invalid: the file could not be read or is malformed. */
  status: "ok" | "failed" | "invalid";
  groups: GroupResult[];
  /** Why the file is invalid, or why its rule files could not be loaded (file:line:col: ...). */
  errors: string[];
  warnings: string[];
  durationMs: number;
  /**
   * With RunOptions.coverage: every rule of the rule files loaded, in file
   * order, and whether some test group's evaluation covered it. Undefined
   * when the rule files were not loaded (no group selected, or invalid).
   */
  coverage?: RuleCoverage[];
  /** With RunOptions.known: what this result depends on (result-key.ts), when the file and its rule files could be read. */
  stamp?: ResultStamp;
  /** This result is RunOptions.known's: the file was not run again. */
  cached?: boolean;
}

export async function runTestFile(file: string, opts: RunOptions = {}): Promise<FileResult> {
  const started = performance.now();
  const result: FileResult = { file, status: "ok", groups: [], errors: [], warnings: [], durationMs: 0 };
  const finish = (): FileResult => {
    result.durationMs = performance.now() - started;
    if (result.status !== "invalid" && result.groups.some((g) => g.status !== "passed")) result.status = "failed";
    return result;
  };

  let tf: TestFile;
  let bytes: Uint8Array;
  try {
    // Read at once: a test file is small, and a thread-pool round trip per file costs more than the read.
    bytes = readFileSync(file);
  } catch (e) {
    result.status = "invalid";
    result.errors.push(`${file}: cannot read: ${ioReason(e)}`);
    return finish();
  }
  // A result of an earlier run, found before anything is parsed.
  let key: string | undefined;
  if (opts.known !== undefined) {
    key = testKey({ salt: opts.known.salt, file, bytes, options: { run: opts.run, mode: opts.mode ?? "auto", coverage: opts.coverage ?? false } });
    const known = Object.hasOwn(opts.known.results, key) ? opts.known.results[key] : undefined;
    if (known?.stamp?.key === key && stampHolds(file, known.stamp)) return { ...known, file, cached: true };
  }
  try {
    tf = parseTestFile(file, bytes);
  } catch (e) {
    result.status = "invalid";
    result.errors.push(e instanceof YamlFileError ? e.message : `${file}: cannot read: ${ioReason(e)}`);
    return finish();
  }
  const selected = tf.tests.filter((g) => opts.run === undefined || opts.run.test(g.name));
  // Like promtool, rule files are only read when some test group runs.
  if (selected.length === 0) return finish();

  const { files, warnings } = resolveRuleFiles(file, tf.ruleFiles);
  // Each rule file read once: for the stamp, then to load (one that cannot be read is loadRuleFile's to report).
  const ruleBytes = files.map((f) => {
    try {
      return readFileSync(f);
    } catch {
      return undefined;
    }
  });
  if (key !== undefined && ruleBytes.every((b) => b !== undefined)) {
    result.stamp = { key, ruleFilePatterns: [...tf.ruleFiles], ruleFiles: files.map((f, i) => ({ file: f, sha256: sha256(ruleBytes[i]!) })) };
  }
  result.warnings.push(...warnings);
  let groups: LoadedRuleGroup[] | undefined;
  let coverage: Map<LoadedRule, RuleCoverage> | undefined;
  try {
    const loaded = files.flatMap((f, i) => (ruleBytes[i] === undefined ? loadRuleFile(f) : parseRuleFile(f, ruleBytes[i])));
    groups = orderGroups(loaded, tf.groupEvalOrder);
    if (opts.coverage) {
      coverage = ruleCoverageEntries(loaded);
      result.coverage = [...coverage.values()];
    }
  } catch (e) {
    if (!(e instanceof RuleFileError)) throw e;
    result.errors.push(...e.problems);
  }

  for (const g of selected) {
    const gStart = performance.now();
    const gr: GroupResult = {
      name: testGroupName(g),
      line: g.line,
      status: "passed",
      errors: [],
      mismatches: [],
      path: undefined,
      fallbackReason: undefined,
      durationMs: 0,
    };
    result.groups.push(gr);
    try {
      if (groups === undefined) gr.errors.push("not run: the rule files could not be loaded");
      else await runGroup(tf, g, groups, opts.mode ?? "auto", gr, coverage);
    } catch (e) {
      if (e instanceof InputSeriesError) {
        // A malformed series makes the test file itself invalid.
        result.status = "invalid";
        result.errors.push(`${file}:${e.line}: ${e.message}`);
        gr.errors.push(e.message);
      } else throw e;
    }
    if (gr.status === "passed" && (gr.errors.length > 0 || gr.mismatches.length > 0)) gr.status = "failed";
    gr.durationMs = performance.now() - gStart;
  }
  return finish();
}

/**
 * promtool sorts groups by their position in group_eval_order (groups not
 * listed count as position 0) with an unstable sort over a map, so groups
 * of equal position run in an unspecified order. monac keeps the file order
 * among them, which is one of promtool's possible orders.
 */
function orderGroups(groups: LoadedRuleGroup[], order: readonly string[]): LoadedRuleGroup[] {
  const pos = (g: LoadedRuleGroup): number => Math.max(0, order.indexOf(g.name));
  return groups.map((g, i) => ({ g, i })).sort((a, b) => pos(a.g) - pos(b.g) || a.i - b.i).map((x) => x.g);
}

/**
 * What evaluating a test group needs. Throws InputSeriesError for input
 * that does not parse.
 */
export function buildPlan(tf: TestFile, g: TestGroup, groups: readonly LoadedRuleGroup[]): EvalPlan {
  const input: InputSamples[] = parseInputSeries(g);
  const alertChecks = new Map<number, Set<string>>();
  for (const a of g.alertRuleTests) {
    const names = alertChecks.get(a.evalTime) ?? new Set<string>();
    names.add(a.alertname);
    alertChecks.set(a.evalTime, names);
  }
  return {
    groups,
    input,
    evaluationInterval: tf.evaluationInterval,
    start: g.startTimestamp,
    maxEvalTime: Math.max(0, ...g.alertRuleTests.map((a) => a.evalTime), ...g.promqlExprTests.map((p) => p.evalTime)),
    alertChecks,
    templates: { externalLabels: g.externalLabels, externalURL: g.externalURL },
  };
}

/** Loads a test file and its rule groups (in evaluation order); throws YamlFileError or RuleFileError. */
export async function loadTestFile(file: string): Promise<{ testFile: TestFile; ruleGroups: LoadedRuleGroup[] }> {
  const testFile = parseTestFile(file, readFileSync(file));
  const { files } = resolveRuleFiles(file, testFile.ruleFiles);
  return { testFile, ruleGroups: orderGroups(files.flatMap((f) => loadRuleFile(f)), testFile.groupEvalOrder) };
}

async function runGroup(
  tf: TestFile,
  g: TestGroup,
  groups: LoadedRuleGroup[],
  mode: EvalMode,
  gr: GroupResult,
  coverage: Map<LoadedRule, RuleCoverage> | undefined,
): Promise<void> {
  const plan = buildPlan(tf, g, groups);
  if (coverage !== undefined) plan.trackCoverage = true;
  // What checkExpressions reads: rules are evaluated only where these and the alert checks look (demand.ts).
  const reads: Array<{ expr: Expr; time: number }> = [];
  for (const t of g.promqlExprTests) {
    const parsed = tryParsePromQL(t.expr);
    if (parsed.ok) reads.push({ expr: parsed.expr, time: g.startTimestamp + t.evalTime });
  }
  if (reads.length === g.promqlExprTests.length) plan.reads = reads;
  for (const a of g.alertRuleTests) {
    if (a.alertname === "") {
      const where = g.name === "" ? "" : ` (in TestGroup ${g.name})`;
      gr.errors.push(`an item under alert_rule_test misses required attribute alertname at eval_time ${formatPrometheusDuration(a.evalTime)}${where}`);
      return;
    }
  }
  const res = await evaluate(plan, mode);
  gr.path = res.path;
  gr.fallbackReason = res.fallbackReason;
  for (const rule of res.covered ?? []) coverage!.get(rule)!.covered = true;

  checkAlerts(g, res, gr);
  if (res.errors.length > 0) {
    // promtool stops at the first loop time with rule errors; nothing after it is checked.
    gr.errors.push(...res.errors);
    return;
  }
  checkExpressions(tf, g, res, gr);
}

function checkAlerts(g: TestGroup, res: EvalResult, gr: GroupResult): void {
  for (const a of [...g.alertRuleTests].sort((x, y) => x.evalTime - y.evalTime)) {
    const byName = res.alerts.get(a.evalTime);
    // Checks at loop times after a rule error were never reached.
    if (byName === undefined && !res.checksReached.has(a.evalTime)) continue;
    const got = byName?.get(a.alertname) ?? { firing: [], pending: [] };
    const title = `alert ${a.alertname} at ${formatPrometheusDuration(a.evalTime)}`;
    const firing = compareAlerts(title, "firing", expectedAlerts(a.alertname, a.expAlerts), got.firing, got.pending);
    if (firing !== undefined) gr.mismatches.push(firing);
    if (a.expPending !== undefined) {
      const pending = compareAlerts(`${title} (pending)`, "pending", expectedAlerts(a.alertname, a.expPending), got.pending, got.firing);
      if (pending !== undefined) gr.mismatches.push(pending);
    }
  }
}

function checkExpressions(tf: TestFile, g: TestGroup, res: EvalResult, gr: GroupResult): void {
  for (const t of g.promqlExprTests) {
    const title = `expr ${JSON.stringify(t.expr)} at ${formatPrometheusDuration(t.evalTime)}`;
    let got: ParsedSample[];
    try {
      const v = res.engine.instantQuery(t.expr, g.startTimestamp + t.evalTime).value;
      if (v.type === "vector") got = v.samples.map((s) => resultSample(s.metric, s.v, s.h));
      else if (v.type === "scalar") got = [resultSample(Labels.EMPTY, v.v, undefined)];
      else throw new Error("rule result is not a vector or scalar");
    } catch (e) {
      gr.errors.push(`expr: ${JSON.stringify(t.expr)}, time: ${formatPrometheusDuration(t.evalTime)}, err: ${(e as Error).message}`);
      continue;
    }
    let exp: ParsedSample[];
    try {
      exp = expectedSamples(t.expSamples);
    } catch (e) {
      if (!(e instanceof ExpectedSampleError)) throw e;
      gr.errors.push(`expr: ${JSON.stringify(t.expr)}, time: ${formatPrometheusDuration(t.evalTime)}, err: ${e.message}`);
      continue;
    }
    const m = compareSamples(title, exp, got, tf.fuzzyCompare);
    if (m !== undefined) gr.mismatches.push(m);
  }
}
