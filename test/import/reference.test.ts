// The reference specs of Sloth and Pyrra in ../shared/reference: exact
// findings, golden outputs (test/import/golden/), and outputs that load
// cleanly through monac's own loader.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { ImportFormat, ImportOptions, ImportSource } from "../../src/import/index.js";
import { describeWithShared, itWithShared, sharedPath } from "../support/shared.js";
import { importAndLoad } from "./helpers.js";

const REF = sharedPath("reference");

function source(rel: string): ImportSource {
  return { path: rel, text: readFileSync(`${REF}/${rel}`, "utf8") };
}

interface Case {
  format: ImportFormat;
  file: string;
  /** Golden file name under test/import/golden/<format>/. */
  golden: string;
  team?: string;
  windows?: string;
  findings: string[];
  /** Services written. */
  files: string[];
}

const CASES: Case[] = [
  {
    format: "sloth", file: "sloth/getting-started.yml", golden: "getting-started",
    findings: [
      "sloth/getting-started.yml:6:9: warning: labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/getting-started.yml:25:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:26:24: warning: slos[0].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/getting-started.yml:29:21: warning: slos[0].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:30:26: warning: slos[0].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/k8s-getting-started.yml", golden: "k8s-getting-started",
    findings: [
      "sloth/k8s-getting-started.yml:16:11: warning: spec.labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/k8s-getting-started.yml:33:23: warning: spec.slos[0].alerting.pageAlert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/k8s-getting-started.yml:34:26: warning: spec.slos[0].alerting.pageAlert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/k8s-getting-started.yml:37:23: warning: spec.slos[0].alerting.ticketAlert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/k8s-getting-started.yml:38:28: warning: spec.slos[0].alerting.ticketAlert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/kubernetes-apiserver.yml", golden: "kubernetes-apiserver-no-team",
    findings: [
      "sloth/kubernetes-apiserver.yml:21:10: service: no team for service \"k8s-apiserver\": Sloth has no team field and the spec has no \"owner\" or \"team\" label; pass --team <name> (a team declared in monac.yaml); nothing imported from this document",
    ],
    files: [],
  },
  {
    format: "sloth", file: "sloth/kubernetes-apiserver.yml", golden: "kubernetes-apiserver", team: "shop",
    findings: [],
    files: ["k8s-apiserver.yaml"],
  },
  {
    format: "sloth", file: "sloth/raw-home-wifi.yml", golden: "raw-home-wifi", team: "shop",
    findings: [
      "sloth/raw-home-wifi.yml:38:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"home\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
    ],
    files: ["home-wifi.yaml"],
  },
  {
    format: "sloth", file: "sloth/no-alerts.yml", golden: "no-alerts",
    findings: [],
    files: ["myapp.yaml"],
  },
  {
    format: "sloth", file: "sloth/contrib-slo-plugins.yml", golden: "contrib-slo-plugins",
    findings: [
      "sloth/contrib-slo-plugins.yml:6:9: warning: labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/contrib-slo-plugins.yml:14:15: warning: slos[0].plugins.chain[0].id: SLO plugin sloth.dev/contrib/info_labels/v1 is not imported: it only adds labels to Sloth's SLO info metric, which monac does not write",
      "sloth/contrib-slo-plugins.yml:33:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/contrib-slo-plugins.yml:34:24: warning: slos[0].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/contrib-slo-plugins.yml:37:21: warning: slos[0].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/contrib-slo-plugins.yml:38:26: warning: slos[0].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/contrib-slo-plugins.yml:45:15: warning: slos[1].plugins.chain[0].id: SLO plugin sloth.dev/contrib/rule_intervals/v1 is not imported: it only changes the evaluation interval of Sloth's rule groups; monac's is evaluationInterval in monac.yaml, for all SLOs",
      "sloth/contrib-slo-plugins.yml:62:21: warning: slos[1].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/contrib-slo-plugins.yml:63:24: warning: slos[1].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/contrib-slo-plugins.yml:66:21: warning: slos[1].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/contrib-slo-plugins.yml:67:26: warning: slos[1].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/in-base.yaml", golden: "in-base", team: "shop",
    findings: [
      "sloth/in-base.yaml:20:20: warning: slos[0].alerting.annotations.alert02k1: annotation \"alert02k1\" is not imported: monac's alerts have summary, description and runbook, and no other annotations",
      "sloth/in-base.yaml:23:22: warning: slos[0].alerting.page_alert.labels.alert03k1: label \"alert03k1\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/in-base.yaml:26:22: warning: slos[0].alerting.ticket_alert.labels.alert04k1: label \"alert04k1\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["svc01.yaml"],
  },
  {
    format: "sloth", file: "sloth/openslo-getting-started.yml", golden: "openslo-getting-started", team: "shop",
    findings: [],
    files: ["my-service.yaml"],
  },
  {
    format: "openslo", file: "sloth/openslo-getting-started.yml", golden: "openslo-getting-started", team: "shop",
    findings: [],
    files: ["my-service.yaml"],
  },
  {
    format: "sloth", file: "sloth/getting-started.yml", golden: "getting-started.windows_7d", windows: "sloth/windows_7d.yaml",
    findings: [
      "sloth/getting-started.yml:6:9: warning: labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/getting-started.yml:25:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:26:24: warning: slos[0].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/getting-started.yml:29:21: warning: slos[0].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:30:26: warning: slos[0].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/getting-started.yml", golden: "getting-started.test_windows_7d", windows: "sloth/test_windows_7d.yaml",
    findings: [
      "sloth/getting-started.yml:6:9: warning: labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/getting-started.yml:25:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:26:24: warning: slos[0].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/getting-started.yml:29:21: warning: slos[0].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:30:26: warning: slos[0].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/getting-started.yml", golden: "getting-started.google-28d", windows: "sloth/google-28d.yaml",
    findings: [
      "sloth/getting-started.yml:6:9: warning: labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/getting-started.yml:25:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:26:24: warning: slos[0].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/getting-started.yml:29:21: warning: slos[0].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:30:26: warning: slos[0].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/getting-started.yml", golden: "getting-started.google-30d", windows: "sloth/google-30d.yaml",
    findings: [
      "sloth/getting-started.yml:6:9: warning: labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/getting-started.yml:25:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:26:24: warning: slos[0].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/getting-started.yml:29:21: warning: slos[0].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:30:26: warning: slos[0].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/getting-started.yml", golden: "getting-started.windows_custom-30d", windows: "sloth/windows_custom-30d.yaml",
    findings: [
      "sloth/getting-started.yml:6:9: warning: labels.tier: label \"tier\" is renamed \"service_tier\": monac sets \"tier\" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      "sloth/getting-started.yml:25:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"pageteam\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:26:24: warning: slos[0].alerting.page_alert.labels.routing_key: label \"routing_key\" of the page alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/getting-started.yml:29:21: warning: slos[0].alerting.ticket_alert.labels.severity: severity label \"slack\" is not one of critical, warning, info: it is Sloth's routing; monac's ticket tiers keep severity warning and monac routes by team and severity (monac.yaml)",
      "sloth/getting-started.yml:30:26: warning: slos[0].alerting.ticket_alert.labels.slack_channel: label \"slack_channel\" of the ticket alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml",
      "sloth/windows_custom-30d.yaml:8:20: warning: spec.page.quick.shortWindow: shortWindow 2m is rounded up to 5m: monac's windows are multiples of 5m (it records 5m event counts)",
    ],
    files: ["myservice.yaml"],
  },
  {
    format: "sloth", file: "sloth/raw-home-wifi.yml", golden: "raw-home-wifi.windows_7d", team: "shop", windows: "sloth/windows_7d.yaml",
    findings: [
      "sloth/raw-home-wifi.yml:38:21: warning: slos[0].alerting.page_alert.labels.severity: severity label \"home\" is not one of critical, warning, info: it is Sloth's routing; monac's page tiers keep severity critical and monac routes by team and severity (monac.yaml)",
    ],
    files: ["home-wifi.yaml"],
  },
  {
    format: "pyrra", file: "pyrra/caddy-response-latency.yaml", golden: "caddy-response-latency", team: "shop",
    findings: [
      "pyrra/caddy-response-latency.yaml:4:9: warning: metadata.name: Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window",
      "pyrra/caddy-response-latency.yaml:4:9: warning: metadata.name: tier page-fast is disabled: spending 2% of a 28d budget in 1h is a burn rate of 13.44, an error ratio of 1.344 (over 1) at objective 90%: it could never fire",
    ],
    files: ["caddy-response-latency.yaml"],
  },
  {
    format: "pyrra", file: "pyrra/prometheus-http.yaml", golden: "prometheus-http", team: "shop",
    findings: [
      "pyrra/prometheus-http.yaml:4:9: warning: metadata.name: Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window",
      "pyrra/prometheus-http.yaml:6:5: warning: metadata.labels: labels prometheus, role are not imported: they label the Kubernetes object (e.g. for prometheus-operator to pick up its rules), Pyrra does not put them on its rules; monac writes rule files",
      "pyrra/prometheus-http.yaml:18:9: warning: spec.indicator.ratio.grouping: grouping by handler is not imported: monac alerts on the SLO as a whole, not per group",
    ],
    files: ["prometheus-api-query.yaml"],
  },
  {
    format: "pyrra", file: "pyrra/prometheus-probe-success.yaml", golden: "prometheus-probe-success", team: "shop",
    findings: [
      "pyrra/prometheus-probe-success.yaml:4:9: warning: metadata.name: Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window",
      "pyrra/prometheus-probe-success.yaml:6:5: warning: metadata.labels: labels prometheus, role are not imported: they label the Kubernetes object (e.g. for prometheus-operator to pick up its rules), Pyrra does not put them on its rules; monac writes rule files",
      "pyrra/prometheus-probe-success.yaml:15:9: warning: spec.indicator.bool_gauge.grouping: grouping by target is not imported: monac alerts on the SLO as a whole, not per group",
    ],
    files: ["prometheus-blackbox-probe-success.yaml"],
  },
  {
    format: "pyrra", file: "pyrra/pyrra-connect-latency.yaml", golden: "pyrra-connect-latency", team: "shop",
    findings: [
      "pyrra/pyrra-connect-latency.yaml:4:9: warning: metadata.name: Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window",
      "pyrra/pyrra-connect-latency.yaml:7:5: warning: metadata.labels: labels prometheus, role are not imported: they label the Kubernetes object (e.g. for prometheus-operator to pick up its rules), Pyrra does not put them on its rules; monac writes rule files",
      "pyrra/pyrra-connect-latency.yaml:19:9: warning: spec.indicator.latencyNative.grouping: grouping by service, method is not imported: monac alerts on the SLO as a whole, not per group",
    ],
    files: ["pyrra-connect-latency.yaml"],
  },
  {
    format: "pyrra", file: "pyrra/slo-apiserver-write-response-errors.yaml", golden: "slo-apiserver-write-response-errors", team: "shop",
    findings: [
      "pyrra/slo-apiserver-write-response-errors.yaml:5:5: warning: metadata.labels: labels prometheus, role are not imported: they label the Kubernetes object (e.g. for prometheus-operator to pick up its rules), Pyrra does not put them on its rules; monac writes rule files",
      "pyrra/slo-apiserver-write-response-errors.yaml:7:9: warning: metadata.name: Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window",
    ],
    files: ["apiserver-write-response-errors.yaml"],
  },
];

describeWithShared(REF, "import: reference specs", () => {
  for (const c of CASES) {
    const title = `${c.format} ${c.file}${c.team ? ` --team ${c.team}` : ""}${c.windows ? ` --windows ${c.windows}` : ""}`;
    itWithShared([`${REF}/${c.file}`, ...(c.windows ? [`${REF}/${c.windows}`] : [])], title, async () => {
      const options: ImportOptions = {};
      if (c.team) options.team = c.team;
      if (c.windows) options.windows = source(c.windows);
      const { result, findings } = importAndLoad(c.format, [source(c.file)], options);
      expect(findings).toEqual(c.findings);
      expect(result.files.map((f) => f.path)).toEqual(c.files);
      const text = result.files.map((f) => (result.files.length > 1 ? `# ---- ${f.path}\n${f.text}` : f.text)).join("");
      await expect(text === "" ? "# (no file: nothing could be imported)\n" : text).toMatchFileSnapshot(`golden/${c.format}/${c.golden}.yaml`);
    });
  }
});
