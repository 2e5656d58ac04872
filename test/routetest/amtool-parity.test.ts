// Parity with Alertmanager's own router: every generated routing case's alert
// (out/alertmanager/tests/routing.test.yaml, compiled here from the example
// workspace) goes through `amtool config routes test` on the compiled
// alertmanager.yml, and amtool's receivers must equal monac's
// (order-insensitive). A hand-written config exercises the matcher syntax and
// `continue` beyond what monac emits.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { loadWorkspace } from "../../src/workspace/workspace.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { ALERTMANAGER_FILE, compileWorkspace } from "../../src/compile/bundle.js";
import { routingTestArtifact, ROUTING_TESTS_FILE } from "../../src/compile/routing-tests.js";
import { parseConfig, receiversOf, runRoutingTestFile } from "../../src/routetest/index.js";
import { describeWithTool, REPO_ROOT, runTool } from "../support/tools.js";

const dir = mkdtempSync(path.join(tmpdir(), "monac-routing-parity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function amtoolReceivers(configFile: string, labels: Record<string, string>): Promise<string[]> {
  const args = ["config", "routes", "test", `--config.file=${configFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const r = await runTool("amtool", args);
  if (r.code !== 0) throw new Error(`amtool ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim().split(",").filter((s) => s !== "");
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describeWithTool("amtool", "generated routing tests agree with amtool config routes test", () => {
  let configFile = "";
  let testFile = "";
  let cases: { name: string; alert: Record<string, string>; receivers?: string[] }[] = [];

  beforeAll(async () => {
    const loaded = checkWorkspace(await loadWorkspace(REPO_ROOT));
    expect(loaded.model, "the example workspace builds").toBeDefined();
    const model = loaded.model!;
    const am = compileWorkspace(model, { dashboards: false }).find((a) => a.path === ALERTMANAGER_FILE)!;
    const tests = routingTestArtifact(model);
    configFile = path.join(dir, ALERTMANAGER_FILE);
    testFile = path.join(dir, ROUTING_TESTS_FILE);
    mkdirSync(path.dirname(testFile), { recursive: true });
    writeFileSync(configFile, am.content);
    writeFileSync(testFile, tests.content);
    cases = (parse(tests.content) as { cases: typeof cases }).cases;
  });

  it("every generated case passes on monac's router", async () => {
    const r = await runRoutingTestFile(testFile);
    expect(r.errors).toEqual([]);
    expect(r.cases.filter((c) => c.status !== "passed")).toEqual([]);
    expect(r.cases.length).toBe(cases.length);
  });

  it("every generated case's alert reaches the same receivers in amtool", { timeout: 120_000 }, async () => {
    const { readFileSync } = await import("node:fs");
    const cfg = parseConfig(readFileSync(configFile));
    const mismatches: string[] = [];
    let compared = 0;
    let withExpectation = 0;
    for (const c of cases) {
      const amtool = await amtoolReceivers(configFile, c.alert);
      const monac = receiversOf(cfg, c.alert);
      compared++;
      if (sorted(amtool).join(",") !== sorted(monac).join(",")) mismatches.push(`${c.name}: amtool [${amtool}] monac [${monac}]`);
      if (c.receivers !== undefined) {
        withExpectation++;
        if (sorted(amtool).join(",") !== sorted(c.receivers).join(",")) mismatches.push(`${c.name}: amtool [${amtool}] expected [${c.receivers}]`);
      }
    }
    console.log(`routing parity: ${compared} generated cases through amtool (${withExpectation} with expected receivers), ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(20);
  });

  it("a hand-written config with every matcher form agrees with amtool", { timeout: 60_000 }, async () => {
    const text = `
route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: db
      matchers: ['service=~"postgres|redis"', 'env!="dev"']
      continue: true
      routes:
        - receiver: db-critical
          matchers: [severity="critical"]
    - receiver: not-api
      matchers: ['{service!~"api.*", team="core"}']
    - receiver: legacy
      match: { team: legacy }
      match_re: { severity: "warn.*" }
    - receiver: no-env
      matchers: ['env=""']
      continue: true
    - receiver: dot
      matchers: ['note=~"a.c"']
receivers: [{ name: default }, { name: db }, { name: db-critical }, { name: not-api }, { name: legacy }, { name: no-env }, { name: dot }]
`;
    const file = path.join(dir, "hand.yml");
    writeFileSync(file, text);
    const cfg = parseConfig(text);
    const labelSets: Record<string, string>[] = [
      { service: "postgres", env: "prod", severity: "critical" },
      { service: "postgres", env: "dev", severity: "critical" },
      { service: "redis", severity: "warning" },
      { service: "postgresql", env: "prod" },
      { service: "web", team: "core", env: "prod" },
      { service: "api-gw", team: "core", env: "prod" },
      { team: "legacy", severity: "warning", env: "prod" },
      { team: "legacy", severity: "critical", env: "prod" },
      { env: "prod", note: "abc" },
      { env: "prod", note: "abcd" },
      {},
      { service: "redis", env: "prod" },
    ];
    for (const labels of labelSets) {
      const amtool = await amtoolReceivers(file, labels);
      expect(receiversOf(cfg, labels), JSON.stringify(labels)).toEqual(amtool);
    }
  });
});
