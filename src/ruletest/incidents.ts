/**
 * Incident replay: a synthetic traffic profile run through rule groups (any
 * tool's rules) on monac's rule evaluator, and each alert's firing
 * intervals read back from the ALERTS series the evaluation stored.
 *
 * This is how detection time, reset time and blip behaviour of alerting
 * rules are measured: the same loop `monac test` runs (Prometheus 3
 * semantics, one range query per rule where that is provably the same as the
 * rule manager's step-by-step loop), with the input built from exact
 * integer counter values rather than written by hand.
 */
import { compareLabels } from "../promql/labels.js";
import { isStaleNaN, type MemorySeries } from "../promql/storage.js";
import { evaluate, type EvalMode, type EvalPlan } from "./evaluator.js";
import { parseInputSeries, type InputSamples } from "./input.js";
import type { LoadedRuleGroup } from "./rule-files.js";
import type { ParsedInputSeries, TestGroup } from "./test-file.js";

export interface TrafficProfile {
  /** Events per minute of all traffic, constant. */
  requestsPerMinute: number;
  /** Piecewise error ratio: [startMinute, errorRatio] pairs, sorted; first at minute 0. */
  errorRatio: Array<[number, number]>;
  /** Total simulated minutes. */
  minutes: number;
}

/** One input series in promtool's notation, as in a test file's `input_series`. */
export type SeriesText = Pick<ParsedInputSeries, "series" | "values">;

/**
 * The series selectors the two counters are written to: the error counter,
 * and either the counter of all events (`total`) or of the others (`good`).
 * Use `good` when the rules' total selector matches the error series too
 * (`x{job="a"}` over `x{job="a",code="500"}` and `x{job="a",code="200"}`).
 */
export type TrafficCounters = { errors: string; total: string } | { errors: string; good: string };

/** Input series for a replay, and the spacing of their samples. */
export interface TrafficInput {
  series: SeriesText[];
  /** ms between samples (the scrape interval). */
  inputIntervalMs: number;
}

const MINUTE_MS = 60_000;

/**
 * The counters of a traffic profile, sampled every `scrapeIntervalMs` from 0
 * to `minutes` inclusive. Each sample is the exact number of events counted
 * so far, rounded down to an integer (computed in rational arithmetic, so
 * 0.1% of 1,000 a minute is 1 after exactly one minute, never 0.999…).
 */
export function trafficInput(profile: TrafficProfile, counters: TrafficCounters, scrapeIntervalMs = MINUTE_MS): TrafficInput {
  validateProfile(profile, scrapeIntervalMs);
  const rpm = toFraction(profile.requestsPerMinute);
  const pieces = profile.errorRatio.map(([startMinute, ratio], i) => ({
    start: BigInt(startMinute * MINUTE_MS),
    end: BigInt((profile.errorRatio[i + 1]?.[0] ?? profile.minutes) * MINUTE_MS),
    ratio: toFraction(ratio),
  }));
  // All ratios over one denominator, so a count is one integer division.
  const den = pieces.reduce((acc, p) => lcm(acc, p.ratio.den), 1n);
  const errorsPerDen = pieces.map((p) => p.ratio.num * (den / p.ratio.den));
  const scale = rpm.den * den * BigInt(MINUTE_MS);

  const errors: number[] = [];
  const rest: number[] = [];
  const wantGood = "good" in counters;
  const samples = Math.floor((profile.minutes * MINUTE_MS) / scrapeIntervalMs) + 1;
  for (let k = 0; k < samples; k++) {
    const t = BigInt(k * scrapeIntervalMs);
    // Error events so far, times den: Σ ratio_i × time spent in piece i.
    let errorTime = 0n;
    pieces.forEach((p, i) => {
      if (t > p.start) errorTime += errorsPerDen[i]! * ((t < p.end ? t : p.end) - p.start);
    });
    const allTime = den * t;
    errors.push(Number((rpm.num * errorTime) / scale));
    rest.push(Number((rpm.num * (wantGood ? allTime - errorTime : allTime)) / scale));
  }
  return {
    series: [
      { series: counters.errors, values: seriesValues(errors) },
      { series: "good" in counters ? counters.good : counters.total, values: seriesValues(rest) },
    ],
    inputIntervalMs: scrapeIntervalMs,
  };
}

function validateProfile(profile: TrafficProfile, scrapeIntervalMs: number): void {
  const problems: string[] = [];
  if (!(profile.requestsPerMinute >= 0) || !Number.isFinite(profile.requestsPerMinute)) problems.push("requestsPerMinute must be a finite number >= 0");
  if (!Number.isInteger(profile.minutes) || profile.minutes <= 0) problems.push("minutes must be a positive integer");
  if (!Number.isInteger(scrapeIntervalMs) || scrapeIntervalMs <= 0) problems.push("scrapeIntervalMs must be a positive integer");
  if (profile.errorRatio[0]?.[0] !== 0) problems.push("errorRatio must start at minute 0");
  profile.errorRatio.forEach(([start, ratio], i) => {
    if (!Number.isInteger(start * MINUTE_MS)) problems.push(`errorRatio[${i}]: start ${start} is not a whole number of milliseconds`);
    if (i > 0 && !(start > profile.errorRatio[i - 1]![0])) problems.push(`errorRatio[${i}]: starts must be strictly increasing`);
    if (!(ratio >= 0 && ratio <= 1)) problems.push(`errorRatio[${i}]: ratio ${ratio} is not between 0 and 1`);
  });
  if (problems.length > 0) throw new RangeError(`invalid traffic profile: ${problems.join("; ")}`);
}

interface Fraction {
  num: bigint;
  den: bigint;
}

/** The exact value of a number's shortest decimal representation (what was written: 0.0001, 1.584e-2). */
function toFraction(x: number): Fraction {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`not a non-negative finite number: ${x}`);
  const [, int = "", frac = "", exp = "0"] = m;
  const shift = Number(exp) - frac.length;
  const digits = BigInt(int + frac);
  return shift >= 0 ? { num: digits * 10n ** BigInt(shift), den: 1n } : { num: digits, den: 10n ** BigInt(-shift) };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

/** promtool's series notation for integer samples, runs of equal steps folded into `a+bxn`. */
function seriesValues(values: readonly number[]): string {
  const items: string[] = [];
  let i = 0;
  while (i < values.length) {
    const first = values[i]!;
    if (i + 1 === values.length) {
      items.push(String(first));
      break;
    }
    const step = values[i + 1]! - first;
    let n = 1;
    while (i + n + 1 < values.length && values[i + n + 1]! - values[i + n]! === step) n++;
    items.push(n === 1 ? `${first} ${values[i + 1]!}` : `${first}+${step}x${n}`);
    i += n + 1;
  }
  return items.join(" ");
}

/** One alert (one label set) firing from `firingFrom` until `firingUntil`. */
export interface AlertInterval {
  /** The alert's labels: alertname, the expression's labels and the rule's labels (no __name__, no alertstate). */
  labels: Record<string, string>;
  /** ms since the start of the replay: the first evaluation at which the alert was firing. */
  firingFrom: number;
  /** ms since the start: the first evaluation at which it no longer was; undefined = still firing at the end. */
  firingUntil: number | undefined;
}

export interface ReplayOptions {
  /** Parsed rule groups, in evaluation order. */
  groups: readonly LoadedRuleGroup[];
  /** Input series in promtool's notation (samples `inputIntervalMs` apart from 0), or samples as loaded. */
  series: readonly SeriesText[] | readonly InputSamples[];
  /** ms between samples of series given in notation; default: the evaluation interval, as in promtool. */
  inputIntervalMs?: number;
  evaluationIntervalMs: number;
  /** The last evaluation is at the largest multiple of the evaluation interval <= durationMs. */
  durationMs: number;
  /** "auto" (default) takes the fast path whenever it is exact; "fast" fails instead of falling back. */
  mode?: EvalMode;
}

export interface ReplayResult {
  alerts: AlertInterval[];
  /** How the rules were evaluated, and why not on the fast path when they weren't. */
  path: "fast" | "exact";
  fallbackReason: string | undefined;
  /** Rule evaluation errors that stopped the loop (alerts then cover the time before). */
  errors: string[];
}

/** Replays the input through the rules; every alert's firing intervals, by start time. */
export async function replayIncident(opts: ReplayOptions): Promise<AlertInterval[]> {
  return (await replay(opts)).alerts;
}

/** replayIncident, with how the evaluation went. */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const interval = opts.evaluationIntervalMs;
  if (!Number.isInteger(interval) || interval <= 0) throw new RangeError(`evaluationIntervalMs must be a positive integer, got ${interval}`);
  if (!(opts.durationMs >= 0)) throw new RangeError(`durationMs must be >= 0, got ${opts.durationMs}`);
  const plan: EvalPlan = {
    groups: opts.groups,
    input: loadInput(opts.series, opts.inputIntervalMs ?? interval),
    evaluationInterval: interval,
    start: 0,
    maxEvalTime: opts.durationMs,
    alertChecks: new Map(),
    templates: { externalLabels: {}, externalURL: "" },
  };
  const res = await evaluate(plan, opts.mode ?? "auto");
  const lastEval = Math.floor(opts.durationMs / interval) * interval;
  const firing = res.storage.store.select([
    { name: "__name__", op: "=", value: "ALERTS" },
    { name: "alertstate", op: "=", value: "firing" },
  ]);
  const offsets = queryOffsets(opts.groups);
  const alerts = [...firing]
    .sort((a, b) => compareLabels(a.labels, b.labels))
    .flatMap((s) => firingIntervals(s, interval, lastEval, offsets))
    // Stable: alerts starting together stay in label order.
    .sort((a, b) => a.firingFrom - b.firingFrom);
  return { alerts, path: res.path, fallbackReason: res.fallbackReason, errors: res.errors };
}

function loadInput(series: ReplayOptions["series"], intervalMs: number): InputSamples[] {
  if (series.length === 0 || "labels" in series[0]!) return [...(series as readonly InputSamples[])];
  // The same reading as a test file's input_series.
  const group: TestGroup = {
    index: 0,
    name: "replay",
    line: 0,
    interval: intervalMs,
    inputSeries: (series as readonly SeriesText[]).map((s) => ({ ...s, line: 0 })),
    alertRuleTests: [],
    promqlExprTests: [],
    externalLabels: {},
    externalURL: "",
    startTimestamp: 0,
  };
  return parseInputSeries(group);
}

/**
 * ALERTS samples are stored at the evaluation time minus the group's
 * query_offset; the alert's own clock is the evaluation time.
 */
function queryOffsets(groups: readonly LoadedRuleGroup[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of groups) for (const r of g.rules) if (r.kind === "alert") out.set(r.name, g.queryOffset);
  return out;
}

/** Runs of samples at consecutive evaluations; a staleness marker or a missed evaluation ends one. */
function firingIntervals(s: MemorySeries, interval: number, lastEval: number, offsets: ReadonlyMap<string, number>): AlertInterval[] {
  const labels: Record<string, string> = {};
  for (const [k, v] of s.labels.without(["__name__", "alertstate"]).entries()) labels[k] = v;
  const offset = offsets.get(labels.alertname ?? "") ?? 0;
  const out: AlertInterval[] = [];
  let from: number | undefined;
  let prev = NaN;
  const close = (): void => {
    if (from !== undefined) out.push({ labels, firingFrom: from, firingUntil: prev + interval });
    from = undefined;
  };
  for (let i = 0; i < s.length; i++) {
    const t = s.timestamp(i) + offset;
    if (s.isStale(i) || isStaleNaN(s.value(i))) {
      close();
      continue;
    }
    if (from !== undefined && t !== prev + interval) close();
    from ??= t;
    prev = t;
  }
  if (from !== undefined) out.push({ labels, firingFrom: from, firingUntil: prev >= lastEval ? undefined : prev + interval });
  return out;
}
