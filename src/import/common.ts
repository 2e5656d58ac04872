// What every importer shares: the imported SLO before it is written, names
// and labels made valid for monac, burn-rate tiers fitted to the period, and
// the files assembled per service and checked by monac's own loader.
import { Decimal } from "../workspace/decimal.js";
import { compareDiagnostics, isError, type Diagnostic } from "../workspace/diagnostics.js";
import { parseDuration, formatDuration } from "../workspace/duration.js";
import { RESERVED_LABELS, type Severity, type TierName } from "../workspace/schema.js";
import { burnRateFactor, DEFAULT_TIERS } from "../workspace/tiers.js";
import { loadWorkspaceFromTexts } from "../workspace/workspace.js";
import { positionOf } from "../workspace/yaml-source.js";
import { emitDocument, entry, list, map, num, str, type Entry, type Item, type Value } from "./emit.js";
import type { Findings, Path, SourceDoc } from "./source.js";

export const SLUG = /^[a-z0-9][a-z0-9_-]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where a value came from, for findings about it. */
export interface Origin {
  doc: SourceDoc;
  path: Path;
}

export interface Label {
  name: string;
  value: string;
  comments: string[];
}

export interface TierOverride {
  budgetPercent?: Decimal;
  longWindow?: string;
  shortWindow?: string;
  severity?: Severity;
}

/** An SLO ready to be written. */
export interface ImportedSlo {
  origin: Origin;
  service: string;
  team: string;
  teamComment: string;
  /** Comments about the service (file level), e.g. how its name was chosen. */
  serviceComments: string[];
  serviceDescription?: string;
  serviceLabels: Label[];
  comments: string[];
  name: string;
  description?: string;
  objective: Decimal;
  /** Written only when not monac's default 30d. */
  period?: string;
  labels: Label[];
  sli: Entry;
  /** Entries of `alerting:` other than tiers. */
  alerting: Entry[];
  tiers: Partial<Record<TierName, false | TierOverride>>;
  tierComments: Partial<Record<TierName, string[]>>;
}

// ----------------------------------------------------------------- names

/** A monac slug from any name: lowercase, runs of other characters become "-". */
export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+/, "")
    .replace(/-+$/, "");
  return s;
}

/**
 * A slug for a service or SLO name; a warning says when the name changed.
 * Undefined (with an error) when nothing is left of it.
 */
export function slugName(what: "service" | "SLO name" | "team", name: unknown, at: Origin, f: Findings, notes?: string[]): string | undefined {
  if (typeof name !== "string" && typeof name !== "number") {
    f.error(at.doc, at.path, `${what} must be a string, got ${describeValue(name)}`);
    return undefined;
  }
  const text = String(name);
  if (SLUG.test(text)) return text;
  const slug = slugify(text);
  if (!SLUG.test(slug)) {
    f.error(at.doc, at.path, `${what} ${JSON.stringify(text)} has no letters or digits to make a monac name from`);
    return undefined;
  }
  f.warn(at.doc, at.path, `${what} ${JSON.stringify(text)} is written as ${JSON.stringify(slug)}: monac names are lowercase letters, digits, "-" and "_"`);
  notes?.push(`The ${what} was ${JSON.stringify(text)} (monac names are lowercase letters, digits, "-" and "_").`);
  return slug;
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

// ---------------------------------------------------------------- labels

/** What a reserved label becomes: renamed (with the new name) or dropped. */
const RESERVED_RENAMES: Record<string, string | undefined> = {
  // Sloth users write tier: "2" for how critical the service is; monac's tier is the burn-rate tier (page-fast, ...).
  tier: "service_tier",
};

/**
 * Labels from a source map, valid for monac: reserved names renamed or
 * dropped, invalid names rewritten, values as strings. Every change is a
 * warning at the label and a comment on it.
 */
export function importLabels(raw: unknown, at: Origin, f: Findings, opts: { skip?: ReadonlySet<string>; what: string; notes?: string[] }): Label[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== "object" || Array.isArray(raw)) {
    f.error(at.doc, at.path, `${opts.what} must be a mapping of label names to values, got ${describeValue(raw)}; not imported`);
    return [];
  }
  const out: Label[] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (opts.skip?.has(name)) continue;
    const here: Path = [...at.path, name];
    if (value !== null && typeof value === "object") {
      f.warn(at.doc, here, `label "${name}" has ${describeValue(value)} as its value; Prometheus labels are strings: not imported`);
      opts.notes?.push(`Not imported: ${opts.what} "${name}" (its value is ${describeValue(value)}, not a string).`);
      continue;
    }
    const text = value === null || value === undefined ? "" : String(value);
    const reserved = (RESERVED_LABELS as readonly string[]).includes(name) || name.startsWith("__");
    if (reserved) {
      const renamed = RESERVED_RENAMES[name];
      if (renamed === undefined) {
        f.warn(at.doc, here, `label "${name}" is set by monac itself (${reservedMeaning(name)}): not imported`);
        opts.notes?.push(`Not imported: ${opts.what} ${name}: ${JSON.stringify(text)} (monac sets "${name}" itself: ${reservedMeaning(name)}).`);
        continue;
      }
      const why = `label "${name}" is renamed "${renamed}": monac sets "${name}" itself (${reservedMeaning(name)})`;
      f.warn(at.doc, here, why);
      out.push({ name: renamed, value: text, comments: [`${why}.`] });
      continue;
    }
    if (!LABEL_NAME.test(name)) {
      const fixed = name.replace(/[^a-zA-Z0-9_]/g, "_").replace(/^([0-9])/, "_$1");
      const why = `label "${name}" is renamed "${fixed}": Prometheus label names are letters, digits and "_"`;
      f.warn(at.doc, here, why);
      out.push({ name: fixed, value: text, comments: [`${why}.`] });
      continue;
    }
    out.push({ name, value: text, comments: [] });
  }
  return out;
}

function reservedMeaning(name: string): string {
  switch (name) {
    case "tier":
      return "the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow";
    case "severity":
      return "each tier's severity";
    case "team":
      return "the file's team";
    case "service":
      return "the file's service";
    case "slo":
      return "the SLO's name";
    case "alertname":
      return "alerting.name";
    default:
      return "labels starting with __ are Prometheus's";
  }
}

export function labelsValue(labels: readonly Label[]): Value {
  return map(labels.map((l) => entry(l.name, str(l.value), l.comments)));
}

export function alertNameEntry(name: unknown, at: Origin, f: Findings, notes: string[]): Entry | undefined {
  if (name === undefined || name === null || name === "") return undefined;
  if (typeof name === "string" && ALERT_NAME.test(name)) return entry("name", str(name));
  notes.push(`Not imported: alert name ${JSON.stringify(name)} (not a Prometheus alert name); monac's default ErrorBudgetBurn is used.`);
  f.warn(at.doc, at.path, `alert name ${JSON.stringify(name)} is not a Prometheus alert name ([A-Za-z_][A-Za-z0-9_]*): not imported, monac's default ErrorBudgetBurn is used`);
  return undefined;
}

/** A runbook link monac accepts: http(s), no credentials, no secret in the query. */
export function runbookOk(url: string): boolean {
  return /^https?:\/\/\S+$/.test(url) && !/^https?:\/\/[^/?#]*@/.test(url) && !/[?&](access_token|token|api_?key|key|password|passwd|secret|sig|signature)=/i.test(url);
}

// ---------------------------------------------------------------- numbers

/** A percentage from a YAML value (number or numeric string), exactly. */
export function decimalOf(value: unknown): Decimal | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return Decimal.of(value);
  if (typeof value === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) return Decimal.of(value.trim());
  return undefined;
}

/** An objective in percent, 0 < p < 100, or an error. */
export function checkObjective(p: Decimal | undefined, raw: unknown, at: Origin, f: Findings, what = "objective"): Decimal | undefined {
  if (p === undefined) {
    f.error(at.doc, at.path, `${what} must be a number, got ${describeValue(raw)}`);
    return undefined;
  }
  if (p.cmp(Decimal.of(0)) <= 0 || p.cmp(Decimal.of(100)) >= 0) {
    f.error(at.doc, at.path, `${what} ${p} is not between 0 and 100 percent (exclusive): an SLO of ${p}% has no error budget to alert on`);
    return undefined;
  }
  if (!p.terminates) return p.round(10);
  return p;
}

export function durationOk(text: unknown): text is string {
  return typeof text === "string" && (parseDuration(text) ?? 0) > 0;
}

// ------------------------------------------------------------------ tiers

export const TIER_DEFAULTS = Object.fromEntries(DEFAULT_TIERS.map((t) => [t.name, t])) as Record<TierName, (typeof DEFAULT_TIERS)[number]>;

/**
 * Disables the tiers monac would reject for this period and objective: a
 * long window longer than the period, or a burn-rate factor so high that the
 * error ratio would have to pass 1. Each one is a warning and a comment.
 */
export function fitTiers(slo: ImportedSlo, f: Findings): void {
  const periodMs = parseDuration(slo.period ?? "30d")!;
  const budget = Decimal.of(1).minus(slo.objective.div(Decimal.of(100)));
  for (const d of DEFAULT_TIERS) {
    const o = slo.tiers[d.name];
    if (o === false) continue;
    const longWindow = o?.longWindow ?? d.longWindow;
    const longMs = parseDuration(longWindow)!;
    const percent = o?.budgetPercent ?? Decimal.of(d.budgetPercent);
    let why: string | undefined;
    if (longMs > periodMs) {
      why = `tier ${d.name} is disabled: its long window ${longWindow} is longer than the SLO period ${formatDuration(periodMs)}`;
    } else {
      const factor = burnRateFactor(percent, periodMs, longMs);
      if (factor.times(budget).cmp(Decimal.of(1)) >= 0) {
        why = `tier ${d.name} is disabled: spending ${percent}% of a ${formatDuration(periodMs)} budget in ${longWindow} is a burn rate of ${factor}, an error ratio of ${factor.times(budget)} (over 1) at objective ${slo.objective}%: it could never fire`;
      }
    }
    if (why === undefined) continue;
    f.warn(slo.origin.doc, slo.origin.path, why);
    slo.tiers[d.name] = false;
    (slo.tierComments[d.name] ??= []).push(`${why}.`);
  }
}

function tiersValue(slo: ImportedSlo): Entry | undefined {
  const entries: Entry[] = [];
  for (const d of DEFAULT_TIERS) {
    const o = slo.tiers[d.name];
    const comments = slo.tierComments[d.name];
    if (o === undefined) continue;
    if (o === false) {
      entries.push(entry(d.name, { t: "bool", v: false }, comments));
      continue;
    }
    const fields: Entry[] = [];
    if (o.budgetPercent !== undefined && o.budgetPercent.cmp(Decimal.of(d.budgetPercent)) !== 0) fields.push(entry("budgetPercent", num(o.budgetPercent.toString())));
    if (o.longWindow !== undefined && parseDuration(o.longWindow) !== parseDuration(d.longWindow)) fields.push(entry("longWindow", str(o.longWindow)));
    if (o.shortWindow !== undefined && parseDuration(o.shortWindow) !== parseDuration(d.shortWindow)) fields.push(entry("shortWindow", str(o.shortWindow)));
    if (o.severity !== undefined && o.severity !== d.severity) fields.push(entry("severity", str(o.severity)));
    if (fields.length > 0) entries.push(entry(d.name, map(fields), comments));
  }
  return entries.length > 0 ? entry("tiers", map(entries)) : undefined;
}

// ----------------------------------------------------------------- files

export interface AssembleInput {
  tool: string;
  slos: ImportedSlo[];
}

/**
 * One file per service, checked by monac's loader: an SLO monac would still
 * reject (a case the importer did not foresee) becomes an error at its source
 * and is left out, so that every file written loads cleanly.
 */
export function assemble(input: AssembleInput, f: Findings): { path: string; text: string }[] {
  const byService = new Map<string, ImportedSlo[]>();
  for (const slo of input.slos) {
    const same = byService.get(slo.service);
    if (!same) {
      byService.set(slo.service, [slo]);
      continue;
    }
    if (same[0]!.team !== slo.team) {
      f.error(slo.origin.doc, slo.origin.path, `service "${slo.service}" is already imported with team "${same[0]!.team}" (${where(same[0]!.origin)}), this SLO has team "${slo.team}": one service belongs to one team; not imported`);
      continue;
    }
    const twin = same.find((s) => s.name === slo.name);
    if (twin) {
      f.error(slo.origin.doc, slo.origin.path, `SLO "${slo.name}" of service "${slo.service}" is already imported from ${where(twin.origin)}: SLO names must be unique per service; not imported`);
      continue;
    }
    same.push(slo);
  }
  const files: { path: string; text: string }[] = [];
  for (const service of [...byService.keys()].sort()) {
    let slos = byService.get(service)!;
    for (;;) {
      if (slos.length === 0) break;
      const text = renderFile(input.tool, service, slos);
      const rejected = selfCheck(service, slos[0]!.team, text);
      if (rejected.size === 0) {
        files.push({ path: `${service}.yaml`, text });
        break;
      }
      const whole = rejected.get(-1);
      for (const [index, diags] of rejected) {
        if (index === -1) continue;
        const slo = slos[index]!;
        for (const d of diags) f.error(slo.origin.doc, slo.origin.path, `cannot import: monac rejects the SLO as imported: ${d.path.replace(/^slos\[\d+\]\.?/, "") || "(SLO)"}: ${d.message}`);
      }
      if (whole) {
        for (const slo of slos) for (const d of whole) f.error(slo.origin.doc, slo.origin.path, `cannot import: monac rejects the file for service "${service}": ${d.path ? `${d.path}: ` : ""}${d.message}`);
        break;
      }
      slos = slos.filter((_, i) => !rejected.has(i));
    }
  }
  return files;
}

function where(o: Origin): string {
  const { line, column } = positionOf(o.doc.yaml, o.path);
  return `${o.doc.file}:${line}:${column}`;
}

const CHECK_WORKSPACE = (team: string) => `alertmanager:
  defaultReceiver: import-check
receivers:
  import-check:
    pagerduty: { routingKeyFile: /dev/null }
teams:
  ${team}:
    critical: [import-check]
    warning: [import-check]
    info: [import-check]
`;

/** Errors monac's loader finds in a generated file, per SLO index; -1 for the file as a whole. */
function selfCheck(service: string, team: string, text: string): Map<number, Diagnostic[]> {
  const rel = `slos/${service}.yaml`;
  const result = loadWorkspaceFromTexts([
    { rel: "monac.yaml", text: CHECK_WORKSPACE(team) },
    { rel, text },
  ]);
  const out = new Map<number, Diagnostic[]>();
  for (const d of result.diagnostics.filter(isError).sort(compareDiagnostics)) {
    const m = /^slos\[(\d+)\]/.exec(d.path);
    // A finding about the file as a whole (which the importer should have prevented) is pinned on every SLO of the file.
    const index = m && d.file === rel ? Number(m[1]) : -1;
    out.set(index, [...(out.get(index) ?? []), d]);
  }
  return out;
}

function renderFile(tool: string, service: string, slos: readonly ImportedSlo[]): string {
  const first = slos[0]!;
  const sources = [...new Set(slos.map((s) => s.origin.doc.file))].sort();
  const header = [
    "yaml-language-server: $schema=../schemas/slos.schema.json",
    `Imported from ${tool} by \`monac import\`: ${sources.join(", ")}.`,
    "Comments explain each choice the import made; review them, then delete them as you like.",
  ];
  // Service labels every SLO shares go on the file; the rest on each SLO.
  const key = (l: Label) => `${l.name}=${l.value}`;
  const shared = first.serviceLabels.filter((l) => slos.every((s) => s.serviceLabels.some((m) => key(m) === key(l))));
  const sharedKeys = new Set(shared.map(key));
  const serviceComments = [...new Set(slos.flatMap((s) => s.serviceComments))];
  const entries: Entry[] = [
    entry("service", str(service), serviceComments),
    entry("team", str(first.team), [first.teamComment]),
  ];
  const description = slos.find((s) => s.serviceDescription)?.serviceDescription;
  if (description) entries.push(entry("description", str(description)));
  if (shared.length > 0) entries.push(entry("labels", labelsValue(shared)));
  entries.push(entry("slos", list(slos.map((s) => sloItem(s, sharedKeys)))));
  return emitDocument(header, entries);
}

function sloItem(slo: ImportedSlo, sharedServiceLabels: ReadonlySet<string>): Item {
  const entries: Entry[] = [entry("name", str(slo.name))];
  if (slo.description) entries.push(entry("description", str(slo.description)));
  entries.push(entry("objective", num(slo.objective.toString())));
  if (slo.period !== undefined && parseDuration(slo.period) !== parseDuration("30d")) entries.push(entry("period", str(slo.period)));
  // SLO labels override service labels of the same name, as in Sloth.
  const own = new Set(slo.labels.map((l) => l.name));
  const labels = [...slo.serviceLabels.filter((l) => !sharedServiceLabels.has(`${l.name}=${l.value}`) && !own.has(l.name)), ...slo.labels].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (labels.length > 0) entries.push(entry("labels", labelsValue(labels)));
  entries.push(slo.sli);
  const alerting = [...slo.alerting];
  const tiers = tiersValue(slo);
  if (tiers) alerting.push(tiers);
  if (alerting.length > 0) entries.push(entry("alerting", map(alerting)));
  return { value: map(entries), comments: slo.comments };
}
