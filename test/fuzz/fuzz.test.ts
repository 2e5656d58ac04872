// Nothing invalid gets out: hundreds of seeded mutations of the example
// workspace, each built with `monac build` and judged by test/fuzz/oracle.ts.
// No mutation may crash, be refused untidily, or be accepted and then fail in
// promtool, amtool or its own generated tests.
//
// MONAC_FUZZ_SEED, MONAC_FUZZ_COUNT and MONAC_FUZZ_PROMTOOL_SLO (how many
// changed SLO test files promtool runs; "all" for every one) widen the run;
// a failure prints the seed and index that replay it.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mutation, type Mutation } from "./mutate.js";
import { FuzzWorkspace, type Outcome, type Verdict } from "./oracle.js";
import { REPO_ROOT } from "../support/workspace.js";
import { toolPath, isCI } from "../support/tools.js";

const SEED = Number(process.env.MONAC_FUZZ_SEED ?? 16);
const COUNT = Number(process.env.MONAC_FUZZ_COUNT ?? 320);
const SLO_BUDGET = process.env.MONAC_FUZZ_PROMTOOL_SLO === "all" ? Infinity : Number(process.env.MONAC_FUZZ_PROMTOOL_SLO ?? 2);

describe("fuzzing the example workspace", () => {
  let ws: FuzzWorkspace;
  beforeAll(() => {
    ws = new FuzzWorkspace(REPO_ROOT, { promtoolSloBudget: SLO_BUDGET });
  });
  afterAll(() => ws?.dispose());

  it("needs the real tools to judge accepted mutations", () => {
    const missing = (["promtool", "amtool"] as const).filter((t) => !toolPath(t));
    if (missing.length && !isCI()) console.warn(`\n!!! fuzz: ${missing.join(", ")} missing: accepted mutations are checked on monac only (bash scripts/install-tools.sh)\n`);
    if (isCI()) expect(missing).toEqual([]);
  });

  it("judges: a known-bad accepted build is caught, a refusal is clean", { timeout: 600_000 }, async () => {
    // The oracle itself, on cases whose verdict is known: a template function
    // promtool 3.5 does not have is accepted (with a warning) and must then
    // fail `promtool check rules`; a misspelt field is refused.
    const baseline = await ws.init();
    expect(baseline.outcome).toBe("accepted-valid");
    const redis = ws.specs.get("alerts/redis.yaml")!.toString("utf8");
    const newer = redis.replace(/summary: "/, 'summary: "{{ now }} ');
    expect(newer).not.toBe(redis);
    const bad = await ws.run({ file: "alerts/redis.yaml", bytes: Buffer.from(newer), kind: "self-test", what: "a template function newer than promtool 3.5" });
    if (toolPath("promtool")) {
      expect(bad.outcome).toBe("accepted-invalid");
      expect(bad.problems.join("\n")).toMatch(/promtool check rules: .*not defined/s);
    }
    const typo = await ws.run({ file: "alerts/redis.yaml", bytes: Buffer.from(redis.replace("alerts:", "alrets:")), kind: "self-test", what: "a misspelt field" });
    expect([typo.outcome, typo.exit]).toEqual(["refused", 1]);
  });

  it(`${COUNT} mutations (seed ${SEED}): no crash, clean refusals, and what is accepted loads and passes its tests`, { timeout: 3_600_000 }, async () => {
    const counts: Record<Outcome, number> = { crash: 0, "bad-refusal": 0, "accepted-invalid": 0, refused: 0, "accepted-valid": 0 };
    const byKind = new Map<string, Record<Outcome, number>>();
    const failures: string[] = [];
    const texts = ws.texts();
    const cliSample: { index: number; m: Mutation; v: Verdict }[] = [];
    let toolRuns = { promtoolTests: 0, monacTests: 0 };
    const time = { refusedBuild: 0, acceptedBuild: 0, checks: 0 };
    for (let i = 0; i < COUNT; i++) {
      const m = mutation(SEED, i, texts);
      const v = await ws.run(m);
      counts[v.outcome]++;
      const k = byKind.get(m.kind) ?? { crash: 0, "bad-refusal": 0, "accepted-invalid": 0, refused: 0, "accepted-valid": 0 };
      k[v.outcome]++;
      byKind.set(m.kind, k);
      if (v.outcome === "accepted-valid" || v.outcome === "accepted-invalid") time.acceptedBuild += v.ms.build;
      else time.refusedBuild += v.ms.build;
      time.checks += v.ms.checks;
      toolRuns = { promtoolTests: toolRuns.promtoolTests + v.checked.promtoolTests, monacTests: toolRuns.monacTests + v.checked.monacTests };
      if (v.outcome !== "refused" && v.outcome !== "accepted-valid") {
        failures.push(`#${i} (MONAC_FUZZ_SEED=${SEED}) ${m.what} -> ${v.outcome} (exit ${v.exit})\n  ${v.problems.join("\n  ").slice(0, 3000)}`);
      }
      if (i % 40 === 0) cliSample.push({ index: i, m, v });
    }
    console.log(
      `fuzz seed ${SEED}: ${COUNT} mutations: ${counts.crash} crashes, ${counts["bad-refusal"]} untidy refusals, ` +
        `${counts["accepted-invalid"]} accepted-invalid, ${counts.refused} clean refusals, ${counts["accepted-valid"]} accepted-valid; ` +
        `generated test files re-run: ${toolRuns.monacTests} on monac, ${toolRuns.promtoolTests} on promtool ` +
        `(${ws.stats.promtoolSloSkipped} changed SLO test files left to monac only; MONAC_FUZZ_PROMTOOL_SLO=all runs them); ` +
        `seconds in builds refused ${(time.refusedBuild / 1000).toFixed(1)}, accepted ${(time.acceptedBuild / 1000).toFixed(1)}, checking ${(time.checks / 1000).toFixed(1)}\n` +
        [...byKind].sort().map(([kind, c]) => `  ${kind.padEnd(20)} ${JSON.stringify(c)}`).join("\n"),
    );
    expect(failures).toEqual([]);
    // A fuzz that only ever refuses (or only accepts) proves little.
    expect(counts.refused).toBeGreaterThan(COUNT / 5);
    expect(counts["accepted-valid"]).toBeGreaterThan(COUNT / 10);

    // The same verdicts from the real command, as a user runs it (the stack
    // trace of an escaped exception would only show here).
    for (const { index, m, v } of cliSample) {
      await ws.run(m);
      const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "monac.js"), "validate", "--dir", ws.dir], { encoding: "utf8" });
      expect(r.stderr, `#${index} ${m.what}`).not.toMatch(/\n\s+at |Error\b/);
      expect(r.status, `#${index} ${m.what}: validate exits as build did\n${r.stderr}`).toBe(v.exit);
    }
  });
});
