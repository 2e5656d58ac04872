// The checks monac.yaml's routing values get before monac writes them into
// alertmanager.yml (src/workspace/alertmanager-check.ts), and the warning
// level of findings: reported, printed, never a reason to refuse a build.
import { describe, expect, it } from "vitest";
import {
  dayOfMonthRangeProblem,
  fromAddressProblem,
  groupByProblems,
  locationProblem,
  monthRangeProblem,
  parseClock,
  smarthostProblem,
  timeRangeProblem,
  toAddressesProblem,
  weekdayRangeProblem,
  yearRangeProblem,
} from "../../src/workspace/alertmanager-check.js";
import { TZ_NAMES } from "../../src/workspace/tz-names.js";
import { formatDiagnostic, isError, isWarning } from "../../src/workspace/diagnostics.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { BASE_MONAC_YAML } from "../support/workspace.js";

describe("time intervals", () => {
  it("reads times as Alertmanager does: HH:MM from 00:00 to 24:00", () => {
    expect(["00:00", "09:30", "23:59", "24:00"].map(parseClock)).toEqual([0, 570, 1439, 1440]);
    expect(["9:00", "24:01", "25:00", "12:60", "12:5", " 12:00", "1200"].map(parseClock)).toEqual(Array(7).fill(undefined));
    expect(timeRangeProblem("00:00", "24:00")).toBeUndefined();
    expect(timeRangeProblem("22:00", "06:00")).toMatch(/cannot cross midnight; write two, 22:00 to 24:00 and 00:00 to 06:00/);
    expect(timeRangeProblem("24:00", "24:00")).toMatch(/empty/);
  });

  it("takes weekday ranges from sunday to saturday, in any case", () => {
    for (const ok of ["monday", "Monday:FRIDAY", "sunday:saturday", "saturday:saturday"]) expect(weekdayRangeProblem(ok), ok).toBeUndefined();
    expect(weekdayRangeProblem("saturday:sunday")).toMatch(/runs backwards.*write "saturday" and "sunday"/);
    expect(weekdayRangeProblem("thursday:tuesday")).toMatch(/write "thursday:saturday" and "sunday:tuesday"/);
    expect(weekdayRangeProblem("mon")).toMatch(/did you mean "monday"/);
    expect(weekdayRangeProblem("monday:")).toMatch(/"" is not a day of the week/);
  });

  it("applies Alertmanager's day-of-month rules, negative days counting from the end", () => {
    for (const ok of ["1", "31", "-1", "-31", "1:-1", "-7:-1", "+5", "10:28", "27:-1"]) expect(dayOfMonthRangeProblem(ok), ok).toBeUndefined();
    expect(dayOfMonthRangeProblem("0")).toMatch(/out of range/);
    expect(dayOfMonthRangeProblem("-32")).toMatch(/out of range/);
    expect(dayOfMonthRangeProblem("-5:3")).toMatch(/must end at a negative day too/);
    // Alertmanager compares with a negative day as 28 + day: -1 as 27, before 28.
    expect(dayOfMonthRangeProblem("28:-1")).toMatch(/can end before it starts.*\(here 27 < 28\)/);
    expect(dayOfMonthRangeProblem("1.5")).toMatch(/expected a day of the month/);
  });

  it("takes months by name or number, and positive years, in order", () => {
    for (const ok of ["january", "JANUARY:march", "1:12", "12"]) expect(monthRangeProblem(ok), ok).toBeUndefined();
    expect(monthRangeProblem("jan")).toMatch(/did you mean "january"/);
    expect(monthRangeProblem("13")).toMatch(/months are 1 to 12/);
    expect(monthRangeProblem("november:february")).toMatch(/write "november:december" and "january:february"/);
    for (const ok of ["2026", "2026:2030"]) expect(yearRangeProblem(ok), ok).toBeUndefined();
    expect(yearRangeProblem("0")).toMatch(/positive/);
    expect(yearRangeProblem("2030:2026")).toMatch(/runs backwards/);
  });
});

describe("locations: what Go's time.LoadLocation finds in the tz database", () => {
  it("accepts UTC, Local, zones and their aliases, spelt exactly", () => {
    for (const ok of ["UTC", "Local", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "US/Eastern", "Asia/Calcutta", "Asia/Kolkata", "Europe/Kyiv", "Europe/Kiev", "GMT", "EST5EDT"]) {
      expect(locationProblem(ok), ok).toBeUndefined();
    }
  });

  it("rejects other spellings, though Node's Intl takes them", () => {
    expect(locationProblem("europe/berlin")).toMatch(/case-sensitive; did you mean "Europe\/Berlin"/);
    expect(locationProblem("utc")).toMatch(/did you mean "UTC"/);
    expect(locationProblem("local")).toMatch(/unknown time zone "local"/);
    // ICU still knows names tzdata dropped; Alertmanager's host does not.
    for (const gone of ["US/Pacific-New", "SystemV/AST4", "Canada/East-Saskatchewan"]) {
      expect(() => new Intl.DateTimeFormat("en", { timeZone: gone })).not.toThrow();
      expect(locationProblem(gone), gone).toMatch(/unknown time zone/);
    }
    expect(locationProblem("Europe/Nowhere")).toMatch(/expected a name from the IANA tz database/);
    expect(locationProblem("")).toMatch(/leave location out for UTC/);
    expect(locationProblem("+01:00")).toMatch(/unknown time zone/);
  });

  it("lists only names Node's Intl knows too, and every zone Intl calls canonical", () => {
    const rejected = [...TZ_NAMES].filter((name) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: name });
        return false;
      } catch {
        return true;
      }
    });
    expect(rejected).toEqual([]);
    const intlOnly = Intl.supportedValuesOf("timeZone").filter((name) => !TZ_NAMES.has(name));
    // Names newer than the list are accepted through Intl; say so when the list is stale.
    if (intlOnly.length > 0) console.warn(`tz-names.ts lacks zones this Node knows: ${intlOnly.join(", ")}`);
    for (const name of intlOnly) expect(locationProblem(name)).toBeUndefined();
  });
});

describe("grouping, SMTP and addresses", () => {
  it("checks groupBy as Route.UnmarshalYAML does", () => {
    expect(groupByProblems(["alertname", "service"])).toEqual([]);
    expect(groupByProblems(["..."])).toEqual([]);
    expect(groupByProblems([])).toEqual([]);
    expect(groupByProblems(["...", "alertname"]).map((p) => p.index)).toEqual([0]);
    expect(groupByProblems(["a", "b", "a", "a"]).map((p) => p.index)).toEqual([2, 3]);
    expect(groupByProblems(["1abc", "a.b", ""]).map((p) => p.index)).toEqual([0, 1, 2]);
  });

  it("wants host:port with a numeric port for the smarthost", () => {
    for (const ok of ["smtp.example.com:587", "localhost:25", "10.0.0.1:465", "[2001:db8::1]:587"]) expect(smarthostProblem(ok), ok).toBeUndefined();
    expect(smarthostProblem("smtp.example.com")).toMatch(/the port is missing/);
    expect(smarthostProblem("2001:db8::1:587")).toMatch(/in brackets/);
    expect(smarthostProblem(":587")).toMatch(/the host is missing/);
    expect(smarthostProblem("smtp.example.com:")).toMatch(/1 to 65535/);
    expect(smarthostProblem("smtp.example.com:smtp")).toMatch(/1 to 65535/);
    expect(smarthostProblem("smtp.example.com:0")).toMatch(/1 to 65535/);
  });

  it("reads addresses as Go's net/mail does", () => {
    for (const ok of ["am@example.com", "Alertmanager <am@example.com>", '"Alert, Manager" <am@example.com>', "first.last+tag@mail.example.com", '"odd local"@example.com', "ops@localhost"]) {
      expect(fromAddressProblem(ok), ok).toBeUndefined();
    }
    expect(toAddressesProblem("a@example.com, B <b@example.com>,c@example.com")).toBeUndefined();
    expect(fromAddressProblem("a@example.com, b@example.com")).toMatch(/expected a single address/);
    for (const bad of ["am", "am@", "@example.com", ".am@example.com", "am.@example.com", "a..m@example.com", "am@example..com", "am@[10.0.0.1]", "Alertmanager <am@example.com", "am@example.com>", "a@b c", "{{ .x }}@example.com"]) {
      expect(toAddressesProblem(bad), bad).toBeDefined();
    }
    expect(toAddressesProblem("a@example.com; b@example.com")).toMatch(/separate addresses with commas/);
  });
});

describe("warnings", () => {
  const load = (monac: string) => checkWorkspace(loadWorkspaceFromTexts([{ rel: "monac.yaml", text: monac }]));
  const withSpare = BASE_MONAC_YAML.replace("receivers:\n", "receivers:\n  spare:\n    email: { to: spare@example.com }\n");

  it("are printed with the word warning, and leave the model", () => {
    const r = load(withSpare);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'monac.yaml:13:3: warning: receivers.spare: receiver "spare" is not used: no team routes to it and it is not alertmanager.defaultReceiver',
    ]);
    expect(r.diagnostics.every(isWarning)).toBe(true);
    expect(r.model).toBeDefined();
    expect(r.model!.routing.receivers.map((x) => x.name)).toContain("spare");
  });

  it("come with errors too, and then the errors decide", () => {
    const r = load(withSpare.replace("defaultReceiver: ops-email", "defaultReceiver: nobody"));
    expect(r.diagnostics.filter(isError).map((d) => d.path)).toEqual(["alertmanager.defaultReceiver"]);
    // ops-email is used by a team still; only spare is unused.
    expect(r.diagnostics.filter(isWarning).map((d) => d.path)).toEqual(["receivers.spare"]);
    expect(r.model).toBeUndefined();
  });

  it("flag a repeatInterval Alertmanager would not honour", () => {
    const longer = load(BASE_MONAC_YAML.replace("alertmanager:\n", "alertmanager:\n  repeatInterval: 7d\n"));
    expect(longer.diagnostics.map(formatDiagnostic)).toEqual([
      "monac.yaml:2:19: warning: alertmanager.repeatInterval: repeatInterval (7d) is longer than Alertmanager's default notification log retention (5d, --data.retention): unless that is raised, notifications repeat about every 5d",
    ]);
    expect(longer.model).toBeDefined();
  });

  it("do not come from the default receiver or a used interval", () => {
    expect(load(BASE_MONAC_YAML).diagnostics).toEqual([]);
  });
});
