// SLO -> recording rules and multi-window multi-burn-rate alerts.
//
// Where each window's error ratio comes from (see the README, "Recorded
// series"):
//
// - 5m: the recorded 5-minute event counts (`increase(...[5m])` of the SLI).
// - shorter than a day (30m, 1h, 2h, 6h): straight from the SLI's raw
//   counters, `increase(...[W])`. These decide how fast a page fires and how
//   fast it resolves, so they must not lag; a sum of overlapping 5m counts
//   trails a rate() window by about half the count window at a step change.
// - a day and longer (1d, 3d): sums of recorded per-evaluation-interval
//   counts, so a 3-day window reads one series of 4,320 samples (at 1m)
//   instead of every raw series over three days. Those counts are derived
//   from the 5m counts and de-lagged (see intervalCountExpr), so the sum over
//   a window equals the window's events without the 5m counts' lag.
// - the period (30d): the 5m counts sampled every 5m by a subquery, which do
//   not overlap; a few minutes of lag do not matter to a 30-day figure.
//
// Every window is a ratio of summed events, never an average of ratios
// (which over-weights quiet hours).
//
// Alerts: the tiers of one severity are ONE alert (their conditions joined
// with `or`), so one incident is one page and one ticket however many tiers
// it trips, and no tier's alert can start after a faster one has resolved.
import { Decimal } from "../workspace/decimal.js";
import { formatDuration } from "../workspace/duration.js";
import { formatSelector, type LabelMatcher } from "../promql/syntax.js";
import type { SloModel, TierModel } from "../workspace/model.js";
import { sloMatchers, type SloIdentity } from "./selectors.js";
import { dashboardUid } from "./dashboards/uid.js";
import { sortedLabels, type AlertingRule, type RecordingRule, type Rule, type RuleGroup } from "./rules.js";

export const SLO_METRICS = {
  errors5m: "slo:sli_errors:increase5m",
  total5m: "slo:sli_total:increase5m",
  /** Events per evaluation interval, de-lagged from the 5m counts. */
  errorsPerInterval: (intervalMs: number) => `slo:sli_errors:increase${formatDuration(intervalMs)}`,
  totalPerInterval: (intervalMs: number) => `slo:sli_total:increase${formatDuration(intervalMs)}`,
  errorRatio: (windowMs: number) => `slo:sli_error:ratio_rate${formatDuration(windowMs)}`,
  errorRatioPeriod: "slo:sli_error:ratio_period",
  sliPeriod: "slo:sli:ratio_period",
  budgetRemaining: "slo:error_budget:remaining_ratio",
  burnRate: "slo:error_budget:burn_rate1h",
  objective: "slo:objective:ratio",
  info: "slo:objective:info",
} as const;

const FIVE_MINUTES = 5 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
/** Windows at least this long are summed from recorded counts instead of read from the raw series. */
export const COUNTED_WINDOW_MS = 24 * HOUR;
const WINDOW = "$window";

/** Where a window's events are read from; see the file comment. */
export type WindowSource = "counts5m" | "raw" | "intervalCounts";

/**
 * sloSeries (selectors.ts) for one SLO, its matchers printed once: a group
 * and a dashboard select the SLO's own series a few dozen times, and quoting
 * the identity is a loop over its characters. Depends on the identity only.
 */
export function sloSeriesOf(slo: SloIdentity): (metric: string) => string {
  const matchers = sloMatchers(slo);
  return (metric) => `${metric}{${matchers}}`;
}

/**
 * What one SLO's rules print again and again, printed once per call of the
 * exported functions below. Depends on the SLO only (its identity, budget, SLI).
 */
interface SloText {
  slo: SloModel;
  series: (metric: string) => string;
  budget: string;
  /** countExpressions(slo, windowMs), with what does not depend on the window printed once. */
  counts: (windowMs: number) => { errors: string; total: string };
}

function sloText(slo: SloModel): SloText {
  return { slo, series: sloSeriesOf(slo), budget: slo.errorBudget.toString(), counts: windowCounts(slo) };
}

export function windowSource(slo: SloModel, windowMs: number): WindowSource {
  if (slo.sli.kind === "raw") return "raw";
  if (windowMs === FIVE_MINUTES) return "counts5m";
  return windowMs >= COUNTED_WINDOW_MS ? "intervalCounts" : "raw";
}

export function sloRuleGroup(slo: SloModel): RuleGroup {
  return {
    name: `slo-${slo.service}-${slo.name}`,
    // The de-lagged counts assume this interval; pinning it keeps a global
    // evaluation_interval from changing what the rules compute.
    interval: formatDuration(slo.evaluationIntervalMs),
    rules: sloRules(sloText(slo)),
  };
}

function sloRules(text: SloText): Rule[] {
  const rules: Rule[] = recordingRules(text);
  rules.push(...metadataRulesOf(text), ...burnRateAlertsOf(text), ...noDataAlertsOf(text));
  return rules;
}

/** Windows with a recorded error ratio: every tier's windows, and 1h for the current burn rate. */
export function ratioWindows(slo: SloModel): number[] {
  const windows = new Set<number>([HOUR]);
  for (const tier of slo.alerting.enabled ? slo.alerting.tiers : []) {
    windows.add(tier.longWindowMs);
    windows.add(tier.shortWindowMs);
  }
  return [...windows].sort((a, b) => a - b);
}

/** The recorded per-interval count series, or the 5m counts when the group runs every 5m (they are the same). */
function intervalSeries(slo: SloModel): { errors: string; total: string } {
  if (slo.evaluationIntervalMs === FIVE_MINUTES) return { errors: SLO_METRICS.errors5m, total: SLO_METRICS.total5m };
  return { errors: SLO_METRICS.errorsPerInterval(slo.evaluationIntervalMs), total: SLO_METRICS.totalPerInterval(slo.evaluationIntervalMs) };
}

export function sliRecordingRules(slo: SloModel): RecordingRule[] {
  return recordingRules(sloText(slo));
}

function recordingRules(text: SloText): RecordingRule[] {
  const { slo, series: sloSeries, budget } = text;
  const identity = { service: slo.service, slo: slo.name };
  const record = (name: string, expr: string): RecordingRule => ({ record: name, expr, labels: identity });
  const rules: RecordingRule[] = [];

  const sli = slo.sli;
  if (sli.kind === "raw") {
    // The escape hatch: the user's ratio, evaluated per window. No counts exist,
    // so the period is evaluated directly — correct, but as costly as the
    // expression over the whole period.
    const at = (ms: number) => sli.errorRatio.split(WINDOW).join(formatDuration(ms));
    for (const w of ratioWindows(slo)) rules.push(record(SLO_METRICS.errorRatio(w), at(w)));
    rules.push(record(SLO_METRICS.errorRatioPeriod, at(slo.periodMs)));
  } else {
    const counts5m = text.counts(FIVE_MINUTES);
    rules.push(record(SLO_METRICS.errors5m, counts5m.errors), record(SLO_METRICS.total5m, counts5m.total));
    const windows = ratioWindows(slo);
    const perInterval = intervalSeries(slo);
    if (windows.some((w) => windowSource(slo, w) === "intervalCounts") && slo.evaluationIntervalMs !== FIVE_MINUTES) {
      rules.push(
        record(perInterval.errors, intervalCountExpr(sloSeries(SLO_METRICS.errors5m), slo.evaluationIntervalMs)),
        record(perInterval.total, intervalCountExpr(sloSeries(SLO_METRICS.total5m), slo.evaluationIntervalMs)),
      );
    }
    for (const w of windows) rules.push(record(SLO_METRICS.errorRatio(w), windowRatioExpr(text, w)));
    // The period: non-overlapping 5m counts, one every 5m.
    const period = formatDuration(slo.periodMs);
    rules.push(
      record(
        SLO_METRICS.errorRatioPeriod,
        `sum_over_time(${sloSeries(SLO_METRICS.errors5m)}[${period}:5m])\n/\nsum_over_time(${sloSeries(SLO_METRICS.total5m)}[${period}:5m])`,
      ),
    );
  }

  const periodRatio = sloSeries(SLO_METRICS.errorRatioPeriod);
  rules.push(
    record(SLO_METRICS.sliPeriod, `1 - ${periodRatio}`),
    record(SLO_METRICS.budgetRemaining, `1 - ${periodRatio} / ${budget}`),
    record(SLO_METRICS.burnRate, `${sloSeries(SLO_METRICS.errorRatio(HOUR))} / ${budget}`),
  );
  return rules;
}

/** The error ratio over one window of a counted SLI, from the source windowSource picks. */
function windowRatioExpr({ slo, series: sloSeries, counts }: SloText, windowMs: number): string {
  switch (windowSource(slo, windowMs)) {
    case "counts5m":
      return `${sloSeries(SLO_METRICS.errors5m)}\n/\n${sloSeries(SLO_METRICS.total5m)}`;
    case "raw": {
      const { errors, total } = counts(windowMs);
      return `(${errors})\n/\n${total}`;
    }
    case "intervalCounts": {
      const { errors, total } = intervalSeries(slo);
      const w = formatDuration(windowMs);
      return `sum_over_time(${sloSeries(errors)}[${w}])\n/\nsum_over_time(${sloSeries(total)}[${w}])`;
    }
  }
}

/** Events in one window: what the minEvents guard compares, in the window's own source. */
function windowTotalExpr({ slo, series: sloSeries, counts }: SloText, windowMs: number): { expr: string; labelled: boolean } {
  switch (windowSource(slo, windowMs)) {
    case "counts5m":
      return { expr: sloSeries(SLO_METRICS.total5m), labelled: true };
    case "raw":
      return { expr: counts(windowMs).total, labelled: false };
    case "intervalCounts":
      return { expr: `sum_over_time(${sloSeries(intervalSeries(slo).total)}[${formatDuration(windowMs)}])`, labelled: true };
  }
}

/**
 * Events in the last evaluation interval, derived from the 5m counts so that
 * their sum over any window W equals the events in W — without the lag of
 * summing the overlapping 5m counts themselves.
 *
 * Evaluated every i = 5m/m, the 5m counts C5 overlap m-fold: their sum over W
 * is m times the average of the W-windows ending at T, T-i, ..., T-(m-1)i,
 * which trails the window ending at T by (m-1)i/2 (2 minutes at 1m). Writing
 * D(T) = ((m+1)·C5(T) − (m−1)·C5(T−i)) / 2m makes the sum telescope:
 *   Σ D over W = (Σ C5 over W + (m−1)/2 · (C5(T) − C5(T−W))) / m,
 * the lagged sum plus the events of the missing (m−1)i/2 at the head, minus
 * those at the tail — exact while the event rate is steady over the last
 * five minutes at each end of the window, and off by at most i/2 of events
 * within five minutes of a step. A C5 one interval back that is missing (a
 * new series, a gap) counts as zero.
 */
export function intervalCountExpr(counts5m: string, intervalMs: number): string {
  const m = FIVE_MINUTES / intervalMs;
  let [a, b, c] = [m + 1, m - 1, 2 * m];
  const g = gcd(gcd(a, b), c);
  [a, b, c] = [a / g, b / g, c / g];
  const i = formatDuration(intervalMs);
  return `(\n  ${a} * ${counts5m}\n  -\n  ${b} * (${counts5m} offset ${i} or 0 * ${counts5m})\n)\n/ ${c}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The error and total event counts of a counted SLI over one window, each a single label-less series. */
export function countExpressions(slo: SloModel, windowMs: number): { errors: string; total: string } {
  return windowCounts(slo)(windowMs);
}

/** countExpressions of one SLO for any window: the selectors, which do not depend on it, are printed once. */
function windowCounts(slo: SloModel): (windowMs: number) => { errors: string; total: string } {
  // A template with `$window` in it, split once and joined at each window.
  const atWindow = (template: string) => {
    const parts = template.split(WINDOW);
    return (w: string) => parts.join(w);
  };
  const sli = slo.sli;
  switch (sli.kind) {
    case "ratio": {
      const totalAt = atWindow(sli.total);
      const errorsAt = sli.errors !== undefined ? atWindow(sli.errors) : undefined;
      const goodAt = sli.errors !== undefined ? undefined : atWindow(sli.good!);
      return (windowMs) => {
        const w = formatDuration(windowMs);
        const total = `sum(${totalAt(w)})`;
        // A selector for failures may match nothing while all is well (no 5xx
        // series yet): that is zero errors, not a missing SLI. Likewise no
        // successes is zero good events.
        if (errorsAt !== undefined) return { errors: `sum(${errorsAt(w)}) or vector(0)`, total };
        return { errors: `${total} - (sum(${goodAt!(w)}) or vector(0))`, total };
      };
    }
    case "latency": {
      if (sli.native) {
        // Per series, so that histograms of different bucket layouts (two
        // instances, custom buckets) need not be merged. histogram_fraction
        // is NaN for a series without events in the window, and 0 slow ones
        // are no errors: both are left out before summing.
        const selector = formatSelector({ metric: sli.metric, matchers: sli.matchers });
        return (windowMs) => {
          const increase = `increase(${selector}[${formatDuration(windowMs)}])`;
          return {
            errors: `sum(histogram_count(${increase}) * histogram_fraction(${sli.thresholdSeconds}, +Inf, ${increase}) > 0) or vector(0)`,
            total: `sum(histogram_count(${increase}))`,
          };
        };
      }
      const count = formatSelector({ metric: `${sli.metric}_count`, matchers: sli.matchers });
      const bucket = formatSelector({ metric: `${sli.metric}_bucket`, matchers: [...sli.matchers, leMatcher(sli.thresholdSeconds)] });
      return (windowMs) => {
        const w = formatDuration(windowMs);
        const total = `sum(increase(${count}[${w}]))`;
        return { errors: `${total} - (sum(increase(${bucket}[${w}])) or vector(0))`, total };
      };
    }
    case "boolGauge":
      // Each sample is one event: 1 is good, 0 is bad.
      return (windowMs) => {
        const w = formatDuration(windowMs);
        const total = `sum(count_over_time(${sli.selector}[${w}]))`;
        return { errors: `${total} - sum(sum_over_time(${sli.selector}[${w}]))`, total };
      };
    case "raw":
      return () => {
        throw new Error("raw SLIs have no event counts");
      };
  }
}

/**
 * Matches the bucket whose upper bound is the threshold however the exporter
 * or Prometheus spelt it: 0.3, 0.30, 1, 1.0. Prometheus 3 normalises `le` on
 * ingestion ("1" becomes "1.0"), so an exact `le="1"` silently matches nothing
 * after an upgrade.
 */
export function leMatcher(seconds: Decimal): LabelMatcher {
  const [int, frac = ""] = seconds.toString().split(".");
  const value = frac === "" ? `${int}(\\.0+)?` : `${int}\\.${frac}0*`;
  return { name: "le", op: "=~", value };
}

export function metadataRules(slo: SloModel): RecordingRule[] {
  return metadataRulesOf(sloText(slo));
}

function metadataRulesOf({ slo }: SloText): RecordingRule[] {
  const identity = { service: slo.service, slo: slo.name };
  return [
    { record: SLO_METRICS.objective, expr: `vector(${slo.objective})`, labels: identity },
    {
      record: SLO_METRICS.info,
      expr: "vector(1)",
      labels: sortedLabels({
        ...slo.labels,
        ...identity,
        team: slo.team,
        objective: objectivePercent(slo),
        period: formatDuration(slo.periodMs),
        sli: slo.sli.kind,
        // The service's SLO dashboard, for links: long service names have hashed uids no query can derive.
        dashboard: dashboardUid("slo", slo.service),
        ...(slo.description ? { description: slo.description } : {}),
      }),
    },
  ];
}

/** The SLO's burn-rate alerts: one per severity, its tiers' conditions joined with `or`. */
export function burnRateAlerts(slo: SloModel): AlertingRule[] {
  return slo.alerting.enabled ? burnRateAlertsOf(sloText(slo)) : [];
}

function burnRateAlertsOf(text: SloText): AlertingRule[] {
  if (!text.slo.alerting.enabled) return [];
  return severityTiers(text.slo).map((tiers) => burnRateAlert(text, tiers));
}

/** Whether the SLO has any alerting rule (burn rate or no data), without building one: burnRateAlerts and noDataAlerts return none exactly when this is false. */
export function hasSloAlerts(slo: SloModel): boolean {
  return slo.alerting.enabled && (slo.alerting.tiers.length > 0 || slo.alerting.noData !== undefined);
}

/** The enabled tiers grouped by severity, in tier order (fastest first). */
export function severityTiers(slo: SloModel): TierModel[][] {
  const groups = new Map<string, TierModel[]>();
  for (const tier of slo.alerting.tiers) {
    const same = groups.get(tier.severity);
    if (same) same.push(tier);
    else groups.set(tier.severity, [tier]);
  }
  return [...groups.values()];
}

function burnRateAlert(text: SloText, tiers: TierModel[]): AlertingRule {
  const { slo, series: sloSeries, budget } = text;
  const period = formatDuration(slo.periodMs);
  // Each branch's value is the burn rate over its long window, so $value says
  // how fast the budget is going whichever tier tripped.
  const branches = tiers.map((tier) => {
    let branch =
      `${sloSeries(SLO_METRICS.errorRatio(tier.longWindowMs))} / ${budget} > ${tier.factor}\nand\n` +
      `${sloSeries(SLO_METRICS.errorRatio(tier.shortWindowMs))} / ${budget} > ${tier.factor}`;
    if (slo.alerting.minEvents !== undefined) {
      // A raw window's event count has no labels: match it on none.
      const events = windowTotalExpr(text, tier.longWindowMs);
      branch += `\nand${events.labelled ? "" : " on()"}\n${events.expr} >= ${slo.alerting.minEvents}`;
    }
    return branch;
  });
  const when = tiers
    .map((t) => `${t.factor}x over ${formatDuration(t.longWindowMs)} and ${formatDuration(t.shortWindowMs)} (${t.budgetPercent}% of the budget in ${formatDuration(t.longWindowMs)})`)
    .join(", or ");
  const [first] = tiers;
  return {
    alert: slo.alerting.name,
    expr: branches.join("\nor\n"),
    ...(first!.forMs > 0 ? { for: formatDuration(first!.forMs) } : {}),
    ...(first!.keepFiringForMs > 0 ? { keep_firing_for: formatDuration(first!.keepFiringForMs) } : {}),
    labels: sloAlertLabels(slo, { severity: first!.severity }),
    annotations: sloAnnotations(slo, {
      summary: `${slo.service} ${slo.name}: error budget burning too fast`,
      description:
        `The ${period} error budget is burning {{ $value | humanize }}x faster than sustainable. ` +
        `This ${first!.severity} alert fires at ${when}. Objective ${objectivePercent(slo)}%.`,
    }, tiers.map((t) => t.name).join(" or ")),
  };
}

export function noDataAlerts(slo: SloModel): AlertingRule[] {
  return slo.alerting.enabled && slo.alerting.noData ? noDataAlertsOf(sloText(slo)) : [];
}

function noDataAlertsOf({ slo, series: sloSeries }: SloText): AlertingRule[] {
  const noData = slo.alerting.noData;
  if (!slo.alerting.enabled || !noData) return [];
  // A raw SLI has no counts: watch its shortest recorded window.
  const watched = slo.sli.kind === "raw" ? SLO_METRICS.errorRatio(ratioWindows(slo)[0]!) : SLO_METRICS.total5m;
  return [
    {
      alert: "SLINoData",
      expr: `absent(${sloSeries(watched)})`,
      for: formatDuration(noData.forMs),
      labels: sloAlertLabels(slo, { severity: noData.severity }),
      annotations: sloAnnotations(slo, {
        summary: `${slo.service} ${slo.name}: the SLI has no data`,
        description: `No events have been recorded for ${formatDuration(noData.forMs)}: the SLI's metrics are missing, so its error budget cannot be tracked.`,
      }),
    },
  ];
}

function sloAlertLabels(slo: SloModel, extra: Record<string, string>): Record<string, string> {
  return sortedLabels({ ...slo.labels, ...slo.alerting.labels, service: slo.service, slo: slo.name, team: slo.team, ...extra });
}

function sloAnnotations(slo: SloModel, defaults: { summary: string; description: string }, tier?: string): Record<string, string> {
  return {
    summary: slo.alerting.summary ?? defaults.summary,
    description: slo.alerting.description ?? defaults.description,
    // Which burn-rate tiers this alert stands for (one rule per severity covers them all).
    ...(tier !== undefined ? { tier } : {}),
    ...(slo.alerting.runbook ? { runbook_url: slo.alerting.runbook } : {}),
    ...(slo.grafanaUrl !== undefined ? { dashboard_url: `${slo.grafanaUrl}/d/${dashboardUid("slo", slo.service)}` } : {}),
  };
}

// An SLO's objective is printed in percent by its rules and its dashboard
// panels; each time is a new Decimal and a BigInt print. Remembered by the
// objective itself (a Decimal is immutable), so it is printed once.
const PERCENTS = new WeakMap<Decimal, string>();

/** The SLO's objective in percent, as its alerts and dashboards print it: 99.95 for 0.9995. */
export function objectivePercent(slo: Pick<SloModel, "objective">): string {
  let text = PERCENTS.get(slo.objective);
  if (text === undefined) PERCENTS.set(slo.objective, (text = slo.objective.times(Decimal.of(100)).toString()));
  return text;
}
