// Detection benchmark (part of `npm run bench`, which builds dist/ first):
// Sloth's getting-started SLO against the same SLO compiled by monac, both
// replayed through synthetic incidents on monac's rule evaluator.
//
// The SLO: 99.9% over 30d, errors `http_request_duration_seconds_count
// {job="myservice",code=~"(5..|429)"}` over all of `…{job="myservice"}`.
// Sloth's side is its generated rules file used as is; monac's is the same
// SLO as a spec, compiled in memory by monac's own loader and compiler.
//
// Traffic: 1,000 requests a minute at a 0.01% error ratio, three healthy
// days (so every window up to 3d is full), then one incident per run. Each
// run reports, per tool, the first alert of each severity (page, ticket),
// the share of the 30d error budget spent by then, and any alert that
// STARTS after the incident is over, next to the SRE workbook's figure:
// detection t = (1 - SLO) / E × long window × factor for the fastest tier
// that can fire, having spent factor × long window / period of the budget.
// Then the cost of each tool's rules: samples read per evaluation, counted
// statically from the rule expressions.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  compileWorkspace,
  formatDiagnostic,
  loadWorkspaceFromTexts,
  parsePromQL,
  parseRuleFile,
  replay,
  trafficInput,
  walk,
  type AlertInterval,
  type Expr,
  type LoadedRuleGroup,
  type ReplayResult,
  type TrafficCounters,
  type TrafficProfile,
} from "../src/index.js";
import { root } from "./root.js";

/** A synthetic incident: an error ratio from the end of the healthy history, for `minutes` (blips) or until the end (sustained). */
interface Incident {
  name: string;
  ratio: number;
  minutes: number | undefined;
}

type Severity = "page" | "ticket";

interface Tool {
  name: "Sloth" | "monac";
  severityOf(labels: Record<string, string>): string | undefined;
}

/** An alert's detection: minutes after the incident start, and the share of the 30d budget spent by then. */
interface Detection {
  afterMin: number;
  budget: number;
}

const SLOTH_DIR = path.resolve(root, "..", "shared", "reference", "sloth");
const SLOTH_RULES = path.join(SLOTH_DIR, "_gen_getting-started.yml");
if (!existsSync(SLOTH_RULES)) {
  console.log(`detection: SKIPPED, Sloth's generated rules not found at ${SLOTH_RULES} (../shared is not checked out next to the repo)`);
  process.exit(0);
}

// -- the SLO and the traffic ------------------------------------------------------

const OBJECTIVE_PERCENT = 99.9;
const BUDGET = 0.001; // 1 - 99.9%
const PERIOD_MIN = 30 * 1440;
const RPM = 1000;
const BASELINE = 0.0001;
const HISTORY_MIN = 3 * 1440;
const MAX_INCIDENT_MIN = 4 * 1440;
const BLIP_TAIL_MIN = 7 * 60;
const MIN = 60_000;

const COUNTERS: TrafficCounters = {
  errors: 'http_request_duration_seconds_count{job="myservice",code="500"}',
  // The total selector matches the error series too: the other series counts the rest.
  good: 'http_request_duration_seconds_count{job="myservice",code="200"}',
};

const sustained = [1, 0.5, 0.1, 0.01584, 0.0066, 0.0033, 0.0011].map((e): Incident => ({
  name: `${pct(e)} errors (${trimNum(e / BUDGET)}×)`,
  ratio: e,
  minutes: undefined,
}));
const blips: Incident[] = [
  { name: "5m blip, 100% errors", ratio: 1, minutes: 5 },
  { name: "10m outage, 100% errors", ratio: 1, minutes: 10 },
];
const INCIDENTS = [...sustained, ...blips];

/** The SRE workbook's tiers for a 30d period. */
const TIERS: ReadonlyArray<{ name: string; severity: Severity; longMin: number; factor: number }> = [
  { name: "page-fast", severity: "page", longMin: 60, factor: 14.4 },
  { name: "page-slow", severity: "page", longMin: 360, factor: 6 },
  { name: "ticket-fast", severity: "ticket", longMin: 1440, factor: 3 },
  { name: "ticket-slow", severity: "ticket", longMin: 4320, factor: 1 },
];

function profileOf(incident: Incident): TrafficProfile {
  const errorRatio: Array<[number, number]> = [
    [0, BASELINE],
    [HISTORY_MIN, incident.ratio],
  ];
  if (incident.minutes !== undefined) errorRatio.push([HISTORY_MIN + incident.minutes, BASELINE]);
  const minutes = HISTORY_MIN + (incident.minutes === undefined ? MAX_INCIDENT_MIN : incident.minutes + BLIP_TAIL_MIN);
  return { requestsPerMinute: RPM, errorRatio, minutes };
}

/** Errors between the incident start and `min` (minutes since the replay start), from the profile. */
function errorsSinceStart(profile: TrafficProfile, min: number): number {
  let n = 0;
  profile.errorRatio.forEach(([from, ratio], i) => {
    const to = Math.min(profile.errorRatio[i + 1]?.[0] ?? profile.minutes, min);
    const start = Math.max(from, HISTORY_MIN);
    if (to > start) n += RPM * ratio * (to - start);
  });
  return n;
}

const budgetSpent = (errors: number): number => errors / (BUDGET * RPM * PERIOD_MIN);

// -- the rules of each tool ------------------------------------------------------

function slothRules(): LoadedRuleGroup[] {
  // Its SLI rules already read http_request_duration_seconds_count; used as is.
  return parseRuleFile(SLOTH_RULES, readFileSync(SLOTH_RULES, "utf8"));
}

const MONAC_SLO = `service: myservice
team: myteam
slos:
  - name: requests-availability
    description: Common SLO based on availability for HTTP request responses.
    objective: ${OBJECTIVE_PERCENT}
    period: 30d
    sli:
      ratio:
        errors: http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}
        total: http_request_duration_seconds_count{job="myservice"}
`;

function monacYaml(evaluationInterval: string | undefined): string {
  return `${evaluationInterval === undefined ? "" : `evaluationInterval: ${evaluationInterval}\n`}alertmanager:
  defaultReceiver: myteam-email
  smtp: { from: alertmanager@example.com, smarthost: "smtp.example.com:587" }
receivers:
  myteam-email: { email: { to: myteam@example.com } }
teams:
  myteam:
    critical: [myteam-email]
    warning: [myteam-email]
`;
}

/**
 * monac's rules for the SLO, compiled for the evaluation interval when the
 * workspace has that setting; otherwise for the default, with a note.
 */
function monacRules(evaluationInterval: string): { groups: LoadedRuleGroup[]; note: string | undefined } {
  const compile = (yaml: string) => loadWorkspaceFromTexts([
    { rel: "monac.yaml", text: yaml },
    { rel: "slos/myservice.yaml", text: MONAC_SLO },
  ]);
  let note: string | undefined;
  let loaded = compile(monacYaml(evaluationInterval));
  if (!loaded.model && loaded.diagnostics.some((d) => /evaluationInterval/.test(formatDiagnostic(d)))) {
    note = `monac.yaml has no evaluationInterval setting yet (${loaded.diagnostics.map(formatDiagnostic).join("; ")}): rules compiled for the default`;
    loaded = compile(monacYaml(undefined));
  }
  if (!loaded.model) throw new Error(`the monac workspace is invalid:\n${loaded.diagnostics.map(formatDiagnostic).join("\n")}`);
  const file = compileWorkspace(loaded.model, { dashboards: false }).find((a) => a.path === "prometheus/rules/myservice.requests-availability.slo.rules.yaml");
  if (!file) throw new Error("monac produced no prometheus/rules/myservice.requests-availability.slo.rules.yaml");
  return { groups: parseRuleFile("myservice.requests-availability.slo.rules.yaml", file.content), note };
}

const TOOLS: Tool[] = [
  { name: "Sloth", severityOf: (l) => l.sloth_severity },
  { name: "monac", severityOf: (l) => ({ critical: "page", warning: "ticket" } as Record<string, string | undefined>)[l.severity ?? ""] },
];

// -- replay ---------------------------------------------------------------------

/**
 * First page and ticket of one tool in one incident. A sustained incident
 * runs until both severities have fired or for at most 4 days: a short
 * replay first, the full one only if something has not fired yet.
 */
interface IncidentRun {
  first: Partial<Record<Severity, Detection>>;
  early: AlertInterval[];
  late: AlertInterval[] | undefined;
  endMs: number | undefined;
  stats: ReplayStats;
  tool: Tool;
}

interface ReplayStats {
  replays: number;
  ms: number;
  path: Set<string>;
  fallback: Set<string>;
}

async function runIncident(tool: Tool, groups: readonly LoadedRuleGroup[], incident: Incident, intervalMs: number): Promise<IncidentRun> {
  const profile = profileOf(incident);
  const input = trafficInput(profile, COUNTERS, intervalMs);
  const horizons = incident.minutes === undefined ? [HISTORY_MIN + 6 * 60, profile.minutes] : [profile.minutes];
  let res: ReplayResult | undefined;
  const stats: ReplayStats = { replays: 0, ms: 0, path: new Set(), fallback: new Set() };
  for (const horizon of horizons) {
    const started = performance.now();
    res = await replay({ groups, ...input, evaluationIntervalMs: intervalMs, durationMs: horizon * MIN });
    stats.ms += performance.now() - started;
    stats.replays++;
    stats.path.add(res.path);
    if (res.fallbackReason) stats.fallback.add(res.fallbackReason);
    if (res.errors.length > 0) throw new Error(`${tool.name}: rule evaluation failed: ${res.errors.join("; ")}`);
    const sev = new Set(res.alerts.filter((a) => a.firingFrom >= HISTORY_MIN * MIN).map((a) => tool.severityOf(a.labels)));
    if (sev.has("page") && sev.has("ticket")) break;
  }
  if (res === undefined) throw new Error("no replay ran");
  const startMs = HISTORY_MIN * MIN;
  const endMs = incident.minutes === undefined ? undefined : (HISTORY_MIN + incident.minutes) * MIN;
  const first: IncidentRun["first"] = {};
  for (const severity of ["page", "ticket"] as const) {
    const a = res.alerts.find((x) => x.firingFrom >= startMs && tool.severityOf(x.labels) === severity);
    first[severity] = a && { afterMin: (a.firingFrom - startMs) / MIN, budget: budgetSpent(errorsSinceStart(profile, a.firingFrom / MIN)) };
  }
  const early = res.alerts.filter((a) => a.firingFrom < startMs);
  // At the end itself the evaluation still sees the incident's last samples: that start is in time.
  const late = endMs === undefined ? undefined : res.alerts.filter((a) => a.firingFrom > endMs);
  return { first, early, late, endMs, stats, tool };
}

/** The workbook's detection for a severity: the fastest of its tiers that can fire. */
function workbook(incident: Incident, severity: Severity): (Detection & { tier: string }) | undefined {
  for (const t of TIERS.filter((x) => x.severity === severity)) {
    if (!(incident.ratio > t.factor * BUDGET)) continue;
    const afterMin = (BUDGET / incident.ratio) * t.longMin * t.factor;
    // A blip ends before a tier that needs longer can fire.
    if (incident.minutes !== undefined && afterMin > incident.minutes) continue;
    return { afterMin, budget: (t.factor * t.longMin) / PERIOD_MIN, tier: t.name };
  }
  return undefined;
}

// -- rule cost --------------------------------------------------------------------

const SCRAPE_MS = 15_000;

/**
 * Samples one evaluation of every rule reads, from the expressions alone:
 * a range selector [W] reads W/scrape samples of a raw series (each raw
 * selector is assumed to match one series) or W/evaluation interval of a
 * recorded one; a subquery [W:s] evaluates its inner expression W/s times;
 * an instant selector reads one sample.
 */
interface RuleCost {
  rules: number;
  raw: number;
  recorded: number;
  heaviest: Array<{ name: string; samples: number }>;
}

function ruleCost(groups: readonly LoadedRuleGroup[], intervalMs: number): RuleCost {
  const recorded = new Set(groups.flatMap((g) => g.rules.filter((r) => r.kind === "record").map((r) => r.name)));
  const out: RuleCost = { rules: 0, raw: 0, recorded: 0, heaviest: [] };
  for (const g of groups) {
    for (const rule of g.rules) {
      out.rules++;
      let ruleSamples = 0;
      walk(parsePromQL(rule.exprText), (node: Expr, ancestors) => {
        const parent = ancestors[ancestors.length - 1];
        if (node.type !== "MatrixSelector" && !(node.type === "VectorSelector" && parent?.type !== "MatrixSelector")) return;
        const evaluations = ancestors
          .filter((a) => a.type === "SubqueryExpr")
          .reduce((n, sq) => n * (sq.range / (sq.step || intervalMs)), 1);
        const selector = node.type === "MatrixSelector" ? node.selector : node;
        const name = selector.name ?? selector.matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
        const isRecorded = name !== undefined && recorded.has(name);
        const perEvaluation = node.type === "MatrixSelector" ? node.range / (isRecorded ? intervalMs : SCRAPE_MS) : 1;
        const samples = evaluations * perEvaluation;
        out[isRecorded ? "recorded" : "raw"] += samples;
        ruleSamples += samples;
      });
      out.heaviest.push({ name: rule.name, samples: ruleSamples });
    }
  }
  out.heaviest.sort((a, b) => b.samples - a.samples);
  return out;
}

// -- formatting -------------------------------------------------------------------

function trimNum(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function pct(x: number): string {
  return `${trimNum(x * 100)}%`;
}

function budgetPct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

function duration(minutes: number): string {
  let s = Math.round(minutes * 60);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.length === 0 ? "0s" : parts.join("");
}

const fmtAlert = (a: Detection | undefined): string => (a === undefined ? "—" : `${duration(a.afterMin)} (${budgetPct(a.budget)})`);

function lateAlerts(r: IncidentRun, tool: Tool): string {
  if (r.late === undefined) return "n/a";
  if (r.late.length === 0) return "none";
  return r.late
    .map((a) => `${tool.severityOf(a.labels)}${a.labels.tier ? ` (${a.labels.tier})` : ""} ${duration((a.firingFrom - r.endMs!) / MIN)} after the end`)
    .join("; ");
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

// -- run --------------------------------------------------------------------------

const started = performance.now();
const notes: string[] = [];
const sloth = slothRules();
const cost: Array<{ label: string; intervalMs: number; sloth: RuleCost; monac: RuleCost }> = [];
console.log("# Detection: Sloth's getting-started SLO vs monac");
console.log();
console.log(
  `SLO ${OBJECTIVE_PERCENT}% over 30d; ${RPM} requests/min at a ${pct(BASELINE)} error ratio for ${HISTORY_MIN / 1440} days, then the incident.` +
    ` Sustained incidents run until both severities fire, at most ${MAX_INCIDENT_MIN / 1440} days; blips are followed by ${BLIP_TAIL_MIN / 60}h of healthy traffic.`,
);
console.log("Cells: time from the incident start to the first alert of the severity (share of the 30d error budget spent by then);");
console.log("page = Sloth's sloth_severity=page / monac's severity=critical, ticket = sloth_severity=ticket / severity=warning.");
console.log("Workbook: t = (1 - SLO) / E × long window × factor of the fastest tier that can fire (E > factor × budget), budget spent = factor × long window / 30d.");

for (const intervalMs of [60_000, 30_000]) {
  const label = duration(intervalMs / MIN);
  const monac = monacRules(label);
  const compiledFor = monac.note ? `monac's rules: ${monac.note}` : `monac's rules: compiled with \`evaluationInterval: ${label}\` in monac.yaml`;
  const rulesOf = { Sloth: sloth, monac: monac.groups };
  cost.push({ label, intervalMs, sloth: ruleCost(sloth, intervalMs), monac: ruleCost(monac.groups, intervalMs) });

  const rows: string[][] = [];
  const replayStats: ReplayStats[] = [];
  for (const incident of INCIDENTS) {
    const wb = { page: workbook(incident, "page"), ticket: workbook(incident, "ticket") };
    rows.push([
      incident.name,
      "workbook",
      wb.page ? `${fmtAlert(wb.page)} ${wb.page.tier}` : "—",
      wb.ticket ? `${fmtAlert(wb.ticket)} ${wb.ticket.tier}` : "—",
      incident.minutes === undefined ? "n/a" : "none",
    ]);
    for (const tool of TOOLS) {
      const r = await runIncident(tool, rulesOf[tool.name], incident, intervalMs);
      replayStats.push(r.stats);
      if (r.early.length > 0) notes.push(`${label} ${incident.name}: ${tool.name} fired ${r.early.length} alert(s) during the healthy history`);
      rows.push(["", tool.name, fmtAlert(r.first.page), fmtAlert(r.first.ticket), lateAlerts(r, tool)]);
    }
  }
  const replays = replayStats.reduce((n, s) => n + s.replays, 0);
  const ms = replayStats.reduce((n, s) => n + s.ms, 0);
  const paths = [...new Set(replayStats.flatMap((s) => [...s.path]))].join(", ");
  const fallbacks = [...new Set(replayStats.flatMap((s) => [...s.fallback]))];
  console.log();
  console.log(`## Evaluation and scrape interval ${label}`);
  console.log();
  console.log(`${compiledFor}; Sloth's rules as generated.`);
  console.log();
  console.log(table(["incident", "source", "first page", "first ticket", "alerts starting after the incident ended"], rows));
  console.log();
  console.log(`${replays} replays in ${(ms / 1000).toFixed(1)} s (${paths} path${fallbacks.length ? `; fallback: ${fallbacks.join("; ")}` : ""}).`);
}

console.log();
console.log("## Rule evaluation cost per SLO");
console.log();
console.log(
  `Samples read by one evaluation of all of a tool's rules for the SLO, from the expressions (monac's PromQL parser): a range selector [W] reads` +
    ` W / scrape interval samples of a raw series (assumed: one errors and one total raw series, each selector matching one, scraped every ${SCRAPE_MS / 1000}s)` +
    ` or W / evaluation interval of a recorded series; a subquery [W:s] evaluates its inner expression W/s times; an instant selector reads 1.`,
);
console.log();
const costRows = cost.flatMap((c) =>
  (["sloth", "monac"] as const).map((k) => {
    const x = c[k];
    const total = x.raw + x.recorded;
    return [
      c.label,
      k === "sloth" ? "Sloth" : "monac",
      String(x.rules),
      fmtInt(x.raw),
      fmtInt(x.recorded),
      fmtInt(total),
      fmtInt((total * 86_400_000) / c.intervalMs),
      x.heaviest.slice(0, 2).map((h) => `${h.name} ${fmtInt(h.samples)}`).join(", "),
    ];
  }),
);
console.log(table(["evaluation", "tool", "rules", "raw samples", "recorded samples", "total / evaluation", "total / day", "heaviest rules"], costRows));

if (notes.length > 0) {
  console.log();
  console.log("Notes:");
  for (const n of notes) console.log(`- ${n}`);
}
console.log();
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);

function fmtInt(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}
