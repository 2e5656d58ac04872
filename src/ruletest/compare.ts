/**
 * Comparing what a test expects with what the rules produced, as promtool
 * does (sorted label sets, exact float equality or one ULP under
 * fuzzy_compare), and describing a mismatch so a reader sees what differs:
 * which alerts or samples are missing or unexpected, and for near matches
 * only the labels, annotations or values that differ.
 */
import { compareLabels, Labels } from "../promql/labels.js";
import { parseSeriesDescription } from "../promql/series-notation.js";
import { formatHistogram, type FloatHistogram } from "../promql/histogram.js";
import { sprintf } from "../template/index.js";
import type { AlertSnapshot } from "./evaluator.js";
import type { ParsedExpectedAlert, ExpectedSample } from "./test-file.js";

export interface Mismatch {
  /** e.g. `alert InstanceDown at 5m` */
  title: string;
  lines: string[];
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** math.Nextafter(x, ±Inf). */
function nextAfter(x: number, up: boolean): number {
  if (Number.isNaN(x) || x === (up ? Infinity : -Infinity)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] = i64[0]! + ((x > 0) === up ? 1n : -1n);
  return f64[0]!;
}

/** Go's == (NaN never equal), or within one ULP under fuzzy_compare. */
export function floatsEqual(exp: number, got: number, fuzzy: boolean): boolean {
  if (exp === got) return true;
  return fuzzy && (nextAfter(exp, false) === got || nextAfter(exp, true) === got);
}

function quote(s: string): string {
  return JSON.stringify(s);
}

// -- alerts ---------------------------------------------------------------------

interface AlertItem {
  labels: Labels;
  annotations: Labels;
}

function alertKey(a: AlertItem): string {
  return `${a.labels.key}\u0000${a.annotations.key}`;
}

/** promtool adds the alertname to the expected labels itself. */
export function expectedAlerts(alertname: string, exp: readonly ParsedExpectedAlert[]): AlertItem[] {
  return exp.map((a) => ({ labels: Labels.from({ ...a.labels, alertname }), annotations: Labels.from(a.annotations) }));
}

function sortAlerts(xs: AlertItem[]): AlertItem[] {
  return [...xs].sort((a, b) => compareLabels(a.labels, b.labels) || compareLabels(a.annotations, b.annotations));
}

function sameCount(a: Labels, b: Labels): number {
  let n = 0;
  for (const [k, v] of a.entries()) if (b.has(k) && b.get(k) === v) n++;
  return n;
}

function pairDiff(kind: string, exp: Labels, got: Labels): string[] {
  const out: string[] = [];
  const names = [...new Set([...exp.names, ...got.names])].sort();
  for (const n of names) {
    const e = exp.has(n) ? quote(exp.get(n)) : "(none)";
    const g = got.has(n) ? quote(got.get(n)) : "(none)";
    if (e !== g) out.push(`${kind}${n}: exp ${e} got ${g}`);
  }
  return out;
}

/**
 * Compares firing (or, with exp_pending, pending) alerts. `other` are the
 * alerts in the other state, used to explain a missing alert.
 */
export function compareAlerts(
  title: string,
  state: "firing" | "pending",
  expected: AlertItem[],
  got: readonly AlertSnapshot[],
  other: readonly AlertSnapshot[],
): Mismatch | undefined {
  const exp = sortAlerts(expected);
  const act = sortAlerts([...got]);
  if (exp.length === act.length && exp.every((e, i) => alertKey(e) === alertKey(act[i]!))) return undefined;

  // Exact matches are fine; pair the rest by how many labels they share.
  const restGot = [...act];
  const restExp: AlertItem[] = [];
  for (const e of exp) {
    const i = restGot.findIndex((g) => alertKey(g) === alertKey(e));
    if (i >= 0) restGot.splice(i, 1);
    else restExp.push(e);
  }
  const lines: string[] = [];
  for (const e of restExp) {
    let best = -1;
    let bestScore = -1;
    restGot.forEach((g, i) => {
      const score = sameCount(e.labels, g.labels) * 2 + sameCount(e.annotations, g.annotations);
      if (score > bestScore) [best, bestScore] = [i, score];
    });
    // alertname alone scores 2: pair only alerts that share more, or the last two left.
    const lastPair = restExp.length === 1 && restGot.length === 1;
    if (best >= 0 && (lastPair || bestScore > 2)) {
      const g = restGot.splice(best, 1)[0]!;
      lines.push(`${state} alert ${g.labels.toString()} differs:`);
      for (const d of [...pairDiff("", e.labels, g.labels), ...pairDiff("annotation ", e.annotations, g.annotations)]) lines.push(`  ${d}`);
      continue;
    }
    lines.push(`missing ${state} alert ${e.labels.toString()}${annotationsText(e.annotations)}`);
    const elsewhere = other.find((o) => o.labels.key === e.labels.key);
    if (elsewhere !== undefined) lines.push(`  (it is ${state === "firing" ? "pending" : "firing"} at this time)`);
  }
  for (const g of restGot) lines.push(`unexpected ${state} alert ${g.labels.toString()}${annotationsText(g.annotations)}`);
  return { title, lines };
}

function annotationsText(a: Labels): string {
  return a.size === 0 ? "" : ` annotations ${a.toString()}`;
}

// -- samples ----------------------------------------------------------------------

export interface ParsedSample {
  labels: Labels;
  /** Sample.F; 0 for a native histogram result. */
  value: number;
  /**
   * The native histogram as its test expression (formatHistogram, Prometheus's
   * TestExpression), "" for a float. promtool compares these strings exactly,
   * and the values too (so an expected histogram with a non-zero `value` never matches).
   */
  histogram: string;
}

/** A query result sample as promtool's parsedSample: F (0 for a histogram) and the histogram's test expression. */
export function resultSample(labels: Labels, v: number, h: FloatHistogram | undefined): ParsedSample {
  return h === undefined ? { labels, value: v, histogram: "" } : { labels, value: 0, histogram: formatHistogram(h) };
}

/** An exp_samples item that cannot be read; the message is promtool's (`labels "...": ...`). */
export class ExpectedSampleError extends Error {}

/** parser.ParseMetric on an exp_samples `labels` string ("" is the empty label set). */
export function parseExpectedLabels(text: string): Labels {
  if (text.trim() === "") return Labels.EMPTY;
  const desc = parseSeriesDescription(text);
  if (desc.values.length > 0) throw new Error(`unexpected values after the label set`);
  return desc.labels;
}

/**
 * promtool's reading of exp_samples: the labels with ParseMetric, a
 * `histogram` with ParseSeriesDesc("{} " + histogram), which must give
 * exactly one histogram value. Throws ExpectedSampleError.
 */
export function expectedSamples(exp: readonly ExpectedSample[]): ParsedSample[] {
  return exp.map((s) => {
    let labels: Labels;
    try {
      labels = parseExpectedLabels(s.labels);
    } catch (e) {
      throw new ExpectedSampleError(`exp_samples labels: ${(e as Error).message}`);
    }
    if (s.histogram === "") return { labels, value: s.value, histogram: "" };
    const fail = (msg: string): never => {
      throw new ExpectedSampleError(`labels ${quote(s.labels)}: ${msg}`);
    };
    let values: ReturnType<typeof parseSeriesDescription>["values"] = [];
    try {
      values = parseSeriesDescription(`{} ${s.histogram}`).values;
    } catch (e) {
      fail((e as Error).message);
    }
    if (values.length !== 1) fail(`expected 1 value, got ${values.length}`);
    const v = values[0]!;
    // SequenceValue.String: "_" or the float as %f (a staleness marker is a NaN).
    if (v.kind !== "histogram") fail(`expected histogram, got ${v.kind === "value" ? sprintf("%f", [v.value]) : v.kind === "stale" ? "NaN" : "_"}`);
    return { labels, value: s.value, histogram: formatHistogram((v as Extract<typeof v, { kind: "histogram" }>).histogram) };
  });
}

function formatValue(v: number): string {
  return Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(v);
}

/** As promtool's parsedSample.String shows the value: the histogram if there is one, else the float. */
function valueText(s: ParsedSample): string {
  return s.histogram !== "" ? s.histogram : formatValue(s.value);
}

function samplesEqual(x: ParsedSample, y: ParsedSample, fuzzy: boolean): boolean {
  return x.histogram === y.histogram && floatsEqual(x.value, y.value, fuzzy);
}

export function compareSamples(title: string, exp: readonly ParsedSample[], got: readonly ParsedSample[], fuzzy: boolean): Mismatch | undefined {
  const e = [...exp].sort((a, b) => compareLabels(a.labels, b.labels));
  const g = [...got].sort((a, b) => compareLabels(a.labels, b.labels));
  if (e.length === g.length && e.every((x, i) => x.labels.key === g[i]!.labels.key && samplesEqual(x, g[i]!, fuzzy))) return undefined;
  const lines: string[] = [];
  const rest = [...g];
  for (const x of e) {
    const i = rest.findIndex((y) => y.labels.key === x.labels.key);
    if (i < 0) {
      lines.push(`missing ${x.labels.toSeriesString()} ${valueText(x)}`);
      continue;
    }
    const y = rest.splice(i, 1)[0]!;
    if (samplesEqual(x, y, fuzzy)) continue;
    const exp = valueText(x);
    const got = valueText(y);
    if (exp !== got) lines.push(`${x.labels.toSeriesString()}: exp ${exp} got ${got}`);
    // Same histogram, but promtool compares the float too: an expected histogram with a value never matches.
    else lines.push(`${x.labels.toSeriesString()}: exp ${exp} with value ${formatValue(x.value)} got ${got} with value ${formatValue(y.value)}`);
  }
  for (const y of rest) lines.push(`unexpected ${y.labels.toSeriesString()} ${valueText(y)}`);
  return { title, lines };
}
