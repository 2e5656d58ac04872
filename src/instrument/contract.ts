// The instrumentation contract of a service: exactly the counters, histograms
// and gauges its SLIs and threshold alerts read, with the label names the
// service sets and, for histograms, bucket bounds that hold every latency
// threshold of its SLOs. Derived from the model; plain data, so that the
// generated module can carry it and a service's test can check its own
// /metrics against it without monac.
import { Decimal } from "../workspace/decimal.js";
import { alertReads, serviceLabels, sliReads, type MetricKind, type MetricRead } from "../workspace/metric-reads.js";
import type { SloModel, ThresholdAlertModel, WorkspaceModel } from "../workspace/model.js";
import { groupedBy } from "../workspace/grouping.js";

export type { MetricKind };

/** prom-client's default histogram buckets (lib/histogram.js), seconds. */
export const PROM_CLIENT_DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One metric a service must expose. Plain data (the generated module carries it as a constant). */
export interface MetricContract {
  /** The series name a counter or gauge is exposed as (a counter's includes its `_total`); a histogram's base name. */
  name: string;
  type: MetricKind;
  help: string;
  /** Label names the service sets, in order (declared order, or sorted). */
  labels: readonly string[];
  /** Histogram bucket upper bounds in seconds, increasing, without +Inf. */
  buckets?: readonly number[];
  /** What it is read by, e.g. "slos/checkout.yaml slos[1] (checkout/latency)". */
  readBy: readonly string[];
  /** Anything the service must know beyond the type (a 0/1 gauge). */
  note?: string;
}

/** The contract of one service. */
export interface InstrumentContract {
  service: string;
  metrics: readonly MetricContract[];
}

interface Acc {
  name: string;
  type: MetricKind;
  help: string | undefined;
  declaredLabels: string[] | undefined;
  matchedLabels: Set<string>;
  declaredBuckets: Decimal[] | undefined;
  extraBuckets: Decimal[];
  /** In order of first read (a Set: a metric many SLOs read is not searched once per read). */
  readBy: Set<string>;
  fromSlo: boolean;
  /** Read by a latency SLI as a native histogram. */
  native?: boolean;
}

const sloRef = (slo: SloModel) => `${slo.source.file} ${slo.source.path} (${slo.service}/${slo.name})`;
const alertRef = (a: ThresholdAlertModel) => `${a.source.file} ${a.source.path} (${a.name})`;

/** Services with at least one SLO, sorted. */
export function contractServices(model: WorkspaceModel): string[] {
  return [...new Set(model.slos.map((s) => s.service))].sort();
}

/**
 * The contract of every service with SLOs, sorted by service; a service
 * whose SLIs read nothing monac can declare (raw SLIs only) has none.
 */
export function deriveContracts(model: WorkspaceModel): InstrumentContract[] {
  const alerts = new Map(groupedBy(model.thresholds, (t) => t.service));
  return groupedBy(model.slos, (s) => s.service)
    .map(([service, slos]) => contractOf(service, slos, alerts.get(service) ?? []))
    .filter((c) => c.metrics.length > 0);
}

/** The contract of one service (its SLOs and its threshold alerts). */
export function deriveContract(model: WorkspaceModel, service: string): InstrumentContract {
  return contractOf(
    service,
    model.slos.filter((s) => s.service === service),
    model.thresholds.filter((t) => t.service === service),
  );
}

/** The contract of a service with these SLOs and threshold alerts (in model order). */
function contractOf(service: string, slos: readonly SloModel[], alerts: readonly ThresholdAlertModel[]): InstrumentContract {
  const metrics = new Map<string, Acc>();
  const add = (read: MetricRead, ref: string, fromSlo: boolean): Acc | undefined => {
    let acc = metrics.get(read.name);
    if (acc === undefined) {
      acc = {
        name: read.name,
        type: read.kind,
        help: undefined,
        declaredLabels: undefined,
        matchedLabels: new Set(),
        declaredBuckets: undefined,
        extraBuckets: [],
        readBy: new Set(),
        fromSlo,
      };
      metrics.set(read.name, acc);
    } else if (acc.type !== read.kind) {
      // Validation refuses SLOs that disagree; an alert reading it otherwise is not declared.
      return undefined;
    }
    for (const l of serviceLabels(read.matchers)) acc.matchedLabels.add(l);
    // A ratio on a histogram's buckets (`le="0.3"`) needs that bucket too.
    if (read.kind === "histogram") {
      for (const m of read.matchers) if (m.name === "le" && m.op === "=" && m.value !== "+Inf") acc.extraBuckets.push(parseBound(m.value));
    }
    acc.readBy.add(ref);
    return acc;
  };

  for (const slo of slos) {
    const ref = sloRef(slo);
    for (const read of sliReads(slo.sli)) {
      const acc = add(read, ref, true);
      if (!acc) continue;
      const inst = slo.instrumentation;
      if (inst?.labels !== undefined && acc.declaredLabels === undefined) acc.declaredLabels = [...inst.labels];
      if (inst?.help !== undefined && acc.help === undefined) acc.help = inst.help;
      if (read.kind === "histogram" && inst?.buckets !== undefined && acc.declaredBuckets === undefined) acc.declaredBuckets = inst.buckets;
      if (slo.sli.kind === "latency" && read.kind === "histogram") {
        acc.extraBuckets.push(slo.sli.thresholdSeconds);
        if (slo.sli.native) acc.native = true;
      }
    }
  }
  for (const alert of alerts) {
    const ref = alertRef(alert);
    for (const read of alertReads(alert)) add(read, ref, false);
  }

  // A counter read as `x_count` or `x_sum` of a declared histogram x is that histogram's.
  for (const acc of [...metrics.values()]) {
    const part = /^(.+)_(count|sum)$/.exec(acc.name);
    if (acc.type === "counter" && part && metrics.get(part[1]!)?.type === "histogram") {
      const h = metrics.get(part[1]!)!;
      for (const l of acc.matchedLabels) h.matchedLabels.add(l);
      for (const r of acc.readBy) h.readBy.add(r);
      metrics.delete(acc.name);
    }
  }

  const out: MetricContract[] = [];
  for (const acc of [...metrics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const labels = acc.declaredLabels ?? [...acc.matchedLabels].sort();
    const metric: MetricContract = {
      name: acc.name,
      type: acc.type,
      help: acc.help ?? defaultHelp(acc),
      labels,
      readBy: [...acc.readBy],
    };
    if (acc.type === "histogram") {
      const base = acc.declaredBuckets ?? PROM_CLIENT_DEFAULT_BUCKETS.map((b) => Decimal.of(b));
      metric.buckets = sortedBounds([...base, ...acc.extraBuckets]).map((b) => b.toNumber());
    }
    if (acc.native) {
      metric.note =
        "read as a native histogram: prom-client exposes classic buckets, so scrape the service with convert_classic_histograms_to_nhcb: true (Prometheus 3) to store it as a native histogram with these bounds, or expose it natively from a client library that can";
    }
    if (acc.type === "gauge") metric.note = "a 0/1 gauge the service sets, 1 is good (the SLI is the share of time at 1); when a prober such as blackbox_exporter sets it instead, the service registers nothing for it";
    out.push(metric);
  }
  return { service, metrics: out };
}

function defaultHelp(acc: Acc): string {
  const what = acc.type === "counter" ? "Counter" : acc.type === "histogram" ? "Histogram (seconds)" : "0/1 gauge";
  return `${what} read by ${[...acc.readBy].map((r) => r.replace(/^.* \((.*)\)$/, "$1")).join(", ")}.`;
}

/** Bounds sorted and deduplicated exactly. */
export function sortedBounds(bounds: readonly Decimal[]): Decimal[] {
  const sorted = [...bounds].sort((a, b) => a.cmp(b));
  return sorted.filter((b, i) => i === 0 || b.cmp(sorted[i - 1]!) !== 0);
}

/**
 * A bucket bound as Prometheus and client libraries print it ("1", "1.0",
 * "1e0", "0.25", "2.5e-1"), exactly; "+Inf" is Infinity. Throws on anything else.
 */
export function parseBound(text: string): Decimal {
  const t = text.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`not a bucket bound: ${JSON.stringify(text)}`);
  const base = Decimal.of(`${m[1]}${m[2] || "0"}.${m[3] ?? ""}`.replace(/\.$/, ""));
  const exp = Number(m[4] ?? "0");
  const scale = Decimal.fraction(10n ** BigInt(Math.abs(exp)), 1n);
  return exp >= 0 ? base.times(scale) : base.div(scale);
}
