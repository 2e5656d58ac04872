// The fast path (one range query per rule) must store exactly what
// promtool's step-by-step loop stores and see exactly the same alerts: both
// run on every test group of every test file we have, and every stored
// sample (staleness markers included, values bit for bit) and every alert
// snapshot is compared.
import { describe, expect, it } from "vitest";
import { buildPlan, evaluate, fastPathBlocker, parseRuleFile } from "../../src/ruletest/index.js";
import { haveShared, sharedPath } from "../support/shared.js";
import { diffDumps, dumpStorage, itEachLoadedTestFile } from "./support.js";

const CONFORMANCE = sharedPath("conformance", "promtool");
const CONFORMANCE_TITLE = "fast path on promtool's conformance fixtures (../shared/conformance/promtool)";
const haveConformance = haveShared(CONFORMANCE, CONFORMANCE_TITLE);


describe("fast path equals the exact loop", () => {
  itEachLoadedTestFile(haveConformance, CONFORMANCE, CONFORMANCE_TITLE, async (loaded, file) => {
    let compared = 0;
    for (const g of loaded.testFile.tests) {
      let plan;
      try {
        plan = buildPlan(loaded.testFile, g, loaded.ruleGroups);
      } catch {
        continue; // unsupported input (native histograms)
      }
      const exact = await evaluate(plan, "exact");
      if (fastPathBlocker(plan.groups) !== undefined || exact.errors.length > 0) continue;
      // Odd, small chunks so that range queries start and end everywhere.
      for (const chunkSteps of [undefined, 7]) {
        const fast = await evaluate({ ...plan, chunkSteps }, "fast");
        expect(fast.path).toBe("fast");
        expect(diffDumps(dumpStorage(exact), dumpStorage(fast))).toBeUndefined();
        expect(fast.alerts).toEqual(exact.alerts);
      }
      compared++;
    }
    // Files where every group needs the exact loop (lookahead, errors) compare nothing.
    if (!/at-modifier|negative-offset|bad-rules|order\.test/.test(file)) expect(compared).toBeGreaterThan(0);
  });
});

describe("fastPathBlocker", () => {
  const blocker = (rules: string) => fastPathBlocker(parseRuleFile("r.yml", rules));
  it("accepts rules reading earlier rules", () => {
    expect(blocker("groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n  - record: b\n    expr: a * 2\n")).toBeUndefined();
  });
  it("rejects a rule reading a later rule or itself", () => {
    expect(blocker("groups:\n- name: g\n  rules:\n  - record: b\n    expr: a * 2\n  - record: a\n    expr: up\n")).toMatch(/evaluated after it/);
    expect(blocker("groups:\n- name: g\n  rules:\n  - record: a\n    expr: a or up\n")).toMatch(/itself/);
    expect(blocker("groups:\n- name: g\n  rules:\n  - record: a\n    expr: '{job=\"x\"}'\n")).toMatch(/itself/);
  });
  it("rejects an alert reading its own ALERTS", () => {
    expect(blocker("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up unless ALERTS{alertname=\"A\"}\n")).toMatch(/itself/);
    expect(blocker("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up unless ALERTS{alertname=\"B\"}\n")).toBeUndefined();
  });
  it("rejects lookahead, limits and querying templates", () => {
    expect(blocker("groups:\n- name: g\n  rules:\n  - record: a\n    expr: up offset -5m\n")).toMatch(/negative offset/);
    expect(blocker("groups:\n- name: g\n  rules:\n  - record: a\n    expr: up @ 100\n")).toMatch(/@ modifier/);
    expect(blocker("groups:\n- name: g\n  limit: 3\n  rules:\n  - record: a\n    expr: up\n")).toMatch(/limit/);
    expect(
      blocker("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      x: '{{ query \"up\" | first | value }}'\n"),
    ).toMatch(/query/);
  });
  it("rejects reading a rule with a larger query_offset", () => {
    expect(
      blocker("groups:\n- name: g\n  query_offset: 2m\n  rules:\n  - record: a\n    expr: up\n- name: h\n  rules:\n  - record: b\n    expr: a\n"),
    ).toMatch(/query_offset/);
  });
});
