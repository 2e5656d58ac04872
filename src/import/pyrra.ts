// Pyrra ServiceLevelObjectives (pyrra.dev/v1alpha1) into monac SLOs. Field
// names from Pyrra's kubernetes/api/v1alpha1/servicelevelobjective_types.go.
import { Decimal } from "../workspace/decimal.js";
import { parseDuration } from "../workspace/duration.js";
import { printPromQL, tryParsePromQL, type Expr, type LabelMatcher, type VectorSelector } from "../promql/index.js";
import { TIER_NAMES, type TierName } from "../workspace/schema.js";
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
} from "./common.js";
import { bool, entry, map, num, str, type Entry } from "./emit.js";
import { parseQuery } from "./queries.js";
import { unknownFields } from "./sloth.js";
import { get, isObj, type Findings, type Obj, type Path, type SourceDoc } from "./source.js";

const PROPAGATE = "pyrra.dev/";
/** Pyrra's four burn-rate windows, in its order, and monac's tiers for them. */
const SEVERITY_KEYS: [string, TierName][] = [
  ["fastBurn", "page-fast"],
  ["mediumBurn", "page-slow"],
  ["slowBurn", "ticket-fast"],
  ["longTermBurn", "ticket-slow"],
];

export function importPyrraDoc(doc: SourceDoc, team: string | undefined, f: Findings): ImportedSlo | undefined {
  const data = doc.data as Obj;
  unknownFields(doc, [], data, ["apiVersion", "kind", "metadata", "spec", "status"], f);
  const meta = isObj(data.metadata) ? data.metadata : {};
  const spec = data.spec;
  if (!isObj(spec)) {
    f.error(doc, ["spec"], `a ServiceLevelObjective needs a spec mapping, got ${describeValue(spec)}; not imported`);
    return undefined;
  }
  unknownFields(doc, ["spec"], spec, ["description", "target", "window", "indicator", "alerting", "partial_response_strategy", "performanceOverAccuracy", "ruleOutput"], f);
  for (const key of ["partial_response_strategy", "performanceOverAccuracy", "ruleOutput"]) {
    if (spec[key] !== undefined) f.warn(doc, ["spec", key], `${key} is not imported: it tunes Pyrra's own rules (Thanos partial responses, rule shapes and labels); monac writes its rules its own way`, { key: true });
  }
  const errorsBefore = f.list.filter((d) => d.severity !== "warning").length;
  const comments: string[] = [];
  const serviceNotes: string[] = [];
  const name = slugName("SLO name", meta.name, { doc, path: ["metadata", "name"] }, f, comments);
  const rawLabels = isObj(meta.labels) ? meta.labels : {};

  // Service: Pyrra has none.
  const serviceKey = ["service", "app.kubernetes.io/name"].find((k) => typeof rawLabels[k] === "string" && rawLabels[k] !== "");
  const service = serviceKey ? slugName("service", rawLabels[serviceKey], { doc, path: ["metadata", "labels", serviceKey] }, f, serviceNotes) : name;
  const serviceComments = [
    ...serviceNotes,
    serviceKey
      ? `Pyrra has no service: this is the object's "${serviceKey}" label.`
      : 'Pyrra has no service: this is the SLO\'s name (metadata.name), as the object has no "service" or "app.kubernetes.io/name" label; rename it (and merge files) to group SLOs by service.',
  ];

  // Team.
  let teamName: string | undefined = team;
  let teamComment = "Team from --team.";
  const consumed = new Set<string>(serviceKey ? [serviceKey] : []);
  if (teamName === undefined) {
    const key = ["team", "owner", `${PROPAGATE}team`, `${PROPAGATE}owner`].find((k) => typeof rawLabels[k] === "string" && rawLabels[k] !== "");
    if (key === undefined) {
      f.error(doc, ["metadata", "name"], `no team for SLO ${JSON.stringify(meta.name ?? "")}: the object has no "team" or "owner" label; pass --team <name> (a team declared in monac.yaml); not imported`);
      return undefined;
    }
    teamName = slugName("team", rawLabels[key], { doc, path: ["metadata", "labels", key] }, f);
    consumed.add(key);
    teamComment = `Team from the object's "${key}" label (${JSON.stringify(rawLabels[key])}).`;
  }

  // Labels: Pyrra puts labels prefixed pyrra.dev/ on its rules (prefix removed); the others are the Kubernetes object's.
  const propagated: Record<string, unknown> = {};
  const objectOnly: string[] = [];
  for (const [k, v] of Object.entries(rawLabels)) {
    if (consumed.has(k)) continue;
    if (k.startsWith(PROPAGATE)) propagated[k.slice(PROPAGATE.length)] = v;
    else objectOnly.push(k);
  }
  if (objectOnly.length > 0) {
    const list = objectOnly.sort().join(", ");
    f.warn(doc, ["metadata", "labels"], `labels ${list} are not imported: they label the Kubernetes object (e.g. for prometheus-operator to pick up its rules), Pyrra does not put them on its rules; monac writes rule files`);
    comments.push(`Not imported: the object's Kubernetes labels (${list}); Pyrra does not put them on its rules either.`);
  }
  if (meta.namespace !== undefined) comments.push(`The object's namespace (${String(meta.namespace)}) has no meaning in monac.`);
  const labels: Label[] = importLabels(propagated, { doc, path: ["metadata", "labels"] }, f, { what: "label", notes: comments });

  // Objective and period.
  const target = decimalOf(spec.target);
  const objective = checkObjective(target, spec.target, { doc, path: ["spec", "target"] }, f, "target");
  if (objective && objective.cmp(Decimal.of(1)) < 0) f.warn(doc, ["spec", "target"], `target ${objective} is read as ${objective} percent, as Pyrra reads it (targets are 0-100); did you mean ${objective.times(Decimal.of(100))}?`);
  const window = spec.window;
  let period: string | undefined;
  if (!durationOk(window)) f.error(doc, ["spec", "window"], `window must be a duration such as 28d or 4w, got ${describeValue(window)}; not imported`);
  else period = window;

  // The indicator.
  const sliResult = indicator(doc, spec.indicator, f);
  if (sliResult) comments.push(...sliResult.comments);

  const slo: ImportedSlo = {
    origin: { doc, path: ["metadata", "name"] },
    service: service ?? "",
    team: teamName ?? "",
    teamComment,
    serviceComments,
    serviceLabels: [],
    comments,
    name: name ?? "",
    objective: objective ?? Decimal.of(50),
    labels,
    sli: sliResult?.sli ?? entry("sli", str("")),
    alerting: [],
    tiers: {},
    tierComments: {},
  };
  if (period !== undefined) slo.period = period;
  if (typeof spec.description === "string" && spec.description.trim() !== "") slo.description = spec.description;
  comments.push(
    `Burn-rate tiers: monac's (the SRE workbook's windows, budget shares of the ${period ?? "30d"} period), not Pyrra's windows scaled from its 28d table.`,
  );
  // Alerting is read only for an SLO that is imported: its approximations are about the output.
  const errorsAfter = f.list.filter((d) => d.severity !== "warning").length;
  if (errorsAfter > errorsBefore || !sliResult || !name || !service || !teamName || !objective || !period) return undefined;
  annotations(doc, meta.annotations, slo, f);
  alerting(doc, spec.alerting, slo, f);
  if (f.list.filter((d) => d.severity !== "warning").length > errorsBefore) return undefined;
  fitTiers(slo, f);
  return slo;
}

function indicator(doc: SourceDoc, raw: unknown, f: Findings): { sli: Entry; comments: string[] } | undefined {
  const p: Path = ["spec", "indicator"];
  if (!isObj(raw)) {
    f.error(doc, p, `expected an indicator (ratio, latency, bool_gauge), got ${describeValue(raw)}; not imported`);
    return undefined;
  }
  unknownFields(doc, p, raw, ["ratio", "latency", "latencyNative", "bool_gauge"], f);
  const kinds = ["ratio", "latency", "latencyNative", "bool_gauge"].filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (kinds.length !== 1) {
    f.error(doc, p, kinds.length === 0 ? "expected one indicator: ratio, latency or bool_gauge; not imported" : `expected one indicator, got ${kinds.join(" and ")}; not imported`);
    return undefined;
  }
  const kind = kinds[0]!;
  const ip: Path = [...p, kind];
  const ind = raw[kind];
  if (!isObj(ind)) {
    f.error(doc, ip, `expected a mapping, got ${describeValue(ind)}; not imported`);
    return undefined;
  }
  const comments: string[] = [];
  const grouping = ind.grouping;
  if (Array.isArray(grouping) && grouping.length > 0) {
    const why = `grouping by ${grouping.map(String).join(", ")} is not imported: monac alerts on the SLO as a whole, not per group`;
    f.warn(doc, [...ip, "grouping"], why);
    comments.push(`Approximation: ${why}.`);
  }
  const fields: Record<string, string[]> = {
    ratio: ["errors", "total", "grouping"],
    latency: ["success", "total", "grouping"],
    latencyNative: ["latency", "total", "grouping"],
    bool_gauge: ["metric", "grouping"],
  };
  unknownFields(doc, ip, ind, fields[kind]!, f);
  if (kind === "latencyNative") return nativeLatency(doc, ip, ind, comments, f);
  if (kind === "bool_gauge") {
    const sel = selector(doc, [...ip, "metric"], ind.metric, f);
    if (!sel) return undefined;
    return { sli: entry("sli", map([entry("boolGauge", map([entry("metric", str(sel.text))]))])), comments };
  }
  const metric = (name: string) => selector(doc, [...ip, name, "metric"], get(ind, [name, "metric"]), f);
  if (kind === "ratio") {
    const errors = metric("errors");
    const total = metric("total");
    if (!errors || !total) return undefined;
    return { sli: entry("sli", map([entry("ratio", map([entry("errors", str(errors.text)), entry("total", str(total.text))]))])), comments };
  }
  const success = metric("success");
  const total = metric("total");
  if (!success || !total) return undefined;
  const s = success.sel;
  const t = total.sel;
  const successAt: Path = [...ip, "success", "metric"];
  if (!s.name?.endsWith("_bucket")) {
    f.error(doc, successAt, `success must select a histogram's _bucket series with an le matcher, got ${success.text}; not imported`);
    return undefined;
  }
  const base = s.name.slice(0, -"_bucket".length);
  if (t.name !== `${base}_count`) {
    f.error(doc, [...ip, "total", "metric"], `total must select ${base}_count (the histogram of success), got ${total.text}; not imported`);
    return undefined;
  }
  const le = s.matchers.filter((m) => m.name === "le");
  const threshold = le.length === 1 && le[0]!.op === "=" ? decimalOf(le[0]!.value) : undefined;
  if (threshold === undefined || threshold.cmp(Decimal.of(0)) <= 0) {
    f.error(doc, successAt, `success needs one le="<seconds>" matcher naming a bucket boundary above 0, got ${success.text}; not imported`);
    return undefined;
  }
  const rest = s.matchers.filter((m) => m.name !== "le");
  if (key(rest) !== key(t.matchers)) {
    f.error(doc, successAt, `success and total must select the same series apart from le: ${printMatchers(rest)} vs ${printMatchers(t.matchers)}; not imported`);
    return undefined;
  }
  const histogram = printPromQL({ type: "VectorSelector", name: base, matchers: t.matchers, offset: 0, pos: { start: 0, end: 0 } });
  comments.push(`Pyrra's latency indicator (${base}_bucket{le="${le[0]!.value}"} over ${base}_count) is a monac latency SLI with threshold ${threshold} seconds.`);
  return { sli: entry("sli", map([entry("latency", map([entry("histogram", str(histogram)), entry("threshold", num(threshold.toString()))]))])), comments };
}

/**
 * Pyrra's `latencyNative`: `total.metric` selects a native histogram and
 * `latency` is a Prometheus duration; requests at or under it are good.
 */
function nativeLatency(doc: SourceDoc, ip: Path, ind: Obj, comments: string[], f: Findings): { sli: Entry; comments: string[] } | undefined {
  const total = selector(doc, [...ip, "total", "metric"], get(ind, ["total", "metric"]), f);
  const latencyAt: Path = [...ip, "latency"];
  const latency = ind.latency;
  const ms = typeof latency === "string" ? parseDuration(latency) : undefined;
  if (ms === undefined || ms <= 0) {
    f.error(doc, latencyAt, `latency must be a duration above zero such as 200ms, got ${describeValue(latency)}; not imported`);
    return undefined;
  }
  if (!total) return undefined;
  if (total.sel.matchers.some((m) => m.name === "le")) {
    f.error(doc, [...ip, "total", "metric"], `total selects a native histogram, which has no le label, got ${total.text}; not imported`);
    return undefined;
  }
  const threshold = Decimal.fraction(BigInt(ms), 1000n);
  comments.push(`Pyrra's latencyNative indicator (${total.text}, latency ${latency}) is a monac latency SLI on a native histogram with threshold ${threshold} seconds.`);
  return { sli: entry("sli", map([entry("latency", map([entry("nativeHistogram", str(total.text)), entry("threshold", str(latency as string))]))])), comments };
}

function key(ms: readonly LabelMatcher[]): string {
  return ms
    .map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`)
    .sort()
    .join(",");
}

function printMatchers(ms: readonly LabelMatcher[]): string {
  return printPromQL({ type: "VectorSelector", matchers: ms.length > 0 ? [...ms] : [], offset: 0, pos: { start: 0, end: 0 } }) || "{}";
}

function selector(doc: SourceDoc, p: Path, value: unknown, f: Findings): { sel: VectorSelector; text: string } | undefined {
  const q = parseQuery(value, { doc, path: p }, f, "metric");
  if (!q) return undefined;
  const e: Expr = q.expr;
  if (e.type !== "VectorSelector" || e.offset !== 0 || e.offsetExpr || e.at) {
    f.error(doc, p, `metric must be a selector such as http_requests_total{code=~"5.."} (as Pyrra requires), got ${q.text}; not imported`);
    return undefined;
  }
  const parsed = tryParsePromQL(q.text);
  return { sel: e, text: parsed.ok ? q.text : printPromQL(e) };
}

function annotations(doc: SourceDoc, raw: unknown, slo: ImportedSlo, f: Findings): void {
  if (!isObj(raw)) return;
  for (const k of Object.keys(raw).sort()) {
    if (!k.startsWith(PROPAGATE)) continue;
    const name = k.slice(PROPAGATE.length);
    const value = raw[k];
    const p: Path = ["metadata", "annotations", k];
    if (typeof value === "string" && (name === "summary" || name === "description")) slo.alerting.push(entry(name, str(value)));
    else if (typeof value === "string" && (name === "runbook" || name === "runbook_url") && runbookOk(value)) slo.alerting.push(entry("runbook", str(value)));
    else {
      f.warn(doc, p, `annotation "${k}" is not imported: monac's alerts have summary, description and runbook (an http(s) URL), and no other annotations`);
      slo.comments.push(`Not imported: annotation ${k} (monac's alerts have summary, description and runbook only).`);
    }
  }
}

function alerting(doc: SourceDoc, raw: unknown, slo: ImportedSlo, f: Findings): void {
  const p: Path = ["spec", "alerting"];
  const a: Obj = isObj(raw) ? raw : {};
  if (raw !== undefined && raw !== null && !isObj(raw)) f.warn(doc, p, `alerting must be a mapping, got ${describeValue(raw)}: not imported, monac's defaults apply`);
  unknownFields(doc, p, a, ["disabled", "burnrates", "absent", "name", "absentName", "severities"], f);
  if (a.disabled === true) {
    slo.alerting.unshift(entry("enabled", bool(false), ["Pyrra's alerting.disabled: true."]));
    return;
  }
  const name = alertNameEntry(a.name, { doc, path: [...p, "name"] }, f, slo.comments);
  if (name) slo.alerting.unshift(name);
  if (a.burnrates === false) {
    for (const t of TIER_NAMES) slo.tiers[t] = false;
    slo.tierComments["page-fast"] = ["Pyrra's alerting.burnrates: false: no burn-rate alert (every tier off)."];
  }
  const severities = isObj(a.severities) ? a.severities : {};
  unknownFields(doc, [...p, "severities"], severities, ["absent", ...SEVERITY_KEYS.map(([k]) => k)], f);
  for (const [k, tier] of SEVERITY_KEYS) {
    const v = severities[k];
    if (v === undefined || slo.tiers[tier] === false) continue;
    if (v === "critical" || v === "warning" || v === "info") {
      if (v !== TIER_DEFAULTS[tier].severity) slo.tiers[tier] = { severity: v };
      (slo.tierComments[tier] ??= []).push(`Pyrra's severities.${k} → ${tier}.`);
    } else {
      f.warn(doc, [...p, "severities", k], `severity ${JSON.stringify(v)} is not one of critical, warning, info: ${tier} keeps severity ${TIER_DEFAULTS[tier].severity}; monac routes by team and severity in monac.yaml`);
      slo.comments.push(`Not imported: Pyrra's severities.${k} ${JSON.stringify(v)}; ${tier} keeps severity ${TIER_DEFAULTS[tier].severity} (monac routes by team and severity in monac.yaml).`);
    }
  }
  // Pyrra alerts on absent metrics unless told not to.
  if (a.absent !== false) {
    const sev = severities.absent ?? "critical";
    const severity = sev === "critical" || sev === "warning" || sev === "info" ? sev : "critical";
    if (sev !== severity) f.warn(doc, [...p, "severities", "absent"], `severity ${JSON.stringify(sev)} is not one of critical, warning, info: the no-data alert gets severity critical, Pyrra's default`);
    const why = "Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window";
    f.warn(doc, a.absent === true ? [...p, "absent"] : ["metadata", "name"], why);
    slo.alerting.push(entry("noData", map([entry("severity", str(severity))]), [`Approximation: ${why}.`]));
    if (a.absentName !== undefined) {
      f.warn(doc, [...p, "absentName"], "absentName is not imported: monac names its no-data alert itself");
      slo.comments.push(`Not imported: absentName ${JSON.stringify(a.absentName)} (monac names its no-data alert itself).`);
    }
  } else {
    slo.comments.push("Pyrra's alerting.absent: false: no noData alert (monac's default).");
  }
}
