/**
 * Alert state exactly as Prometheus's AlertingRule.Eval keeps it
 * (rules/alerting.go): one alert per distinct label set, pending until it has
 * been active for `for`, then firing; `keep_firing_for` keeps a firing alert
 * after its condition stops holding; resolved alerts linger 15 minutes; and
 * every evaluation writes ALERTS / ALERTS_FOR_STATE samples for the alerts
 * that are pending or firing.
 */
import { Labels } from "../promql/labels.js";
import { FloatHistogram, histogramString } from "../promql/histogram.js";
import type { LoadedAlertingRule } from "./rule-files.js";
import { ALERT_TEMPLATE_HEADER, alertTemplateData, expandAlertTemplate, expandTemplate, GoStruct, type QueryFn, type Value } from "../template/index.js";
import { GoObject, NO_FIELD } from "../template/values.js";

/** What a template sees as $value: the float, or the native histogram of a histogram sample. */
export type TemplateValue = number | FloatHistogram;

export type AlertState = "pending" | "firing" | "inactive";

export interface Alert {
  state: AlertState;
  /** The sample's labels without __name__, the rule's labels (expanded), and alertname. */
  labels: Labels;
  /**
   * What the annotations were last expanded from. Expansion is deferred to
   * when a test looks at the alert: templates without `query` are a pure
   * function of these, and most evaluations are never looked at.
   */
  source: { metric: Labels; templateValue: TemplateValue; ts: number };
  /** Annotations expanded at evaluation time, for templates that run queries. */
  annotations: Array<[string, string]> | undefined;
  value: number;
  activeAt: number;
  firedAt: number | undefined;
  resolvedAt: number | undefined;
  keepFiringSince: number | undefined;
}

/** A rule evaluation failure, reported like promtool: `rule: NAME, time: T, err: MESSAGE`. */
export class RuleEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuleEvalError";
  }
}

/** Prometheus keeps resolved alerts this long (resolvedRetention). */
const RESOLVED_RETENTION = 15 * 60_000;

/** One element of the alert expression's result, with its alert labels already expanded. */
export interface AlertInput {
  alertLabels: Labels;
  metric: Labels;
  /** Sample.F: 0 for a native histogram sample. */
  value: number;
  /** The template's $value (the histogram of a histogram sample); defaults to value. */
  templateValue?: TemplateValue;
}

export interface OutputSample {
  labels: Labels;
  value: number;
  /** A native histogram sample (a recording rule's output); value is then ignored. */
  h?: FloatHistogram | undefined;
}

export class AlertRuleState {
  private active = new Map<string, Alert>();
  private readonly ruleLabels: Labels;

  constructor(private readonly rule: LoadedAlertingRule) {
    this.ruleLabels = Labels.from(rule.labels);
  }

  /**
   * One evaluation at loop time `ts` (ms) with the alert expression's result.
   * Returns the ALERTS and ALERTS_FOR_STATE samples, which the caller stores
   * at ts - query_offset. Throws RuleEvalError like Eval returns errors.
   */
  eval(ts: number, results: readonly AlertInput[], limit: number, annotations?: ReadonlyMap<string, Array<[string, string]>>): OutputSample[] {
    const current = new Map<string, Alert>();
    for (const r of results) {
      const key = r.alertLabels.key;
      if (current.has(key)) throw new RuleEvalError("vector contains metrics with the same labelset after applying alert labels");
      current.set(key, {
        state: "pending",
        labels: r.alertLabels,
        source: { metric: r.metric, templateValue: r.templateValue ?? r.value, ts },
        annotations: annotations?.get(key),
        value: r.value,
        activeAt: ts,
        firedAt: undefined,
        resolvedAt: undefined,
        keepFiringSince: undefined,
      });
    }
    for (const [key, a] of current) {
      const existing = this.active.get(key);
      if (existing !== undefined && existing.state !== "inactive") {
        existing.value = a.value;
        existing.source = a.source;
        existing.annotations = a.annotations;
        continue;
      }
      this.active.set(key, a);
    }

    const out: OutputSample[] = [];
    let numActivePending = 0;
    for (const [key, a] of this.active) {
      if (!current.has(key)) {
        let keepFiring = false;
        if (a.state === "firing" && this.rule.keepFiringFor > 0) {
          a.keepFiringSince ??= ts;
          if (ts - a.keepFiringSince < this.rule.keepFiringFor) keepFiring = true;
        }
        if (a.state === "pending" || (a.resolvedAt !== undefined && ts - a.resolvedAt > RESOLVED_RETENTION)) {
          this.active.delete(key);
        }
        if (a.state !== "inactive" && !keepFiring) {
          a.state = "inactive";
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = undefined;
      }
      numActivePending++;
      if (a.state === "pending" && ts - a.activeAt >= this.rule.holdDuration) {
        a.state = "firing";
        a.firedAt = ts;
      }
      out.push(this.sample("ALERTS", a, 1, true), this.sample("ALERTS_FOR_STATE", a, Math.floor(a.activeAt / 1000), false));
    }
    if (limit > 0 && numActivePending > limit) {
      this.active = new Map();
      throw new RuleEvalError(`exceeded limit of ${limit} with ${numActivePending} alerts`);
    }
    return out;
  }

  /** Whether some alert is pending or firing (resolved ones only wait to be forgotten). */
  hasActive(): boolean {
    for (const a of this.active.values()) if (a.state !== "inactive") return true;
    return false;
  }

  /** ActiveAlerts(): pending and firing alerts (resolved ones are excluded). */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.resolvedAt === undefined).map((a) => ({ ...a }));
  }

  /**
   * The rule manager starts from the rule's raw labels (unexpanded
   * templates included) and overlays the alert's labels: a label whose
   * template expanded to "" keeps its template text in ALERTS.
   */
  private sample(name: string, a: Alert, value: number, withState: boolean): OutputSample {
    const pairs = new Map<string, string>(this.ruleLabels.entries());
    for (const [k, v] of a.labels.entries()) pairs.set(k, v);
    pairs.set("__name__", name);
    pairs.set("alertname", this.rule.name);
    if (withState) pairs.set("alertstate", a.state);
    return { labels: Labels.from(pairs), value };
  }
}

/** How a template's output may vary; decides what can be cached. */
type TemplateKind = "constant" | "labels-only" | "dynamic";

/**
 * Conservative classification. A template reading only `$labels`,
 * `$externalLabels` and `$externalURL` depends on the sample's labels alone;
 * anything mentioning the value, `now`, `query`, or the whole data (`.`)
 * may vary per evaluation.
 */
function classify(text: string): TemplateKind {
  if (!text.includes("{{")) return "constant";
  if (/\b(query|now|Value|value)\b/.test(text)) return "dynamic";
  // A dot not followed by a field name (`{{ . }}`, `{{ printf "%v" . }}`) exposes the value.
  if (/(^|[^\w)\]$"'])\.(?![A-Za-z_])/.test(text)) return "dynamic";
  return "labels-only";
}

export function templateUsesQuery(text: string): boolean {
  return text.includes("{{") && /\bquery\b/.test(text);
}

export interface TemplateContext {
  externalLabels: Record<string, string>;
  externalURL: string;
}

/** Expands an alerting rule's label and annotation templates, caching what can be cached. */
export class AlertTemplates {
  private readonly labelKinds: TemplateKind[];
  private readonly labelCache = new Map<string, Labels>();
  /** Whether any template runs a query (it then sees the storage at evaluation time). */
  readonly usesQuery: boolean;
  readonly labelsVaryPerEvaluation: boolean;

  constructor(
    private readonly rule: LoadedAlertingRule,
    private readonly ctx: TemplateContext,
  ) {
    this.labelKinds = rule.labels.map(([, v]) => classify(v));
    this.labelsVaryPerEvaluation = this.labelKinds.includes("dynamic");
    this.usesQuery = [...rule.labels, ...rule.annotations].some(([, v]) => templateUsesQuery(v));
  }

  /** The alert's labels for one result sample at loop time `ts`. */
  async alertLabels(metric: Labels, value: TemplateValue, ts: number, query?: QueryFn): Promise<Labels> {
    const cacheable = !this.labelsVaryPerEvaluation;
    if (cacheable) {
      const hit = this.labelCache.get(metric.key);
      if (hit !== undefined) return hit;
    }
    const pairs = new Map<string, string>(metric.without(["__name__"]).entries());
    for (const [i, [name, text]] of this.rule.labels.entries()) {
      pairs.set(name, this.labelKinds[i] === "constant" ? text : await this.expand(text, metric, value, ts, query));
    }
    pairs.set("alertname", this.rule.name);
    const labels = Labels.from(pairs);
    if (cacheable) this.labelCache.set(metric.key, labels);
    return labels;
  }

  async annotations(metric: Labels, value: TemplateValue, ts: number, query?: QueryFn): Promise<Array<[string, string]>> {
    const out: Array<[string, string]> = [];
    for (const [name, text] of this.rule.annotations) {
      out.push([name, text.includes("{{") ? await this.expand(text, metric, value, ts, query) : text]);
    }
    return out;
  }

  private async expand(text: string, metric: Labels, value: TemplateValue, ts: number, query?: QueryFn): Promise<string> {
    const input = {
      labels: Object.fromEntries(metric.entries()),
      externalLabels: this.ctx.externalLabels,
      externalURL: this.ctx.externalURL,
      value: typeof value === "number" ? value : 0,
      query,
      timestampMs: ts,
      alertName: this.rule.name,
    };
    if (typeof value === "number") return expandAlertTemplate(text, input);
    // template.AlertTemplateData: for a histogram sample .Value is the *histogram.FloatHistogram.
    const base = alertTemplateData(input) as GoStruct;
    const data = new GoStruct(
      base.typeName,
      new Map<string, Value>(base.fieldNames().map((n) => [n, n === "Value" ? new GoFloatHistogram(value) : (base.field(n) as Value)])),
    );
    try {
      return await expandTemplate(`__alert_${this.rule.name}`, ALERT_TEMPLATE_HEADER + text, data, input);
    } catch (e) {
      return `<error expanding template: ${(e as Error).message}>`;
    }
  }
}

/**
 * A `*histogram.FloatHistogram` as templates see it: printed with its String
 * method, with its exported numeric fields readable.
 */
export class GoFloatHistogram extends GoObject {
  readonly typeName = "*histogram.FloatHistogram";
  readonly kind = "ptr" as const;
  constructor(private readonly h: FloatHistogram) {
    super();
  }
  override fieldNames(): readonly string[] {
    return ["Schema", "ZeroThreshold", "ZeroCount", "Count", "Sum"];
  }
  override field(name: string): Value | typeof NO_FIELD {
    switch (name) {
      case "Schema":
        return BigInt(this.h.schema);
      case "ZeroThreshold":
        return this.h.zeroThreshold;
      case "ZeroCount":
        return this.h.zeroCount;
      case "Count":
        return this.h.count;
      case "Sum":
        return this.h.sum;
      default:
        return NO_FIELD;
    }
  }
  override goString(): string {
    return histogramString(this.h);
  }
}
