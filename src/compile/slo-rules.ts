// SLO -> recording rules and multi-window multi-burn-rate alerts.
//
// Every SLI is reduced to two recorded 5-minute event counts (errors, total).
// Every longer window — alert windows and the whole period — is a ratio of
// sums of those counts, so a 30d SLI costs one sum_over_time over one series
// and is weighted by traffic, never an average of per-interval ratios (which
// over-weights quiet hours).
//
// The recorded counts overlap when the group is evaluated more often than every
// 5 minutes; numerator and denominator overlap identically, so their ratio is
// unaffected; true event totals come from sampling the counts every 5m.
import { Decimal } from "../spec/decimal.js";
import { formatDuration } from "../spec/duration.js";
import { formatSelector, type LabelMatcher } from "../promql/syntax.js";
import type { SloModel, TierModel } from "../spec/model.js";
import { sloSeries } from "./selectors.js";
import { sortedLabels, type AlertingRule, type RecordingRule, type RuleGroup } from "./rules.js";

export const SLO_METRICS = {
  errors5m: "slo:sli_errors:increase5m",
  total5m: "slo:sli_total:increase5m",
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
const WINDOW = "$window";

export function sloRuleGroup(slo: SloModel): RuleGroup {
  return {
    name: `slo-${slo.service}-${slo.name}`,
    rules: [...sliRecordingRules(slo), ...metadataRules(slo), ...burnRateAlerts(slo), ...noDataAlerts(slo)],
  };
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

export function sliRecordingRules(slo: SloModel): RecordingRule[] {
  const identity = { service: slo.service, slo: slo.name };
  const record = (name: string, expr: string): RecordingRule => ({ record: name, expr, labels: identity });
  const budget = slo.errorBudget.toString();
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
    const { errors, total } = countExpressions(slo);
    rules.push(record(SLO_METRICS.errors5m, errors), record(SLO_METRICS.total5m, total));
    const errorsSeries = sloSeries(SLO_METRICS.errors5m, slo);
    const totalSeries = sloSeries(SLO_METRICS.total5m, slo);
    const ratioOver = (ms: number) =>
      ms === FIVE_MINUTES
        ? `${errorsSeries}\n/\n${totalSeries}`
        : `sum_over_time(${errorsSeries}[${formatDuration(ms)}])\n/\nsum_over_time(${totalSeries}[${formatDuration(ms)}])`;
    for (const w of ratioWindows(slo)) rules.push(record(SLO_METRICS.errorRatio(w), ratioOver(w)));
    rules.push(record(SLO_METRICS.errorRatioPeriod, ratioOver(slo.periodMs)));
  }

  const periodRatio = sloSeries(SLO_METRICS.errorRatioPeriod, slo);
  rules.push(
    record(SLO_METRICS.sliPeriod, `1 - ${periodRatio}`),
    record(SLO_METRICS.budgetRemaining, `1 - ${periodRatio} / ${budget}`),
    record(SLO_METRICS.burnRate, `${sloSeries(SLO_METRICS.errorRatio(HOUR), slo)} / ${budget}`),
  );
  return rules;
}

/** The 5-minute error and total counts, each a single label-less series. */
export function countExpressions(slo: SloModel): { errors: string; total: string } {
  const at5m = (template: string) => template.split(WINDOW).join("5m");
  const sli = slo.sli;
  switch (sli.kind) {
    case "ratio": {
      const total = `sum(${at5m(sli.total)})`;
      // A selector for failures may match nothing while all is well (no 5xx
      // series yet): that is zero errors, not a missing SLI. Likewise no
      // successes is zero good events.
      if (sli.errors !== undefined) return { errors: `sum(${at5m(sli.errors)}) or vector(0)`, total };
      return { errors: `${total} - (sum(${at5m(sli.good!)}) or vector(0))`, total };
    }
    case "latency": {
      const count = formatSelector({ metric: `${sli.metric}_count`, matchers: sli.matchers });
      const bucket = formatSelector({ metric: `${sli.metric}_bucket`, matchers: [...sli.matchers, leMatcher(sli.thresholdSeconds)] });
      const total = `sum(increase(${count}[5m]))`;
      return { errors: `${total} - (sum(increase(${bucket}[5m])) or vector(0))`, total };
    }
    case "boolGauge": {
      // Each sample is one event: 1 is good, 0 is bad.
      const total = `sum(count_over_time(${sli.selector}[5m]))`;
      return { errors: `${total} - sum(sum_over_time(${sli.selector}[5m]))`, total };
    }
    case "raw":
      throw new Error("raw SLIs have no event counts");
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
  const identity = { service: slo.service, slo: slo.name };
  const objectivePercent = slo.objective.times(Decimal.of(100)).toString();
  return [
    { record: SLO_METRICS.objective, expr: `vector(${slo.objective})`, labels: identity },
    {
      record: SLO_METRICS.info,
      expr: "vector(1)",
      labels: sortedLabels({
        ...slo.labels,
        ...identity,
        team: slo.team,
        objective: objectivePercent,
        period: formatDuration(slo.periodMs),
        sli: slo.sli.kind,
        ...(slo.description ? { description: slo.description } : {}),
      }),
    },
  ];
}

export function burnRateAlerts(slo: SloModel): AlertingRule[] {
  if (!slo.alerting.enabled) return [];
  return slo.alerting.tiers.map((tier) => burnRateAlert(slo, tier));
}

function burnRateAlert(slo: SloModel, tier: TierModel): AlertingRule {
  const threshold = tier.factor.times(slo.errorBudget);
  const long = formatDuration(tier.longWindowMs);
  const period = formatDuration(slo.periodMs);
  const conditions = [
    `${sloSeries(SLO_METRICS.errorRatio(tier.longWindowMs), slo)} > ${threshold}`,
    `${sloSeries(SLO_METRICS.errorRatio(tier.shortWindowMs), slo)} > ${threshold}`,
  ];
  if (slo.alerting.minEvents !== undefined) {
    // Events actually seen in the long window: the recorded 5m counts sampled
    // every 5m (a subquery) do not overlap, so their sum is the total. Scaling
    // an average up to the window instead would count events that never
    // happened whenever the series is younger than the window.
    conditions.push(`sum_over_time(${sloSeries(SLO_METRICS.total5m, slo)}[${long}:5m]) >= ${slo.alerting.minEvents}`);
  }
  const percent = (d: Decimal) => d.times(Decimal.of(100)).toString();
  return {
    alert: slo.alerting.name,
    expr: conditions.join("\nand\n"),
    ...(tier.forMs > 0 ? { for: formatDuration(tier.forMs) } : {}),
    labels: sloAlertLabels(slo, { severity: tier.severity, tier: tier.name }),
    annotations: sloAnnotations(slo, {
      summary: `${slo.service} ${slo.name}: error budget burning ${tier.factor}x faster than sustainable`,
      description:
        `{{ $value | humanizePercentage }} of events failed over the last ${long} ` +
        `(threshold ${percent(threshold)}%: ${tier.budgetPercent}% of the ${period} error budget spent within ${long}). ` +
        `Objective ${percent(slo.objective)}%.`,
    }),
  };
}

export function noDataAlerts(slo: SloModel): AlertingRule[] {
  const noData = slo.alerting.noData;
  if (!slo.alerting.enabled || !noData) return [];
  const watched = slo.sli.kind === "raw" ? SLO_METRICS.errorRatio(FIVE_MINUTES) : SLO_METRICS.total5m;
  return [
    {
      alert: "SLINoData",
      expr: `absent(${sloSeries(watched, slo)})`,
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

function sloAnnotations(slo: SloModel, defaults: { summary: string; description: string }): Record<string, string> {
  return {
    summary: slo.alerting.summary ?? defaults.summary,
    description: slo.alerting.description ?? defaults.description,
    ...(slo.alerting.runbook ? { runbook_url: slo.alerting.runbook } : {}),
  };
}
