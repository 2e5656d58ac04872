// alertExprValue reads an alerting rule's expression at a loop step from the
// fast path's own evaluation (EvalPlan.keepAlertSteps); where it answers, it
// must be what an instant query of the expression there gives (the first
// sample's float, bit for bit, or no sample). Run on every test group of
// every test file we have, densely and with sparse reads at the checks.
import { describe, expect, it } from "vitest";
import { alertExprValue, buildPlan, evaluate, type LoadedAlertingRule } from "../../src/ruletest/index.js";
import { haveShared, sharedPath } from "../support/shared.js";
import { bitsOf, itEachLoadedTestFile } from "./support.js";

const CONFORMANCE = sharedPath("conformance", "promtool");
const CONFORMANCE_TITLE = "alert values from the fast path on promtool's conformance fixtures (../shared/conformance/promtool)";
const haveConformance = haveShared(CONFORMANCE, CONFORMANCE_TITLE);

const shown = (v: number | undefined): string => (v === undefined ? "none" : bitsOf(v));

describe("alertExprValue is the instant query's value", () => {
  let answered = 0;
  itEachLoadedTestFile(haveConformance, CONFORMANCE, CONFORMANCE_TITLE, async (loaded) => {
    const alertRules = loaded.ruleGroups.flatMap((g) => g.rules.filter((r): r is LoadedAlertingRule => r.kind === "alert"));
    for (const g of loaded.testFile.tests) {
      let plan;
      try {
        plan = buildPlan(loaded.testFile, g, loaded.ruleGroups);
      } catch {
        continue; // unsupported input
      }
      const checks = [...plan.alertChecks.keys()].map((t) => g.startTimestamp + t);
      const sparseReads = alertRules.flatMap((r) => checks.map((time) => ({ expr: r.expr, time })));
      for (const reads of [undefined, sparseReads]) {
        const res = await evaluate({ ...plan, reads, keepAlertSteps: true });
        if (res.path !== "fast") expect(res.alertSteps).toBeUndefined();
        if (res.errors.length > 0) continue;
        const steps = Math.floor(plan.maxEvalTime / plan.evaluationInterval) + 1;
        const times = new Set<number>(checks);
        for (let k = 0; k < steps; k++) times.add(plan.start + k * plan.evaluationInterval);
        for (const rule of alertRules) {
          for (const t of times) {
            const known = alertExprValue(res, rule, t);
            if (known === undefined) continue;
            answered++;
            let want: number | undefined;
            try {
              const r = res.engine.instantQuery(rule.expr, t).value;
              want = r.type === "vector" ? r.samples[0]?.v : undefined;
            } catch {
              continue; // the rule's evaluation would have failed; not asked then
            }
            expect(shown(known.value), `${rule.name} at ${t}`).toBe(shown(want));
          }
        }
      }
    }
  });
  it("answered somewhere", () => {
    expect(answered).toBeGreaterThan(0);
  });
});
