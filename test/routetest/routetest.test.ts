// Alertmanager's routing, inhibition and time-interval semantics as monac
// implements them (src/routetest/), case by case from Alertmanager's sources:
// dispatch/route.go Match, inhibit/inhibit.go Mutes, timeinterval.go ContainsTime.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  containsTime,
  inhibitedBy,
  matchRoutes,
  parseConfig,
  parseMatcherLine,
  matchesAll,
  parseRoutingTestFile,
  parseTimeInterval,
  receiversOf,
  routeMuted,
  RoutingTestFileError,
  runRoutingTestFile,
  wallClock,
} from "../../src/routetest/index.js";

describe("matchers", () => {
  it("parses the matchers list syntax", () => {
    expect(parseMatcherLine('team="payments"').map((m) => [m.name, m.type, m.value])).toEqual([["team", "=", "payments"]]);
    expect(parseMatcherLine("severity =~ warning|info").map((m) => [m.name, m.type, m.value])).toEqual([["severity", "=~", "warning|info"]]);
    expect(parseMatcherLine('{a!="x,y", b!~"c.*",}').map((m) => [m.name, m.type, m.value])).toEqual([
      ["a", "!=", "x,y"],
      ["b", "!~", "c.*"],
    ]);
    expect(parseMatcherLine('a="q\\"uote\\\\"')[0]!.value).toBe('q"uote\\');
    expect(() => parseMatcherLine('a="open')).toThrow(/unterminated/);
    expect(() => parseMatcherLine("just-text")).toThrow(/not a matcher/);
  });

  it("anchors regexes, reads a missing label as empty", () => {
    expect(matchesAll(parseMatcherLine('s=~"api"'), { s: "api-gw" })).toBe(false);
    expect(matchesAll(parseMatcherLine('s=~"api.*"'), { s: "api-gw" })).toBe(true);
    expect(matchesAll(parseMatcherLine('env=""'), {})).toBe(true);
    expect(matchesAll(parseMatcherLine('env!="dev"'), {})).toBe(true);
    expect(matchesAll(parseMatcherLine('env!~".+"'), {})).toBe(true);
    expect(() => parseMatcherLine('a=~"("')).toThrow(/invalid regular expression/);
  });
});

const CONFIG = `
route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: team-a
      matchers: [team="a"]
      routes:
        - receiver: a-pager
          matchers: [severity="critical"]
          continue: true
        - receiver: a-slack
          matchers: [severity=~"critical|warning"]
        - receiver: a-mail
          matchers: [severity="info"]
          active_time_intervals: [office]
        - receiver: a-night
          matchers: [severity="info"]
    - receiver: muted-b
      matchers: [team="b"]
      mute_time_intervals: [weekend]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity=~"warning|critical"]
    equal: [alertname, instance]
receivers: [{ name: default }, { name: team-a }, { name: a-pager }, { name: a-slack }, { name: a-mail }, { name: a-night }, { name: muted-b }]
time_intervals:
  - name: office
    time_intervals:
      - weekdays: [monday:friday]
        times: [{ start_time: "09:00", end_time: "17:00" }]
        location: Europe/Berlin
  - name: weekend
    time_intervals:
      - weekdays: [saturday, sunday]
`;

describe("routing", () => {
  const cfg = parseConfig(CONFIG);
  it("walks depth first, following continue", () => {
    expect(receiversOf(cfg, { team: "a", severity: "critical" })).toEqual(["a-pager", "a-slack"]);
    expect(receiversOf(cfg, { team: "a", severity: "warning" })).toEqual(["a-slack"]);
    // The first matching info route does not continue.
    expect(receiversOf(cfg, { team: "a", severity: "info" })).toEqual(["a-mail"]);
    // No child matches: the team route itself.
    expect(receiversOf(cfg, { team: "a" })).toEqual(["team-a"]);
    expect(receiversOf(cfg, { team: "z" })).toEqual(["default"]);
  });

  it("inherits group_by and the receiver", () => {
    const [r] = matchRoutes(cfg.route, { team: "b" });
    expect(r!.groupBy).toEqual(["alertname"]);
  });

  it("mutes by active and mute time intervals, on the location's wall clock", () => {
    const [mail] = matchRoutes(cfg.route, { team: "a", severity: "info" });
    // 08:30 UTC on a Monday in winter is 09:30 in Berlin: inside.
    expect(routeMuted(cfg, mail!, Date.parse("2026-01-05T08:30:00Z"))).toBe(false);
    // 16:00 UTC is 17:00 in Berlin: the end is exclusive.
    expect(routeMuted(cfg, mail!, Date.parse("2026-01-05T16:00:00Z"))).toBe(true);
    // In summer Berlin is UTC+2: 07:30 UTC is 09:30.
    expect(routeMuted(cfg, mail!, Date.parse("2026-07-06T07:30:00Z"))).toBe(false);
    expect(routeMuted(cfg, mail!, Date.parse("2026-01-10T10:00:00+01:00"))).toBe(true);
    const [b] = matchRoutes(cfg.route, { team: "b" });
    expect(routeMuted(cfg, b!, Date.parse("2026-01-10T10:00:00Z"))).toBe(true);
    expect(routeMuted(cfg, b!, Date.parse("2026-01-09T23:59:00Z"))).toBe(false);
  });

  it("inhibits on equal labels, a missing label equal to an empty one, never by itself", () => {
    const crit = { alertname: "X", instance: "h1", severity: "critical" };
    expect(inhibitedBy(cfg, { alertname: "X", instance: "h1", severity: "warning" }, [crit])).toBeDefined();
    expect(inhibitedBy(cfg, { alertname: "X", instance: "h2", severity: "warning" }, [crit])).toBeUndefined();
    // Both lack instance: equal.
    expect(inhibitedBy(cfg, { alertname: "X", severity: "warning" }, [{ alertname: "X", severity: "critical" }])).toBeDefined();
    // A critical matches source and target: another critical that also matches both cannot inhibit it.
    expect(inhibitedBy(cfg, crit, [crit])).toBeUndefined();
    expect(inhibitedBy(cfg, crit, [{ ...crit, team: "other" }])).toBeUndefined();
    expect(inhibitedBy(cfg, { alertname: "X", instance: "h1", severity: "warning" }, [])).toBeUndefined();
  });

  it("rejects what Alertmanager rejects", () => {
    expect(() => parseConfig("route: { receiver: nobody }\nreceivers: [{ name: a }]")).toThrow(ConfigError);
    expect(() => parseConfig("route: { receiver: a, routes: [{ active_time_intervals: [x] }] }\nreceivers: [{ name: a }]")).toThrow(/undefined time interval/);
    expect(() => parseConfig("route: { receiver: a, matchers: [x=\"y\"] }\nreceivers: [{ name: a }]")).toThrow(/root route/);
  });
});

describe("time intervals", () => {
  const at = (s: string) => Date.parse(s);
  it("reads negative days of month from the month's end, clamped", () => {
    const last = parseTimeInterval({ days_of_month: ["-1"] }, "t");
    expect(containsTime(last, at("2026-02-28T12:00:00Z"))).toBe(true);
    expect(containsTime(last, at("2026-02-27T12:00:00Z"))).toBe(false);
    expect(containsTime(last, at("2024-02-29T12:00:00Z"))).toBe(true);
    const firstWeek = parseTimeInterval({ days_of_month: ["1:7"], months: ["january", "3:4"], years: ["2026"] }, "t");
    expect(containsTime(firstWeek, at("2026-01-07T23:59:00Z"))).toBe(true);
    expect(containsTime(firstWeek, at("2026-02-03T00:00:00Z"))).toBe(false);
    expect(containsTime(firstWeek, at("2026-04-01T00:00:00Z"))).toBe(true);
    expect(containsTime(firstWeek, at("2027-01-01T00:00:00Z"))).toBe(false);
    // A start past the month's end never matches (31 in February).
    expect(containsTime(parseTimeInterval({ days_of_month: ["31"] }, "t"), at("2026-02-28T00:00:00Z"))).toBe(false);
  });

  it("converts to the location's wall clock", () => {
    expect(wallClock(at("2026-01-04T23:30:00Z"), "Asia/Tokyo")).toEqual({ year: 2026, month: 1, day: 5, weekday: 1, hour: 8, minute: 30 });
    expect(wallClock(at("2026-01-05T00:30:00Z"), undefined).hour).toBe(0);
  });

  it("rejects malformed fields", () => {
    expect(() => parseTimeInterval({ times: [{ start_time: "17:00", end_time: "09:00" }] }, "t")).toThrow(/not before/);
    expect(() => parseTimeInterval({ weekdays: ["funday"] }, "t")).toThrow(/weekday/);
    expect(() => parseTimeInterval({ location: "Mars/Base" }, "t")).toThrow(/unknown location/);
    expect(() => parseTimeInterval({ days_of_month: ["0"] }, "t")).toThrow(/not a day/);
  });
});

describe("routing test files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-routetest-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, "am.yml"), CONFIG);

  it("runs cases and reports what differs", async () => {
    const file = path.join(dir, "a.routing.test.yaml");
    writeFileSync(
      file,
      `config: am.yml
cases:
  - name: critical pages
    alert: { team: a, severity: critical }
    receivers: [a-slack, a-pager]
  - name: wrong
    alert: { team: a, severity: warning }
    receivers: [a-pager]
  - name: inhibited warning
    alert: { alertname: X, team: a, severity: warning }
    firing: [{ alertname: X, severity: critical }]
    inhibited: true
  - name: info at night
    alert: { team: a, severity: info }
    at: "2026-01-05T22:00:00+01:00"
    muted: true
`,
    );
    const r = await runRoutingTestFile(file);
    expect(r.status).toBe("failed");
    expect(r.cases.map((c) => [c.name, c.status])).toEqual([
      ["critical pages", "passed"],
      ["wrong", "failed"],
      ["inhibited warning", "passed"],
      ["info at night", "passed"],
    ]);
    expect(r.cases[1]!.failures).toEqual(["receivers: expected [a-pager], got [a-slack]"]);
    expect(r.cases[1]!.line).toBe(6);
  });

  it("reports invalid files and configs", async () => {
    expect(() => parseRoutingTestFile("f", "config: x\ncases:\n  - name: a\n    alert: {}\n")).toThrow(/states nothing/);
    expect(() => parseRoutingTestFile("f", "config: x\ncases:\n  - name: a\n    alert: {}\n    muted: true\n")).toThrow(/muted needs at/);
    expect(() => parseRoutingTestFile("f", "config: x\ncases:\n  - name: a\n    alert: {}\n    at: yesterday\n    muted: true\n")).toThrow(RoutingTestFileError);
    const file = path.join(dir, "missing.routing.test.yaml");
    writeFileSync(file, "config: nope.yml\ncases: []\n");
    const r = await runRoutingTestFile(file);
    expect(r.status).toBe("invalid");
    expect(r.errors[0]).toMatch(/nope\.yml: cannot read: no such file/);
  });
});
