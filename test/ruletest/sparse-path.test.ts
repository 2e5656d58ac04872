// The fast path evaluated only where reads look (EvalPlan.reads, demand.ts)
// must show the caller exactly what the full loop shows: the same alerts at
// every check, the same result (values bit for bit) for every read, and the
// same rule errors. Run on every test group of every test file we have, with
// the group's own expression tests as reads and with many more reads of
// every recorded series (instant, ranges, offsets) at the checked times.
import { describe, expect, it } from "vitest";
import { parsePromQL, type Expr, type QueryResult } from "../../src/promql/index.js";
import { buildPlan, evaluate, parseRuleFile, parseTestFile, type EvalResult } from "../../src/ruletest/index.js";
import { haveShared, sharedPath } from "../support/shared.js";
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
});
