// The example "checkout" service: plain node:http instrumented with prom-client,
// exposing exactly the series the example workspace's checkout SLOs read
// (slos/checkout.yaml):
//
//   http_requests_total{method, route, code}                     counter
//   http_request_duration_seconds{method, route, code}           histogram, 0.1 s bucket
//
// It declares none of them itself: they come from the module monac generates
// from the specs (out/instrument/checkout.ts, `monac build`), so names, label
// names and buckets cannot drift from what the SLOs read.
//
// No `job` label is written: Prometheus adds job="checkout" from its scrape
// config, which is what `{job="checkout"}` in the SLIs selects.
//
// It serves its own synthetic traffic (a load generator issuing real HTTP
// requests to itself at a configurable rate) and can be told to misbehave over
// POST /control {"errorRatio": 0..1, "latencyMs": n, "rate": n}, so a test can
// start an incident and end it without any external client.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Registry, collectDefaultMetrics } from "prom-client";
import { contract, registerCheckoutMetrics } from "../../out/instrument/checkout.js";
import { ErrorInjector, ROUTES } from "./traffic.js";

/** What the service is told to do; every field can be changed at run time. */
export interface ShopControl {
  /** Share of application requests answered with a 500, 0..1 (deterministic, not random). */
  errorRatio: number;
  /** Added latency for every application request, milliseconds. */
  latencyMs: number;
  /** Requests per second the internal load generator sends; 0 stops it. */
  rate: number;
}

export interface ShopOptions extends Partial<ShopControl> {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Also export Node's process metrics (process_*, nodejs_*); default false. */
  defaultMetrics?: boolean;
}

/** Counts kept by the load generator, as the client saw them. */
export interface ShopStats {
  sent: number;
  ok: number;
  serverErrors: number;
  /** Requests that got no HTTP response (connection refused, reset). */
  failed: number;
  /** Requests the generator skipped because too many were already in flight. */
  dropped: number;
}

export interface Shop {
  readonly url: string;
  readonly port: number;
  readonly registry: Registry;
  control(): ShopControl;
  setControl(change: Partial<ShopControl>): ShopControl;
  stats(): ShopStats;
  /** Stops the load generator and the server, and waits for in-flight requests. */
  close(): Promise<void>;
}

/** The generated contract of the checkout service: what its /metrics must show (checkExposition). */
export { contract };

/** Bucket bounds, seconds, as the spec declares them. 0.1 is the checkout latency SLO's threshold; 1 is printed `le="1"`. */
export const DURATION_BUCKETS: readonly number[] = contract.metrics.find((m) => m.name === "http_request_duration_seconds")!.buckets!;

export { ROUTES };

const MAX_IN_FLIGHT = 512;
const TICK_MS = 10;

/** Checks a control change; returns the problem in words, or undefined. */
export function controlProblem(change: unknown): string | undefined {
  if (typeof change !== "object" || change === null || Array.isArray(change)) return "expected a JSON object";
  for (const [key, value] of Object.entries(change)) {
    if (key !== "errorRatio" && key !== "latencyMs" && key !== "rate") return `unknown field ${JSON.stringify(key)} (errorRatio, latencyMs, rate)`;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return `${key} must be a finite number >= 0, got ${JSON.stringify(value)}`;
    if (key === "errorRatio" && value > 1) return `errorRatio must be between 0 and 1, got ${value}`;
  }
  return undefined;
}

export async function startShop(opts: ShopOptions = {}): Promise<Shop> {
  const state: ShopControl = {
    errorRatio: opts.errorRatio ?? 0,
    latencyMs: opts.latencyMs ?? 0,
    rate: opts.rate ?? 0,
  };
  const problem = controlProblem(state);
  if (problem !== undefined) throw new Error(`startShop: ${problem}`);

  const registry = new Registry();
  if (opts.defaultMetrics === true) collectDefaultMetrics({ register: registry });
  const { httpRequestsTotal: requests, httpRequestDurationSeconds: duration } = registerCheckoutMetrics(registry);
  // Every series exists from the first scrape, so the first 500 is counted by
  // increase() (a series born at 1 would hide its first error).
  for (const { method, route } of ROUTES) {
    for (const code of ["200", "500"]) {
      requests.labels(method, route, code).inc(0);
      duration.zero({ method, route, code });
    }
  }

  // Deterministic error injection: with errorRatio r, exactly r of the requests fail.
  const injector = new ErrorInjector();
  const shouldFail = (): boolean => injector.fail(state.errorRatio);

  const appRoute = (method: string | undefined, url: string | undefined) =>
    ROUTES.find((r) => r.method === method && r.route === (url ?? "").split("?")[0]);

  const server = http.createServer((req, res) => {
    const route = appRoute(req.method, req.url);
    if (route !== undefined) {
      const start = process.hrtime.bigint();
      const fail = shouldFail();
      const code = fail ? 500 : 200;
      req.resume();
      res.on("finish", () => {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const labels = { method: route.method, route: route.route, code: String(code) };
        requests.inc(labels);
        duration.observe(labels, seconds);
      });
      const respond = () => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(fail ? '{"error":"injected failure"}' : '{"ok":true}');
      };
      if (state.latencyMs > 0) setTimeout(respond, state.latencyMs);
      else respond();
      return;
    }
    const path = (req.url ?? "").split("?")[0];
    if (path === "/metrics" && req.method === "GET") {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(err));
        },
      );
      return;
    }
    if (path === "/control" && (req.method === "GET" || req.method === "POST")) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method === "POST") {
          let change: unknown;
          try {
            change = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            change = undefined;
          }
          const why = change === undefined ? "body is not JSON" : controlProblem(change);
          if (why !== undefined) {
            res.writeHead(400, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: why }));
            return;
          }
          shop.setControl(change as Partial<ShopControl>);
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(state));
      });
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
      return;
    }
    req.resume();
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  // The load generator: real HTTP requests to itself over keep-alive connections,
  // paced by the clock (the count due so far is floor(elapsed × rate)).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const stats: ShopStats = { sent: 0, ok: 0, serverErrors: 0, failed: 0, dropped: 0 };
  let inFlight = 0;
  let next = 0;
  let paceStart = performance.now();
  let paceSent = 0;
  const pending = new Set<http.ClientRequest>();
  const fire = () => {
    const r = ROUTES[next++ % ROUTES.length]!;
    inFlight++;
    stats.sent++;
    const req = http.request(`${url}${r.route}`, { method: r.method, agent }, (res) => {
      res.resume();
      res.on("end", () => {
        if ((res.statusCode ?? 0) >= 500) stats.serverErrors++;
        else stats.ok++;
      });
    });
    pending.add(req);
    req.on("error", () => stats.failed++);
    req.on("close", () => {
      inFlight--;
      pending.delete(req);
    });
    req.end();
  };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - paceStart) / 1000) * state.rate) - paceSent;
    for (let i = 0; i < due; i++) {
      paceSent++;
      if (inFlight >= MAX_IN_FLIGHT) stats.dropped++;
      else fire();
    }
  }, TICK_MS);

  let closed: Promise<void> | undefined;
  const shop: Shop = {
    url,
    port: address.port,
    registry,
    control: () => ({ ...state }),
    setControl(change) {
      const why = controlProblem(change);
      if (why !== undefined) throw new Error(`setControl: ${why}`);
      if (change.rate !== undefined && change.rate !== state.rate) {
        paceStart = performance.now();
        paceSent = 0;
      }
      Object.assign(state, change);
      return { ...state };
    },
    stats: () => ({ ...stats }),
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        state.rate = 0;
        for (const req of pending) req.destroy();
        agent.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
  return shop;
}
