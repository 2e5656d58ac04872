// Threshold specs -> alert rules, one rule per severity level. Warning and
// critical share the alert name and labels, so Alertmanager's
// critical-mutes-warning inhibition pairs them exactly.
import { dashboardUid } from "./dashboards/uid.js";
import { alertsFileStem } from "./dashboards/threshold-dashboard.js";
import { Decimal } from "../workspace/decimal.js";
import { formatDuration } from "../workspace/duration.js";
import type { Severity } from "../workspace/schema.js";
import type { ThresholdAlertModel, ThresholdLevel, ThresholdUnit } from "../workspace/model.js";
import { sortedLabels, type AlertingRule, type RuleGroup } from "./rules.js";

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function thresholdRuleGroup(service: string, alerts: ThresholdAlertModel[]): RuleGroup {
  return { name: `thresholds-${service}`, rules: alerts.flatMap(thresholdAlertRules) };
}

export function thresholdAlertRules(alert: ThresholdAlertModel): AlertingRule[] {
  return [...alert.levels]
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
    .map((level) => ({
      alert: alert.name,
      expr: level.expr,
      ...(level.forMs > 0 ? { for: formatDuration(level.forMs) } : {}),
      ...(alert.keepFiringForMs ? { keep_firing_for: formatDuration(alert.keepFiringForMs) } : {}),
      labels: sortedLabels({ ...alert.labels, service: alert.service, team: alert.team, severity: level.severity }),
      annotations: thresholdAnnotations(alert, level),
    }));
}

function thresholdAnnotations(alert: ThresholdAlertModel, level: ThresholdLevel): Record<string, string> {
  const shown = level.threshold === undefined ? undefined : humanThreshold(level.threshold, alert.unit);
  const fill = (text: string) => (shown === undefined ? text : text.replace(thresholdPlaceholder(), shown));
  const value = humanValue(alert.unit);
  const defaultSummary =
    shown === undefined
      ? `${alert.name} on ${alert.service}`
      : `${alert.name} on ${alert.service}: ${value} is ${alert.direction} the ${level.severity} threshold of ${shown}`;
  return {
    summary: fill(alert.summary ?? defaultSummary),
    ...(alert.description ? { description: fill(alert.description) } : {}),
    ...(alert.runbook ? { runbook_url: alert.runbook } : {}),
    ...(alert.grafanaUrl !== undefined ? { dashboard_url: `${alert.grafanaUrl}/d/${dashboardUid("alerts", alertsFileStem(alert.source.file))}` } : {}),
  };
}

/**
 * What monac replaces with the threshold in a threshold alert's summary and
 * description before Prometheus sees them: `{{ $threshold }}` alone in its
 * action. Anything else naming $threshold reaches Prometheus, which has no
 * such variable.
 */
export function thresholdPlaceholder(): RegExp {
  return /\{\{\s*\$threshold\s*\}\}/g;
}

/** Go-template rendering of `$value` in the alert's unit. */
export function humanValue(unit: ThresholdUnit): string {
  switch (unit) {
    case "percent":
      return `{{ $value | printf "%.1f" }}%`;
    case "ratio":
      return "{{ $value | humanizePercentage }}";
    case "seconds":
      return "{{ $value | humanizeDuration }}";
    case "bytes":
      return "{{ $value | humanize1024 }}B";
    case "days":
      return `{{ $value | printf "%.1f" }} days`;
    case "none":
      return "{{ $value | humanize }}";
  }
}

/** The threshold as a person reads it: 80%, 300ms, 30 days. */
export function humanThreshold(threshold: string, unit: ThresholdUnit): string {
  const d = Decimal.of(threshold);
  switch (unit) {
    case "percent":
      return `${threshold}%`;
    case "ratio":
      return `${d.times(Decimal.of(100))}%`;
    case "seconds": {
      const ms = d.times(Decimal.of(1000));
      return ms.terminates && Number.isInteger(ms.toNumber()) && ms.toNumber() > 0 ? formatDuration(ms.toNumber()) : `${threshold}s`;
    }
    case "days":
      return `${threshold} days`;
    case "bytes":
    case "none":
      return threshold;
  }
}
