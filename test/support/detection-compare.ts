/**
 * Detection comparison of two tools' alerting rules for one SLO: the same
 * synthetic traffic, written to the SLI's input series, replayed through
 * each tool's rule groups on monac's rule evaluator (`replay`), and the
 * first alert of each severity read back; then the same first-alert times
 * checked on the real promtool with a generated rule-test file.
 *
 * Used by test/import/detection.test.ts (Sloth's and Pyrra's examples
 * against monac's imports of them).
 */
import { nativeLayout } from "../../src/compile/rule-tests/rule-test-file.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify as stringifyYaml } from "yaml";
import { walk, type Expr } from "../../src/promql/index.js";
import { evaluate } from "../../src/ruletest/evaluator.js";
import { replay, trafficInput, type AlertInterval, type SeriesText, type TrafficProfile } from "../../src/ruletest/incidents.js";
import { parseInputSeries } from "../../src/ruletest/input.js";
import type { LoadedAlertingRule, LoadedRuleGroup } from "../../src/ruletest/rule-files.js";
import { runTool } from "./tools.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** Scrape interval of the synthetic input. */
export const SCRAPE_MS = MIN;
/** Events a minute of counter SLIs. */
export const RPM = 1000;

export type Severity = "page" | "ticket";

// -- traffic ------------------------------------------------------------------------

/**
 * Where an SLI's synthetic traffic is written, per SLI kind:
 * - counters: an error series and a good series, both matched by the total selector;
 * - histogram: a classic histogram's `_bucket{le=<threshold>}` (good), `_bucket{le="+Inf"}` and `_count` (all);
 * - nativeHistogram: one native histogram counter (schema 0), good events in a bucket entirely at or
 *   below the threshold (seconds) and bad ones in a bucket entirely above it, so that no
 *   histogram_fraction interpolates;
 * - boolGauge: one 0/1 gauge sampled every scrape, 0 for a bad sample;
 * - ratioGauge: one gauge holding the good ratio (1 - error ratio) of the moment.
 */
export type SliTraffic =
  | { kind: "counters"; errors: string; good: string }
  | { kind: "histogram"; metric: string; labels: string; le: string }
  | { kind: "nativeHistogram"; metric: string; labels: string; threshold: number }
  | { kind: "boolGauge"; series: string }
  | { kind: "ratioGauge"; series: string };

/**
 * The items of a series' values, split at spaces outside `{{...}}` (a
 * native histogram item holds spaces: `{{schema:0 count:3}}+{{count:1}}x4`).
 */
function seriesItems(values: string): string[] {
  const out: string[] = [];
  let item = "";
  let depth = 0;
  for (const ch of values) {
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    if (ch === " " && depth === 0) {
      if (item !== "") out.push(item);
      item = "";
    } else {
      item += ch;
    }
  }
  if (item !== "") out.push(item);
  return out;
}

/** Expands the `a+bxn` / `a` notation trafficInput writes. */
function expand(values: string): number[] {
  const out: number[] = [];
  for (const item of values.split(" ")) {
    const m = /^(-?[\d.e+-]+?)(?:\+(-?[\d.e+-]+)x(\d+))?$/.exec(item);
    if (!m) throw new Error(`unexpected series notation: ${item}`);
    const a = Number(m[1]);
    if (m[2] === undefined) {
      out.push(a);
      continue;
    }
    const b = Number(m[2]);
    const n = Number(m[3]);
    for (let i = 0; i <= n; i++) out.push(a + b * i);
  }
  return out;
}

/** Runs of equal values as `v+0xn`. */
function runs(values: readonly string[]): string {
  const items: string[] = [];
  let i = 0;
  while (i < values.length) {
    let n = 1;
    while (i + n < values.length && values[i + n] === values[i]) n++;
    items.push(n === 1 ? values[i]! : `${values[i]}+0x${n - 1}`);
    i += n;
  }
  return items.join(" ");
}

/**
 * Schema 0 bucket indexes around a threshold: bucket i is (2^(i-1), 2^i];
 * `good` is the highest wholly at or below the threshold, `bad` the lowest
 * wholly above it.
 */
export function nativeBucketsAround(threshold: number): { good: number; bad: number } {
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new RangeError(`nativeHistogram threshold must be > 0: ${threshold}`);
  const { fast, slow } = nativeLayout(threshold);
  return { good: fast, bad: slow };
}

/**
 * A native histogram counter in promtool's notation, from cumulative good
 * and bad counts a sample: runs of a constant increment as
 * `{{first}}+{{increment}}xN`. Each observation is its bucket's upper
 * bound, so sums stay exact binary fractions.
 */
function nativeHistogramValues(threshold: number, good: readonly number[], bad: readonly number[]): string {
  const { good: gi, bad: bi } = nativeBucketsAround(threshold);
  const gv = 2 ** gi;
  const bv = 2 ** bi;
  const hist = (g: number, b: number): string => {
    const buckets = [g, ...Array.from({ length: bi - gi - 1 }, () => 0), b];
    return `{{schema:0 count:${g + b} sum:${g * gv + b * bv} offset:${gi} buckets:[${buckets.join(" ")}]}}`;
  };
  const items: string[] = [];
  let k = 0;
  while (k < good.length) {
    if (k + 1 === good.length) {
      items.push(hist(good[k]!, bad[k]!));
      break;
    }
    const dg = good[k + 1]! - good[k]!;
    const db = bad[k + 1]! - bad[k]!;
    let n = 1;
    while (k + n + 1 < good.length && good[k + n + 1]! - good[k + n]! === dg && bad[k + n + 1]! - bad[k + n]! === db) n++;
    items.push(`${hist(good[k]!, bad[k]!)}+${hist(dg, db)}x${n}`);
    k += n + 1;
  }
  return items.join(" ");
}

function withLabel(selectorLabels: string, extra: string): string {
  return selectorLabels === "" ? extra : `${selectorLabels},${extra}`;
}

/** The input series of a traffic profile for an SLI, one sample a scrape. */
export function trafficSeries(sli: SliTraffic, profile: TrafficProfile): SeriesText[] {
  switch (sli.kind) {
    case "counters":
      return trafficInput(profile, { errors: sli.errors, good: sli.good }, SCRAPE_MS).series;
    case "histogram": {
      const bucket = (le: string) => `${sli.metric}_bucket{${withLabel(sli.labels, `le="${le}"`)}}`;
      const good = trafficInput(profile, { errors: "errors", good: "good" }, SCRAPE_MS).series[1]!.values;
      const total = trafficInput(profile, { errors: "errors", total: "total" }, SCRAPE_MS).series[1]!.values;
      return [
        { series: bucket(sli.le), values: good },
        { series: bucket("+Inf"), values: total },
        { series: `${sli.metric}_count{${sli.labels}}`, values: total },
      ];
    }
    case "nativeHistogram": {
      const [errors, good] = trafficInput(profile, { errors: "errors", good: "good" }, SCRAPE_MS).series;
      return [{ series: `${sli.metric}{${sli.labels}}`, values: nativeHistogramValues(sli.threshold, expand(good!.values), expand(errors!.values)) }];
    }
    case "boolGauge": {
      // One event a scrape: a sample is 0 when it counts a new error.
      const errors = expand(trafficInput({ ...profile, requestsPerMinute: MIN / SCRAPE_MS }, { errors: "e", total: "t" }, SCRAPE_MS).series[0]!.values);
      return [{ series: sli.series, values: runs(errors.map((e, k) => String(k === 0 ? 1 : 1 - (e - errors[k - 1]!)))) }];
    }
    case "ratioGauge": {
      const samples = Math.floor((profile.minutes * MIN) / SCRAPE_MS) + 1;
      const values: string[] = [];
      for (let k = 0; k < samples; k++) {
        const t = (k * SCRAPE_MS) / MIN;
        // A sample reports the minute before it.
        const piece = [...profile.errorRatio].reverse().find(([start]) => start < t) ?? profile.errorRatio[0]!;
        values.push(String(Number((1 - piece[1]).toFixed(12))));
      }
      return [{ series: sli.series, values: runs(values) }];
    }
  }
}

// -- incidents ------------------------------------------------------------------

export interface Incident {
  id: string;
  label: string;
  /** Error ratio of the incident: `ratio`, or `factor` × the budget. Neither: healthy traffic only. */
  ratio?: number;
  factor?: number;
  /** A bounded incident lasts this long, then traffic is healthy again. */
  minutes?: number;
  /** Sustained burns only matter for pages (or for tickets too: slow burns). */
  slow?: boolean;
}

/** The baseline error ratio, as a share of the budget. */
export const BASELINE_FACTOR = 0.1;

/** Exact decimal arithmetic for the small products here (14.688 × 0.001 = 0.014688, not 0.014688000000000001). */
export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

export function incidentRatio(incident: Incident, budget: number): number | undefined {
  if (incident.ratio !== undefined) return incident.ratio;
  if (incident.factor !== undefined) return tidy(incident.factor * budget);
  return undefined;
}

// -- one side of a comparison --------------------------------------------------------

export type ToolName = "Sloth" | "Pyrra" | "monac";

export interface Side {
  tool: ToolName;
  /** The rule file promtool reads (this SLO's groups only). */
  ruleFileText: string;
  groups: LoadedRuleGroup[];
  intervalMs: number;
  severityOf(labels: Record<string, string>): Severity | undefined;
  /** Whether an alert belongs to this SLO (the rule file may hold others reading the same series). */
  belongs(labels: Record<string, string>): boolean;
}

export interface CompareCase {
  example: string;
  slo: string;
  budget: number;
  periodMs: number;
  sli: SliTraffic;
  original: Side;
  monac: Side;
  notes: string[];
}

/**
 * The longest range any alert of the groups depends on: the ranges and
 * subquery ranges of the alert expressions and of the recording rules they
 * read, transitively.
 */
export function alertWindowMs(groups: readonly LoadedRuleGroup[]): number {
  const byName = new Map<string, Expr[]>();
  for (const g of groups) for (const r of g.rules) if (r.kind === "record") byName.set(r.name, [...(byName.get(r.name) ?? []), r.expr]);
  const seen = new Set<string>();
  let longest = 0;
  const visit = (expr: Expr): void => {
    walk(expr, (node: Expr) => {
      if (node.type === "MatrixSelector") longest = Math.max(longest, node.range);
      if (node.type === "SubqueryExpr") longest = Math.max(longest, node.range);
      if (node.type === "VectorSelector") {
        const name = node.name ?? node.matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
        if (name !== undefined && byName.has(name) && !seen.has(name)) {
          seen.add(name);
          for (const e of byName.get(name)!) visit(e);
        }
      }
    });
  };
  for (const g of groups) for (const r of g.rules) if (r.kind === "alert") visit(r.expr);
  return longest;
}

export function alertRules(groups: readonly LoadedRuleGroup[]): LoadedAlertingRule[] {
  return groups.flatMap((g) => g.rules.filter((r): r is LoadedAlertingRule => r.kind === "alert"));
}

/**
 * The groups cut down to what their alerts depend on: the alerting rules and
 * the recording rules they read, transitively. The rest (period-long SLO
 * reports, budget gauges) cannot change an alert, and is what makes promtool
 * slow on multi-day inputs: a 30d range read at every evaluation.
 */
export function alertingClosure(groups: readonly LoadedRuleGroup[]): LoadedRuleGroup[] {
  const byName = new Map<string, Expr[]>();
  for (const g of groups) for (const r of g.rules) if (r.kind === "record") byName.set(r.name, [...(byName.get(r.name) ?? []), r.expr]);
  const needed = new Set<string>();
  const visit = (expr: Expr): void => {
    walk(expr, (node: Expr) => {
      if (node.type !== "VectorSelector") return;
      const name = node.name ?? node.matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
      if (name === undefined || !byName.has(name) || needed.has(name)) return;
      needed.add(name);
      for (const e of byName.get(name)!) visit(e);
    });
  };
  for (const g of groups) for (const r of g.rules) if (r.kind === "alert") visit(r.expr);
  return groups
    .map((g) => ({ ...g, rules: g.rules.filter((r) => r.kind === "alert" || needed.has(r.name)) }))
    .filter((g) => g.rules.length > 0);
}

/** A Prometheus rule file of loaded groups (rule labels written per rule). */
export function ruleFileOf(groups: readonly LoadedRuleGroup[]): string {
  const obj = (pairs: ReadonlyArray<[string, string]>) => (pairs.length === 0 ? {} : Object.fromEntries(pairs));
  return stringifyYaml(
    {
      groups: groups.map((g) => ({
        name: g.name,
        ...(g.interval > 0 ? { interval: `${g.interval / 1000}s` } : {}),
        ...(g.queryOffset > 0 ? { query_offset: `${g.queryOffset / 1000}s` } : {}),
        rules: g.rules.map((r) =>
          r.kind === "record"
            ? { record: r.name, expr: r.exprText, ...(r.labels.length > 0 ? { labels: obj(r.labels) } : {}) }
            : {
                alert: r.name,
                expr: r.exprText,
                ...(r.holdDuration > 0 ? { for: `${r.holdDuration / 1000}s` } : {}),
                ...(r.keepFiringFor > 0 ? { keep_firing_for: `${r.keepFiringFor / 1000}s` } : {}),
                ...(r.labels.length > 0 ? { labels: obj(r.labels) } : {}),
                ...(r.annotations.length > 0 ? { annotations: obj(r.annotations) } : {}),
              },
        ),
      })),
    },
    { lineWidth: 0 },
  );
}

/** The longest `for` of any alert. */
export function maxHoldMs(groups: readonly LoadedRuleGroup[]): number {
  return Math.max(0, ...alertRules(groups).map((r) => r.holdDuration));
}

/** The rule an alert came from: same name, and its static labels all on the alert. */
function holdOf(groups: readonly LoadedRuleGroup[], labels: Record<string, string>): number {
  const rule = alertRules(groups).find((r) => r.name === labels.alertname && r.labels.every(([k, v]) => /\{\{/.test(v) || labels[k] === v));
  return rule?.holdDuration ?? 0;
}

/** Healthy history before every incident: long enough for every alert window of both tools, and a tenth of the period at least. */
export function historyMs(c: CompareCase): number {
  const longest = Math.max(c.periodMs / 10, alertWindowMs(c.original.groups), alertWindowMs(c.monac.groups));
  return Math.ceil(longest / HOUR) * HOUR + HOUR;
}

/** How long a sustained slow burn runs: the longest alert window of either tool, its `for`, and two hours. */
export function slowHorizonMs(c: CompareCase): number {
  return Math.max(alertWindowMs(c.original.groups), alertWindowMs(c.monac.groups)) + Math.max(maxHoldMs(c.original.groups), maxHoldMs(c.monac.groups)) + 2 * HOUR;
}

/** After a bounded outage: long enough for any alert still pending to fire, or a late one to show. */
export const OUTAGE_TAIL_MS = 12 * HOUR;
/** A fast burn is watched this long first, and for the slow-burn horizon only if a severity has not fired. */
export const FAST_HORIZON_MS = 6 * HOUR;

export function profileOf(c: CompareCase, incident: Incident, endMs: number): TrafficProfile {
  const hist = historyMs(c) / MIN;
  const baseline = tidy(BASELINE_FACTOR * c.budget);
  const ratio = incidentRatio(incident, c.budget);
  const errorRatio: Array<[number, number]> = [[0, baseline]];
  if (ratio !== undefined) errorRatio.push([hist, ratio]);
  // After a bounded outage, no errors at all: whatever starts then is the outage's doing, not a new
  // (for a bool gauge: one failed probe in 1,000 minutes is a one-minute 100% burst) small incident.
  if (ratio !== undefined && incident.minutes !== undefined) errorRatio.push([hist + incident.minutes, 0]);
  return { requestsPerMinute: RPM, errorRatio, minutes: Math.ceil(endMs / MIN) };
}

export interface FirstAlert {
  /** Minutes after the incident start (firing, `for` included). */
  afterMin: number;
  alert: AlertInterval;
}

export interface SideRun {
  first: Partial<Record<Severity, FirstAlert>>;
  /** Alerts of the SLO firing before the incident started (during the healthy history). */
  early: AlertInterval[];
  /** After a bounded incident: alerts whose pending state began after its end (+ one evaluation). */
  late: AlertInterval[] | undefined;
  /** Every alert of the SLO. */
  alerts: AlertInterval[];
  /** The input the replay read, and its length (for promtool). */
  series: SeriesText[];
  durationMs: number;
  replayMs: number;
  path: string;
}

/** Replays one incident through one side's rules. */
export async function runSide(c: CompareCase, side: Side, incident: Incident): Promise<SideRun> {
  const hist = historyMs(c);
  const startMs = hist;
  const endMs = incident.minutes === undefined ? undefined : startMs + incident.minutes * MIN;
  const horizons =
    endMs !== undefined
      ? [endMs + OUTAGE_TAIL_MS]
      : incidentRatio(incident, c.budget) === undefined || incident.slow
        ? [hist + slowHorizonMs(c)]
        : [hist + FAST_HORIZON_MS, hist + slowHorizonMs(c)];
  const started = performance.now();
  let out: SideRun | undefined;
  for (const horizon of horizons) {
    const series = trafficSeries(c.sli, profileOf(c, incident, horizon));
    const res = await replay({ groups: side.groups, series, inputIntervalMs: SCRAPE_MS, evaluationIntervalMs: side.intervalMs, durationMs: horizon });
    if (res.errors.length > 0) throw new Error(`${side.tool} ${c.example}/${c.slo}: rule evaluation failed: ${res.errors.join("; ")}`);
    const alerts = res.alerts.filter((a) => side.belongs(a.labels));
    const first: SideRun["first"] = {};
    for (const sev of ["page", "ticket"] as const) {
      const a = alerts.find((x) => x.firingFrom >= startMs && side.severityOf(x.labels) === sev);
      if (a) first[sev] = { afterMin: (a.firingFrom - startMs) / MIN, alert: a };
    }
    out = {
      first,
      early: alerts.filter((a) => a.firingFrom < startMs),
      late: endMs === undefined ? undefined : alerts.filter((a) => a.firingFrom - holdOf(side.groups, a.labels) > endMs + side.intervalMs),
      alerts,
      series,
      durationMs: horizon,
      replayMs: 0,
      path: res.path,
    };
    if (first.page && first.ticket) break;
  }
  out!.replayMs = performance.now() - started;
  return out!;
}

// -- promtool -------------------------------------------------------------------------

/**
 * `promtool test rules` evaluates with a query limit of 10,000 samples
 * (promqltest's LazyLoader hard-codes EngineOpts.MaxSamples = 10000; a
 * server's default is 50,000,000), and counts a native histogram sample
 * as (FloatHistogram.Size() + 8) / 16 samples (promql.HPoint.size):
 * 168 bytes of struct, 8 per span and per bucket.
 */
const PROMTOOL_MAX_SAMPLES = 10_000;

/** Samples promtool counts for one native histogram sample of the synthetic input (one span). */
function promtoolHistogramSampleSize(sli: Extract<SliTraffic, { kind: "nativeHistogram" }>): number {
  const { good, bad } = nativeBucketsAround(sli.threshold);
  return Math.floor((168 + 8 + 8 * (bad - good + 1) + 8) / 16);
}

/**
 * For a native histogram SLI: the alerting rules promtool cannot evaluate,
 * because an expression they depend on (transitively) has a range selector
 * on the SLI's histogram series holding more samples than promtool's query
 * limit, at one sample a scrape. The engine counts a range selector's
 * samples while its function runs and releases them after (engine.go's
 * evalCall), so the limit applies to the longest selector, not their sum:
 * Pyrra's rate over [12h48m] passes (769 × 13 = 9,997), over [12h49m]
 * fails. Empty for the other SLI kinds.
 */
export function promtoolInfeasibleAlerts(groups: readonly LoadedRuleGroup[], sli: SliTraffic): LoadedAlertingRule[] {
  if (sli.kind !== "nativeHistogram") return [];
  const perSample = promtoolHistogramSampleSize(sli);
  const byName = new Map<string, Expr[]>();
  for (const g of groups) for (const r of g.rules) if (r.kind === "record") byName.set(r.name, [...(byName.get(r.name) ?? []), r.expr]);
  const nameOf = (node: Extract<Expr, { type: "VectorSelector" }>): string | undefined =>
    node.name ?? node.matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
  /** The most histogram samples any one range selector the rule depends on loads. */
  const worst = (expr: Expr, seen: Set<string>): number => {
    let here = 0;
    let deeper = 0;
    walk(expr, (node: Expr) => {
      if (node.type === "MatrixSelector" && nameOf(node.selector) === sli.metric) {
        here = Math.max(here, (Math.floor(node.range / SCRAPE_MS) + 1) * perSample);
      }
      if (node.type === "VectorSelector") {
        const name = nameOf(node);
        if (name !== undefined && byName.has(name) && !seen.has(name)) {
          seen.add(name);
          for (const e of byName.get(name)!) deeper = Math.max(deeper, worst(e, seen));
        }
      }
    });
    return Math.max(here, deeper);
  };
  return alertRules(groups).filter((r) => worst(r.expr, new Set()) > PROMTOOL_MAX_SAMPLES);
}

/** A promtool duration for ms (whole seconds). */
function promDuration(ms: number): string {
  return `${ms / 1000}s`;
}

export interface PromtoolCheck {
  /** The alert checks written: [eval_time ms, alertname, expected alert count]. */
  checks: Array<[number, string, number]>;
  ok: boolean;
  output: string;
  ms: number;
}

/**
 * Checks first-alert times on promtool: for each first alert, the alerts of
 * its name one evaluation before (it absent) and at its firing time (it
 * present), with the labels and annotations monac's evaluator gives them
 * then. The input is cut at the last check.
 */
export async function checkOnPromtool(c: CompareCase, side: Side, run: SideRun, firsts: readonly FirstAlert[]): Promise<PromtoolCheck> {
  const interval = side.intervalMs;
  const checkTimes = new Map<number, Set<string>>();
  for (const f of firsts) {
    const name = f.alert.labels.alertname!;
    for (const t of [f.alert.firingFrom - interval, f.alert.firingFrom]) {
      if (!checkTimes.has(t)) checkTimes.set(t, new Set());
      checkTimes.get(t)!.add(name);
    }
  }
  const maxT = Math.max(...checkTimes.keys());
  // The snapshots (labels and annotations) monac's evaluator has at those times.
  const input = parseInputSeries({
    index: 0,
    name: "x",
    line: 0,
    interval: SCRAPE_MS,
    inputSeries: run.series.map((s) => ({ ...s, line: 0 })),
    alertRuleTests: [],
    promqlExprTests: [],
    externalLabels: {},
    externalURL: "",
    startTimestamp: 0,
  });
  // Without the alerts promtool cannot evaluate (native histograms over long ranges): checked
  // alerts and the expected alerts at each check time both come from the rules promtool runs.
  const infeasible = new Set(promtoolInfeasibleAlerts(side.groups, c.sli));
  for (const f of firsts) {
    if ([...infeasible].some((r) => r.name === f.alert.labels.alertname && r.labels.every(([k, v]) => /\{\{/.test(v) || f.alert.labels[k] === v))) {
      throw new Error(`${side.tool} ${c.example}/${c.slo}: the first alert ${JSON.stringify(f.alert.labels)} reads more native histogram samples than promtool's limit`);
    }
  }
  if (infeasible.size > 0) {
    const note = `${c.example}/${c.slo}: promtool checks leave out ${side.tool}'s ${[...infeasible].map((r) => `${r.name}{${r.labels.map(([k, v]) => `${k}=${v}`).join(",")}}`).join(", ")}: it reads more native histogram samples in one query than \`promtool test rules\` allows (10,000; a histogram sample counts ${promtoolHistogramSampleSize(c.sli as Extract<SliTraffic, { kind: "nativeHistogram" }>)}).`;
    if (!c.notes.includes(note)) c.notes.push(note);
  }
  const groups = alertingClosure(side.groups.map((g) => ({ ...g, rules: g.rules.filter((r) => !(r.kind === "alert" && infeasible.has(r))) })));
  const res = await evaluate({
    groups,
    input,
    evaluationInterval: interval,
    start: 0,
    maxEvalTime: maxT,
    alertChecks: checkTimes,
    templates: { externalLabels: {}, externalURL: "" },
  });
  const tests: unknown[] = [];
  const checks: PromtoolCheck["checks"] = [];
  for (const [t, names] of [...checkTimes.entries()].sort((a, b) => a[0] - b[0])) {
    for (const name of names) {
      const firing = res.alerts.get(t)?.get(name)?.firing ?? [];
      const exp = firing.map((a) => {
        const labels: Record<string, string> = {};
        for (const [k, v] of a.labels.entries()) if (k !== "alertname") labels[k] = v;
        const annotations: Record<string, string> = {};
        for (const [k, v] of a.annotations.entries()) annotations[k] = v;
        return Object.keys(annotations).length > 0 ? { exp_labels: labels, exp_annotations: annotations } : { exp_labels: labels };
      });
      checks.push([t, name, exp.length]);
      tests.push({ eval_time: promDuration(t), alertname: name, exp_alerts: exp });
    }
  }
  // Consistency with the replay: absent one evaluation before, present at the firing time.
  for (const f of firsts) {
    const name = f.alert.labels.alertname!;
    const has = (t: number) =>
      (res.alerts.get(t)?.get(name)?.firing ?? []).some((a) => Object.entries(f.alert.labels).every(([k, v]) => a.labels.get(k) === v));
    if (has(f.alert.firingFrom - interval) || !has(f.alert.firingFrom)) {
      throw new Error(`${side.tool} ${c.example}/${c.slo}: the evaluator's alert snapshots disagree with the replay at ${f.alert.firingFrom / MIN}m`);
    }
  }
  const cut = Math.floor(maxT / SCRAPE_MS) + 1;
  const series = run.series.map((s) => ({ series: s.series, values: truncate(s.values, cut) }));
  const file = {
    rule_files: ["rules.yaml"],
    evaluation_interval: promDuration(interval),
    // Without it promtool evaluates the groups in random (Go map) order each step, so an alert
    // group may read the previous step's recordings (Sloth's alerts and recordings are separate
    // groups); monac's evaluator, like the replay, takes them in file order.
    group_eval_order: groups.map((g) => g.name),
    tests: [{ name: `${c.example}/${c.slo} ${side.tool}`, interval: promDuration(SCRAPE_MS), input_series: series, alert_rule_test: tests }],
  };
  const dir = mkdtempSync(path.join(tmpdir(), "monac-detection-"));
  const started = performance.now();
  try {
    writeFileSync(path.join(dir, "rules.yaml"), ruleFileOf(groups));
    writeFileSync(path.join(dir, "test.yaml"), stringifyYaml(file, { lineWidth: 0 }));
    const r = await runTool("promtool", ["test", "rules", "test.yaml"], { cwd: dir, timeoutMs: 120_000 });
    return { checks, ok: r.code === 0, output: `${r.stdout}${r.stderr}`, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first `n` samples of a series in notation (float or native histogram items). */
export function truncate(values: string, n: number): string {
  const items: string[] = [];
  let left = n;
  for (const item of seriesItems(values)) {
    if (left <= 0) break;
    const m = /^(\{\{[^}]*\}\})\+(\{\{[^}]*\}\})x(\d+)$/.exec(item) ?? /^(.+?)\+(.+)x(\d+)$/.exec(item);
    if (!m) {
      items.push(item);
      left--;
      continue;
    }
    const count = Number(m[3]) + 1;
    if (count <= left) {
      items.push(item);
      left -= count;
    } else {
      items.push(left === 1 ? m[1]! : `${m[1]}+${m[2]}x${left - 1}`);
      left = 0;
    }
  }
  return items.join(" ");
}

// -- severities of each tool -----------------------------------------------------------

export const SEVERITY_OF: Record<ToolName, (labels: Record<string, string>) => Severity | undefined> = {
  Sloth: (l) => (l.sloth_severity === "page" ? "page" : l.sloth_severity === "ticket" ? "ticket" : undefined),
  Pyrra: (l) => (l.severity === "critical" ? "page" : l.severity === "warning" ? "ticket" : undefined),
  monac: (l) => (l.severity === "critical" ? "page" : l.severity === "warning" ? "ticket" : undefined),
};

/** The evaluation interval of rule groups: the groups' own (the largest if they differ), or the default. */
export function groupInterval(groups: readonly LoadedRuleGroup[], defaultMs: number): number {
  const set = groups.map((g) => g.interval).filter((i) => i > 0);
  return set.length === 0 ? defaultMs : Math.max(...set);
}

// -- formatting ------------------------------------------------------------------------

export function fmtMinutes(min: number | undefined): string {
  if (min === undefined) return "—";
  const m = Number(min.toFixed(2));
  if (m < 120) return `${m}`;
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  const span = d > 0 ? `${d}d${h % 24}h${Math.round(m % 60)}m` : `${h}h${Math.round(m % 60)}m`;
  return `${m} (${span})`;
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
