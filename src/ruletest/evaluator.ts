/**
 * The rule evaluation loop of a promtool test group, in two implementations
 * that must agree sample for sample:
 *
 * - `exact`: promtool's loop. Every evaluation_interval from the start to the
 *   group's largest eval_time, the input is loaded up to that instant, then
 *   every group (in group_eval_order) evaluates its rules in order, each rule
 *   one instant query whose samples are appended before the next rule runs.
 *
 * - `fast`: each rule is ONE range query over all loop timestamps, its output
 *   series (with staleness markers where a series disappears) written to the
 *   storage before the next rule; alert state is then derived by walking the
 *   alert expression's per-step results through the same state machine.
 *
 * The fast path gives the same result whenever no rule can observe the
 * difference in ordering; `fastPathBlocker` lists what breaks that (reading
 * a later rule's or its own output, looking past the lazily loaded input with
 * `@` or negative offsets, `limit`, templates running queries). Any error in
 * the fast path also falls back to the exact loop, which then reports it at
 * the right loop time with the right preceding state.
 */
import { walk, type Expr, type VectorSelector } from "../promql/ast.js";
import { Engine } from "../promql/engine.js";
import { typeOf } from "../promql/parser.js";
import { compareLabels, Labels } from "../promql/labels.js";
import { staleNaN, upperBound } from "../promql/storage.js";
import type { QueryResult } from "../promql/value.js";
import type { FloatHistogram } from "../promql/histogram.js";
import { AlertRuleState, AlertTemplates, GoFloatHistogram, RuleEvalError, type AlertInput, type OutputSample, type TemplateContext } from "./alerts.js";
import { formatGoDurationMs } from "../go/duration.js";
import type { InputSamples } from "./input.js";
import { mayRead, type LoadedAlertingRule, type LoadedRule, type LoadedRuleGroup } from "./rule-files.js";
import { GoCallError, type QueryFn, type TemplateSample } from "../template/index.js";
import { AppendError, TestStorage } from "./test-storage.js";
import { neededSteps, type ReadAfter } from "./demand.js";

export interface EvalPlan {
  /** Rule groups in evaluation order. */
  groups: readonly LoadedRuleGroup[];
  input: readonly InputSamples[];
  /** ms, the test file's evaluation_interval. */
  evaluationInterval: number;
  /** Start of the loop (the group's start_timestamp), ms. */
  start: number;
  /** Largest eval_time of the group (relative to start), ms. */
  maxEvalTime: number;
  /** Alert checks: eval_time (relative) -> alert names looked at then. */
  alertChecks: ReadonlyMap<number, ReadonlySet<string>>;
  templates: TemplateContext;
  /** Steps per range query in the fast path (default 1024); tests use small values to cross chunk borders. */
  chunkSteps?: number;
  /** Record which rules produced output (EvalResult.covered); off unless asked, so it costs nothing. */
  trackCoverage?: boolean;
  /**
   * Everything the caller reads from EvalResult.storage/engine after the
   * loop, besides the alert checks: instant queries at absolute times. When
   * given, the fast path may evaluate a rule only at the loop steps these
   * reads and the alert checks can observe (demand.ts), and the storage holds
   * only those; verdicts, errors and every observed value are unchanged.
   * Unset: every rule at every step.
   */
  reads?: readonly ReadAfter[];
  /**
   * Keep each alerting rule's expression results per loop step of the fast
   * path (EvalResult.alertSteps), for alertExprValue; off unless asked.
   */
  keepAlertSteps?: boolean;
}

/** An alerting rule's expression at the loop steps the fast path evaluated it at. */
export interface AlertSteps {
  /** Query time of step 0 (ms), and between steps. */
  t0: number;
  interval: number;
  steps: number;
  /** The steps evaluated (undefined: all). */
  mask: Uint8Array | undefined;
  series: readonly StepSeries[];
}

export interface AlertSnapshot {
  labels: Labels;
  annotations: Labels;
}

export interface AlertsAt {
  firing: AlertSnapshot[];
  pending: AlertSnapshot[];
}

export interface EvalResult {
  storage: TestStorage;
  engine: Engine;
  /** eval_time -> alertname -> alerts, for every alert check reached. */
  alerts: Map<number, Map<string, AlertsAt>>;
  /** The eval_times of alert checks whose loop step completed (all, unless a rule error stopped the loop). */
  checksReached: Set<number>;
  /** promtool-shaped rule errors (`rule: X, time: T, err: E`) that stopped the loop. */
  errors: string[];
  path: "fast" | "exact";
  /** Why the fast path was not taken, when it wasn't. */
  fallbackReason: string | undefined;
  /**
   * With plan.trackCoverage: the alerting rules that were pending or firing
   * at some loop step, and the recording rules whose expression returned
   * samples at some loop step (the same set on both paths).
   */
  covered?: Set<LoadedRule>;
  /** With plan.keepAlertSteps, on the fast path: each alerting rule's expression per step. */
  alertSteps?: Map<LoadedAlertingRule, AlertSteps>;
}

/**
 * What an instant query of `rule`'s expression at query time `time` shows
 * of it, when the fast path computed that step and it is a vector of at
 * most one float sample: `{ value }`, that sample's value (undefined: no
 * sample). Undefined when not known that way (not a loop step, a step not
 * evaluated, a scalar expression, several samples, a histogram): ask the
 * engine then.
 */
export function alertExprValue(res: EvalResult, rule: LoadedAlertingRule, time: number): { value: number | undefined } | undefined {
  const a = res.alertSteps?.get(rule);
  if (a === undefined || typeOf(rule.expr) !== "vector") return undefined;
  const k = (time - a.t0) / a.interval;
  if (!Number.isInteger(k) || k < 0 || k >= a.steps || (a.mask !== undefined && !a.mask[k])) return undefined;
  let value: number | undefined;
  for (const s of a.series) {
    const i = stepIndex(s.steps, k);
    if (i < 0) continue;
    if (s.h !== undefined || value !== undefined) return undefined;
    value = s.v[i]!;
  }
  return { value };
}

/** Index of step k in ascending steps, or -1. */
function stepIndex(steps: readonly number[], k: number): number {
  const i = upperBound(steps, k, 0, steps.length) - 1;
  return i >= 0 && steps[i] === k ? i : -1;
}

export type EvalMode = "auto" | "exact" | "fast";

/** Evaluates the rules of a test group. `fast` fails instead of falling back (for equivalence tests). */
export async function evaluate(plan: EvalPlan, mode: EvalMode = "auto"): Promise<EvalResult> {
  if (mode === "exact") return runExact(plan, "exact loop requested");
  const blocker = fastPathBlocker(plan.groups);
  if (blocker !== undefined) {
    if (mode === "fast") throw new Error(`fast path not applicable: ${blocker}`);
    return runExact(plan, blocker);
  }
  try {
    return await runFast(plan);
  } catch (e) {
    if (!(e instanceof FastPathAbort)) throw e;
    if (mode === "fast") throw new Error(`fast path aborted: ${e.message}`);
    return runExact(plan, e.message);
  }
}

function newEngine(storage: TestStorage, plan: EvalPlan): Engine {
  // promtool sets the engine's default subquery step to the evaluation interval.
  return new Engine(storage.store, { defaultSubqueryStep: plan.evaluationInterval });
}

function loopSteps(plan: EvalPlan): number {
  return Math.floor(plan.maxEvalTime / plan.evaluationInterval) + 1;
}

/** The loop step whose evaluation an alert check at `evalTime` looks at (ts <= eval_time < ts + interval). */
function checkStep(evalTime: number, interval: number): number {
  return Math.floor(evalTime / interval);
}

function checksByStep(plan: EvalPlan): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const t of [...plan.alertChecks.keys()].sort((a, b) => a - b)) {
    const k = checkStep(t, plan.evaluationInterval);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

// -- shared pieces --------------------------------------------------------------

interface AlertRuleRuntime {
  rule: LoadedAlertingRule;
  state: AlertRuleState;
  templates: AlertTemplates;
}

function alertRuntimes(plan: EvalPlan): Map<LoadedAlertingRule, AlertRuleRuntime> {
  const out = new Map<LoadedAlertingRule, AlertRuleRuntime>();
  for (const g of plan.groups) {
    for (const r of g.rules) {
      if (r.kind === "alert") out.set(r, { rule: r, state: new AlertRuleState(r), templates: new AlertTemplates(r, plan.templates) });
    }
  }
  return out;
}

/** RecordingRule.Eval's relabelling: the record name, then the rule's labels ("" removes). */
function recordLabels(rule: LoadedRule, metric: Labels): Labels {
  let out = metric.with("__name__", rule.name);
  for (const [k, v] of rule.labels) out = out.with(k, v);
  return out;
}

/** recordLabels, remembered per rule (a rule evaluated for many test groups writes the same series). */
function recordLabelsOf(rule: LoadedRule, metric: Labels): Labels {
  let byMetric = RECORD_LABELS.get(rule);
  if (byMetric === undefined) RECORD_LABELS.set(rule, (byMetric = new Map()));
  let out = byMetric.get(metric.key);
  if (out === undefined) byMetric.set(metric.key, (out = recordLabels(rule, metric)));
  return out;
}

const RECORD_LABELS = new WeakMap<LoadedRule, Map<string, Labels>>();

async function snapshot(rt: AlertRuleRuntime): Promise<AlertsAt> {
  const out: AlertsAt = { firing: [], pending: [] };
  for (const a of rt.state.activeAlerts()) {
    if (a.state === "inactive") continue;
    const annotations = a.annotations ?? (await rt.templates.annotations(a.source.metric, a.source.templateValue, a.source.ts));
    (a.state === "firing" ? out.firing : out.pending).push({ labels: a.labels, annotations: Labels.from(annotations) });
  }
  out.firing.sort((x, y) => compareLabels(x.labels, y.labels));
  out.pending.sort((x, y) => compareLabels(x.labels, y.labels));
  return out;
}

function addSnapshot(alerts: Map<number, Map<string, AlertsAt>>, evalTime: number, name: string, snap: AlertsAt): void {
  let byName = alerts.get(evalTime);
  if (byName === undefined) alerts.set(evalTime, (byName = new Map()));
  const prev = byName.get(name);
  // The same alert name can be used by several rules; promtool collects them all.
  if (prev === undefined) byName.set(name, snap);
  else {
    prev.firing.push(...snap.firing);
    prev.pending.push(...snap.pending);
  }
}

// -- exact loop -----------------------------------------------------------------

/**
 * The result of an instant query as the rule manager sees it (EngineQueryFunc).
 * A native histogram sample has `h` set and value 0 (Prometheus's Sample.F).
 */
function instantVector(res: QueryResult): Array<{ metric: Labels; value: number; h: FloatHistogram | undefined }> {
  const v = res.value;
  if (v.type === "vector") return v.samples.map((s) => (s.h === undefined ? { metric: s.metric, value: s.v, h: undefined } : { metric: s.metric, value: 0, h: s.h }));
  if (v.type === "scalar") return [{ metric: Labels.EMPTY, value: v.v, h: undefined }];
  throw new RuleEvalError("rule result is not a vector or scalar");
}

function templateQuery(engine: Engine, ts: number): QueryFn {
  return (q: string): TemplateSample[] => {
    try {
      // Like Prometheus's template query, a histogram sample's Value is the *histogram.FloatHistogram.
      // TemplateSample.value is typed number, but queryResult passes it through as a Go value.
      return instantVector(engine.instantQuery(q, ts)).map((s) => ({
        labels: Object.fromEntries(s.metric.entries()),
        value: s.h === undefined ? s.value : (new GoFloatHistogram(s.h) as unknown as number),
      }));
    } catch (e) {
      throw new GoCallError((e as Error).message);
    }
  };
}

async function runExact(plan: EvalPlan, reason: string): Promise<EvalResult> {
  const storage = new TestStorage(plan.input);
  const engine = newEngine(storage, plan);
  const alertRt = alertRuntimes(plan);
  const alerts = new Map<number, Map<string, AlertsAt>>();
  const previous = new Map<LoadedRule, Map<string, Labels>>();
  const checks = checksByStep(plan);
  const checksReached = new Set<number>();
  const steps = loopSteps(plan);
  const covered = plan.trackCoverage ? new Set<LoadedRule>() : undefined;

  for (let k = 0; k < steps; k++) {
    const ts = plan.start + k * plan.evaluationInterval;
    storage.loadInputTill(ts);
    const errors: string[] = [];
    for (const group of plan.groups) {
      for (const rule of group.rules) {
        try {
          await evalRuleOnce(rule, group, ts, storage, engine, alertRt.get(rule as LoadedAlertingRule), previous, covered);
        } catch (e) {
          if (e instanceof FastPathAbort) throw e;
          // promtool prints the loop time as a Go duration since the epoch.
          errors.push(`rule: ${rule.name}, time: ${formatGoDurationMs(ts)}, err: ${(e as Error).message}`);
        }
      }
    }
    if (errors.length > 0) return { storage, engine, alerts, checksReached, errors, path: "exact", fallbackReason: reason, covered };
    for (const evalTime of checks.get(k) ?? []) {
      checksReached.add(evalTime);
      for (const rt of alertRt.values()) {
        if (plan.alertChecks.get(evalTime)?.has(rt.rule.name)) addSnapshot(alerts, evalTime, rt.rule.name, await snapshot(rt));
      }
    }
  }
  return { storage, engine, alerts, checksReached, errors: [], path: "exact", fallbackReason: reason, covered };
}

/** Group.Eval for one rule at loop time ts: query, build samples, append, mark vanished series stale. */
async function evalRuleOnce(
  rule: LoadedRule,
  group: LoadedRuleGroup,
  ts: number,
  storage: TestStorage,
  engine: Engine,
  rt: AlertRuleRuntime | undefined,
  previous: Map<LoadedRule, Map<string, Labels>>,
  covered: Set<LoadedRule> | undefined,
): Promise<void> {
  const evalTs = ts - group.queryOffset;
  const vector = instantVector(engine.instantQuery(rule.expr, evalTs));
  let out: OutputSample[];
  if (rule.kind === "record") {
    if (covered !== undefined && vector.length > 0) covered.add(rule);
    out = vector.map((s) => ({ labels: recordLabels(rule, s.metric), value: s.value, h: s.h }));
    const keys = new Set(out.map((s) => s.labels.key));
    if (keys.size !== out.length) throw new RuleEvalError("vector contains metrics with the same labelset after applying rule labels");
    if (group.limit > 0 && out.length > group.limit) throw new RuleEvalError(`exceeded limit of ${group.limit} with ${out.length} series`);
  } else {
    const query = templateQuery(engine, ts);
    const inputs: AlertInput[] = [];
    const annotations = new Map<string, Array<[string, string]>>();
    for (const s of vector) {
      // Templates see a histogram sample's histogram as $value; the alert keeps Sample.F.
      const tv = s.h ?? s.value;
      const alertLabels = await rt!.templates.alertLabels(s.metric, tv, ts, query);
      inputs.push({ alertLabels, metric: s.metric, value: s.value, templateValue: tv });
      // Templates that query must see the storage as it is now, not when a test looks.
      if (rt!.templates.usesQuery) annotations.set(alertLabels.key, await rt!.templates.annotations(s.metric, tv, ts, query));
    }
    out = rt!.state.eval(ts, inputs, group.limit, rt!.templates.usesQuery ? annotations : undefined);
    // eval returns ALERTS samples exactly for the alerts pending or firing now.
    if (covered !== undefined && out.length > 0) covered.add(rule);
  }

  let appendError: Error | undefined;
  const returned = new Map<string, Labels>();
  for (const s of out) {
    try {
      if (s.h !== undefined) storage.appendHistogram(s.labels, evalTs, s.h);
      else storage.append(s.labels, evalTs, s.value);
      returned.set(s.labels.key, s.labels);
    } catch (e) {
      if (!(e instanceof AppendError)) throw e;
      appendError = e;
    }
  }
  for (const [key, labels] of previous.get(rule) ?? []) {
    if (returned.has(key)) continue;
    try {
      storage.append(labels, evalTs, staleNaN());
    } catch (e) {
      // Expected when another rule writes the same series; Prometheus ignores it too.
      if (!(e instanceof AppendError)) throw e;
    }
  }
  previous.set(rule, returned);
  if (appendError !== undefined) throw appendError;
}

// -- fast path -------------------------------------------------------------------

class FastPathAbort extends Error {}

/**
 * Why the fast path could differ from promtool's loop for these groups, or
 * undefined when it cannot.
 */
export function fastPathBlocker(groups: readonly LoadedRuleGroup[]): string | undefined {
  const order: Array<{ rule: LoadedRule; group: LoadedRuleGroup }> = groups.flatMap((g) => g.rules.map((rule) => ({ rule, group: g })));
  for (const [p, { rule, group }] of order.entries()) {
    if (group.limit > 0) return `group "${group.name}" has a limit`;
    const lookahead = lookaheadReason(rule.expr);
    if (lookahead !== undefined) return `rule ${rule.name}: ${lookahead}`;
    if (rule.kind === "alert" && [...rule.labels, ...rule.annotations].some(([, v]) => v.includes("{{") && /\bquery\b/.test(v))) {
      return `alert ${rule.name}: a template runs a query`;
    }
    for (const sel of selectors(rule.expr)) {
      for (const [q, other] of order.entries()) {
        if (!mayRead(sel, other.rule)) continue;
        // At loop time t, promtool's rule p sees rule q's samples written at
        // t only if q ran before p; it never sees samples of later loop times.
        if (q >= p) return `rule ${rule.name} reads the output of ${q === p ? "itself" : `${other.rule.name}, evaluated after it`}`;
        if (other.group.queryOffset > group.queryOffset) {
          return `rule ${rule.name} reads the output of ${other.rule.name}, which has a larger query_offset`;
        }
      }
    }
  }
  return undefined;
}

function selectors(expr: Expr): VectorSelector[] {
  const out: VectorSelector[] = [];
  walk(expr, (n) => {
    if (n.type === "VectorSelector") out.push(n);
  });
  return out;
}

/**
 * `@`, negative offsets and duration expressions (`step()`, `range()`) can
 * read past the lazily loaded input or differ between an instant query and
 * the steps of a range query.
 */
function lookaheadReason(expr: Expr): string | undefined {
  let reason: string | undefined;
  walk(expr, (n) => {
    if (reason !== undefined) return;
    if (n.type === "VectorSelector") {
      if (n.at !== undefined) reason = "uses the @ modifier";
      else if (n.offset < 0) reason = "uses a negative offset";
      else if (n.offsetExpr !== undefined) reason = "uses a duration expression";
    } else if (n.type === "MatrixSelector") {
      if (n.rangeExpr !== undefined) reason = "uses a duration expression";
    } else if (n.type === "SubqueryExpr") {
      if (n.at !== undefined) reason = "uses the @ modifier";
      else if (n.offset < 0) reason = "uses a negative offset";
      else if (n.offsetExpr !== undefined || n.rangeExpr !== undefined || n.stepExpr !== undefined) reason = "uses a duration expression";
    }
  });
  return reason;
}


/** Writes rule outputs in the fast path; anything promtool would reject aborts it. */
class OutputWriter {
  private readonly owner = new Map<string, LoadedRule>();

  constructor(private readonly storage: TestStorage) {}

  /** The series is this rule's alone: no other rule's, and no input series. */
  private claim(rule: LoadedRule, labels: Labels): void {
    const owner = this.owner.get(labels.key);
    if (owner !== undefined && owner !== rule) throw new FastPathAbort(`rules ${owner.name} and ${rule.name} write the same series`);
    if (owner === undefined) {
      if (this.storage.isInputSeries(labels)) throw new FastPathAbort(`rule ${rule.name} writes input series ${labels.toSeriesString()}`);
      this.owner.set(labels.key, rule);
    }
  }

  append(rule: LoadedRule, labels: Labels, t: number, v: number, h?: FloatHistogram): void {
    this.claim(rule, labels);
    try {
      if (h !== undefined) this.storage.appendHistogram(labels, t, h);
      else this.storage.append(labels, t, v);
    } catch (e) {
      if (e instanceof AppendError) throw new FastPathAbort(e.message);
      throw e;
    }
  }

  /** append(rule, labels, t[i], v[i]) for the first n floats, in order. */
  appendFloats(rule: LoadedRule, labels: Labels, t: ArrayLike<number>, v: ArrayLike<number>, stale: Uint8Array, n: number): void {
    if (n === 0) return;
    this.claim(rule, labels);
    try {
      this.storage.appendFloats(labels, t, v, stale, 0, n);
    } catch (e) {
      if (e instanceof AppendError) throw new FastPathAbort(e.message);
      throw e;
    }
  }
}

async function runFast(plan: EvalPlan): Promise<EvalResult> {
  const storage = new TestStorage(plan.input);
  const engine = newEngine(storage, plan);
  const steps = loopSteps(plan);
  const interval = plan.evaluationInterval;
  const lastTs = plan.start + (steps - 1) * interval;
  // Without lookahead, no query at loop time t reads input samples after t,
  // so loading everything the loop would load is indistinguishable; except
  // that each load is one Commit, which drops a histogram older than a float
  // of the same batch: with histograms, load in the loop's batches.
  if (plan.input.some((s) => s.h !== undefined)) for (let k = 0; k < steps; k++) storage.loadInputTill(plan.start + k * interval);
  else storage.loadInputTill(lastTs);
  const writer = new OutputWriter(storage);
  const alertRt = alertRuntimes(plan);
  const alerts = new Map<number, Map<string, AlertsAt>>();
  const checks = checksByStep(plan);
  // Local to this attempt: an aborted fast path leaves the exact loop to say what ran.
  const covered = plan.trackCoverage ? new Set<LoadedRule>() : undefined;

  const masks = sparseMasks(plan, steps, checks);
  const alertSteps = plan.keepAlertSteps ? new Map<LoadedAlertingRule, AlertSteps>() : undefined;
  for (const group of plan.groups) {
    const off = group.queryOffset;
    for (const rule of group.rules) {
      const mask = masks?.get(rule);
      const series = rangeSteps(engine, rule, plan.start - off, steps, interval, plan.chunkSteps ?? CHUNK_STEPS, mask);
      if (rule.kind === "record") {
        if (covered !== undefined && series.some((s) => s.steps.length > 0)) covered.add(rule);
        writeRecorded(rule, series, steps, plan.start - off, interval, writer);
      } else {
        await walkAlerts(alertRt.get(rule)!, plan, series, steps, off, writer, checks, alerts, covered, mask);
        if (alertSteps !== undefined) alertSteps.set(rule, { t0: plan.start - off, interval, steps, mask, series });
      }
    }
  }
  const checksReached = new Set(plan.alertChecks.keys());
  return { storage, engine, alerts, checksReached, errors: [], path: "fast", fallbackReason: undefined, covered, alertSteps };
}

/** Per rule, the steps to evaluate it at (undefined: all), when the plan allows (EvalPlan.reads). */
function sparseMasks(plan: EvalPlan, steps: number, checks: Map<number, number[]>): Map<LoadedRule, Uint8Array | undefined> | undefined {
  if (plan.reads === undefined || plan.trackCoverage) return undefined;
  if (plan.reads.some((r) => lookaheadReason(r.expr) !== undefined)) return undefined;
  const checkSteps = new Map<string, number[]>();
  for (const [k, times] of checks) {
    for (const t of times) {
      for (const name of plan.alertChecks.get(t) ?? []) {
        const list = checkSteps.get(name) ?? [];
        list.push(k);
        checkSteps.set(name, list);
      }
    }
  }
  const r = neededSteps(plan.groups, plan.input, checkSteps, plan.reads, plan.start, steps, plan.evaluationInterval);
  return "masks" in r ? r.masks : undefined;
}

/**
 * Steps per range query. Each step of a range query is computed
 * independently of the others (nothing in a fast-path rule depends on the
 * query's start or end), so a long loop is evaluated in chunks: the engine's
 * per-step working set stays bounded however many days a test covers.
 */
const CHUNK_STEPS = 1024;

/** A rule's expression at every loop step, as per-series step indexes and values. */
function rangeSteps(engine: Engine, rule: LoadedRule, t0: number, steps: number, interval: number, chunk: number, mask?: Uint8Array): StepSeries[] {
  const bySeries = new Map<string, StepSeries>();
  // Runs of consecutive steps to evaluate, each in chunks.
  const ranges: Array<[number, number]> = [];
  if (mask === undefined) {
    for (let first = 0; first < steps; first += chunk) ranges.push([first, Math.min(steps, first + chunk) - 1]);
  } else {
    for (let k = 0; k < steps; k++) {
      if (!mask[k]) continue;
      let end = k;
      while (end + 1 < steps && mask[end + 1] && end + 1 - k < chunk) end++;
      ranges.push([k, end]);
      k = end;
    }
  }
  for (const [first, last] of ranges) {
    let res: QueryResult;
    try {
      res = engine.rangeQuery(rule.expr, t0 + first * interval, t0 + last * interval, interval);
    } catch (e) {
      throw new FastPathAbort(`rule ${rule.name}: ${(e as Error).message}`);
    }
    if (res.value.type !== "matrix") throw new FastPathAbort(`rule ${rule.name}: unexpected result type`);
    for (const s of res.value.series) {
      let acc = bySeries.get(s.metric.key);
      if (acc === undefined) bySeries.set(s.metric.key, (acc = { metric: s.metric, steps: [], v: [], h: undefined }));
      if (s.h === undefined && acc.h === undefined) {
        // Floats only: the same, without looking for histograms.
        const { steps: ks, v: vs } = acc;
        const st = s.t;
        const sv = s.v;
        for (let i = 0; i < st.length; i++) {
          ks.push(Math.round((st[i]! - t0) / interval));
          vs.push(sv[i]!);
        }
        continue;
      }
      for (let i = 0; i < s.t.length; i++) {
        const h = s.h?.[i];
        if (h !== undefined) acc.h ??= acc.steps.map(() => undefined);
        acc.steps.push(Math.round((s.t[i]! - t0) / interval));
        // A histogram point's float is Sample.F, 0.
        acc.v.push(h === undefined ? s.v[i]! : 0);
        acc.h?.push(h);
      }
    }
  }
  return [...bySeries.values()];
}

interface StepSeries {
  metric: Labels;
  /** Loop step indexes where the series has a value, ascending. */
  steps: number[];
  v: number[];
  /** Native histogram points (h[i] set: point i is one, v[i] is 0); undefined when there are none. */
  h: Array<FloatHistogram | undefined> | undefined;
}

/** A recording rule's samples at every step, and a staleness marker wherever a series stops. */
function writeRecorded(rule: LoadedRule, series: StepSeries[], steps: number, t0: number, interval: number, writer: OutputWriter): void {
  const byKey = new Map<string, { labels: Labels; parts: StepSeries[] }>();
  for (const s of series) {
    const labels = recordLabelsOf(rule, s.metric);
    const entry = byKey.get(labels.key);
    if (entry) entry.parts.push(s);
    else byKey.set(labels.key, { labels, parts: [s] });
  }
  for (const { labels, parts } of byKey.values()) {
    if (parts.length === 1 && parts[0]!.h === undefined) {
      writeFloatRun(rule, labels, parts[0]!, steps, t0, interval, writer);
      continue;
    }
    const points = parts.length === 1 ? zip(parts[0]!) : parts.flatMap(zip).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < points.length; i++) {
      if (points[i]![0] === points[i - 1]![0]) throw new FastPathAbort(`rule ${rule.name}: same labelset after applying rule labels`);
    }
    for (let i = 0; i < points.length; i++) {
      const [k, v, h] = points[i]!;
      writer.append(rule, labels, t0 + k * interval, v, h);
      const next = points[i + 1]?.[0];
      if (k + 1 < steps && next !== k + 1) writer.append(rule, labels, t0 + (k + 1) * interval, staleNaN());
    }
  }
}

/** One float series' points, each followed by a staleness marker where the next step does not continue it: all in one append. */
function writeFloatRun(rule: LoadedRule, labels: Labels, s: StepSeries, steps: number, t0: number, interval: number, writer: OutputWriter): void {
  const ks = s.steps;
  const vs = s.v;
  const n = ks.length;
  const t = new Float64Array(2 * n);
  const v = new Float64Array(2 * n);
  const stale = new Uint8Array(2 * n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const k = ks[i]!;
    t[m] = t0 + k * interval;
    v[m++] = vs[i]!;
    if (k + 1 < steps && (i + 1 >= n || ks[i + 1] !== k + 1)) {
      t[m] = t0 + (k + 1) * interval;
      stale[m++] = 1;
    }
  }
  writer.appendFloats(rule, labels, t, v, stale, m);
}

function zip(s: StepSeries): Array<[number, number, FloatHistogram | undefined]> {
  return s.steps.map((k, i) => [k, s.v[i]!, s.h?.[i]]);
}

/** Feeds an alert expression's per-step results through the state machine, writing ALERTS as it goes. */
async function walkAlerts(
  rt: AlertRuleRuntime,
  plan: EvalPlan,
  series: StepSeries[],
  steps: number,
  off: number,
  writer: OutputWriter,
  checks: Map<number, number[]>,
  alerts: Map<number, Map<string, AlertsAt>>,
  covered: Set<LoadedRule> | undefined,
  mask?: Uint8Array,
): Promise<void> {
  const cursors = series.map(() => 0);
  let previous = new Map<string, Labels>();
  const limit = 0; // groups with a limit never take the fast path
  for (let k = 0; k < steps; k++) {
    // Sparse (demand.ts): only the steps evaluated, where nothing but this step's result shows.
    if (mask !== undefined && !mask[k]) continue;
    const ts = plan.start + k * plan.evaluationInterval;
    const inputs: AlertInput[] = [];
    for (const [i, s] of series.entries()) {
      const c = cursors[i]!;
      if (s.steps[c] !== k) continue;
      cursors[i] = c + 1;
      const value = s.v[c]!;
      const tv = s.h?.[c] ?? value;
      inputs.push({ alertLabels: await rt.templates.alertLabels(s.metric, tv, ts), metric: s.metric, value, templateValue: tv });
    }
    // Nothing active, nothing new, nothing to mark stale: an evaluation would
    // change nothing observable (resolved alerts are replaced when they return).
    if (inputs.length > 0 || previous.size > 0 || rt.state.hasActive()) {
      let out: OutputSample[];
      try {
        out = rt.state.eval(ts, inputs, limit);
      } catch (e) {
        if (e instanceof RuleEvalError) throw new FastPathAbort(`alert ${rt.rule.name}: ${e.message}`);
        throw e;
      }
      if (covered !== undefined && out.length > 0) covered.add(rt.rule);
      const returned = new Map<string, Labels>();
      for (const s of out) {
        writer.append(rt.rule, s.labels, ts - off, s.value);
        returned.set(s.labels.key, s.labels);
      }
      for (const [key, labels] of previous) if (!returned.has(key)) writer.append(rt.rule, labels, ts - off, staleNaN());
      previous = returned;
    }
    for (const evalTime of checks.get(k) ?? []) {
      if (plan.alertChecks.get(evalTime)?.has(rt.rule.name)) addSnapshot(alerts, evalTime, rt.rule.name, await snapshot(rt));
    }
  }
}
