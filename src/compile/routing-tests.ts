// The workspace's Alertmanager routing tests (out/alertmanager/tests/routing.test.yaml,
// run by `monac test` on src/routetest/ and cross-checked against amtool).
//
// Expectations come from the routing model (monac.yaml), never from the
// compiled alertmanager.yml, so the file is an independent oracle for
// compile/alertmanager.ts:
// - every team × severity reaches the receivers monac.yaml lists for it, and
//   a severity the team does not route, an unknown team and an alert without
//   a team reach the default receiver;
// - a severity routed only `during` time intervals is notified at a time inside
//   them and muted at a time outside, both found on the intervals' wall clock
//   in their location (intervals with days_of_month, months or years are
//   skipped: a simple week-long search answers only weekdays and times);
// - a critical SLO alert mutes the warning of the same SLO, never the other way
//   round and never another SLO's; a threshold alert's critical mutes its
//   warning with the same labels, never the other way round (the README's
//   "How the alerts behave"). Which labels make two threshold alerts "the
//   same target" is the compiler's choice (identity labels), so the cases
//   give both sides the same labels and never test that choice.
import { wallClock } from "../go/time.js";
import type { RoutingModel, SloModel, ThresholdAlertModel, WorkspaceModel } from "../workspace/model.js";
import { SEVERITIES } from "../workspace/schema.js";
import type { Artifact } from "./artifact.js";
import { generatedHeader, withHeader } from "./header.js";
import { sortedLabels, toYaml } from "./rules.js";

import { ROUTING_TESTS_DIR } from "./paths.js";
export { ROUTING_TESTS_DIR };
export const ROUTING_TESTS_FILE = `${ROUTING_TESTS_DIR}/routing.test.yaml`;

/** The alertname routing cases carry (routing reads only team and severity). */
const ALERTNAME = "MonacRoutingTest";
/** Monday 2026-01-05, the first day of the week muting cases are searched in. */
const REFERENCE_MONDAY = { year: 2026, month: 1, day: 5 };

interface Case {
  name: string;
  alert: Record<string, string>;
  at?: string;
  firing?: Record<string, string>[];
  receivers?: string[];
  inhibited?: boolean;
  muted?: boolean;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export type RoutingTestInput = Pick<WorkspaceModel, "routing" | "slos" | "thresholds">;

export function routingTestCases({ routing, slos, thresholds }: RoutingTestInput): Case[] {
  const cases: Case[] = [];
  const teams = [...routing.teams].sort(byName);
  for (const team of teams) {
    for (const severity of SEVERITIES) {
      const route = team.routes.find((r) => r.severity === severity);
      const alert = { alertname: ALERTNAME, severity, team: team.name };
      const receivers = route ? [...route.receivers] : [routing.defaultReceiver];
      cases.push({ name: `${team.name} ${severity} reaches ${receivers.join(", ")}`, alert, receivers });
      if (!route || route.during.length === 0) continue;
      const intervals = route.during.map((n) => routing.timeIntervals.find((t) => t.name === n));
      if (intervals.some((t) => t === undefined)) continue;
      const entries = intervals.flatMap((t) => t!.intervals);
      const times = mutingTimes(entries);
      if (!times) continue;
      const what = route.during.join(", ");
      cases.push({ name: `${team.name} ${severity} is notified inside ${what}`, alert, at: times.inside, receivers, muted: false });
      cases.push({ name: `${team.name} ${severity} is muted outside ${what}`, alert, at: times.outside, receivers, muted: true });
      // A severity routed at all times is not muted then.
      const always = team.routes.find((r) => r.during.length === 0);
      if (always) {
        cases.push({
          name: `${team.name} ${always.severity} is notified outside ${what}`,
          alert: { alertname: ALERTNAME, severity: always.severity, team: team.name },
          at: times.outside,
          receivers: [...always.receivers],
          muted: false,
        });
      }
    }
    cases.push({ name: `${team.name} without severity reaches the default receiver`, alert: { alertname: ALERTNAME, team: team.name }, receivers: [routing.defaultReceiver] });
  }
  let unknown = "unrouted-team";
  while (teams.some((t) => t.name === unknown)) unknown += "-x";
  cases.push({ name: "an unknown team reaches the default receiver", alert: { alertname: ALERTNAME, severity: "critical", team: unknown }, receivers: [routing.defaultReceiver] });
  cases.push({ name: "an alert without a team reaches the default receiver", alert: { alertname: ALERTNAME, severity: "critical" }, receivers: [routing.defaultReceiver] });
  cases.push(...inhibitionCases(slos), ...thresholdInhibitionCases(thresholds));
  return cases;
}

function sloAlert(slo: SloModel, severity: string): Record<string, string> {
  return sortedLabels({ ...slo.labels, ...slo.alerting.labels, alertname: slo.alerting.name, service: slo.service, slo: slo.name, team: slo.team, severity });
}

function inhibitionCases(slos: readonly SloModel[]): Case[] {
  // Each SLO's id and alerts made once: the cases share them (the file's YAML repeats them).
  const alerting = slos
    .filter((s) => s.alerting.enabled)
    .map((slo) => ({ slo, id: `${slo.service}/${slo.name}`, critical: sloAlert(slo, "critical"), warning: sloAlert(slo, "warning") }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const cases: Case[] = [];
  alerting.forEach(({ slo, id, critical, warning }, i) => {
    cases.push({ name: `${id}: critical mutes its warning`, alert: warning, firing: [critical], inhibited: true });
    cases.push({ name: `${id}: warning does not mute its critical`, alert: critical, firing: [warning], inhibited: false });
    cases.push({ name: `${id}: warning alone is not muted`, alert: warning, firing: [], inhibited: false });
    // Another SLO's critical (a different `slo` label) mutes nothing here.
    const other = alerting[(i + 1) % alerting.length]!;
    if (other.slo !== slo && (other.slo.name !== slo.name || other.slo.service !== slo.service)) {
      cases.push({ name: `${id}: critical of ${other.id} does not mute its warning`, alert: warning, firing: [other.critical], inhibited: false });
    }
  });
  return cases;
}

/** A label a threshold alert's series typically carries, the same on both sides. */
const TARGET_LABELS = { instance: "host-1:9100", job: "monac-routing-test" };

function thresholdInhibitionCases(thresholds: readonly ThresholdAlertModel[]): Case[] {
  const cases: Case[] = [];
  const sorted = thresholds.map((t) => ({ t, id: `${t.service}/${t.name}` })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const { t, id } of sorted) {
    const severities = new Set(t.levels.map((l) => l.severity));
    if (!severities.has("critical") || !severities.has("warning")) continue;
    const alert = (severity: string) => sortedLabels({ ...TARGET_LABELS, ...t.labels, alertname: t.name, service: t.service, team: t.team, severity });
    const [critical, warning] = [alert("critical"), alert("warning")];
    cases.push({ name: `${id}: critical mutes its warning on the same target`, alert: warning, firing: [critical], inhibited: true });
    cases.push({ name: `${id}: warning does not mute its critical`, alert: critical, firing: [warning], inhibited: false });
  }
  return cases;
}

// ------------------------------------------------------ times for muting

type Entry = RoutingModel["timeIntervals"][number]["intervals"][number];

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function weekdaySet(entry: Entry): Set<number> | undefined {
  if (!entry.weekdays) return undefined;
  const out = new Set<number>();
  for (const w of entry.weekdays) {
    const [a, b = a] = w.toLowerCase().split(":").map((s) => s.trim());
    const from = WEEKDAYS.indexOf(a!);
    const to = WEEKDAYS.indexOf(b!);
    for (let d = from; d <= to && from >= 0; d++) out.add(d);
  }
  return out;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a simple entry (weekdays, times) contains a wall-clock moment in its own location. */
function entryContains(entry: Entry, weekday: number, minute: number): boolean {
  const days = weekdaySet(entry);
  if (days && !days.has(weekday)) return false;
  if (entry.times && !entry.times.some((t) => minute >= minutesOf(t.start) && minute < minutesOf(t.end))) return false;
  return true;
}

/**
 * A time inside the entries and one outside them, as RFC 3339 with the
 * location's offset; undefined when an entry sets more than weekdays and times
 * or the entries' locations differ.
 */
function mutingTimes(entries: readonly Entry[]): { inside: string; outside: string } | undefined {
  if (entries.length === 0 || entries.some((e) => e.daysOfMonth || e.months || e.years)) return undefined;
  const location = entries[0]!.location ?? "UTC";
  if (entries.some((e) => (e.location ?? "UTC") !== location)) return undefined;
  // Candidates: each day of the reference week at each half hour, in the location.
  const candidates: { dayOffset: number; minute: number }[] = [];
  for (let dayOffset = 0; dayOffset < 7; dayOffset++) for (let minute = 0; minute < 24 * 60; minute += 30) candidates.push({ dayOffset, minute });
  const weekdayOf = (dayOffset: number) => (1 + dayOffset) % 7;
  const contains = (c: { dayOffset: number; minute: number }) => entries.some((e) => entryContains(e, weekdayOf(c.dayOffset), c.minute));
  // Inside: an hour into the first entry's first window (its middle if shorter); outside: the first candidate after it that is outside.
  let inside: { dayOffset: number; minute: number } | undefined;
  const first = entries[0]!;
  const days = weekdaySet(first);
  for (let dayOffset = 0; dayOffset < 7 && !inside; dayOffset++) {
    if (days && !days.has(weekdayOf(dayOffset))) continue;
    const t = first.times?.[0];
    const minute = t ? Math.min(minutesOf(t.start) + 60, Math.floor((minutesOf(t.start) + minutesOf(t.end)) / 2)) : 12 * 60;
    inside = { dayOffset, minute };
  }
  if (!inside || !contains(inside)) return undefined;
  const start = candidates.findIndex((c) => c.dayOffset === inside!.dayOffset && c.minute >= inside!.minute);
  const rotated = [...candidates.slice(start), ...candidates.slice(0, start)];
  const outside = rotated.find((c) => !contains(c));
  if (!outside) return undefined;
  return { inside: rfc3339(location, inside), outside: rfc3339(location, outside) };
}

/** A wall-clock moment of the reference week in an IANA zone, as RFC 3339 with that zone's offset then. */
function rfc3339(location: string, at: { dayOffset: number; minute: number }): string {
  const { year, month, day } = REFERENCE_MONDAY;
  const wallAsUtc = Date.UTC(year, month - 1, day + at.dayOffset, Math.floor(at.minute / 60), at.minute % 60);
  let instant = wallAsUtc - offsetMs(location, wallAsUtc);
  instant = wallAsUtc - offsetMs(location, instant);
  const offset = offsetMs(location, instant);
  const wall = new Date(instant + offset);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset) / 60_000;
  const zone = offset === 0 ? "Z" : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:00${zone}`;
}

/** The zone's offset from UTC at an instant (wall clock minus UTC). */
function offsetMs(location: string, instant: number): number {
  const w = wallClock(instant, location);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(instant / 60_000) * 60_000;
}

/** The routing test file for the workspace. */
export function routingTestArtifact(model: RoutingTestInput): Artifact {
  const body = {
    config: "../alertmanager.yml",
    cases: routingTestCases(model).map((c) => ({
      name: c.name,
      alert: c.alert,
      ...(c.at !== undefined ? { at: c.at } : {}),
      ...(c.firing !== undefined ? { firing: c.firing } : {}),
      ...(c.receivers !== undefined ? { receivers: c.receivers } : {}),
      ...(c.inhibited !== undefined ? { inhibited: c.inhibited } : {}),
      ...(c.muted !== undefined ? { muted: c.muted } : {}),
    })),
  };
  const header = [
    ...generatedHeader(["monac.yaml", "slos/", "alerts/"]),
    "Alertmanager routing tests: run with `npx monac test`; format in the README (Routing tests).",
  ];
  return { path: ROUTING_TESTS_FILE, content: withHeader(header, toYaml(body)) };
}
