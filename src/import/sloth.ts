// Sloth specs (version: prometheus/v1, and the PrometheusServiceLevel CRD of
// sloth.slok.dev/v1) into monac SLOs. Field names from Sloth's Go types:
// pkg/prometheus/api/v1 (snake_case) and pkg/kubernetes/api/sloth/v1 (camelCase).
import { Decimal } from "../workspace/decimal.js";
import { parseDuration, formatDuration } from "../workspace/duration.js";
import { TIER_NAMES, type Severity, type TierName } from "../workspace/schema.js";
import {
  alertNameEntry,
  checkObjective,
  decimalOf,
  describeValue,
  durationOk,
  fitTiers,
  importLabels,
  runbookOk,
  slugName,
  TIER_DEFAULTS,
  type ImportedSlo,
  type Label,
  type TierOverride,
} from "./common.js";
import { entry, str, type Entry } from "./emit.js";
import { eventsSli, rawSli } from "./queries.js";
import { get, isObj, readDocuments, type Findings, type Obj, type Path, type SourceDoc } from "./source.js";

export interface SlothWindows {
  file: string;
  period: string;
  tiers: Record<TierName, TierOverride>;
  comments: string[];
}

/** Sloth's two spellings of the same fields. */
interface Names {
  sloPlugins: string;
  errorQuery: string;
  totalQuery: string;
  errorRatioQuery: string;
  pageAlert: string;
  ticketAlert: string;
}
const SNAKE: Names = { sloPlugins: "slo_plugins", errorQuery: "error_query", totalQuery: "total_query", errorRatioQuery: "error_ratio_query", pageAlert: "page_alert", ticketAlert: "ticket_alert" };
const CAMEL: Names = { sloPlugins: "sloPlugins", errorQuery: "errorQuery", totalQuery: "totalQuery", errorRatioQuery: "errorRatioQuery", pageAlert: "pageAlert", ticketAlert: "ticketAlert" };

/** Contrib SLO plugins whose effect monac has no use for: imported without them. */
const HARMLESS_PLUGINS: Record<string, string> = {
  "sloth.dev/contrib/info_labels/v1": "it only adds labels to Sloth's SLO info metric, which monac does not write",
  "sloth.dev/contrib/rule_intervals/v1": "it only changes the evaluation interval of Sloth's rule groups; monac's is evaluationInterval in monac.yaml, for all SLOs",
  "sloth.dev/core/noop/v1": "it does nothing",
};

export interface SlothContext {
  team?: string;
  windows?: SlothWindows;
  /** Whether the file (or the sources as a whole) asked for Sloth; a CRD under another tool's name says so. */
  tool: string;
}

/** The SLOs of one Sloth document (either spelling); undefined when the document is not Sloth's. */
export function importSlothDoc(doc: SourceDoc, ctx: SlothContext, f: Findings): ImportedSlo[] {
  const data = doc.data as Obj;
  let root: Path;
  let names: Names;
  if (data.version !== undefined) {
    if (data.version !== "prometheus/v1") {
      f.error(doc, ["version"], `unsupported Sloth spec version ${JSON.stringify(data.version)}: expected "prometheus/v1"; nothing imported from this document`);
      return [];
    }
    root = [];
    names = SNAKE;
    unknownFields(doc, [], data, ["version", "service", "labels", "slos", "slo_plugins"], f);
  } else {
    root = ["spec"];
    names = CAMEL;
    unknownFields(doc, [], data, ["apiVersion", "kind", "metadata", "spec", "status"], f);
    if (!isObj(data.spec)) {
      f.error(doc, ["spec"], `a PrometheusServiceLevel needs a spec mapping, got ${describeValue(data.spec)}; nothing imported from this document`);
      return [];
    }
    unknownFields(doc, ["spec"], data.spec, ["service", "labels", "slos", "sloPlugins"], f);
  }
  const spec = get(data, root) as Obj;
  const serviceNotes: string[] = [];
  const service = slugName("service", spec.service, { doc, path: [...root, "service"] }, f, serviceNotes);
  if (service === undefined) return [];

  // The team: --team, else the owner or team label.
  const labelsRaw = isObj(spec.labels) ? spec.labels : {};
  let team: string | undefined;
  let teamComment: string;
  const consumed = new Set<string>();
  if (ctx.team !== undefined) {
    team = ctx.team;
    teamComment = "Team from --team.";
  } else {
    const key = ["team", "owner"].find((k) => typeof labelsRaw[k] === "string" && labelsRaw[k] !== "");
    if (key === undefined) {
      f.error(doc, [...root, "service"], `no team for service "${service}": Sloth has no team field and the spec has no "owner" or "team" label; pass --team <name> (a team declared in monac.yaml); nothing imported from this document`);
      return [];
    }
    team = slugName("team", labelsRaw[key], { doc, path: [...root, "labels", key] }, f);
    if (team === undefined) return [];
    consumed.add(key);
    teamComment = `Team from Sloth's "${key}" label (${JSON.stringify(labelsRaw[key])}); monac routes alerts by team, so it is not kept as a label.`;
  }
  const serviceLabels = importLabels(spec.labels, { doc, path: [...root, "labels"] }, f, { skip: consumed, what: "label", notes: serviceNotes });

  // SLO plugins for every SLO of the service.
  const servicePlugins = pluginsProblem(doc, [...root, names.sloPlugins], get(spec, [names.sloPlugins]), f);

  if (!Array.isArray(spec.slos) || spec.slos.length === 0) {
    f.error(doc, [...root, "slos"], `expected a list of SLOs, got ${describeValue(spec.slos)}; nothing imported from this document`);
    return [];
  }
  const out: ImportedSlo[] = [];
  spec.slos.forEach((_, i) => {
    const slo = importSlo(doc, [...root, "slos", i], names, { service, team: team!, teamComment, serviceLabels, servicePlugins, serviceNotes }, ctx, f);
    if (slo) out.push(slo);
  });
  return out;
}

interface ServiceInfo {
  service: string;
  team: string;
  teamComment: string;
  serviceLabels: Label[];
  servicePlugins: { ok: boolean; comments: string[] };
  serviceNotes: string[];
}

function importSlo(doc: SourceDoc, base: Path, names: Names, svc: ServiceInfo, ctx: SlothContext, f: Findings): ImportedSlo | undefined {
  const raw = get(doc.data, base);
  if (!isObj(raw)) {
    f.error(doc, base, `an SLO must be a mapping, got ${describeValue(raw)}; not imported`);
    return undefined;
  }
  unknownFields(doc, base, raw, ["name", "description", "objective", "plugins", "labels", "sli", "alerting"], f);
  const errorsBefore = f.list.filter((d) => d.severity !== "warning").length;
  const comments: string[] = [];
  const name = slugName("SLO name", raw.name, { doc, path: [...base, "name"] }, f, comments);
  const objective = checkObjective(decimalOf(raw.objective), raw.objective, { doc, path: [...base, "objective"] }, f);
  const plugins = pluginsProblem(doc, [...base, "plugins"], raw.plugins, f);
  comments.push(...svc.servicePlugins.comments, ...plugins.comments);

  // The SLI.
  const sliRaw = raw.sli;
  let sli: Entry | undefined;
  if (!isObj(sliRaw)) {
    f.error(doc, [...base, "sli"], `expected an SLI (events, raw or plugin), got ${describeValue(sliRaw)}; SLO not imported`);
  } else {
    const kinds = ["events", "raw", "plugin"].filter((k) => sliRaw[k] !== undefined && sliRaw[k] !== null);
    unknownFields(doc, [...base, "sli"], sliRaw, ["events", "raw", "plugin"], f);
    if (kinds.length !== 1) {
      f.error(doc, [...base, "sli"], kinds.length === 0 ? "expected one SLI kind: events, raw or plugin; SLO not imported" : `expected one SLI kind, got ${kinds.join(" and ")}; SLO not imported`);
    } else if (kinds[0] === "plugin") {
      const id = get(sliRaw, ["plugin", "id"]);
      f.error(doc, [...base, "sli", "plugin"], `SLI plugin ${JSON.stringify(id ?? "")} cannot be imported: monac cannot run a plugin's code; write the SLI the plugin builds as a monac ratio or raw SLI by hand; SLO not imported`);
    } else if (kinds[0] === "events") {
      const p: Path = [...base, "sli", "events"];
      const ev = sliRaw.events;
      if (!isObj(ev)) f.error(doc, p, `expected ${names.errorQuery} and ${names.totalQuery}, got ${describeValue(ev)}; SLO not imported`);
      else {
        unknownFields(doc, p, ev, [names.errorQuery, names.totalQuery], f);
        const r = eventsSli({ doc, path: [...p, names.errorQuery] }, ev[names.errorQuery], { doc, path: [...p, names.totalQuery] }, ev[names.totalQuery], f, { errors: names.errorQuery, total: names.totalQuery });
        if (r) {
          sli = r.sli;
          comments.push(...r.comments);
        }
      }
    } else {
      const p: Path = [...base, "sli", "raw"];
      const rq = sliRaw.raw;
      if (!isObj(rq)) f.error(doc, p, `expected ${names.errorRatioQuery}, got ${describeValue(rq)}; SLO not imported`);
      else {
        unknownFields(doc, p, rq, [names.errorRatioQuery], f);
        const r = rawSli({ doc, path: [...p, names.errorRatioQuery] }, rq[names.errorRatioQuery], f, names.errorRatioQuery);
        if (r) {
          sli = r.sli;
          comments.push(...r.comments);
        }
      }
    }
  }

  const labels = importLabels(raw.labels, { doc, path: [...base, "labels"] }, f, { what: "label", notes: comments });
  const slo: ImportedSlo = {
    origin: { doc, path: base },
    service: svc.service,
    team: svc.team,
    teamComment: svc.teamComment,
    serviceComments: svc.serviceNotes,
    serviceLabels: svc.serviceLabels,
    comments,
    name: name ?? "",
    objective: objective ?? Decimal.of(50),
    labels,
    sli: sli ?? entry("sli", str("")),
    alerting: [],
    tiers: {},
    tierComments: {},
  };
  if (typeof raw.description === "string" && raw.description !== "") slo.description = raw.description;
  importAlerting(doc, [...base, "alerting"], raw.alerting, names, slo, f);
  applyWindows(slo, ctx.windows);
  const errorsAfter = f.list.filter((d) => d.severity !== "warning").length;
  if (errorsAfter > errorsBefore || !plugins.ok || !svc.servicePlugins.ok || !sli || name === undefined || objective === undefined) return undefined;
  fitTiers(slo, f);
  return slo;
}

function importAlerting(doc: SourceDoc, p: Path, raw: unknown, names: Names, slo: ImportedSlo, f: Findings): void {
  if (raw === undefined || raw === null) {
    slo.comments.push("No alerting in the Sloth spec: monac's default tiers alert, as Sloth's defaults would.");
    return;
  }
  if (!isObj(raw)) {
    f.error(doc, p, `alerting must be a mapping, got ${describeValue(raw)}; SLO not imported`);
    return;
  }
  unknownFields(doc, p, raw, ["name", "labels", "annotations", names.pageAlert, names.ticketAlert], f);
  const name = alertNameEntry(raw.name, { doc, path: [...p, "name"] }, f, slo.comments);
  if (name) slo.alerting.push(name);
  // Annotations: the ones monac has fields for.
  const annotations = raw.annotations;
  const moved: Entry[] = [];
  if (annotations !== undefined && annotations !== null) {
    if (!isObj(annotations)) f.warn(doc, [...p, "annotations"], `annotations must be a mapping, got ${describeValue(annotations)}: not imported`);
    else {
      for (const key of Object.keys(annotations).sort()) {
        const value = annotations[key];
        const ap: Path = [...p, "annotations", key];
        if (typeof value !== "string") {
          f.warn(doc, ap, `annotation "${key}" is ${describeValue(value)}, not text: not imported`);
        } else if (key === "summary" || key === "description") {
          moved.push(entry(key, str(value)));
        } else if (key === "runbook" || key === "runbook_url") {
          if (runbookOk(value)) moved.push(entry("runbook", str(value), key === "runbook_url" ? ["Sloth's runbook_url annotation."] : []));
          else {
            f.warn(doc, ap, `annotation "${key}" is not an http(s) URL monac can link to (no credentials or secrets in it): not imported`);
            slo.comments.push(`Not imported: Sloth annotation ${key}: ${JSON.stringify(value)} (monac's runbook is an http(s) URL).`);
          }
        } else {
          f.warn(doc, ap, `annotation "${key}" is not imported: monac's alerts have summary, description and runbook, and no other annotations`);
          slo.comments.push(`Not imported: Sloth annotation "${key}" (monac alerts have summary, description and runbook only).`);
        }
      }
    }
  }
  slo.alerting.push(...moved);
  const labels = importLabels(raw.labels, { doc, path: [...p, "labels"] }, f, { what: "alert label", notes: slo.comments });
  if (labels.length > 0) slo.alerting.push(entry("labels", { t: "map", entries: labels.map((l) => entry(l.name, str(l.value), l.comments)) }));

  for (const [key, kind, tierNames] of [
    [names.pageAlert, "page", ["page-fast", "page-slow"]],
    [names.ticketAlert, "ticket", ["ticket-fast", "ticket-slow"]],
  ] as const) {
    const ap: Path = [...p, key];
    const alert = raw[key];
    const defaultSeverity = TIER_DEFAULTS[tierNames[0]].severity;
    if (alert === undefined || alert === null) continue;
    if (!isObj(alert)) {
      f.error(doc, ap, `${key} must be a mapping, got ${describeValue(alert)}; SLO not imported`);
      continue;
    }
    unknownFields(doc, ap, alert, ["disable", "labels", "annotations"], f);
    if (alert.disable === true) {
      for (const t of tierNames) slo.tiers[t] = false;
      (slo.tierComments[tierNames[0]] ??= []).push(`Sloth's ${key}.disable: true: no ${kind} alert (${tierNames.join(" and ")} off).`);
      continue;
    }
    const notes: string[] = [];
    let head = `Sloth's ${kind} alert → monac's ${kind} tiers (${tierNames.join(", ")}), severity ${defaultSeverity}.`;
    const tierLabels = alert.labels;
    if (tierLabels !== undefined && tierLabels !== null && !isObj(tierLabels)) f.warn(doc, [...ap, "labels"], `labels must be a mapping, got ${describeValue(tierLabels)}: not imported`);
    if (isObj(tierLabels)) {
      for (const name of Object.keys(tierLabels).sort()) {
        const value = tierLabels[name];
        const lp: Path = [...ap, "labels", name];
        if (name === "severity" && (value === "critical" || value === "warning" || value === "info")) {
          const sev = value as Severity;
          if (sev !== defaultSeverity) {
            for (const t of tierNames) slo.tiers[t] = { ...(slo.tiers[t] || {}), severity: sev };
          }
          head = `Sloth's ${kind} alert → monac's ${kind} tiers (${tierNames.join(", ")}), severity ${sev} from its severity label.`;
        } else if (name === "severity") {
          const why = `severity label ${JSON.stringify(value)} is not one of critical, warning, info: it is Sloth's routing; monac's ${kind} tiers keep severity ${defaultSeverity} and monac routes by team and severity (monac.yaml)`;
          f.warn(doc, lp, why);
          head = `Sloth's ${kind} alert → monac's ${kind} tiers (${defaultSeverity}); its severity label ${JSON.stringify(value)} is Sloth's routing, monac routes by team and severity in monac.yaml.`;
        } else {
          const why = `label "${name}" of the ${kind} alert is not imported: monac has no per-tier labels; monac routes by team and severity in monac.yaml`;
          f.warn(doc, lp, why);
          notes.push(`Not imported: the ${kind} alert's label ${name}: ${JSON.stringify(value)} (monac routes by team and severity in monac.yaml).`);
        }
      }
    }
    const tierAnnotations = alert.annotations;
    if (isObj(tierAnnotations) && Object.keys(tierAnnotations).length > 0) {
      for (const name of Object.keys(tierAnnotations).sort()) {
        f.warn(doc, [...ap, "annotations", name], `annotation "${name}" of the ${kind} alert is not imported: monac has no per-tier annotations (alerting.summary and description apply to every tier)`);
        notes.push(`Not imported: the ${kind} alert's annotation ${name}.`);
      }
    }
    slo.comments.push(head, ...notes);
  }
}

function applyWindows(slo: ImportedSlo, windows: SlothWindows | undefined): void {
  if (!windows) {
    slo.comments.push("Burn-rate windows: Sloth's defaults (30d, the SRE workbook's table) are monac's defaults.");
    return;
  }
  slo.period = windows.period;
  slo.comments.push(...windows.comments);
  for (const t of TIER_NAMES) {
    const current = slo.tiers[t];
    if (current === false) continue;
    slo.tiers[t] = { ...windows.tiers[t], ...(current ?? {}) };
  }
}

/** An SLO plugins chain: contrib plugins without effect in monac are warnings, others errors. */
function pluginsProblem(doc: SourceDoc, p: Path, raw: unknown, f: Findings): { ok: boolean; comments: string[] } {
  if (raw === undefined || raw === null) return { ok: true, comments: [] };
  const chain = isObj(raw) ? raw.chain : undefined;
  if (!isObj(raw) || (chain !== undefined && chain !== null && !Array.isArray(chain))) {
    f.error(doc, p, `expected plugins with a chain list, got ${describeValue(raw)}; not imported`);
    return { ok: false, comments: [] };
  }
  let ok = true;
  const comments: string[] = [];
  (Array.isArray(chain) ? chain : []).forEach((plugin, i) => {
    const id = get(plugin, ["id"]);
    const at: Path = [...p, "chain", i, "id"];
    const harmless = typeof id === "string" ? HARMLESS_PLUGINS[id] : undefined;
    if (harmless) {
      f.warn(doc, at, `SLO plugin ${id} is not imported: ${harmless}`);
      comments.push(`Imported without Sloth's SLO plugin ${id}: ${harmless}.`);
    } else {
      ok = false;
      f.error(doc, at, `SLO plugin ${JSON.stringify(id ?? "")} cannot be imported: monac cannot run a plugin's code, and its effect on the rules is unknown; SLO not imported`);
    }
  });
  return { ok, comments };
}

export function unknownFields(doc: SourceDoc, p: Path, obj: Obj, known: readonly string[], f: Findings): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) f.warn(doc, [...p, key], `unknown field "${key}" is not imported (expected ${known.join(", ")})`, { key: true });
  }
}

// ---------------------------------------------------------------- windows

/** A Sloth AlertWindows file as monac tiers; undefined after an error finding. */
export function readSlothWindows(file: string, text: string, f: Findings): SlothWindows | undefined {
  const docs = readDocuments(file, text, f);
  const doc = docs[0];
  if (!doc) {
    if (!f.list.some((d) => d.file === file)) f.list.push({ file, position: { line: 1, column: 1 }, path: "", message: "the windows file holds no AlertWindows document" });
    return undefined;
  }
  const data = doc.data;
  if (!isObj(data) || data.kind !== "AlertWindows" || data.apiVersion !== "sloth.slok.dev/v1") {
    f.error(doc, isObj(data) && data.apiVersion === "sloth.slok.dev/v1" ? ["kind"] : isObj(data) ? ["apiVersion"] : [], 'expected a Sloth AlertWindows file (apiVersion: sloth.slok.dev/v1, kind: AlertWindows)');
    return undefined;
  }
  const errorsBefore = f.list.length;
  const period = get(data, ["spec", "sloPeriod"]);
  if (!durationOk(period)) f.error(doc, ["spec", "sloPeriod"], `sloPeriod must be a duration such as 30d, got ${describeValue(period)}`);
  const tiers = {} as Record<TierName, TierOverride>;
  const comments = [`Burn-rate windows from Sloth's AlertWindows file ${file} (sloPeriod ${String(period)}): page quick/slow → page-fast/page-slow, ticket quick/slow → ticket-fast/ticket-slow.`];
  const map: [TierName, string, string][] = [
    ["page-fast", "page", "quick"],
    ["page-slow", "page", "slow"],
    ["ticket-fast", "ticket", "quick"],
    ["ticket-slow", "ticket", "slow"],
  ];
  for (const [tier, group, speed] of map) {
    const p: Path = ["spec", group, speed];
    const w = get(data, p);
    if (!isObj(w)) {
      f.error(doc, p, `expected errorBudgetPercent, shortWindow and longWindow for ${group} ${speed}, got ${describeValue(w)}`);
      continue;
    }
    const percent = decimalOf(w.errorBudgetPercent);
    if (percent === undefined || percent.cmp(Decimal.of(0)) <= 0 || percent.cmp(Decimal.of(100)) > 0) {
      f.error(doc, [...p, "errorBudgetPercent"], `errorBudgetPercent must be a number above 0 and at most 100, got ${describeValue(w.errorBudgetPercent)}`);
      continue;
    }
    const override: TierOverride = { budgetPercent: percent };
    for (const field of ["longWindow", "shortWindow"] as const) {
      const value = w[field];
      if (!durationOk(value)) {
        f.error(doc, [...p, field], `${field} must be a duration such as 1h, got ${describeValue(value)}`);
        continue;
      }
      const ms = parseDuration(value)!;
      const step = 5 * 60_000;
      if (ms % step !== 0) {
        const rounded = formatDuration(Math.ceil(ms / step) * step);
        f.warn(doc, [...p, field], `${field} ${value} is rounded up to ${rounded}: monac's windows are multiples of 5m (it records 5m event counts)`);
        comments.push(`Approximation: ${group} ${speed} ${field} ${value} is ${rounded} (monac's windows are multiples of 5m).`);
        override[field] = rounded;
      } else override[field] = value;
    }
    tiers[tier] = override;
  }
  if (f.list.length > errorsBefore && f.list.slice(errorsBefore).some((d) => d.severity !== "warning")) return undefined;
  return { file, period: period as string, tiers, comments };
}
