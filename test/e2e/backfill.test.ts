// `monac backfill` against the real Prometheus, the day an SLO is deployed.
//
// Two days of the example service's traffic (examples/shop/traffic.ts: the
// same deterministic error injection as the live service) are loaded as raw
// history with promtool, including an incident that burned checkout's budget
// for 19 hours and ended an hour ago. Prometheus then starts with the
// checkout/availability rules (evaluationInterval 15s), so its recorded series
// begin now: the 1d and 3d ticket tiers cannot see the incident.
//
//  1. Overlap: backfilling from Prometheus's own first evaluation to its last
//     yields, at each of its timestamps, the values it recorded itself, for
//     every recorded series of every layer.
//  2. History: backfilling the two days before, turning them into blocks with
//     promtool and restarting Prometheus on them: each backfilled value equals
//     Prometheus's own evaluation of the rule's expression at that instant
//     over the backfilled inputs, and the ticket tier fires right away.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseDocument, stringify } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { openMetricsChunks } from "../../src/backfill/openmetrics.js";
import { Labels } from "../../src/promql/labels.js";
import { parseRuleFile, type LoadedRule } from "../../src/ruletest/rule-files.js";
import { scrapedCounters, type TrafficPhase } from "../../examples/shop/traffic.js";
import { describeWithTool, REPO_ROOT, runTool } from "../support/tools.js";
import { getJson, pollUntil, startPrometheus, type RunningPrometheus } from "../support/stack.js";
import { parseOpenMetricsSamples, seriesKey, type ParsedSample } from "../support/openmetrics.js";

const STEP = 15_000; // scrape and evaluation interval
const DAY = 86_400_000;
const HOUR = 3_600_000;
const RATE = 10; // requests per second
const BURN_RATIO = 0.005; // 10× the 0.05% budget of checkout/availability (99.95%)
const MAX_RELATIVE_ERROR = 1e-9;
const RULE_FILE = "checkout.availability.slo.rules.yaml";

interface QueryResponse {
  data: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] };
}
interface AlertsResponse {
  data: { alerts: { labels: Record<string, string>; state: string }[] };
}

function relativeError(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

const promValue = (s: string) => (s === "+Inf" ? Infinity : s === "-Inf" ? -Infinity : Number(s));

describeWithTool(["prometheus", "promtool"], "monac backfill against the real Prometheus", () => {
  let tmp: string;
  let prom: RunningPrometheus | undefined;
  let workspace: string;
  let promDir: string;
  let dataDir: string;
  let configFile: string;
  let rules: LoadedRule[];
  const t0 = Math.floor(Date.now() / STEP) * STEP - STEP; // the raw history ends here, before Prometheus starts
  const historyStart = t0 - 2 * DAY;
  const figures: Record<string, unknown> = {};

  const query = async (expr: string, time?: number) =>
    (await getJson<QueryResponse>(`${prom!.url}/api/v1/query?query=${encodeURIComponent(expr)}${time === undefined ? "" : `&time=${time / 1000}`}`)).data;
  const firingTiers = async () =>
    (await getJson<AlertsResponse>(`${prom!.url}/api/v1/alerts`)).data.alerts
      .filter((a) => a.labels.alertname === "ErrorBudgetBurn" && a.state === "firing")
      .map((a) => a.labels.severity)
      .sort();
  const backfillCli = async (from: number, to: number, out: string) => {
    let output = "";
    const io = { out: (t: string) => { output += `${t}\n`; }, err: (t: string) => { output += `${t}\n`; } };
    const started = performance.now();
    const code = await main(["backfill", "--dir", workspace, "--prometheus", prom!.url, "--from", String(from / 1000), "--to", String(to / 1000), "--slo", "checkout/availability", "--out", out, "--quiet"], io);
    const ms = performance.now() - started;
    expect(code, output).toBe(0);
    return { samples: parseOpenMetricsSamples(readFileSync(path.join(out, "monac-backfill.om"), "utf8")), output, ms };
  };

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "monac-backfill-e2e-"));
    workspace = path.join(tmp, "workspace");
    mkdirSync(workspace);
    for (const entry of ["slos", "alerts"]) cpSync(path.join(REPO_ROOT, entry), path.join(workspace, entry), { recursive: true });
    const doc = parseDocument(readFileSync(path.join(REPO_ROOT, "monac.yaml"), "utf8"));
    doc.set("evaluationInterval", "15s");
    writeFileSync(path.join(workspace, "monac.yaml"), doc.toString());
    let output = "";
    const code = await main(["build", "--dir", workspace, "--no-tests", "--no-dashboards"], { out: (t) => { output += t; }, err: (t) => { output += t; } });
    if (code !== 0) throw new Error(`monac build failed:\n${output}`);
    const ruleFile = path.join(workspace, "out", "prometheus", "rules", RULE_FILE);
    rules = parseRuleFile(ruleFile, readFileSync(ruleFile, "utf8")).flatMap((g) => g.rules).filter((r) => r.kind === "record");

    // Two days of traffic: healthy, then 19 hours at 10× the budget's burn, healthy for the last hour.
    const phases: TrafficPhase[] = [
      { from: historyStart, rate: RATE, errorRatio: 0 },
      { from: t0 - 20 * HOUR, rate: RATE, errorRatio: BURN_RATIO },
      { from: t0 - HOUR, rate: RATE, errorRatio: 0 },
    ];
    const raw = scrapedCounters(phases, historyStart, t0, STEP).map((s) => ({
      labels: Labels.from({ __name__: "http_requests_total", job: "checkout", instance: "shop:8080", ...s.labels }),
      t: s.t,
      v: s.v,
    }));
    promDir = path.join(tmp, "prometheus");
    dataDir = path.join(promDir, "data");
    mkdirSync(path.join(promDir, "rules"), { recursive: true });
    writeFileSync(path.join(promDir, "raw.om"), [...openMetricsChunks(raw)].join(""));
    const blocks = await runTool("promtool", ["tsdb", "create-blocks-from", "openmetrics", path.join(promDir, "raw.om"), dataDir], { timeoutMs: 120_000 });
    if (blocks.code !== 0) throw new Error(`promtool create-blocks-from openmetrics (raw history) failed:\n${blocks.stdout}${blocks.stderr}`);

    cpSync(ruleFile, path.join(promDir, "rules", RULE_FILE));
    configFile = path.join(promDir, "prometheus.yml");
    writeFileSync(configFile, stringify({
      global: { scrape_interval: "15s", evaluation_interval: "15s" },
      rule_files: [path.join(promDir, "rules", "*.rules.yaml")],
    }));
    prom = await startPrometheus(promDir, configFile, dataDir);
  }, 180_000);

  afterAll(async () => {
    await prom?.proc.stop();
    console.log(`backfill e2e figures: ${JSON.stringify(figures, null, 2)}`);
    if (tmp !== undefined && (prom === undefined || prom.proc.exited())) rmSync(tmp, { recursive: true, force: true });
  }, 30_000);

  it("Prometheus reads the raw history, and without backfill the ticket tier cannot see the incident", async () => {
    const total = await query(`sum(increase(http_requests_total{job="checkout"}[1d]))`, t0);
    expect(Number(total.result[0]!.value![1])).toBeGreaterThan(0.99 * RATE * 86_400);
    await pollUntil("four evaluations of the checkout/availability group", async () => {
      const r = (await query(`slo:sli_total:increase5m{service="checkout", slo="availability"}[5m]`)).result;
      return r.length === 1 && r[0]!.values!.length >= 4 ? true : undefined;
    }, 120_000, 1000, () => prom!.proc.output().split("\n").slice(-10).join("\n"));
    // The 2h window (raw) sees the incident's last hour; the 1d/3d windows sum recorded series that start now.
    const ratio2h = Number((await query(`slo:sli_error:ratio_rate2h{service="checkout", slo="availability"}`)).result[0]!.value![1]);
    expect(ratio2h / 0.0005).toBeGreaterThan(3);
    expect(await firingTiers()).toEqual([]);
  }, 150_000);

  it("backfilled from Prometheus's first evaluation, every recorded value equals what Prometheus recorded", async () => {
    const live = (await query(`{__name__=~"slo:.+", service="checkout", slo="availability"}[10m]`)).result;
    const liveSamples = new Map<string, Map<number, number>>();
    let first = Infinity;
    let last = -Infinity;
    for (const s of live) {
      const { __name__: name, ...labels } = s.metric;
      const byTime = new Map<number, number>();
      for (const [ts, v] of s.values!) {
        const t = Math.round(ts * 1000);
        byTime.set(t, promValue(v));
        first = Math.min(first, t);
        last = Math.max(last, t);
      }
      liveSamples.set(seriesKey(name!, labels), byTime);
    }
    const { samples, ms } = await backfillCli(first, last, path.join(tmp, "overlap"));
    let compared = 0;
    let worst = 0;
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const s of samples) {
      const expected = liveSamples.get(s.series)?.get(s.t);
      seen.add(`${s.series}@${s.t}`);
      if (expected === undefined) {
        problems.push(`${s.series} @${s.t}: backfilled ${s.value}, Prometheus recorded nothing`);
        continue;
      }
      const err = relativeError(s.value, expected);
      worst = Math.max(worst, err);
      compared++;
      if (err > MAX_RELATIVE_ERROR) problems.push(`${s.series} @${s.t}: backfilled ${s.value}, Prometheus recorded ${expected}`);
    }
    for (const [series, byTime] of liveSamples) {
      for (const t of byTime.keys()) if (!seen.has(`${series}@${t}`)) problems.push(`${series} @${t}: recorded by Prometheus, missing from the backfill`);
    }
    figures.overlap = { series: liveSamples.size, samples: compared, maxRelativeError: worst, from: new Date(first).toISOString(), to: new Date(last).toISOString(), backfillMs: Math.round(ms) };
    expect(problems).toEqual([]);
    // Every rule but the three 30d ones has recorded at every one of the 4+ evaluations; those start at the
    // first 5m boundary after Prometheus's first evaluation (their [30d:5m] subquery has nothing before).
    expect(liveSamples.size).toBeGreaterThanOrEqual(rules.length - 3);
    expect(compared).toBeGreaterThanOrEqual(4 * (rules.length - 3));
  }, 120_000);

  it("two days backfilled before Prometheus started: values equal Prometheus's own evaluation, and the 1d/3d tier fires right after", async () => {
    const live = (await query(`slo:sli_total:increase5m{service="checkout", slo="availability"}[10m]`)).result[0]!.values!;
    const firstLive = Math.round(live[0]![0] * 1000);
    // On Prometheus's own grid, up to the evaluation before its first.
    const from = firstLive - Math.floor((firstLive - historyStart) / STEP) * STEP;
    const out = path.join(tmp, "history");
    const { samples, ms, output } = await backfillCli(from, firstLive - STEP, out);
    figures.history = { from: new Date(from).toISOString(), to: new Date(firstLive - STEP).toISOString(), evaluations: (firstLive - STEP - from) / STEP + 1, samples: samples.length, backfillMs: Math.round(ms), cli: output.trim().split("\n") };

    const blocks = path.join(out, "blocks");
    const created = await runTool("promtool", ["tsdb", "create-blocks-from", "openmetrics", path.join(out, "monac-backfill.om"), blocks], { timeoutMs: 120_000 });
    expect(created.code, created.stderr).toBe(0);
    await prom!.proc.stop();
    for (const b of readdirSync(blocks)) renameSync(path.join(blocks, b), path.join(dataDir, b));
    prom = await startPrometheus(promDir, configFile, dataDir);

    // The first evaluation after the restart sees the backfilled day: the ticket tier fires, nothing pages.
    const tiers = await pollUntil("the warning tier of checkout/availability to fire", async () => {
      const t = await firingTiers();
      return t.length > 0 ? t : undefined;
    }, 60_000, 500);
    expect(tiers).toEqual(["warning"]);

    // Prometheus's own evaluation of every rule at history instants, over the backfilled inputs.
    const byKey = new Map<string, ParsedSample>();
    for (const s of samples) byKey.set(`${s.series}@${s.t}`, s);
    const last = firstLive - STEP;
    const instants = [from, from + 7 * STEP, ...Array.from({ length: 10 }, (_, i) => from + Math.round(((i + 1) / 11) * ((last - from) / STEP)) * STEP), last - 4 * STEP, last];
    let compared = 0;
    let worst = 0;
    const problems: string[] = [];
    const matched = new Set<string>();
    for (const t of instants) {
      for (const rule of rules) {
        const result = (await query(rule.exprText, t)).result;
        for (const r of result) {
          const labels: Record<string, string> = { ...r.metric };
          delete labels.__name__;
          for (const [k, v] of rule.labels) labels[k] = v;
          const key = `${seriesKey(rule.name, labels)}@${t}`;
          const got = byKey.get(key);
          if (got === undefined) {
            problems.push(`${key}: Prometheus evaluates ${r.value![1]}, not backfilled`);
            continue;
          }
          matched.add(key);
          const err = relativeError(got.value, promValue(r.value![1]));
          worst = Math.max(worst, err);
          compared++;
          if (err > MAX_RELATIVE_ERROR) problems.push(`${key}: backfilled ${got.value}, Prometheus evaluates ${r.value![1]}`);
        }
      }
    }
    const checked = new Set(instants);
    for (const [key, s] of byKey) if (checked.has(s.t) && !matched.has(key)) problems.push(`${key}: backfilled ${s.value}, Prometheus evaluates nothing`);
    figures.historyCheck = { instants: instants.length, comparisons: compared, maxRelativeError: worst, firingAfterRestart: tiers };
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual((instants.length - 2) * (rules.length - 2));
  }, 240_000);
});
