// Generated rule tests for SLOs, with expectations from the SRE workbook —
// not from monac's own rules.
//
// Each scenario is a traffic profile (steady requests, an error ratio that
// changes at given times). What must be firing when is computed from the
// workbook's definition of the alert alone: a tier is active while the error
// ratio over both its windows exceeds factor × budget, so a steady incident
// at error ratio E trips it t = (1 − SLO) / E × long window × factor after
// it starts, and it clears once its short window holds no more errors. The
// generated checks:
//
// - per tier, an incident at the tier's factor plus a margin: nothing fires
//   one evaluation before the workbook time, the tier's severity fires by
//   the workbook time rounded up to the next evaluation plus one evaluation
//   (plus any `for`), and it has resolved one evaluation after the incident
//   left its short window;
// - a 5-minute and a 10-minute full outage: what fires, fires during the
//   outage, and each alert resolves once the outage leaves its short windows;
// - a burn at half the slowest tier's factor fires nothing;
// - no data fires SLINoData after its `for`.
//
// A check is only written where the answer is the same whether windows are
// exact, one sample shorter (how increase() samples a window) or lead by half
// an evaluation (the de-lagged counts): near a threshold crossing the answer
// is a coin toss. The expected annotations need the alert's $value; that is
// the one thing taken from running the rules (on monac's engine), and a
// check where the engine disagrees with the workbook is kept as the workbook
// says, so the test fails.
//
// The input is scraped as Prometheus would scrape it, independently of rule
// evaluation: every `sampleMs` (see sampleIntervalMs), never less often than
// once a minute. At a 5m evaluation interval one sample per evaluation would
// leave increase(x[5m]) a single sample, and nothing to count (issue 16).
import { Decimal } from "../../workspace/decimal.js";
import { formatDuration } from "../../workspace/duration.js";
import type { Severity } from "../../workspace/schema.js";
import type { SloModel, TierModel } from "../../workspace/model.js";
import { expectedAlert } from "./expected-alert.js";
import { newGenerationContext, type GenerationContext } from "./generation-context.js";
import { burnRateAlerts, noDataAlerts, severityTiers, SLO_METRICS, sloRuleGroup, windowSource } from "../slo-rules.js";
import { parseVectorSelector } from "../../promql/syntax.js";
import { parsePromQL, type Expr } from "../../promql/index.js";
import type { AlertingRule } from "../rules.js";
import { counterValues, nativeCounterValues, nativeLayout, seriesText, type AlertRuleTest, type ExpectedAlert, type InputSeries, type RuleTestGroup } from "./rule-test-file.js";
import { labelsMatching, matches, selectorMatchers, variantAvoiding, type Selector } from "./synthetic-labels.js";
import { alertExprValue, buildPlan, evaluate, ruleGroupsFromData, testFileFromData, type LoadedAlertingRule } from "../../ruletest/index.js";

const MINUTE = 60_000;
const FIVE_MINUTES = 5 * MINUTE;
/** Incidents burn this much faster than a tier's factor; the first whose checks are all unambiguous is used. */
const MARGINS = ["1.1", "1.15", "1.2", "1.25", "1.3", "1.4", "1.5"].map((m) => Decimal.of(m));
/** Full outages that must not page after they end. */
const OUTAGES_MS = [5 * MINUTE, 10 * MINUTE];
/** Counter values must stay exact in float64. */
const MAX_COUNTER = 2 ** 52;
/** The longest synthetic scrape interval: real scrapes are 15s to 1m apart, whatever the rules' interval. */
const MAX_SAMPLE_MS = MINUTE;

/**
 * The synthetic scrape interval for an evaluation step: the largest divisor
 * of the step that is at most a minute (1m at 1m and 5m, 30s at 30s, 50s at
 * 2m30s), so that every evaluation falls on a sample and windows that are
 * multiples of the step hold whole samples.
 */
export function sampleIntervalMs(stepMs: number): number {
  for (let k = 1; k <= stepMs; k++) if (stepMs % k === 0 && stepMs / k <= MAX_SAMPLE_MS) return stepMs / k;
  return stepMs;
}

export interface SloTests {
  groups: RuleTestGroup[];
  /** Why some or all tests could not be generated, for the file's header. */
  notes: string[];
}

/** `ctx` is the build's (see ruleTestArtifacts); without one, nothing is shared with other calls. */
export async function sloTests(slo: SloModel, ctx: GenerationContext = newGenerationContext()): Promise<SloTests> {
  const notes: string[] = [];
  const groups: RuleTestGroup[] = [];
  const noData = await noDataGroup(ctx, slo);
  const tiers = slo.alerting.enabled ? slo.alerting.tiers : [];
  if (tiers.length > 0) {
    const traffic = trafficModel(slo);
    if (typeof traffic === "string") {
      notes.push(`${slo.name}: no burn-rate tests: ${traffic}`);
    } else {
      const config = configKey(slo);
      const plans = memo(ctx.sloPlans, config, () => planScenarios(slo));
      for (const p of plans) if (typeof p === "string") notes.push(`${slo.name} ${p}`);
      const ready = plans.filter((p): p is Plan => typeof p !== "string");
      const values = await engineValues(ctx, slo, config, ready, traffic);
      notes.push(...values.notes.map((n) => `${slo.name}: ${n}`));
      const rules = burnRateAlerts(slo);
      for (const [k, plan] of ready.entries()) groups.push(await planGroup(ctx, slo, plan, traffic, rules, values.perPlan[k]!));
    }
  }
  if (noData) groups.push(noData);
  return { groups, notes };
}

// ----------------------------------------------------------------- traffic

/** A stretch of `samples` input samples, each adding `total` events of which `bad` failed. */
interface Segment {
  samples: number;
  total: number;
  bad: number;
}

/** How to produce an SLI's input series from per-sample event counts. */
interface TrafficModel {
  /** Tells apart SLIs whose rules compute the same numbers from the same traffic (see engineValues). */
  shape: string;
  series(segments: readonly Segment[], startValue: number): InputSeries[];
}

function trafficModel(slo: SloModel): TrafficModel | string {
  const sli = slo.sli;
  switch (sli.kind) {
    case "ratio": {
      const total = selectorOf(sli.total);
      const part = selectorOf(sli.errors ?? sli.good!);
      if (!total || !part) return "the SLI is written as an expression; test it by hand in test/rules/";
      return ratioTraffic(part, total, sli.errors !== undefined);
    }
    case "latency": {
      const base = labelsMatching(sli.matchers);
      if (!base) return "no label values satisfy the histogram's matchers";
      if (sli.native) {
        const layout = nativeLayout(sli.thresholdSeconds.toNumber());
        const series = seriesText({ ...base, __name__: sli.metric });
        return {
          shape: "latency-native",
          series: (segments, start) => [
            {
              series,
              values: memoValues(segments, `native ${layout.fast} ${layout.slow} ${start}`, () =>
                nativeCounterValues(layout, segments.map((s) => ({ samples: s.samples, fast: s.total - s.bad, slow: s.bad })), start),
              ),
            },
          ],
        };
      }
      const le = sli.thresholdSeconds.toString();
      const fast = seriesText({ ...base, __name__: `${sli.metric}_bucket`, le });
      const all = seriesText({ ...base, __name__: `${sli.metric}_bucket`, le: "+Inf" });
      const count = seriesText({ ...base, __name__: `${sli.metric}_count` });
      return {
        shape: "latency",
        series: (segments, start) => [
          { series: fast, values: counter(segments, start, goodEvents) },
          { series: all, values: counter(segments, start, allEvents) },
          { series: count, values: counter(segments, start, allEvents) },
        ],
      };
    }
    case "boolGauge":
      return "boolGauge SLIs sample one event per scrape; their burn rates are not reproducible at a fixed factor";
    case "raw":
      return "raw SLIs are arbitrary expressions; test them by hand in test/rules/";
  }
}

function selectorOf(countTemplate: string): Selector | undefined {
  // Count templates of selectors are `increase(<selector>[$window])`.
  const m = /^increase\(([\s\S]*)\[\$window\]\)$/.exec(countTemplate);
  return m ? parseVectorSelector(m[1]!) : undefined;
}

/**
 * A ratio SLI: `part` counts the failing (or good) events, `total` all of
 * them. When the part's series are also total's, the rest of the traffic
 * goes to a sibling series total matches and the part does not (code="200"
 * next to code=~"5.."); when they are different metrics, total's series
 * carries everything.
 */
function ratioTraffic(part: Selector, total: Selector, partIsErrors: boolean): TrafficModel | string {
  const partMatchers = selectorMatchers(part);
  const totalMatchers = selectorMatchers(total);
  const partLabels = labelsMatching([...partMatchers, ...totalMatchers]) ?? labelsMatching(partMatchers);
  if (!partLabels) return "no label values satisfy the SLI's selectors";
  const partRate = partIsErrors ? badEvents : goodEvents;
  const side = partIsErrors ? "errors" : "good";
  const partSeries = seriesText(partLabels);
  if (matches(partLabels, totalMatchers)) {
    const rest = variantAvoiding(partLabels, totalMatchers, partMatchers);
    if (!rest) return "cannot find a series the total selector matches and the other selector does not";
    const restSeries = seriesText(rest);
    return {
      shape: `ratio-split-${side}`,
      series: (segments, start) => [
        { series: partSeries, values: counter(segments, start, partRate) },
        { series: restSeries, values: counter(segments, start, partIsErrors ? goodEvents : badEvents) },
      ],
    };
  }
  const totalLabels = labelsMatching(totalMatchers);
  if (!totalLabels || matches(totalLabels, partMatchers)) return "cannot separate the SLI's series";
  const totalSeries = seriesText(totalLabels);
  return {
    shape: `ratio-separate-${side}`,
    series: (segments, start) => [
      { series: partSeries, values: counter(segments, start, partRate) },
      { series: totalSeries, values: counter(segments, start, allEvents) },
    ],
  };
}

// Events per sample of a segment, by kind: the counters an SLI's series count.
const badEvents = (s: Segment) => s.bad;
const goodEvents = (s: Segment) => s.total - s.bad;
const allEvents = (s: Segment) => s.total;
const COUNTED = new Map([
  [badEvents, "bad"],
  [goodEvents, "good"],
  [allEvents, "all"],
]);

/**
 * Counters start well above zero: increase() does not extrapolate a window
 * back past a counter's zero, so a failure counter sitting at 0 before an
 * incident would make every window's error ratio read low.
 */
function counter(segments: readonly Segment[], start: number, perSample: typeof badEvents): string {
  return memoValues(segments, `${COUNTED.get(perSample)} ${start}`, () => counterValues(segments.map((s) => ({ samples: s.samples, increment: perSample(s) })), start));
}

// The values texts of a plan's segments (see segmentsOf), by what they count:
// SLOs with the same numbers share plans, and write the same values under
// their own series. Kept as long as the plan is.
const valuesBySegments = new WeakMap<readonly Segment[], Map<string, string>>();

function memoValues(segments: readonly Segment[], key: string, make: () => string): string {
  let table = valuesBySegments.get(segments);
  if (table === undefined) valuesBySegments.set(segments, (table = new Map()));
  return memo(table, key, make);
}

// ---------------------------------------------------------- the workbook

/**
 * Traffic of a scenario: `perSample` events every `sampleMs` (one input
 * sample each), a failing share that steps at given times; the rules are
 * evaluated every `stepMs`, a multiple of `sampleMs`.
 */
interface Profile {
  /** The evaluation interval: checks, `for`, `keep_firing_for` and the de-lagged counts step by it. */
  stepMs: number;
  /** The synthetic scrape interval: the input series' `interval` (sampleIntervalMs of stepMs). */
  sampleMs: number;
  perSample: number;
  /** Error ratio from `fromMs` (exclusive) until the next step; the first starts at 0. */
  steps: { fromMs: number; ratio: Decimal }[];
  endMs: number;
}

/** How a window is read: exactly, one sample (scrape) short at its start (increase()), or half an evaluation interval ahead (de-lagged counts). */
type WindowReading = "exact" | "sampled" | "leading";

/** Failed and all events in (from, to] of the profile, as fractions of perSample per ms. */
function eventsIn(p: Profile, fromMs: number, toMs: number): { errors: number; total: number } {
  const from = Math.max(0, fromMs);
  const to = Math.min(p.endMs, toMs);
  if (to <= from) return { errors: 0, total: 0 };
  let errors = 0;
  p.steps.forEach((s, k) => {
    const end = k + 1 < p.steps.length ? p.steps[k + 1]!.fromMs : Infinity;
    const overlap = Math.min(end, to) - Math.max(s.fromMs, from);
    if (overlap > 0) errors += overlap * s.ratio.toNumber();
  });
  return { errors, total: to - from };
}

function windowRatio(p: Profile, tMs: number, windowMs: number, reading: WindowReading): number | undefined {
  let ev: { errors: number; total: number };
  if (reading === "exact") ev = eventsIn(p, tMs - windowMs, tMs);
  else if (reading === "sampled") ev = eventsIn(p, tMs - windowMs + p.sampleMs, tMs);
  else {
    // The de-lagged counts extrapolate the last five minutes' rate half an evaluation interval ahead, and drop as much at the tail.
    const lead = p.stepMs / 2;
    const body = eventsIn(p, tMs - windowMs + lead, tMs);
    const head = eventsIn(p, tMs - FIVE_MINUTES, tMs);
    const scale = head.total > 0 ? lead / head.total : 0;
    ev = { errors: body.errors + head.errors * scale, total: body.total + head.total * scale };
  }
  return ev.total > 0 ? ev.errors / ev.total : undefined;
}

/** Whether a tier's condition holds at t, per the workbook, with windows read one way. */
function tierActive(slo: SloModel, tier: TierModel, p: Profile, tMs: number, readings: (windowMs: number) => WindowReading): boolean {
  const threshold = tier.factor.times(slo.errorBudget).toNumber();
  for (const w of [tier.longWindowMs, tier.shortWindowMs]) {
    const r = windowRatio(p, tMs, w, readings(w));
    if (r === undefined || !(r > threshold)) return false;
  }
  const min = slo.alerting.minEvents;
  if (min !== undefined && (Math.min(tier.longWindowMs, tMs) / p.sampleMs) * p.perSample < min) return false;
  return true;
}

/** The severities whose alert fires at t (an evaluation time), honouring `for` and `keep_firing_for`. */
function firingAt(slo: SloModel, p: Profile, tMs: number, readings: (windowMs: number) => WindowReading): Severity[] {
  const out: Severity[] = [];
  for (const tiers of severityTiers(slo)) {
    const { forMs, keepFiringForMs, severity } = tiers[0]!;
    const active = (t: number) => t >= 0 && tiers.some((tier) => tierActive(slo, tier, p, t, readings));
    // Firing at t: active at every evaluation of the last `for`; kept firing while that held within keep_firing_for.
    const firingRaw = (t: number) => {
      for (let u = t - forMs; u <= t; u += p.stepMs) if (!active(u)) return false;
      return true;
    };
    let firing = false;
    for (let u = tMs - keepFiringForMs; u <= tMs && !firing; u += p.stepMs) firing = u >= forMs && firingRaw(u);
    if (firing) out.push(severity);
  }
  return out;
}

/** The workbook's answer at t, or undefined when reading the windows another plausible way changes it. */
function robustFiring(slo: SloModel, p: Profile, tMs: number): Severity[] | undefined {
  const exact = firingAt(slo, p, tMs, () => "exact");
  const sampled = firingAt(slo, p, tMs, () => "sampled");
  const asRules = firingAt(slo, p, tMs, (w) => (windowSource(slo, w) === "intervalCounts" ? "leading" : "sampled"));
  const key = (s: Severity[]) => s.join(",");
  return key(exact) === key(sampled) && key(exact) === key(asRules) ? exact : undefined;
}

// ---------------------------------------------------------------- plans

interface Check {
  atMs: number;
  firing: Severity[];
}

export interface Plan {
  title: string;
  profile: Profile;
  checks: Check[];
}

// Plans depend only on an SLO's numbers, not on its metrics: SLOs with the
// same objective, period, tiers and interval share them (in the build's context).
function configKey(slo: SloModel): string {
  return JSON.stringify([
    slo.errorBudget.toString(),
    slo.periodMs,
    slo.evaluationIntervalMs,
    slo.alerting.minEvents ?? 0,
    slo.alerting.tiers.map((t) => [t.name, t.longWindowMs, t.shortWindowMs, t.factor.toString(), t.severity, t.forMs, t.keepFiringForMs]),
  ]);
}

function memo<T>(table: Map<string, T>, key: string, make: () => T): T {
  let hit = table.get(key);
  if (hit === undefined) {
    hit = make();
    table.set(key, hit);
  }
  return hit;
}

function planScenarios(slo: SloModel): (Plan | string)[] {
  const plans: (Plan | string)[] = [];
  for (const tier of slo.alerting.tiers) plans.push(tierPlan(slo, tier) ?? `${tier.name}: not generated: no margin over the factor gives unambiguous checks`);
  for (const outage of OUTAGES_MS) plans.push(outagePlan(slo, outage) ?? `${formatDuration(outage)} outage: not generated: no unambiguous checks`);
  plans.push(quietPlan(slo));
  return plans;
}

const ceilTo = (t: number, step: number) => Math.ceil(t / step - 1e-9) * step;
const floorTo = (t: number, step: number) => Math.floor(t / step + 1e-9) * step;

/**
 * Healthy history before an incident: long enough to fill the windows the
 * scenario is about, so the workbook's arithmetic holds for them, and no
 * longer, since promtool evaluates every rule of the file at every step.
 * Slower tiers then see partly filled windows, as they would after a deploy;
 * the model reads those the same way.
 */
function historyMs(slo: SloModel, windowMs: number): number {
  return ceilTo(windowMs, slo.evaluationIntervalMs);
}

/** Events per sample making every failing share a whole number, or undefined. */
function perSampleFor(ratios: Decimal[]): number | undefined {
  for (let digits = 2; digits <= 12; digits++) {
    const scale = 10 ** digits;
    if (ratios.every((r) => { const bad = r.times(Decimal.of(scale)); return bad.terminates && Number.isInteger(bad.toNumber()); })) return scale;
  }
  return undefined;
}

/** The first check time from `t` on (stepping by evaluations, at most `tries`) with an unambiguous answer. */
function firstRobust(slo: SloModel, p: Profile, t: number, tries: number): Check | undefined {
  for (let k = 0; k < tries; k++) {
    const at = t + k * p.stepMs;
    if (at > p.endMs) return undefined;
    const firing = robustFiring(slo, p, at);
    if (firing) return { atMs: at, firing };
  }
  return undefined;
}

/**
 * When the workbook has a severity's alert resolved after errors stop at
 * `endMs`: one evaluation after the incident left the short window of each of
 * its tiers that was active when it ended (plus keep_firing_for).
 */
function resolveBy(slo: SloModel, p: Profile, endMs: number, severity: Severity): number {
  let latest = endMs;
  for (const t of slo.alerting.tiers) {
    if (t.severity !== severity) continue;
    if (tierActive(slo, t, p, endMs, () => "exact") || tierActive(slo, t, p, endMs, () => "sampled")) {
      latest = Math.max(latest, endMs + t.shortWindowMs + p.stepMs + t.keepFiringForMs);
    }
  }
  return latest;
}

/** Checks after errors stop at `endMs`: each firing severity has resolved when the workbook says; undefined if one is ambiguous. */
function resolutionChecks(slo: SloModel, p: Profile, endMs: number, firing: Severity[]): Check[] | undefined {
  const checks: Check[] = [];
  const times = [...new Set(firing.map((s) => resolveBy(slo, p, endMs, s)))].sort((a, b) => a - b);
  for (const t of times) {
    const c = firstRobust(slo, p, t, 5);
    if (!c) return undefined;
    const due = firing.filter((s) => resolveBy(slo, p, endMs, s) <= t);
    // Nothing the workbook has resolved by now fires.
    if (c.firing.some((s) => due.includes(s))) return undefined;
    if (checks.every((k) => k.atMs !== c.atMs)) checks.push(c);
  }
  return checks;
}

function tierPlan(slo: SloModel, tier: TierModel): Plan | undefined {
  const step = slo.evaluationIntervalMs;
  const sample = sampleIntervalMs(step);
  const threshold = tier.factor.times(slo.errorBudget);
  for (const margin of MARGINS) {
    const ratio = threshold.times(margin);
    if (ratio.cmp(Decimal.of(1)) >= 0) return undefined;
    const perSample = perSampleFor([ratio]);
    if (perSample === undefined) return undefined;
    // Every window of the tier's severity full: with less history a slower tier of the same alert trips early.
    const start = historyMs(slo, Math.max(...slo.alerting.tiers.filter((t) => t.severity === tier.severity).map((t) => t.longWindowMs)));
    // The workbook: t = (1 − SLO) / E × long window × factor.
    const detectMs = slo.errorBudget.div(ratio).times(Decimal.of(tier.longWindowMs)).times(tier.factor).round(3).toNumber();
    const firesBy = ceilTo(start + detectMs, step) + step + tier.forMs;
    const quietUntil = floorTo(start + detectMs - step, step);
    // The incident lasts until the check that it fired, then traffic is healthy again.
    const severity = tier.severity;
    const tail = Math.max(...slo.alerting.tiers.map((t) => t.shortWindowMs + t.keepFiringForMs)) + 20 * step;
    const profile: Profile = { stepMs: step, sampleMs: sample, perSample, steps: [{ fromMs: 0, ratio: Decimal.of(0) }, { fromMs: start, ratio }, { fromMs: firesBy, ratio: Decimal.of(0) }], endMs: firesBy + tail };
    if ((profile.endMs / sample) * perSample * 2 > MAX_COUNTER) return undefined;
    const fired = robustFiring(slo, profile, firesBy);
    if (!fired || !fired.includes(severity)) continue;
    const checks: Check[] = [];
    if (quietUntil > start) {
      const before = robustFiring(slo, profile, quietUntil);
      if (!before || before.includes(severity)) continue;
      checks.push({ atMs: quietUntil, firing: before });
    }
    checks.push({ atMs: firesBy, firing: fired });
    // The alert resolves once the incident has left the short windows of its
    // tiers. Checked for this tier's severity only: waiting for every other
    // alert to resolve too would add hours of evaluations to every promtool run.
    const resolved = resolutionChecks(slo, profile, firesBy, [severity]);
    if (!resolved) continue;
    checks.push(...resolved);
    profile.endMs = checks[checks.length - 1]!.atMs;
    const pageResolved = resolved[resolved.length - 1]!;
    return {
      title:
        `${tier.name}: burning ${tier.factor.times(margin)}x the budget after ${formatDuration(start)} of healthy traffic fires ${severity} by ` +
        `${formatDuration(firesBy - start)} (workbook: ${formatMinutes(detectMs)}), not before ${formatDuration(Math.max(0, quietUntil - start))}, ` +
        `and resolves ${formatDuration(pageResolved.atMs - firesBy)} after it ends`,
      profile,
      checks,
    };
  }
  return undefined;
}

function outagePlan(slo: SloModel, outageMs: number): Plan | undefined {
  const step = slo.evaluationIntervalMs;
  // The windows of the most severe alert full (the fastest tier's severity); slower ones see what history there is.
  const first = slo.alerting.tiers[0]!.severity;
  const start = historyMs(slo, Math.max(...slo.alerting.tiers.filter((t) => t.severity === first).map((t) => t.longWindowMs)));
  const end = start + outageMs;
  const tail = Math.max(...slo.alerting.tiers.map((t) => t.shortWindowMs + t.keepFiringForMs)) + 20 * step;
  const profile: Profile = { stepMs: step, sampleMs: sampleIntervalMs(step), perSample: 100, steps: [{ fromMs: 0, ratio: Decimal.of(0) }, { fromMs: start, ratio: Decimal.of(1) }, { fromMs: end, ratio: Decimal.of(0) }], endMs: end + tail };
  const during = firstRobust(slo, profile, end, 1);
  if (!during) return undefined;
  // After the outage: when an alert still pending at the end would start
  // firing (only with a `for`), and when each one resolves.
  const pending = new Set<Severity>(slo.alerting.tiers.filter((t) => tierActive(slo, t, profile, end, () => "exact")).map((t) => t.severity));
  const times = new Set<number>();
  for (const tiers of severityTiers(slo)) {
    const { severity, forMs } = tiers[0]!;
    if (!pending.has(severity) && !during.firing.includes(severity)) continue;
    if (forMs > 0) times.add(end + forMs + step);
    times.add(resolveBy(slo, profile, end, severity));
  }
  const checks: Check[] = [during];
  for (const t of [...times].sort((x, y) => x - y)) {
    const c = firstRobust(slo, profile, t, 5);
    if (!c) return undefined;
    if (checks.every((k) => k.atMs !== c.atMs)) checks.push(c);
  }
  const started = [...new Set(checks.slice(1).flatMap((c) => c.firing.filter((s) => !during.firing.includes(s))))];
  // Without a `for` the workbook never starts an alert after the outage; a check saying otherwise would be a modelling error.
  if (started.length > 0 && slo.alerting.tiers.every((t) => t.forMs === 0)) return undefined;
  profile.endMs = checks[checks.length - 1]!.atMs;
  const fires = during.firing.length ? `fires ${during.firing.join(" and ")} during it` : "fires nothing";
  const after = started.length ? `${started.join(" and ")} starts after it ends (held back by \`for\`)` : "nothing starts after it ends";
  return {
    title: `a ${formatDuration(outageMs)} full outage after ${formatDuration(start)} of healthy traffic ${fires}, and ${after}`,
    profile,
    checks,
  };
}

function quietPlan(slo: SloModel): Plan | string {
  const step = slo.evaluationIntervalMs;
  const tiers = slo.alerting.tiers;
  const slowest = tiers.reduce((a, b) => (a.factor.cmp(b.factor) <= 0 ? a : b));
  const burn = slowest.factor.times(Decimal.of("0.5"));
  const ratio = burn.times(slo.errorBudget);
  const perSample = perSampleFor([ratio]);
  if (perSample === undefined) return "quiet traffic: not generated: the burn rate needs too many decimal places for exact counters";
  const times = [...new Set(tiers.map((t) => ceilTo(t.longWindowMs + t.forMs, step)))].sort((a, b) => a - b);
  const endMs = times[times.length - 1]!;
  const profile: Profile = { stepMs: step, sampleMs: sampleIntervalMs(step), perSample, steps: [{ fromMs: 0, ratio }], endMs };
  const checks = times.map((atMs) => ({ atMs, firing: robustFiring(slo, profile, atMs) }));
  if (checks.some((c) => c.firing === undefined || c.firing.length > 0)) return "quiet traffic: not generated: a tier fires even at half the slowest burn rate";
  return { title: `burning ${burn}x the budget (half the slowest tier) fires nothing`, profile, checks: checks as Check[] };
}

function formatMinutes(ms: number): string {
  const min = ms / MINUTE;
  return `${Number.isInteger(min) ? min : min.toFixed(2)}m`;
}

// ------------------------------------------------------------ test groups

// A plan's profile does not change once made: its segments are worked out once.
const segmentsByProfile = new WeakMap<Profile, Segment[]>();

function segmentsOf(p: Profile): Segment[] {
  let known = segmentsByProfile.get(p);
  if (known === undefined) segmentsByProfile.set(p, (known = profileSegments(p)));
  return known;
}

function profileSegments(p: Profile): Segment[] {
  const segments: Segment[] = [];
  p.steps.forEach((s, k) => {
    const end = Math.min(k + 1 < p.steps.length ? p.steps[k + 1]!.fromMs : Infinity, p.endMs);
    const samples = Math.round((end - s.fromMs) / p.sampleMs);
    if (samples > 0) segments.push({ samples, total: p.perSample, bad: s.ratio.times(Decimal.of(p.perSample)).toNumber() });
  });
  return segments;
}

function inputSeries(p: Profile, traffic: TrafficModel): InputSeries[] {
  return traffic.series(segmentsOf(p), 10 * p.perSample);
}

/** Per check, the $value of each severity's alert as monac's engine computes it (undefined: not firing there). */
type CheckValues = Map<number, Map<Severity, number>>;

export interface EngineValues {
  perPlan: CheckValues[];
  notes: string[];
}

/**
 * Runs the SLO's own rules over every plan's input on monac's engine, and
 * reads the value of each alert at each check. SLOs with the same numbers
 * (`config`, their configKey) and the same SLI shape compute the same values,
 * so they share one run.
 */
function engineValues(ctx: GenerationContext, slo: SloModel, config: string, plans: Plan[], traffic: TrafficModel): Promise<EngineValues> {
  const key = `${config}\u0000${traffic.shape}\u0000${slo.alerting.minEvents ?? ""}`;
  return memo(ctx.sloValues, key, () => runPlans(slo, plans, traffic));
}

async function runPlans(slo: SloModel, plans: Plan[], traffic: TrafficModel): Promise<EngineValues> {
  const file = "generated.rules.yaml";
  // Only what the alerts read: the period, budget and info series cost a
  // 30-day subquery per step and feed no alert.
  const full = sloRuleGroup(slo);
  const unread = new Set<string>([SLO_METRICS.errorRatioPeriod, SLO_METRICS.sliPeriod, SLO_METRICS.budgetRemaining, SLO_METRICS.burnRate, SLO_METRICS.objective, SLO_METRICS.info]);
  const group = { ...full, rules: full.rules.filter((r) => !("record" in r) || !unread.has(r.record)) };
  const ruleGroups = ruleGroupsFromData(file, [group]);
  const alerts = burnRateAlerts(slo);
  // The alerts are rules of the group: their expressions are parsed already.
  const loadedRules = ruleGroups.flatMap((g) => g.rules);
  const loadedAlerts = alerts.map((r) => loadedRules.find((l): l is LoadedAlertingRule => l.kind === "alert" && l.exprText === r.expr));
  const alertExprs: Expr[] = alerts.map((r, i) => loadedAlerts[i]?.expr ?? parsePromQL(r.expr));
  const notes: string[] = [];
  const perPlan: CheckValues[] = [];
  for (const plan of plans) {
    const alertname = alerts[0]!.alert;
    const group: RuleTestGroup = {
      name: plan.title,
      interval: formatDuration(plan.profile.sampleMs),
      input_series: inputSeries(plan.profile, traffic),
      alert_rule_test: plan.checks.map((c) => ({ eval_time: formatDuration(c.atMs), alertname, exp_alerts: [] })),
    };
    const testFile = testFileFromData("generated.test.yaml", { rule_files: [file], evaluation_interval: formatDuration(plan.profile.stepMs), tests: [group] });
    const evalPlan = buildPlan(testFile, testFile.tests[0]!, ruleGroups);
    // What is read below: each alert's expression at its checks (and back over keep_firing_for); the rules are evaluated only where that looks.
    evalPlan.reads = plan.checks.flatMap((c) =>
      alerts.flatMap((rule, i) => {
        const keep = slo.alerting.tiers.find((t) => t.severity === rule.labels.severity)?.keepFiringForMs ?? 0;
        const times: number[] = [];
        for (let t = c.atMs; t >= c.atMs - keep; t -= plan.profile.stepMs) times.push(t);
        return times.map((time) => ({ expr: alertExprs[i]!, time }));
      }),
    );
    // The alert expressions' values at the checks, where the rules' evaluation computed them already.
    evalPlan.keepAlertSteps = true;
    const res = await evaluate(evalPlan);
    const values: CheckValues = new Map();
    for (const check of plan.checks) {
      const perSeverity = new Map<Severity, number>();
      const firing = res.alerts.get(check.atMs)?.get(alertname)?.firing ?? [];
      for (const a of firing) {
        const severity = a.labels.get("severity") as Severity;
        const rule = alerts.find((r) => r.labels.severity === severity)!;
        // An alert kept firing by keep_firing_for shows the value of the last evaluation its condition held.
        const keep = slo.alerting.tiers.find((t) => t.severity === severity)?.keepFiringForMs ?? 0;
        for (let t = check.atMs; t >= check.atMs - keep; t -= plan.profile.stepMs) {
          const i = alerts.indexOf(rule);
          const loaded = loadedAlerts[i];
          const known = loaded === undefined ? undefined : alertExprValue(res, loaded, t);
          let v: number | undefined;
          if (known !== undefined) v = known.value;
          else {
            const result = res.engine.instantQuery(alertExprs[i]!, t).value;
            v = result.type === "vector" ? result.samples[0]?.v : undefined;
          }
          if (v !== undefined) {
            perSeverity.set(severity, v);
            break;
          }
        }
      }
      const got = [...perSeverity.keys()].sort().join(",");
      const want = [...check.firing].sort().join(",");
      if (got !== want) {
        notes.push(`WARNING: at ${formatDuration(check.atMs)} of "${plan.title}" the rules fire [${got}] where the workbook says [${want}]; the check below keeps the workbook's answer and fails`);
      }
      values.set(check.atMs, perSeverity);
    }
    perPlan.push(values);
  }
  return { perPlan, notes };
}

async function planGroup(ctx: GenerationContext, slo: SloModel, plan: Plan, traffic: TrafficModel, rules: AlertingRule[], values: CheckValues): Promise<RuleTestGroup> {
  const labels = { service: slo.service, slo: slo.name };
  const checks: AlertRuleTest[] = [];
  for (const check of plan.checks) {
    const exp: ExpectedAlert[] = [];
    for (const severity of check.firing) {
      const rule = rules.find((r) => r.labels.severity === severity)!;
      // Where the rules do not fire although the workbook says they should, the burn rate the workbook implies stands in.
      const value = values.get(check.atMs)?.get(severity) ?? Number.NaN;
      exp.push(await expectedAlert(ctx, rule, labels, value, check.atMs));
    }
    checks.push({ eval_time: formatDuration(check.atMs), alertname: rules[0]!.alert, exp_alerts: exp });
  }
  return {
    name: `${slo.service}/${slo.name}: ${plan.title}`,
    interval: formatDuration(plan.profile.sampleMs),
    input_series: inputSeries(plan.profile, traffic),
    alert_rule_test: checks,
  };
}

async function noDataGroup(ctx: GenerationContext, slo: SloModel): Promise<RuleTestGroup | undefined> {
  const [rule] = noDataAlerts(slo);
  if (!rule || slo.sli.kind === "raw") return undefined;
  const step = slo.evaluationIntervalMs;
  // Pending from the first evaluation (nothing recorded), firing once `for` has passed.
  const fireMs = ceilTo(slo.alerting.noData!.forMs, step);
  const labels = { service: slo.service, slo: slo.name };
  const expected = await expectedAlert(ctx, rule, labels, 1, fireMs);
  return {
    name: `${slo.service}/${slo.name}: no SLI data fires ${rule.alert} after ${formatDuration(slo.alerting.noData!.forMs)}`,
    interval: formatDuration(step),
    input_series: [],
    alert_rule_test: [
      { eval_time: formatDuration(fireMs - step), alertname: rule.alert, exp_alerts: [] },
      { eval_time: formatDuration(fireMs), alertname: rule.alert, exp_alerts: [expected] },
    ],
  };
}

