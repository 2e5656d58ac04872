// OpenSLO (v1: kinds SLO, SLI, Service, DataSource; v1alpha: the SLO kind as
// Sloth reads it) into monac SLOs. SLOs refer to SLIs (indicatorRef) and
// Services (spec.service) by name, across every source given.
import { Decimal } from "../workspace/decimal.js";
import {
  checkObjective,
  decimalOf,
  describeValue,
  durationOk,
  fitTiers,
  importLabels,
  slugify,
  slugName,
  type ImportedSlo,
} from "./common.js";
import { entry, map, str, type Entry } from "./emit.js";
import { counterSelector, parseQuery, windowedCount, hasWindowTemplate } from "./queries.js";
import { unknownFields } from "./sloth.js";
import { get, isObj, type Findings, type Obj, type Path, type SourceDoc } from "./source.js";

export interface OpenSloIndex {
  slis: Map<string, SourceDoc>;
  services: Map<string, SourceDoc>;
  dataSources: Map<string, SourceDoc>;
}

export function indexOpenSlo(docs: readonly SourceDoc[]): OpenSloIndex {
  const index: OpenSloIndex = { slis: new Map(), services: new Map(), dataSources: new Map() };
  for (const doc of docs) {
    const d = doc.data as Obj;
    const name = get(d, ["metadata", "name"]);
    if (typeof name !== "string") continue;
    const into = d.kind === "SLI" ? index.slis : d.kind === "Service" ? index.services : d.kind === "DataSource" ? index.dataSources : undefined;
    if (into && !into.has(name)) into.set(name, doc);
  }
  return index;
}

interface SliSource {
  doc: SourceDoc;
  /** Path of the SLI's spec (v1) or of the objective holding ratioMetrics (v1alpha). */
  path: Path;
}

/** The monac SLOs of one OpenSLO SLO document. */
export function importOpenSloDoc(doc: SourceDoc, index: OpenSloIndex, team: string | undefined, f: Findings): ImportedSlo[] {
  const data = doc.data as Obj;
  const alpha = data.apiVersion === "openslo/v1alpha";
  unknownFields(doc, [], data, ["apiVersion", "kind", "metadata", "spec"], f);
  const spec = data.spec;
  if (!isObj(spec)) {
    f.error(doc, ["spec"], `an SLO needs a spec mapping, got ${describeValue(spec)}; not imported`);
    return [];
  }
  const known = alpha
    ? ["service", "description", "budgetingMethod", "objectives", "timeWindows", "indicator"]
    : ["service", "description", "budgetingMethod", "objectives", "timeWindow", "indicator", "indicatorRef", "alertPolicies"];
  unknownFields(doc, ["spec"], spec, known, f);
  const errorsBefore = countErrors(f);
  const meta = isObj(data.metadata) ? data.metadata : {};
  const comments: string[] = [];
  const serviceNotes: string[] = [];
  const baseName = slugName("SLO name", meta.name, { doc, path: ["metadata", "name"] }, f, comments);
  const service = slugName("service", spec.service, { doc, path: ["spec", "service"] }, f, serviceNotes);
  const serviceDoc = typeof spec.service === "string" ? index.services.get(spec.service) : undefined;
  const serviceComments = [...serviceNotes, serviceDoc ? `Service ${JSON.stringify(spec.service)} from its OpenSLO Service object (${serviceDoc.file}).` : `Service from the SLO's spec.service; no OpenSLO Service object named ${JSON.stringify(spec.service)} was given.`];
  const serviceDescription = serviceDoc ? get(serviceDoc.data, ["spec", "description"]) : undefined;

  // Team: --team, else a team or owner label of the SLO, else of its Service.
  let teamName = team;
  let teamComment = "Team from --team.";
  const consumed = new Set<string>();
  if (teamName === undefined) {
    const found = teamLabel(doc, f) ?? (serviceDoc ? teamLabel(serviceDoc, f) : undefined);
    if (!found) {
      f.error(doc, ["metadata", "name"], `no team for SLO ${JSON.stringify(meta.name ?? "")}: neither it nor its Service has a "team" or "owner" label; pass --team <name> (a team declared in monac.yaml); not imported`);
      return [];
    }
    teamName = found.team;
    if (found.doc === doc) consumed.add(found.key);
    teamComment = `Team from the ${found.doc === doc ? "SLO's" : "Service's"} "${found.key}" label.`;
  }

  const labels = importLabels(openSloLabels(doc, ["metadata", "labels"], f, consumed), { doc, path: ["metadata", "labels"] }, f, { skip: consumed, what: "label", notes: comments });

  // Budgeting and window.
  const method = spec.budgetingMethod;
  if (method === undefined) {
    f.warn(doc, ["spec"], "budgetingMethod is missing: imported as Occurrences (good events over all events), the only method monac has");
  } else if (method !== "Occurrences") {
    f.error(doc, ["spec", "budgetingMethod"], `budgetingMethod ${JSON.stringify(method)} cannot be imported: monac budgets by occurrences (good events over all events), not by time slices; not imported`);
  }
  const period = alpha ? alphaWindow(doc, spec.timeWindows, f) : v1Window(doc, spec.timeWindow, f);
  if (period === null) comments.push("No time window in the OpenSLO SLO: monac's default period, 30d.");
  if (!alpha && Array.isArray(spec.alertPolicies) && spec.alertPolicies.length > 0) {
    f.warn(doc, ["spec", "alertPolicies"], "alertPolicies are not imported: monac alerts with its own multi-window burn-rate tiers (page-fast, page-slow, ticket-fast, ticket-slow)");
    comments.push("Not imported: the SLO's alertPolicies; monac alerts with its burn-rate tiers (defaults).");
  }

  // The SLI: inline, by reference (v1), or per objective (v1alpha).
  let sliSource: SliSource | undefined;
  if (!alpha) {
    if (spec.indicator !== undefined && spec.indicatorRef !== undefined) f.error(doc, ["spec", "indicatorRef"], "give indicator or indicatorRef, not both; not imported");
    else if (isObj(spec.indicator)) sliSource = { doc, path: ["spec", "indicator", "spec"] };
    else if (typeof spec.indicatorRef === "string") {
      const sliDoc = index.slis.get(spec.indicatorRef);
      if (!sliDoc) f.error(doc, ["spec", "indicatorRef"], `no SLI named ${JSON.stringify(spec.indicatorRef)} among the given files: pass the file that defines it (kind: SLI); not imported`);
      else sliSource = { doc: sliDoc, path: ["spec"] };
    } else if (!Array.isArray(spec.objectives) || !spec.objectives.some((o) => isObj(o) && (o.indicator !== undefined || o.indicatorRef !== undefined))) {
      f.error(doc, ["spec"], "expected indicator or indicatorRef; not imported");
    }
  }

  const objectives = spec.objectives;
  if (!Array.isArray(objectives) || objectives.length === 0) {
    f.error(doc, ["spec", "objectives"], `expected a list of objectives, got ${describeValue(objectives)}; not imported`);
    return [];
  }
  // A v1 SLO has one SLI for all its objectives: read it once.
  const v1 = !alpha && sliSource ? v1Sli(sliSource, index, f) : undefined;
  if (countErrors(f) > errorsBefore) return [];
  const out: ImportedSlo[] = [];
  const usedNames = new Set<string>();
  objectives.forEach((o, i) => {
    const op: Path = ["spec", "objectives", i];
    if (!isObj(o)) {
      f.error(doc, op, `an objective must be a mapping, got ${describeValue(o)}; not imported`);
      return;
    }
    const before = countErrors(f);
    unknownFields(
      doc,
      op,
      o,
      alpha ? ["displayName", "target", "value", "op", "ratioMetrics", "timeSliceTarget"] : ["displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef", "compositeWeight"],
      f,
    );
    if (o.compositeWeight !== undefined || (!alpha && (o.indicator !== undefined || o.indicatorRef !== undefined))) {
      f.error(doc, o.compositeWeight !== undefined ? [...op, "compositeWeight"] : [...op, o.indicator !== undefined ? "indicator" : "indicatorRef"], "composite SLOs (objectives with their own indicator or a compositeWeight) cannot be imported: a monac SLO has one SLI; write one monac SLO per objective; not imported");
      return;
    }
    if (o.op !== undefined || o.value !== undefined) {
      if (alpha && o.ratioMetrics !== undefined) {
        // Sloth's v1alpha examples carry no op/value with ratioMetrics; if present they do not apply to a ratio.
        f.warn(doc, [...op, o.op !== undefined ? "op" : "value"], "op and value apply to threshold metrics; with ratioMetrics they are ignored");
      } else {
        f.error(doc, [...op, o.op !== undefined ? "op" : "value"], "threshold objectives (op and value) cannot be imported: monac SLOs count good and bad events, they do not compare a metric with a threshold; not imported");
        return;
      }
    }
    // The objective, in percent.
    let objective: Decimal | undefined;
    if (o.targetPercent !== undefined) objective = checkObjective(decimalOf(o.targetPercent), o.targetPercent, { doc, path: [...op, "targetPercent"] }, f, "targetPercent");
    else if (o.target !== undefined) {
      const t = decimalOf(o.target);
      objective = checkObjective(t?.times(Decimal.of(100)), o.target, { doc, path: [...op, "target"] }, f, "target × 100");
    } else f.error(doc, op, "expected target (0-1) or targetPercent; not imported");

    // The SLI.
    const src: SliSource | undefined = alpha ? { doc, path: op } : sliSource;
    const sli = alpha ? (src ? alphaSli(src, f) : undefined) : v1;
    if (countErrors(f) > before || !objective || !sli || !service || !baseName || !teamName || period === undefined) return;

    let name = baseName;
    const sloComments = [...comments, ...sli.comments];
    if (objectives.length > 1) {
      const label = typeof o.displayName === "string" && slugify(o.displayName) !== "" ? slugify(o.displayName) : String(i + 1);
      name = `${baseName}-${label}`;
      if (usedNames.has(name)) name = `${baseName}-${i + 1}`;
      sloComments.unshift(`Objective ${i + 1} of the OpenSLO SLO ${JSON.stringify(meta.name)}${typeof o.displayName === "string" ? ` (${o.displayName})` : ""}: each objective is its own monac SLO, named <slo>-<displayName or number>.`);
    }
    usedNames.add(name);
    if (objectives.length === 1 && typeof o.displayName === "string") sloComments.unshift(`OpenSLO objective display name: ${JSON.stringify(o.displayName)}.`);
    const slo: ImportedSlo = {
      origin: { doc, path: op },
      service,
      team: teamName,
      teamComment,
      serviceComments,
      serviceLabels: [],
      comments: sloComments,
      name,
      objective,
      labels,
      sli: sli.sli,
      alerting: [],
      tiers: {},
      tierComments: {},
    };
    if (typeof serviceDescription === "string" && serviceDescription !== "") slo.serviceDescription = serviceDescription;
    if (period !== null) {
      slo.period = period;
      sloComments.push(`Period ${period} from the SLO's rolling time window.`);
    }
    const description = typeof spec.description === "string" && spec.description !== "" ? spec.description : typeof meta.displayName === "string" ? meta.displayName : undefined;
    if (description) slo.description = description;
    if (typeof meta.displayName === "string" && meta.displayName !== description) sloComments.unshift(`OpenSLO display name: ${JSON.stringify(meta.displayName)}.`);
    fitTiers(slo, f);
    out.push(slo);
  });
  return out;
}

function countErrors(f: Findings): number {
  return f.list.filter((d) => d.severity !== "warning").length;
}

/** OpenSLO label values may be lists; monac's are strings. */
function openSloLabels(doc: SourceDoc, p: Path, f: Findings, skip: ReadonlySet<string>): Record<string, unknown> | undefined {
  const raw = get(doc.data, p);
  if (!isObj(raw)) return raw as undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (skip.has(k)) continue;
    if (Array.isArray(v)) {
      if (v.length === 1 && typeof v[0] === "string") out[k] = v[0];
      else if (v.every((x) => typeof x === "string") && v.length > 0) {
        f.warn(doc, [...p, k], `label "${k}" has several values; a Prometheus label has one: imported as ${JSON.stringify(v.join(","))}`);
        out[k] = v.join(",");
      } else out[k] = v;
    } else out[k] = v;
  }
  return out;
}

function teamLabel(doc: SourceDoc, f: Findings): { team: string; key: string; doc: SourceDoc } | undefined {
  const labels = get(doc.data, ["metadata", "labels"]);
  if (!isObj(labels)) return undefined;
  for (const key of ["team", "owner"]) {
    let v = labels[key];
    if (Array.isArray(v) && typeof v[0] === "string") {
      if (v.length > 1) f.warn(doc, ["metadata", "labels", key], `label "${key}" names several teams; monac's team is the first, ${JSON.stringify(v[0])}`);
      v = v[0];
    }
    if (typeof v === "string" && v !== "") {
      const team = slugName("team", v, { doc, path: ["metadata", "labels", key] }, f);
      if (team) return { team, key, doc };
    }
  }
  return undefined;
}

/** v1 timeWindow: one rolling window. null when absent (monac's default); undefined after an error. */
function v1Window(doc: SourceDoc, raw: unknown, f: Findings): string | null | undefined {
  if (raw === undefined) return null;
  const p: Path = ["spec", "timeWindow"];
  if (!Array.isArray(raw) || raw.length !== 1 || !isObj(raw[0])) {
    f.error(doc, p, `timeWindow must be a list of exactly one window, got ${describeValue(raw)}; not imported`);
    return undefined;
  }
  const w = raw[0];
  if (w.calendar !== undefined || w.isRolling === false) {
    f.error(doc, [...p, 0, w.calendar !== undefined ? "calendar" : "isRolling"], "calendar-aligned time windows cannot be imported: monac's SLO period is a rolling window; not imported");
    return undefined;
  }
  if (!durationOk(w.duration)) {
    f.error(doc, [...p, 0, "duration"], `duration must be a duration such as 28d or 4w, got ${describeValue(w.duration)}${typeof w.duration === "string" && /[MQY]$/.test(w.duration) ? " (months, quarters and years are calendar lengths)" : ""}; not imported`);
    return undefined;
  }
  return w.duration;
}

/** v1alpha timeWindows: [{count, unit}], as Sloth reads them. */
function alphaWindow(doc: SourceDoc, raw: unknown, f: Findings): string | null | undefined {
  if (raw === undefined) return null;
  const p: Path = ["spec", "timeWindows"];
  if (!Array.isArray(raw) || raw.length !== 1 || !isObj(raw[0])) {
    f.error(doc, p, `timeWindows must be a list of exactly one window, got ${describeValue(raw)}; not imported`);
    return undefined;
  }
  const w = raw[0];
  if (w.calendar !== undefined || w.isRolling === false) {
    f.error(doc, [...p, 0, w.calendar !== undefined ? "calendar" : "isRolling"], "calendar-aligned time windows cannot be imported: monac's SLO period is a rolling window; not imported");
    return undefined;
  }
  const units: Record<string, string> = { Second: "s", Minute: "m", Hour: "h", Day: "d", Week: "w" };
  const unit = typeof w.unit === "string" ? units[w.unit] : undefined;
  if (unit === undefined) {
    f.error(doc, [...p, 0, "unit"], `unit ${JSON.stringify(w.unit)} cannot be imported: expected Second, Minute, Hour, Day or Week (months, quarters and years are calendar lengths); not imported`);
    return undefined;
  }
  if (typeof w.count !== "number" || !Number.isInteger(w.count) || w.count <= 0) {
    f.error(doc, [...p, 0, "count"], `count must be a whole number above 0, got ${describeValue(w.count)}; not imported`);
    return undefined;
  }
  return `${w.count}${unit}`;
}

interface SliOut {
  sli: Entry;
  comments: string[];
}

/** v1 SLI spec (inline or referenced): ratioMetric only, Prometheus sources only. */
function v1Sli(src: SliSource, index: OpenSloIndex, f: Findings): SliOut | undefined {
  const { doc, path } = src;
  const spec = get(doc.data, path);
  if (!isObj(spec)) {
    f.error(doc, path, `expected an SLI spec with ratioMetric, got ${describeValue(spec)}; not imported`);
    return undefined;
  }
  unknownFields(doc, path, spec, ["description", "thresholdMetric", "ratioMetric"], f);
  if (spec.thresholdMetric !== undefined) {
    f.error(doc, [...path, "thresholdMetric"], "thresholdMetric SLIs cannot be imported: monac SLOs count good and bad events (a ratio), they do not compare a metric with a threshold; not imported");
    return undefined;
  }
  const r = spec.ratioMetric;
  const rp: Path = [...path, "ratioMetric"];
  if (!isObj(r)) {
    f.error(doc, rp, `expected ratioMetric, got ${describeValue(r)}; not imported`);
    return undefined;
  }
  unknownFields(doc, rp, r, ["counter", "good", "bad", "total", "rawType", "raw"], f);
  const query = (name: string): { at: { doc: SourceDoc; path: Path }; value: unknown } | undefined => {
    const mp: Path = [...rp, name, "metricSource"];
    const ms = get(doc.data, mp);
    if (!isObj(ms)) {
      f.error(doc, [...rp, name], `expected ${name}.metricSource, got ${describeValue(ms)}; not imported`);
      return undefined;
    }
    let type = ms.type;
    if (type === undefined && typeof ms.metricSourceRef === "string") {
      const ds = index.dataSources.get(ms.metricSourceRef);
      type = ds ? get(ds.data, ["spec", "type"]) : undefined;
      if (!ds) {
        f.error(doc, [...mp, "metricSourceRef"], `no DataSource named ${JSON.stringify(ms.metricSourceRef)} among the given files, and no type: cannot tell whether the source is Prometheus; not imported`);
        return undefined;
      }
    }
    if (typeof type !== "string" || type.toLowerCase() !== "prometheus") {
      f.error(doc, [...mp, ms.type !== undefined ? "type" : "metricSourceRef"], `metric source ${JSON.stringify(type ?? "(none)")} cannot be imported: monac reads Prometheus metrics only; not imported`);
      return undefined;
    }
    const qp: Path = [...mp, "spec", "query"];
    return { at: { doc, path: qp }, value: get(doc.data, qp) };
  };
  if (r.raw !== undefined) {
    const q = query("raw");
    if (!q) return undefined;
    if (r.rawType !== "success" && r.rawType !== "failure") {
      f.error(doc, [...rp, "rawType"], `rawType must be success or failure, got ${describeValue(r.rawType)}; not imported`);
      return undefined;
    }
    return rawRatio(q.at, q.value, r.rawType, f);
  }
  const numName = r.good !== undefined ? "good" : "bad";
  if ((r.good === undefined) === (r.bad === undefined) || r.total === undefined) {
    f.error(doc, rp, "a ratioMetric needs good or bad (one of them) and total, or raw with rawType; not imported");
    return undefined;
  }
  const numerator = query(numName);
  const total = query("total");
  if (!numerator || !total) return undefined;
  return ratio(numName === "good" ? "good" : "errors", numerator, total, r.counter, rp, f);
}

/** A ratio from good/bad and total queries, windowed (Sloth style) or not (plain counters). */
function ratio(
  field: "good" | "errors",
  numerator: { at: { doc: SourceDoc; path: Path }; value: unknown },
  total: { at: { doc: SourceDoc; path: Path }; value: unknown },
  counter: unknown,
  rp: Path,
  f: Findings,
): SliOut | undefined {
  const comments: string[] = [];
  const names = { good: "good query", errors: "bad query" } as const;
  const windowed = hasWindowTemplate(numerator.value) || hasWindowTemplate(total.value);
  let n: { text: string; comments: string[] } | undefined;
  let t: { text: string; comments: string[] } | undefined;
  if (windowed) {
    const wn = windowedCount(numerator.value, numerator.at, f, names[field]);
    const wt = windowedCount(total.value, total.at, f, "total query");
    n = wn;
    t = wt;
    if (wn && wt) {
      comments.push(
        wn.selector && wt.selector
          ? "The sum(rate(...[{{.window}}])) queries are counter selectors in monac, which counts them over each window itself."
          : "Queries that are not sum(rate(...[{{.window}}])) keep their shape, with $window (for {{.window}}), which monac replaces by each window.",
      );
    }
  } else {
    if (counter === false) {
      f.error(numerator.at.doc, [...rp, "counter"], "counter: false (gauges of event counts) cannot be imported: monac counts events with increase() over counters; not imported");
      return undefined;
    }
    n = counterSelector(numerator.value, numerator.at, f, names[field]);
    t = counterSelector(total.value, total.at, f, "total query");
    if (n && t) comments.push("The OpenSLO queries are counters: monac counts them with increase() over each window.");
  }
  if (!n || !t) return undefined;
  comments.push(...n.comments, ...t.comments);
  return { sli: entry("sli", map([entry("ratio", map([entry(field, str(n.text)), entry("total", str(t.text))]))])), comments };
}

/** A precomputed ratio (raw): an error ratio over $window. */
function rawRatio(at: { doc: SourceDoc; path: Path }, value: unknown, rawType: "success" | "failure", f: Findings): SliOut | undefined {
  const q = parseQuery(value, at, f, "raw query");
  if (!q) return undefined;
  const comments: string[] = [];
  let errorRatio: string;
  if (q.templated) {
    errorRatio = rawType === "failure" ? q.withPlaceholder : `1 - (${q.withPlaceholder})`;
    comments.push(`The raw ratio query counts over {{.window}}; rawType ${rawType}${rawType === "success" ? ", so the error ratio is 1 minus it" : ""}.`);
  } else {
    const averaged = q.expr.type === "VectorSelector" ? `avg_over_time(${q.text}[$window])` : `avg_over_time((${q.text})[$window:1m])`;
    errorRatio = rawType === "failure" ? averaged : `1 - ${averaged}`;
    const why = `the raw ratio is averaged over each window (avg_over_time), weighting each sample alike rather than each event`;
    f.warn(at.doc, at.path, why);
    comments.push(`Approximation: ${why}; rawType ${rawType}${rawType === "success" ? ", so the error ratio is 1 minus it" : ""}.`);
  }
  return { sli: entry("sli", map([entry("raw", map([entry("errorRatio", str(errorRatio))]))])), comments };
}

/** v1alpha ratioMetrics in an objective (Sloth's reading of OpenSLO). */
function alphaSli(src: SliSource, f: Findings): SliOut | undefined {
  const { doc, path } = src;
  const rp: Path = [...path, "ratioMetrics"];
  const r = get(doc.data, rp);
  if (!isObj(r)) {
    f.error(doc, path, "expected ratioMetrics (good or bad, and total): other indicators cannot be imported; not imported");
    return undefined;
  }
  unknownFields(doc, rp, r, ["counter", "good", "bad", "total"], f);
  const numName = r.good !== undefined ? "good" : "bad";
  if ((r.good === undefined) === (r.bad === undefined) || r.total === undefined) {
    f.error(doc, rp, "ratioMetrics needs good or bad (one of them) and total; not imported");
    return undefined;
  }
  const query = (name: string) => {
    const p: Path = [...rp, name];
    const m = get(doc.data, p);
    if (!isObj(m)) {
      f.error(doc, p, `expected a query, got ${describeValue(m)}; not imported`);
      return undefined;
    }
    if (typeof m.source === "string" && m.source.toLowerCase() !== "prometheus") {
      f.error(doc, [...p, "source"], `metric source ${JSON.stringify(m.source)} cannot be imported: monac reads Prometheus metrics only; not imported`);
      return undefined;
    }
    return { at: { doc, path: [...p, "query"] }, value: m.query };
  };
  const n = query(numName);
  const t = query("total");
  if (!n || !t) return undefined;
  return ratio(numName === "good" ? "good" : "errors", n, t, r.counter, rp, f);
}
