// "Generators check themselves": whatever the user configured, the rule tests
// monac generates must pass against the rules monac generates, and the
// generator must never have to note that the engine disagrees with the
// workbook (its "WARNING" header line). Over a seeded sample of spec variants
// (see spec-variants.ts): build a one-SLO workspace, write rules and tests to
// a temporary directory, run every generated test file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { ruleTestArtifacts, TESTS_DIR } from "../../src/compile/rule-tests/index.js";
import { runTestFile } from "../../src/ruletest/index.js";
import { describeVariant, specVariants, variantModel, type SpecVariant } from "./spec-variants.js";
import { writeArtifacts } from "../support/workspace.js";

const VARIANTS = specVariants(30);

/** Header comment lines of a generated file (before the YAML). */
function headerOf(content: string): string[] {
  const lines: string[] = [];
  for (const line of content.split("\n")) {
    if (!line.startsWith("#")) break;
    lines.push(line);
  }
  return lines;
}

interface Outcome {
  variant: string;
  disabled: string[];
  testFiles: number;
  groups: number;
  failed: string[];
  errors: string[];
  warnings: string[];
  /** The header's other notes: what the generator could not generate, and why. */
  notes: string[];
  ms: number;
}

async function buildAndRun(v: SpecVariant, root: string, index: number): Promise<Outcome> {
  const started = Date.now();
  const { model, disabled } = variantModel(v);
  const dir = path.join(root, String(index));
  const artifacts = [...compileWorkspace(model, { dashboards: false }), ...(await ruleTestArtifacts(model))];
  writeArtifacts(dir, artifacts);
  const tests = artifacts.filter((a) => a.path.startsWith(`${TESTS_DIR}/`));
  const outcome: Outcome = { variant: describeVariant(v), disabled, testFiles: tests.length, groups: 0, failed: [], errors: [], warnings: [], notes: [], ms: 0 };
  for (const t of tests) {
    const header = headerOf(t.content);
    outcome.warnings.push(...header.filter((l) => l.includes("WARNING")).map((l) => `${t.path}: ${l}`));
    outcome.notes.push(...header.filter((l) => / not generated| no burn-rate tests| no generated tests/.test(l) && !l.includes("WARNING")));
    const result = await runTestFile(path.join(dir, t.path));
    outcome.groups += result.groups.length;
    for (const g of result.groups) {
      if (g.status !== "passed") outcome.failed.push(`${t.path}: ${g.name}: ${g.status}\n${[...g.errors, ...g.mismatches.map((m) => JSON.stringify(m))].join("\n").slice(0, 4000)}`);
    }
    outcome.errors.push(...result.errors.map((e) => `${t.path}: ${String(e)}`));
  }
  outcome.ms = Date.now() - started;
  return outcome;
}

describe("generated rule tests pass for every spec variant", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "monac-property-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("the sample covers what the generator branches on", () => {
    const has = (p: (v: SpecVariant) => boolean) => VARIANTS.some(p);
    for (const o of [90, 95, 99, 99.5, 99.9, 99.99, 99.999]) expect(has((v) => v.objective === o), `objective ${o}`).toBe(true);
    for (const p of ["7d", "28d", "90d"]) expect(has((v) => v.period === p), `period ${p}`).toBe(true);
    for (const t of ["page-fast", "page-slow", "ticket-fast", "ticket-slow"]) {
      expect(has((v) => v.tiers.kind === "without" && v.tiers.tier === t), `without ${t}`).toBe(true);
      expect(has((v) => v.tiers.kind === "only" && v.tiers.tier === t), `only ${t}`).toBe(true);
    }
    expect(has((v) => v.sli === "raw")).toBe(true);
    expect(has((v) => v.valueAnnotations)).toBe(true);
    expect(has((v) => v.ticketFor === "1h")).toBe(true);
    for (const i of ["30s", "2m30s", "5m"]) expect(has((v) => v.evaluationInterval === i), `every ${i}`).toBe(true);
  });

  VARIANTS.forEach((v, index) => {
    it(`#${index}: ${describeVariant(v)}`, { timeout: 120_000 }, async () => {
      const o = await buildAndRun(v, root, index);
      console.log(`#${index} ${o.ms} ms, ${o.testFiles} files, ${o.groups} groups, switched off [${o.disabled.join(", ")}]: ${o.variant}${o.notes.map((n) => `\n  ${n}`).join("")}`);
      expect({ failed: o.failed, errors: o.errors, warnings: o.warnings }).toEqual({ failed: [], errors: [], warnings: [] });
      if (v.sli !== "raw" && v.sli !== "boolGauge") expect(o.groups).toBeGreaterThan(0);
    });
  });
});
