// Alert quality by evaluation, against the SRE workbook (ch. 5, "Alerting
// on SLOs"): monac's generated rules for a 99.9% / 30d SLO are replayed on
// monac's engine through steady incidents and outages, and their alert
// timelines are held to what the workbook's arithmetic says — detection
// t = (1 − SLO) / E × long window × factor, rounded up to the next evaluation
// plus one evaluation; nothing starting after an outage has ended; a page
// resolving once the outage has left its short window. The expected times
// are computed here from the workbook's table, never from monac's rules.
import { describe, expect, it } from "vitest";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { parseRuleFile } from "../../src/ruletest/index.js";
import { replayIncident, trafficInput, type AlertInterval } from "../../src/ruletest/incidents.js";
import { sampleIntervalMs } from "../../src/compile/rule-tests/slo-tests.js";
import { BASE_MONAC_YAML, modelFrom } from "../support/workspace.js";

const MIN = 60_000;
const SLO = 0.999;
const BUDGET = 1 - SLO;
const PERIOD_MIN = 30 * 1440;
const REQUESTS_PER_MIN = 1000;
const BASELINE = 0.0001;
const HISTORY_MIN = 3 * 1440;

// The workbook's table for a 30d period: [long window, short window, factor] in minutes.
const PAGE = [
  [60, 5, 14.4],
  [360, 30, 6],
];
const TICKET = [
  [1440, 120, 3],
  [4320, 360, 1],
];

/** The workbook's detection time (minutes) of the fastest tier that can fire at error ratio E. */
function workbookDetection(tiers: number[][], errorRatio: number): number | undefined {
  const times = tiers.filter(([, , f]) => errorRatio > f! * BUDGET).map(([long, , f]) => (BUDGET / errorRatio) * long! * f!);
  return times.length ? Math.min(...times) : undefined;
}

const SPEC = `service: shop
team: shop
slos:
  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
`;

function rulesAt(intervalMs: number) {
  const model = modelFrom({ "monac.yaml": `evaluationInterval: ${intervalMs / 1000}s\n${BASE_MONAC_YAML}`, "slos/shop.yaml": SPEC });
  const file = compileWorkspace(model, { dashboards: false }).find((a) => a.path === "prometheus/rules/shop.availability.slo.rules.yaml")!;
  return parseRuleFile("shop.availability.slo.rules.yaml", file.content);
}

async function run(intervalMs: number, errorRatio: Array<[number, number]>, minutes: number): Promise<AlertInterval[]> {
  // Scraped independently of the rules' evaluation, as by Prometheus: at most
  // a minute apart, on every evaluation (the generated tests' synthetic scrape).
  const input = trafficInput(
    { requestsPerMinute: REQUESTS_PER_MIN, errorRatio, minutes },
    { errors: 'http_requests_total{job="shop", code="500"}', good: 'http_requests_total{job="shop", code="200"}' },
    sampleIntervalMs(intervalMs),
  );
  return replayIncident({ groups: rulesAt(intervalMs), series: input.series, inputIntervalMs: input.inputIntervalMs, evaluationIntervalMs: intervalMs, durationMs: minutes * MIN });
}

const bySeverity = (alerts: AlertInterval[], severity: string) => alerts.filter((a) => a.labels.alertname === "ErrorBudgetBurn" && a.labels.severity === severity);

for (const intervalMs of [MIN, 30_000, 5 * MIN]) {
  const evalMin = intervalMs / MIN;
  /** The bound: the workbook time rounded up to the next evaluation, plus one evaluation. */
  const bound = (t: number) => Math.ceil(t / evalMin - 1e-9) * evalMin + evalMin;

  describe(`burn-rate alerts at a ${evalMin * 60}s evaluation interval`, () => {
    const pages: Array<[string, number]> = [
      ["100%", 1],
      ["50%", 0.5],
      ["10%", 0.1],
      ["2%", 0.02],
      ["15.84x", 0.01584],
      ["10x", 0.01],
      ["6.6x", 0.0066],
    ];
    for (const [name, e] of pages) {
      it(`page on ${name} errors no later than the workbook (+1 evaluation)`, async () => {
        const t = workbookDetection(PAGE, e)!;
        const alerts = await run(intervalMs, [[0, BASELINE], [HISTORY_MIN, e]], HISTORY_MIN + Math.ceil(bound(t)) + 2);
        const [page] = bySeverity(alerts, "critical");
        expect(page, "no page").toBeDefined();
        const firedAfter = page!.firingFrom / MIN - HISTORY_MIN;
        expect(firedAfter).toBeLessThanOrEqual(bound(t));
        expect(firedAfter).toBeGreaterThan(0);
      });
    }

    const tickets: Array<[string, number]> = [
      ["6.6x", 0.0066],
      ["3.3x", 0.0033],
      ["1.1x", 0.0011],
    ];
    for (const [name, e] of tickets) {
      it(`ticket on a ${name} slow burn no later than the workbook (+1 evaluation)`, async () => {
        const t = workbookDetection(TICKET, e)!;
        const alerts = await run(intervalMs, [[0, BASELINE], [HISTORY_MIN, e]], HISTORY_MIN + Math.ceil(bound(t)) + 2);
        const [ticket] = bySeverity(alerts, "warning");
        expect(ticket, "no ticket").toBeDefined();
        expect(ticket!.firingFrom / MIN - HISTORY_MIN).toBeLessThanOrEqual(bound(t));
      });
    }

    for (const outage of [5, 10]) {
      it(`a ${outage}-minute full outage: alerts start during it, none after, and the page resolves within its short window`, async () => {
        const end = HISTORY_MIN + outage;
        const alerts = await run(intervalMs, [[0, BASELINE], [HISTORY_MIN, 1], [end, BASELINE]], end + 7 * 60);
        const burn = alerts.filter((a) => a.labels.alertname === "ErrorBudgetBurn");
        // One page and one ticket, each one alert from start to end.
        expect(burn.map((a) => a.labels.severity).sort()).toEqual(["critical", "warning"]);
        for (const a of burn) expect(a.firingFrom / MIN).toBeLessThanOrEqual(end);
        const [page] = bySeverity(alerts, "critical");
        // Both page tiers see the outage; the slower one's 30m short window is the last to empty.
        expect(page!.firingUntil! / MIN).toBeLessThanOrEqual(end + 30 + evalMin);
        // The workbook's page arithmetic: 2% of the budget in 1h takes 0.864 minutes of a full outage.
        expect(page!.firingFrom / MIN - HISTORY_MIN).toBeLessThanOrEqual(bound(workbookDetection(PAGE, 1)!));
      });
    }

    it("fire nothing at half the slowest tier's burn rate, nor on healthy traffic", async () => {
      const half = await run(intervalMs, [[0, 0.5 * BUDGET]], 4 * 1440);
      expect(half.filter((a) => a.labels.alertname === "ErrorBudgetBurn")).toEqual([]);
      const healthy = await run(intervalMs, [[0, BASELINE]], 4 * 1440);
      expect(healthy.filter((a) => a.labels.alertname === "ErrorBudgetBurn")).toEqual([]);
    });

    // A full outage spends the 30d budget (43.2 minutes of it) at 2.3% a
    // minute: at 1m and 30s a page within 3%; at 5m no evaluation sees the
    // outage before 5 minutes of it (11.6%), and the page comes at that one.
    const budgetMin = BUDGET * PERIOD_MIN;
    const oneEvaluation = evalMin / budgetMin >= 0.03;
    it(`budget spent at the first page of a full outage ${oneEvaluation ? "is one evaluation's worth" : "stays under 3%"}`, async () => {
      const alerts = await run(intervalMs, [[0, BASELINE], [HISTORY_MIN, 1]], HISTORY_MIN + 10);
      const [page] = bySeverity(alerts, "critical");
      const minutesOfOutage = page!.firingFrom / MIN - HISTORY_MIN;
      if (oneEvaluation) expect(minutesOfOutage).toBe(evalMin);
      else expect(minutesOfOutage / budgetMin).toBeLessThan(0.03);
    });
  });
}
