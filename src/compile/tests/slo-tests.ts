// Generated rule tests for SLOs: for each burn-rate tier, steady traffic that
// turns into an incident burning budget at the tier's factor plus a margin,
// and the exact evaluation at which that tier (and only it) starts firing;
// and traffic burning at half the slowest tier's rate, which fires nothing.
//
// The expected firing times are not guesses: the scenario is built so the
// recorded 5-minute counts are exact integers (counters start at 0, change
// rate only on 5m boundaries, whole increments per 1m sample, so Prometheus's
// extrapolated increase() equals the true increase), and the rules are then
// simulated step by step in float64 exactly as Prometheus computes them:
// sums of integers, one division, one comparison.
import { Decimal } from "../../spec/decimal.js";
import { formatDuration } from "../../spec/duration.js";
import type { SloModel, TierModel } from "../../spec/model.js";
import { expectedAlert } from "./expected-alert.js";
import { burnRateAlerts, noDataAlerts, SLO_METRICS } from "../slo-rules.js";
import { parseVectorSelector } from "../../promql/syntax.js";
import type { AlertingRule } from "../rules.js";
import { counterValues, seriesText, type AlertRuleTest, type ExpectedAlert, type InputSeries, type PromqlExprTest, type RuleTestGroup } from "./rule-test-file.js";
import { labelsMatching, matches, selectorMatchers, variantAvoiding, type LabelSet, type Selector } from "./synthetic-labels.js";

/** Generated tests evaluate rules every 5 minutes, the resolution of the recorded counts. */
export const STEP_MS = 5 * 60_000;
const STEP_MIN = 5;
const MINUTE = 60_000;
/** Incidents burn this much faster than a tier's factor. */
const MARGINS = ["1.1", "1.15", "1.2"].map((m) => Decimal.of(m));
/** Counter values must stay exact in float64. */
const MAX_COUNTER = 2 ** 52;

export interface SloTests {
  groups: RuleTestGroup[];
  /** Why some or all tests could not be generated, for the file's header. */
  notes: string[];
}

export async function sloTests(slo: SloModel): Promise<SloTests> {
  const traffic = trafficModel(slo);
  if (typeof traffic === "string") return { groups: [], notes: [`${slo.name}: no generated tests: ${traffic}`] };
  const notes: string[] = [];
  const groups: RuleTestGroup[] = [];
  const tiers = slo.alerting.enabled ? slo.alerting.tiers : [];
  const alerts = burnRateAlerts(slo);

  for (const tier of tiers) {
    const group = await tierGroup(slo, tier, alerts, traffic);
    if (typeof group === "string") notes.push(`${slo.name} ${tier.name}: not generated: ${group}`);
    else groups.push(group);
  }
  if (tiers.length > 0) {
    const quiet = await quietGroup(slo, alerts, traffic);
    if (typeof quiet === "string") notes.push(`${slo.name}: quiet traffic: not generated: ${quiet}`);
    else groups.push(quiet);
  }
  const noData = await noDataGroup(slo);
  if (noData) groups.push(noData);
  return { groups, notes };
}

// ----------------------------------------------------------------- traffic

/**
 * How to produce an SLI's input series from two event rates (events per
 * minute): `total` and the failing part of it, `bad`.
 */
interface TrafficModel {
  series(segments: readonly { minutes: number; total: number; bad: number }[]): InputSeries[];
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
      const le = sli.thresholdSeconds.toString();
      return {
        series: (segments) => [
          { series: seriesText({ ...base, __name__: `${sli.metric}_bucket`, le }), values: counter(segments, (s) => s.total - s.bad) },
          { series: seriesText({ ...base, __name__: `${sli.metric}_bucket`, le: "+Inf" }), values: counter(segments, (s) => s.total) },
          { series: seriesText({ ...base, __name__: `${sli.metric}_count` }), values: counter(segments, (s) => s.total) },
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
  const partRate = (s: Segment) => (partIsErrors ? s.bad : s.total - s.bad);
  if (matches(partLabels, totalMatchers)) {
    const rest = variantAvoiding(partLabels, totalMatchers, partMatchers);
    if (!rest) return "cannot find a series the total selector matches and the other selector does not";
    return {
      series: (segments) => [
        { series: seriesText(partLabels), values: counter(segments, partRate) },
        { series: seriesText(rest), values: counter(segments, (s) => s.total - partRate(s)) },
      ],
    };
  }
  const totalLabels = labelsMatching(totalMatchers);
  if (!totalLabels || matches(totalLabels, partMatchers)) return "cannot separate the SLI's series";
  return {
    series: (segments) => [
      { series: seriesText(partLabels), values: counter(segments, partRate) },
      { series: seriesText(totalLabels), values: counter(segments, (s) => s.total) },
    ],
  };
}

type Segment = { minutes: number; total: number; bad: number };

function counter(segments: readonly Segment[], rate: (s: Segment) => number): string {
  return counterValues(segments.map((s) => ({ samples: s.minutes, increment: rate(s) })));
}

// ----------------------------------------------------------- simulation

/**
 * Per-step 5m counts of a scenario (step i is minute 5i), with prefix sums so
 * any window's sum is one subtraction. Step 0 has no total: increase() needs
 * two samples. All values are integers below 2^53, so sums are exact in any
 * order, as Prometheus's Kahan sums of the same samples are.
 */
interface Counts {
  errors: number[];
  total: (number | undefined)[];
  errorsPrefix: Float64Array;
  totalPrefix: Float64Array;
  totalPresentPrefix: Int32Array;
}

function countsOf(segments: readonly Segment[], steps: number): Counts {
  const errors = [0];
  const total: (number | undefined)[] = [undefined];
  let start = 0;
  let seg = 0;
  for (let i = 1; i <= steps; i++) {
    // Segments change on 5m boundaries, so each step lies in one segment.
    const minute = i * STEP_MIN;
    while (seg < segments.length - 1 && minute > start + segments[seg]!.minutes) start += segments[seg++]!.minutes;
    errors.push(STEP_MIN * segments[seg]!.bad);
    total.push(STEP_MIN * segments[seg]!.total);
  }
  const errorsPrefix = new Float64Array(steps + 2);
  const totalPrefix = new Float64Array(steps + 2);
  const totalPresentPrefix = new Int32Array(steps + 2);
  for (let i = 0; i <= steps; i++) {
    errorsPrefix[i + 1] = errorsPrefix[i]! + errors[i]!;
    totalPrefix[i + 1] = totalPrefix[i]! + (total[i] ?? 0);
    totalPresentPrefix[i + 1] = totalPresentPrefix[i]! + (total[i] === undefined ? 0 : 1);
  }
  return { errors, total, errorsPrefix, totalPrefix, totalPresentPrefix };
}

/** sum_over_time(errors[W]) / sum_over_time(total[W]) at a step, or undefined without totals. */
function windowRatio(c: Counts, step: number, windowMs: number): number | undefined {
  const from = Math.max(0, step - windowMs / STEP_MS + 1);
  if (c.totalPresentPrefix[step + 1]! - c.totalPresentPrefix[from]! === 0) return undefined;
  return (c.errorsPrefix[step + 1]! - c.errorsPrefix[from]!) / (c.totalPrefix[step + 1]! - c.totalPrefix[from]!);
}

/** Events in a window: the minEvents guard's sum_over_time(total[W:5m]). */
function windowTotal(c: Counts, step: number, windowMs: number): number {
  const from = Math.max(0, step - windowMs / STEP_MS + 1);
  return c.totalPrefix[step + 1]! - c.totalPrefix[from]!;
}

interface TierState {
  activeAt: number | undefined;
  firing: boolean;
}

/** Which tiers fire at each step, by the rule manager's pending/firing rules. */
function simulateTiers(slo: SloModel, c: Counts, steps: number): boolean[][] {
  const tiers = slo.alerting.tiers;
  const thresholds = tierThresholds(slo);
  const states: TierState[] = tiers.map(() => ({ activeAt: undefined, firing: false }));
  const out: boolean[][] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i * STEP_MS;
    out.push(
      tiers.map((tier, k) => {
        const thr = thresholds[k]!;
        const long = windowRatio(c, i, tier.longWindowMs);
        const short = windowRatio(c, i, tier.shortWindowMs);
        const enough = slo.alerting.minEvents === undefined || windowTotal(c, i, tier.longWindowMs) >= slo.alerting.minEvents;
        const active = long !== undefined && short !== undefined && long > thr && short > thr && enough;
        const st = states[k]!;
        if (!active) {
          st.activeAt = undefined;
          st.firing = false;
        } else {
          st.activeAt ??= t;
          if (t - st.activeAt >= tier.forMs) st.firing = true;
        }
        return st.firing;
      }),
    );
  }
  return out;
}

// --------------------------------------------------------------- groups

/**
 * The incident scenario for one tier: healthy traffic for a while, then a
 * steady burn at the tier's factor times a margin. The healthy history is the
 * shortest (from the tier's own long window up) after which this tier is the
 * first and only one to fire: long enough that slower tiers' windows are not
 * dominated by the incident, and as short as possible because promtool
 * evaluates every rule of the file at every step.
 */
async function tierGroup(slo: SloModel, tier: TierModel, rules: AlertingRule[], traffic: TrafficModel): Promise<RuleTestGroup | string> {
  const sc = tierScenario(slo, tier);
  return typeof sc === "string" ? sc : scenarioGroup(slo, tier, rules, traffic, sc);
}

// Scenarios depend only on an SLO's numbers, not on its metrics: SLOs with
// the same objective, period and tiers share one simulation.
const tierScenarios = new Map<string, Scenario | string>();

function tierScenario(slo: SloModel, tier: TierModel): Scenario | string {
  return cached(tierScenarios, `${configKey(slo)}/${tier.name}`, () => findScenario(slo, tier));
}

const configKeys = new WeakMap<SloModel, string>();

function configKey(slo: SloModel): string {
  let key = configKeys.get(slo);
  if (key === undefined) {
    key = computeConfigKey(slo);
    configKeys.set(slo, key);
  }
  return key;
}

function computeConfigKey(slo: SloModel): string {
  return JSON.stringify([
    slo.errorBudget.toString(),
    slo.periodMs,
    slo.alerting.minEvents ?? 0,
    slo.alerting.tiers.map((t) => [t.name, t.longWindowMs, t.shortWindowMs, t.factor.toString(), t.forMs]),
  ]);
}

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let hit = cache.get(key);
  if (hit === undefined) {
    if (cache.size >= 1000) cache.clear();
    hit = make();
    cache.set(key, hit);
  }
  return hit;
}

function findScenario(slo: SloModel, tier: TierModel): Scenario | string {
  const k = slo.alerting.tiers.indexOf(tier);
  const histories = [...new Set(slo.alerting.tiers.map((t) => t.longWindowMs).filter((w) => w >= tier.longWindowMs))].sort((a, b) => a - b);
  let fallback: Scenario | undefined;
  for (const historyMs of histories) {
    for (const margin of MARGINS) {
      const sc = scenario(slo, tier, k, margin, historyMs);
      if (typeof sc === "string") return sc;
      if (sc === undefined) continue;
      const only = sc.firing[sc.fireStep]!.every((f, j) => f === (j === k)) && sc.firing[sc.fireStep - 1]!.every((f) => !f);
      if (only) return sc;
      fallback ??= sc;
    }
  }
  return fallback ?? "the tier does not fire in the simulated incident";
}

interface Scenario {
  margin: Decimal;
  historyMs: number;
  segments: Segment[];
  counts: Counts;
  firing: boolean[][];
  fireStep: number;
}

/** Simulates one incident; undefined when a ratio lands within float noise of a threshold. */
function scenario(slo: SloModel, tier: TierModel, k: number, margin: Decimal, historyMs: number): Scenario | string | undefined {
  const ratio = tier.factor.times(margin).times(slo.errorBudget);
  if (ratio.cmp(Decimal.of(1)) >= 0) return `an incident at ${margin}x the factor would exceed a 100% error ratio`;
  const total = rateScale(ratio);
  if (total === undefined) return "the burn rate needs too many decimal places for exact counters";
  const bad = ratio.times(Decimal.of(total)).toNumber();
  // Long enough for the tier to fire: its long window (the margin shortens it) plus `for`.
  const steps = Math.ceil((historyMs + tier.longWindowMs + tier.forMs) / STEP_MS) + 2;
  if (total * steps * STEP_MIN > MAX_COUNTER) return "the test's counters would exceed exact float64 integers";
  const segments: Segment[] = [
    { minutes: historyMs / MINUTE, total, bad: 0 },
    { minutes: steps * STEP_MIN - historyMs / MINUTE, total, bad },
  ];
  const counts = countsOf(segments, steps);
  if (hasNearTie(slo, counts, steps)) return undefined;
  const firing = simulateTiers(slo, counts, steps);
  const fireStep = firing.findIndex((f) => f[k]);
  if (fireStep < 1) return fireStep === 0 ? "the tier fires before any traffic" : "the tier does not fire in the simulated incident";
  return { margin, historyMs, segments, counts, firing, fireStep };
}

async function scenarioGroup(slo: SloModel, tier: TierModel, rules: AlertingRule[], traffic: TrafficModel, sc: Scenario): Promise<RuleTestGroup> {
  const { fireStep, historyMs, segments, counts, firing } = sc;
  // One evaluation before the tier fires, and the one at which it does.
  const checks: AlertRuleTest[] = [];
  for (const step of [fireStep - 1, fireStep]) checks.push(await alertCheck(slo, rules, counts, firing[step]!, step));
  return {
    name:
      `${slo.service}/${slo.name}: after ${formatDuration(historyMs)} of healthy traffic, burning ${tier.factor.times(sc.margin)}x ` +
      `the budget fires ${tier.name} ${formatDuration(fireStep * STEP_MS - historyMs)} into the incident`,
    interval: "1m",
    input_series: traffic.series([segments[0]!, { ...segments[1]!, minutes: fireStep * STEP_MIN - historyMs / MINUTE }]),
    alert_rule_test: checks,
    promql_expr_test: recordedValueChecks(slo, tier, counts, fireStep),
  };
}

async function quietGroup(slo: SloModel, rules: AlertingRule[], traffic: TrafficModel): Promise<RuleTestGroup | string> {
  const sc = cached(quietScenarios, `${configKey(slo)}`, () => findQuietScenario(slo));
  if (typeof sc === "string") return sc;
  const alertname = rules[0]!.alert;
  return {
    name: `${slo.service}/${slo.name}: burning ${sc.burn}x the budget (half the slowest tier) fires nothing`,
    interval: "1m",
    input_series: traffic.series(sc.segments),
    alert_rule_test: sc.checkSteps.map((step) => ({ eval_time: formatDuration(step * STEP_MS), alertname, exp_alerts: [] })),
  };
}

interface QuietScenario {
  burn: Decimal;
  segments: Segment[];
  /** Steps at which every tier could have fired by now: its long window full and its `for` passed. */
  checkSteps: number[];
}

const quietScenarios = new Map<string, QuietScenario | string>();

function findQuietScenario(slo: SloModel): QuietScenario | string {
  const tiers = slo.alerting.tiers;
  const slowest = tiers.reduce((a, b) => (a.factor.cmp(b.factor) <= 0 ? a : b));
  const burn = slowest.factor.times(Decimal.of("0.5"));
  const ratio = burn.times(slo.errorBudget);
  const scale = rateScale(ratio);
  if (scale === undefined) return "the burn rate needs too many decimal places for exact counters";
  const steps = (Math.max(...tiers.map((t) => t.longWindowMs + t.forMs)) + STEP_MS) / STEP_MS;
  const segments: Segment[] = [{ minutes: steps * STEP_MIN, total: scale, bad: ratio.times(Decimal.of(scale)).toNumber() }];
  const firing = simulateTiers(slo, countsOf(segments, steps), steps);
  if (firing.some((f) => f.some(Boolean))) return "a tier fires even at half the slowest burn rate";
  const checkSteps = [...new Set([...tiers.map((t) => Math.ceil((t.longWindowMs + t.forMs) / STEP_MS)), steps])].sort((a, b) => a - b);
  return { burn, segments, checkSteps };
}

async function noDataGroup(slo: SloModel): Promise<RuleTestGroup | undefined> {
  const [rule] = noDataAlerts(slo);
  if (!rule || slo.sli.kind === "raw") return undefined;
  // Pending from the first evaluation (nothing recorded), firing once `for` has passed.
  const fireMs = Math.ceil(slo.alerting.noData!.forMs / STEP_MS) * STEP_MS;
  const labels = { service: slo.service, slo: slo.name };
  const expected = await expectedAlert(rule, labels, 1, fireMs);
  return {
    name: `${slo.service}/${slo.name}: no SLI data fires ${rule.alert} after ${formatDuration(slo.alerting.noData!.forMs)}`,
    interval: "1m",
    input_series: [],
    alert_rule_test: [
      { eval_time: formatDuration(fireMs - STEP_MS), alertname: rule.alert, exp_alerts: [] },
      { eval_time: formatDuration(fireMs), alertname: rule.alert, exp_alerts: [expected] },
    ],
  };
}

/** The burn-rate alerts the simulation says are firing at a step. */
async function alertCheck(slo: SloModel, rules: AlertingRule[], counts: Counts, firing: boolean[], step: number): Promise<AlertRuleTest> {
  const exp: ExpectedAlert[] = [];
  for (const [k, tier] of slo.alerting.tiers.entries()) {
    if (!firing[k]) continue;
    const value = windowRatio(counts, step, tier.longWindowMs)!;
    exp.push(await expectedAlert(rules[k]!, { service: slo.service, slo: slo.name }, value, step * STEP_MS));
  }
  return { eval_time: formatDuration(step * STEP_MS), alertname: rules[0]!.alert, exp_alerts: exp };
}


/** The recorded series the alert read, checked at the moment it fires. */
function recordedValueChecks(slo: SloModel, tier: TierModel, counts: Counts, step: number): PromqlExprTest[] {
  const at = formatDuration(step * STEP_MS);
  const labels = `{service="${slo.service}", slo="${slo.name}"}`;
  const sample = (metric: string, value: number) => ({ labels: `${metric}${labels}`, value });
  const periodRatio = windowRatio(counts, step, slo.periodMs)!;
  const budget = slo.errorBudget.toNumber();
  return [
    { expr: `${SLO_METRICS.errorRatio(tier.longWindowMs)}${labels}`, eval_time: at, exp_samples: [sample(SLO_METRICS.errorRatio(tier.longWindowMs), windowRatio(counts, step, tier.longWindowMs)!)] },
    { expr: `${SLO_METRICS.budgetRemaining}${labels}`, eval_time: at, exp_samples: [sample(SLO_METRICS.budgetRemaining, 1 - periodRatio / budget)] },
  ];
}

/**
 * Events per minute of the whole traffic, a power of ten that makes the
 * failing part a whole number per sample, so every count is exact.
 */
function rateScale(ratio: Decimal): number | undefined {
  for (let digits = 3; digits <= 12; digits++) {
    const scale = 10 ** digits;
    const bad = ratio.times(Decimal.of(scale));
    if (bad.terminates && Number.isInteger(bad.toNumber())) return scale;
  }
  return undefined;
}

/** Each tier's alert threshold as the float64 Prometheus parses from the rule. */
function tierThresholds(slo: SloModel): number[] {
  return slo.alerting.tiers.map((t) => Number(t.factor.times(slo.errorBudget).toString()));
}

/** A long-window ratio within float noise of a threshold would make the expected step a coin toss. */
function hasNearTie(slo: SloModel, c: Counts, steps: number): boolean {
  const thresholds = tierThresholds(slo);
  for (const [k, tier] of slo.alerting.tiers.entries()) {
    const thr = thresholds[k]!;
    for (let i = 0; i <= steps; i++) {
      for (const w of [tier.longWindowMs, tier.shortWindowMs]) {
        const r = windowRatio(c, i, w);
        if (r !== undefined && Math.abs(r - thr) <= 1e-12 * thr) return true;
      }
    }
  }
  return false;
}
