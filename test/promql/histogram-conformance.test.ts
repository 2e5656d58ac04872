/**
 * The native histogram module against Prometheus's own test scripts in
 * ../shared/conformance/promql/ (skipped loudly when ../shared is absent):
 *
 * 1. Every `{{...}}` literal in every *.test file parses, and
 *    parse → formatHistogram → parse gives an equal histogram (compared like
 *    promqltest does); every series item with histograms (`{{a}}x3`,
 *    `{{a}}+{{b}}x3`) expands.
 * 2. In native_histograms.test, every `eval instant` of a single
 *    histogram_count/sum/avg/stddev/stdvar/quantile/fraction call on a plain
 *    selector whose result follows from the loaded samples by that one
 *    operation: the value is computed from the loaded histogram (found like
 *    the engine would: the latest sample in the 5m lookback window) and
 *    compared with promqltest's tolerance.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { almostEqual } from "../../src/promql/float-compare.js";
import {
  expandHistogramSeries,
  FloatHistogram,
  formatHistogram,
  histogramAvg,
  histogramCount,
  histogramFraction,
  histogramQuantile,
  histogramsMatch,
  histogramStdDev,
  histogramStdVar,
  histogramSum,
  parseHistogramNotation,
  PROMQLTEST_EPSILON,
} from "../../src/promql/histogram.js";
import type { Labels } from "../../src/promql/labels.js";
import { parseNumber } from "../../src/promql/literals.js";
import { parseSeriesDescription, parseSeriesLabels } from "../../src/promql/series-notation.js";
import { parsePrometheusDuration } from "../../src/go/duration.js";
import { describeWithShared, sharedPath } from "../support/shared.js";

const DIR = sharedPath("conformance", "promql");
const NATIVE = path.join(DIR, "native_histograms.test");

/** Every `{{...}}` literal in a text (histogram literals never nest). */
function literals(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const s = text.indexOf("{{", i);
    if (s < 0) return out;
    const e = text.indexOf("}}", s);
    if (e < 0) return out;
    out.push(text.slice(s, e + 2));
    i = e + 2;
  }
}

/** The whitespace-separated series items containing histograms, like series-notation's splitting. */
function histogramItems(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const s = line.indexOf("{{", i);
    if (s < 0) break;
    let j = s;
    while (j < line.length && !/\s/.test(line[j]!)) {
      if (line.startsWith("{{", j)) {
        const e = line.indexOf("}}", j);
        j = e < 0 ? line.length : e + 2;
      } else j++;
    }
    out.push(line.slice(s, j));
    i = j;
  }
  return out;
}

describeWithShared(DIR, "native histogram notation in Prometheus's test scripts", () => {
  // describe.skip still runs this body: only register a placeholder then.
  if (!existsSync(DIR)) return void it("needs ../shared", () => {});
  const files = readdirSync(DIR).filter((f) => f.endsWith(".test"));
  let total = 0;
  for (const file of files) {
    const text = readFileSync(path.join(DIR, file), "utf8");
    const lits = literals(text);
    if (lits.length === 0) continue;
    total += lits.length;
    it(`${file}: ${lits.length} literals parse and round-trip through formatHistogram`, () => {
      for (const lit of lits) {
        const { histogram } = parseHistogramNotation(lit);
        const formatted = formatHistogram(histogram);
        const again = parseHistogramNotation(formatted).histogram;
        if (!histogramsMatch(histogram, again, true, 0) || formatHistogram(again) !== formatted) {
          throw new Error(`${file}: ${lit} formatted as ${formatted}, which parses to ${formatHistogram(again)}`);
        }
        // Exactly equal too (count, sum and bucket values bit for bit).
        expect(again.compact(0).equals(histogram.compact(0)) || Number.isNaN(histogram.sum) || Number.isNaN(histogram.count), `${lit} vs ${formatted}`).toBe(true);
      }
    });
    it(`${file}: every series item with histograms expands`, () => {
      for (const line of text.split("\n")) {
        if (line.trim().startsWith("#")) continue;
        for (const item of histogramItems(line)) {
          const values = expandHistogramSeries(item);
          const m = /x(\d+)$/.exec(item);
          expect(values.length, item).toBe(m ? Number(m[1]) + 1 : 1);
        }
      }
    });
  }
  it("found the literals", () => {
    expect(total).toBeGreaterThan(400);
  });
});

type Sample = { kind: "float"; value: number } | { kind: "histogram"; h: FloatHistogram } | { kind: "stale" } | null;

interface Series {
  labels: Labels;
  /** Sample i is at i × interval (ms); null where omitted. */
  samples: Sample[];
  intervalMs: number;
}

interface EvalCase {
  line: number;
  atMs: number;
  expr: string;
  noInfo: boolean;
  expected: Array<{ labels: Labels; value: string }>;
  series: Series[];
}

const LOOKBACK_MS = 5 * 60 * 1000;

function durationMs(text: string): number {
  return parsePrometheusDuration(text);
}

/** The load blocks and instant evals of a promqltest script (just what the checks below need). */
function readScript(text: string): EvalCase[] {
  const lines = text.split("\n");
  const cases: EvalCase[] = [];
  let series: Series[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^clear\b/.test(line)) {
      series = [];
      continue;
    }
    const load = /^load(?:_with_nhcb)?\s+(\S+)/.exec(line);
    if (load) {
      const intervalMs = durationMs(load[1]!);
      for (i++; i < lines.length && /^\s+\S/.test(lines[i]!); i++) {
        const l = lines[i]!.trim();
        if (l.startsWith("#")) continue;
        const desc = parseSeriesDescription(l);
        const samples: Sample[] = [];
        for (const v of desc.values) {
          if (v.kind === "histogram") for (const p of expandHistogramSeries(v.text)) samples.push({ kind: "histogram", h: p.histogram });
          else if (v.kind === "value") samples.push({ kind: "float", value: v.value });
          else if (v.kind === "stale") samples.push({ kind: "stale" });
          else samples.push(null);
        }
        series.push({ labels: desc.labels, samples, intervalMs });
      }
      i--;
      continue;
    }
    const ev = /^eval\s+instant\s+at\s+(\S+)\s+(.*)$/.exec(line);
    if (ev) {
      const c: EvalCase = { line: i + 1, atMs: durationMs(ev[1]!), expr: ev[2]!.trim(), noInfo: false, expected: [], series };
      for (i++; i < lines.length && /^\s+\S/.test(lines[i]!); i++) {
        const l = lines[i]!.trim();
        if (l.startsWith("#")) continue;
        if (l.startsWith("expect")) {
          if (/^expect\s+no_info\b/.test(l)) c.noInfo = true;
          continue;
        }
        const { labels, rest } = parseSeriesLabels(l);
        c.expected.push({ labels, value: rest.trim() });
      }
      i--;
      cases.push(c);
    }
  }
  return cases;
}

const SELECTOR = String.raw`([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?`;
const NUM = String.raw`([+-]?(?:[0-9.eE+-]+|Inf|NaN))`;
const FORMS: Array<{ re: RegExp; compute: (m: RegExpExecArray, h: FloatHistogram) => { value: number; infos: string[] } }> = [
  { re: new RegExp(`^histogram_count\\(${SELECTOR}\\)$`), compute: (_m, h) => ({ value: histogramCount(h), infos: [] }) },
  { re: new RegExp(`^histogram_sum\\(${SELECTOR}\\)$`), compute: (_m, h) => ({ value: histogramSum(h), infos: [] }) },
  { re: new RegExp(`^histogram_avg\\(${SELECTOR}\\)$`), compute: (_m, h) => ({ value: histogramAvg(h), infos: [] }) },
  { re: new RegExp(`^histogram_stddev\\(${SELECTOR}\\)$`), compute: (_m, h) => ({ value: histogramStdDev(h), infos: [] }) },
  { re: new RegExp(`^histogram_stdvar\\(${SELECTOR}\\)$`), compute: (_m, h) => ({ value: histogramStdVar(h), infos: [] }) },
  {
    re: new RegExp(`^histogram_quantile\\(\\s*${NUM}\\s*,\\s*${SELECTOR}\\)$`),
    compute: (m, h) => histogramQuantile(parseNumber(m[1]!), h),
  },
  {
    re: new RegExp(`^histogram_fraction\\(\\s*${NUM}\\s*,\\s*${NUM}\\s*,\\s*${SELECTOR}\\)$`),
    compute: (m, h) => histogramFraction(parseNumber(m[1]!), parseNumber(m[2]!), h),
  },
];

/** Equality matchers only (`{a="b", c="d"}`); null for anything else. */
function matchers(text: string | undefined): Array<[string, string]> | null {
  if (text === undefined || text === "{}") return [];
  const out: Array<[string, string]> = [];
  const body = text.slice(1, -1).trim();
  for (const part of body.split(",")) {
    const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"\\]*)"\s*$/.exec(part);
    if (!m) return null;
    out.push([m[1]!, m[2]!]);
  }
  return out;
}

function sampleAt(s: Series, atMs: number): Sample {
  for (let i = Math.floor(atMs / s.intervalMs); i >= 0; i--) {
    const t = i * s.intervalMs;
    if (t <= atMs - LOOKBACK_MS) return null;
    const v = s.samples[i];
    if (v === undefined || v === null) continue;
    return v.kind === "stale" ? null : v;
  }
  return null;
}

describeWithShared(NATIVE, "histogram functions on loaded samples (native_histograms.test)", () => {
  if (!existsSync(NATIVE)) return void it("needs ../shared", () => {});
  const cases = readScript(readFileSync(NATIVE, "utf8"));
  let checked = 0;
  for (const c of cases) {
    let form: (typeof FORMS)[number] | undefined;
    let m: RegExpExecArray | null = null;
    for (const f of FORMS) {
      m = f.re.exec(c.expr);
      if (m) {
        form = f;
        break;
      }
    }
    if (form === undefined || m === null) continue;
    const name = m[m.length - 2]!;
    const ms = matchers(m[m.length - 1]);
    if (ms === null) continue;
    const selected = c.series.filter((s) => s.labels.get("__name__") === name && ms.every(([k, v]) => s.labels.get(k) === v));
    const samples = selected.map((s) => ({ labels: s.labels.withoutMetricName(), sample: sampleAt(s, c.atMs) })).filter((x) => x.sample !== null);
    // Only where every selected sample is a histogram: floats are ignored by these functions (with an annotation).
    if (samples.length === 0 || samples.some((x) => x.sample!.kind !== "histogram")) continue;
    if (samples.length !== c.expected.length) continue;
    checked++;
    const f = form;
    const match = m;
    it(`line ${c.line}: eval instant at ${c.atMs / 1000}s ${c.expr}`, () => {
      for (const { labels, sample } of samples) {
        const exp = c.expected.find((e) => e.labels.key === labels.key);
        expect(exp, `no expected result for ${labels.toString()}`).toBeDefined();
        const want = parseNumber(exp!.value);
        const got = f.compute(match, (sample as { h: FloatHistogram }).h);
        if (!almostEqual(want, got.value, PROMQLTEST_EPSILON)) {
          throw new Error(`${labels.toString()}: expected ${want}, got ${got.value}`);
        }
        if (c.noInfo) expect(got.infos).toEqual([]);
      }
    });
  }
  it("checked enough evals", () => {
    expect(checked).toBeGreaterThan(100);
  });
});
