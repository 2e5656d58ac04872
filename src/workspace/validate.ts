// Checks that need more than one field at a time — PromQL that parses, names
// that are unique, teams and receivers that exist, tiers that can fire — and
// builds the compile model from specs that pass them.
import { Decimal } from "./decimal.js";
import { closestName, formatPath, type Diagnostic } from "./diagnostics.js";
import { formatDuration, parseDuration } from "./duration.js";
import { positionInScalar, positionOf, type YamlSource } from "./yaml-source.js";
import { DEFAULT_TIERS, burnRateFactor, durationMs } from "./tiers.js";
import { MimirOptions, OperatorOptions, SEVERITIES, ThanosOptions, VmalertOptions, type Severity, type SloFileSpec, type SloSpec, type ThresholdAlertSpec, type ThresholdFileSpec, type WorkspaceFileSpec } from "./schema.js";
import { serviceLabels, sliReads, TARGET_LABELS, type MetricRead } from "./metric-reads.js";
import type {
  InstrumentationModel, TargetsModel, RoutingModel, SliModel, SloModel, ThresholdAlertModel, ThresholdLevel, TierModel, WorkspaceModel } from "./model.js";
import type { ParsedFile, ParsedWorkspace } from "./workspace.js";
import { findProblem, formatSelector, parseVectorSelector, placeholderUses, withoutComments, type SelectorInfo } from "../promql/syntax.js";
import { thresholdCondition } from "./threshold-expr.js";
import {
  clockProblem,
  dayOfMonthRangeProblem,
  DEFAULT_RETENTION_MS,
  fromAddressProblem,
  groupByProblems,
  locationProblem,
  monthRangeProblem,
  smarthostProblem,
  urlProblem,
  timeRangeProblem,
  toAddressesProblem,
  weekdayRangeProblem,
  yearRangeProblem,
} from "./alertmanager-check.js";
import type { DashboardFileSpec } from "./schema.js";
import type { DashboardModel, PartialModel } from "./model.js";

/** monac records 5-minute event counts; no alert window can be shorter. */
export const COUNT_WINDOW_MS = 5 * 60 * 1000;
const WINDOW_PLACEHOLDER = "$window";

type Path = (string | number)[];

class Findings {
  /** Errors. Code above counts them to tell whether a spec built cleanly. */
  readonly list: Diagnostic[] = [];
  /** Warnings: reported, but they never keep a model from being built. */
  readonly warnings: Diagnostic[] = [];
  warn(source: YamlSource, path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.warnings.push({ file: source.file, position: positionOf(source, path, opts), path: formatPath(path), message, severity: "warning" });
  }
  add(source: YamlSource, path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.list.push({ file: source.file, position: positionOf(source, path, opts), path: formatPath(path), message });
  }
  addAt(source: YamlSource, path: Path, offset: number, message: string): void {
    this.list.push({ file: source.file, position: positionInScalar(source, path, offset), path: formatPath(path), message });
  }
}

export function buildModel(parsed: ParsedWorkspace): { model: WorkspaceModel | undefined; diagnostics: Diagnostic[]; partial: PartialModel } {
  const f = new Findings();
  const routing = parsed.workspace ? buildRouting(parsed.workspace, f) : undefined;
  const teams = parsed.teamNames;

  const evaluationIntervalMs = durationMs(parsed.workspace?.spec.evaluationInterval ?? "1m");
  const grafanaUrl = parsed.workspace?.spec.grafana?.url.replace(/\/+$/, "");
  const linked = <T extends object>(m: T): T => (grafanaUrl === undefined ? m : { ...m, grafanaUrl });
  const located: LocatedSlo[] = [];
  const slos = buildUnique(parsed.slos, "slos", "SLO", (file) => file.spec.slos, (file, slo, i, findings) => {
    const model = buildSlo(file, slo, i, findings, evaluationIntervalMs);
    if (model) located.push({ model, src: file.source, base: ["slos", i], reads: sliReads(model.sli) });
    return model;
  }, {
    teams,
    f,
  }).map(linked);
  checkSharedMetrics(located, f);
  const thresholds = buildUnique(parsed.thresholds, "alerts", "alert", (file) => file.spec.alerts, buildThreshold, { teams, f }).map(linked);

  const dashboards = buildDashboards(parsed.dashboards, f);
  const partial = { slos, thresholds, dashboards };

  const diagnostics = [...f.list, ...f.warnings];
  if (!routing || f.list.length > 0) return { model: undefined, diagnostics, partial };
  return { model: { evaluationIntervalMs, targets: buildTargets(parsed.workspace?.spec.targets), slos, thresholds, routing, dashboards }, diagnostics, partial };
}

/**
 * Builds the entries (SLOs or alerts) of every file, rejecting a name used
 * twice for one service, wherever the two are defined.
 */
function buildUnique<Spec extends { service: string; team: string }, Entry extends { name: string }, Model>(
  files: ParsedFile<Spec>[],
  listKey: string,
  what: string,
  entries: (file: ParsedFile<Spec>) => Entry[],
  build: (file: ParsedFile<Spec>, entry: Entry, index: number, f: Findings) => Model | undefined,
  ctx: { teams: Set<string> | undefined; f: Findings },
): Model[] {
  const models: Model[] = [];
  const seen = new Map<string, { source: YamlSource; path: Path }>();
  for (const file of files) {
    const { service } = file.spec;
    checkTeam(file.source, file.spec.team, ctx.teams, ctx.f);
    entries(file).forEach((entry, i) => {
      const path: Path = [listKey, i, "name"];
      const previous = seen.get(`${service}/${entry.name}`);
      if (previous) {
        const first = `${previous.source.file}:${positionOf(previous.source, previous.path).line}`;
        ctx.f.add(file.source, path, `duplicate ${what} "${entry.name}" for service "${service}" (first defined at ${first})`);
        return;
      }
      // Positions cost a walk of the YAML tree: look one up only for a finding.
      seen.set(`${service}/${entry.name}`, { source: file.source, path });
      const model = build(file, entry, i, ctx.f);
      if (model !== undefined) models.push(model);
    });
  }
  return models;
}

function checkTeam(source: YamlSource, team: string, teams: Set<string> | undefined, f: Findings): void {
  if (!teams || teams.has(team)) return;
  const hint = closestName(team, teams);
  f.add(source, ["team"], `unknown team "${team}"${hint ? ` (did you mean "${hint}"?)` : ""}; teams are declared in monac.yaml`);
}

// ------------------------------------------------------------------ SLOs

/** DEFAULT_TIERS with their windows and budget shares parsed once, not for every SLO. */
const PARSED_DEFAULT_TIERS = DEFAULT_TIERS.map((t) => ({
  ...t,
  longWindowMs: durationMs(t.longWindow),
  shortWindowMs: durationMs(t.shortWindow),
  budget: Decimal.of(t.budgetPercent),
}));

function buildSlo(file: ParsedFile<SloFileSpec>, slo: SloSpec, index: number, f: Findings, evaluationIntervalMs: number): SloModel | undefined {
  const base: Path = ["slos", index];
  const src = file.source;
  const errorsBefore = f.list.length;
  const sli = buildSli(src, slo, [...base, "sli"], f);
  const periodMs = durationMs(slo.period);
  const objective = Decimal.of(slo.objective).div(Decimal.of(100));
  const errorBudget = Decimal.of(1).minus(objective);
  const alerting = slo.alerting;
  const tiers: TierModel[] = [];

  for (const defaults of PARSED_DEFAULT_TIERS) {
    const override = alerting?.tiers?.[defaults.name];
    if (override === false) continue;
    const tierPath: Path = [...base, "alerting", "tiers", defaults.name];
    // Without an override the defaults are fine as such: the objective (the budget) is what clashes.
    const at: Path = override ? tierPath : [...base, "objective"];
    const longWindowMs = override?.longWindow !== undefined ? durationMs(override.longWindow) : defaults.longWindowMs;
    const shortWindowMs = override?.shortWindow !== undefined ? durationMs(override.shortWindow) : defaults.shortWindowMs;
    const budgetPercent = override?.budgetPercent !== undefined ? Decimal.of(override.budgetPercent) : defaults.budget;
    if (shortWindowMs >= longWindowMs) {
      f.add(src, at, `tier ${defaults.name}: shortWindow (${formatDuration(shortWindowMs)}) must be shorter than longWindow (${formatDuration(longWindowMs)})`);
      continue;
    }
    if (shortWindowMs < COUNT_WINDOW_MS || shortWindowMs % COUNT_WINDOW_MS !== 0 || longWindowMs % COUNT_WINDOW_MS !== 0) {
      f.add(src, at, `tier ${defaults.name}: windows must be multiples of 5m (monac records 5m event counts), got ${formatDuration(longWindowMs)}/${formatDuration(shortWindowMs)}`);
      continue;
    }
    if (longWindowMs > periodMs) {
      // A default tier clashes with the period, when one is written (the default 30d fits every default tier).
      const periodWritten = (src.data as { slos?: { period?: unknown }[] }).slos?.[index]?.period !== undefined;
      f.add(src, !override && periodWritten ? [...base, "period"] : at, `tier ${defaults.name}: longWindow ${formatDuration(longWindowMs)} is longer than the SLO period ${formatDuration(periodMs)}; shorten it or disable the tier with "${defaults.name}: false"`);
      continue;
    }
    const factor = burnRateFactor(budgetPercent, periodMs, longWindowMs);
    if (alerting?.enabled !== false && factor.times(errorBudget).cmp(Decimal.of(1)) >= 0) {
      f.add(
        src,
        at,
        `tier ${defaults.name} can never fire: burn-rate factor ${factor} × error budget ${errorBudget} = ${factor.times(errorBudget)}, ` +
          `but an error ratio cannot exceed 1; lower budgetPercent or disable the tier with "${defaults.name}: false"`,
      );
      continue;
    }
    tiers.push({
      name: defaults.name,
      longWindowMs,
      shortWindowMs,
      budgetPercent,
      factor,
      severity: override?.severity ?? defaults.severity,
      forMs: override?.for !== undefined ? durationMs(override.for) : 0,
      keepFiringForMs: override?.keepFiringFor !== undefined ? durationMs(override.keepFiringFor) : 0,
    });
  }
  checkSeverityAgreement(src, [...base, "alerting", "tiers"], tiers, f);

  if (alerting?.minEvents !== undefined && slo.sli.raw) {
    f.add(src, [...base, "alerting", "minEvents"], "minEvents needs event counts, which a raw SLI does not have; use a ratio SLI or drop minEvents");
  }

  const instrumentation = sli && slo.instrumentation ? buildInstrumentation(src, slo, base, sli, f) : undefined;

  if (!sli || f.list.length > errorsBefore) return undefined;
  const noData = alerting?.noData;
  return {
    service: file.spec.service,
    team: file.spec.team,
    name: slo.name,
    description: slo.description ?? "",
    objective,
    errorBudget,
    periodMs,
    evaluationIntervalMs,
    labels: { ...file.spec.labels, ...slo.labels },
    sli,
    ...(instrumentation ? { instrumentation } : {}),
    alerting: {
      enabled: alerting?.enabled ?? true,
      name: alerting?.name ?? "ErrorBudgetBurn",
      summary: alerting?.summary,
      description: alerting?.description,
      runbook: alerting?.runbook,
      labels: alerting?.labels ?? {},
      minEvents: alerting?.minEvents,
      noData: noData ? { forMs: durationMs(noData.for), severity: noData.severity } : undefined,
      tiers,
    },
    source: { file: src.file, path: formatPath(base) },
  };
}

// ------------------------------------------------------- instrumentation

/** Seconds as people say them: 250ms, 2.5s. */
function formatSeconds(d: Decimal): string {
  return d.cmp(Decimal.of(1)) < 0 ? `${d.times(Decimal.of(1000))}ms` : `${d}s`;
}

const SLI_FIELDS: Record<SliModel["kind"], string> = { ratio: "ratio", latency: "latency", boolGauge: "boolGauge", raw: "raw" };

/**
 * An SLO's `instrumentation:` section, checked against its SLI: buckets only
 * for a latency SLI, strictly increasing and holding its threshold exactly;
 * declared labels covering every label the SLI's selectors match on (but the
 * target labels Prometheus attaches).
 */
function buildInstrumentation(src: YamlSource, slo: SloSpec, base: Path, sli: SliModel, f: Findings): InstrumentationModel | undefined {
  const spec = slo.instrumentation!;
  const at: Path = [...base, "instrumentation"];
  const errorsBefore = f.list.length;
  if (sli.kind === "raw") {
    f.add(src, at, "instrumentation describes the metrics a ratio, latency or boolGauge SLI reads; monac derives no contract from a raw SLI's expression", { key: true });
    return undefined;
  }
  let buckets: Decimal[] | undefined;
  if (spec.buckets !== undefined) {
    if (sli.kind !== "latency") {
      f.add(src, [...at, "buckets"], `buckets are a histogram's bucket bounds, for latency SLIs only; this SLO's SLI is ${sli.kind}`);
    } else {
      buckets = spec.buckets.map((b) => Decimal.of(b));
      for (let i = 1; i < buckets.length; i++) {
        if (buckets[i]!.cmp(buckets[i - 1]!) <= 0) {
          const message = buckets[i]!.cmp(buckets[i - 1]!) === 0 ? `bucket bound ${buckets[i]} is listed twice` : `${buckets[i]} follows ${buckets[i - 1]}`;
          f.add(src, [...at, "buckets", i], `buckets must be strictly increasing: ${message}`);
        }
      }
      const t = sli.thresholdSeconds;
      if (f.list.length === errorsBefore && !buckets.some((b) => b.cmp(t) === 0)) {
        const below = buckets.filter((b) => b.cmp(t) < 0).pop();
        const above = buckets.find((b) => b.cmp(t) > 0);
        const written = slo.sli.latency!.threshold;
        const range = `${below === undefined ? "0" : formatSeconds(below)} and ${above === undefined ? "+Inf" : formatSeconds(above)}`;
        f.add(
          src,
          [...base, "sli", "latency", "threshold"],
          `threshold ${written} is not a bucket bound of the declared buckets [${buckets.join(", ")}]: requests between ${range} cannot be told apart; add ${t}`,
        );
      }
    }
  }
  if (spec.labels !== undefined) {
    const declared = new Set(spec.labels);
    const dup = spec.labels.findIndex((l, i) => spec.labels!.indexOf(l) !== i);
    if (dup >= 0) f.add(src, [...at, "labels", dup], `label ${spec.labels[dup]} is listed twice`);
    spec.labels.forEach((l, i) => {
      if (TARGET_LABELS.includes(l) || l === "le") {
        f.add(src, [...at, "labels", i], l === "le" ? "le is the histogram's bucket label, which the client library sets itself; leave it out" : `${l} is a target label Prometheus attaches at scrape time; the service does not set it, leave it out`);
      }
    });
    for (const read of sliReads(sli)) {
      const missing = serviceLabels(read.matchers).filter((l) => !declared.has(l));
      if (missing.length === 0) continue;
      const field = formatPath(["sli", SLI_FIELDS[sli.kind], read.field]);
      f.add(
        src,
        [...at, "labels"],
        `labels [${spec.labels.join(", ")}] do not include ${missing.join(", ")}, which ${field} matches on for ${read.name}: the series it selects would never exist; add ${missing.join(", ")}`,
      );
    }
  }
  if (f.list.length > errorsBefore) return undefined;
  return {
    ...(buckets ? { buckets } : {}),
    ...(spec.labels ? { labels: spec.labels } : {}),
    ...(spec.help !== undefined ? { help: spec.help } : {}),
  };
}

interface LocatedSlo {
  model: SloModel;
  src: YamlSource;
  base: Path;
  /** sliReads(model.sli), which walks the SLI's expressions: each check below needs it. */
  reads: MetricRead[];
}

/**
 * SLOs reading the same metric must agree on what it is: one type across the
 * workspace (Prometheus keeps one type per metric name), and, within one
 * service (one generated module declares the metric once), the same declared
 * labels and buckets, and declared labels that cover every other SLO's
 * matchers.
 */
function checkSharedMetrics(located: LocatedSlo[], f: Findings): void {
  const first = new Map<string, { loc: LocatedSlo; read: MetricRead }>();
  const where = (loc: LocatedSlo, path: Path) => {
    const p = positionOf(loc.src, path);
    return `${loc.src.file}:${p.line}:${p.column}`;
  };
  const sliPath = (loc: LocatedSlo, read: MetricRead): Path => [...loc.base, "sli", SLI_FIELDS[loc.model.sli.kind], read.field];
  const id = (loc: LocatedSlo) => `${loc.model.service}/${loc.model.name}`;
  for (const loc of located) {
    for (const read of loc.reads) {
      const prev = first.get(read.name);
      if (!prev) {
        first.set(read.name, { loc, read });
        continue;
      }
      if (prev.loc === loc) continue;
      if (prev.read.kind !== read.kind) {
        f.add(
          loc.src,
          sliPath(loc, read),
          `${read.name} is read here as a ${read.kind}, but as a ${prev.read.kind} by SLO ${id(prev.loc)} (${where(prev.loc, sliPath(prev.loc, prev.read))}): a metric has one type; read the histogram's _bucket or _count series, or another metric`,
        );
      }
    }
  }
  // Within a service: declared contracts of one metric agree.
  const byServiceMetric = new Map<string, { loc: LocatedSlo; read: MetricRead }[]>();
  for (const loc of located) {
    for (const read of loc.reads) {
      const key = `${loc.model.service}\u0000${read.name}`;
      const list = byServiceMetric.get(key) ?? [];
      if (!list.some((e) => e.loc === loc)) list.push({ loc, read });
      byServiceMetric.set(key, list);
    }
  }
  for (const entries of byServiceMetric.values()) {
    if (entries.length < 2) continue;
    const labelsOwner = entries.find((e) => e.loc.model.instrumentation?.labels !== undefined);
    const bucketsOwner = entries.find((e) => e.loc.model.instrumentation?.buckets !== undefined && e.read.kind === "histogram");
    for (const e of entries) {
      const inst = e.loc.model.instrumentation;
      const name = e.read.name;
      if (labelsOwner && e !== labelsOwner) {
        const owned = labelsOwner.loc.model.instrumentation!.labels!;
        const ownerAt = `SLO ${id(labelsOwner.loc)} (${where(labelsOwner.loc, [...labelsOwner.loc.base, "instrumentation", "labels"])})`;
        if (inst?.labels !== undefined) {
          if ([...inst.labels].sort().join(",") !== [...owned].sort().join(",")) {
            f.add(e.loc.src, [...e.loc.base, "instrumentation", "labels"], `labels [${inst.labels.join(", ")}] for ${name} differ from [${owned.join(", ")}] declared for it by ${ownerAt}: a service exposes a metric with one set of labels`);
          }
        } else {
          const missing = serviceLabels(e.read.matchers).filter((l) => !owned.includes(l));
          if (missing.length > 0) {
            f.add(e.loc.src, sliPath(e.loc, e.read), `matches on ${missing.join(", ")}, which the labels [${owned.join(", ")}] declared for ${name} by ${ownerAt} do not include: the series it selects would never exist`);
          }
        }
      }
      if (bucketsOwner && e !== bucketsOwner && inst?.buckets !== undefined && e.read.kind === "histogram") {
        const owned = bucketsOwner.loc.model.instrumentation!.buckets!;
        const same = owned.length === inst.buckets.length && owned.every((b, i) => b.cmp(inst.buckets![i]!) === 0);
        if (!same) {
          f.add(
            e.loc.src,
            [...e.loc.base, "instrumentation", "buckets"],
            `buckets [${inst.buckets.join(", ")}] for ${name} differ from [${owned.join(", ")}] declared for it by SLO ${id(bucketsOwner.loc)} (${where(bucketsOwner.loc, [...bucketsOwner.loc.base, "instrumentation", "buckets"])}): a histogram has one set of buckets; declare the same list (with every SLO's threshold in it)`,
          );
        }
      }
    }
  }
}

/**
 * The tiers of one severity are one alert (their conditions joined with
 * `or`), so that one incident is one page however many tiers it trips; an
 * alert has one `for` and one `keep_firing_for`.
 */
function checkSeverityAgreement(src: YamlSource, tiersPath: Path, tiers: TierModel[], f: Findings): void {
  for (const [field, key] of [["for", "forMs"], ["keepFiringFor", "keepFiringForMs"]] as const) {
    for (const severity of SEVERITIES) {
      const same = tiers.filter((t) => t.severity === severity);
      const differing = same.find((t) => t[key] !== same[0]![key]);
      if (!differing) continue;
      const show = (t: TierModel) => `${t.name} ${t[key] > 0 ? formatDuration(t[key]) : "none"}`;
      f.add(
        src,
        [...tiersPath, differing.name, field],
        `tiers of one severity are one alert and must share ${field}: ${same.map(show).join(", ")} (severity ${severity}); give them the same ${field} or different severities`,
      );
    }
  }
}

function buildSli(src: YamlSource, slo: SloSpec, path: Path, f: Findings): SliModel | undefined {
  const { sli } = slo;
  if (sli.ratio) {
    const p: Path = [...path, "ratio"];
    const total = countExpression(src, [...p, "total"], sli.ratio.total, f);
    if (sli.ratio.errors !== undefined) {
      const errors = countExpression(src, [...p, "errors"], sli.ratio.errors, f);
      return errors && total ? { kind: "ratio", errors, total } : undefined;
    }
    const good = countExpression(src, [...p, "good"], sli.ratio.good!, f);
    return good && total ? { kind: "ratio", good, total } : undefined;
  }
  if (sli.latency) {
    const native = sli.latency.nativeHistogram !== undefined;
    const field = native ? "nativeHistogram" : "histogram";
    const p: Path = [...path, "latency", field];
    const sel = selectorOnly(src, p, native ? sli.latency.nativeHistogram! : sli.latency.histogram!, field, f);
    if (!sel) return undefined;
    if (sel.metric === undefined) {
      f.add(src, p, `${field} selector needs a metric name, e.g. http_request_duration_seconds{job="api"}`);
      return undefined;
    }
    if (sel.matchers.some((m) => m.name === "le")) {
      f.add(src, p, native ? "do not match on le: a native histogram has no le label" : "do not match on le: monac selects the bucket from threshold");
      return undefined;
    }
    const suffix = /^(.+)_(bucket|count|sum)$/.exec(sel.metric);
    if (native && suffix) {
      f.add(
        src,
        p,
        `a native histogram is one series named without _${suffix[2]}: write ${suffix[1]}, or read the classic histogram with histogram: instead of nativeHistogram:`,
      );
      return undefined;
    }
    const metric = suffix ? suffix[1]! : sel.metric;
    const { threshold } = sli.latency;
    const thresholdSeconds = typeof threshold === "number" ? Decimal.of(threshold) : Decimal.fraction(BigInt(parseDuration(threshold)!), 1000n);
    return { kind: "latency", native, metric, matchers: sel.matchers, thresholdSeconds };
  }
  if (sli.boolGauge) {
    const p: Path = [...path, "boolGauge", "metric"];
    const sel = selectorOnly(src, p, sli.boolGauge.metric, "metric", f);
    if (sel && !named(sel)) {
      f.add(src, p, `metric selector needs a metric name, e.g. probe_success{job="blackbox"}: ${sli.boolGauge.metric.trim()} would read every series of the job`);
      return undefined;
    }
    return sel ? { kind: "boolGauge", selector: withoutComments(sli.boolGauge.metric) } : undefined;
  }
  if (sli.raw) {
    const p: Path = [...path, "raw", "errorRatio"];
    const expr = sli.raw.errorRatio.trim();
    if (!checkPromQL(src, p, expr, f)) return undefined;
    const clean = withoutComments(expr);
    const uses = windowUses(src, p, clean, f);
    if (uses === undefined) return undefined;
    if (uses.ranges === 0) {
      f.add(src, p, `errorRatio must use the ${WINDOW_PLACEHOLDER} placeholder for its range, e.g. rate(errors[${WINDOW_PLACEHOLDER}]) / rate(total[${WINDOW_PLACEHOLDER}])`);
      return undefined;
    }
    return { kind: "raw", errorRatio: clean };
  }
  return undefined;
}

/**
 * An event-count template over `$window`: a counter selector becomes
 * increase(selector[$window]); anything else must already count over $window.
 */
function countExpression(src: YamlSource, path: Path, text: string, f: Findings): string | undefined {
  const expr = text.trim();
  if (!checkPromQL(src, path, expr, f)) return undefined;
  const clean = withoutComments(expr);
  const selector = parseVectorSelector(clean);
  if (selector) {
    if (named(selector)) return `increase(${clean}[${WINDOW_PLACEHOLDER}])`;
    f.add(src, path, `counter selector needs a metric name, e.g. http_requests_total${clean}: ${clean} would count every counter of the job`);
    return undefined;
  }
  const uses = windowUses(src, path, clean, f);
  if (uses === undefined) return undefined;
  if (uses.ranges === 0) {
    f.add(src, path, `expected a counter selector such as http_requests_total{code=~"5.."}, or an expression counting events over [${WINDOW_PLACEHOLDER}]`);
    return undefined;
  }
  return clean;
}

/** A selector names its metric (`__name__=~"a|b"` counts as deliberate). */
function named(sel: SelectorInfo): boolean {
  return sel.metric !== undefined || sel.matchers.some((m) => m.name === "__name__");
}

/**
 * Checks that `$window` is only ever a range (`[$window]`, `[$window:1m]`) and
 * that every selector names its metric; undefined after a finding.
 */
function windowUses(src: YamlSource, path: Path, clean: string, f: Findings): { ranges: number } | undefined {
  const uses = placeholderUses(clean, WINDOW_PLACEHOLDER);
  if (!uses) return { ranges: 0 };
  if (uses.elsewhere > 0) {
    f.add(src, path, `${WINDOW_PLACEHOLDER} may only be a range, as in rate(errors[${WINDOW_PLACEHOLDER}]); here it is also used elsewhere (a label value, an offset or a number), where it would not be replaced by each alert window`);
    return undefined;
  }
  const nameless = uses.selectors.find((sel) => !named(sel));
  if (nameless) {
    f.add(src, path, `selector ${formatSelector(nameless)} has no metric name: it would read every series of the job; name the metric, e.g. http_requests_total${formatSelector(nameless)}`);
    return undefined;
  }
  return uses;
}

function selectorOnly(src: YamlSource, path: Path, text: string, what: string, f: Findings): SelectorInfo | undefined {
  const expr = text.trim();
  if (!checkPromQL(src, path, expr, f)) return undefined;
  const sel = parseVectorSelector(expr);
  if (!sel) f.add(src, path, `${what} must be a plain selector such as probe_success{job="blackbox"}, got an expression`);
  return sel;
}

/**
 * Reports a PromQL syntax or type error at its exact place in the file. Every
 * expression a spec holds ends up in a rule, so it must be an instant vector.
 * `$window` is checked as a 5m range.
 */
function checkPromQL(src: YamlSource, path: Path, expr: string, f: Findings): boolean {
  const concrete = expr.split(WINDOW_PLACEHOLDER).join("5m");
  const problem = findProblem(concrete, "vector");
  if (!problem) return true;
  // Map the offset back through the placeholder substitution: every
  // placeholder before the error is longer in the file than "5m".
  let shift = 0;
  for (let at = expr.indexOf(WINDOW_PLACEHOLDER); at >= 0; at = expr.indexOf(WINDOW_PLACEHOLDER, at + 1)) {
    if (at - shift >= problem.offset) break;
    shift += WINDOW_PLACEHOLDER.length - "5m".length;
  }
  const offset = problem.offset + shift;
  // `expr` was trimmed; the file's text was not.
  const raw = String(src.doc.getIn(path) ?? "");
  const leading = raw.length - raw.trimStart().length;
  f.addAt(src, path, offset + leading, `invalid PromQL: ${problem.message}`);
  return false;
}

// ------------------------------------------------------------ thresholds

function buildThreshold(file: ParsedFile<ThresholdFileSpec>, alert: ThresholdAlertSpec, index: number, f: Findings): ThresholdAlertModel | undefined {
  const src = file.source;
  const base: Path = ["alerts", index];
  const errorsBefore = f.list.length;
  const levels: ThresholdLevel[] = [];
  const defaultFor = alert.for !== undefined ? durationMs(alert.for) : 0;
  let valueExpr: string | undefined;

  if (alert.condition !== undefined) {
    if (alert.expr !== undefined) f.add(src, [...base, "expr"], "use either expr with thresholds, or condition, not both");
    for (const level of ["warning", "critical"] as const) {
      if (alert[level] !== undefined) f.add(src, [...base, level], `a condition alert has no thresholds; set severity instead of ${level}`);
    }
    const condition = withoutComments(alert.condition);
    checkPromQL(src, [...base, "condition"], alert.condition.trim(), f);
    if (alert.severity === undefined) f.add(src, [...base, "condition"], `a condition alert needs a severity: ${SEVERITIES.join(", ")}`);
    else levels.push({ severity: alert.severity, expr: condition, threshold: undefined, forMs: defaultFor });
  } else if (alert.expr !== undefined) {
    // Comments go: `expr # note` would comment out the comparison appended to it.
    valueExpr = withoutComments(alert.expr);
    if (alert.severity !== undefined) f.add(src, [...base, "severity"], "severity belongs to condition alerts; with expr, set warning and/or critical thresholds");
    if (checkPromQL(src, [...base, "expr"], alert.expr.trim(), f)) {
      if (alert.warning === undefined && alert.critical === undefined) {
        f.add(src, [...base, "expr"], "expected a warning and/or critical threshold for expr");
      }
      const values: Partial<Record<Severity, Decimal>> = {};
      for (const level of ["warning", "critical"] as const) {
        const spec = alert[level];
        if (spec === undefined) continue;
        const raw = typeof spec === "object" ? spec.value : spec;
        const valuePath: Path = typeof spec === "object" ? [...base, level, "value"] : [...base, level];
        const value = thresholdDecimal(raw, alert.unit);
        if (value === undefined) {
          f.add(src, valuePath, `a duration threshold (${JSON.stringify(raw)}) needs unit: seconds; got unit ${alert.unit}`);
          continue;
        }
        values[level] = value;
        const forMs = typeof spec === "object" && spec.for !== undefined ? durationMs(spec.for) : defaultFor;
        levels.push({ severity: level, expr: thresholdCondition(valueExpr, alert.direction, value.toString()), threshold: value.toString(), forMs });
      }
      const { warning, critical } = values;
      if (warning && critical) {
        const ordered = alert.direction === "above" ? critical.cmp(warning) > 0 : critical.cmp(warning) < 0;
        if (!ordered) {
          f.add(
            src,
            [...base, "critical"],
            `critical (${critical}) must be ${alert.direction === "above" ? "above" : "below"} warning (${warning}) for direction ${alert.direction}`,
          );
        }
      }
    }
  } else {
    f.add(src, [...base, "name"], "expected expr (with warning/critical thresholds) or condition (with severity)");
  }

  if (f.list.length > errorsBefore) return undefined;
  return {
    service: file.spec.service,
    team: file.spec.team,
    name: alert.name,
    valueExpr,
    direction: alert.direction,
    unit: alert.unit,
    levels,
    keepFiringForMs: alert.keepFiringFor !== undefined ? durationMs(alert.keepFiringFor) : undefined,
    summary: alert.summary,
    description: alert.description,
    runbook: alert.runbook,
    labels: { ...file.spec.labels, ...alert.labels },
    source: { file: src.file, path: formatPath(base) },
  };
}

function thresholdDecimal(raw: number | string, unit: string): Decimal | undefined {
  if (typeof raw === "number") return Decimal.of(raw);
  if (unit !== "seconds") return undefined;
  return Decimal.fraction(BigInt(parseDuration(raw)!), 1000n);
}

// --------------------------------------------------------------- routing

function buildTargets(spec: WorkspaceFileSpec["targets"] | undefined): TargetsModel {
  const t = spec ?? {};
  // `true` is the target with every option at its default.
  const op = t["prometheus-operator"] === true ? OperatorOptions.parse({}) : t["prometheus-operator"];
  const mimir = t.mimir === true ? MimirOptions.parse({}) : t.mimir;
  const thanos = t.thanos === true ? ThanosOptions.parse({}) : t.thanos;
  const out: TargetsModel = {};
  if (op) out.operator = op;
  if (mimir) out.mimir = { namespace: mimir.namespace, maxRulesPerGroup: mimir.maxRulesPerGroup, maxGroupsPerTenant: mimir.maxGroupsPerTenant, maxQueryLengthMs: mimir.maxQueryLength === undefined ? undefined : durationMs(mimir.maxQueryLength) };
  if (thanos) out.thanos = thanos;
  const vmalert = t.vmalert === true ? VmalertOptions.parse({}) : t.vmalert;
  if (vmalert) out.vmalert = { exclude: vmalert.exclude };
  return out;
}

function buildRouting(file: ParsedFile<WorkspaceFileSpec>, f: Findings): RoutingModel | undefined {
  const { spec, source } = file;
  const errorsBefore = f.list.length;
  const receiverNames = new Set(Object.keys(spec.receivers));
  const intervalNames = new Set(Object.keys(spec.timeIntervals ?? {}));
  const usedReceivers = new Set<string>();
  const usedIntervals = new Set<string>();
  const am = spec.alertmanager;
  const check = (path: Path, problem: string | undefined) => {
    if (problem !== undefined) f.add(source, path, problem);
  };

  const checkReceiver = (name: string, path: Path) => {
    usedReceivers.add(name);
    if (receiverNames.has(name)) return;
    const hint = closestName(name, receiverNames);
    f.add(source, path, `unknown receiver "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; receivers are declared under receivers:`);
  };
  checkReceiver(am.defaultReceiver, ["alertmanager", "defaultReceiver"]);
  checkAlertmanagerSettings(file, f);

  for (const [name, r] of Object.entries(spec.receivers)) {
    if (r.email && !am.smtp) f.add(source, ["receivers", name, "email"], "an email receiver needs alertmanager.smtp (from, smarthost)");
    if (r.email) check(["receivers", name, "email", "to"], toAddressesProblem(r.email.to));
    if (r.pagerduty?.url !== undefined) check(["receivers", name, "pagerduty", "url"], urlProblem(r.pagerduty.url));
    if (r.slack && !r.slack.apiUrlFile && !am.slack) {
      f.add(source, ["receivers", name, "slack"], "a slack receiver needs apiUrlFile, here or in alertmanager.slack");
    }
  }

  for (const [name, intervals] of Object.entries(spec.timeIntervals ?? {})) {
    intervals.forEach((iv, i) => checkTimeInterval(source, ["timeIntervals", name, i], iv, f));
  }

  for (const [team, routes] of Object.entries(spec.teams)) {
    let severities = 0;
    for (const severity of SEVERITIES) {
      const r = routes[severity];
      if (r === undefined) continue;
      const receivers = Array.isArray(r) ? r : r.receivers;
      const during = Array.isArray(r) ? [] : (r.during ?? []);
      const base: Path = Array.isArray(r) ? ["teams", team, severity] : ["teams", team, severity, "receivers"];
      receivers.forEach((name, i) => checkReceiver(name, [...base, i]));
      during.forEach((name, i) => {
        usedIntervals.add(name);
        if (!intervalNames.has(name)) {
          const hint = closestName(name, intervalNames);
          f.add(source, ["teams", team, severity, "during", i], `unknown time interval "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; declare it under timeIntervals:`);
        }
      });
      severities++;
    }
    if (severities === 0) f.add(source, ["teams", team], "a team needs receivers for at least one severity (critical, warning, info)", { key: true });
  }

  // Legal for Alertmanager, but nothing will ever be sent there: likely a typo or a leftover.
  for (const name of receiverNames) {
    if (!usedReceivers.has(name)) {
      f.warn(source, ["receivers", name], `receiver "${name}" is not used: no team routes to it and it is not alertmanager.defaultReceiver`, { key: true });
    }
  }
  for (const name of intervalNames) {
    if (!usedIntervals.has(name)) f.warn(source, ["timeIntervals", name], `time interval "${name}" is not used: no team route lists it under during:`, { key: true });
  }

  if (f.list.length > errorsBefore) return undefined;
  return routingModel(spec);
}

/** Grouping, timing and SMTP settings, as Alertmanager reads its global section and root route. */
function checkAlertmanagerSettings({ spec, source }: ParsedFile<WorkspaceFileSpec>, f: Findings): void {
  const am = spec.alertmanager;
  for (const { index, message } of groupByProblems(am.groupBy)) f.add(source, ["alertmanager", "groupBy", index], message);
  // Alertmanager logs both of these when it loads the config, and runs anyway.
  const groupIntervalMs = durationMs(am.groupInterval);
  const repeatIntervalMs = durationMs(am.repeatInterval);
  if (repeatIntervalMs < groupIntervalMs) {
    f.warn(
      source,
      ["alertmanager", "repeatInterval"],
      `repeatInterval (${formatDuration(repeatIntervalMs)}) is shorter than groupInterval (${formatDuration(groupIntervalMs)}): Alertmanager looks for notifications to repeat only once a group interval, so they repeat every ${formatDuration(groupIntervalMs)}`,
    );
  }
  if (repeatIntervalMs > DEFAULT_RETENTION_MS) {
    f.warn(
      source,
      ["alertmanager", "repeatInterval"],
      `repeatInterval (${formatDuration(repeatIntervalMs)}) is longer than Alertmanager's default notification log retention (${formatDuration(DEFAULT_RETENTION_MS)}, --data.retention): unless that is raised, notifications repeat about every ${formatDuration(DEFAULT_RETENTION_MS)}`,
    );
  }
  if (am.pagerduty) {
    const problem = urlProblem(am.pagerduty.url);
    if (problem) f.add(source, ["alertmanager", "pagerduty", "url"], problem);
  }
  if (am.smtp) {
    const problem = smarthostProblem(am.smtp.smarthost);
    if (problem) f.add(source, ["alertmanager", "smtp", "smarthost"], problem);
    const from = fromAddressProblem(am.smtp.from);
    if (from) f.add(source, ["alertmanager", "smtp", "from"], from);
  }
}

type TimeIntervalSpec = NonNullable<WorkspaceFileSpec["timeIntervals"]>[string][number];

/** One entry of a time interval, item by item, as Alertmanager's timeinterval package reads it. */
function checkTimeInterval(source: YamlSource, base: Path, iv: TimeIntervalSpec, f: Findings): void {
  const check = (path: Path, problem: string | undefined) => {
    if (problem !== undefined) f.add(source, path, problem);
  };
  iv.times?.forEach((t, j) => {
    const at: Path = [...base, "times", j];
    check([...at, "start"], clockProblem(t.start));
    check([...at, "end"], clockProblem(t.end));
    check(at, timeRangeProblem(t.start, t.end));
  });
  iv.weekdays?.forEach((w, j) => check([...base, "weekdays", j], weekdayRangeProblem(w)));
  iv.daysOfMonth?.forEach((d, j) => check([...base, "daysOfMonth", j], dayOfMonthRangeProblem(String(d))));
  iv.months?.forEach((m, j) => check([...base, "months", j], monthRangeProblem(String(m))));
  iv.years?.forEach((y, j) => check([...base, "years", j], yearRangeProblem(String(y))));
  if (iv.location !== undefined) check([...base, "location"], locationProblem(iv.location));
}

/**
 * The routing model of a workspace file, as written, without any check:
 * buildRouting returns it only when the checks pass. Exported so that tests
 * can write the Alertmanager config a refused spec would have given, and
 * show that Alertmanager refuses it too.
 */
export function routingModel(spec: WorkspaceFileSpec): RoutingModel {
  const am = spec.alertmanager;
  return {
    resolveTimeoutMs: durationMs(am.resolveTimeout),
    groupBy: am.groupBy,
    groupWaitMs: durationMs(am.groupWait),
    groupIntervalMs: durationMs(am.groupInterval),
    repeatIntervalMs: durationMs(am.repeatInterval),
    smtp: am.smtp
      ? {
          from: am.smtp.from,
          smarthost: am.smtp.smarthost,
          authUsername: am.smtp.authUsername,
          authPasswordFile: am.smtp.authPasswordFile,
          requireTls: am.smtp.requireTls,
          ...(am.smtp.hello !== undefined ? { hello: am.smtp.hello } : {}),
          ...(am.smtp.tls !== undefined ? { tls: am.smtp.tls } : {}),
        }
      : undefined,
    slackApiUrlFile: am.slack?.apiUrlFile,
    ...(am.pagerduty ? { pagerdutyUrl: am.pagerduty.url } : {}),
    defaultReceiver: am.defaultReceiver,
    receivers: Object.entries(spec.receivers).map(([name, r]) => ({
      name,
      ...(r.email ? { email: r.email } : {}),
      ...(r.slack ? { slack: { channel: r.slack.channel, apiUrlFile: r.slack.apiUrlFile, sendResolved: r.slack.sendResolved } } : {}),
      ...(r.pagerduty ? { pagerduty: r.pagerduty } : {}),
    })),
    teams: Object.entries(spec.teams).map(([name, routes]) => ({
      name,
      routes: SEVERITIES.flatMap((severity) => {
        const r = routes[severity];
        if (r === undefined) return [];
        return [{ severity, receivers: Array.isArray(r) ? r : r.receivers, during: Array.isArray(r) ? [] : (r.during ?? []) }];
      }),
    })),
    timeIntervals: Object.entries(spec.timeIntervals ?? {}).map(([name, intervals]) => ({
      name,
      intervals: intervals.map((iv) => ({
        ...(iv.weekdays ? { weekdays: iv.weekdays } : {}),
        ...(iv.times ? { times: iv.times.map((t) => ({ start: t.start, end: t.end })) } : {}),
        ...(iv.daysOfMonth ? { daysOfMonth: iv.daysOfMonth.map(String) } : {}),
        ...(iv.months ? { months: iv.months.map(String) } : {}),
        ...(iv.years ? { years: iv.years.map(String) } : {}),
        ...(iv.location !== undefined ? { location: iv.location } : {}),
      })),
    })),
  };
}

// ------------------------------------------------------------ dashboards

/**
 * Custom dashboards: unique panel titles per dashboard (Grafana links and
 * alerts refer to panels by title) and sane axes. Every file of a valid shape
 * becomes a model, findings or not: whether titles give distinct uids and
 * queries read known series is checked by the compile stage, which knows the
 * uids and the series the rules record (compile/dashboards/custom-dashboard.ts).
 */
function buildDashboards(files: ParsedFile<DashboardFileSpec>[], f: Findings): DashboardModel[] {
  const out: DashboardModel[] = [];
  for (const { source, spec } of files) {
    const file = source.file;
    const queries: DashboardModel["queries"] = [];
    spec.variables?.forEach((v, i) => queries.push({ expr: v.values.trim(), at: { file, path: ["variables", i, "values"] } }));
    const panelTitles = new Map<string, Path>();
    spec.rows.forEach((row, r) =>
      row.panels.forEach((panel, p) => {
        const at: Path = ["rows", r, "panels", p];
        const first = panelTitles.get(panel.title);
        if (first) f.add(source, [...at, "title"], `duplicate panel title "${panel.title}" in this dashboard (first at line ${positionOf(source, first).line})`);
        else panelTitles.set(panel.title, [...at, "title"]);
        if (panel.min !== undefined && panel.max !== undefined && panel.min >= panel.max) {
          f.add(source, [...at, "max"], `max (${panel.max}) must be greater than min (${panel.min})`);
        }
        panel.queries.forEach((q, k) => queries.push({ expr: q.expr.trim(), at: { file, path: [...at, "queries", k, "expr"] } }));
      }),
    );
    out.push({
      title: spec.title,
      description: spec.description,
      tags: spec.tags ?? [],
      metrics: spec.metrics ?? [],
      variables: (spec.variables ?? []).map((v) => ({ name: v.name, label: v.label, values: v.values.trim(), multi: v.multi })),
      rows: spec.rows.map((row) => ({
        title: row.title,
        panels: row.panels.map((p) => ({
          title: p.title,
          kind: p.kind,
          description: p.description,
          unit: p.unit,
          min: p.min,
          max: p.max,
          thresholds: p.thresholds ? { warning: p.thresholds.warning, critical: p.thresholds.critical, direction: p.thresholds.direction } : undefined,
          width: p.width,
          queries: p.queries.map((q) => ({ expr: q.expr.trim(), legend: q.legend })),
        })),
      })),
      source: { file, path: "" },
      titleAt: { file, path: ["title"] },
      queries,
    });
  }
  return out;
}
