/**
 * Raw samples from Prometheus's HTTP API (also served by Thanos Query, Mimir,
 * Cortex and VictoriaMetrics): an instant query of `selector[range]` returns
 * the stored samples in (time - range, time], exactly, with values printed in
 * the shortest form that reads back to the same float. A long span is read as
 * consecutive windows ending at `end`, which tile it without overlap.
 *
 * What the API cannot return: staleness markers (a range selector drops
 * them), so a series that went stale is seen as ending at its last sample.
 */
import { Labels } from "../promql/labels.js";

export class PrometheusAPIError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrometheusAPIError";
  }
}

export interface RawSeries {
  labels: Labels;
  t: number[];
  v: number[];
}

export interface PrometheusClient {
  /** Base URL, e.g. http://prometheus:9090 or a Mimir/Thanos path prefix; credentials in it are sent as basic auth. */
  url: string;
  /** Extra request headers (e.g. Authorization, X-Scope-OrgID). */
  headers?: Record<string, string>;
  /** Per request, ms; default 120 s. */
  timeoutMs?: number;
}

/** Span of one request, ms (a day of 15 s scrapes is 5,760 samples per series). */
export const DEFAULT_WINDOW_MS = 24 * 3600_000;
const CONCURRENCY = 4;

/** Every sample of every series `selector` matches with timestamp in (start, end]. */
export async function fetchRawSeries(client: PrometheusClient, selector: string, start: number, end: number, windowMs = DEFAULT_WINDOW_MS): Promise<RawSeries[]> {
  const windows: Array<{ end: number; range: number }> = [];
  for (let e = end; e > start; e -= windowMs) windows.push({ end: e, range: Math.min(windowMs, e - start) });
  windows.reverse();
  const parts: RawSeries[][] = new Array(windows.length);
  let next = 0;
  const worker = async () => {
    while (next < windows.length) {
      const i = next++;
      const w = windows[i]!;
      parts[i] = await queryRange(client, `${selector}[${w.range}ms]`, w.end);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, windows.length) }, worker));
  // Windows are in time order and disjoint: each series' samples concatenate in order.
  const bySeries = new Map<string, RawSeries>();
  for (const part of parts) {
    for (const s of part) {
      const acc = bySeries.get(s.labels.key);
      if (acc === undefined) bySeries.set(s.labels.key, s);
      else {
        for (let k = 0; k < s.t.length; k++) {
          acc.t.push(s.t[k]!);
          acc.v.push(s.v[k]!);
        }
      }
    }
  }
  return [...bySeries.values()];
}

interface ApiResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: {
    resultType?: string;
    result?: Array<{ metric?: Record<string, string>; values?: Array<[number, string]>; histograms?: unknown[] }>;
  };
}

async function queryRange(client: PrometheusClient, query: string, time: number): Promise<RawSeries[]> {
  const { url, headers } = endpoint(client, "/api/v1/query");
  const body = new URLSearchParams({ query, time: String(time / 1000) });
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
      body,
      signal: AbortSignal.timeout(client.timeoutMs ?? 120_000),
    });
    text = await res.text();
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new PrometheusAPIError(`${url}: ${(e as Error).message}${cause ? ` (${cause})` : ""}`);
  }
  let parsed: ApiResponse;
  try {
    parsed = JSON.parse(text) as ApiResponse;
  } catch {
    throw new PrometheusAPIError(`${url}: HTTP ${res.status}, not a Prometheus API response: ${text.slice(0, 200)}`);
  }
  if (!res.ok || parsed.status !== "success") {
    throw new PrometheusAPIError(`${url}: ${query}: HTTP ${res.status}: ${parsed.errorType ?? "error"}: ${parsed.error ?? text.slice(0, 200)}`);
  }
  if (parsed.data?.resultType !== "matrix") throw new PrometheusAPIError(`${url}: ${query}: expected a matrix, got ${parsed.data?.resultType}`);
  const out: RawSeries[] = [];
  for (const r of parsed.data.result ?? []) {
    const labels = Labels.from(r.metric ?? {});
    if (r.histograms !== undefined && r.histograms.length > 0) {
      throw new PrometheusAPIError(`${labels.toSeriesString()}: native histogram samples; monac's engine evaluates float samples only`);
    }
    const t: number[] = [];
    const v: number[] = [];
    for (const [ts, value] of r.values ?? []) {
      t.push(Math.round(ts * 1000));
      v.push(parseValue(value));
    }
    out.push({ labels, t, v });
  }
  return out;
}

/** A sample value as the API prints it (Go's FormatFloat, 'f', -1): `NaN`, `+Inf`, `-Inf` included. */
export function parseValue(s: string): number {
  if (s === "+Inf" || s === "Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (s === "NaN") return NaN;
  const v = Number(s);
  if (Number.isNaN(v) || s.trim() === "") throw new PrometheusAPIError(`not a sample value: ${JSON.stringify(s)}`);
  return v;
}

/** The request URL for an API path, credentials in the base URL moved to a basic-auth header. */
function endpoint(client: PrometheusClient, apiPath: string): { url: string; headers: Record<string, string> } {
  const base = new URL(client.url);
  const headers: Record<string, string> = { ...client.headers };
  if (base.username !== "" || base.password !== "") {
    const user = decodeURIComponent(base.username);
    const password = decodeURIComponent(base.password);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === "authorization")) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    base.username = "";
    base.password = "";
  }
  base.pathname = `${base.pathname.replace(/\/+$/, "")}${apiPath}`;
  return { url: base.toString(), headers };
}
