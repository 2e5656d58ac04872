// The package's public surface (src/index.ts, `import … from "monac"`), used
// end to end as a library user would: nothing here imports a module below src/.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkExposition,
  importSpecs,
  compileFiles,
  compileWorkspace,
  deriveContracts,
  instrumentModule,
  Engine,
  exitCode,
  formatDiagnostic,
  formatSummary,
  junitXML,
  Labels,
  loadWorkspace,
  loadWorkspaceFromTexts,
  parsePromQL,
  parseRuleFile,
  printPromQL,
  replay,
  replayIncident,
  ruleTestArtifacts,
  ruleTestFiles,
  runTestFile,
  SeriesStore,
  summarize,
  trafficInput,
  type Artifact,
  type InstrumentContract,
  type WorkspaceModel,
} from "../../src/index.js";
import { REPO_ROOT } from "../support/workspace.js";

const MIN = 60_000;

/** The repository's example workspace (monac.yaml, slos/, alerts/, dashboards/). */
async function exampleModel(): Promise<WorkspaceModel> {
  const loaded = await loadWorkspace(REPO_ROOT);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(loaded.model).toBeDefined();
  return loaded.model!;
}

describe("workspace and compile", () => {
  it("loads the repository's example workspace", async () => {
    const model = await exampleModel();
    expect(model.slos.some((s) => s.service === "checkout")).toBe(true);
  });

  it("compiles it to rule files and the Alertmanager config", async () => {
    const model = await exampleModel();
    const artifacts: Artifact[] = compileWorkspace(model);
    const paths = artifacts.map((a) => a.path);
    expect(paths).toContain("prometheus/rules/checkout.availability.slo.rules.yaml");
    expect(paths).toContain("alertmanager/alertmanager.yml");
    const rules = artifacts.find((a) => a.path === "prometheus/rules/checkout.availability.slo.rules.yaml")!;
    // The compiled rules are Prometheus rule files the rule-test side reads.
    const groups = parseRuleFile(rules.path, rules.content);
    expect(groups.flatMap((g) => g.rules).some((r) => r.kind === "alert")).toBe(true);
  });

  it("hands out the same files one at a time", async () => {
    const model = await exampleModel();
    const streamed = [...compileFiles(model)].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(streamed).toEqual(compileWorkspace(model));
  });

  it("generates rule unit tests for a workspace given as texts", async () => {
    // The example's monac.yaml with one of its alert files (the whole example's tests take long to solve).
    const texts = ["monac.yaml", "alerts/redis.yaml"].map((rel) => ({ rel, text: readFileSync(path.join(REPO_ROOT, rel), "utf8") }));
    const loaded = loadWorkspaceFromTexts(texts);
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    const tests = await ruleTestArtifacts(loaded.model!);
    expect(tests.map((t) => t.path)).toEqual(["prometheus/tests/redis.alerts.test.yaml"]);
    expect(tests[0]!.content).toContain("rule_files:");
    const streamed: Artifact[] = [];
    for await (const t of ruleTestFiles(loaded.model!)) streamed.push(t);
    expect(streamed).toEqual(tests);
  });

  it("reports invalid specs as located diagnostics", () => {
    const loaded = loadWorkspaceFromTexts([{ rel: "monac.yaml", text: "nonsense: [" }]);
    expect(loaded.model).toBeUndefined();
    expect(loaded.diagnostics.length).toBeGreaterThan(0);
    expect(formatDiagnostic(loaded.diagnostics[0]!)).toMatch(/^monac\.yaml:\d+:\d+: /);
  });
});

describe("PromQL", () => {
  it("parses and prints a query", () => {
    expect(printPromQL(parsePromQL("sum by (job) (rate(x[5m]))"))).toBe("sum by (job) (rate(x[5m]))");
  });

  it("evaluates rate(x[5m]) over samples given to a SeriesStore", () => {
    // A counter growing by 60 a minute from 0 at minute 0: 1/s.
    const store = new SeriesStore();
    const labels = Labels.from({ __name__: "x", job: "a" });
    for (let m = 0; m <= 10; m++) store.append(labels, m * MIN, 60 * m);
    const engine = new Engine(store);

    const instant = engine.instantQuery("rate(x[5m])", 10 * MIN);
    expect(instant.value.type).toBe("vector");
    if (instant.value.type !== "vector") return;
    expect(instant.value.samples).toHaveLength(1);
    expect(instant.value.samples[0]!.metric.get("job")).toBe("a");
    expect(instant.value.samples[0]!.v).toBeCloseTo(1, 12);

    const range = engine.rangeQuery("sum(rate(x[5m])) * 60", 5 * MIN, 10 * MIN, MIN);
    expect(range.value.type).toBe("matrix");
    if (range.value.type !== "matrix") return;
    expect(range.value.series[0]!.v.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([60, 60, 60, 60, 60, 60]);
  });
});

describe("rule unit tests", () => {
  it("runs a promtool test file and reports on it", async () => {
    const file = path.join(REPO_ROOT, "test", "rules", "node-thresholds.test.yaml");
    const result = await runTestFile(file);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe("ok");
    expect(result.groups.length).toBeGreaterThan(0);
    const summary = summarize([result]);
    expect(formatSummary(summary)).toBe(`${result.groups.length} passed, 0 failed`);
    expect(exitCode([result])).toBe(0);
    expect(junitXML([result])).toContain("<testsuite");
  });
});

describe("incident replay", () => {
  // 60 events a minute, 30% errors from minute 10 to 20; the alert holds from
  // 12m to 22m (see test/ruletest/incidents.test.ts for the arithmetic).
  const rules = `groups:
  - name: errors
    rules:
      - alert: HighErrorRatio
        expr: rate(errors[5m]) / rate(total[5m]) > 0.11
        labels:
          severity: page
`;
  const input = trafficInput(
    { requestsPerMinute: 60, errorRatio: [[0, 0], [10, 0.3], [20, 0]], minutes: 40 },
    { errors: "errors", total: "total" },
  );

  it("replays a tiny incident through rules and reads back the alert", async () => {
    const opts = { groups: parseRuleFile("rules.yml", rules), ...input, evaluationIntervalMs: MIN, durationMs: 40 * MIN };
    const alerts = await replayIncident(opts);
    expect(alerts.map((a) => [a.labels.alertname, a.firingFrom / MIN, a.firingUntil! / MIN])).toEqual([["HighErrorRatio", 12, 23]]);
    const res = await replay(opts);
    expect(res.errors).toEqual([]);
    expect(res.alerts).toEqual(alerts);
  });
});

describe("instrumentation contract", () => {
  it("derives each service's contract, its prom-client module, and checks a scrape against it", async () => {
    const model = await exampleModel();
    const contracts: InstrumentContract[] = deriveContracts(model);
    const checkout = contracts.find((c) => c.service === "checkout")!;
    expect(checkout.metrics.map((m) => m.name)).toEqual(["http_request_duration_seconds", "http_requests_total"]);
    expect(instrumentModule(checkout)).toContain("export function registerCheckoutMetrics(registry: Registry): CheckoutMetrics {");
    const scrape = `# TYPE http_requests_total counter
http_requests_total{method="GET",route="/",code="200"} 1
`;
    expect(checkExposition(checkout, scrape).map((p) => p.message)).toEqual(["http_request_duration_seconds: missing: no # TYPE line and no series (expected a histogram)"]);
  });
});

describe("importing another tool's specs", () => {
  it("turns a Sloth spec into a monac spec that loads", () => {
    const sloth = `version: "prometheus/v1"
service: "myservice"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="myservice",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="myservice"}[{{.window}}]))
    alerting:
      page_alert: { disable: true }
`;
    const r = importSpecs("sloth", [{ path: "sloth.yml", text: sloth }], { team: "shop" });
    expect(r.findings).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(["myservice.yaml"]);
    const monacYaml = readFileSync(path.join(import.meta.dirname, "..", "fixtures", "base", "monac.yaml"), "utf8");
    const loaded = loadWorkspaceFromTexts([{ rel: "monac.yaml", text: monacYaml }, { rel: "slos/myservice.yaml", text: r.files[0]!.text }]);
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(loaded.model!.slos[0]!.alerting.tiers.map((t) => t.name)).toEqual(["ticket-fast", "ticket-slow"]);
  });
});
