// The SLO dashboard's numbers, by evaluation: synthetic traffic with a known
// incident goes through monac's generated recording rules on monac's engine,
// then the dashboard's own panel queries are run over the recorded series.
import { describe, expect, it } from "vitest";
import { Engine, Labels, SeriesStore } from "../../../src/promql/index.js";
import { sloRuleGroup } from "../../../src/compile/slo-rules.js";
import { isAlertingRule } from "../../../src/compile/rules.js";
import { sloDashboard } from "../../../src/compile/dashboards/slo-dashboard.js";
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { modelFrom } from "../../support/workspace.js";

const MINUTE = 60_000;
const STEP = 5 * MINUTE; // rule evaluation interval

const model = modelFrom({
  "slos/shop.yaml": `service: shop
team: shop
slos:
  - name: availability
    objective: 99.9
    period: 30d
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
`,
});
const slo = model.slos[0]!;

/**
 * Steady traffic of `perMinute` requests, all successful except during the
 * incident, when every request fails. Counters are scraped every minute from
 * t=0; the incident starts on a 5m boundary so no count straddles it.
 */
function syntheticTraffic(store: SeriesStore, end: number, incident: { start: number; minutes: number }, perMinute: number): void {
  const ok = Labels.from({ __name__: "http_requests_total", job: "shop", code: "200" });
  const failed = Labels.from({ __name__: "http_requests_total", job: "shop", code: "500" });
  let good = 0;
  let bad = 0;
  for (let t = 0; t <= end; t += MINUTE) {
    store.append(ok, t, good);
    store.append(failed, t, bad);
    const inIncident = t >= incident.start && t < incident.start + incident.minutes * MINUTE;
    if (inIncident) bad += perMinute;
    else good += perMinute;
  }
}

/** Evaluates recording rules in group order, each at every step, as Prometheus's rule manager would. */
function recordRules(store: SeriesStore, engine: Engine, start: number, end: number): void {
  for (const rule of sloRuleGroup(slo).rules) {
    if (isAlertingRule(rule)) continue;
    const result = engine.rangeQuery(rule.expr, start, end, STEP);
    if (result.value.type !== "matrix") throw new Error("range query returned no matrix");
    for (const series of result.value.series) {
      let labels = series.metric.with("__name__", rule.record);
      for (const [k, v] of Object.entries(rule.labels ?? {})) labels = labels.with(k, v);
      series.t.forEach((t, i) => store.append(labels, t, series.v[i]!));
    }
  }
}

function panelQuery(title: RegExp): string {
  const panels = sloDashboard(slo.service, [slo]).json.panels as Panel[];
  const panel = panels.find((p) => p.type !== "row" && title.test(p.title ?? ""));
  const expr = (panel?.targets?.[0] as { expr?: string } | undefined)?.expr;
  if (!expr) throw new Error(`no panel matching ${title}`);
  return expr;
}

function instant(engine: Engine, query: string, t: number): number {
  const r = engine.instantQuery(query, t);
  if (r.value.type !== "vector" || r.value.samples.length !== 1) throw new Error(`expected one sample from ${query}, got ${JSON.stringify(r.value)}`);
  return r.value.samples[0]!.v;
}

describe("SLO dashboard, evaluated", () => {
  const incidentMinutes = 30;
  const perMinute = 100;
  // A full period of counts before the reading, plus the first 5m window.
  const end = slo.periodMs + 2 * STEP;
  const store = new SeriesStore();
  syntheticTraffic(store, end, { start: 10 * 24 * 60 * MINUTE, minutes: incidentMinutes }, perMinute);
  const engine = new Engine(store);
  recordRules(store, engine, STEP, end);

  // From the spec: the share of the period's events that failed, and of the budget that spent.
  const periodMinutes = slo.periodMs / MINUTE;
  const errorRatio = incidentMinutes / periodMinutes;
  const budget = slo.errorBudget.toNumber();

  it("the SLI stat reads 1 - failed/total over the period", () => {
    expect(instant(engine, panelQuery(/^SLI over/), end)).toBeCloseTo(1 - errorRatio, 12);
  });

  it("the budget-remaining stat reads 1 - (failed/total)/budget (30 min of a 30d 99.9% budget leaves about 30.6%)", () => {
    const remaining = instant(engine, panelQuery(/^Error budget remaining/), end);
    expect(remaining).toBeCloseTo(1 - errorRatio / budget, 12);
    expect(remaining).toBeGreaterThan(0.3);
    expect(remaining).toBeLessThan(0.31);
  });

  it("the burn-rate stat is 0 an hour after a quiet hour, and the budget is unspent before the incident", () => {
    expect(instant(engine, panelQuery(/^Burn rate \(1h\)/), end)).toBe(0);
    expect(instant(engine, panelQuery(/^Error budget remaining/), 9 * 24 * 60 * MINUTE)).toBe(1);
  });
});
