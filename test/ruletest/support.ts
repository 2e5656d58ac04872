/**
 * Helpers for comparing monac's rule evaluation with itself (fast path vs
 * exact loop) and with promtool (its --debug dump of all stored data).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { it } from "vitest";
import { Labels, parseSeriesDescription } from "../../src/promql/index.js";
import { REPO_ROOT } from "../support/tools.js";
import { histogramString } from "../../src/promql/histogram.js";
import { loadTestFile, type EvalResult } from "../../src/ruletest/index.js";
import { skippedTitle } from "../support/shared.js";

/**
 * series key -> points; a point is [t, value] with staleness markers as
 * "stale" and native histograms as their Go String() (`{count:1, sum:0}`).
 */
export type StoreDump = Map<string, Array<[number, number | string]>>;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Every sample in the storage, staleness markers included (values compared bit for bit by the caller). */
export function dumpStorage(res: EvalResult): StoreDump {
  const out: StoreDump = new Map();
  const all = res.storage.store.select([{ name: "__name__", op: "=~", value: ".*" }]);
  for (const s of [...all].sort((a, b) => (a.labels.key < b.labels.key ? -1 : 1))) {
    const pts: Array<[number, number | string]> = [];
    for (let i = 0; i < s.length; i++) pts.push([s.timestamp(i), s.isStale(i) ? "stale" : s.value(i)]);
    out.set(s.labels.toString(), pts);
  }
  return out;
}

export function bitsOf(v: number): string {
  f64[0] = v;
  return u64[0]!.toString(16);
}

/** First difference between two dumps, or undefined. */
export function diffDumps(a: StoreDump, b: StoreDump, exactBits = true): string | undefined {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of [...keys].sort()) {
    const pa = a.get(k);
    const pb = b.get(k);
    if (pa === undefined || pb === undefined) return `series ${k} only in ${pa === undefined ? "second" : "first"}`;
    const n = Math.max(pa.length, pb.length);
    for (let i = 0; i < n; i++) {
      const x = pa[i];
      const y = pb[i];
      if (x === undefined || y === undefined) return `${k}: ${pa.length} vs ${pb.length} samples (first extra at ${(x ?? y)![0]})`;
      const same =
        x[0] === y[0] &&
        (typeof x[1] === "string" || typeof y[1] === "string"
          ? x[1] === y[1]
          : exactBits
            ? bitsOf(x[1]) === bitsOf(y[1]) || (Number.isNaN(x[1]) && Number.isNaN(y[1]))
            : x[1] === y[1] || (Number.isNaN(x[1]) && Number.isNaN(y[1])));
      if (!same) return `${k}: sample ${i}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
    }
  }
  return undefined;
}

/**
 * monac's equivalent of promtool's --debug dump: `{__name__=~".+"}[X]` at
 * start + X, X the largest eval_time rounded up to the next second (so
 * samples at the start itself are outside the left-open window, as in promtool).
 */
export function debugDump(res: EvalResult, start: number, maxEvalTime: number): StoreDump {
  const x = Math.floor((maxEvalTime + 1000) / 1000) * 1000;
  const v = res.engine.instantQuery(`{__name__=~".+"}[${x / 1000}s]`, start + x).value;
  const out: StoreDump = new Map();
  if (v.type !== "matrix") return out;
  for (const s of v.series) {
    const h = s.h;
    out.set(s.metric.toString(), s.t.map((t, i) => [t, h?.[i] !== undefined ? histogramString(h[i]) : s.v[i]!]));
  }
  return out;
}

/** promtool test rules --debug output: test group name -> dump (undefined when promtool could not dump). */
export function parsePromtoolDebug(output: string): Map<string, StoreDump | undefined> {
  const out = new Map<string, StoreDump | undefined>();
  let current: string | undefined;
  let dump: StoreDump | undefined;
  let series: Array<[number, number | string]> | undefined;
  for (const line of output.split("\n")) {
    const start = /^DEBUG: Starting test (.*)$/.exec(line);
    if (start) {
      current = start[1]!;
      dump = undefined;
      out.set(current, undefined);
      continue;
    }
    if (current === undefined) continue;
    if (line.startsWith("DEBUG: Dump of all data")) {
      dump = new Map();
      out.set(current, dump);
      continue;
    }
    if (line.startsWith("DEBUG:")) {
      series = undefined;
      continue;
    }
    if (dump === undefined) continue;
    const head = /^(\{.*\}) =>$/.exec(line);
    if (head) {
      const labels: Labels = parseSeriesDescription(head[1]!).labels;
      series = [];
      dump.set(labels.toString(), series);
      continue;
    }
    const point = /^(\S+|\{.*\}) @\[(-?\d+)\]$/.exec(line);
    if (point && series) {
      // promql.Series.String prints the floats, then the histograms: keep time order.
      const value = point[1]!.startsWith("{") ? point[1]! : goFloat(point[1]!);
      const t = Number(point[2]);
      let i = series.length;
      while (i > 0 && series[i - 1]![0] > t) i--;
      series.splice(i, 0, [t, value]);
    }
  }
  return out;
}

function goFloat(s: string): number {
  if (s === "+Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  return Number(s);
}

/**
 * A test per file of ruleTestFiles that loads (invalid ones are the
 * conformance test's), running `check` on it; without ../shared's fixtures,
 * a skipped test says they are missing.
 */
export function itEachLoadedTestFile(
  withConformance: boolean,
  conformanceDir: string,
  conformanceTitle: string,
  check: (loaded: Awaited<ReturnType<typeof loadTestFile>>, file: string) => Promise<void>,
): void {
  if (!withConformance) it.skip(skippedTitle(conformanceTitle, conformanceDir), () => {});
  for (const file of ruleTestFiles(withConformance, conformanceDir)) {
    it(path.relative(REPO_ROOT, file), async () => {
      let loaded;
      try {
        loaded = await loadTestFile(file);
      } catch {
        return; // invalid files are covered by the conformance test
      }
      await check(loaded, file);
    }, 120_000);
  }
}

/**
 * The rule test files both evaluation paths are compared on: the
 * hand-written ones, the test data, and promtool's conformance fixtures when
 * `withConformance` (../shared is there).
 */
export function ruleTestFiles(withConformance: boolean, conformanceDir: string): string[] {
  const dirs = [path.join(REPO_ROOT, "test", "rules"), path.join(REPO_ROOT, "test", "ruletest", "testdata"), ...(withConformance ? [conformanceDir] : [])];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.ya?ml$/.test(f) && (/test/.test(f) || /^rules_run|^(failing|long-period|no-test-group-interval|unittest)\.yml$/.test(f)))
      .map((f) => path.join(d, f)),
  );
}
