// monac's verdict on monac.yaml routing settings against Alertmanager's own:
// each variant says whether it is valid, and the real `amtool check-config`
// (Alertmanager 0.33) must agree on the config monac would write for it,
// which is compiled here even when monac refuses the spec (routingModel, the
// same mapping buildRouting uses). Where monac is deliberately stricter
// (Alertmanager loads the config but it cannot work: a month 13, an address
// it parses only when sending), the variant says why, and amtool must accept
// it, so a change on either side shows up here.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { isError, formatDiagnostic } from "../../src/workspace/diagnostics.js";
import { WorkspaceFile } from "../../src/workspace/schema.js";
import { routingModel } from "../../src/workspace/validate.js";
import { alertmanagerYaml } from "../../src/compile/alertmanager.js";
import { describeWithTool, runTool } from "../support/tools.js";

type Spec = {
  alertmanager: Record<string, unknown> & { smtp: Record<string, unknown> };
  timeIntervals: Record<string, Record<string, unknown>[]>;
  receivers: Record<string, unknown>;
  teams: Record<string, unknown>;
};

function baseSpec(): Spec {
  return {
    alertmanager: {
      defaultReceiver: "ops-email",
      smtp: { from: "am@example.com", smarthost: "smtp.example.com:587" },
      slack: { apiUrlFile: "/etc/alertmanager/slack-url" },
    },
    timeIntervals: { "office-hours": [{ weekdays: ["monday:friday"], times: [{ start: "09:00", end: "17:00" }] }] },
    receivers: { "ops-email": { email: { to: "ops@example.com" } }, "shop-slack": { slack: { channel: "#shop" } } },
    teams: { shop: { critical: ["shop-slack"], info: { receivers: ["ops-email"], during: ["office-hours"] } } },
  };
}

interface Variant {
  name: string;
  change: (spec: Spec) => void;
  /** Valid for both; otherwise the field path of monac's finding. */
  error?: string;
  /** Why monac refuses what Alertmanager loads. */
  stricter?: string;
  /** Zone files the host's Alertmanager must have for the variant to be valid there. */
  zones?: string[];
}

const interval = (entry: Record<string, unknown>) => (spec: Spec) => {
  spec.timeIntervals["office-hours"] = [entry];
};
const am = (settings: Record<string, unknown>) => (spec: Spec) => Object.assign(spec.alertmanager, settings);
const smtp = (settings: Record<string, unknown>) => (spec: Spec) => Object.assign(spec.alertmanager.smtp, settings);
const TI = "timeIntervals.office-hours[0]";

const VARIANTS: Variant[] = [
  // Valid.
  { name: "the base", change: () => undefined },
  { name: "a PagerDuty URL with a bad escape", change: am({ pagerduty: { url: "https://events.pagerduty.com/v2/%zz" } }), error: "alertmanager.pagerduty.url" },
  { name: "a PagerDuty URL with a bad host", change: am({ pagerduty: { url: "https://[::1/v2/enqueue" } }), error: "alertmanager.pagerduty.url" },
  {
    name: "endpoint overrides: PagerDuty URL (global and per receiver), SMTP hello and TLS",
    change: (s) => {
      am({ pagerduty: { url: "http://127.0.0.1:9999/v2/enqueue" } })(s);
      smtp({ hello: "alertmanager.example.com", requireTls: false, tls: { caFile: "/etc/ssl/ca.pem", serverName: "smtp.example.com", insecureSkipVerify: true } })(s);
      s.receivers["eu-pager"] = { pagerduty: { routingKeyFile: "/etc/alertmanager/eu-key", url: "https://events.eu.pagerduty.com/v2/enqueue" } };
      s.teams["shop"] = { critical: ["shop-slack", "eu-pager"], info: { receivers: ["ops-email"], during: ["office-hours"] } };
    },
  },
  { name: "a whole day, 00:00 to 24:00", change: interval({ times: [{ start: "00:00", end: "24:00" }] }) },
  { name: "weekdays in any case, sunday:saturday", change: interval({ weekdays: ["sunday:saturday", "Monday", "TUESDAY:thursday"] }) },
  { name: "days of the month, negative from the end", change: interval({ daysOfMonth: [1, "-1", "1:-1", "-7:-1", "+5", "10:28"] }) },
  { name: "months by name and number", change: interval({ months: ["january:march", 12, "DECEMBER", "4:5"] }) },
  { name: "years and ranges", change: interval({ years: [2026, "2026:2030"] }) },
  { name: "canonical zones, UTC and Local", change: (s) => void (s.timeIntervals["office-hours"] = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/GMT+5", "UTC", "Local"].map((location) => ({ location }))) },
  {
    name: "zone aliases from tzdata's backward file",
    change: (s) => void (s.timeIntervals["office-hours"] = ["US/Eastern", "Asia/Calcutta", "Europe/Kiev", "GMT", "EST"].map((location) => ({ location }))),
    zones: ["US/Eastern", "Asia/Calcutta", "Europe/Kiev", "GMT", "EST"],
  },
  { name: 'groupBy ["..."]', change: am({ groupBy: ["..."] }) },
  { name: "groupBy []", change: am({ groupBy: [] }) },
  { name: "a display name in from, an IPv6 smarthost", change: smtp({ from: "Alertmanager <am@example.com>", smarthost: "[2001:db8::1]:587" }) },
  { name: "several addresses in to", change: (s) => void (s.receivers["ops-email"] = { email: { to: "Ops <ops@example.com>, oncall@example.com" } }) },
  { name: "the longest repeatInterval", change: am({ repeatInterval: "106751d" }) },

  // Invalid for both.
  { name: "times crossing midnight", change: interval({ times: [{ start: "17:00", end: "09:00" }] }), error: `${TI}.times[0]` },
  { name: "an empty time range", change: interval({ times: [{ start: "09:00", end: "09:00" }] }), error: `${TI}.times[0]` },
  { name: "a time without its leading zero", change: interval({ times: [{ start: "9:00", end: "17:00" }] }), error: `${TI}.times[0].start` },
  { name: "a time past 24:00", change: interval({ times: [{ start: "09:00", end: "24:01" }] }), error: `${TI}.times[0].end` },
  { name: "a weekday range wrapping the week", change: interval({ weekdays: ["saturday:sunday"] }), error: `${TI}.weekdays[0]` },
  { name: "a misspelt weekday", change: interval({ weekdays: ["fridya"] }), error: `${TI}.weekdays[0]` },
  { name: "a range of three", change: interval({ weekdays: ["monday:tuesday:wednesday"] }), error: `${TI}.weekdays[0]` },
  { name: "day 0", change: interval({ daysOfMonth: [0] }), error: `${TI}.daysOfMonth[0]` },
  { name: "day 32", change: interval({ daysOfMonth: ["1:32"] }), error: `${TI}.daysOfMonth[0]` },
  { name: "a negative start with a positive end", change: interval({ daysOfMonth: ["-5:3"] }), error: `${TI}.daysOfMonth[0]` },
  { name: "a day range empty in February", change: interval({ daysOfMonth: ["20:-15"] }), error: `${TI}.daysOfMonth[0]` },
  { name: "a month range wrapping the year", change: interval({ months: ["december:february"] }), error: `${TI}.months[0]` },
  { name: "an abbreviated month", change: interval({ months: ["jan"] }), error: `${TI}.months[0]` },
  { name: "a backwards year range", change: interval({ years: ["2027:2026"] }), error: `${TI}.years[0]` },
  { name: "an unknown zone", change: interval({ location: "Europe/Nowhere" }), error: `${TI}.location` },
  { name: "a zone in the wrong case", change: interval({ location: "europe/berlin" }), error: `${TI}.location` },
  { name: "a zone ICU knows but tzdata dropped", change: interval({ location: "US/Pacific-New" }), error: `${TI}.location` },
  { name: "a zone name climbing out of the zoneinfo folder", change: interval({ location: "Europe/../UTC" }), error: `${TI}.location` },
  { name: '"..." with label names', change: am({ groupBy: ["alertname", "..."] }), error: "alertmanager.groupBy[1]" },
  { name: "a label twice in groupBy", change: am({ groupBy: ["service", "service"] }), error: "alertmanager.groupBy[1]" },
  { name: "an empty label in groupBy", change: am({ groupBy: [""] }), error: "alertmanager.groupBy[0]" },
  { name: "an IPv6 smarthost without brackets", change: smtp({ smarthost: "2001:db8::1:587" }), error: "alertmanager.smtp.smarthost" },
  { name: "a smarthost without a port", change: smtp({ smarthost: "smtp.example.com" }), error: "alertmanager.smtp.smarthost" },
  // A duration past Go's 106751d is refused by the spec's shape (fixture 87-durations.yaml); amtool says "duration out of range".

  // Refused by monac, loaded by Alertmanager.
  { name: "month 13", change: interval({ months: ["13"] }), error: `${TI}.months[0]`, stricter: "Alertmanager reads any integer as a month" },
  { name: "year -5", change: interval({ years: [-5] }), error: `${TI}.years[0]`, stricter: "Alertmanager reads any integer as a year" },
  { name: "a non-classic label name", change: am({ groupBy: ["foo-bar"] }), error: "alertmanager.groupBy[0]", stricter: "Alertmanager's UTF-8 mode takes any label name; monac's alerts carry classic ones" },
  { name: "a double dot in to", change: (s) => void (s.receivers["ops-email"] = { email: { to: "ops..team@example.com" } }), error: "receivers.ops-email.email.to", stricter: "Alertmanager parses addresses only when it sends" },
  { name: "a from without @", change: smtp({ from: "alertmanager at example.com" }), error: "alertmanager.smtp.from", stricter: "Alertmanager parses addresses only when it sends" },
  { name: "a port past 65535", change: smtp({ smarthost: "smtp.example.com:99999" }), error: "alertmanager.smtp.smarthost", stricter: "Alertmanager checks only that there is a port; dialling it fails" },
];

function variantText(v: Variant): string {
  const spec = baseSpec();
  v.change(spec);
  return stringify(spec);
}

describe("monac's verdict on routing settings", () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))("%s", (_name, v) => {
    const loaded = loadWorkspaceFromTexts([{ rel: "monac.yaml", text: variantText(v) }]);
    const errors = loaded.diagnostics.filter(isError);
    if (v.error === undefined) {
      expect(errors.map(formatDiagnostic)).toEqual([]);
      expect(loaded.model).toBeDefined();
    } else {
      expect(errors.map((d) => d.path)).toEqual([v.error]);
      expect(loaded.model).toBeUndefined();
    }
  });
});

describeWithTool("amtool", "amtool check-config agrees on the config monac would write", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-amtool-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(VARIANTS.map((v, i) => [v.name, v, i] as const))("%s", async (_name, v, i) => {
    const shape = WorkspaceFile.safeParse(parse(variantText(v)));
    expect(shape.success, "every variant has a valid shape: only its values are wrong").toBe(true);
    const file = path.join(dir, `alertmanager-${i}.yml`);
    writeFileSync(file, alertmanagerYaml(routingModel(shape.data!), []));
    const r = await runTool("amtool", ["check-config", file]);
    const missingZones = (v.zones ?? []).filter((z) => !existsSync(path.join("/usr/share/zoneinfo", z)));
    if (missingZones.length > 0) {
      console.warn(`!! "${v.name}": this host's tzdata lacks ${missingZones.join(", ")} (Debian's tzdata-legacy); amtool's verdict not compared`);
      return;
    }
    const amtoolAccepts = v.error === undefined || v.stricter !== undefined;
    expect(r.code === 0, `amtool check-config:\n${r.stdout}${r.stderr}`).toBe(amtoolAccepts);
  });
});
