// monac backfill's parts without Prometheus: which selectors it reads and how
// far back, reading a long span through many API windows, and the command's
// refusals. (Equality with what Prometheus records: test/e2e/backfill.test.ts.)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfill } from "../../src/backfill/backfill.js";
import { inputSelectors, recordingGroups } from "../../src/backfill/plan.js";
import { fetchRawSeries, parseValue, PrometheusAPIError } from "../../src/backfill/prometheus-api.js";
import { parseTime } from "../../src/cli/backfill.js";
import { parseRuleFile } from "../../src/ruletest/rule-files.js";
import { run } from "../support/cli.js";
import { REPO_ROOT } from "../support/tools.js";
import path from "node:path";
import { readFileSync } from "node:fs";

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("what a backfill reads", () => {
  it("the example checkout SLO reads its raw counter as far back as its longest raw window (6h); recorded series are computed, not read", () => {
    const file = path.join(REPO_ROOT, "out", "prometheus", "rules", "checkout.availability.slo.rules.yaml");
    const groups = recordingGroups(parseRuleFile(file, readFileSync(file, "utf8")));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.rules.every((r) => r.kind === "record")).toBe(true);
    expect(groups[0]!.interval).toBe(MIN);
    expect(inputSelectors(groups, 5 * MIN)).toEqual([
      { text: '{__name__="http_requests_total", code=~"5..", job="checkout"}', matchers: expect.any(Array), reach: 6 * HOUR },
      { text: '{__name__="http_requests_total", job="checkout"}', matchers: expect.any(Array), reach: 6 * HOUR },
    ]);
  });

  it("adds offsets, subquery ranges and the lookback of instant selectors; refuses what it cannot bound", () => {
    const rules = (exprs: string[]) =>
      recordingGroups(parseRuleFile("r.yaml", `groups:\n  - name: g\n    rules:\n${exprs.map((e, i) => `      - record: r${i}\n        expr: '${e}'\n`).join("")}`));
    expect(inputSelectors(rules(["a offset 1h", "rate(b[5m] offset 10m)", "max_over_time(rate(c[5m])[1d:1m] offset 1h)", "r0 + 1"]), 5 * MIN).map((s) => [s.text, s.reach])).toEqual([
      ['{__name__="a"}', HOUR + 5 * MIN],
      ['{__name__="b"}', 15 * MIN],
      ['{__name__="c"}', 24 * HOUR + HOUR + 5 * MIN],
    ]);
    expect(() => inputSelectors(rules(["a @ 100"]), 5 * MIN)).toThrow(/@ modifier/);
    expect(() => inputSelectors(rules(["a offset -5m"]), 5 * MIN)).toThrow(/negative offset/);
  });
});

/**
 * A stand-in for Prometheus's instant query of `name[RANGEms]` over in-memory
 * samples (range selectors are left-open: (time - range, time]), answering
 * like the real API. The real one is the oracle in test/e2e/backfill.test.ts.
 */
function fakeApi(samples: Map<string, Array<[number, number]>>) {
  const queries: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const params = new URLSearchParams(body);
      const q = params.get("query") ?? "";
      queries.push(q);
      const m = /^\{__name__="(\w+)"\}\[(\d+)ms\]$/.exec(q);
      if (m === null || req.url !== "/prefix/api/v1/query") {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: "error", errorType: "bad_data", error: `cannot parse ${q}` }));
        return;
      }
      const time = Math.round(Number(params.get("time")) * 1000);
      const range = Number(m[2]);
      const values = (samples.get(m[1]!) ?? []).filter(([t]) => t > time - range && t <= time).map(([t, v]) => [t / 1000, v === Infinity ? "+Inf" : String(v)]);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", data: { resultType: "matrix", result: values.length === 0 ? [] : [{ metric: { __name__: m[1], job: "j" }, values }] } }));
    });
  });
  return { server, queries };
}

describe("reading raw series through the API", () => {
  const samples = new Map<string, Array<[number, number]>>();
  // One sample every 15s for a day, with a gap, and odd values.
  samples.set("req", Array.from({ length: 5760 }, (_, i) => [1_764_000_000_000 + i * 15_000, i % 1000 === 999 ? Infinity : i * 0.1] as [number, number]).filter(([t]) => t % HOUR !== 0));
  const api = fakeApi(samples);
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((r) => api.server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/prefix/`;
  });
  afterAll(() => new Promise<void>((r) => api.server.close(() => r())));

  it("windows tile the span: every sample once, in order, whatever the window size", async () => {
    const all = samples.get("req")!;
    const start = all[10]![0]; // exclusive
    const end = all[5000]![0] + 7_000;
    const want = all.filter(([t]) => t > start && t <= end);
    for (const windowMs of [HOUR, 7 * MIN + 3, 24 * HOUR]) {
      const got = await fetchRawSeries({ url }, '{__name__="req"}', start, end, windowMs);
      expect(got).toHaveLength(1);
      expect(got[0]!.labels.toSeriesString()).toBe('req{job="j"}');
      expect(got[0]!.t.map((t, i) => [t, got[0]!.v[i]])).toEqual(want);
    }
  });

  it("says what went wrong: an API error, an unreachable server, a value it cannot read", async () => {
    await expect(fetchRawSeries({ url }, "not a selector", 0, HOUR)).rejects.toThrow(/HTTP 400: bad_data: cannot parse/);
    await expect(fetchRawSeries({ url: "http://127.0.0.1:1/" }, '{__name__="req"}', 0, HOUR)).rejects.toThrow(PrometheusAPIError);
    expect(parseValue("+Inf")).toBe(Infinity);
    expect(parseValue("-Inf")).toBe(-Infinity);
    expect(parseValue("NaN")).toBeNaN();
    expect(parseValue("1e-7")).toBe(1e-7);
    expect(() => parseValue("")).toThrow(/not a sample value/);
    expect(() => parseValue("one")).toThrow(/not a sample value/);
  });

  it("evaluates layered rules in one pass on what it read", async () => {
    const groups = recordingGroups(parseRuleFile("r.yaml", [
      "groups:",
      "  - name: g",
      "    interval: 15s",
      "    rules:",
      "      - record: job:req:increase5m",
      "        expr: sum by (job) (increase(req[5m]))",
      "      - record: job:req:sum1h",
      "        expr: sum_over_time(job:req:increase5m[1h])",
      "      - alert: Ignored",
      "        expr: job:req:sum1h > 0",
      "",
    ].join("\n")));
    const from = 1_764_000_000_000 + 2 * HOUR;
    const res = await backfill({ groups, client: { url }, from, to: from + HOUR, defaultInterval: MIN, windowMs: HOUR });
    expect(res.groups).toEqual([{ name: "g", file: "r.yaml", interval: 15_000, evaluations: 241, rules: 2, series: 2, samples: 482, path: "fast" }]);
    expect(res.series.map((s) => s.labels.toSeriesString()).sort()).toEqual(['job:req:increase5m{job="j"}', 'job:req:sum1h{job="j"}']);
    // The second layer sums the first from the backfill's first evaluation on, like a Prometheus started at `from`.
    const inc = res.series.find((s) => s.labels.get("__name__") === "job:req:increase5m")!;
    const sum = res.series.find((s) => s.labels.get("__name__") === "job:req:sum1h")!;
    expect(sum.t[0]).toBe(from);
    expect(sum.v[0]).toBe(inc.v[0]);
    expect(sum.v[10]).toBeCloseTo(Array.from(inc.v).slice(0, 11).reduce((a, b) => a + b, 0), 9);
  });
});

describe("monac backfill, the command", () => {
  it("reads times as promtool does, plus now-DURATION, to the millisecond", () => {
    const now = 1_764_000_000_000;
    expect(parseTime("now", now)).toBe(now);
    expect(parseTime("now-30d", now)).toBe(now - 30 * 24 * HOUR);
    expect(parseTime("now-1h30m", now)).toBe(now - 90 * MIN);
    expect(parseTime("1764000000.123", now)).toBe(1_764_000_000_123);
    expect(parseTime("1764000000.1", now)).toBe(1_764_000_000_100);
    expect(parseTime("1764000000", now)).toBe(1_764_000_000_000);
    expect(parseTime("2025-11-24T16:00:00Z", now)).toBe(1_764_000_000_000);
    expect(parseTime("2025-11-24T17:00:00.5+01:00", now)).toBe(1_764_000_000_500);
    for (const bad of ["", "yesterday", "now-", "now-5x", "1764000000.1234", "2025-11-24", "2025-11-24 16:00:00"]) expect(parseTime(bad, now), bad).toBeUndefined();
  });

  it("refuses bad usage with exit 2 and says why", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--from", "now-1d", "--to", "now"], /--prometheus URL is required/],
      [["--prometheus", "http://x", "--to", "now"], /--from and --to are required/],
      [["--prometheus", "ftp://x", "--from", "now-1d", "--to", "now"], /http\(s\) URL/],
      [["--prometheus", "http://x", "--from", "yesterday", "--to", "now"], /--from: expected RFC 3339/],
      [["--prometheus", "http://x", "--from", "now", "--to", "now-1d"], /is after --to/],
      [["--prometheus", "http://x", "--from", "now-1d", "--to", "now", "--header", "nocolon"], /NAME: VALUE/],
      [["--prometheus", "http://x", "--from", "now-1d", "--to", "now", "--dir", REPO_ROOT, "--slo", "checkout/nope"], /no such SLO; the workspace has .*checkout\/availability/],
      [["--prometheus", "http://x", "--from", "now-1d", "--to", "now", "--dir", path.join(REPO_ROOT, "src")], /monac\.yaml/],
    ];
    for (const [args, message] of cases) {
      const r = await run("backfill", ...args);
      expect(r.code, `${args.join(" ")}\n${r.err}`).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it("an unreachable Prometheus is an I/O error (exit 2), and nothing is written", async () => {
    const out = path.join(REPO_ROOT, "node_modules", ".cache", `backfill-unreachable-${process.pid}`);
    const r = await run("backfill", "--dir", REPO_ROOT, "--prometheus", "http://127.0.0.1:1", "--from", "now-1h", "--to", "now", "--slo", "checkout/availability", "--out", out, "--quiet");
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/cannot read from Prometheus: http:\/\/127\.0\.0\.1:1\/api\/v1\/query/);
    expect(() => readFileSync(path.join(out, "monac-backfill.om"))).toThrow(/ENOENT/);
  });
});
