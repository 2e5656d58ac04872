// PromQL engine benchmarks, next to the real Prometheus 3.5 on the same data
// when .tools/bin/prometheus and promtool exist (bash scripts/install-tools.sh).
//
//  A. sum by (job) (rate(m[5m])): range query over 1,000 series x 1 day of
//     1m samples, at a 1m step (1,440 steps).
//  B. sum_over_time(x[W]) stepped every 5m across 30 days of 1m samples, for
//     W = 1d, 7d, 30d: cost must not grow linearly with the window.
//  C. histogram_quantile(0.99, ...) over the same latency observations as a
//     classic histogram (12 buckets: 1,200 series) and as a native one
//     (schema 3, 100 series), 1 day of 1m samples at a 1m step. monac only:
//     promtool's OpenMetrics backfill takes no native histograms.
//
// Prometheus gets the same samples backfilled into a TSDB block (promtool tsdb
// create-blocks-from openmetrics) and answers the same range queries over its
// HTTP API on 127.0.0.1; the figure reported for it is the query time as
// measured by the client, best of three, like monac's.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { once } from "node:events";
import { Engine, FloatHistogram, Labels, SeriesStore, type QueryResult } from "../src/index.js";
import { root } from "./root.js";

/** One series of a data set: labels and its samples (ms, value). */
interface BenchSeries {
  labels: Record<string, string>;
  ts: Float64Array;
  vs: Float64Array;
}

/** A range query's result as Prometheus's HTTP API returns it: [seconds, "value"] pairs. */
interface PromMatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

const MIN = 60_000;
const DAY = 1440 * MIN;
// Round timestamps so Prometheus and monac see identical samples; the data
// ends shortly before "now" so the backfilled block is inside retention.
const END = Math.floor(Date.now() / DAY) * DAY - DAY;

function datasetA(): BenchSeries[] {
  const series: BenchSeries[] = [];
  for (let i = 0; i < 1000; i++) {
    const labels = { __name__: "m", job: `job-${i % 10}`, instance: `i-${i}` };
    const ts = new Float64Array(1441);
    const vs = new Float64Array(1441);
    let v = 0;
    for (let k = 0; k <= 1440; k++) {
      ts[k] = END - DAY + k * MIN;
      v += 1 + ((i * 7 + k * 13) % 17); // a counter with uneven increments
      if ((k + i) % 500 === 499) v = 0; // occasional reset
      vs[k] = v;
    }
    series.push({ labels, ts, vs });
  }
  return series;
}

function datasetB(): BenchSeries[] {
  const n = 30 * 1440 + 1;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    ts[k] = END - 30 * DAY + k * MIN;
    vs[k] = 100 + 50 * Math.sin(k / 97) + (k % 13);
  }
  return [{ labels: { __name__: "x", job: "bench" }, ts, vs }];
}

function load(series: readonly BenchSeries[]): SeriesStore {
  const store = new SeriesStore();
  for (const s of series) {
    const labels = Labels.from(s.labels);
    for (let k = 0; k < s.ts.length; k++) store.append(labels, s.ts[k]!, s.vs[k]!);
  }
  return store;
}

function best<T>(n: number, fn: () => T): { ms: number; result: T } {
  let min = Infinity;
  let result: T | undefined;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = fn();
    min = Math.min(min, performance.now() - t0);
  }
  return { ms: min, result: result as T };
}

// ---------------------------------------------------------------- Prometheus

const promtool = path.join(root, ".tools", "bin", "promtool");
const prometheus = path.join(root, ".tools", "bin", "prometheus");
const haveProm = existsSync(promtool) && existsSync(prometheus) && !process.env.MONAC_BENCH_NO_PROMETHEUS;

interface Prometheus {
  rangeQuery(query: string, start: number, end: number, stepMs: number): Promise<{ ms: number; result: PromMatrixSeries[] }>;
  stop(): void;
}

async function startPrometheus(datasets: ReadonlyArray<readonly BenchSeries[]>): Promise<Prometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-bench-prom-"));
  const om = path.join(dir, "data.om");
  const out = createWriteStream(om);
  for (const series of datasets) {
    for (const s of series) {
      const { __name__, ...rest } = s.labels;
      const lbl = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(",");
      let chunk = "";
      for (let k = 0; k < s.ts.length; k++) {
        chunk += `${__name__}{${lbl}} ${s.vs[k]} ${s.ts[k]! / 1000}\n`;
        if (chunk.length > 1 << 16) {
          if (!out.write(chunk)) await once(out, "drain");
          chunk = "";
        }
      }
      out.write(chunk);
    }
  }
  out.end("# EOF\n");
  await once(out, "finish");
  const tsdb = path.join(dir, "tsdb");
  const made = spawnSync(promtool, ["tsdb", "create-blocks-from", "openmetrics", om, tsdb], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`promtool backfill failed: ${made.stderr}`);
  rmSync(om);
  writeFileSync(path.join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1m\n");
  const port = 19090 + Math.floor(Math.random() * 500);
  const proc = spawn(
    prometheus,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${tsdb}`,
      "--storage.tsdb.retention.time=10y",
      `--web.listen-address=127.0.0.1:${port}`,
      "--query.max-samples=1000000000",
      "--query.timeout=10m",
    ],
    { stdio: "ignore" },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/-/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async rangeQuery(query, start, end, stepMs) {
      const url = `${base}/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start / 1000}&end=${end / 1000}&step=${stepMs / 1000}`;
      const t0 = performance.now();
      const body = (await (await fetch(url)).json()) as { status: string; error?: string; data: { result: PromMatrixSeries[] } };
      const ms = performance.now() - t0;
      if (body.status !== "success") throw new Error(`prometheus: ${body.error}`);
      return { ms, result: body.data.result };
    },
    stop() {
      proc.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bestAsync<T>(n: number, fn: () => Promise<{ ms: number; result: T }>): Promise<{ ms: number; result: T }> {
  let min = Infinity;
  let result: T | undefined;
  for (let i = 0; i < n; i++) {
    const r = await fn();
    min = Math.min(min, r.ms);
    result = r.result;
  }
  return { ms: min, result: result as T };
}

/** Data set C: 100 series of request latencies, 20 observations a minute each, as classic buckets and as native histograms. */
function datasetC(): { classic: SeriesStore; native: SeriesStore } {
  const classic = new SeriesStore();
  const native = new SeriesStore();
  const les = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];
  const SCHEMA = 3; // 8 buckets per power of two
  for (let i = 0; i < 100; i++) {
    const base = { __name__: "h", job: `job-${i % 10}`, instance: `i-${i}` };
    const bucketCounts = new Float64Array(les.length);
    const nativeCounts = new Map<number, number>();
    let count = 0;
    let sum = 0;
    let seed = i + 1;
    for (let k = 0; k <= 1440; k++) {
      const t = END - DAY + k * MIN;
      for (let o = 0; o < 20; o++) {
        // A deterministic long-tailed latency: mostly 20-200 ms, a few seconds.
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const u = seed / 2147483648;
        const v = 0.02 * Math.exp(4.5 * u * u * u);
        count++;
        sum += v;
        for (let b = 0; b < les.length; b++) if (v <= les[b]!) bucketCounts[b]!++;
        const idx = Math.ceil(Math.log2(v) * 2 ** SCHEMA);
        nativeCounts.set(idx, (nativeCounts.get(idx) ?? 0) + 1);
      }
      les.forEach((le, b) => classic.append(Labels.from({ ...base, __name__: "h_bucket", le: le === Infinity ? "+Inf" : String(le) }), t, bucketCounts[b]!));
      const idxs = [...nativeCounts.keys()].sort((x, y) => x - y);
      const lo = idxs[0]!;
      const buckets = Array.from({ length: idxs[idxs.length - 1]! - lo + 1 }, (_, j) => nativeCounts.get(lo + j) ?? 0);
      native.appendHistogram(Labels.from(base), t, new FloatHistogram({ schema: SCHEMA, count, sum, positiveSpans: [{ offset: lo, length: buckets.length }], positiveBuckets: buckets }));
    }
  }
  return { classic, native };
}

// --------------------------------------------------------------------- run

const a = datasetA();
const b = datasetB();
const engineA = new Engine(load(a));
const engineB = new Engine(load(b));
const prom = haveProm ? await startPrometheus([a, b]) : undefined;

const rows: Array<{ name: string; monac: number; prometheus: number | undefined; agree: string }> = [];
async function bench(name: string, engine: Engine, query: string, start: number, end: number, step: number): Promise<void> {
  const mine = best(3, (): QueryResult => engine.rangeQuery(query, start, end, step));
  const theirs = prom ? await bestAsync(3, () => prom.rangeQuery(query, start, end, step)) : undefined;
  let agree = "";
  if (theirs) {
    // Same series, values within 1e-9 relative: the speed comparison is of equal work.
    const value = mine.result.value;
    const m = value.type === "matrix" ? value.series : [];
    const ok =
      m.length === theirs.result.length &&
      m.every((s, i) =>
        theirs.result[i]!.values.length === s.v.length &&
        theirs.result[i]!.values.every(([, v], k) => Math.abs(Number(v) - s.v[k]!) <= 1e-9 * Math.max(1, Math.abs(s.v[k]!)))
      );
    agree = ok ? "same results" : "RESULTS DIFFER";
  }
  rows.push({ name, monac: mine.ms, prometheus: theirs?.ms, agree });
}

await bench("A  sum by (job) (rate(m[5m]))  1,000 series x 1d, step 1m", engineA, "sum by (job) (rate(m[5m]))", END - DAY, END, MIN);
for (const w of ["1d", "7d", "30d"]) {
  await bench(`B  sum_over_time(x[${w}])  30d of 1m samples, step 5m`, engineB, `sum_over_time(x[${w}])`, END - 29 * DAY, END, 5 * MIN);
}
prom?.stop();

const c = datasetC();
for (const [name, store, query] of [
  ["C  classic: histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))", c.classic, "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))"],
  ["C  native:  histogram_quantile(0.99, sum(rate(h[5m])))", c.native, "histogram_quantile(0.99, sum(rate(h[5m])))"],
] as const) {
  const mine = best(3, (): QueryResult => new Engine(store).rangeQuery(query, END - DAY + 10 * MIN, END, MIN));
  const v = mine.result.value;
  const last = v.type === "matrix" ? v.series[0]?.v.at(-1) : undefined;
  rows.push({ name, monac: mine.ms, prometheus: undefined, agree: last === undefined ? "" : `p99 at the end ${last.toFixed(3)}s` });
}

console.log("PromQL range queries (best of 3):");
for (const r of rows) {
  const ratio = r.prometheus ? `  Prometheus 3.5 ${r.prometheus.toFixed(0).padStart(6)} ms  (${(r.prometheus / r.monac).toFixed(1)}x)  ${r.agree}` : "";
  console.log(`  ${r.name.padEnd(62)} monac ${r.monac.toFixed(0).padStart(6)} ms${ratio || (r.agree ? `  ${r.agree}` : "")}`);
}
if (!prom) console.log("  (Prometheus not installed: run bash scripts/install-tools.sh for the side-by-side figures)");
