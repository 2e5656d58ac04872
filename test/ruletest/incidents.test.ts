// Incident replay: alert timelines of small rule groups, with every firing
// and resolving time derived by hand from Prometheus 3's semantics
// (left-open range windows, rate()'s extrapolation, `for`).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRuleFile } from "../../src/ruletest/index.js";
import { replay, replayIncident, trafficInput, type AlertInterval, type TrafficProfile } from "../../src/ruletest/incidents.js";
import { describeWithShared, sharedPath } from "../support/shared.js";

const MIN = 60_000;

function ratioRules(holdFor: string | undefined): string {
  return `groups:
  - name: errors
    rules:
      - alert: HighErrorRatio
        expr: rate(errors[5m]) / rate(total[5m]) > 0.11
${holdFor === undefined ? "" : `        for: ${holdFor}\n`}        labels:
          severity: page
`;
}

/** [from, until) in minutes, undefined until = still firing. */
function minutes(alerts: AlertInterval[]): Array<[number, number | undefined]> {
  return alerts.map((a) => [a.firingFrom / MIN, a.firingUntil === undefined ? undefined : a.firingUntil / MIN]);
}

// 60 events a minute; 30% of them errors from minute 10 to minute 20.
const incident: TrafficProfile = {
  requestsPerMinute: 60,
  errorRatio: [
    [0, 0],
    [10, 0.3],
    [20, 0],
  ],
  minutes: 40,
};
const counters = { errors: "errors", total: "total" };

describe("trafficInput", () => {
  it("writes exact cumulative integer counts", () => {
    const input = trafficInput(incident, counters);
    expect(input.inputIntervalMs).toBe(MIN);
    // errors: 0 at minutes 0..10, +18 a minute to 180 at minute 20, flat at minutes 21..40.
    expect(input.series).toEqual([
      { series: "errors", values: "0+0x10 18+18x9 180+0x19" },
      { series: "total", values: "0+60x40" },
    ]);
  });

  it("rounds down, never loses an event to floating point, and samples every 30s", () => {
    // 0.01% of 1,000 a minute: one error every 10 minutes, i.e. every 20 samples at 30s.
    const input = trafficInput(
      { requestsPerMinute: 1000, errorRatio: [[0, 0.0001]], minutes: 30 },
      { errors: 'x{code="500"}', good: 'x{code="200"}' },
      30_000,
    );
    expect(input.inputIntervalMs).toBe(30_000);
    expect(input.series[0]).toEqual({ series: 'x{code="500"}', values: "0+0x19 1+0x19 2+0x19 3" });
    // good = all minus errors, each counted to the last whole event: 499.95 a sample.
    const good = input.series[1]!.values.split(" ").slice(0, 2);
    expect(good).toEqual(["0", "499"]);
  });

  it("rejects malformed profiles", () => {
    expect(() => trafficInput({ requestsPerMinute: 1, errorRatio: [[1, 0]], minutes: 5 }, counters)).toThrow(/start at minute 0/);
    expect(() => trafficInput({ requestsPerMinute: 1, errorRatio: [[0, 2]], minutes: 5 }, counters)).toThrow(/between 0 and 1/);
  });
});

describe("replayIncident", () => {
  // rate(errors[5m]) at t reads the samples at t-4m .. t (the window is
  // left-open). While the first of them is 0, rate() does not extrapolate
  // towards the window start (the counter's zero point is inside it);
  // total is extrapolated by 5/4 to 1/s:
  //   t=11m: errors 0,0,0,0,18  -> 18/300s = 0.06/s -> 0.06, false
  //   t=12m: errors 0,0,0,18,36 -> 36/300s = 0.12/s -> 0.12, true
  // After minute 20 the counter is flat at 180; with a non-zero first sample
  // the increase is extrapolated by 5/4:
  //   t=22m: 144,162,180,180,180 -> 36 * 5/4 / 300s = 0.15  true
  //   t=23m: 162,180,180,180,180 -> 18 * 5/4 / 300s = 0.075 false
  it("fires at the first evaluation the condition holds and resolves at the first it does not", async () => {
    const alerts = await replayIncident({
      groups: parseRuleFile("rules.yml", ratioRules(undefined)),
      ...trafficInput(incident, counters),
      evaluationIntervalMs: MIN,
      durationMs: 40 * MIN,
    });
    expect(minutes(alerts)).toEqual([[12, 23]]);
    expect(alerts[0]!.labels).toEqual({ alertname: "HighErrorRatio", severity: "page" });
  });

  it("with for: 2m, fires once the alert has been pending for 2m", async () => {
    // Pending at 12m (first true evaluation), firing at 14m (active for >= 2m).
    const alerts = await replayIncident({
      groups: parseRuleFile("rules.yml", ratioRules("2m")),
      ...trafficInput(incident, counters),
      evaluationIntervalMs: MIN,
      durationMs: 40 * MIN,
    });
    expect(minutes(alerts)).toEqual([[14, 23]]);
  });

  it("at a 30s evaluation and scrape interval", async () => {
    // 9 errors every 30s from minute 10; the window holds 10 samples, t-4.5m .. t.
    //   t=11.5m: errors 0,..,0,9,18,27 (first 0: no extrapolation) -> 27/300s = 0.09 false
    //   t=12m:   ... 36 -> 0.12 true
    // After minute 20 (flat at 180), extrapolated by 5m/4.5m:
    //   t=22.5m: 144 .. 180 -> 36 * 10/9 / 300s = 0.133 true
    //   t=23m:   153 .. 180 -> 27 * 10/9 / 300s = 0.1   false
    const alerts = await replayIncident({
      groups: parseRuleFile("rules.yml", ratioRules(undefined)),
      ...trafficInput(incident, counters, 30_000),
      evaluationIntervalMs: 30_000,
      durationMs: 40 * MIN,
    });
    expect(minutes(alerts)).toEqual([[12, 23]]);
  });

  it("at a 30s evaluation interval over 1m samples", async () => {
    // t=11.5m reads the samples of t=11m, extrapolated 30s towards the
    // window end: 18 * 4.5/4 / 300s = 0.0675, false. t=22.5m reads those of
    // t=22m (0.15, true); t=23m is 0.075, false.
    const alerts = await replayIncident({
      groups: parseRuleFile("rules.yml", ratioRules("1m")),
      ...trafficInput(incident, counters),
      evaluationIntervalMs: 30_000,
      durationMs: 40 * MIN,
    });
    // Pending at 12m, firing at 13m.
    expect(minutes(alerts)).toEqual([[13, 23]]);
  });

  it("reports one interval per incident, and an alert still firing at the end as open", async () => {
    const twice: TrafficProfile = {
      requestsPerMinute: 60,
      errorRatio: [
        [0, 0],
        [10, 0.3],
        [20, 0],
        [40, 0.3],
        [50, 0],
      ],
      minutes: 60,
    };
    const groups = parseRuleFile("rules.yml", ratioRules(undefined));
    const input = trafficInput(twice, counters);
    const full = await replay({ groups, ...input, evaluationIntervalMs: MIN, durationMs: 60 * MIN });
    expect(full.path).toBe("fast");
    expect(minutes(full.alerts)).toEqual([
      [12, 23],
      [42, 53],
    ]);
    // Cut off at 45m, while the second incident is firing.
    const cut = await replayIncident({ groups, ...input, evaluationIntervalMs: MIN, durationMs: 45 * MIN });
    expect(minutes(cut)).toEqual([
      [12, 23],
      [42, undefined],
    ]);
    // The exact loop sees the same.
    const exact = await replay({ groups, ...input, evaluationIntervalMs: MIN, durationMs: 60 * MIN, mode: "exact" });
    expect(exact.path).toBe("exact");
    expect(exact.alerts).toEqual(full.alerts);
  });
});

const SLOTH_DIR = sharedPath("reference", "sloth");
const SLOTH_RULES = path.join(SLOTH_DIR, "_gen_getting-started.yml");

describeWithShared(SLOTH_RULES, "replayIncident on Sloth's getting-started rules (../shared/reference/sloth)", () => {
  // 1,000 requests a minute, all of them errors from minute 60 to minute 70.
  // The total selector matches both series, so the other one counts the
  // good requests.
  const profile: TrafficProfile = {
    requestsPerMinute: 1000,
    errorRatio: [
      [0, 0],
      [60, 1],
      [70, 0],
    ],
    minutes: 120,
  };
  const sloth = {
    errors: 'http_request_duration_seconds_count{job="myservice",code="500"}',
    good: 'http_request_duration_seconds_count{job="myservice",code="200"}',
  };

  it("pages and tickets at the first evaluation with errors, and the page resolves with its 30m window", async () => {
    const groups = parseRuleFile(SLOTH_RULES, readFileSync(SLOTH_RULES, "utf8"));
    const res = await replay({ groups, ...trafficInput(profile, sloth), evaluationIntervalMs: MIN, durationMs: 120 * MIN });
    expect(res.path).toBe("fast");
    // t=61m, the first sample with errors (1,000):
    //   5m:  errors 1000/300s (first sample 0: no extrapolation), good
    //        3000*5/4/300s = 12.5/s -> 0.21 > 0.0144; 1h: 1000/3600s over
    //        (1000 + 58000*60/59)/3600s -> 0.0167 > 0.0144: page.
    //   2h and 1d: 1000 errors of 61,000 events (both first samples 0) ->
    //   0.0164 > 0.003: ticket.
    // The page's 30m window keeps it firing while it holds a sample from
    // before minute 70 (errors 9,000 at minute 69): until t=98m; at 99m the
    // window's samples are minutes 70..99, all 10,000: rate 0.
    // The ticket's 2h window still holds the incident at the end (120m).
    const got = res.alerts.map((a) => [a.labels.alertname, a.labels.sloth_severity, a.firingFrom / MIN, a.firingUntil === undefined ? undefined : a.firingUntil / MIN]);
    expect(got).toEqual([
      ["MyServiceHighErrorRate", "page", 61, 99],
      ["MyServiceHighErrorRate", "ticket", 61, undefined],
    ]);
  });
});
