// Routing policy -> Alertmanager configuration (0.27+ syntax: `matchers`,
// `time_intervals`, `*_file` secrets).
//
// Tree: root (catch-all receiver, grouping) -> one route per team (matched on
// the `team` label every generated alert carries) -> one route per
// (severity, receiver). A severity with several receivers uses `continue` so
// every receiver is notified, and the team route is final so another team's
// routes never see the alert.
import { formatDuration } from "../workspace/duration.js";
import type { ReceiverModel, RoutingModel, ThresholdAlertModel } from "../workspace/model.js";
import { RESERVED_LABELS, type Severity } from "../workspace/schema.js";
import { parseExpression } from "../promql/syntax.js";
import { identityLabels } from "./identity-labels.js";
import { withHeader } from "./header.js";
import { toYaml } from "./rules.js";
import { call, TEMPLATES_REF } from "./alertmanager-templates.js";

/**
 * Labels two alerts must share for one to inhibit the other when monac cannot
 * read the alert's identity from its expression (it does not parse).
 */
export const SEVERITY_INHIBIT_EQUAL = ["alertname", "service", "slo", "job", "instance"];

/** `thresholds`: the threshold alerts, whose inhibit rules are scoped to their series. */
export function alertmanagerConfig(routing: RoutingModel, thresholds: readonly ThresholdAlertModel[] = []): Record<string, unknown> {
  return {
    global: globalSection(routing),
    templates: [TEMPLATES_REF],
    route: routeTree(routing),
    inhibit_rules: inhibitRules(thresholds),
    receivers: receivers(routing),
    ...(routing.timeIntervals.length > 0 ? { time_intervals: timeIntervals(routing) } : {}),
  };
}

export function alertmanagerYaml(routing: RoutingModel, header: string[], thresholds: readonly ThresholdAlertModel[] = []): string {
  return alertmanagerConfigYaml(alertmanagerConfig(routing, thresholds), header);
}

/** alertmanager.yml's text for a config alertmanagerConfig built. */
export function alertmanagerConfigYaml(config: Record<string, unknown>, header: string[]): string {
  return withHeader(header, toYaml(config));
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
          ...(r.smtp.hello !== undefined ? { smtp_hello: r.smtp.hello } : {}),
          ...(r.smtp.tls !== undefined ? { smtp_tls_config: tlsConfig(r.smtp.tls) } : {}),
        }
      : {}),
    ...(r.slackApiUrlFile ? { slack_api_url_file: r.slackApiUrlFile } : {}),
    ...(r.pagerdutyUrl !== undefined ? { pagerduty_url: r.pagerdutyUrl } : {}),
  };
}

/** Prometheus's common TLS config, as Alertmanager reads smtp_tls_config. */
function tlsConfig(tls: NonNullable<NonNullable<RoutingModel["smtp"]>["tls"]>): Record<string, unknown> {
  return {
    ...(tls.caFile !== undefined ? { ca_file: tls.caFile } : {}),
    ...(tls.serverName !== undefined ? { server_name: tls.serverName } : {}),
    ...(tls.insecureSkipVerify !== undefined ? { insecure_skip_verify: tls.insecureSkipVerify } : {}),
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
 * A critical alert mutes the warning and info alerts of the same series, a
 * warning the info ones. Burn-rate tiers need no rule of their own: the tiers
 * of one severity are one alert (see slo-rules.ts), so a fast burn and a slow
 * burn of the same incident are one page, never two.
 *
 * SLO alerts: one SLO is one series, so the same alert, service and slo.
 * Threshold alerts: one rule per alert and pair of its severities, equal on
 * the labels that identify its series (identity-labels.ts): a critical on
 * the disk `/` of a host leaves the warning on `/data` of that host alone.
 */
export function inhibitRules(thresholds: readonly ThresholdAlertModel[] = []): Record<string, unknown>[] {
  const slo = ['slo=~".+"'];
  const rules: Record<string, unknown>[] = [
    { source_matchers: ['severity="critical"', ...slo], target_matchers: ['severity=~"warning|info"', ...slo], equal: ["alertname", "service", "slo"] },
    { source_matchers: ['severity="warning"', ...slo], target_matchers: ['severity="info"', ...slo], equal: ["alertname", "service", "slo"] },
  ];
  const seen = new Set<string>();
  for (const alert of [...thresholds].sort((a, b) => (a.service + "/" + a.name < b.service + "/" + b.name ? -1 : 1))) {
    for (const rule of thresholdInhibitRules(alert)) {
      const key = JSON.stringify(rule);
      if (!seen.has(key)) rules.push(rule);
      seen.add(key);
    }
  }
  return rules;
}

const CLASSIC_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MONAC_SET = new Set<string>(RESERVED_LABELS);

/** The labels of one threshold alert's series, or the old fixed list when its expression does not parse. */
export function thresholdIdentity(alert: ThresholdAlertModel): string[] {
  // The AST validation parsed (parseExpression caches by text), not a second parse.
  const expr = parseExpression(alert.valueExpr ?? alert.levels[0]?.expr ?? "");
  if (expr === undefined) return SEVERITY_INHIBIT_EQUAL;
  const labels = identityLabels(expr).filter((l) => !MONAC_SET.has(l));
  if (!labels.every((l) => CLASSIC_LABEL.test(l))) return SEVERITY_INHIBIT_EQUAL;
  return ["alertname", "service", ...labels];
}

function thresholdInhibitRules(alert: ThresholdAlertModel): Record<string, unknown>[] {
  const has = new Set(alert.levels.map((l) => l.severity));
  const same = [`alertname="${alert.name}"`, `service="${alert.service}"`];
  const equal = thresholdIdentity(alert);
  const rules: Record<string, unknown>[] = [];
  for (const source of ["critical", "warning"] as const) {
    const targets = (source === "critical" ? ["warning", "info"] : ["info"]).filter((s) => has.has(s as Severity));
    if (!has.has(source) || targets.length === 0) continue;
    const target = targets.length === 1 ? `severity="${targets[0]}"` : `severity=~"${targets.join("|")}"`;
    rules.push({ source_matchers: [...same, `severity="${source}"`], target_matchers: [...same, target], equal });
  }
  return rules;
}

// Every text is a template of alertmanager-templates.ts, so one file holds the wording.
const SLACK_FIELDS = { title: call("monac.slack.title"), fallback: call("monac.slack.title"), text: call("monac.slack.text"), color: call("monac.slack.color") };

const EMAIL_FIELDS = { headers: { Subject: call("monac.email.subject") }, html: call("monac.email.html"), text: call("monac.email.text") };

// Flat strings only (see monac.flat); num_firing and num_resolved keep Alertmanager's defaults.
const PAGERDUTY_DETAILS = Object.fromEntries(
  ["summary", "description", "firing", "resolved", "service", "slo", "team", "tier", "runbook", "dashboard"].map((k) => [k, call(`monac.pagerduty.detail.${k}`)]),
);
const PAGERDUTY_FIELDS = {
  severity: "{{ .CommonLabels.severity }}",
  description: call("monac.pagerduty.title"),
  details: PAGERDUTY_DETAILS,
  links: [
    { href: call("monac.runbook"), text: "Runbook" },
    { href: call("monac.dashboard"), text: "Dashboard" },
  ],
};

function receivers(r: RoutingModel): Record<string, unknown>[] {
  return [...r.receivers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(receiver);
}

function receiver(rec: ReceiverModel): Record<string, unknown> {
  const out: Record<string, unknown> = { name: rec.name };
  if (rec.email) out.email_configs = [{ to: rec.email.to, send_resolved: rec.email.sendResolved, ...EMAIL_FIELDS }];
  if (rec.slack) {
    out.slack_configs = [
      {
        channel: rec.slack.channel,
        ...(rec.slack.apiUrlFile ? { api_url_file: rec.slack.apiUrlFile } : {}),
        send_resolved: rec.slack.sendResolved,
        ...SLACK_FIELDS,
      },
    ];
  }
  if (rec.pagerduty) {
    out.pagerduty_configs = [
      {
        routing_key_file: rec.pagerduty.routingKeyFile,
        ...(rec.pagerduty.url !== undefined ? { url: rec.pagerduty.url } : {}),
        send_resolved: rec.pagerduty.sendResolved,
        ...PAGERDUTY_FIELDS,
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
