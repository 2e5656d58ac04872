// The parts of an Alertmanager configuration that decide who is told what and
// when: the route tree, inhibit rules and time intervals (receivers only by
// name). Semantics are Alertmanager's own (dispatch/route.go, inhibit/inhibit.go,
// timeinterval/timeinterval.go); see ./index.ts.
import { readYaml, toData, type YamlFileKind } from "../yaml/safe.js";
import { MatcherError, matchesAll, newMatcher, parseMatcherLine, type Labels, type Matcher } from "./matchers.js";
import { anyContains, parseTimeInterval, TimeIntervalError, type TimeInterval } from "./timeinterval.js";

export interface Route {
  /** Effective receiver (inherited from the parent when unset). */
  receiver: string;
  matchers: Matcher[];
  continue: boolean;
  /** Effective grouping (inherited); "..." means every label. */
  groupBy: string[];
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: Route[];
  /** Where the route is: "route", "route.routes[0]", ... */
  path: string;
}

export interface InhibitRule {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

export interface AlertmanagerConfig {
  route: Route;
  inhibitRules: InhibitRule[];
  timeIntervals: Map<string, TimeInterval[]>;
  receivers: string[];
}

export class ConfigError extends Error {}

const KIND: YamlFileKind = { name: "Alertmanager configuration", tooDeepIsNot: "an Alertmanager configuration" };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function stringList(v: unknown, where: string): string[] {
  if (v == null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new ConfigError(`${where} must be a list of strings`);
  return v as string[];
}

function matcherList(lines: unknown, where: string): Matcher[] {
  const out: Matcher[] = [];
  for (const line of stringList(lines, where)) {
    try {
      out.push(...parseMatcherLine(line));
    } catch (e) {
      if (e instanceof MatcherError) throw new ConfigError(`${where}: ${e.message}`);
      throw e;
    }
  }
  return out;
}

/** Legacy `match:` (equality) and `match_re:` (regex) maps. */
function legacyMatchers(map: unknown, type: "=" | "=~", where: string): Matcher[] {
  if (map == null) return [];
  if (!isObj(map)) throw new ConfigError(`${where} must be a mapping of label to value`);
  return Object.entries(map).map(([k, v]) => {
    if (typeof v !== "string") throw new ConfigError(`${where}.${k} must be a string`);
    try {
      return newMatcher(k, type, v);
    } catch (e) {
      if (e instanceof MatcherError) throw new ConfigError(`${where}: ${e.message}`);
      throw e;
    }
  });
}

function parseRoute(raw: unknown, parent: Route | undefined, path: string): Route {
  if (!isObj(raw)) throw new ConfigError(`${path} must be a mapping`);
  const receiver = raw.receiver ?? parent?.receiver;
  if (typeof receiver !== "string" || receiver === "") throw new ConfigError(`${path}: the root route needs a receiver`);
  const groupBy = raw.group_by != null ? stringList(raw.group_by, `${path}.group_by`) : (parent?.groupBy ?? []);
  const route: Route = {
    receiver,
    matchers: [
      ...legacyMatchers(raw.match, "=", `${path}.match`),
      ...legacyMatchers(raw.match_re, "=~", `${path}.match_re`),
      ...matcherList(raw.matchers, `${path}.matchers`),
    ],
    continue: raw.continue === true,
    groupBy,
    muteTimeIntervals: stringList(raw.mute_time_intervals, `${path}.mute_time_intervals`),
    activeTimeIntervals: stringList(raw.active_time_intervals, `${path}.active_time_intervals`),
    routes: [],
    path,
  };
  if (raw.routes != null && !Array.isArray(raw.routes)) throw new ConfigError(`${path}.routes must be a list`);
  route.routes = ((raw.routes as unknown[] | undefined) ?? []).map((r, i) => parseRoute(r, route, `${path}.routes[${i}]`));
  return route;
}

/** Parses a configuration already read as data. */
export function configFromData(data: unknown): AlertmanagerConfig {
  if (!isObj(data)) throw new ConfigError("an Alertmanager configuration must be a mapping");
  if (data.route == null) throw new ConfigError("no route");
  const route = parseRoute(data.route, undefined, "route");
  if (route.matchers.length > 0) throw new ConfigError("route: the root route must not have any matchers");
  if (route.muteTimeIntervals.length > 0 || route.activeTimeIntervals.length > 0) throw new ConfigError("route: the root route must not have mute or active time intervals");

  const timeIntervals = new Map<string, TimeInterval[]>();
  for (const key of ["time_intervals", "mute_time_intervals"] as const) {
    const list = data[key];
    if (list == null) continue;
    if (!Array.isArray(list)) throw new ConfigError(`${key} must be a list`);
    list.forEach((ti: unknown, i) => {
      if (!isObj(ti) || typeof ti.name !== "string") throw new ConfigError(`${key}[${i}] needs a name`);
      if (timeIntervals.has(ti.name)) throw new ConfigError(`${key}[${i}]: time interval ${JSON.stringify(ti.name)} is defined twice`);
      const entries = ti.time_intervals ?? [];
      if (!Array.isArray(entries)) throw new ConfigError(`${key}[${i}].time_intervals must be a list`);
      try {
        timeIntervals.set(
          ti.name,
          entries.map((e, j) => parseTimeInterval(e, `${key}[${i}].time_intervals[${j}]`)),
        );
      } catch (e) {
        if (e instanceof TimeIntervalError) throw new ConfigError(e.message);
        throw e;
      }
    });
  }

  const receivers: string[] = [];
  if (data.receivers != null) {
    if (!Array.isArray(data.receivers)) throw new ConfigError("receivers must be a list");
    for (const r of data.receivers) {
      if (!isObj(r) || typeof r.name !== "string") throw new ConfigError("every receiver needs a name");
      receivers.push(r.name);
    }
  }
  const check = (r: Route) => {
    if (!receivers.includes(r.receiver)) throw new ConfigError(`${r.path}: undefined receiver ${JSON.stringify(r.receiver)}`);
    for (const n of [...r.muteTimeIntervals, ...r.activeTimeIntervals]) {
      if (!timeIntervals.has(n)) throw new ConfigError(`${r.path}: undefined time interval ${JSON.stringify(n)}`);
    }
    r.routes.forEach(check);
  };
  check(route);

  const inhibitRules: InhibitRule[] = [];
  if (data.inhibit_rules != null) {
    if (!Array.isArray(data.inhibit_rules)) throw new ConfigError("inhibit_rules must be a list");
    data.inhibit_rules.forEach((r: unknown, i) => {
      const where = `inhibit_rules[${i}]`;
      if (!isObj(r)) throw new ConfigError(`${where} must be a mapping`);
      inhibitRules.push({
        source: [
          ...legacyMatchers(r.source_match, "=", `${where}.source_match`),
          ...legacyMatchers(r.source_match_re, "=~", `${where}.source_match_re`),
          ...matcherList(r.source_matchers, `${where}.source_matchers`),
        ],
        target: [
          ...legacyMatchers(r.target_match, "=", `${where}.target_match`),
          ...legacyMatchers(r.target_match_re, "=~", `${where}.target_match_re`),
          ...matcherList(r.target_matchers, `${where}.target_matchers`),
        ],
        equal: stringList(r.equal, `${where}.equal`),
      });
    });
  }
  return { route, inhibitRules, timeIntervals, receivers };
}

/** Parses the text of an alertmanager.yml (read safely: untrusted YAML). */
export function parseConfig(content: string | Uint8Array): AlertmanagerConfig {
  const y = readYaml(content, KIND);
  if (!y.ok) throw new ConfigError(`${y.position.line}:${y.position.column}: ${y.message}`);
  const d = toData(y.doc);
  if (d.problem) throw new ConfigError(d.problem.message);
  return configFromData(d.data);
}

/** dispatch/route.go Match: depth-first, left to right; a route that matched and does not `continue` stops its siblings. */
export function matchRoutes(route: Route, labels: Labels): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const m = matchRoutes(child, labels);
    all.push(...m);
    if (m.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [route];
}

/** The receivers an alert reaches, in Alertmanager's order (what `amtool config routes test` prints). */
export function receiversOf(cfg: AlertmanagerConfig, labels: Labels): string[] {
  return matchRoutes(cfg.route, labels).map((r) => r.receiver);
}

/**
 * Whether a route's notifications are muted at an instant: a mute time
 * interval is active, or it has active time intervals and none is.
 */
export function routeMuted(cfg: AlertmanagerConfig, route: Route, instantMs: number): boolean {
  const active = (name: string) => anyContains(cfg.timeIntervals.get(name) ?? [], instantMs);
  if (route.muteTimeIntervals.some(active)) return true;
  return route.activeTimeIntervals.length > 0 && !route.activeTimeIntervals.some(active);
}

/**
 * inhibit/inhibit.go Mutes: some rule's target matchers match the alert and a
 * firing alert matching its source matchers has the same value (a missing label
 * is "") for every `equal` label. When the alert matches the source side too,
 * sources that also match the target side do not count (no alert inhibits
 * itself, nor one of its own kind).
 */
export function inhibitedBy(cfg: AlertmanagerConfig, labels: Labels, firing: readonly Labels[]): { rule: number; source: Labels } | undefined {
  for (const [i, rule] of cfg.inhibitRules.entries()) {
    if (!matchesAll(rule.target, labels)) continue;
    const twoSided = matchesAll(rule.source, labels);
    for (const source of firing) {
      if (!matchesAll(rule.source, source)) continue;
      if (!rule.equal.every((n) => (source[n] ?? "") === (labels[n] ?? ""))) continue;
      if (twoSided && matchesAll(rule.target, source)) continue;
      return { rule: i, source };
    }
  }
  return undefined;
}
