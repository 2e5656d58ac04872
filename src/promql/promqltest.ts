/**
 * Runner for Prometheus's PromQL test-script format (promql/promqltest):
 * `load`, `clear`, `eval instant|range` with `expect` lines.
 *
 * Like Prometheus's runner, every successful instant eval is also checked
 *  - with `@ <eval time>` added to every selector and run at other times
 *    (the result must not change: step invariance), and
 *  - as a range query around the eval time (the middle step must agree).
 *
 * Evals needing what the engine does not implement (it throws
 * UnsupportedFeatureError: some native histogram operations, experimental
 * features) are reported as skipped with the reason, never as passed.
 */
import { walk, type Expr } from "./ast.js";
import { renderAnnotation, type Annotation } from "./annotations.js";
import { parsePrometheusDuration } from "../go/duration.js";
import { Engine } from "./engine.js";
import { almostEqual } from "./float-compare.js";
import { AT_MODIFIER_UNSAFE_FUNCTIONS, FUNCTION_SIGNATURES } from "./function-signatures.js";
import { compareLabels, Labels, METRIC_NAME } from "./labels.js";
import { parseNumber } from "./literals.js";
import { parsePromQL } from "./parser.js";
import { printPromQL } from "./printer.js";
import { compileGoRegex } from "./regex.js";
import { formatHistogram, histogramsMatch, type FloatHistogram } from "./histogram.js";
import { parseSeriesDescription, type SequenceValue } from "./series-notation.js";
import { SeriesStore } from "./storage.js";
import { classicToNHCB, type LoadedFloatSeries } from "./nhcb.js";
import { UnsupportedFeatureError, type QueryResult, type QueryValue } from "./value.js";

export type EvalStatus = "passed" | "failed" | "skipped";

export interface EvalOutcome {
  /** 1-based line of the eval command. */
  line: number;
  expr: string;
  status: EvalStatus;
  /** Why it failed (expected vs got) or was skipped. */
  message?: string;
}

export interface ScriptResult {
  outcomes: EvalOutcome[];
  passed: number;
  failed: number;
  skipped: number;
  /** A script-level problem (unparsable command); counted as one failure. */
  error?: string;
}

const EPSILON = 0.000001;
const PAT_LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const PAT_EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const PAT_EVAL_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const PAT_EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const PAT_EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;
/** Queries whose result depends on the query's own range are not re-run in range mode. */
const QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;

type ExpectType = "ordered" | "fail" | "warn" | "no_warn" | "info" | "no_info";

interface Expectation {
  message?: string;
  regex?: RegExp;
}

function matches(e: Expectation, s: string): boolean {
  return e.regex ? e.regex.test(s) : e.message === s;
}

function describe(e: Expectation): string {
  return e.regex ? `pattern ${JSON.stringify(e.regex.source)}` : `message ${JSON.stringify(e.message)}`;
}

interface ExpectedSeries {
  labels: Labels;
  /** 1-based position, for ordered results. */
  pos: number;
  values: SequenceValue[];
}

interface EvalCommand {
  kind: "eval";
  line: number;
  expr: string;
  instant: boolean;
  evalTime: number;
  start: number;
  end: number;
  step: number;
  modifier: string | undefined;
  expects: Map<ExpectType, Expectation[]>;
  expectedFailMessage?: string;
  expectedFailRegexp?: RegExp;
  expected: Map<string, ExpectedSeries>;
  scalar?: number;
  expectedString?: string;
  excludeFromRangeQuery: boolean;
  /** Set when the expectations themselves need features we lack. */
  skipReason?: string;
  /** Set when the command itself is malformed. */
  error?: string;
}

type Command = { kind: "clear" } | { kind: "load"; line: number; gap: number; withNHCB: boolean; series: Array<{ line: number; text: string }> } | EvalCommand;

class ScriptError extends Error {}

function raise(line: number, msg: string): never {
  throw new ScriptError(`line ${line + 1}: ${msg}`);
}

function getLines(input: string): string[] {
  return input.split("\n").map((l) => {
    const t = l.trim();
    return t.startsWith("#") ? "" : t;
  });
}

function parseScript(input: string): Command[] {
  const lines = getLines(input);
  const cmds: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === "") continue;
    const c = l.split(/[\t ]+/, 1)[0]!.toLowerCase();
    if (c === "clear") cmds.push({ kind: "clear" });
    else if (c.startsWith("load")) {
      const m = PAT_LOAD.exec(l);
      if (!m) raise(i, `invalid load command ${JSON.stringify(l)}`);
      let gap: number;
      try {
        gap = parsePrometheusDuration(m[2]!);
      } catch {
        raise(i, `invalid step definition ${JSON.stringify(m[2])}`);
      }
      const cmd: Command = { kind: "load", line: i + 1, gap, withNHCB: m[1] !== undefined, series: [] };
      while (i + 1 < lines.length && lines[i + 1] !== "") {
        i++;
        cmd.series.push({ line: i + 1, text: lines[i]! });
      }
      cmds.push(cmd);
    } else if (c.startsWith("eval")) {
      const [next, cmd] = parseEval(lines, i);
      i = next;
      cmds.push(cmd);
    } else raise(i, `invalid command ${JSON.stringify(l)}`);
  }
  return cmds;
}

function parseEval(lines: string[], start: number): [number, EvalCommand] {
  let i = start;
  const l = lines[i]!;
  const inst = PAT_EVAL_INSTANT.exec(l);
  const rng = PAT_EVAL_RANGE.exec(l);
  if (!inst && !rng) {
    raise(i, "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'");
  }
  const cmd: EvalCommand = {
    kind: "eval",
    line: i + 1,
    expr: inst ? inst[3]! : rng![5]!,
    instant: inst !== null,
    evalTime: 0,
    start: 0,
    end: 0,
    step: 0,
    modifier: inst ? inst[1] : rng![1],
    expects: new Map(),
    expected: new Map(),
    excludeFromRangeQuery: false,
  };
  const fail = (msg: string): never => raise(i, `error in eval ${cmd.expr}: ${msg}`);
  try {
    if (inst) {
      cmd.evalTime = parsePrometheusDuration(inst[2] ?? "");
      cmd.start = cmd.end = cmd.evalTime;
    } else {
      cmd.start = parsePrometheusDuration(rng![2]!);
      cmd.end = parsePrometheusDuration(rng![3]!);
      cmd.step = parsePrometheusDuration(rng![4]!);
      if (cmd.end < cmd.start) fail("invalid test definition, end timestamp is before start timestamp");
    }
  } catch (e) {
    if (e instanceof ScriptError) throw e;
    fail((e as Error).message);
  }
  let expectRangeVector = false;
  for (let j = 1; i + 1 < lines.length; j++) {
    i++;
    const def = lines[i]!;
    if (def === "") {
      i--;
      break;
    }
    if (cmd.modifier === "fail" && def.startsWith("expected_fail_message")) {
      cmd.expectedFailMessage = def.slice("expected_fail_message".length).trim();
      break;
    }
    if (cmd.modifier === "fail" && def.startsWith("expected_fail_regexp")) {
      cmd.expectedFailRegexp = compileGoRegex(def.slice("expected_fail_regexp".length).trim());
      break;
    }
    if (def.startsWith("expect range vector")) {
      const m = PAT_EXPECT_RANGE.exec(def);
      if (!m) return fail(`invalid range vector definition ${JSON.stringify(def)}`);
      cmd.start = parsePrometheusDuration(m[1]!);
      cmd.end = parsePrometheusDuration(m[2]!);
      cmd.step = parsePrometheusDuration(m[3]!);
      cmd.evalTime = cmd.end;
      cmd.excludeFromRangeQuery = true;
      expectRangeVector = true;
      continue;
    }
    if (def.startsWith("expect string")) {
      const lit = def.slice("expect string".length).trim();
      if (!/^(".*"|`.*`)$/.test(lit)) fail("expected string literal not valid - check that the string is correctly quoted");
      cmd.expectedString = lit.startsWith("`") ? lit.slice(1, -1) : (JSON.parse(lit) as string);
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (def.split(" ")[0] === "expect") {
      const m = PAT_EXPECT.exec(def);
      if (!m) return fail("invalid expect statement, must match `expect <type> <match_type>: <string>` format");
      const type = m[1] as ExpectType;
      const e: Expectation = {};
      if (m[2] === "msg") e.message = m[3]!.trim();
      else if (m[2] === "regex") e.regex = compileGoRegex(m[3]!.trim());
      else e.regex = /^.*$/s;
      const list = cmd.expects.get(type) ?? [];
      list.push(e);
      cmd.expects.set(type, list);
      j--;
      continue;
    }
    if (/^[+-]?[\w.]+$/.test(def)) {
      try {
        cmd.scalar = parseNumber(def);
        break;
      } catch {
        // Not a number: a series line such as `foo`.
      }
    }
    let desc;
    try {
      desc = parseSeriesDescription(def);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (desc.values.length > 1 && cmd.instant && !expectRangeVector) {
      fail("expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query");
    }
    cmd.expected.set(desc.labels.key, { labels: desc.labels, pos: j, values: desc.values });
  }
  try {
    parsePromQL(cmd.expr);
  } catch (e) {
    // The lezer grammar only knows stable function names, so experimental
    // ones (min_of, ...) fail to parse; that is a missing feature, not a bug.
    const fn = /unknown function with name "(\w+)"/.exec((e as Error).message)?.[1];
    if (fn !== undefined && FUNCTION_SIGNATURES.get(fn)?.experimental) cmd.skipReason = `experimental function ${fn}()`;
    else cmd.error = `invalid query ${JSON.stringify(cmd.expr)}: ${(e as Error).message}`;
  }
  return [i, cmd];
}

// ---------------------------------------------------------------------------

class EvalFailure extends Error {}
class EvalSkip extends Error {}

function isOrdered(cmd: EvalCommand): boolean {
  return cmd.modifier === "ordered" || (cmd.expects.get("ordered")?.length ?? 0) > 0;
}

function isFail(cmd: EvalCommand): boolean {
  return cmd.modifier === "fail" || (cmd.expects.get("fail")?.length ?? 0) > 0;
}

export function runPromQLTestScript(input: string): ScriptResult {
  const result: ScriptResult = { outcomes: [], passed: 0, failed: 0, skipped: 0 };
  let cmds: Command[];
  try {
    cmds = parseScript(input);
  } catch (e) {
    result.error = (e as Error).message;
    result.failed++;
    return result;
  }
  const store = new SeriesStore();
  // Series loaded with start timestamps (`@st` lines), likewise unsupported.
  const startTimestampSeries = new SeriesStore();
  const engine = new Engine(store);
  for (const cmd of cmds) {
    if (cmd.kind === "clear") {
      store.clear();
      startTimestampSeries.clear();
      continue;
    }
    if (cmd.kind === "load") {
      try {
        load(cmd, store, startTimestampSeries);
      } catch (e) {
        result.error = `line ${cmd.line}: ${(e as Error).message}`;
        result.failed++;
        return result;
      }
      continue;
    }
    const outcome = runEval(cmd, engine, startTimestampSeries);
    result.outcomes.push(outcome);
    result[outcome.status]++;
  }
  return result;
}

function load(cmd: Extract<Command, { kind: "load" }>, store: SeriesStore, startTimestampSeries: SeriesStore): void {
  const classic: LoadedFloatSeries[] = [];
  for (const { text } of cmd.series) {
    // `metric@st <offsets>` lines give start timestamps (an experimental
    // feature); the samples they annotate are loaded without them.
    const st = /^(\S*)@st\s/.exec(text);
    if (st) {
      const { labels } = parseSeriesDescription(`${st[1]} 0`);
      startTimestampSeries.append(labels, 0, 0);
      continue;
    }
    const desc = parseSeriesDescription(text);
    const floats: LoadedFloatSeries = { labels: desc.labels, samples: [] };
    desc.values.forEach((v, i) => {
      const t = i * cmd.gap;
      if (v.kind === "value") {
        store.append(desc.labels, t, v.value);
        floats.samples.push({ t, v: v.value });
      } else if (v.kind === "stale") {
        store.appendStale(desc.labels, t);
        floats.samples.push({ t, v: NaN });
      } else if (v.kind === "histogram") store.appendHistogram(desc.labels, t, v.histogram);
    });
    classic.push(floats);
  }
  // load_with_nhcb also loads the classic histograms as native histograms with custom buckets.
  if (cmd.withNHCB) {
    for (const s of classicToNHCB(classic)) for (const { t, h } of s.samples) store.appendHistogram(s.labels, t, h);
  }
}

/** Why this engine cannot run a query, if it cannot. */
function unsupportedReason(expr: Expr, startTimestampSeries: SeriesStore): string | undefined {
  let reason: string | undefined;
  walk(expr, (n) => {
    if (reason !== undefined) return;
    if (n.type === "Call" && FUNCTION_SIGNATURES.get(n.func)?.experimental) reason = `experimental function ${n.func}()`;
    else if (n.type === "AggregateExpr" && (n.op === "limitk" || n.op === "limit_ratio")) reason = `experimental aggregation ${n.op}`;
    else if (n.type === "VectorSelector" && (n.anchored || n.smoothed)) reason = "experimental anchored/smoothed range selectors";
    else if (n.type === "BinaryExpr" && n.matching?.fill) reason = "experimental fill modifiers";
    else if (n.type === "VectorSelector") {
      const matchers = n.name === undefined ? n.matchers : [...n.matchers, { name: METRIC_NAME, op: "=" as const, value: n.name }];
      if (startTimestampSeries.select(matchers).length > 0) reason = "reads series with start timestamps (experimental)";
    }
  });
  return reason;
}

function runEval(cmd: EvalCommand, engine: Engine, startTimestampSeries: SeriesStore): EvalOutcome {
  const base = { line: cmd.line, expr: cmd.expr };
  if (cmd.skipReason !== undefined) return { ...base, status: "skipped", message: cmd.skipReason };
  if (cmd.error !== undefined) return { ...base, status: "failed", message: cmd.error };
  const reason = unsupportedReason(parsePromQL(cmd.expr), startTimestampSeries);
  if (reason !== undefined) return { ...base, status: "skipped", message: reason };
  try {
    if (cmd.instant) execInstant(cmd, engine);
    else execRange(cmd, engine);
    return { ...base, status: "passed" };
  } catch (e) {
    if (e instanceof EvalSkip || e instanceof UnsupportedFeatureError) return { ...base, status: "skipped", message: e.message };
    if (e instanceof EvalFailure) return { ...base, status: "failed", message: e.message };
    return { ...base, status: "failed", message: `unexpected error: ${(e as Error).stack ?? String(e)}` };
  }
}

/** Runs a query; returns undefined when it failed as the command expected. */
function runQuery(cmd: EvalCommand, expr: string, run: () => QueryResult): QueryResult | undefined {
  let res: QueryResult;
  try {
    res = run();
  } catch (e) {
    if (e instanceof UnsupportedFeatureError) throw e;
    const msg = (e as Error).message;
    if (isFail(cmd)) {
      checkExpectedFailure(cmd, msg);
      return undefined;
    }
    throw new EvalFailure(`error evaluating query ${JSON.stringify(expr)} (line ${cmd.line}): ${msg}`);
  }
  if (isFail(cmd)) throw new EvalFailure(`expected error evaluating query ${JSON.stringify(expr)} (line ${cmd.line}) but got none`);
  return res;
}

function checkExpectedFailure(cmd: EvalCommand, actual: string): void {
  if (cmd.expectedFailMessage !== undefined && cmd.expectedFailMessage !== actual) {
    throw new EvalFailure(`expected error ${JSON.stringify(cmd.expectedFailMessage)} evaluating query ${JSON.stringify(cmd.expr)} (line ${cmd.line}), but got: ${actual}`);
  }
  if (cmd.expectedFailRegexp !== undefined && !cmd.expectedFailRegexp.test(actual)) {
    throw new EvalFailure(`expected error matching pattern ${JSON.stringify(cmd.expectedFailRegexp.source)} evaluating query ${JSON.stringify(cmd.expr)} (line ${cmd.line}), but got: ${actual}`);
  }
  const e = cmd.expects.get("fail")?.[0];
  if (e !== undefined && !matches(e, actual)) {
    throw new EvalFailure(`expected error matching ${describe(e)} evaluating query ${JSON.stringify(cmd.expr)} (line ${cmd.line}), but got: ${actual}`);
  }
}

function execRange(cmd: EvalCommand, engine: Engine): void {
  const res = runQuery(cmd, cmd.expr, () => engine.rangeQuery(cmd.expr, cmd.start, cmd.end, cmd.step));
  if (res === undefined) return;
  checkAnnotations(cmd, cmd.expr, res.annotations);
  compareResult(cmd, res.value);
}

function execInstant(cmd: EvalCommand, engine: Engine): void {
  const cases = [{ expr: cmd.expr, time: cmd.evalTime }, ...atModifierTestCases(cmd.expr, cmd.evalTime)];
  for (const c of cases) {
    const res = runQuery(cmd, c.expr, () => engine.instantQuery(c.expr, c.time));
    if (res === undefined) continue;
    checkAnnotations(cmd, c.expr, res.annotations);
    withContext(`${c.expr} at ${c.time}ms`, () => compareResult(cmd, res.value));
    if (cmd.excludeFromRangeQuery || QUERY_CONTEXT_FUNCS.test(c.expr)) continue;
    let range: QueryResult;
    try {
      range = engine.rangeQuery(c.expr, c.time - 60_000, c.time + 60_000, 60_000);
    } catch (e) {
      if (e instanceof UnsupportedFeatureError) throw e;
      throw new EvalFailure(`error evaluating query ${JSON.stringify(c.expr)} (line ${cmd.line}) in range mode: ${(e as Error).message}`);
    }
    // Range results are always sorted by labels, so an ordered expectation cannot hold.
    if (isOrdered(cmd) || range.value.type !== "matrix") continue;
    const samples = range.value.series.flatMap((s) => {
      const i = s.t.indexOf(c.time);
      if (i < 0) return [];
      const h = s.h?.[i];
      return [h === undefined ? { metric: s.metric, t: c.time, v: s.v[i]! } : { metric: s.metric, t: c.time, v: NaN, h }];
    });
    const asInstant: QueryValue =
      res.value.type === "scalar" ? { type: "scalar", t: c.time, v: samples[0]?.v ?? NaN } : { type: "vector", samples };
    withContext(`${c.expr} in range mode`, () => compareResult(cmd, asInstant));
  }
}

function withContext(what: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof EvalFailure) throw new EvalFailure(`${what}: ${e.message}`);
    throw e;
  }
}

/**
 * The extra instant queries Prometheus's runner checks: every selector and
 * subquery without `@` (outside subqueries that have one) gets `@ <eval
 * time>`, and the query must then give the same result at other times.
 */
export function atModifierTestCases(exprText: string, evalTime: number): Array<{ expr: string; time: number }> {
  const expr = parsePromQL(exprText);
  let unsafe = false;
  const pinned = (at: { kind: string } | undefined): boolean => at !== undefined && at.kind === "timestamp";
  walk(expr, (n, path) => {
    if (path.some((p) => p.type === "SubqueryExpr" && pinned(p.at))) return;
    if (n.type === "VectorSelector" && !pinned(n.at)) n.at = { kind: "timestamp", ms: evalTime };
    if (n.type === "SubqueryExpr" && !pinned(n.at)) n.at = { kind: "timestamp", ms: evalTime };
    if (n.type === "Call" && AT_MODIFIER_UNSAFE_FUNCTIONS.has(n.func)) unsafe = true;
  });
  if (unsafe) return [];
  const text = printPromQL(expr);
  const times = evalTime === 0 ? [-1000, 0, 1000] : [-10 * evalTime, 0, Math.trunc(evalTime / 5), evalTime, 10 * evalTime];
  return times.map((time) => ({ expr: text, time }));
}

function checkAnnotations(cmd: EvalCommand, expr: string, annotations: Annotation[]): void {
  const warnings = annotations.filter((a) => a.severity === "warning").map((a) => renderAnnotation(a, expr));
  const infos = annotations.filter((a) => a.severity === "info").map((a) => renderAnnotation(a, expr));
  if (cmd.modifier === "warn" && warnings.length === 0) throw new EvalFailure(`expected warnings evaluating query ${JSON.stringify(expr)} (line ${cmd.line}) but got none`);
  if (cmd.modifier === "info" && infos.length === 0) throw new EvalFailure(`expected info annotations evaluating query ${JSON.stringify(expr)} (line ${cmd.line}) but got none`);
  validateAnnotations(cmd, expr, cmd.expects.get("warn"), warnings, "warn");
  validateAnnotations(cmd, expr, cmd.expects.get("info"), infos, "info");
  if (cmd.expects.has("no_warn") && warnings.length > 0) {
    throw new EvalFailure(`unexpected warning annotations evaluating query ${JSON.stringify(expr)} (line ${cmd.line}): ${warnings.join("; ")}`);
  }
  if (cmd.expects.has("no_info") && infos.length > 0) {
    throw new EvalFailure(`unexpected info annotations evaluating query ${JSON.stringify(expr)} (line ${cmd.line}): ${infos.join("; ")}`);
  }
}

function validateAnnotations(cmd: EvalCommand, expr: string, expected: Expectation[] | undefined, actual: string[], type: string): void {
  if (expected === undefined || expected.length === 0) return;
  if (actual.length === 0) throw new EvalFailure(`expected ${type} annotations but none were found for query ${JSON.stringify(expr)} (line ${cmd.line})`);
  for (const e of expected) {
    if (!actual.some((a) => matches(e, a))) {
      throw new EvalFailure(`expected ${type} annotation matching ${describe(e)} but no matching annotation was found for query ${JSON.stringify(expr)} (line ${cmd.line}), found: ${JSON.stringify(actual)}`);
    }
  }
  for (const a of actual) {
    if (!expected.some((e) => matches(e, a))) throw new EvalFailure(`unexpected ${type} annotation ${JSON.stringify(a)} found for query ${expr} (line ${cmd.line})`);
  }
}

function fmt(v: number): string {
  return Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(v);
}

/** formatHistogram, which cannot write histograms with several spans per side. */
function safeFormat(h: FloatHistogram): string {
  try {
    return formatHistogram(h);
  } catch {
    return JSON.stringify(h.toJSON());
  }
}

function pointText(v: number, h: FloatHistogram | undefined): string {
  return h === undefined ? fmt(v) : safeFormat(h);
}

function compareResult(cmd: EvalCommand, value: QueryValue): void {
  const scalarExpected = cmd.scalar !== undefined;
  switch (value.type) {
    case "matrix": {
      if (isOrdered(cmd)) throw new EvalFailure("expected ordered result, but query returned a matrix");
      if (scalarExpected) throw new EvalFailure("expected scalar result, but got matrix");
      for (let i = 1; i < value.series.length; i++) {
        if (compareLabels(value.series[i - 1]!.metric, value.series[i]!.metric) > 0) throw new EvalFailure("matrix results should always be sorted by labels");
      }
      const seen = new Set<string>();
      for (const s of value.series) {
        const exp = cmd.expected.get(s.metric.key);
        if (exp === undefined) {
          throw new EvalFailure(`unexpected metric ${s.metric.toString()} in result, has ${s.t.map((t, i) => `${pointText(s.v[i]!, s.h?.[i])} @[${t}]`).join(", ")}`);
        }
        seen.add(s.metric.key);
        const expected: Array<{ t: number; v: number; h?: FloatHistogram; hintSet?: boolean }> = [];
        exp.values.forEach((e, i) => {
          const t = cmd.start + i * cmd.step;
          if (t > cmd.end) throw new EvalFailure(`expected ${exp.values.length} points for ${exp.labels.toString()}, but query time range cannot return this many points`);
          if (e.kind === "value") expected.push({ t, v: e.value });
          else if (e.kind === "stale") expected.push({ t, v: NaN });
          else if (e.kind === "histogram") expected.push({ t, v: NaN, h: e.histogram, hintSet: e.counterResetHintSet });
        });
        const got = s.t.map((t, i) => `${pointText(s.v[i]!, s.h?.[i])} @[${t}]`).join(", ");
        const expFloats = expected.filter((e) => e.h === undefined);
        const expHists = expected.filter((e) => e.h !== undefined);
        const gotFloats = s.t.flatMap((t, i) => (s.h?.[i] === undefined ? [{ t, v: s.v[i]! }] : []));
        const gotHists = s.t.flatMap((t, i) => (s.h?.[i] === undefined ? [] : [{ t, h: s.h[i]! }]));
        if (expFloats.length !== gotFloats.length) {
          throw new EvalFailure(`expected ${expFloats.length} float points for ${exp.labels.toString()}, but got ${gotFloats.length}: ${got}`);
        }
        if (expHists.length !== gotHists.length) {
          throw new EvalFailure(`expected ${expHists.length} histogram points for ${exp.labels.toString()}, but got ${gotHists.length}: ${got}`);
        }
        expFloats.forEach((e, i) => {
          const g = gotFloats[i]!;
          if (e.t !== g.t) throw new EvalFailure(`expected float value at index ${i} for ${exp.labels.toString()} to have timestamp ${e.t}, but it had timestamp ${g.t} (result has ${got})`);
          if (!almostEqual(g.v, e.v, EPSILON)) {
            throw new EvalFailure(`expected float value at index ${i} (t=${e.t}) for ${exp.labels.toString()} to be ${fmt(e.v)}, but got ${fmt(g.v)} (result has ${got})`);
          }
        });
        expHists.forEach((e, i) => {
          const g = gotHists[i]!;
          if (e.t !== g.t) throw new EvalFailure(`expected histogram value at index ${i} for ${exp.labels.toString()} to have timestamp ${e.t}, but it had timestamp ${g.t} (result has ${got})`);
          if (!histogramsMatch(e.h!, g.h, e.hintSet)) {
            throw new EvalFailure(`expected histogram value at index ${i} (t=${e.t}) for ${exp.labels.toString()} to be ${safeFormat(e.h!)}, but got ${safeFormat(g.h)} (result has ${got})`);
          }
        });
      }
      for (const [key, exp] of cmd.expected) if (!seen.has(key)) throw new EvalFailure(`expected metric ${exp.labels.toString()} not found`);
      return;
    }
    case "vector": {
      if (scalarExpected) throw new EvalFailure(`expected scalar result, but got vector ${value.samples.map((s) => `${s.metric.toString()} => ${pointText(s.v, s.h)}`).join(", ")}`);
      const seen = new Set<string>();
      value.samples.forEach((s, pos) => {
        const exp = cmd.expected.get(s.metric.key);
        if (exp === undefined) throw new EvalFailure(`unexpected metric ${s.metric.toString()} in result, has value ${pointText(s.v, s.h)}`);
        if (isOrdered(cmd) && exp.pos !== pos + 1) throw new EvalFailure(`expected metric ${s.metric.toString()} at position ${exp.pos} but was at ${pos + 1}`);
        const e0 = exp.values[0];
        if (e0?.kind === "histogram") {
          if (s.h === undefined) throw new EvalFailure(`expected histogram ${safeFormat(e0.histogram)} for ${s.metric.toString()} but got float value ${fmt(s.v)}`);
          if (!histogramsMatch(e0.histogram, s.h, e0.counterResetHintSet)) {
            throw new EvalFailure(`expected ${safeFormat(e0.histogram)} for ${s.metric.toString()} but got ${safeFormat(s.h)}`);
          }
          seen.add(s.metric.key);
          return;
        }
        if (s.h !== undefined) throw new EvalFailure(`expected float value for ${s.metric.toString()} but got histogram ${safeFormat(s.h)}`);
        const want = e0?.kind === "value" ? e0.value : NaN;
        if (!almostEqual(want, s.v, EPSILON)) throw new EvalFailure(`expected ${fmt(want)} for ${s.metric.toString()} but got ${fmt(s.v)}`);
        seen.add(s.metric.key);
      });
      for (const [key, exp] of cmd.expected) {
        if (!seen.has(key)) throw new EvalFailure(`expected metric ${exp.labels.toString()} with ${JSON.stringify(exp.values)} not found`);
      }
      return;
    }
    case "scalar":
      if (!scalarExpected) throw new EvalFailure(`expected vector or matrix result, but got scalar ${fmt(value.v)}`);
      if (!almostEqual(cmd.scalar!, value.v, EPSILON)) throw new EvalFailure(`expected scalar ${fmt(cmd.scalar!)} but got ${fmt(value.v)}`);
      return;
    case "string":
      if (cmd.expectedString !== value.v) throw new EvalFailure(`expected string "${cmd.expectedString ?? ""}" but got "${value.v}"`);
      return;
  }
}
