// Routing policy -> Alertmanager configuration (0.27+ syntax: `matchers`,
// `time_intervals`, `*_file` secrets).
//
// Tree: root (catch-all receiver, grouping) -> one route per team (matched on
// the `team` label every generated alert carries) -> one route per
// (severity, receiver). A severity with several receivers uses `continue` so
// every receiver is notified, and the team route is final so another team's
// routes never see the alert.
import { formatDuration } from "../workspace/duration.js";
import type { ReceiverModel, RoutingModel } from "../workspace/model.js";
import { withHeader } from "./header.js";
import { toYaml } from "./rules.js";

/** Labels two alerts must share for one to inhibit the other: the same alert on the same target. */
export const SEVERITY_INHIBIT_EQUAL = ["alertname", "service", "slo", "job", "instance"];

export function alertmanagerConfig(routing: RoutingModel): Record<string, unknown> {
  return {
    global: globalSection(routing),
    route: routeTree(routing),
    inhibit_rules: inhibitRules(),
    receivers: receivers(routing),
    ...(routing.timeIntervals.length > 0 ? { time_intervals: timeIntervals(routing) } : {}),
  };
}

export function alertmanagerYaml(routing: RoutingModel, header: string[]): string {
  return withHeader(header, toYaml(alertmanagerConfig(routing)));
}

function globalSection(r: RoutingModel): Record<string, unknown> {
  return {
    resolve_timeout: formatDuration(r.resolveTimeoutMs),
    ...(r.smtp
      ? {
          smtp_from: r.smtp.from,
          smtp_smarthost: r.smtp.smarthost,
          ...(r.smtp.authUsername ? { smtp_auth_username: r.smtp.authUsername } : {}),
          ...(r.smtp.authPasswordFile ? { smtp_auth_password_file: r.smtp.authPasswordFile } : {}),
          smtp_require_tls: r.smtp.requireTls,
        }
      : {}),
    ...(r.slackApiUrlFile ? { slack_api_url_file: r.slackApiUrlFile } : {}),
  };
}

function routeTree(r: RoutingModel): Record<string, unknown> {
  const teamRoutes = [...r.teams]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((team) => {
      const children: Record<string, unknown>[] = [];
      for (const route of team.routes) {
        route.receivers.forEach((receiver, i) => {
          children.push({
            receiver,
            matchers: [`severity="${route.severity}"`],
            ...(route.during.length > 0 ? { active_time_intervals: route.during } : {}),
            ...(i < route.receivers.length - 1 ? { continue: true } : {}),
          });
        });
      }
      return { receiver: r.defaultReceiver, matchers: [`team="${team.name}"`], routes: children };
    });
  return {
    receiver: r.defaultReceiver,
    group_by: r.groupBy,
    group_wait: formatDuration(r.groupWaitMs),
    group_interval: formatDuration(r.groupIntervalMs),
    repeat_interval: formatDuration(r.repeatIntervalMs),
    routes: teamRoutes,
  };
}

/**
 * A critical alert mutes the warning and info alerts of the same alert on the
 * same target. Burn-rate tiers need no rule of their own: the tiers of one
 * severity are one alert (see slo-rules.ts), so a fast burn and a slow burn
 * of the same incident are one page, never two.
 */
export function inhibitRules(): Record<string, unknown>[] {
  return [
    { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: SEVERITY_INHIBIT_EQUAL },
    { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: SEVERITY_INHIBIT_EQUAL },
  ];
}

const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.service }}{{ if .CommonLabels.slo }}/{{ .CommonLabels.slo }}{{ end }}, {{ .CommonLabels.severity }})';
const SLACK_TEXT =
  "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ if .Annotations.description }}{{ .Annotations.description }}\n{{ end }}{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}";

function receivers(r: RoutingModel): Record<string, unknown>[] {
  return [...r.receivers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(receiver);
}

function receiver(rec: ReceiverModel): Record<string, unknown> {
  const out: Record<string, unknown> = { name: rec.name };
  if (rec.email) out.email_configs = [{ to: rec.email.to, send_resolved: rec.email.sendResolved }];
  if (rec.slack) {
    out.slack_configs = [
      {
        channel: rec.slack.channel,
        ...(rec.slack.apiUrlFile ? { api_url_file: rec.slack.apiUrlFile } : {}),
        send_resolved: rec.slack.sendResolved,
        title: SLACK_TITLE,
        text: SLACK_TEXT,
      },
    ];
  }
  if (rec.pagerduty) {
    out.pagerduty_configs = [
      {
        routing_key_file: rec.pagerduty.routingKeyFile,
        send_resolved: rec.pagerduty.sendResolved,
        severity: "{{ .CommonLabels.severity }}",
        description: "{{ .CommonLabels.alertname }} ({{ .CommonLabels.service }}): {{ .CommonAnnotations.summary }}",
      },
    ];
  }
  return out;
}

function timeIntervals(r: RoutingModel): Record<string, unknown>[] {
  return r.timeIntervals.map((ti) => ({
    name: ti.name,
    time_intervals: ti.intervals.map((iv) => ({
      ...(iv.weekdays ? { weekdays: iv.weekdays } : {}),
      ...(iv.times ? { times: iv.times.map((t) => ({ start_time: t.start, end_time: t.end })) } : {}),
      ...(iv.daysOfMonth ? { days_of_month: iv.daysOfMonth } : {}),
      ...(iv.months ? { months: iv.months } : {}),
      ...(iv.years ? { years: iv.years } : {}),
      ...(iv.location ? { location: iv.location } : {}),
    })),
  }));
}
