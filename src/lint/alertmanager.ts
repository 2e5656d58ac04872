// Linting an Alertmanager configuration: read by routetest (Alertmanager's
// own semantics for routes and matchers), positions from the YAML tree.
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { configFromData, ConfigError, type AlertmanagerConfig, type Route } from "../routetest/config.js";
import type { Matcher } from "../routetest/matchers.js";
import { readYaml, toData } from "../yaml/safe.js";
import { CHECKS, type CheckName, type Finding } from "./finding.js";

interface Position {
  line: number;
  column: number;
}

interface AmSource {
  file: string;
  pos(node: Node | null | undefined): Position;
  /** route path ("route.routes[0]") → position */
  routes: Map<string, Position>;
  receivers: Map<string, Position>;
  inhibitRules: Position[];
}

function finding(check: CheckName, file: string, pos: Position, message: string): Finding {
  return { file, line: pos.line, column: pos.column, check, severity: CHECKS[check].severity, message };
}

/** True when a YAML document looks like an Alertmanager configuration (a top-level `route:` or `receivers:`). */
export function looksLikeAlertmanagerConfig(data: unknown): boolean {
  return typeof data === "object" && data !== null && !Array.isArray(data) && ("route" in data || "receivers" in data);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Lints the text of an alertmanager.yml. */
export function lintAlertmanagerConfig(file: string, content: string | Uint8Array): Finding[] {
  const y = readYaml(content, { name: "Alertmanager configuration", tooDeepIsNot: "an Alertmanager configuration" });
  if (!y.ok) return [finding("alertmanager/invalid", file, y.position, y.message)];
  const read = toData(y.doc);
  if (read.problem) return [finding("alertmanager/invalid", file, { line: 1, column: 1 }, read.problem.message)];
  const src = sourceOf(file, y.doc.contents as Node | null, (offset) => {
    const { line, col } = y.lineCounter.linePos(offset);
    return { line, column: col };
  });
  const data = structuredClone(read.data) as unknown;
  const out = checkUndefinedTimeIntervals(data, src);
  let cfg: AlertmanagerConfig;
  try {
    cfg = configFromData(data);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const path = /^(route(?:\.routes\[\d+\])*)/.exec(e.message)?.[1];
    return [...out, finding("alertmanager/invalid", file, (path && src.routes.get(path)) || { line: 1, column: 1 }, e.message)];
  }
  out.push(...checkUnusedReceivers(cfg, src), ...checkShadowedRoutes(cfg.route, src), ...checkInhibitWithoutEqual(cfg, src));
  return out;
}

function sourceOf(file: string, root: Node | null, position: (offset: number) => Position): AmSource {
  const pos = (node: Node | null | undefined): Position => (node?.range ? position(node.range[0]) : { line: 1, column: 1 });
  const src: AmSource = { file, pos, routes: new Map(), receivers: new Map(), inhibitRules: [] };
  const walkRoute = (node: Node | null, path: string): void => {
    if (!isMap(node)) return;
    src.routes.set(path, pos(node));
    const routes = get(node, "routes");
    if (isSeq(routes)) routes.items.forEach((r, i) => walkRoute(r as Node, `${path}.routes[${i}]`));
  };
  walkRoute(get(root, "route"), "route");
  const receivers = get(root, "receivers");
  if (isSeq(receivers)) {
    for (const r of receivers.items as Node[]) {
      const name = get(r, "name");
      if (isScalar(name)) src.receivers.set(String(name.value), pos(r));
    }
  }
  const inhibit = get(root, "inhibit_rules");
  if (isSeq(inhibit)) src.inhibitRules = (inhibit.items as Node[]).map(pos);
  return src;
}

function get(node: Node | null | undefined, key: string): Node | null {
  if (!isMap(node)) return null;
  return ((node as YAMLMap<Node, Node | null>).items.find((p) => isScalar(p.key) && p.key.value === key)?.value as Node | null | undefined) ?? null;
}

/** A route naming a time interval nobody defined (Alertmanager refuses the file). Removes the names so the rest can be checked. */
export function checkUndefinedTimeIntervals(data: unknown, src: AmSource): Finding[] {
  if (!isObj(data)) return [];
  const defined = new Set<string>();
  for (const key of ["time_intervals", "mute_time_intervals"]) {
    const list = data[key];
    if (Array.isArray(list)) for (const ti of list) if (isObj(ti) && typeof ti.name === "string") defined.add(ti.name);
  }
  const out: Finding[] = [];
  const walkRoute = (r: unknown, path: string): void => {
    if (!isObj(r)) return;
    for (const key of ["mute_time_intervals", "active_time_intervals"]) {
      const names = r[key];
      if (!Array.isArray(names)) continue;
      const missing = names.filter((n) => typeof n === "string" && !defined.has(n));
      for (const n of missing) {
        out.push(finding("alertmanager/undefined-time-interval", src.file, src.routes.get(path) ?? { line: 1, column: 1 }, `${path}.${key}: time interval ${JSON.stringify(n)} is not defined (define it under time_intervals)`));
      }
      r[key] = names.filter((n) => !missing.includes(n));
    }
    if (Array.isArray(r.routes)) r.routes.forEach((c, i) => walkRoute(c, `${path}.routes[${i}]`));
  };
  walkRoute(data.route, "route");
  return out;
}

/** A receiver no route sends to is dead configuration (or a route was forgotten). */
export function checkUnusedReceivers(cfg: AlertmanagerConfig, src: AmSource): Finding[] {
  const used = new Set<string>();
  const visit = (r: Route): void => {
    used.add(r.receiver);
    r.routes.forEach(visit);
  };
  visit(cfg.route);
  return cfg.receivers
    .filter((name) => !used.has(name))
    .map((name) => finding("alertmanager/unused-receiver", src.file, src.receivers.get(name) ?? { line: 1, column: 1 }, `receiver ${JSON.stringify(name)} is not used by any route`));
}

/** Whether every label set `matchers` accepts is accepted by `m` (conservative: false when unsure). */
function implied(m: Matcher, matchers: readonly Matcher[]): boolean {
  // A matcher every label set passes (`x=~".*"`).
  if (m.type === "=~" && m.re !== undefined && m.value === ".*") return true;
  if (m.type === "!=" && m.value === "" && matchers.some((o) => o.name === m.name && o.type === "=" && o.value !== "")) return true;
  return matchers.some((o) => {
    if (o.name !== m.name) return false;
    if (o.type === m.type && o.value === m.value) return true;
    if (o.type !== "=") return false;
    switch (m.type) {
      case "=":
        return o.value === m.value;
      case "!=":
        return o.value !== m.value;
      case "=~":
        return m.re!.test(o.value);
      case "!~":
        return !m.re!.test(o.value);
    }
  });
}

/** Whether every alert `later` matches is matched by `earlier`. */
export function routeCovers(earlier: Route, later: Route): boolean {
  return earlier.matchers.every((m) => implied(m, later.matchers));
}

/** A sibling after one without `continue` that matches all it matches is never reached. */
export function checkShadowedRoutes(route: Route, src: AmSource): Finding[] {
  const out: Finding[] = [];
  route.routes.forEach((later, j) => {
    const earlier = route.routes.slice(0, j).find((e) => !e.continue && routeCovers(e, later));
    if (earlier) {
      const what = earlier.matchers.length === 0 ? "has no matchers" : `matches every alert this one matches (${earlier.matchers.map(formatMatcher).join(", ")})`;
      out.push(finding("alertmanager/shadowed-route", src.file, src.routes.get(later.path) ?? { line: 1, column: 1 }, `${later.path} (receiver ${JSON.stringify(later.receiver)}) is never reached: ${earlier.path} before it ${what} and has no \`continue: true\``));
    }
  });
  for (const child of route.routes) out.push(...checkShadowedRoutes(child, src));
  return out;
}

function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}

/** Without `equal`, one source alert anywhere mutes every target alert everywhere. */
export function checkInhibitWithoutEqual(cfg: AlertmanagerConfig, src: AmSource): Finding[] {
  return cfg.inhibitRules.flatMap((r, i) =>
    r.equal.length > 0
      ? []
      : [finding("alertmanager/inhibit-without-equal", src.file, src.inhibitRules[i] ?? { line: 1, column: 1 }, `inhibit_rules[${i}] has no \`equal\`: any alert matching its source mutes every alert matching its target, across all services and clusters; add equal: [the labels they must share]`)],
  );
}
