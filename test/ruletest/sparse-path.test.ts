// The fast path evaluated only where reads look (EvalPlan.reads, demand.ts)
// must show the caller exactly what the full loop shows: the same alerts at
// every check, the same result (values bit for bit) for every read, and the
// same rule errors. Run on every test group of every test file we have, with
// the group's own expression tests as reads and with many more reads of
// every recorded series (instant, ranges, offsets) at the checked times.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePromQL, type Expr, type QueryResult } from "../../src/promql/index.js";
import { buildPlan, evaluate, loadTestFile, parseRuleFile, parseTestFile, type EvalResult } from "../../src/ruletest/index.js";
import { haveShared, sharedPath } from "../support/shared.js";
import { REPO_ROOT } from "../support/tools.js";
import { bitsOf, itEachLoadedTestFile } from "./support.js";

const CONFORMANCE = sharedPath("conformance", "promtool");
const CONFORMANCE_TITLE = "sparse fast path on promtool's conformance fixtures (../shared/conformance/promtool)";
const haveConformance = haveShared(CONFORMANCE, CONFORMANCE_TITLE);


function shown(res: QueryResult | Error): string {
  if (res instanceof Error) return `error: ${res.message}`;
  const v = res.value;
  if (v.type === "scalar") return `scalar ${bitsOf(v.v)}`;
  if (v.type !== "vector") return v.type;
  return v.samples
    .map((s) => `${s.metric.toString()} ${s.h === undefined ? bitsOf(s.v) : "histogram"}`)
    .sort()
    .join("\n");
}

function query(res: EvalResult, expr: Expr, time: number): QueryResult | Error {
  try {
    return res.engine.instantQuery(expr, time);
  } catch (e) {
    return e as Error;
  }
}

describe("sparse fast path shows what the full loop shows", () => {
  itEachLoadedTestFile(haveConformance, CONFORMANCE, CONFORMANCE_TITLE, async (loaded) => {
    for (const g of loaded.testFile.tests) {
      let plan;
      try {
        plan = buildPlan(loaded.testFile, g, loaded.ruleGroups);
      } catch {
        continue; // unsupported input
      }
      const own: Array<{ expr: Expr; time: number }> = [];
      for (const t of g.promqlExprTests) {
        try {
          own.push({ expr: parsePromQL(t.expr), time: g.startTimestamp + t.evalTime });
        } catch {
          // the runner reads nothing sparsely then
        }
      }
      const records = [...new Set(plan.groups.flatMap((gr) => gr.rules.filter((r) => r.kind === "record").map((r) => r.name)))];
      const times = [...new Set([...plan.alertChecks.keys(), ...g.promqlExprTests.map((t) => t.evalTime), plan.maxEvalTime])].map((t) => g.startTimestamp + t);
      const more = records.flatMap((name) =>
        [`{__name__="${name}"}`, `count_over_time({__name__="${name}"}[10m])`, `sum_over_time({__name__="${name}"}[1h] offset 1m)`, `{__name__="${name}"} offset 2m`].flatMap((q) =>
          times.map((time) => ({ expr: parsePromQL(q), time })),
        ),
      );
      const full = await evaluate(plan, "auto");
      for (const reads of [own, [...own, ...more]]) {
        const sparse = await evaluate({ ...plan, reads }, "auto");
        expect(sparse.errors).toEqual(full.errors);
        expect(sparse.alerts).toEqual(full.alerts);
        expect(sparse.checksReached).toEqual(full.checksReached);
        if (full.errors.length > 0) continue;
        for (const r of reads) expect(shown(query(sparse, r.expr, r.time))).toBe(shown(query(full, r.expr, r.time)));
      }
    }
  });
});

// The generated tests are what sparse evaluation is for (monac build runs
// their rules to fill in alert values): each alert check of the example
// workspace's, native histograms among them, as the full loop shows it.
describe("sparse fast path on the example workspace's generated tests", () => {
  const dir = path.join(REPO_ROOT, "out", "prometheus", "tests");
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".test.yaml"))) {
    it(name, async () => {
      const loaded = await loadTestFile(path.join(dir, name));
      for (const g of loaded.testFile.tests) {
        const plan = buildPlan(loaded.testFile, g, loaded.ruleGroups);
        const full = await evaluate(plan, "fast");
        const sparse = await evaluate({ ...plan, reads: [] }, "fast");
        expect(sparse.errors).toEqual(full.errors);
        expect(sparse.alerts).toEqual(full.alerts);
      }
    }, 60_000);
  }
});

describe("sparse evaluation", () => {
  const rules = (body: string) => parseRuleFile("r.yml", `groups:\n- name: g\n  rules:\n${body}`);
  const plan = (ruleText: string, test: string) => {
    const tf = parseTestFile("t.yml", `rule_files: [r.yml]\nevaluation_interval: 1m\ntests:\n${test}`);
    return buildPlan(tf, tf.tests[0]!, rules(ruleText));
  };

  it("evaluates a rule that may fail at every step, so a failure nobody reads is still reported", async () => {
    // b{x="2"} exists for the first minutes only: `a / on() b` fails then, not at the checked step.
    const p = plan(
      "  - record: r\n    expr: a / on() b\n  - alert: A\n    expr: a > 0\n",
      "  - interval: 1m\n    input_series:\n      - series: a{x=\"1\"}\n        values: 1x60\n      - series: b{x=\"1\"}\n        values: 1x60\n      - series: b{x=\"2\"}\n        values: 1x3\n    alert_rule_test:\n      - eval_time: 50m\n        alertname: A\n",
    );
    const full = await evaluate(p, "auto");
    const sparse = await evaluate({ ...p, reads: [] }, "auto");
    expect(full.errors.length).toBeGreaterThan(0);
    expect(sparse.errors).toEqual(full.errors);
    expect(sparse.path).toBe("exact");
  });

  it("evaluates burn-rate ratios only at the checks that read them, with the same alerts and values", async () => {
    const ruleText = [
      "  - record: errors:increase5m\n    expr: sum(increase(errs[5m])) or vector(0)",
      "  - record: total:increase5m\n    expr: sum(increase(reqs[5m]))",
      "  - record: ratio1h\n    expr: (sum(increase(errs[1h])) or vector(0)) / sum(increase(reqs[1h]))",
      "  - record: ratio1d\n    expr: sum_over_time(errors:increase5m[1d]) / sum_over_time(total:increase5m[1d])",
      "  - alert: Burn\n    expr: ratio1h > 0.01 and ratio1d > 0.001\n    labels:\n      severity: page",
    ].join("\n");
    const test = [
      "  - interval: 1m",
      "    input_series:",
      "      - series: reqs{job=\"x\"}",
      "        values: 0+100x3000",
      "      - series: errs{job=\"x\"}",
      "        values: 0+0x1500 0+20x200 4000+0x1300",
      "    alert_rule_test:",
      "      - { eval_time: 1400m, alertname: Burn }",
      "      - { eval_time: 1560m, alertname: Burn }",
      "      - { eval_time: 2900m, alertname: Burn }",
    ].join("\n");
    const p = plan(ruleText, test + "\n");
    const reads = [
      { expr: parsePromQL("ratio1d"), time: 2000 * 60_000 },
      { expr: parsePromQL("max_over_time(ratio1h[30m])"), time: 1600 * 60_000 },
    ];
    const full = await evaluate(p, "fast");
    const sparse = await evaluate({ ...p, reads }, "fast");
    expect(sparse.alerts).toEqual(full.alerts);
    expect([...sparse.alerts.get(1560 * 60_000)!.get("Burn")!.firing]).toHaveLength(1);
    for (const r of reads) expect(shown(query(sparse, r.expr, r.time))).toBe(shown(query(full, r.expr, r.time)));
    // ratio1h is read at the three checks and over (1570m, 1600m]; the rest of its 3,000 steps are never evaluated.
    const ratio1h = sparse.storage.store.select([{ name: "__name__", op: "=", value: "ratio1h" }])[0]!;
    const points = Array.from({ length: ratio1h.length }, (_, i) => i).filter((i) => !ratio1h.isStale(i)).length;
    expect(points).toBeLessThan(40);
  });

  it("follows a native histogram through increase() into histogram_count and histogram_fraction, and evaluates the ratios over them sparsely", async () => {
    const ruleText = [
      "  - record: errors:increase5m\n    expr: sum(histogram_count(increase(lat[5m])) * histogram_fraction(0.5, +Inf, increase(lat[5m])) > 0) or vector(0)",
      "  - record: total:increase5m\n    expr: sum(histogram_count(increase(lat[5m])))",
      "  - record: ratio1h\n    expr: sum_over_time(errors:increase5m[1h]) / sum_over_time(total:increase5m[1h])",
      // A rule keeping histograms: evaluated at every step (its output is read as histograms, which the analysis does not follow).
      "  - record: lat:rate5m\n    expr: rate(lat[5m])",
      "  - alert: Slow\n    expr: ratio1h > 0.05 and on() histogram_count(lat:rate5m) > 0\n    labels:\n      severity: page",
    ].join("\n");
    const test = [
      "  - interval: 1m",
      "    input_series:",
      "      - series: lat{job=\"x\"}",
      "        values: '{{schema:0 count:0 sum:0 offset:-1 buckets:[0 0]}}+{{schema:0 count:100 sum:40 offset:-1 buckets:[100 0]}}x1000 {{schema:0 count:100100 sum:40040 offset:-1 buckets:[100100 0]}}+{{schema:0 count:100 sum:50 offset:-1 buckets:[80 20]}}x1000'",
      "    alert_rule_test:",
      "      - { eval_time: 900m, alertname: Slow }",
      "      - { eval_time: 1100m, alertname: Slow }",
      "      - { eval_time: 1900m, alertname: Slow }",
    ].join("\n");
    const p = plan(ruleText, test + "\n");
    const reads = [{ expr: parsePromQL("ratio1h"), time: 1500 * 60_000 }];
    const full = await evaluate(p, "fast");
    const sparse = await evaluate({ ...p, reads }, "fast");
    expect(sparse.alerts).toEqual(full.alerts);
    expect([...sparse.alerts.get(1100 * 60_000)!.get("Slow")!.firing]).toHaveLength(1);
    expect([...sparse.alerts.get(900 * 60_000)!.get("Slow")!.firing]).toHaveLength(0);
    for (const r of reads) expect(shown(query(sparse, r.expr, r.time))).toBe(shown(query(full, r.expr, r.time)));
    const points = (name: string): number => {
      const s = sparse.storage.store.select([{ name: "__name__", op: "=", value: name }])[0]!;
      return Array.from({ length: s.length }, (_, i) => i).filter((i) => !s.isStale(i)).length;
    };
    // ratio1h at the three checks and the read; the histogram rule at every step from 1m (the first with two samples) to 1900m.
    expect(points("ratio1h")).toBeLessThan(10);
    expect(points("lat:rate5m")).toBe(1900);
  });
});
