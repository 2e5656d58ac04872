import { describe, expect, it } from "vitest";
import { alertmanagerConfig, alertmanagerYaml } from "../../src/compile/alertmanager.js";
import { notificationTemplates } from "../../src/compile/alertmanager-templates.js";
import { BASE_MONAC_YAML, modelFrom } from "../support/workspace.js";

describe("alertmanager config", () => {
  // Two threshold alerts: one per process (closed labels), one per filesystem (the series' own labels).
  const { routing, thresholds } = modelFrom({
    "alerts/shop.yaml": `service: shop
team: shop
alerts:
  - name: HighCpu
    expr: 100 * avg by (instance) (rate(process_cpu_seconds_total{job="shop"}[5m]))
    unit: percent
    warning: 80
    critical: 90
  - name: DiskFull
    expr: 100 * (1 - node_filesystem_avail_bytes{job="shop"} / node_filesystem_size_bytes{job="shop"})
    unit: percent
    warning: 85
    critical: 95
`,
  });

  it("matches the golden", async () => {
    await expect(alertmanagerYaml(routing, ["golden"], thresholds)).toMatchFileSnapshot("golden/alertmanager.yml");
  });

  it("matches the golden notification templates", async () => {
    await expect(notificationTemplates(["golden"])).toMatchFileSnapshot("golden/monac.tmpl");
  });

  it("routes each team's severities to all of their receivers", () => {
    const route = alertmanagerConfig(routing).route as { routes: { matchers: string[]; routes: Record<string, unknown>[] }[] };
    const shop = route.routes.find((r) => r.matchers[0] === 'team="shop"')!;
    expect(shop.routes).toEqual([
      { receiver: "shop-pager", matchers: ['severity="critical"'], continue: true },
      { receiver: "shop-slack", matchers: ['severity="critical"'] },
      { receiver: "shop-slack", matchers: ['severity="warning"'] },
      { receiver: "ops-email", matchers: ['severity="info"'], active_time_intervals: ["office-hours"] },
    ]);
  });

  it("inhibits warnings under criticals of the same SLO, or of the same threshold alert's series", () => {
    const rules = alertmanagerConfig(routing, thresholds).inhibit_rules as { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    expect(rules.map((r) => `${r.source_matchers.join(",")} mutes ${r.target_matchers.join(",")} on ${r.equal.join(",")}`)).toMatchInlineSnapshot(`
      [
        "severity="critical",slo=~".+" mutes severity=~"warning|info",slo=~".+" on alertname,service,slo",
        "severity="warning",slo=~".+" mutes severity="info",slo=~".+" on alertname,service,slo",
        "alertname="DiskFull",service="shop",severity="critical" mutes alertname="DiskFull",service="shop",severity="warning" on alertname,service,consumergroup,container,cpu,database,datname,db,device,fstype,instance,interface,job,le,mountpoint,name,namespace,node,partition,pod,quantile,queue,topic",
        "alertname="HighCpu",service="shop",severity="critical" mutes alertname="HighCpu",service="shop",severity="warning" on alertname,service,instance",
      ]
    `);
  });

  it("references secrets only by file", () => {
    const text = alertmanagerYaml(routing, []);
    expect(text).toContain("routing_key_file: /etc/alertmanager/shop-pd-key");
    expect(text).toContain("slack_api_url_file: /etc/alertmanager/slack-url");
    expect(text).not.toMatch(/\b(routing_key|api_url|auth_password|service_key):/);
  });
});

describe("alertmanager time intervals", () => {
  it("writes every field of a time interval, in Alertmanager's names", () => {
    const monac = BASE_MONAC_YAML.replace(
      /timeIntervals:\n(?: {2,}.*\n)+/,
      `timeIntervals:
  office-hours:
    - weekdays: ["monday:friday"]
      times: [{ start: "09:00", end: "17:00" }]
      daysOfMonth: [1, "-7:-1"]
      months: ["january:march", 12]
      years: [2026]
      location: Europe/Berlin
`,
    );
    const { routing } = modelFrom({ "monac.yaml": monac });
    expect((alertmanagerConfig(routing).time_intervals as unknown[])[0]).toEqual({
      name: "office-hours",
      time_intervals: [
        {
          weekdays: ["monday:friday"],
          times: [{ start_time: "09:00", end_time: "17:00" }],
          days_of_month: ["1", "-7:-1"],
          months: ["january:march", "12"],
          years: ["2026"],
          location: "Europe/Berlin",
        },
      ],
    });
  });
});

describe("alertmanager endpoint overrides", () => {
  it("writes the PagerDuty URL globally and per receiver, and SMTP hello and TLS", () => {
    const monac = BASE_MONAC_YAML.replace(
      "  smtp:\n",
      "  pagerduty: { url: http://127.0.0.1:9999/v2/enqueue }\n  smtp:\n    hello: am.example.com\n    tls: { caFile: /etc/ssl/ca.pem, insecureSkipVerify: false }\n",
    ).replace("routingKeyFile: /etc/alertmanager/shop-pd-key", "routingKeyFile: /etc/alertmanager/shop-pd-key, url: https://events.eu.pagerduty.com/v2/enqueue");
    const config = alertmanagerConfig(modelFrom({ "monac.yaml": monac }).routing);
    expect(config.global).toMatchObject({
      pagerduty_url: "http://127.0.0.1:9999/v2/enqueue",
      smtp_hello: "am.example.com",
      smtp_tls_config: { ca_file: "/etc/ssl/ca.pem", insecure_skip_verify: false },
    });
    const pager = (config.receivers as { name: string; pagerduty_configs?: { url?: string }[] }[]).find((r) => r.name === "shop-pager")!;
    expect(pager.pagerduty_configs![0]!.url).toBe("https://events.eu.pagerduty.com/v2/enqueue");
  });
});
