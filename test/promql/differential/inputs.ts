/**
 * Random input series in promtool's `input_series` notation: counters with
 * resets, gauges (negative, fractional, ~1e9 and ~1e-9 scales, NaN/Inf),
 * 0/1 `up` series, classic histograms (cumulative `_bucket{le}` series with
 * `_count` and `_sum`), native histograms (`{{...}}` literals and
 * `{{a}}+{{b}}xN` expansions: exponential counters with resets and schema
 * changes, schema -53 custom-bucket counters, gauge histograms), gaps (`_`,
 * `_xN`), staleness markers and `a+bxN` expansions.
 */
import type { Rng } from "./rng.js";

export interface InputSeries {
  /** `metric{label="value", ...}` */
  series: string;
  /** The expanding value notation, e.g. `1 2 _ stale 5+1x3`. */
  values: string;
}

export interface InputGroup {
  name: string;
  intervalMs: number;
  /** Number of sample slots per series (the last sample is at `(steps - 1) * interval`). */
  steps: number;
  series: InputSeries[];
}

/** The metric families expressions are generated against (a group holds a random subset). */
export interface MetricFamily {
  name: string;
  kind: "counter" | "gauge";
  labels: readonly string[];
}

export const JOBS = ["api", "db", "web"] as const;
export const INSTANCES = ["10.0.0.1:9100", "10.0.0.2:9100"] as const;
export const CODES = ["200", "500"] as const;
export const HISTOGRAM = "request_duration_seconds";

export const FAMILIES: readonly MetricFamily[] = [
  { name: "http_requests_total", kind: "counter", labels: ["job", "instance", "code"] },
  { name: "node_temperature_celsius", kind: "gauge", labels: ["job", "instance"] },
  { name: "queue_bytes", kind: "gauge", labels: ["job"] },
  { name: "error_ratio", kind: "gauge", labels: ["job"] },
  { name: "up", kind: "gauge", labels: ["job", "instance"] },
  { name: `${HISTOGRAM}_bucket`, kind: "counter", labels: ["job", "le"] },
  { name: `${HISTOGRAM}_count`, kind: "counter", labels: ["job"] },
  { name: `${HISTOGRAM}_sum`, kind: "counter", labels: ["job"] },
];

const LE_SETS = [
  ["0.1", "0.5", "1", "+Inf"],
  ["0.005", "0.05", "0.5", "5", "+Inf"],
  ["1", "+Inf"],
];

/** A number as series notation (and Go's ParseFloat) reads it back exactly. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(name: string, labels: ReadonlyArray<readonly [string, string]>): string {
  return `${name}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}}`;
}

/** Builds one series' tokens while tracking the (approximate) current value. */
class Tokens {
  readonly items: string[] = [];
  slots = 0;

  push(tok: string, slots = 1): void {
    this.items.push(tok);
    this.slots += slots;
  }

  text(): string {
    return this.items.join(" ");
  }
}

/** Occasional gap, gap run or staleness marker; returns true when it emitted one. */
function maybeHole(rng: Rng, tok: Tokens, remaining: number, holeRate: number): boolean {
  if (!rng.chance(holeRate)) return false;
  const r = rng.next();
  if (r < 0.45) tok.push("_");
  else if (r < 0.65 && remaining >= 3) {
    const n = rng.int(2, Math.min(6, remaining - 1));
    tok.push(`_x${n}`, n);
  } else tok.push("stale");
  return true;
}

function counterValues(rng: Rng, steps: number, holeRate: number): string {
  const tok = new Tokens();
  const fractional = rng.chance(0.35);
  let v = rng.chance(0.3) ? 0 : fractional ? rng.int(0, 4000) / 8 : rng.int(0, 500);
  const inc = (): number => (fractional ? rng.int(0, 80) / 4 : rng.chance(0.15) ? 0 : rng.int(1, 30));
  while (tok.slots < steps) {
    const remaining = steps - tok.slots;
    if (maybeHole(rng, tok, remaining, holeRate)) continue;
    if (rng.chance(0.06)) v = rng.int(0, 5); // counter reset
    if (remaining >= 3 && rng.chance(0.12)) {
      const n = rng.int(1, Math.min(8, remaining - 1));
      const d = inc();
      tok.push(`${formatNumber(v)}+${formatNumber(d)}x${n}`, n + 1);
      for (let k = 0; k < n; k++) v += d;
      v += d;
      continue;
    }
    tok.push(formatNumber(v));
    v += inc();
  }
  return tok.text();
}

type GaugeStyle = "temperature" | "large" | "tiny";

function gaugeValues(rng: Rng, steps: number, style: GaugeStyle, holeRate: number): string {
  const tok = new Tokens();
  let v = style === "temperature" ? rng.int(-2000, 4000) / 100 : style === "large" ? 1e9 + rng.int(0, 1e6) / 2 : rng.int(1, 1000) * 1e-9;
  const step = (): number => {
    switch (style) {
      case "temperature":
        return rng.int(-300, 300) / 100;
      case "large":
        return rng.int(-5000, 5000) / 4;
      case "tiny":
        return rng.int(-50, 50) * 1e-9;
    }
  };
  while (tok.slots < steps) {
    const remaining = steps - tok.slots;
    if (maybeHole(rng, tok, remaining, holeRate)) continue;
    if (rng.chance(0.015)) {
      tok.push(rng.pick(["NaN", "Inf", "-Inf"]));
      continue;
    }
    if (remaining >= 3 && rng.chance(0.1)) {
      const n = rng.int(1, Math.min(6, remaining - 1));
      const d = rng.chance(0.3) ? 0 : step();
      const delta = d === 0 ? "" : d > 0 ? `+${formatNumber(d)}` : formatNumber(d);
      tok.push(`${formatNumber(v)}${delta}x${n}`, n + 1);
      for (let k = 0; k <= n; k++) v += d;
      continue;
    }
    tok.push(formatNumber(v));
    v += step();
    if (style === "temperature") v = Math.round(v * 100) / 100;
  }
  return tok.text();
}

function upValues(rng: Rng, steps: number, holeRate: number): string {
  const tok = new Tokens();
  while (tok.slots < steps) {
    const remaining = steps - tok.slots;
    if (maybeHole(rng, tok, remaining, holeRate)) continue;
    const v = rng.chance(0.8) ? 1 : 0;
    if (remaining >= 3 && rng.chance(0.3)) {
      const n = rng.int(1, Math.min(8, remaining - 1));
      tok.push(`${v}x${n}`, n + 1);
    } else tok.push(String(v));
  }
  return tok.text();
}

/** `_bucket` series (cumulative over `le` and over time), `_count` and `_sum` for one job. */
function histogramSeries(rng: Rng, steps: number, job: string, holeRate: number): InputSeries[] {
  const les = rng.pick(LE_SETS);
  const perBucket = les.map(() => 0); // cumulative counts per (non-cumulative) bucket
  let sum = 0;
  const rows: string[][] = les.map(() => []);
  const countRow: string[] = [];
  const sumRow: string[] = [];
  const brokenBucket = rng.chance(0.08) ? rng.int(0, les.length - 2) : -1;
  for (let t = 0; t < steps; t++) {
    if (rng.chance(holeRate)) {
      const tokText = rng.chance(0.7) ? "_" : "stale";
      rows.forEach((r) => r.push(tokText));
      countRow.push(tokText);
      sumRow.push(tokText);
      continue;
    }
    if (t > 0 && rng.chance(0.05)) {
      perBucket.fill(0);
      sum = 0;
    }
    let observations = 0;
    for (let i = 0; i < les.length; i++) {
      const n = rng.chance(0.2) ? 0 : rng.int(0, 12);
      perBucket[i]! += n;
      observations += n;
    }
    sum += Math.round(observations * rng.int(1, 400)) / 100;
    let cumulative = 0;
    les.forEach((_, i) => {
      cumulative += perBucket[i]!;
      // A non-monotonic bucket (bad data) exercises histogram_quantile's fix-up.
      const v = i === brokenBucket ? cumulative + rng.int(1, 5) : cumulative;
      rows[i]!.push(formatNumber(v));
    });
    countRow.push(formatNumber(cumulative));
    sumRow.push(formatNumber(sum));
  }
  const out: InputSeries[] = les.map((le, i) => ({
    series: labelText(`${HISTOGRAM}_bucket`, [
      ["job", job],
      ["le", le],
    ]),
    values: rows[i]!.join(" "),
  }));
  out.push({ series: labelText(`${HISTOGRAM}_count`, [["job", job]]), values: countRow.join(" ") });
  out.push({ series: labelText(`${HISTOGRAM}_sum`, [["job", job]]), values: sumRow.join(" ") });
  return out;
}

export function generateInputGroup(rng: Rng, name: string): InputGroup {
  const intervalMs = rng.weighted<number>([
    [3, 60_000],
    [1, 30_000],
    [1, 15_000],
  ]);
  const steps = intervalMs === 60_000 ? rng.int(6, 30) : rng.int(10, 40);
  const holeRate = rng.pick([0, 0.03, 0.08, 0.15]);
  const series: InputSeries[] = [];

  const counterSets = rng.subset(
    JOBS.flatMap((job) => INSTANCES.flatMap((instance) => CODES.map((code) => [job, instance, code] as const))),
    rng.int(1, 4),
  );
  for (const [job, instance, code] of counterSets) {
    series.push({
      series: labelText("http_requests_total", [
        ["job", job],
        ["instance", instance],
        ["code", code],
      ]),
      values: counterValues(rng, steps, holeRate),
    });
  }
  if (rng.chance(0.6)) {
    for (const [job, instance] of rng.subset(
      JOBS.flatMap((j) => INSTANCES.map((i) => [j, i] as const)),
      rng.int(1, 3),
    )) {
      series.push({
        series: labelText("node_temperature_celsius", [
          ["job", job],
          ["instance", instance],
        ]),
        values: gaugeValues(rng, steps, "temperature", holeRate),
      });
    }
  }
  if (rng.chance(0.45)) {
    for (const job of rng.subset(JOBS, rng.int(1, 2))) {
      series.push({ series: labelText("queue_bytes", [["job", job]]), values: gaugeValues(rng, steps, "large", holeRate) });
    }
  }
  if (rng.chance(0.45)) {
    for (const job of rng.subset(JOBS, rng.int(1, 2))) {
      series.push({ series: labelText("error_ratio", [["job", job]]), values: gaugeValues(rng, steps, "tiny", holeRate) });
    }
  }
  if (rng.chance(0.45)) {
    for (const [job, instance] of rng.subset(
      JOBS.flatMap((j) => INSTANCES.map((i) => [j, i] as const)),
      rng.int(1, 3),
    )) {
      series.push({
        series: labelText("up", [
          ["job", job],
          ["instance", instance],
        ]),
        values: upValues(rng, steps, holeRate),
      });
    }
  }
  if (rng.chance(0.55)) {
    for (const job of rng.subset(JOBS, rng.int(1, 2))) series.push(...histogramSeries(rng, steps, job, holeRate));
  }
  series.push(...nativeHistogramSeries(rng.fork(), steps, holeRate));
  return { name, intervalMs, steps, series };
}

// -- native histograms ------------------------------------------------------------

/** Native histogram families: an exponential counter, a custom-bucket (schema -53) counter and a gauge histogram. */
export const NATIVE_COUNTER = "rpc_latency_seconds";
export const NATIVE_CUSTOM = "rpc_size_bytes";
export const NATIVE_GAUGE = "queue_depth_distribution";
export const NATIVE_FAMILIES: readonly string[] = [NATIVE_COUNTER, NATIVE_CUSTOM, NATIVE_GAUGE];

/** The state of one native histogram: one span per side, absolute counts. */
interface NativeState {
  schema: number;
  customValues: number[] | undefined;
  zeroThreshold: number;
  zeroCount: number;
  offset: number;
  buckets: number[];
  nOffset: number;
  nBuckets: number[];
  sum: number;
  gauge: boolean;
}

function nativeCount(h: NativeState): number {
  return h.zeroCount + h.buckets.reduce((a, b) => a + b, 0) + h.nBuckets.reduce((a, b) => a + b, 0);
}

function nativeText(h: NativeState, count = nativeCount(h)): string {
  const parts = [`schema:${h.schema}`, `sum:${formatNumber(h.sum)}`, `count:${formatNumber(count)}`];
  if (h.customValues) parts.push(`custom_values:[${h.customValues.map(formatNumber).join(" ")}]`);
  else {
    if (h.zeroThreshold !== 0) parts.push(`z_bucket_w:${formatNumber(h.zeroThreshold)}`);
    if (h.zeroCount !== 0) parts.push(`z_bucket:${formatNumber(h.zeroCount)}`);
  }
  if (h.buckets.length > 0) parts.push(`buckets:[${h.buckets.map(formatNumber).join(" ")}]`);
  if (h.offset !== 0) parts.push(`offset:${h.offset}`);
  if (h.nBuckets.length > 0) parts.push(`n_buckets:[${h.nBuckets.map(formatNumber).join(" ")}]`);
  if (h.nOffset !== 0) parts.push(`n_offset:${h.nOffset}`);
  if (h.gauge) parts.push("counter_reset_hint:gauge");
  return `{{${parts.join(" ")}}}`;
}

function newNative(rng: Rng, kind: "counter" | "custom" | "gauge", bounds: number[]): NativeState {
  const custom = kind === "custom";
  const customValues = custom ? bounds : undefined;
  return {
    schema: custom ? -53 : rng.pick([-1, 0, 1, 3]),
    customValues,
    // Thresholds below every populated bucket (clients never populate buckets inside the zero bucket).
    zeroThreshold: custom ? 0 : rng.pick([0, 0.001, 0.001, 0.0001]),
    zeroCount: 0,
    offset: custom ? 0 : rng.int(-3, 2),
    buckets: new Array<number>(custom ? customValues!.length + 1 : rng.int(1, 5)).fill(0),
    nOffset: rng.int(0, 2),
    nBuckets: !custom && rng.chance(0.4) ? new Array<number>(rng.int(1, 3)).fill(0) : [],
    sum: 0,
    gauge: kind === "gauge",
  };
}

/** Random observations: per-bucket increments (non-negative), one step's worth. */
function nativeIncrement(rng: Rng, h: NativeState): NativeState {
  const inc = (): number => (rng.chance(0.3) ? 0 : rng.chance(0.2) ? rng.int(1, 16) / 4 : rng.int(1, 9));
  const d: NativeState = { ...h, buckets: h.buckets.map(inc), nBuckets: h.nBuckets.map(inc), zeroCount: h.customValues ? 0 : rng.chance(0.5) ? inc() : 0, sum: 0 };
  d.sum = Math.round(nativeCount(d) * rng.int(-50, 400)) / 100;
  return d;
}

function addNative(h: NativeState, d: NativeState, times: number): void {
  h.zeroCount += times * d.zeroCount;
  h.sum += times * d.sum;
  h.buckets = h.buckets.map((b, i) => b + times * d.buckets[i]!);
  h.nBuckets = h.nBuckets.map((b, i) => b + times * d.nBuckets[i]!);
}

/**
 * A native histogram series: counters grow by random observations (in
 * literals and `{{a}}+{{b}}xN` expansions), now and then reset or (exponential
 * ones) switch schema; gauge histograms move up and down.
 */
function nativeValues(rng: Rng, steps: number, kind: "counter" | "custom" | "gauge", holeRate: number, bounds: number[]): string {
  const tok = new Tokens();
  let h = newNative(rng, kind, bounds);
  addNative(h, nativeIncrement(rng, h), 1);
  while (tok.slots < steps) {
    const remaining = steps - tok.slots;
    if (maybeHole(rng, tok, remaining, holeRate)) continue;
    if (kind !== "gauge" && rng.chance(0.06)) {
      // Counter reset: start again from a few observations.
      const schema = h.schema;
      h = newNative(rng, kind, bounds);
      if (kind === "counter" && rng.chance(0.5)) h.schema = schema;
      addNative(h, nativeIncrement(rng, h), 1);
    }
    if (kind === "counter" && rng.chance(0.04) && h.schema > -1) {
      // A schema change (the same bucket counts at a lower resolution's indexes: a different histogram).
      h.schema -= 1;
    }
    if (kind !== "gauge" && remaining >= 3 && rng.chance(0.25)) {
      const n = rng.int(1, Math.min(6, remaining - 1));
      const d = nativeIncrement(rng, h);
      tok.push(`${nativeText(h)}+${nativeText(d)}x${n}`, n + 1);
      addNative(h, d, n + 1);
      continue;
    }
    tok.push(nativeText(h));
    if (kind === "gauge") {
      const d = nativeIncrement(rng, h);
      h.buckets = h.buckets.map((b, i) => Math.max(0, b + (rng.chance(0.5) ? d.buckets[i]! : -d.buckets[i]!)));
      h.nBuckets = h.nBuckets.map((b, i) => Math.max(0, b + (rng.chance(0.5) ? d.nBuckets[i]! : -d.nBuckets[i]!)));
      h.zeroCount = Math.max(0, h.zeroCount + (rng.chance(0.5) ? d.zeroCount : -d.zeroCount));
      h.sum = Math.round((h.sum + d.sum * (rng.chance(0.5) ? 1 : -1)) * 100) / 100;
    } else addNative(h, nativeIncrement(rng, h), 1);
  }
  return tok.text();
}

/** Native histogram series for some groups (a separate random stream, so the float series stay as they were). */
export function nativeHistogramSeries(rng: Rng, steps: number, holeRate: number): InputSeries[] {
  if (!rng.chance(0.45)) return [];
  const out: InputSeries[] = [];
  // One set of custom bounds per group: 3.5 cannot combine different ones (3.14 reconciles them).
  const bounds = rng.pick([[0.1, 0.5, 1], [1, 10], [0.25, 2.5, 25, 250]]);
  const kinds: Array<["counter" | "custom" | "gauge", string]> = [
    ["counter", NATIVE_COUNTER],
    ["custom", NATIVE_CUSTOM],
    ["gauge", NATIVE_GAUGE],
  ];
  for (const [kind, name] of rng.subset(kinds, rng.int(1, 3))) {
    for (const job of rng.subset(JOBS, rng.int(1, 2))) {
      out.push({ series: labelText(name, [["job", job]]), values: nativeValues(rng, steps, kind, holeRate, bounds) });
    }
  }
  return out;
}
