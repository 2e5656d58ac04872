// The semantic difference of two builds: alerts (by alertname and identity
// labels), who each team × severity and each alert notifies, the SLOs readable
// from the generated rules, and rule counts with an evaluation cost estimate.
// Plain data; markdown.ts prints it, and it is the JSON output as it is.
import { formatPrometheusDuration } from "../go/duration.js";
import { matchRoutes, type AlertmanagerConfig, type Labels } from "../routetest/index.js";
import type { LoadedAlertingRule, LoadedRecordingRule, LoadedRule } from "../ruletest/rule-files.js";
import { burnTiers, constants, evaluationCost, firstDivisor, formatNumber, oneLine, shape, vectorConstant } from "./expr.js";
import type { BuildRule, BuildSnapshot } from "./load.js";

export interface DiffOptions {
  /** Assumed scrape interval for the cost estimate, ms (default 1m). */
  scrapeIntervalMs?: number;
}

/** An alerting rule as a reviewer names it. */
export interface AlertRef {
  alertname: string;
  service?: string;
  slo?: string;
  severity?: string;
  /** `ErrorBudgetBurn checkout/availability critical`. */
  id: string;
}

export interface FieldChange {
  /** `expression`, `thresholds`, `constants`, `for`, `keep_firing_for`, `severity`, `label X`, `annotation X`. */
  field: string;
  before: string;
  after: string;
}

export interface AlertSummary extends AlertRef {
  thresholds: string[];
  for: string;
  receivers: string[];
}

export interface ChangedAlert extends AlertRef {
  changes: FieldChange[];
}

export interface ReceiverChange {
  team: string;
  severity: string;
  before: string[];
  after: string[];
}

export interface AlertReceiverChange extends AlertRef {
  before: string[];
  after: string[];
}

export interface SloFacts {
  objective?: string;
  errorBudget?: string;
  period?: string;
  /** Burn-rate tiers per alert severity: `critical: 14.4× over 1h and 5m; 6× over 6h and 30m`. */
  burnRates: Record<string, string>;
}

export interface SloChange {
  /** `service/slo`. */
  slo: string;
  status: "added" | "removed" | "changed";
  changes: FieldChange[];
  /** The SLO as the head build has it (the base build's for a removed one). */
  facts: SloFacts;
}

export interface BuildStats {
  groups: number;
  recordingRules: number;
  alertingRules: number;
  /** Distinct selectors the rules read (each assumed one series). */
  selectors: number;
  /** Estimated samples read by one evaluation of every rule. */
  samplesPerEvaluation: number;
}

export interface BuildDiff {
  alerts: { added: AlertSummary[]; removed: AlertSummary[]; changed: ChangedAlert[] };
  routing: { teams: ReceiverChange[]; alerts: AlertReceiverChange[] };
  slos: SloChange[];
  recordingRules: { added: number; removed: number; changed: number };
  stats: { before: BuildStats; after: BuildStats; scrapeInterval: string };
  /** No change to alerts, routing, SLOs, recording rules or counts. */
  identical: boolean;
}

const IDENTITY = ["service", "slo", "severity"] as const;
const DEFAULT_SCRAPE_MS = 60_000;

export function diffBuilds(base: BuildSnapshot, head: BuildSnapshot, opts: DiffOptions = {}): BuildDiff {
  const scrape = opts.scrapeIntervalMs ?? DEFAULT_SCRAPE_MS;
  const before = keyed(base.alerts);
  const after = keyed(head.alerts);

  // Pairs: same key, then (unmatched) same alertname/service/slo with one rule on each side: a changed severity.
  const pairs: Array<[BuildRule<LoadedAlertingRule>, BuildRule<LoadedAlertingRule>]> = [];
  const removedKeys = [...before.keys()].filter((k) => !after.has(k));
  const addedKeys = new Set([...after.keys()].filter((k) => !before.has(k)));
  for (const [k, b] of before) {
    const a = after.get(k);
    if (a) pairs.push([b, a]);
  }
  const removedLeft: string[] = [];
  for (const k of removedKeys) {
    const b = before.get(k)!;
    const family = familyKey(b.rule);
    const bSiblings = removedKeys.filter((r) => familyKey(before.get(r)!.rule) === family);
    const aSiblings = [...addedKeys].filter((r) => familyKey(after.get(r)!.rule) === family);
    if (bSiblings.length === 1 && aSiblings.length === 1) {
      pairs.push([b, after.get(aSiblings[0]!)!]);
      addedKeys.delete(aSiblings[0]!);
    } else removedLeft.push(k);
  }

  const summary = (r: BuildRule<LoadedAlertingRule>, cfg: AlertmanagerConfig): AlertSummary => ({
    ...ref(r.rule),
    thresholds: constants(r.rule.expr).thresholds,
    for: duration(r.rule.holdDuration),
    receivers: receivers(cfg, alertLabels(r.rule)),
  });
  const changed: ChangedAlert[] = [];
  const alertRouting: AlertReceiverChange[] = [];
  for (const [b, a] of pairs) {
    // A rule file both builds hold unchanged was parsed once (loadBuild): both sides hold the same rule.
    const changes = b.rule === a.rule ? [] : alertChanges(b.rule, a.rule);
    if (changes.length > 0) changed.push({ ...ref(a.rule), changes });
    const rb = receivers(base.alertmanager, alertLabels(b.rule));
    const ra = receivers(head.alertmanager, alertLabels(a.rule));
    if (!sameList(rb, ra)) alertRouting.push({ ...ref(a.rule), before: rb, after: ra });
  }

  // Who each team × severity reaches, for every pair seen in either build's alerts.
  const teamSeverities = new Map<string, { team: string; severity: string }>();
  for (const r of [...base.alerts, ...head.alerts]) {
    const team = label(r.rule, "team");
    const severity = label(r.rule, "severity");
    if (team !== undefined && severity !== undefined) teamSeverities.set(`${team}\u0000${severity}`, { team, severity });
  }
  const teams: ReceiverChange[] = [];
  for (const { team, severity } of teamSeverities.values()) {
    const rb = receivers(base.alertmanager, { team, severity });
    const ra = receivers(head.alertmanager, { team, severity });
    if (!sameList(rb, ra)) teams.push({ team, severity, before: rb, after: ra });
  }
  teams.sort((x, y) => cmp(x.team, y.team) || severityRank(x.severity) - severityRank(y.severity) || cmp(x.severity, y.severity));

  const byId = (x: AlertRef, y: AlertRef) => cmp(x.id, y.id);
  const costs: RuleCosts = new WeakMap();
  const diff: BuildDiff = {
    alerts: {
      added: [...addedKeys].map((k) => summary(after.get(k)!, head.alertmanager)).sort(byId),
      removed: removedLeft.map((k) => summary(before.get(k)!, base.alertmanager)).sort(byId),
      changed: changed.sort(byId),
    },
    routing: { teams, alerts: alertRouting.sort(byId) },
    slos: sloChanges(base, head),
    recordingRules: recordingChanges(base, head),
    stats: { before: stats(base, scrape, costs), after: stats(head, scrape, costs), scrapeInterval: duration(scrape) },
    identical: false,
  };
  diff.identical =
    diff.alerts.added.length + diff.alerts.removed.length + diff.alerts.changed.length === 0 &&
    teams.length + alertRouting.length + diff.slos.length === 0 &&
    diff.recordingRules.added + diff.recordingRules.removed + diff.recordingRules.changed === 0 &&
    JSON.stringify(diff.stats.before) === JSON.stringify(diff.stats.after);
  return diff;
}

/** Whether the report has anything on alerts, routing or SLOs (what a reviewer is asked to look at). */
export function hasReviewChanges(d: BuildDiff): boolean {
  return d.alerts.added.length + d.alerts.removed.length + d.alerts.changed.length + d.routing.teams.length + d.routing.alerts.length + d.slos.length > 0;
}

// --- alerts ---

const label = (r: { labels: Array<[string, string]> }, name: string) => r.labels.find(([k]) => k === name)?.[1];

function alertLabels(r: LoadedAlertingRule): Labels {
  return { ...Object.fromEntries(r.labels), alertname: r.name };
}

function ref(r: LoadedAlertingRule): AlertRef {
  const out: AlertRef = { alertname: r.name, id: "" };
  for (const l of IDENTITY) {
    const v = label(r, l);
    if (v !== undefined) out[l] = v;
  }
  const where = out.service !== undefined && out.slo !== undefined ? `${out.service}/${out.slo}` : (out.service ?? out.slo);
  out.id = [r.name, where, out.severity].filter((x) => x !== undefined).join(" ");
  return out;
}

function familyKey(r: LoadedAlertingRule): string {
  return JSON.stringify([r.name, label(r, "service") ?? null, label(r, "slo") ?? null]);
}

/**
 * Alerting rules by alertname + identity labels; rules that collide on those
 * are told apart by all their labels, then by their order.
 */
function keyed(rules: readonly BuildRule<LoadedAlertingRule>[]): Map<string, BuildRule<LoadedAlertingRule>> {
  const short = (r: LoadedAlertingRule) => JSON.stringify([r.name, ...IDENTITY.map((l) => label(r, l) ?? null)]);
  const count = new Map<string, number>();
  for (const r of rules) count.set(short(r.rule), (count.get(short(r.rule)) ?? 0) + 1);
  const out = new Map<string, BuildRule<LoadedAlertingRule>>();
  for (const r of rules) {
    let k = short(r.rule);
    if (count.get(k)! > 1) k = `${k}${JSON.stringify([...r.rule.labels].sort(([a], [b]) => cmp(a, b)))}`;
    let n = 1;
    let unique = k;
    while (out.has(unique)) unique = `${k}#${++n}`;
    out.set(unique, r);
  }
  return out;
}

function alertChanges(b: LoadedAlertingRule, a: LoadedAlertingRule): FieldChange[] {
  const changes: FieldChange[] = [];
  const add = (field: string, before: string, after: string) => {
    if (before !== after) changes.push({ field, before, after });
  };
  const cb = constants(b.expr);
  const ca = constants(a.expr);
  if (shape(b.expr) !== shape(a.expr)) add("expression", oneLine(b.expr), oneLine(a.expr));
  else {
    add("thresholds", cb.thresholds.join(", "), ca.thresholds.join(", "));
    add("constants", distinct(cb.others).join(", "), distinct(ca.others).join(", "));
  }
  add("for", duration(b.holdDuration), duration(a.holdDuration));
  add("keep_firing_for", duration(b.keepFiringFor), duration(a.keepFiringFor));
  add("severity", label(b, "severity") ?? NONE, label(a, "severity") ?? NONE);
  mapChanges("label", b.labels, a.labels, new Set(["severity"]), add);
  mapChanges("annotation", b.annotations, a.annotations, new Set(), add);
  return changes;
}

const NONE = "(none)";

function mapChanges(
  kind: string,
  before: Array<[string, string]>,
  after: Array<[string, string]>,
  skip: ReadonlySet<string>,
  add: (field: string, before: string, after: string) => void,
): void {
  const b = new Map(before);
  const a = new Map(after);
  const names = [...new Set([...b.keys(), ...a.keys()])].filter((n) => !skip.has(n)).sort(cmp);
  for (const n of names) add(`${kind} ${n}`, b.get(n) ?? NONE, a.get(n) ?? NONE);
}

function distinct(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

// --- routing ---

/** Receivers in Alertmanager's order, each with the time intervals its route is limited by. */
function receivers(cfg: AlertmanagerConfig, labels: Labels): string[] {
  return matchRoutes(cfg.route, labels).map((r) => {
    const when = [
      ...(r.activeTimeIntervals.length > 0 ? [`during ${r.activeTimeIntervals.join(", ")}`] : []),
      ...(r.muteTimeIntervals.length > 0 ? [`muted ${r.muteTimeIntervals.join(", ")}`] : []),
    ];
    return when.length > 0 ? `${r.receiver} (${when.join("; ")})` : r.receiver;
  });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const SEVERITIES = ["critical", "warning", "info"];
function severityRank(s: string): number {
  const i = SEVERITIES.indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
}

// --- SLOs ---

function sloFacts(build: BuildSnapshot): Map<string, SloFacts> {
  const out = new Map<string, SloFacts>();
  const sloOf = (labels: Array<[string, string]>) => {
    const service = labels.find(([k]) => k === "service")?.[1];
    const slo = labels.find(([k]) => k === "slo")?.[1];
    return service !== undefined && slo !== undefined ? `${service}/${slo}` : undefined;
  };
  for (const { rule } of build.records) {
    if (rule.name !== "slo:objective:ratio") continue;
    const id = sloOf(rule.labels);
    const v = vectorConstant(rule.expr);
    if (id !== undefined) out.set(id, { ...(v !== undefined ? { objective: percent(v) } : {}), burnRates: {} });
  }
  for (const { rule } of build.records) {
    const id = sloOf(rule.labels);
    const facts = id === undefined ? undefined : out.get(id);
    if (!facts) continue;
    if (rule.name === "slo:error_budget:remaining_ratio") {
      const d = firstDivisor(rule.expr);
      if (d !== undefined) facts.errorBudget = percent(d);
    } else if (rule.name === "slo:objective:info") {
      const period = rule.labels.find(([k]) => k === "period")?.[1];
      if (period !== undefined) facts.period = period;
    }
  }
  for (const { rule } of build.alerts) {
    const id = sloOf(rule.labels);
    const facts = id === undefined ? undefined : out.get(id);
    const tiers = facts ? burnTiers(rule.expr) : undefined;
    if (!facts || !tiers) continue;
    const severity = label(rule, "severity") ?? "(no severity)";
    const key = rule.name === "ErrorBudgetBurn" ? severity : `${severity} (${rule.name})`;
    facts.burnRates[key] = facts.burnRates[key] ? `${facts.burnRates[key]}; ${tiers.join("; ")}` : tiers.join("; ");
  }
  return out;
}

function sloChanges(base: BuildSnapshot, head: BuildSnapshot): SloChange[] {
  const b = sloFacts(base);
  const a = sloFacts(head);
  const out: SloChange[] = [];
  for (const id of [...new Set([...b.keys(), ...a.keys()])].sort(cmp)) {
    const fb = b.get(id);
    const fa = a.get(id);
    if (!fb) {
      out.push({ slo: id, status: "added", changes: [], facts: fa! });
      continue;
    }
    if (!fa) {
      out.push({ slo: id, status: "removed", changes: [], facts: fb });
      continue;
    }
    const changes: FieldChange[] = [];
    const add = (field: string, x: string | undefined, y: string | undefined) => {
      if (x !== y) changes.push({ field, before: x ?? NONE, after: y ?? NONE });
    };
    add("objective", fb.objective, fa.objective);
    add("error budget", fb.errorBudget, fa.errorBudget);
    add("period", fb.period, fa.period);
    const severities = [...new Set([...Object.keys(fb.burnRates), ...Object.keys(fa.burnRates)])].sort(
      (x, y) => severityRank(x.split(" ")[0]!) - severityRank(y.split(" ")[0]!) || cmp(x, y),
    );
    for (const s of severities) add(`burn rate ${s}`, fb.burnRates[s], fa.burnRates[s]);
    if (changes.length > 0) out.push({ slo: id, status: "changed", changes, facts: fa });
  }
  return out;
}

/** A ratio as a percentage, by moving the decimal point (0.0005 → 0.05%, never 0.05000000000000001%). */
export function percent(ratio: number): string {
  const text = formatNumber(ratio);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return `${formatNumber(ratio * 100)}%`;
  const digits = `${m[1]}${(m[2] ?? "").padEnd(2, "0")}`;
  const point = m[1]!.length + 2;
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, "");
  const frac = digits.slice(point).replace(/0+$/, "");
  return `${int}${frac ? `.${frac}` : ""}%`;
}

// --- recording rules and counts ---

function recordingChanges(base: BuildSnapshot, head: BuildSnapshot): BuildDiff["recordingRules"] {
  // A recorded series by its name and identity labels (another label value, an info series' objective, is a change).
  // What is compared of a rule, once per rule: a file both builds hold unchanged holds the same rules (loadBuild).
  const compared = new WeakMap<LoadedRecordingRule, string>();
  const content = (rule: LoadedRecordingRule): string => {
    let c = compared.get(rule);
    if (c === undefined) compared.set(rule, (c = JSON.stringify([oneLine(rule.expr), [...rule.labels].sort(([x], [y]) => cmp(x, y))])));
    return c;
  };
  const byKey = (b: BuildSnapshot) => {
    const m = new Map<string, string>();
    for (const { rule } of b.records) {
      let k = JSON.stringify([rule.name, label(rule, "service") ?? null, label(rule, "slo") ?? null]);
      let n = 1;
      while (m.has(k)) k = `${k}#${++n}`;
      m.set(k, content(rule));
    }
    return m;
  };
  const b = byKey(base);
  const a = byKey(head);
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const [k, e] of b) {
    if (!a.has(k)) removed++;
    else if (a.get(k) !== e) changed++;
  }
  for (const k of a.keys()) if (!b.has(k)) added++;
  return { added, removed, changed };
}

/** Each rule's evaluation cost at its group's interval, and the selectors it reads, worked out once for both builds. */
type RuleCosts = WeakMap<LoadedRule, { interval: number; samples: number; selectors: string[] }>;

function stats(build: BuildSnapshot, scrapeMs: number, costs: RuleCosts): BuildStats {
  const selectors = new Set<string>();
  let samples = 0;
  for (const r of [...build.records, ...build.alerts]) {
    let cost = costs.get(r.rule);
    if (cost === undefined || cost.interval !== r.interval) {
      const read = new Set<string>();
      cost = { interval: r.interval, samples: evaluationCost(r.rule.expr, scrapeMs, r.interval, read).samples, selectors: [...read] };
      costs.set(r.rule, cost);
    }
    samples += cost.samples;
    for (const sel of cost.selectors) selectors.add(sel);
  }
  return {
    groups: build.groups,
    recordingRules: build.records.length,
    alertingRules: build.alerts.length,
    selectors: selectors.size,
    samplesPerEvaluation: Math.round(samples),
  };
}

function duration(ms: number): string {
  return ms === 0 ? "0s" : formatPrometheusDuration(ms);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
