/**
 * Which loop steps of each rule anything can observe, for the fast path
 * (evaluator.ts) when the caller says what it will read (EvalPlan.reads).
 *
 * A rule evaluated at step k only matters to those who read it: the alert
 * checks (an alert's state at its check steps), the caller's instant queries
 * after the loop, and later rules reading its output (instant selectors at
 * one step, range selectors and subqueries over a window of steps). Walking
 * the rules backwards from those reads gives each rule the steps it must be
 * evaluated at; a 30-day test with one alert check then evaluates the 1h..3d
 * burn-rate ratios at a handful of steps instead of 43,200.
 *
 * What the other steps would have shown is unobservable, with one exception
 * that this module rules out rather than detects: an evaluation error. The
 * exact loop stops at the first step where a rule fails; a step never
 * evaluated cannot fail. So a rule is only evaluated sparsely when its
 * expression provably cannot fail at any step (sparseSafe: at most one
 * output series of floats, label matching that cannot find duplicates, only
 * functions and aggregations that never throw). Native histograms are
 * followed only through rate() and increase() into the functions that read
 * floats off them (histogram_count, histogram_sum, histogram_avg,
 * histogram_fraction), which never throw: a rule computing a latency SLI
 * from a native histogram records floats, and the burn-rate rules reading it
 * are as sparse as over classic buckets. Every other rule, and every rule one
 * of those reads, is evaluated at every step as before.
 *
 * Why sparse output reads the same: a recording rule's series gets a
 * staleness marker at the step after each of its points that the next step
 * does not continue (writeRecorded), so an instant selector at time x, which
 * in the full loop sees the point at the last step k <= x or nothing, sees
 * exactly that here too as long as step k was evaluated, which the demand
 * ensures; range selectors skip staleness markers and see every step of
 * their window, all of which the demand evaluates. Alerts are sparse only
 * without `for` and `keep_firing_for`, where the state at a check depends on
 * that step's result alone.
 */
import { allMatchers, isComparisonOp, isSetOp, type Expr, type VectorMatching, type VectorSelector } from "../promql/ast.js";
import { groupingLabels } from "../promql/aggregations.js";
import { DEFAULT_LOOKBACK } from "../promql/engine.js";
import { Labels, METRIC_NAME } from "../promql/labels.js";
import { changesMetricSchema } from "../promql/operators.js";
import { matcherPredicate } from "../promql/storage.js";
import type { InputSamples } from "./input.js";
import { mayRead, type LoadedRule, type LoadedRuleGroup } from "./rule-files.js";

/** An instant query the caller runs on the storage after the loop: `expr` at absolute time `time` (ms). */
export interface ReadAfter {
  expr: Expr;
  time: number;
}

/**
 * Per rule, the loop steps (0-based, `steps` of them) to evaluate it at, or
 * undefined for every step. Undefined overall (with the reason) when the
 * plan cannot be evaluated sparsely at all.
 */
export function neededSteps(
  groups: readonly LoadedRuleGroup[],
  input: readonly InputSamples[],
  alertCheckSteps: ReadonlyMap<string, readonly number[]>,
  reads: readonly ReadAfter[],
  start: number,
  steps: number,
  interval: number,
): { masks: Map<LoadedRule, Uint8Array | undefined> } | { reason: string } {
  if (groups.some((g) => g.queryOffset !== 0 || g.limit > 0)) return { reason: "query_offset or limit" };
  const rules = groups.flatMap((g) => g.rules);
  const inputNames = new Set(input.map((s) => s.labels.get(METRIC_NAME)));
  const recordNames = new Set<string>();
  for (const r of rules) {
    if (r.kind !== "record") continue;
    if (recordNames.has(r.name) || inputNames.has(r.name) || r.name === "ALERTS" || r.name === "ALERTS_FOR_STATE") return { reason: `recording rule name ${r.name} is not unique` };
    recordNames.add(r.name);
  }
  if (inputNames.has("ALERTS") || inputNames.has("ALERTS_FOR_STATE")) return { reason: "input series named ALERTS" };

  const safe = sparseSafeRules(groups, rules, input);

  // Backward: the steps each rule is read at.
  const diffs = new Map<LoadedRule, Int32Array>(rules.map((r) => [r, new Int32Array(steps + 1)]));
  const dense = new Set<LoadedRule>();
  const mark = (r: LoadedRule, from: number, to: number): void => {
    const lo = Math.max(0, from);
    const hi = Math.min(steps - 1, to);
    if (hi < lo) return;
    const d = diffs.get(r)!;
    d[lo]!++;
    d[hi + 1]!--;
  };
  for (const r of rules) {
    if (r.kind !== "alert") continue;
    for (const k of alertCheckSteps.get(r.name) ?? []) mark(r, k, k);
  }
  // Per expression (the caller's reads repeat theirs at many times) and
  // number of rules it can see, its selector reads and the rules each reads.
  const targetsCache = new Map<Expr, Map<number, Array<{ rd: SelectorRead; rules: LoadedRule[] }>>>();
  const targets = (expr: Expr, before: number): Array<{ rd: SelectorRead; rules: LoadedRule[] }> => {
    let byBefore = targetsCache.get(expr);
    if (byBefore === undefined) targetsCache.set(expr, (byBefore = new Map()));
    let out = byBefore.get(before);
    if (out === undefined) {
      out = selectorReads(expr).map((rd) => ({ rd, rules: rules.slice(0, before).filter((r) => mayRead(rd.selector, r)) }));
      byBefore.set(before, out);
    }
    return out;
  };
  // The runs of set steps of a mask, as first, last pairs.
  const runsCache = new WeakMap<Uint8Array, number[]>();
  const runsOf = (at: Uint8Array): number[] => {
    let rs = runsCache.get(at);
    if (rs === undefined) {
      rs = [];
      for (let k = 0; k < steps; k++) {
        if (!at[k]) continue;
        const k0 = k;
        while (k + 1 < steps && at[k + 1]) k++;
        rs.push(k0, k);
      }
      runsCache.set(at, rs);
    }
    return rs;
  };
  // Reads of `expr` at the steps set in `at` (a mask) or at one absolute time.
  const propagate = (expr: Expr, before: number, at: Uint8Array | number): void => {
    for (const { rd, rules: read } of targets(expr, before)) {
      for (const r of read) {
        // ALERTS read by anything: the alert's every step is observable.
        if (r.kind === "alert") {
          dense.add(r);
          continue;
        }
        // Steps k + a .. k + b for a read at step k (an instant read: the last step at or before it).
        const a = rd.instant ? Math.floor(-rd.lo / interval) : Math.ceil(-rd.hi / interval);
        const b = Math.floor(-rd.lo / interval);
        if (typeof at === "number") {
          const rel = at - start;
          const first = rd.instant ? Math.floor((rel - rd.lo) / interval) : Math.ceil((rel - rd.hi) / interval);
          mark(r, first, Math.floor((rel - rd.lo) / interval));
        } else if (b >= a) {
          // A run of read steps k0..k1 reads k0 + a .. k1 + b (b >= a: the windows of consecutive steps touch).
          const rs = runsOf(at);
          for (let i = 0; i < rs.length; i += 2) mark(r, rs[i]! + a, rs[i + 1]! + b);
        }
      }
    }
  };
  for (const rd of reads) propagate(rd.expr, rules.length, rd.time);
  const masks = new Map<LoadedRule, Uint8Array | undefined>();
  const all = new Uint8Array(steps).fill(1);
  for (let p = rules.length - 1; p >= 0; p--) {
    const r = rules[p]!;
    let mask: Uint8Array | undefined;
    if (safe.get(r) && !dense.has(r)) {
      mask = new Uint8Array(steps);
      const d = diffs.get(r)!;
      let run = 0;
      let count = 0;
      for (let k = 0; k < steps; k++) {
        run += d[k]!;
        if (run > 0) {
          mask[k] = 1;
          count++;
        }
      }
      if (count === steps) mask = undefined;
    }
    masks.set(r, mask);
    propagate(r.expr, p, mask ?? all);
  }
  return { masks };
}

/**
 * Per groups (the same for every test group of a file) and input series
 * labels (which is all the analysis reads of the input), the rules that can
 * be evaluated sparsely.
 */
const SAFE_RULES = new WeakMap<readonly LoadedRuleGroup[], Map<string, Map<LoadedRule, boolean>>>();

function sparseSafeRules(groups: readonly LoadedRuleGroup[], rules: readonly LoadedRule[], input: readonly InputSamples[]): Map<LoadedRule, boolean> {
  let byInput = SAFE_RULES.get(groups);
  if (byInput === undefined) SAFE_RULES.set(groups, (byInput = new Map()));
  const key = input.map((s) => (s.h === undefined ? s.labels.key : `${s.labels.key}\u0002`)).join("\u0001");
  let safe = byInput.get(key);
  if (safe !== undefined) return safe;
  // Forward: what each rule's output is, and whether it can be evaluated sparsely.
  const analysis = new Analysis(input, rules);
  safe = new Map<LoadedRule, boolean>();
  for (const [i, r] of rules.entries()) {
    const info = analysis.rule(r, i);
    safe.set(r, info !== undefined && ruleSparseSafe(r, info, rules));
  }
  byInput.set(key, safe);
  return safe;
}

/** A selector and the times it reads relative to the evaluation time t: [t - hi, t - lo], or for an instant read the last sample at or before t - lo. */
interface SelectorRead {
  selector: VectorSelector;
  instant: boolean;
  lo: number;
  hi: number;
}

function selectorReads(expr: Expr): SelectorRead[] {
  const out: SelectorRead[] = [];
  // `outer`: how far back the enclosing subqueries reach (their ranges and offsets), `shift` their offsets alone.
  const visit = (e: Expr, shift: number, outer: number, inSubquery: boolean): void => {
    switch (e.type) {
      case "VectorSelector":
        out.push(
          inSubquery
            ? { selector: e, instant: false, lo: shift + e.offset, hi: outer + e.offset + DEFAULT_LOOKBACK }
            : { selector: e, instant: true, lo: shift + e.offset, hi: shift + e.offset },
        );
        return;
      case "MatrixSelector":
        out.push({ selector: e.selector, instant: false, lo: shift + e.selector.offset, hi: outer + e.selector.offset + e.range });
        return;
      case "SubqueryExpr":
        visit(e.expr, shift + e.offset, outer + e.offset + e.range, true);
        return;
      case "UnaryExpr":
      case "ParenExpr":
        visit(e.expr, shift, outer, inSubquery);
        return;
      case "BinaryExpr":
        visit(e.lhs, shift, outer, inSubquery);
        visit(e.rhs, shift, outer, inSubquery);
        return;
      case "AggregateExpr":
        if (e.param) visit(e.param, shift, outer, inSubquery);
        visit(e.expr, shift, outer, inSubquery);
        return;
      case "Call":
        for (const a of e.args) visit(a, shift, outer, inSubquery);
        return;
      default:
        return;
    }
  };
  visit(expr, 0, 0, false);
  return out;
}


// ------------------------------------------------------------ the analysis

/**
 * What is known about an expression's value at every step. For a vector:
 * `one`, at most one series; `labels`, when one and known, its labels
 * without the metric name; `distinct`, its series' label sets differ even
 * without their metric names; `hist`, it may hold native histograms (only
 * what follows them through rate() or increase() to a function reading
 * floats off them says so: anything else given one is undefined). Undefined
 * (from Analysis.expr): the expression may fail at some step.
 */
type Info = { kind: "scalar" } | { kind: "string" } | { kind: "vector"; one: boolean; labels: Labels | undefined; distinct: boolean; hist?: true };
type VectorInfo = Extract<Info, { kind: "vector" }>;

/** Range functions that never fail on float samples; the engine drops the metric name of all but last/first_over_time. */
const SAFE_RANGE_FUNCTIONS = new Set([
  "rate",
  "increase",
  "delta",
  "irate",
  "idelta",
  "sum_over_time",
  "avg_over_time",
  "count_over_time",
  "min_over_time",
  "max_over_time",
  "stddev_over_time",
  "stdvar_over_time",
  "changes",
  "resets",
]);
/** Per-sample functions of one vector argument (and scalars) that never fail on floats and drop the metric name. */
const SAFE_VECTOR_FUNCTIONS = new Set(["abs", "ceil", "floor", "exp", "sqrt", "ln", "log2", "log10", "sgn", "clamp_min", "clamp_max"]);
const SAFE_AGGREGATIONS = new Set(["sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"]);
/** Range functions that never fail on native histograms either (a window mixing floats in has no result and an annotation). */
const SAFE_HISTOGRAM_RANGE_FUNCTIONS = new Set(["rate", "increase"]);
/**
 * Functions reading a float off each native histogram (and skipping float
 * samples), with their scalar arguments first; they never fail and drop the
 * metric name.
 */
const HISTOGRAM_FLOAT_FUNCTIONS = new Map([
  ["histogram_count", 0],
  ["histogram_sum", 0],
  ["histogram_avg", 0],
  ["histogram_fraction", 2],
]);

class Analysis {
  /** Recording rules' outputs: at most one series, its labels when known, and whether it may hold native histograms. */
  private readonly outputs = new Map<LoadedRule, { one: boolean; labels: Labels | undefined; hist: boolean }>();
  /** Whether any input series holds a native histogram: a rule nothing is known of may then record one. */
  private readonly histogramInput: boolean;

  constructor(
    private readonly input: readonly InputSamples[],
    private readonly rules: readonly LoadedRule[],
  ) {
    this.histogramInput = input.some((s) => s.h !== undefined);
  }

  /** The rule's expression, recording what its output is (for later selectors). */
  rule(r: LoadedRule, index: number): VectorInfo | undefined {
    const info = this.vector(r.expr, index);
    if (r.kind === "record") {
      // A recorded series: the result's labels, the record name and the rule's labels.
      const labels = info?.one && info.labels !== undefined ? recordLabels(r, info.labels) : undefined;
      this.outputs.set(r, { one: info?.one ?? false, labels, hist: info === undefined ? this.histogramInput : info.hist === true });
    }
    return info;
  }

  private vector(e: Expr, before: number): VectorInfo | undefined {
    const info = this.expr(e, before);
    if (info === undefined) return undefined;
    if (info.kind === "scalar") return { kind: "vector", one: true, labels: Labels.EMPTY, distinct: true };
    return info.kind === "vector" ? info : undefined;
  }

  private expr(e: Expr, before: number): Info | undefined {
    switch (e.type) {
      case "NumberLiteral":
        return { kind: "scalar" };
      case "StringLiteral":
        return { kind: "string" };
      case "ParenExpr":
        return this.expr(e.expr, before);
      case "VectorSelector":
        return this.selector(e, before);
      case "UnaryExpr": {
        const v = this.expr(e.expr, before);
        if (v === undefined || v.kind === "string") return undefined;
        if (v.kind === "scalar" || e.op === "+") return v;
        // Negation drops the metric name.
        return v.distinct && !v.hist ? { ...v, labels: v.labels } : undefined;
      }
      case "AggregateExpr": {
        if (e.param !== undefined || !SAFE_AGGREGATIONS.has(e.op)) return undefined;
        const v = this.expr(e.expr, before);
        if (v === undefined || v.kind !== "vector" || v.hist) return undefined;
        if (!e.without && e.grouping.length === 0) return { kind: "vector", one: true, labels: Labels.EMPTY, distinct: true };
        if (v.one) return { kind: "vector", one: true, labels: v.labels === undefined ? undefined : groupingLabels(v.labels, e.grouping, e.without), distinct: true };
        return { kind: "vector", one: false, labels: undefined, distinct: true };
      }
      case "Call":
        return this.call(e, before);
      case "BinaryExpr":
        return this.binary(e.op, e.lhs, e.rhs, e.returnBool, e.matching, before);
      default:
        return undefined;
    }
  }

  private call(e: Extract<Expr, { type: "Call" }>, before: number): Info | undefined {
    if (e.func === "vector") {
      const a = e.args[0] && this.expr(e.args[0], before);
      return a?.kind === "scalar" ? { kind: "vector", one: true, labels: Labels.EMPTY, distinct: true } : undefined;
    }
    if (e.func === "scalar") {
      const a = e.args[0] && this.expr(e.args[0], before);
      return a?.kind === "vector" && !a.hist ? { kind: "scalar" } : undefined;
    }
    if (e.func === "time" && e.args.length === 0) return { kind: "scalar" };
    if (SAFE_RANGE_FUNCTIONS.has(e.func)) {
      if (e.args.length !== 1) return undefined;
      let arg = e.args[0]!;
      while (arg.type === "ParenExpr") arg = arg.expr;
      let v: Info | undefined;
      if (arg.type === "MatrixSelector") v = this.selector(arg.selector, before);
      else if (arg.type === "SubqueryExpr") v = this.expr(arg.expr, before);
      if (v === undefined || v.kind !== "vector" || !v.distinct) return undefined;
      if (v.hist && (arg.type !== "MatrixSelector" || !SAFE_HISTOGRAM_RANGE_FUNCTIONS.has(e.func))) return undefined;
      return v;
    }
    if (SAFE_VECTOR_FUNCTIONS.has(e.func)) {
      const args = e.args.map((a) => this.expr(a, before));
      const [v, ...rest] = args;
      if (v === undefined || v.kind !== "vector" || !v.distinct || v.hist || rest.some((a) => a?.kind !== "scalar")) return undefined;
      return v;
    }
    const scalars = HISTOGRAM_FLOAT_FUNCTIONS.get(e.func);
    if (scalars !== undefined) {
      if (e.args.length !== scalars + 1) return undefined;
      const args = e.args.map((a) => this.expr(a, before));
      const v = args[scalars];
      if (v === undefined || v.kind !== "vector" || !v.distinct || args.slice(0, scalars).some((a) => a?.kind !== "scalar")) return undefined;
      return { kind: "vector", one: v.one, labels: v.labels, distinct: true };
    }
    return undefined;
  }

  private binary(op: string, lhsExpr: Expr, rhsExpr: Expr, returnBool: boolean, matching: VectorMatching | undefined, before: number): Info | undefined {
    if (op === "</" || op === ">/") return undefined;
    const lhs = this.expr(lhsExpr, before);
    const rhs = this.expr(rhsExpr, before);
    if (lhs === undefined || rhs === undefined || lhs.kind === "string" || rhs.kind === "string") return undefined;
    if ((lhs.kind === "vector" && lhs.hist) || (rhs.kind === "vector" && rhs.hist)) return undefined;
    if (lhs.kind === "scalar" && rhs.kind === "scalar") return { kind: "scalar" };
    const dropsName = changesMetricSchema(op as never) || (returnBool && isComparisonOp(op as never));
    if (lhs.kind === "scalar" || rhs.kind === "scalar") {
      const v = (lhs.kind === "vector" ? lhs : rhs) as VectorInfo;
      if (dropsName && !v.distinct) return undefined;
      return v;
    }
    if (matching?.fill) return undefined;
    const card = matching?.card ?? (isSetOp(op as never) ? "many-to-many" : "one-to-one");
    const sig = (l: Labels): Labels => (matching === undefined || (!matching.on && matching.labels.length === 0) ? l : matching.on ? l.keepOnly(matching.labels) : l.without(matching.labels));
    if (op === "and" || op === "unless") return lhs;
    if (op === "or") {
      // Right-hand series are added only if no left-hand one has their signature.
      if (lhs.one && rhs.one && lhs.labels !== undefined && rhs.labels !== undefined && sig(lhs.labels).key === sig(rhs.labels).key) {
        return { kind: "vector", one: true, labels: lhs.labels.key === rhs.labels.key ? lhs.labels : undefined, distinct: true };
      }
      const plain = matching === undefined || (!matching.on && matching.labels.length === 0);
      return { kind: "vector", one: false, labels: undefined, distinct: plain && lhs.distinct && rhs.distinct };
    }
    if (card === "one-to-one") {
      const plain = matching === undefined || (!matching.on && matching.labels.length === 0);
      // Duplicate signatures on either side fail; with both sides distinct without names, plain matching has none.
      if (!(lhs.one && rhs.one) && !(plain && lhs.distinct && rhs.distinct)) return undefined;
      let labels = lhs.labels;
      if (labels !== undefined && matching !== undefined) labels = matching.on ? labels.keepOnly(matching.labels) : labels.without(matching.labels);
      // Comparisons without bool keep the name, which `labels` leaves out anyway.
      return { kind: "vector", one: lhs.one, labels: lhs.one ? labels : undefined, distinct: true };
    }
    if (card === "many-to-one" || card === "one-to-many") {
      if (!lhs.one || !rhs.one) return undefined;
      const [many, oneSide] = card === "one-to-many" ? [rhs, lhs] : [lhs, rhs];
      let labels = many.labels;
      for (const name of matching?.include ?? []) labels = labels === undefined || oneSide.labels === undefined ? undefined : labels.with(name, oneSide.labels.get(name));
      return { kind: "vector", one: true, labels, distinct: true };
    }
    return undefined;
  }

  /** A selector of input series and earlier rules' outputs. */
  private selector(sel: VectorSelector, before: number): VectorInfo | undefined {
    if (sel.at !== undefined || sel.offsetExpr !== undefined || sel.anchored || sel.smoothed) return undefined;
    const matchers = allMatchers(sel).map((m) => ({ name: m.name, test: matcherPredicate(m) }));
    const matchesLabels = (l: Labels): boolean => matchers.every((m) => m.test(l.get(m.name)));
    let sources = 0;
    let labels: Labels | undefined;
    let hist = false;
    for (const s of this.input) {
      if (!matchesLabels(s.labels)) continue;
      sources++;
      labels = s.labels.withoutMetricName();
      if (s.h !== undefined) hist = true;
    }
    for (let q = 0; q < before; q++) {
      const r = this.rules[q]!;
      if (!mayRead(sel, r)) continue;
      const out = this.outputs.get(r);
      if (out?.hist) hist = true;
      if (r.kind === "alert" || out === undefined || !out.one) {
        sources += 2;
        continue;
      }
      if (out.labels !== undefined && !matchesLabels(out.labels)) continue;
      sources++;
      labels = out.labels?.withoutMetricName();
    }
    const one = sources <= 1;
    const named = allMatchers(sel).some((m) => m.name === METRIC_NAME && m.op === "=");
    const info: VectorInfo = { kind: "vector", one, labels: one && sources === 1 ? labels : undefined, distinct: one || named };
    return hist ? { ...info, hist } : info;
  }
}

function recordLabels(rule: LoadedRule, metric: Labels): Labels {
  let out = metric.with(METRIC_NAME, rule.name);
  for (const [k, v] of rule.labels) out = out.with(k, v);
  return out;
}

/** Whether evaluating `r` at only some steps can hide nothing: it cannot fail at any step. */
function ruleSparseSafe(r: LoadedRule, info: VectorInfo, rules: readonly LoadedRule[]): boolean {
  // Several series: their order in the storage would follow the steps evaluated.
  if (!info.one || info.hist) return false;
  if (r.kind === "record") return true;
  if (r.holdDuration > 0 || r.keepFiringFor > 0) return false;
  if (r.labels.some(([, v]) => v.includes("{{"))) return false;
  // Another alert of the same name must differ in a fixed label, or the two could write the same ALERTS series.
  for (const o of rules) {
    if (o === r || o.kind !== "alert" || o.name !== r.name) continue;
    const mine = new Map(r.labels);
    if (!o.labels.some(([k, v]) => !v.includes("{{") && mine.has(k) && mine.get(k) !== v)) return false;
  }
  return true;
}
