// Range functions over long windows must compute exactly Prometheus's floats.
// Windows of more than 64 samples are not scanned: sums come from per-series
// prefix arrays. Prometheus sums a window with Kahan(-Neumaier) summation from
// its first sample, averages it as sum/count + compensation/count, and adds a
// rate's counter-reset corrections one by one; an alert printing a raw
// `{{ $value }}` shows every bit, so a generated rule test that expects the
// prefix arithmetic's last bits fails on promtool (issue 16: an
// avg_over_time(ratio[2h]) of 0.12 was expected as 0.11999999999999998).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/promql/engine.js";
import { kahanInc } from "../../src/promql/float-compare.js";
import { Labels } from "../../src/promql/labels.js";
import { SeriesStore } from "../../src/promql/storage.js";
import { parseSequence } from "../../src/promql/series-notation.js";
import { sprint } from "../../src/template/index.js";
import { describeWithTool, runTool } from "../support/tools.js";

const MINUTE = 60_000;

/** A store with one series `name`, a sample a minute from 0. */
function store(series: Record<string, readonly number[]>): SeriesStore {
  const s = new SeriesStore();
  for (const [name, values] of Object.entries(series)) {
    const labels = Labels.from({ __name__: name });
    values.forEach((v, i) => s.append(labels, i * MINUTE, v));
  }
  return s;
}

/**
 * The value at atMs, as the last step of a range query: the steps before
 * scan their windows until that has cost as much as building the prefix
 * arrays, so the last step reads them (a lone instant query would scan).
 */
function query(s: SeriesStore, expr: string, atMs: number): number {
  const r = new Engine(s).rangeQuery(expr, atMs - 30 * MINUTE, atMs, MINUTE).value;
  const points = r.type === "matrix" && r.series.length === 1 ? r.series[0]! : undefined;
  if (points === undefined || points.t[points.t.length - 1] !== atMs) throw new Error(`${expr}: expected one series up to ${atMs}`);
  return points.v[points.v.length - 1]!;
}

const loaded = (notation: string) => parseSequence(notation).map((v) => (v.kind === "value" ? v.value : NaN));

// Prometheus's arithmetic, transcribed from promql/functions.go.
function goSumOverTime(xs: readonly number[]): number {
  let [sum, c] = [0, 0];
  for (const x of xs) [sum, c] = kahanInc(x, sum, c);
  return sum === Infinity || sum === -Infinity ? sum : sum + c;
}

function goAvgOverTime(xs: readonly number[]): number {
  let [sum, c] = [xs[0]!, 0];
  for (const x of xs.slice(1)) [sum, c] = kahanInc(x, sum, c);
  return sum / xs.length + c / xs.length;
}

/** extrapolatedRate's increase() for samples one a minute filling the window. */
function goIncrease(xs: readonly number[], firstMs: number, rangeStartMs: number, rangeEndMs: number): number {
  let result = xs[xs.length - 1]! - xs[0]!;
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[i - 1]!) result += xs[i - 1]!;
  const lastMs = firstMs + (xs.length - 1) * MINUTE;
  let durationToStart = (firstMs - rangeStartMs) / 1000;
  let durationToEnd = (rangeEndMs - lastMs) / 1000;
  const sampledInterval = (lastMs - firstMs) / 1000;
  const average = sampledInterval / (xs.length - 1);
  if (durationToStart >= average * 1.1) durationToStart = average / 2;
  if (result > 0 && xs[0]! >= 0) durationToStart = Math.min(durationToStart, sampledInterval * (xs[0]! / result));
  if (durationToEnd >= average * 1.1) durationToEnd = average / 2;
  return result * ((sampledInterval + durationToStart + durationToEnd) / sampledInterval);
}

/** Deterministic pseudo-random numbers (Park-Miller). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

describe("range functions over windows of more than 64 samples", () => {
  it("average as Prometheus does: sum/count + compensation/count, not a rounded sum / count", () => {
    // promtool 3.5 prints 0.12 and 103.05499999999975 for these.
    const constant = store({ x: loaded("0.12x120") });
    expect(query(constant, "avg_over_time(x[2h])", 120 * MINUTE)).toBe(0.12);
    const counter = store({ y: loaded("3.3+0.71x200") });
    expect(query(counter, "avg_over_time(y[2h])", 200 * MINUTE)).toBe(103.05499999999975);
  });

  it("agree bit for bit with Prometheus's summation order on random series", () => {
    const next = random(16);
    const mismatches: string[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const digits = 1 + (trial % 16);
      const scale = [1, 1e3, 1e-3, 1e9][trial % 4]!;
      const gauge = Array.from({ length: 400 }, () => Number(((next() - 0.2) * scale).toPrecision(digits)));
      // A counter with a reset every 40-odd samples.
      let c = 0;
      const counter = Array.from({ length: 400 }, (_, i) => (i % 43 === 42 ? (c = next() * scale) : (c += Number((next() * scale).toPrecision(digits)))));
      const s = store({ g: gauge, c: counter });
      for (const [window, minutes] of [["2h", 120], ["5h", 300]] as const) {
        const at = 399 * MINUTE;
        const inWindow = (xs: number[]) => xs.slice(400 - minutes, 400);
        const want: Record<string, number> = {
          [`sum_over_time(g[${window}])`]: goSumOverTime(inWindow(gauge)),
          [`avg_over_time(g[${window}])`]: goAvgOverTime(inWindow(gauge)),
          [`increase(c[${window}])`]: goIncrease(inWindow(counter), (400 - minutes) * MINUTE, at - minutes * MINUTE, at),
        };
        for (const [expr, value] of Object.entries(want)) {
          const got = query(s, expr, at);
          if (!Object.is(got, value)) mismatches.push(`trial ${trial}: ${expr} = ${got}, Prometheus ${value}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("sum a window whose exact sum is a tie between two floats as Prometheus does", () => {
    // 2^53 + 1 is halfway between 2^53 and 2^53 + 2: the prefix sums cannot tell which way Kahan rounds.
    const xs = Array.from({ length: 100 }, (_, i) => (i === 10 ? 2 ** 53 : i === 50 ? 0.5 : i === 70 ? 0.5 : 0));
    const s = store({ x: xs });
    expect(query(s, "sum_over_time(x[90m])", 99 * MINUTE)).toBe(goSumOverTime(xs.slice(10)));
    expect(query(s, "sum_over_time(x[60m])", 99 * MINUTE)).toBe(goSumOverTime(xs.slice(40)));
  });
});

describeWithTool("promtool", "long windows against promtool", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-long-windows-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("print the same raw $value as promtool for sums, averages and rates of long windows", async () => {
    const series: Record<string, string> = {
      ratio: "0.12x300",
      small: "0.015x300",
      level: "3.3+0.71x300",
      odd: "0.1 0.7 1.3 0.37x40 2.9+0.013x250",
      requests_total: "0+12.1x100 3+7.7x100 1+0.37x98",
      errors_total: "0+0.31x300",
    };
    const exprs = [
      "avg_over_time(ratio[2h])",
      "avg_over_time(small[3h])",
      "avg_over_time(level[2h])",
      "avg_over_time(odd[4h])",
      "sum_over_time(odd[4h])",
      "sum_over_time(level[5h]) / sum_over_time(odd[5h])",
      "increase(requests_total[4h])",
      "rate(errors_total[2h]) / rate(requests_total[2h])",
    ];
    const s = new SeriesStore();
    for (const [name, notation] of Object.entries(series)) {
      loaded(notation).forEach((v, i) => s.append(Labels.from({ __name__: name }), i * MINUTE, v));
    }
    const atMin = 299;
    const rules = exprs.map((e, i) => `      - alert: Q${i}\n        expr: ${e}\n        annotations:\n          value: "{{ $value }}"\n`).join("");
    const tests = exprs
      .map(
        (e, i) =>
          `      - eval_time: ${atMin}m\n        alertname: Q${i}\n        exp_alerts: [{ exp_annotations: { value: ${JSON.stringify(sprint([query(s, e, atMin * MINUTE)]))} } }]\n`,
      )
      .join("");
    writeFileSync(path.join(dir, "rules.yaml"), `groups:\n  - name: q\n    rules:\n${rules}`);
    writeFileSync(
      path.join(dir, "test.yaml"),
      `rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n` +
        Object.entries(series)
          .map(([name, values]) => `      - series: ${name}\n        values: ${values}\n`)
          .join("") +
        `    alert_rule_test:\n${tests}`,
    );
    const r = await runTool("promtool", ["test", "rules", "test.yaml"], { cwd: dir, timeoutMs: 60_000 });
    expect(r.stdout + r.stderr).toContain("SUCCESS");
  });
});
