// Generated rule tests for threshold alerts: a value just past warning fires
// warning only, just past critical fires critical (and warning: muting it is
// Alertmanager's job), and a value just inside fires nothing.
//
// The alert watches an arbitrary expression, so the inputs that produce a
// given value are found by search: every selector in the expression gets one
// synthetic series with one parameter (a gauge's level, a counter's increment
// per sample, a histogram bucket's bound), and monac's own engine evaluates
// the expression while the parameter of one series is solved for the target
// value. The expected annotations are the alert's templates expanded with the
// value the engine computes; promtool then checks all of it independently.
import { allMatchers, walk, type Expr } from "../../promql/ast.js";
import { Engine } from "../../promql/engine.js";
import { compare } from "../../promql/operators.js";
import { parseSequence, parseSeriesDescription, parseSeriesLabels, SeriesNotationError, type SequenceValue, type SeriesDescription } from "../../promql/series-notation.js";
import type { Labels } from "../../promql/labels.js";
import { parseExpression } from "../../promql/syntax.js";
import { printPromQL } from "../../promql/printer.js";
import { SeriesStore } from "../../promql/storage.js";
import { formatDuration } from "../../workspace/duration.js";
import type { Severity } from "../../workspace/schema.js";
import type { ThresholdAlertModel } from "../../workspace/model.js";
import { expectedAlert } from "./expected-alert.js";
import { newGenerationContext, type GenerationContext } from "./generation-context.js";
import { thresholdAlertRules } from "../threshold-rules.js";
import { constantValues, counterValues, seriesText, type ExpectedAlert, type InputSeries, type RuleTestGroup } from "./rule-test-file.js";
import { labelsMatching, type LabelSet } from "./synthetic-labels.js";
import { relabelView, type RelabelView } from "./threshold-relabel.js";

const MINUTE = 60_000;
const BASE_LABELS: LabelSet = { instance: "test-instance" };
/** Functions whose range argument the generator feeds a steadily growing counter. */
const COUNTER_FUNCTIONS = new Set(["rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "resets", "changes"]);

export interface ThresholdTests {
  groups: RuleTestGroup[];
  notes: string[];
}

type Comparison = ">" | "<" | ">=" | "<=" | "==" | "!=";

interface Watched {
  value: Expr;
  op: Comparison;
  /** Thresholds by severity, for alerts with levels; one entry for conditions. */
  thresholds: { severity: Severity; value: number }[];
}

/** `ctx` is the build's (see ruleTestArtifacts); without one, nothing is shared with other calls. */
export async function thresholdTests(alert: ThresholdAlertModel, stepMs: number, ctx: GenerationContext = newGenerationContext()): Promise<ThresholdTests> {
  const watched = watchedValue(alert);
  if (typeof watched === "string") return { groups: [], notes: [`${alert.name}: no generated tests: ${watched}`] };
  const inputs = syntheticInputs(watched.value);
  if (typeof inputs === "string") return { groups: [], notes: [`${alert.name}: no generated tests: ${inputs}`] };
  const rules = thresholdAlertRules(alert);
  const forMs = Math.max(0, ...alert.levels.map((l) => l.forMs));

  const groups: RuleTestGroup[] = [];
  const shape = shapeKey(watched, inputs, forMs, stepMs);
  const relabel = relabelView(watched.value, inputs.map((s) => s.labels));
  const checks = sharedChecks(ctx, shape, relabel);
  for (const scenario of scenarios(watched)) {
    const solved = solveScenario(ctx, watched, inputs, scenario.target, forMs, shape, stepMs, relabel, checks);
    if (typeof solved === "string") return { groups: [], notes: [`${alert.name}: no generated tests: ${solved}`] };
    const firing = watched.thresholds.filter((t) => compare(watched.op, solved.value, t.value)).map((t) => t.severity);
    const expected: ExpectedAlert[] = [];
    for (const rule of rules) {
      if (firing.includes(rule.labels.severity as Severity)) {
        for (const sample of solved.samples) expected.push(await expectedAlert(ctx, rule, sample.labels, sample.value, solved.evalMs));
      }
    }
    groups.push({
      name: `${alert.service}/${alert.name}: ${scenario.describe(formatValue(solved.value))}`,
      interval: "1m",
      input_series: solved.series,
      alert_rule_test: [{ eval_time: formatDuration(solved.evalMs), alertname: alert.name, exp_alerts: expected }],
    });
  }
  return { groups, notes: [] };
}

// ------------------------------------------------------------- targets

/** The expression compared with the thresholds, and how. */
function watchedValue(alert: ThresholdAlertModel): Watched | string {
  if (alert.valueExpr !== undefined) {
    const value = parseExpression(alert.valueExpr);
    if (!value) return "the expression does not parse";
    const thresholds = alert.levels.map((l) => ({ severity: l.severity, value: Number(l.threshold) }));
    return { value, op: alert.direction === "above" ? ">" : "<", thresholds };
  }
  // A condition: `<expr> <op> <number>` is solvable like a threshold.
  const level = alert.levels[0]!;
  let expr = parseExpression(level.expr);
  while (expr?.type === "ParenExpr") expr = expr.expr;
  if (!expr || expr.type !== "BinaryExpr" || expr.returnBool || !isComparison(expr.op)) return "the condition is not a comparison with a number";
  const rhs = unparen(expr.rhs);
  const lhs = unparen(expr.lhs);
  if (rhs.type === "NumberLiteral") return { value: lhs, op: expr.op, thresholds: [{ severity: level.severity, value: rhs.value }] };
  if (lhs.type === "NumberLiteral") return { value: rhs, op: flip(expr.op), thresholds: [{ severity: level.severity, value: lhs.value }] };
  return "the condition is not a comparison with a number";
}

interface ScenarioSpec {
  target: number;
  describe(value: string): string;
}

/** Just past each threshold, and just inside the mildest one. */
function scenarios(w: Watched): ScenarioSpec[] {
  const sorted = [...w.thresholds].sort((a, b) => a.value - b.value);
  const upward = w.op === ">" || w.op === ">=";
  const ordered = upward ? sorted : sorted.reverse();
  const values = ordered.map((t) => t.value);
  // A step small against the threshold and against the gap to the next one.
  const step = (i: number) => {
    const v = values[i]!;
    const gaps = values.slice(1).map((x, j) => Math.abs(x - values[j]!)).filter((g) => g > 0);
    return Math.min(Math.abs(v) * 0.01 || 0.01, ...gaps.map((g) => g / 4));
  };
  if (w.op === "==" || w.op === "!=") {
    const t = values[0]!;
    const hit = w.op === "==" ? t : t + 1;
    const miss = w.op === "==" ? t + 1 : t;
    return [
      { target: hit, describe: (v) => `value ${v} fires ${ordered[0]!.severity}` },
      { target: miss, describe: (v) => `value ${v} fires nothing` },
    ];
  }
  const dir = upward ? 1 : -1;
  const out: ScenarioSpec[] = ordered.map((t, i) => ({
    target: t.value + dir * step(i),
    describe: (v: string) => `${v}, just ${upward ? "above" : "below"} ${t.severity} (${formatValue(t.value)}), fires ${ordered.slice(0, i + 1).map((x) => x.severity).reverse().join(" and ")}`,
  }));
  out.push({
    target: values[0]! - dir * step(0),
    describe: (v) => `${v}, just inside ${ordered[0]!.severity} (${formatValue(values[0]!)}), fires nothing`,
  });
  return out;
}

// -------------------------------------------------------------- inputs

interface SyntheticSeries {
  labels: LabelSet;
  kind: "gauge" | "counter" | "bucket";
  /** Default parameter while another series is being solved. */
  initial: number;
  /** seriesText(labels), made once: every evaluation of every scenario writes it. */
  text: string;
}

/** One series per distinct selector, each a shape the expression can read. */
function syntheticInputs(value: Expr): SyntheticSeries[] | string {
  const out: SyntheticSeries[] = [];
  let problem: string | undefined;
  walk(value, (node, path) => {
    if (node.type === "SubqueryExpr") problem = "subqueries are not generated";
    if (node.type !== "VectorSelector") return;
    if (node.offset !== 0 || node.at) problem = "offset and @ are not generated";
    const parent = path[path.length - 1];
    const fn = path.findLast((p) => p.type === "Call");
    const inRange = parent?.type === "MatrixSelector";
    const inHistogram = path.some((p) => p.type === "Call" && p.func === "histogram_quantile");
    const kind: SyntheticSeries["kind"] =
      inHistogram && inRange ? "bucket" : inRange && fn?.type === "Call" && COUNTER_FUNCTIONS.has(fn.func) ? "counter" : "gauge";
    const labels = labelsMatching(allMatchers(node), BASE_LABELS);
    if (!labels) {
      problem = "no label values satisfy a selector's matchers";
      return;
    }
    if (kind === "bucket" && labels.le !== undefined) {
      problem = "histogram selectors with an le matcher are not generated";
      return;
    }
    const text = seriesText(labels);
    if (!out.some((s) => s.text === text)) {
      out.push({ labels, kind, initial: kind === "gauge" ? 100 : kind === "counter" ? 60 : 1, text });
    }
  });
  if (problem) return problem;
  if (out.length === 0) return "the expression reads no series";
  return out;
}

/**
 * A series' input, one sample a minute from 0 to `minutes`, for a parameter,
 * in promtool's notation. This text is the only description of the inputs:
 * the solver evaluates on what it parses to (see `loadedSamples`).
 */
function notation(s: SyntheticSeries, p: number, minutes: number): InputSeries[] {
  switch (s.kind) {
    case "gauge":
      return [{ series: s.text, values: constantValues(p, minutes) }];
    case "counter":
      return [{ series: s.text, values: counterValues([{ samples: minutes, increment: p }]) }];
    case "bucket":
      // Every observation falls in the bucket bounded by p: a quantile q of
      // it interpolates to q * p.
      return [
        { series: seriesText({ ...s.labels, le: formatValue(p) }), values: counterValues([{ samples: minutes, increment: 60 }]) },
        { series: seriesText({ ...s.labels, le: "+Inf" }), values: counterValues([{ samples: minutes, increment: 60 }]) },
      ];
  }
}

// -------------------------------------------------------------- solver

interface Solved {
  params: number[];
  series: InputSeries[];
  evalMs: number;
  /** The watched value at evalMs (the first result series). */
  value: number;
  samples: { labels: Record<string, string>; value: number }[];
}

/**
 * Finds inputs that put the watched value on `target` and an evaluation
 * time by which every level's `for` has passed. Values that drift with time
 * (`time() - last_backup`) are solved at the first evaluation, when the
 * alert becomes pending, and land further past the threshold later; a value
 * meant to stay inside is solved at the last evaluation for the same reason.
 */
function solveScenario(
  ctx: GenerationContext,
  w: Watched,
  inputs: SyntheticSeries[],
  target: number,
  forMs: number,
  shape: string,
  stepMs: number,
  relabel: RelabelView | undefined,
  checks: Map<string, Checked> | undefined,
): Solved | string {
  const evaluate = (p: number[], atMs: number, minutes: number) => evaluateAt(w.value, inputSeries(inputs, p, minutes), atMs);
  const key = `${shape}\u0000${target}`;
  const known = ctx.thresholdSolutions.get(key);
  if (known) {
    const series = inputSeries(inputs, known.params, known.evalMs / MINUTE);
    const r = checkedValue(checks, relabel, known, () => evaluateAt(w.value, series, known.evalMs));
    const verdicts = (v: number) => verdictsOf(w, v);
    if (r && verdicts(r.value) === verdicts(target)) return { params: known.params, series, evalMs: known.evalMs, value: r.value, samples: r.samples };
  }
  const solved = solveFresh(w, inputs, target, forMs, evaluate, stepMs);
  if (typeof solved !== "string") ctx.thresholdSolutions.set(key, { params: solved.params, evalMs: solved.evalMs });
  return solved;
}

// Alerts that differ only in label values (the same expression for many
// groups or services) are solved once per build (the context's
// thresholdSolutions): the values the expression computes do not depend on
// label values, and each reuse is re-checked by one evaluation. That
// evaluation is itself shared between problems that are the same up to a
// one-to-one renaming of the values of labels that only select the synthetic
// series (see threshold-relabel.ts for when and why that gives the same
// numbers): the alert `cpu{group="a"}` is checked by the evaluation made for
// `cpu{group="b"}` on the same parameters, its sample labels renamed back.
// Anything else (a `!=` or regex on the label, label_replace, an `le`) is
// evaluated for itself, as before.
export interface ThresholdSolution {
  params: number[];
  evalMs: number;
}

type Evaluated = ReturnType<typeof evaluateAt>;
/** A re-check's value and samples, labels in canonical form (threshold-relabel.ts); null: no value. */
export type ThresholdCheck = { value: number; samples: { labels: Record<string, string>; value: number }[] } | null;
type Checked = ThresholdCheck;

/**
 * A problem's re-checks shared with the problems the same up to a renaming,
 * if it has a RelabelView: the context's, by problem (with the shape, which
 * fixes the series' kinds, so their notation for given parameters), then by solution.
 */
function sharedChecks(ctx: GenerationContext, shape: string, relabel: RelabelView | undefined): Map<string, Checked> | undefined {
  if (relabel === undefined) return undefined;
  // The shape is JSON (no raw NUL): the parts cannot run into each other.
  const key = `${shape}\u0000${relabel.key}`;
  let checks = ctx.thresholdChecks.get(key);
  if (checks === undefined) ctx.thresholdChecks.set(key, (checks = new Map()));
  return checks;
}

/** evaluateAt for a reused solution, or the value it had for a problem the same up to a renaming. */
function checkedValue(checks: Map<string, Checked> | undefined, relabel: RelabelView | undefined, known: ThresholdSolution, evaluate: () => Evaluated): Evaluated {
  if (checks === undefined || relabel === undefined) return evaluate();
  const key = `${known.params.map((p) => (Object.is(p, -0) ? "-0" : String(p))).join()}\u0000${known.evalMs}`;
  const hit = checks.get(key);
  if (hit === null) return undefined;
  if (hit !== undefined) {
    const samples: { labels: Record<string, string>; value: number }[] = [];
    for (const s of hit.samples) {
      const labels = relabel.fromCanonical(s.labels);
      if (labels === undefined) return evaluate();
      samples.push({ labels, value: s.value });
    }
    return { value: hit.value, samples };
  }
  const r = evaluate();
  if (r === undefined) checks.set(key, null);
  else {
    const samples = r.samples.map((s) => ({ labels: relabel.toCanonical(s.labels), value: s.value }));
    // A label value the problem does not contain (never, by the argument): keep it unshared.
    if (samples.every((s): s is { labels: Record<string, string>; value: number } => s.labels !== undefined)) checks.set(key, { value: r.value, samples });
  }
  return r;
}

function shapeKey(w: Watched, inputs: SyntheticSeries[], forMs: number, stepMs: number): string {
  const text = printPromQL(w.value).replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return JSON.stringify([text, w.op, w.thresholds.map((t) => t.value), forMs, inputs.map((s) => s.kind), stepMs]);
}

function solveFresh(
  w: Watched,
  inputs: SyntheticSeries[],
  target: number,
  forMs: number,
  evaluate: (p: number[], atMs: number, minutes: number) => ReturnType<typeof evaluateAt>,
  stepMs: number,
): Solved | string {
  const params = inputs.map((s) => s.initial);
  const horizonMin = (forMs + 4 * stepMs) / MINUTE;

  const firstMs = [0, 1, 2, 3].map((i) => i * stepMs).find((t) => evaluate(params, t, horizonMin) !== undefined);
  if (firstMs === undefined) return "the expression has no value for the synthetic series";
  const evalMs = firstMs + Math.ceil(forMs / stepMs) * stepMs;
  const minutes = evalMs / MINUTE;
  const pastTarget = w.thresholds.some((t) => compare(w.op, target, t.value));
  const solveAt = pastTarget ? firstMs : evalMs;

  for (let driver = 0; driver < inputs.length; driver++) {
    const f = (x: number) => {
      const p = [...params];
      p[driver] = x;
      return evaluate(p, solveAt, minutes)?.value;
    };
    const x = solve(f, target, inputs[driver]!.kind);
    if (x === undefined) continue;
    // The value must be on the intended side of every threshold at every
    // evaluation up to the check. Among parameters that do that, prefer the
    // shortest to read: 11.52, not 11.520000000000007.
    const verdicts = (v: number) => verdictsOf(w, v);
    const want = verdicts(target);
    const steady = (p: number[]) => {
      for (let t = firstMs; t <= evalMs; t += stepMs) {
        const r = evaluate(p, t, minutes);
        if (!r || verdicts(r.value) !== want) return false;
      }
      return true;
    };
    const p = [...params];
    const choice = [2, 3, 4, 6, 8, 12, 17].map((digits) => Number(x.toPrecision(digits))).find((candidate) => {
      p[driver] = candidate;
      // The cheap check first: the value at the solved time.
      const r = evaluate(p, solveAt, minutes);
      return r !== undefined && verdicts(r.value) === want && steady(p);
    });
    if (choice === undefined) continue;
    p[driver] = choice;
    const series = inputSeries(inputs, p, minutes);
    const final = evaluateAt(w.value, series, evalMs)!;
    return {
      params: p,
      series,
      evalMs,
      value: final.value,
      samples: final.samples,
    };
  }
  return `no synthetic input puts the value at ${formatValue(target)}`;
}

/** Every input series for the parameters, in promtool's notation. */
function inputSeries(inputs: SyntheticSeries[], params: number[], minutes: number): InputSeries[] {
  return inputs.flatMap((s, i) => notation(s, params[i]!, minutes));
}

function evaluateAt(value: Expr, series: InputSeries[], atMs: number) {
  const store = loadedSamples(series);
  if (!store) return undefined;
  let result;
  try {
    result = new Engine(store).instantQuery(value, atMs).value;
  } catch {
    return undefined;
  }
  const list =
    result.type === "vector"
      ? result.samples.map((s) => ({ labels: Object.fromEntries(s.metric.entries()), value: s.v }))
      : result.type === "scalar"
        ? [{ labels: {}, value: result.v }]
        : [];
  if (list.length === 0 || !Number.isFinite(list[0]!.value)) return undefined;
  return { value: list[0]!.value, samples: list };
}

/**
 * The samples promtool loads for generated input series (one a minute from 0,
 * the groups' interval and start), read with the same series-notation parser
 * as monac's test runner (src/ruletest/input.ts). The solver must see exactly
 * these floats: `0+p x n` expands by repeated addition, which is not m * p in
 * the last bits, and a raw `{{ $value }}` in an annotation prints every bit.
 * Undefined when the notation does not parse (e.g. a negative increment).
 */
function loadedSamples(series: InputSeries[]): SeriesStore | undefined {
  const store = new SeriesStore();
  for (const item of series) {
    const desc = parsedSeries(item);
    if (desc === undefined) return undefined;
    desc.values.forEach((v, k) => {
      if (v.kind === "value") store.append(desc.labels, k * MINUTE, v.value);
      else if (v.kind === "stale") store.appendStale(desc.labels, k * MINUTE);
    });
  }
  return store;
}

// The parses of recent series texts and value texts, each a pure function of
// its text: a reused solution loads the same values under other labels, and
// the solver tries the same labels with many values. Undefined: no parse.
const parsedLabels = new Map<string, Labels | undefined>();
const parsedValues = new Map<string, SequenceValue[] | undefined>();

/** parseSeriesDescription of the item's line (undefined when it does not parse), from its two halves. */
function parsedSeries(item: InputSeries): SeriesDescription | undefined {
  let labels = parsedLabels.get(item.series);
  if (labels === undefined && !parsedLabels.has(item.series)) {
    labels = notationOrUndefined(() => {
      // The labels end the series text: parsing the whole line stops there too.
      const { labels, rest } = parseSeriesLabels(item.series.trim());
      return rest === "" ? labels : undefined;
    });
    if (parsedLabels.size >= 10_000) parsedLabels.clear();
    parsedLabels.set(item.series, labels);
  }
  if (labels === undefined) return notationOrUndefined(() => parseSeriesDescription(`${item.series} ${item.values}`.trim()));
  let values = parsedValues.get(item.values);
  if (values === undefined && !parsedValues.has(item.values)) {
    values = notationOrUndefined(() => parseSequence(item.values));
    if (parsedValues.size >= 10_000) parsedValues.clear();
    parsedValues.set(item.values, values);
  }
  return values === undefined ? undefined : { labels, values };
}

function notationOrUndefined<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (e instanceof SeriesNotationError) return undefined;
    throw e;
  }
}

/**
 * The parameter x with f(x) = target: probe a wide bracket, then bisect. An
 * exact hit is not needed, only a value on the intended side of every
 * threshold, which the caller checks.
 */
function solve(f: (x: number) => number | undefined, target: number, kind: SyntheticSeries["kind"]): number | undefined {
  const close = (y: number) => Math.abs(y - target) <= 1e-9 * Math.max(1, Math.abs(target));
  // Most watched values are affine in one input (a percentage of a gauge, a
  // rate of a counter): two probes give the answer, a third confirms it.
  const y1 = f(1);
  const y10 = f(10);
  if (y1 === target) return 1;
  if (y1 !== undefined && y10 !== undefined && y10 !== y1) {
    const x = 1 + ((target - y1) * 9) / (y10 - y1);
    const y = f(x);
    if (y !== undefined && close(y)) return x;
  }
  const probes = kind === "gauge" ? [-1e9, -1e4, -100, -1, 0, 1e-3, 0.5, 1, 10, 100, 1e3, 1e4, 1e6, 1e9, 1e12] : [1e-3, 0.01, 0.1, 1, 10, 100, 1e3, 1e4, 1e6, 1e9];
  const points = probes.map((x) => ({ x, y: x === 1 ? y1 : x === 10 ? y10 : f(x) })).filter((p): p is { x: number; y: number } => p.y !== undefined);
  const exact = points.find((p) => p.y === target);
  if (exact) return exact.x;
  for (let i = 0; i + 1 < points.length; i++) {
    let a = points[i]!;
    let b = points[i + 1]!;
    if ((a.y - target) * (b.y - target) > 0) continue;
    for (let iter = 0; iter < 200 && a.x !== b.x; iter++) {
      // Secant step, falling back to the midpoint when it leaves the bracket.
      let m = a.x + ((target - a.y) * (b.x - a.x)) / (b.y - a.y);
      if (!(m > Math.min(a.x, b.x) && m < Math.max(a.x, b.x))) m = (a.x + b.x) / 2;
      const y = f(m);
      if (y === undefined) return undefined;
      if (close(y)) return m;
      if ((a.y - target) * (y - target) <= 0) b = { x: m, y };
      else a = { x: m, y };
    }
    return a.x;
  }
  return undefined;
}

// ------------------------------------------------------------- helpers

/** Which thresholds a value is past, as one comparable string. */
function verdictsOf(w: Watched, v: number): string {
  return w.thresholds.map((t) => compare(w.op, v, t.value)).join();
}


function isComparison(op: string): op is Comparison {
  return [">", "<", ">=", "<=", "==", "!="].includes(op);
}

function flip(op: Comparison): Comparison {
  return op === ">" ? "<" : op === "<" ? ">" : op === ">=" ? "<=" : op === "<=" ? ">=" : op;
}

function unparen(e: Expr): Expr {
  return e.type === "ParenExpr" ? unparen(e.expr) : e;
}

function formatValue(v: number): string {
  return String(Number(v.toPrecision(6)));
}
