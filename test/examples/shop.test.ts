// The example checkout service (examples/shop): its exposition carries exactly
// the series the example workspace's checkout SLOs read, its load generator
// serves traffic by itself, and the control endpoint starts and ends incidents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contract, DURATION_BUCKETS, ROUTES, startShop, type Shop } from "../../examples/shop/shop.js";
import { checkExposition } from "../../src/instrument/exposition.js";
import { describeWithTool, runTool } from "../support/tools.js";

interface Sample { name: string; labels: Record<string, string>; value: number }

/** Parses the Prometheus text format (enough of it for prom-client's output). */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) { types.set(type[1]!, type[2]!); continue; }
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsed exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

async function scrape(shop: Shop): Promise<string> {
  const res = await fetch(`${shop.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

const sum = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("examples/shop", () => {
  let shop: Shop;
  beforeAll(async () => { shop = await startShop({ rate: 200 }); });
  afterAll(async () => { await shop?.close(); });

  it("exposes the checkout SLOs' series, zero-initialised, without a job label", async () => {
    const fresh = await startShop({ rate: 0 });
    try {
      const { types, samples } = parseExposition(await scrape(fresh));
      expect(types.get("http_requests_total")).toBe("counter");
      expect(types.get("http_request_duration_seconds")).toBe("histogram");
      // Every route × {200, 500} exists before the first request, at 0.
      const counters = samples.filter((s) => s.name === "http_requests_total");
      expect(counters.map((s) => `${s.labels.method} ${s.labels.route} ${s.labels.code}`).sort()).toEqual(
        ROUTES.flatMap((r) => ["200", "500"].map((c) => `${r.method} ${r.route} ${c}`)).sort(),
      );
      expect(counters.every((s) => s.value === 0)).toBe(true);
      for (const s of samples) expect(Object.keys(s.labels)).not.toContain("job");
      // The bucket bounds as prom-client prints them: le="0.1" (the SLO's 100ms) and le="1", not "1.0".
      const les = new Set(samples.filter((s) => s.name === "http_request_duration_seconds_bucket").map((s) => s.labels.le));
      expect([...les].sort()).toEqual([...DURATION_BUCKETS.map(String), "+Inf"].sort());
      expect(les.has("0.1")).toBe(true);
      expect(les.has("1")).toBe(true);
      expect(les.has("1.0")).toBe(false);
    } finally {
      await fresh.close();
    }
  });

  it("its /metrics holds the contract monac generates from the specs (out/instrument/checkout.ts)", async () => {
    // Before any traffic (every series zero-initialised), and after some.
    const fresh = await startShop({ rate: 0 });
    try {
      expect(checkExposition(contract, await scrape(fresh))).toEqual([]);
    } finally {
      await fresh.close();
    }
    await until("some traffic", () => shop.stats().ok >= 20);
    expect(checkExposition(contract, await scrape(shop))).toEqual([]);
    expect(contract.service).toBe("checkout");
    expect(contract.metrics.map((m) => `${m.name} ${m.type} ${m.labels.join(",")}`)).toEqual([
      "http_request_duration_seconds histogram method,route,code",
      "http_requests_total counter method,route,code",
    ]);
  });

  it("serves its own traffic, and the counter agrees with the histogram and with the client", async () => {
    await until("200 requests", () => shop.stats().ok >= 200);
    const before = shop.stats();
    shop.setControl({ rate: 0 });
    await until("in-flight requests to finish", () => { const s = shop.stats(); return s.ok + s.serverErrors + s.failed === s.sent; });
    const stats = shop.stats();
    expect(stats.sent).toBeGreaterThanOrEqual(before.sent);
    const { samples } = parseExposition(await scrape(shop));
    const total = sum(samples, "http_requests_total");
    expect(total).toBe(stats.ok + stats.serverErrors);
    expect(sum(samples, "http_request_duration_seconds_count")).toBe(total);
    expect(sum(samples, "http_request_duration_seconds_bucket", { le: "+Inf" })).toBe(total);
    expect(sum(samples, "http_requests_total", { code: "500" })).toBe(0);
    // No added latency: everything is inside the SLO's 100ms bucket.
    expect(sum(samples, "http_request_duration_seconds_bucket", { le: "0.1" })).toBe(total);
    shop.setControl({ rate: 200 });
  });

  it("POST /control starts and ends an incident: errors and latency show in the series", async () => {
    const base = parseExposition(await scrape(shop)).samples;
    let res = await fetch(`${shop.url}/control`, { method: "POST", body: JSON.stringify({ errorRatio: 1, latencyMs: 150 }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errorRatio: 1, latencyMs: 150, rate: 200 });
    const s0 = shop.stats();
    await until("50 failed requests", () => shop.stats().serverErrors >= s0.serverErrors + 50);
    res = await fetch(`${shop.url}/control`, { method: "POST", body: JSON.stringify({ errorRatio: 0, latencyMs: 0, rate: 0 }) });
    expect(await res.json()).toEqual({ errorRatio: 0, latencyMs: 0, rate: 0 });
    await until("in-flight requests to finish", () => { const s = shop.stats(); return s.ok + s.serverErrors + s.failed === s.sent; });
    const after = parseExposition(await scrape(shop)).samples;
    const d = (name: string, where: Record<string, string> = {}) => sum(after, name, where) - sum(base, name, where);
    const errors = d("http_requests_total", { code: "500" });
    expect(errors).toBe(shop.stats().serverErrors);
    expect(errors).toBeGreaterThanOrEqual(50);
    // Every failed request took >= 150ms: none in the 0.1 bucket, all in le="0.25".
    expect(d("http_request_duration_seconds_bucket", { code: "500", le: "0.1" })).toBe(0);
    expect(d("http_request_duration_seconds_bucket", { code: "500", le: "0.25" })).toBe(errors);
    // Bad input is refused in words and changes nothing.
    res = await fetch(`${shop.url}/control`, { method: "POST", body: JSON.stringify({ errorRatio: 2 }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "errorRatio must be between 0 and 1, got 2" });
    res = await fetch(`${shop.url}/control`, { method: "POST", body: JSON.stringify({ errors: 1 }) });
    expect(res.status).toBe(400);
    expect(shop.control()).toEqual({ errorRatio: 0, latencyMs: 0, rate: 0 });
  });

  it("errorRatio is exact, not random", async () => {
    const base = parseExposition(await scrape(shop)).samples;
    shop.setControl({ errorRatio: 0.25, rate: 400 });
    const s0 = shop.stats();
    await until("400 requests", () => shop.stats().sent >= s0.sent + 400);
    // Stop sending first, and change the error ratio only once nothing is in
    // flight: a request served after the change would count at the new ratio.
    shop.setControl({ rate: 0 });
    await until("in-flight requests to finish", () => { const s = shop.stats(); return s.ok + s.serverErrors + s.failed === s.sent; });
    shop.setControl({ errorRatio: 0 });
    const after = parseExposition(await scrape(shop)).samples;
    const total = sum(after, "http_requests_total") - sum(base, "http_requests_total");
    const errors = sum(after, "http_requests_total", { code: "500" }) - sum(base, "http_requests_total", { code: "500" });
    expect(Math.abs(errors - total / 4)).toBeLessThanOrEqual(1);
  });
});

describeWithTool("promtool", "examples/shop exposition, linted by promtool", () => {
  it("promtool check metrics finds no problem", async () => {
    const shop = await startShop({ rate: 100 });
    try {
      await until("some traffic", () => shop.stats().ok >= 20);
      const text = await (await fetch(`${shop.url}/metrics`)).text();
      const r = await runTool("promtool", ["check", "metrics"], { input: text });
      expect(r.stdout + r.stderr).toBe("");
      expect(r.code).toBe(0);
    } finally {
      await shop.close();
    }
  });
});
