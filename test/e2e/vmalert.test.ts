// The vmalert target against the real VictoriaMetrics: the layered rule file
// of checkout/availability (evaluationInterval 15s) runs in vmalert, which
// reads from and remote-writes to a single-node victoria-metrics holding three
// hours of synthetic traffic with 1% errors for the last 70 minutes: a 20x
// burn over 1h and 5m (page-fast trips at 14.4x), but under 4x over 6h, so
// page-slow (6x over 6h and 30m) cannot. The critical ErrorBudgetBurn can
// then only fire through the 5m ratio, which vmalert records in the second
// layer from the first layer's 5m counts: each layer has to reach storage
// through remote write and be read back by the next group.
import { targetInputOf } from "../../src/compile/bundle.js";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadWorkspace } from "../../src/workspace/workspace.js";
import { checkWorkspace } from "../../src/compile/check.js";
import type { WorkspaceModel } from "../../src/workspace/model.js";
import type { TargetInput } from "../../src/compile/targets/target.js";
import { vmalertArtifacts } from "../../src/compile/targets/vmalert.js";
import { describeWithTool, REPO_ROOT } from "../support/tools.js";
import { freePort, getJson, pollUntil, startProcess, toolOrThrow, type Proc } from "../support/stack.js";
const STEP = 15_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const PER_STEP = 200; // requests per step
const ERRORS_PER_STEP = 2; // 1% during the incident: 20x the 0.05% budget
const RULE_FILE = "vmalert/checkout.availability.slo.rules.yaml";

interface AlertsResponse {
  data: { alerts: { labels: Record<string, string>; state: string; value?: string }[] };
}
interface RulesResponse {
  data: { groups: { name: string; interval: number; rules: { name: string; type: string; health: string; lastError: string }[] }[] };
}
interface QueryResponse {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** The target's input, as the build makes it. */
function targetInput(model: WorkspaceModel): TargetInput {
  return targetInputOf(model, []);
}

/** Prometheus text lines of checkout's counters, one sample per step, 1% errors from `incidentFrom` on. */
function syntheticTraffic(from: number, to: number, incidentFrom: number): string {
  const lines: string[] = [];
  let ok = 0;
  let errors = 0;
  for (let t = from; t <= to; t += STEP) {
    if (t > from) {
      const bad = t > incidentFrom ? ERRORS_PER_STEP : 0;
      errors += bad;
      ok += PER_STEP - bad;
    }
    lines.push(`http_requests_total{job="checkout",instance="shop:8080",code="200"} ${ok} ${t}`);
    lines.push(`http_requests_total{job="checkout",instance="shop:8080",code="500"} ${errors} ${t}`);
  }
  return `${lines.join("\n")}\n`;
}

describeWithTool(["vmalert", "victoria-metrics"], "vmalert target against vmalert and VictoriaMetrics", () => {
  let tmp: string;
  let vm: Proc | undefined;
  let vmalert: Proc | undefined;
  let vmUrl = "";
  let vmalertUrl = "";
  const timings: Record<string, number> = {};
  const started = performance.now();
  const lap = (name: string, since: number) => {
    timings[name] = Math.round(performance.now() - since);
  };

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "monac-vmalert-e2e-"));
    const workspace = path.join(tmp, "workspace");
    mkdirSync(workspace);
    for (const entry of ["slos", "alerts"]) cpSync(path.join(REPO_ROOT, entry), path.join(workspace, entry), { recursive: true });
    const doc = parseDocument(readFileSync(path.join(REPO_ROOT, "monac.yaml"), "utf8"));
    doc.set("evaluationInterval", "15s");
    writeFileSync(path.join(workspace, "monac.yaml"), doc.toString());
    const loaded = checkWorkspace(await loadWorkspace(workspace));
    if (loaded.model === undefined) throw new Error(`workspace copy does not load: ${JSON.stringify(loaded.diagnostics)}`);
    const out = vmalertArtifacts(targetInput(loaded.model), loaded.model.targets?.vmalert);
    expect(out.problems).toEqual([]);
    const rules = out.artifacts.find((a) => a.path === RULE_FILE);
    if (rules === undefined) throw new Error(`${RULE_FILE} not generated`);
    const ruleFile = path.join(tmp, "checkout.availability.slo.rules.yaml");
    writeFileSync(ruleFile, rules.content);

    let t = performance.now();
    const vmPort = await freePort();
    vmUrl = `http://127.0.0.1:${vmPort}`;
    vm = startProcess("victoria-metrics", toolOrThrow("victoria-metrics"), [
      `-storageDataPath=${path.join(tmp, "vm-data")}`,
      `-httpListenAddr=127.0.0.1:${vmPort}`,
      "-retentionPeriod=1y",
      // Historical samples are imported below: no stale cached responses.
      "-search.disableCache",
      "-loggerLevel=WARN",
    ], tmp);
    await pollUntil("victoria-metrics to be ready", async () => {
      if (vm!.exited()) throw new Error(`victoria-metrics exited:\n${vm!.output()}`);
      return (await fetch(`${vmUrl}/health`)).ok ? true : undefined;
    }, 30_000, 200, () => vm!.output().split("\n").slice(-20).join("\n"));
    lap("victoria-metrics ready", t);

    // Seven hours of traffic (the 6h window is full), the incident from 70
    // minutes ago on, and samples ten minutes into the future so the burn
    // lasts the whole test.
    t = performance.now();
    const now = Math.floor(Date.now() / STEP) * STEP;
    const body = syntheticTraffic(now - 7 * HOUR, now + 10 * MINUTE, now - 70 * MINUTE);
    const res = await fetch(`${vmUrl}/api/v1/import/prometheus`, { method: "POST", body, signal: AbortSignal.timeout(10_000) });
    expect(res.status, await res.text()).toBeLessThan(300);
    await fetch(`${vmUrl}/internal/force_flush`, { signal: AbortSignal.timeout(10_000) });
    await pollUntil("the imported samples to be queryable", async () => {
      const q = await getJson<QueryResponse>(`${vmUrl}/api/v1/query?query=${encodeURIComponent('sum(increase(http_requests_total{job="checkout",code="500"}[5m]))')}`);
      return q.data.result.length > 0 && Number(q.data.result[0]!.value[1]) > 0 ? true : undefined;
    }, 30_000, 250);
    lap("import", t);

    t = performance.now();
    const vmalertPort = await freePort();
    vmalertUrl = `http://127.0.0.1:${vmalertPort}`;
    vmalert = startProcess("vmalert", toolOrThrow("vmalert"), [
      `-rule=${ruleFile}`,
      `-datasource.url=${vmUrl}`,
      `-remoteWrite.url=${vmUrl}`,
      `-remoteRead.url=${vmUrl}`,
      "-evaluationInterval=15s",
      "-notifier.blackhole",
      `-httpListenAddr=127.0.0.1:${vmalertPort}`,
      "-loggerLevel=WARN",
    ], tmp);
    await pollUntil("vmalert to be ready", async () => {
      if (vmalert!.exited()) throw new Error(`vmalert exited:\n${vmalert!.output()}`);
      return (await fetch(`${vmalertUrl}/health`)).ok ? true : undefined;
    }, 30_000, 200, () => vmalert!.output().split("\n").slice(-20).join("\n"));
    lap("vmalert ready", t);
  }, 120_000);

  afterAll(async () => {
    // Each in its own process group, stopped by its handle; vmalert first (it writes to victoria-metrics).
    await vmalert?.stop();
    await vm?.stop();
    lap("total", started);
    console.log(`vmalert e2e timings (ms): ${JSON.stringify(timings)}`);
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it("loads the layered groups at the workspace's interval", async () => {
    const rules = await getJson<RulesResponse>(`${vmalertUrl}/api/v1/rules`);
    const names = rules.data.groups.map((g) => g.name).sort();
    expect(names).toEqual([
      "slo-checkout-availability-alerts",
      "slo-checkout-availability-recording-1",
      "slo-checkout-availability-recording-2",
      "slo-checkout-availability-recording-3",
    ]);
    for (const g of rules.data.groups) expect(g.interval, g.name).toBe(15);
  });

  it("fires the critical ErrorBudgetBurn for checkout/availability", async () => {
    const t = performance.now();
    const alert = await pollUntil("the critical ErrorBudgetBurn to fire in vmalert", async () => {
      const alerts = (await getJson<AlertsResponse>(`${vmalertUrl}/api/v1/alerts`)).data.alerts;
      return alerts.find(
        (a) =>
          a.labels.alertname === "ErrorBudgetBurn" &&
          a.labels.severity === "critical" &&
          a.labels.service === "checkout" &&
          a.labels.slo === "availability" &&
          a.state === "firing",
      );
    }, 150_000, 1000, () => `vmalert:\n${vmalert!.output().split("\n").slice(-20).join("\n")}`);
    lap("alert firing", t);
    // $value is the 1h burn rate: 1% errors over the whole hour, 20x.
    if (alert.value !== undefined) expect(Number(alert.value)).toBeCloseTo(20, 0);
    const latest = async (series: string) => {
      const q = await getJson<QueryResponse>(`${vmUrl}/api/v1/query?query=${encodeURIComponent(`${series}{service="checkout",slo="availability"}`)}`);
      return q.data.result.length === 1 ? Number(q.data.result[0]!.value[1]) : undefined;
    };
    // Page-slow was never possible: it was the page-fast tier, through layer 2.
    const burn6h = (await latest("slo:sli_error:ratio_rate6h"))! / 0.0005;
    expect(burn6h).toBeGreaterThan(1);
    expect(burn6h).toBeLessThan(6);
    expect((await latest("slo:sli_error:ratio_rate5m"))! / 0.0005).toBeGreaterThan(14.4);
    // Layers 1 to 3 reached storage through remote write. (The period ratio's
    // 5m-step subquery needs a 5m boundary after vmalert's first samples.)
    for (const series of ["slo:sli_total:increase5m", "slo:sli_total:increase15s", "slo:sli_error:ratio_rate1d"]) {
      await pollUntil(`${series} in victoria-metrics`, () => latest(series), 60_000, 1000);
    }
    // And no rule failed on MetricsQL.
    const rules = await getJson<RulesResponse>(`${vmalertUrl}/api/v1/rules`);
    for (const g of rules.data.groups) for (const r of g.rules) expect(`${g.name}/${r.name}: ${r.health} ${r.lastError}`).toBe(`${g.name}/${r.name}: ok `);
  }, 180_000);
});
