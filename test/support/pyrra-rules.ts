/**
 * What Pyrra generates for alerting, ported from its source
 * (github.com/pyrra-dev/pyrra, slo/rules.go, slo/slo.go, slo/promql.go at
 * 1ba95afbf90b2311cb9332b1633cf09218b7de9f): the burn-rate recording rules
 * and multi-burn-rate alerts of `Objective.Burnrates()` for ratio, latency,
 * latencyNative and bool_gauge indicators, with `grouping`, as one rule
 * group evaluated every 30s.
 *
 * Pyrra cannot run here (no Go toolchain), so the reference material in
 * ../shared/reference/pyrra has specs only; this port gives the
 * detection comparison Pyrra's own rules. What it leaves out: the
 * `-increase` group (recording rules for Pyrra's UI, and the absent-metric
 * alerts, which fire only when the SLI's series disappear), the generic
 * rules (pyrra_availability & co., no alerts), the Prometheus 3 `le`
 * migration option, and the `pyrra_url`
 * annotation (only written with an external URL). Expressions are printed
 * as Prometheus's printer does (matchers sorted, `sum by (a, b) (...)`),
 * so they can be compared with Pyrra's expected outputs in rules_test.go.
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { parseDuration, parsePromQL } from "../../src/promql/index.js";
import type { LabelMatcher } from "../../src/promql/ast.js";

/** A selector as Pyrra keeps it: the metric name and all matchers, `__name__` included. */
export interface PyrraMetric {
  name: string;
  matchers: LabelMatcher[];
}

export type PyrraIndicator =
  | { kind: "ratio"; errors: PyrraMetric; total: PyrraMetric; grouping: string[] }
  | { kind: "latency"; success: PyrraMetric; total: PyrraMetric; grouping: string[] }
  /** A native histogram; `latencySeconds` is spec.latency as `time.Duration(...).Seconds()`. */
  | { kind: "latencyNative"; total: PyrraMetric; latencySeconds: number; grouping: string[] }
  | { kind: "boolGauge"; metric: PyrraMetric; grouping: string[] };

export interface PyrraObjective {
  /** metadata.name: the `slo` label. */
  name: string;
  /** spec.target / 100. */
  target: number;
  /** spec.window, ms. */
  windowMs: number;
  indicator: PyrraIndicator;
  alerting: {
    disabled: boolean;
    burnrates: boolean;
    name?: string;
    severities?: Partial<Record<"fastBurn" | "mediumBurn" | "slowBurn" | "longTermBurn", string>>;
  };
  /** Labels of the object prefixed `pyrra.dev/`, propagated to the rules without the prefix. */
  propagatedLabels: Record<string, string>;
  /** Annotations of the object prefixed `pyrra.dev/`, propagated to the alerts without the prefix. */
  propagatedAnnotations: Record<string, string>;
}

/** One tier of Pyrra's `Windows()`. */
export interface PyrraWindow {
  severity: "critical" | "warning";
  forMs: number;
  longMs: number;
  shortMs: number;
  factor: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const PROPAGATION_PREFIX = "pyrra.dev/";

/** Go's time.Duration.Round(m) for non-negative durations: halfway values round away from zero. */
function goRound(ms: number, m: number): number {
  const r = ms % m;
  return r + r < m ? ms - r : ms + m - r;
}

/**
 * Go's integer division of a time.Duration (nanoseconds) by n, in ms.
 * Every window Pyrra accepts is a whole number of ms; dividing the
 * nanoseconds and truncating is what Go does.
 */
function goDivide(ms: number, n: number): number {
  const ns = BigInt(ms) * 1_000_000n;
  return Number(ns / BigInt(n)) / 1_000_000;
}

/** `Windows(sloWindow)`: four tiers scaled from Pyrra's 28d table, rounded to the minute. */
export function pyrraWindows(windowMs: number): PyrraWindow[] {
  const w = (n: number): number => goRound(goDivide(windowMs, n), MIN);
  return [
    { severity: "critical", forMs: w(28 * 24 * 30), longMs: w(28 * 24), shortMs: w(28 * 24 * 12), factor: 14 },
    { severity: "critical", forMs: w(28 * 24 * 4), longMs: w(28 * 4), shortMs: w(28 * 24 * 2), factor: 7 },
    { severity: "warning", forMs: w(28 * 24), longMs: w(28), shortMs: w(28 * 12), factor: 2 },
    { severity: "warning", forMs: w(28 * 8), longMs: w(7), shortMs: w(28 * 4), factor: 1 },
  ];
}

/** The recording windows: every short and long window, deduplicated, ascending. */
export function pyrraBurnrateWindows(windowMs: number): number[] {
  const set = new Set(pyrraWindows(windowMs).flatMap((w) => [w.longMs, w.shortMs]));
  return [...set].sort((a, b) => a - b);
}

/** Prometheus's model.Duration.String(): 1h30m, 4d, 1w (years and weeks only when exact). */
export function modelDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  const unit = (name: string, size: number, exact: boolean): void => {
    if (exact && rest % size !== 0) return;
    const v = Math.floor(rest / size);
    if (v > 0) {
      out += `${v}${name}`;
      rest -= v * size;
    }
  };
  unit("y", 365 * DAY, true);
  unit("w", 7 * DAY, true);
  unit("d", DAY, false);
  unit("h", HOUR, false);
  unit("m", MIN, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return out;
}

/** Go's time.Duration.String() for whole seconds: 2m0s, 1h0m0s, 30s. */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms % 1000 !== 0) throw new RangeError(`goDuration: ${ms} ms is not whole seconds`);
  const s = ms / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/** Go's strconv.FormatFloat(x, 'f', -1, 64): shortest decimal, never an exponent. */
function formatFloat(x: number): string {
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/\.?0+$/, "");
}

const OPS: Record<LabelMatcher["op"], string> = { "=": "=", "!=": "!=", "=~": "=~", "!~": "!~" };

/** labels.Matcher.String(): name, operator, Go-quoted value. */
function matcherString(m: LabelMatcher): string {
  return `${m.name}${OPS[m.op]}${JSON.stringify(m.value)}`;
}

/** parser.VectorSelector.String() with the selector's name replaced: the name matcher dropped, the others sorted. */
function selectorString(name: string, matchers: readonly LabelMatcher[]): string {
  const parts = matchers.filter((m) => !(m.name === "__name__" && m.op === "=" && m.value === name)).map(matcherString).sort();
  return parts.length === 0 ? name : `${name}{${parts.join(",")}}`;
}

function grouping(o: PyrraObjective): string[] {
  return [...new Set(o.indicator.grouping)].sort();
}

/** `sum by (a, b) (` or `sum(`, as the printer writes an aggregation with or without grouping. */
function sumBy(o: PyrraObjective): string {
  const g = grouping(o);
  return g.length === 0 ? "sum(" : `sum by (${g.join(", ")}) (`;
}

/** The metric the burn-rate records are named after (`Objective.BurnrateName`'s metric). */
function baseMetric(o: PyrraObjective): PyrraMetric {
  switch (o.indicator.kind) {
    case "ratio":
    case "latency":
    case "latencyNative":
      return o.indicator.total;
    case "boolGauge":
      return o.indicator.metric;
  }
}

/** `Objective.BurnrateName(window)`: `http_requests:burnrate5m`. */
export function pyrraBurnrateName(o: PyrraObjective, windowMs: number): string {
  const metric = baseMetric(o).name.replace(/_total$/, "").replace(/_count$/, "");
  return `${metric}:burnrate${modelDuration(windowMs)}`;
}

/** `Objective.Burnrate(window)`: the error ratio over the window, by the grouping labels. */
export function pyrraBurnrateExpr(o: PyrraObjective, windowMs: number): string {
  const range = `[${modelDuration(windowMs)}]`;
  const sum = sumBy(o);
  const ind = o.indicator;
  switch (ind.kind) {
    case "ratio": {
      const errors = selectorString(ind.errors.name, ind.errors.matchers);
      const total = selectorString(ind.total.name, ind.total.matchers);
      return `${sum}rate(${errors}${range})) / ${sum}rate(${total}${range}))`;
    }
    case "latency": {
      const success = selectorString(ind.success.name, ind.success.matchers);
      const total = selectorString(ind.total.name, ind.total.matchers);
      return `(${sum}rate(${total}${range})) - ${sum}rate(${success}${range}))) / ${sum}rate(${total}${range}))`;
    }
    case "latencyNative": {
      // `1 - histogram_fraction(0,0.696969, sum by (grouping) (rate(metric{matchers="total"}[1s])))`,
      // the 0.696969 replaced by the latency in seconds (NumberLiteral prints as FormatFloat 'f', -1).
      const total = selectorString(ind.total.name, ind.total.matchers);
      return `1 - histogram_fraction(0, ${formatFloat(ind.latencySeconds)}, ${sum}rate(${total}${range})))`;
    }
    case "boolGauge": {
      const m = selectorString(ind.metric.name, ind.metric.matchers);
      return `(${sum}count_over_time(${m}${range})) - ${sum}sum_over_time(${m}${range}))) / ${sum}count_over_time(${m}${range}))`;
    }
  }
}

/** The matchers every rule's labels and the alerts' selectors are built from: the total's (the gauge's). */
function totalMatchers(o: PyrraObjective): LabelMatcher[] {
  return baseMetric(o).matchers;
}

/** `commonRuleLabels`: slo plus the propagated labels. */
function commonLabels(o: PyrraObjective): Record<string, string> {
  return { slo: o.name, ...o.propagatedLabels };
}

/** Labels of the burn-rate recording rules: the total's equality matchers, minus the grouping labels. */
function recordLabels(o: PyrraObjective): Record<string, string> {
  const out = commonLabels(o);
  for (const m of totalMatchers(o)) if (m.op === "=" && m.name !== "__name__") out[m.name] = m.value;
  for (const g of o.indicator.grouping) delete out[g];
  return out;
}

/** The alerts' selector matchers: the total's, minus regex matchers on labels not grouped by, plus slo; sorted. */
function alertMatchers(o: PyrraObjective): string {
  const grouped = new Set(o.indicator.grouping);
  const out: string[] = [];
  for (const m of totalMatchers(o)) {
    if (m.name === "__name__") continue;
    if (!grouped.has(m.name) && (m.op === "=~" || m.op === "!~")) continue;
    out.push(matcherString(m));
  }
  out.push(`slo=${JSON.stringify(o.name)}`);
  return out.sort().join(",");
}

/** `Objective.Exhausts(factor)`: the window divided by the factor, in whole seconds. */
function exhausts(o: PyrraObjective, factor: number): string {
  return modelDuration(Math.trunc(o.windowMs / 1000 / factor) * 1000);
}

function severityOf(o: PyrraObjective, i: number, w: PyrraWindow): string {
  const keys = ["fastBurn", "mediumBurn", "slowBurn", "longTermBurn"] as const;
  return o.alerting.severities?.[keys[i]!] || w.severity;
}

export interface PyrraRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PyrraRuleGroup {
  name: string;
  interval: string;
  rules: PyrraRule[];
}

/** `Objective.Burnrates()`: the recording rules of every window, then one alert per tier unless alerting is off. */
export function pyrraBurnrates(o: PyrraObjective): PyrraRuleGroup {
  const rules: PyrraRule[] = pyrraBurnrateWindows(o.windowMs).map((w) => ({
    record: pyrraBurnrateName(o, w),
    expr: pyrraBurnrateExpr(o, w),
    labels: recordLabels(o),
  }));
  const group = { name: o.name, interval: "30s", rules };
  if (o.alerting.disabled || !o.alerting.burnrates) return group;

  const matchers = alertMatchers(o);
  const target = formatFloat(o.target);
  const grouped = new Set(o.indicator.grouping);
  pyrraWindows(o.windowMs).forEach((w, i) => {
    const labels = commonLabels(o);
    for (const m of totalMatchers(o)) if (m.op === "=" && m.name !== "__name__" && !grouped.has(m.name)) labels[m.name] = m.value;
    labels.short = modelDuration(w.shortMs);
    labels.long = modelDuration(w.longMs);
    labels.severity = severityOf(o, i, w);
    labels.exhaustion = exhausts(o, w.factor);
    const factor = String(Math.round(w.factor)); // fmt's %.f
    const cond = (windowMs: number): string => `${pyrraBurnrateName(o, windowMs)}{${matchers}} > (${factor} * (1-${target}))`;
    const rule: PyrraRule = {
      alert: o.alerting.name || "ErrorBudgetBurn",
      expr: `${cond(w.shortMs)} and ${cond(w.longMs)}`,
      // Ratio objectives print the hold as a time.Duration (2m0s), the others as a model.Duration (2m).
      for: o.indicator.kind === "ratio" ? goDuration(w.forMs) : modelDuration(w.forMs),
      labels,
    };
    if (Object.keys(o.propagatedAnnotations).length > 0) rule.annotations = { ...o.propagatedAnnotations };
    rules.push(rule);
  });
  return group;
}

/** A Prometheus rule file (`groups:`) with the objective's burn-rate group. */
export function pyrraRuleFile(o: PyrraObjective): string {
  return stringifyYaml({ groups: [pyrraBurnrates(o)] }, { lineWidth: 0 });
}

/** Thrown for Pyrra specs this port does not cover. */
export class PyrraUnsupportedError extends Error {}

function metricOf(selector: unknown, where: string): PyrraMetric {
  if (typeof selector !== "string") throw new Error(`${where}: expected a metric selector`);
  const expr = parsePromQL(selector);
  if (expr.type !== "VectorSelector" || expr.name === undefined) throw new Error(`${where}: ${selector} is not a vector selector with a metric name`);
  // Pyrra's parser appends the name matcher to the written ones.
  return { name: expr.name, matchers: [...expr.matchers, { name: "__name__", op: "=", value: expr.name }] };
}

function stringList(x: unknown): string[] {
  return Array.isArray(x) ? x.map(String) : [];
}

/** A `pyrra.dev/v1alpha1` ServiceLevelObjective, as `Internal()` converts it. */
export function parsePyrraObjective(text: string): PyrraObjective {
  const doc = parseYaml(text) as {
    metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: {
      target?: string | number;
      window?: string;
      indicator?: Record<string, Record<string, unknown> | undefined>;
      alerting?: { disabled?: boolean; burnrates?: boolean; name?: string; severities?: PyrraObjective["alerting"]["severities"] };
    };
  };
  const name = doc.metadata?.name;
  const spec = doc.spec;
  if (!name || !spec) throw new Error("not a Pyrra ServiceLevelObjective: metadata.name and spec are required");
  const target = Number.parseFloat(String(spec.target));
  const windowMs = parseDuration(String(spec.window));
  const ind = spec.indicator ?? {};
  let indicator: PyrraIndicator;
  if (ind.ratio) {
    const r = ind.ratio as { errors?: { metric?: unknown }; total?: { metric?: unknown }; grouping?: unknown };
    indicator = { kind: "ratio", errors: metricOf(r.errors?.metric, "ratio.errors"), total: metricOf(r.total?.metric, "ratio.total"), grouping: stringList(r.grouping) };
  } else if (ind.latency) {
    const l = ind.latency as { success?: { metric?: unknown }; total?: { metric?: unknown }; grouping?: unknown };
    indicator = { kind: "latency", success: metricOf(l.success?.metric, "latency.success"), total: metricOf(l.total?.metric, "latency.total"), grouping: stringList(l.grouping) };
  } else if (ind.bool_gauge) {
    const b = ind.bool_gauge as { metric?: unknown; grouping?: unknown };
    indicator = { kind: "boolGauge", metric: metricOf(b.metric, "bool_gauge.metric"), grouping: stringList(b.grouping) };
  } else if (ind.latencyNative) {
    const l = ind.latencyNative as { latency?: unknown; total?: { metric?: unknown }; grouping?: unknown };
    if (typeof l.latency !== "string" || l.latency === "") throw new Error("latencyNative: latency objective must be set");
    indicator = {
      kind: "latencyNative",
      total: metricOf(l.total?.metric, "latencyNative.total"),
      // model.ParseDuration, then time.Duration(latency).Seconds().
      latencySeconds: parseDuration(l.latency) / 1000,
      grouping: stringList(l.grouping),
    };
  } else {
    throw new Error("no supported indicator (ratio, latency, latencyNative, bool_gauge)");
  }
  const prefixed = (m: Record<string, string> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => k.startsWith(PROPAGATION_PREFIX)).map(([k, v]) => [k.slice(PROPAGATION_PREFIX.length), v]));
  const a = spec.alerting ?? {};
  return {
    name,
    target: target / 100,
    windowMs,
    indicator,
    alerting: { disabled: a.disabled ?? false, burnrates: a.burnrates ?? true, name: a.name, severities: a.severities },
    propagatedLabels: prefixed(doc.metadata?.labels),
    propagatedAnnotations: prefixed(doc.metadata?.annotations),
  };
}
