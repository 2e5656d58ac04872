import { describe, expect, it } from "vitest";
import { alertmanagerConfig, alertmanagerYaml } from "../../src/compile/alertmanager.js";
import { BASE_MONAC_YAML, modelFrom } from "../support/workspace.js";

describe("alertmanager config", () => {
  const { routing } = modelFrom({});

  it("matches the golden", async () => {
    await expect(alertmanagerYaml(routing, ["golden"])).toMatchFileSnapshot("golden/alertmanager.yml");
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

  it("inhibits warnings under criticals; burn-rate tiers need no rule (one alert per severity)", () => {
    const rules = alertmanagerConfig(routing).inhibit_rules as { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    expect(rules.map((r) => `${r.source_matchers[0]} mutes ${r.target_matchers[0]} on ${r.equal.join(",")}`)).toEqual([
      'severity="critical" mutes severity=~"warning|info" on alertname,service,slo,job,instance',
      'severity="warning" mutes severity="info" on alertname,service,slo,job,instance',
    ]);
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
