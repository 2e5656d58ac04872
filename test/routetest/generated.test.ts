// The generated routing tests (compile/routing-tests.ts): valid against the
// schema, passing on monac's router for the example workspace, and derived
// from monac.yaml (a model edited by hand changes the expectations, so a
// compiled config that disagreed would fail them). `monac test` runs them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ALERTMANAGER_FILE, compileWorkspace } from "../../src/compile/bundle.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { routingTestArtifact, routingTestCases, ROUTING_TESTS_FILE } from "../../src/compile/routing-tests.js";
import { runRoutingTestFile } from "../../src/routetest/index.js";
import type { WorkspaceModel } from "../../src/workspace/model.js";
import { loadWorkspace } from "../../src/workspace/workspace.js";
import { REPO_ROOT } from "../support/workspace.js";
import { run } from "../support/cli.js";

let model: WorkspaceModel;
const dir = mkdtempSync(path.join(tmpdir(), "monac-routing-generated-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  model = checkWorkspace(await loadWorkspace(REPO_ROOT)).model!;
  expect(model).toBeDefined();
});

/** The alertmanager.yml monac compiles from a model. */
function compiledConfig(m: WorkspaceModel): string {
  return compileWorkspace(m, { dashboards: false }).find((a) => a.path === ALERTMANAGER_FILE)!.content;
}

function writeOut(m: WorkspaceModel, configText = compiledConfig(m)): string {
  const out = mkdtempSync(path.join(dir, "out-"));
  mkdirSync(path.join(out, "alertmanager", "tests"), { recursive: true });
  writeFileSync(path.join(out, ALERTMANAGER_FILE), configText);
  writeFileSync(path.join(out, ROUTING_TESTS_FILE), routingTestArtifact(m).content);
  return path.join(out, ROUTING_TESTS_FILE);
}

describe("generated routing tests", () => {
  it("match the JSON Schema", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(REPO_ROOT, "schemas", "routing-test.schema.json"), "utf8")));
    const data = parse(routingTestArtifact(model).content);
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ config: "x", cases: [{ name: "a", alert: {} }] })).toBe(false);
    expect(validate({ config: "x", cases: [{ name: "a", alert: {}, muted: true }] })).toBe(false);
  });

  it("cover every team × severity, the default receiver, muting and inhibition", () => {
    const cases = routingTestCases(model);
    for (const team of model.routing.teams) {
      for (const severity of ["critical", "warning", "info"]) {
        expect(cases.some((c) => c.alert.team === team.name && c.alert.severity === severity && c.receivers !== undefined && c.at === undefined)).toBe(true);
      }
    }
    expect(cases.filter((c) => c.muted === true).length).toBe(3);
    expect(cases.filter((c) => c.muted === false).length).toBe(6);
    const muted = cases.find((c) => c.muted === true && c.alert.team === "payments")!;
    // Outside Monday 09:00-17:00 in Berlin: 17:00 local, the end being exclusive.
    expect(muted.at).toBe("2026-01-05T17:00:00+01:00");
    const twoLevel = model.thresholds.filter((t) => ["critical", "warning"].every((s) => t.levels.some((l) => l.severity === s)));
    expect(twoLevel.length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.inhibited === true).length).toBe(model.slos.filter((s) => s.alerting.enabled).length + twoLevel.length);
    expect(cases.some((c) => c.receivers?.[0] === model.routing.defaultReceiver && c.alert.team === undefined)).toBe(true);
  });

  it("pass on monac's router, through `monac test`", async () => {
    const file = writeOut(model);
    const r = await runRoutingTestFile(file);
    expect(r.errors).toEqual([]);
    expect(r.cases.filter((c) => c.status !== "passed")).toEqual([]);
    const cli = await run("test", path.dirname(file));
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/^ok {3}.*routing\.test\.yaml \(\d+ groups\)$/m);
  });

  it("catch a compiled config that disagrees with monac.yaml", async () => {
    // The config compiled from a model where payments' warnings page: the tests from the real model fail.
    const payments = model.routing.teams.find((t) => t.name === "payments")!;
    const wrong: WorkspaceModel = {
      ...model,
      routing: {
        ...model.routing,
        teams: model.routing.teams.map((t) =>
          t === payments ? { ...t, routes: t.routes.map((r) => (r.severity === "warning" ? { ...r, receivers: ["payments-pagerduty"] } : r)) } : t,
        ),
      },
    };
    const file = writeOut(model, compiledConfig(wrong));
    const cli = await run("test", file);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('FAIL  group "payments warning reaches payments-slack" (line 71)');
    expect(cli.out).toContain("receivers: expected [payments-slack], got [payments-pagerduty]");
  });

  it("exit 2 on an invalid routing test file", async () => {
    const file = path.join(dir, "bad.routing.test.yaml");
    writeFileSync(file, "config: x.yml\ncases:\n  - name: a\n    alert: {}\n");
    const cli = await run("test", file);
    expect(cli.code).toBe(2);
    expect(cli.out).toMatch(/states nothing/);
  });
});
