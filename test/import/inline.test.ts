// Each error and warning path of the importers, on small specs written here.
import { describe, expect, it } from "vitest";
import { importSpecs, type ImportFormat, type ImportOptions, type ImportSource } from "../../src/import/index.js";
import { readFileSync } from "node:fs";
import { formatDiagnostic, isError } from "../../src/workspace/diagnostics.js";
import { itWithShared, sharedPath } from "../support/shared.js";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { importAndLoad, loadImported } from "./helpers.js";

const src = (path: string, text: string): ImportSource => ({ path, text });

/** Findings as text, and the files; the output must load cleanly. */
function run(format: ImportFormat, sources: ImportSource[], options?: ImportOptions) {
  const { result, findings } = importAndLoad(format, sources, options);
  return { findings, files: result.files, text: result.files.map((f) => f.text).join("") };
}

const slothSpec = (slo: string, head = 'version: "prometheus/v1"\nservice: "svc"\nlabels:\n  owner: shop\n') => `${head}slos:\n${slo}`;
const EVENTS = `    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
`;

describe("sloth", () => {
  it("reads the owner label as team and writes a clean ratio SLI", () => {
    const r = run("sloth", [src("a.yml", slothSpec(`  - name: avail\n    objective: 99.95\n${EVENTS}`))]);
    expect(r.findings).toEqual([]);
    expect(r.text).toContain("team: shop");
    expect(r.text).toContain("objective: 99.95");
    expect(r.text).toContain("errors: 'http_requests_total{code=~\"5..\"}'");
  });

  it("reads the team label when there is no owner", () => {
    const r = run("sloth", [src("a.yml", slothSpec(`  - name: avail\n    objective: 99\n${EVENTS}`, 'version: "prometheus/v1"\nservice: svc\nlabels:\n  team: shop\n'))]);
    expect(r.findings).toEqual([]);
    expect(r.text).toContain("Team from Sloth's \"team\" label");
  });

  it("slugs service and SLO names, with a warning", () => {
    const r = run("sloth", [src("a.yml", slothSpec(`  - name: "Requests Availability"\n    objective: 99\n${EVENTS}`, 'version: "prometheus/v1"\nservice: "My Service"\nlabels:\n  owner: shop\n'))]);
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "a.yml:2:10: warning: service: service "My Service" is written as "my-service": monac names are lowercase letters, digits, "-" and "_"",
        "a.yml:6:11: warning: slos[0].name: SLO name "Requests Availability" is written as "requests-availability": monac names are lowercase letters, digits, "-" and "_"",
      ]
    `);
    expect(r.files.map((f) => f.path)).toEqual(["my-service.yaml"]);
  });

  it("errors on an SLI plugin and an unknown SLO plugin, and imports the rest", () => {
    const r = run(
      "sloth",
      [
        src(
          "a.yml",
          slothSpec(`  - name: plugged
    objective: 99
    sli:
      plugin:
        id: sloth-common/kubernetes/apiserver/availability
  - name: chained
    objective: 99
    plugins:
      chain:
        - id: example.com/my-plugin
${EVENTS}  - name: fine
    objective: 99
${EVENTS}`),
        ),
      ],
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "a.yml:10:9: slos[0].sli.plugin: SLI plugin "sloth-common/kubernetes/apiserver/availability" cannot be imported: monac cannot run a plugin's code; write the SLI the plugin builds as a monac ratio or raw SLI by hand; SLO not imported",
        "a.yml:15:15: slos[1].plugins.chain[0].id: SLO plugin "example.com/my-plugin" cannot be imported: monac cannot run a plugin's code, and its effect on the rules is unknown; SLO not imported",
      ]
    `);
    expect(r.text).toContain("name: fine");
    expect(r.text).not.toContain("name: plugged");
    expect(r.text).not.toContain("name: chained");
  });

  it("keeps other windowed queries with $window, and warns about by (...)", () => {
    const r = run(
      "sloth",
      [
        src(
          "a.yml",
          slothSpec(`  - name: grouped
    objective: 99
    sli:
      events:
        error_query: sum by (route) (rate(http_requests_total{code=~"5.."}[{{ .window }}]))
        total_query: sum by (route) (rate(http_requests_total[{{.window}}]))
  - name: custom
    objective: 99
    sli:
      events:
        error_query: sum(rate(a_total[{{.window}}])) + sum(rate(b_total[{{.window}}]))
        total_query: sum(increase(c_total[{{.window}}])) by (job)
`),
        ),
      ],
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "a.yml:10:22: warning: slos[0].sli.events.error_query: the queries group with by/without; monac evaluates an SLO over the whole service (the sum of all series), not per group",
        "a.yml:17:22: warning: slos[1].sli.events.total_query: the query groups with by/without; monac evaluates an SLO over the whole service (the sum of all series), not per group, so monac sums what this query returns",
      ]
    `);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../schemas/slos.schema.json
      # Imported from Sloth by \`monac import\`: a.yml.
      # Comments explain each choice the import made; review them, then delete them as you like.
      service: svc
      # Team from Sloth's "owner" label ("shop"); monac routes alerts by team, so it is not kept as a label.
      team: shop
      slos:
        # Sloth's sum(rate(...[{{.window}}])) queries are counter selectors in monac, which counts them over each window itself.
        # Approximation: the queries group with by/without; monac evaluates an SLO over the whole service (the sum of all series), not per group.
        # No alerting in the Sloth spec: monac's default tiers alert, as Sloth's defaults would.
        # Burn-rate windows: Sloth's defaults (30d, the SRE workbook's table) are monac's defaults.
        - name: grouped
          objective: 99
          sli:
            ratio:
              errors: 'http_requests_total{code=~"5.."}'
              total: http_requests_total
        # The queries keep their own shape; monac replaces $window (Sloth's {{.window}}) by each window.
        # Approximation: the query groups with by/without; monac evaluates an SLO over the whole service (the sum of all series), not per group, so monac sums what this query returns.
        # No alerting in the Sloth spec: monac's default tiers alert, as Sloth's defaults would.
        # Burn-rate windows: Sloth's defaults (30d, the SRE workbook's table) are monac's defaults.
        - name: custom
          objective: 99
          sli:
            ratio:
              errors: "sum(rate(a_total[$window])) + sum(rate(b_total[$window]))"
              total: "sum(increase(c_total[$window])) by (job)"
      "
    `);
  });

  it("points at the exact character of a PromQL error, and rejects {{.window}} outside a range", () => {
    const r = run(
      "sloth",
      [
        src(
          "a.yml",
          slothSpec(`  - name: broken
    objective: 99
    sli:
      events:
        error_query: sum(rate(errors_total[{{.window}}])) +
        total_query: sum(rate(total[{{.window}}]))
  - name: offset
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(errors_total[5m] offset {{.window}}))
  - name: template
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(errors_total{job="{{.service}}"}[{{.window}}]))
`),
        ),
      ],
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "a.yml:10:60: slos[0].sli.events.error_query: error_query: invalid PromQL: unexpected end of input, expected an expression",
        "a.yml:16:28: slos[1].sli.raw.error_ratio_query: error_ratio_query: {{.window}} is used outside a range selector ([{{.window}}]); monac's $window may only be a range",
        "a.yml:21:55: slos[2].sli.raw.error_ratio_query: error_ratio_query: the Go template {{.service}} cannot be imported: only {{.window}} has a meaning outside Sloth",
      ]
    `);
    expect(r.files).toEqual([]);
  });

  it("maps annotations, labels and per-alert labels, warning about what has no place in monac", () => {
    const r = run(
      "sloth",
      [
        src(
          "a.yml",
          `version: "prometheus/v1"
service: svc
labels:
  owner: shop
  severity: high
  plug-l1: x
  __meta: y
slos:
  - name: avail
    objective: 99.9
${EVENTS}    alerting:
      name: "bad name"
      labels:
        team: other
        category: availability
      annotations:
        runbook_url: https://runbooks.example.com/avail
        description: Too many errors
        dashboard: https://grafana.example.com/d/x
      page_alert:
        labels:
          severity: warning
        annotations:
          summary: paged
      ticket_alert:
        labels:
          severity: info
  - name: badrunbook
    objective: 99
${EVENTS}    alerting:
      name: Ok
      annotations:
        runbook: see the wiki
`,
        ),
      ],
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "a.yml:5:13: warning: labels.severity: label "severity" is set by monac itself (each tier's severity): not imported",
        "a.yml:6:12: warning: labels.plug-l1: label "plug-l1" is renamed "plug_l1": Prometheus label names are letters, digits and "_"",
        "a.yml:7:11: warning: labels.__meta: label "__meta" is set by monac itself (labels starting with __ are Prometheus's): not imported",
        "a.yml:16:13: warning: slos[0].alerting.name: alert name "bad name" is not a Prometheus alert name ([A-Za-z_][A-Za-z0-9_]*): not imported, monac's default ErrorBudgetBurn is used",
        "a.yml:18:15: warning: slos[0].alerting.labels.team: label "team" is set by monac itself (the file's team): not imported",
        "a.yml:23:20: warning: slos[0].alerting.annotations.dashboard: annotation "dashboard" is not imported: monac's alerts have summary, description and runbook, and no other annotations",
        "a.yml:28:20: warning: slos[0].alerting.page_alert.annotations.summary: annotation "summary" of the page alert is not imported: monac has no per-tier annotations (alerting.summary and description apply to every tier)",
        "a.yml:41:18: warning: slos[1].alerting.annotations.runbook: annotation "runbook" is not an http(s) URL monac can link to (no credentials or secrets in it): not imported",
      ]
    `);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../schemas/slos.schema.json
      # Imported from Sloth by \`monac import\`: a.yml.
      # Comments explain each choice the import made; review them, then delete them as you like.
      # Not imported: label __meta: "y" (monac sets "__meta" itself: labels starting with __ are Prometheus's).
      # Not imported: label severity: "high" (monac sets "severity" itself: each tier's severity).
      service: svc
      # Team from Sloth's "owner" label ("shop"); monac routes alerts by team, so it is not kept as a label.
      team: shop
      labels:
        # label "plug-l1" is renamed "plug_l1": Prometheus label names are letters, digits and "_".
        plug_l1: x
      slos:
        # Sloth's sum(rate(...[{{.window}}])) queries are counter selectors in monac, which counts them over each window itself.
        # Not imported: alert name "bad name" (not a Prometheus alert name); monac's default ErrorBudgetBurn is used.
        # Not imported: Sloth annotation "dashboard" (monac alerts have summary, description and runbook only).
        # Not imported: alert label team: "other" (monac sets "team" itself: the file's team).
        # Sloth's page alert → monac's page tiers (page-fast, page-slow), severity warning from its severity label.
        # Not imported: the page alert's annotation summary.
        # Sloth's ticket alert → monac's ticket tiers (ticket-fast, ticket-slow), severity info from its severity label.
        # Burn-rate windows: Sloth's defaults (30d, the SRE workbook's table) are monac's defaults.
        - name: avail
          objective: 99.9
          sli:
            ratio:
              errors: 'http_requests_total{code=~"5.."}'
              total: http_requests_total
          alerting:
            description: "Too many errors"
            # Sloth's runbook_url annotation.
            runbook: "https://runbooks.example.com/avail"
            labels:
              category: availability
            tiers:
              page-fast:
                severity: warning
              page-slow:
                severity: warning
              ticket-fast:
                severity: info
              ticket-slow:
                severity: info
        # Sloth's sum(rate(...[{{.window}}])) queries are counter selectors in monac, which counts them over each window itself.
        # Not imported: Sloth annotation runbook: "see the wiki" (monac's runbook is an http(s) URL).
        # Burn-rate windows: Sloth's defaults (30d, the SRE workbook's table) are monac's defaults.
        - name: badrunbook
          objective: 99
          sli:
            ratio:
              errors: 'http_requests_total{code=~"5.."}'
              total: http_requests_total
          alerting:
            name: Ok
      "
    `);
  });

  it("errors on a missing team, an objective of 100 and a missing SLI", () => {
    const r = run(
      "sloth",
      [
        src("a.yml", 'version: "prometheus/v1"\nservice: svc\nslos:\n  - name: x\n    objective: 99\n' + EVENTS),
        src("b.yml", slothSpec(`  - name: full\n    objective: 100\n${EVENTS}  - name: nosli\n    objective: 99\n`, 'version: "prometheus/v1"\nservice: other\nlabels:\n  owner: shop\n')),
      ],
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "a.yml:2:10: service: no team for service "svc": Sloth has no team field and the spec has no "owner" or "team" label; pass --team <name> (a team declared in monac.yaml); nothing imported from this document",
        "b.yml:7:16: slos[0].objective: objective 100 is not between 0 and 100 percent (exclusive): an SLO of 100% has no error budget to alert on",
        "b.yml:12:5: slos[1].sli: expected an SLI (events, raw or plugin), got nothing; SLO not imported",
      ]
    `);
    expect(r.files).toEqual([]);
  });

  it("reads every document of a multi-document file, with positions in the file", () => {
    const text = `# two specs in one file
---
${slothSpec(`  - name: one\n    objective: 99\n${EVENTS}`)}---
${slothSpec(`  - name: two\n    objective: 99.5\n    sli:\n      events:\n        error_query: sum(rate(x[{{.window}}])) by\n        total_query: sum(rate(y[{{.window}}]))\n  - name: three\n    objective: 99\n${EVENTS}`)}---
`;
    const r = run("sloth", [src("multi.yml", text)]);
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "multi.yml:24:50: slos[0].sli.events.error_query: error_query: invalid PromQL: unexpected end of input, expected a label list in parentheses",
      ]
    `);
    expect(r.text).toContain("name: one");
    expect(r.text).toContain("name: three");
  });

  it("errors on an SLO name imported twice for one service", () => {
    const spec = slothSpec(`  - name: avail\n    objective: 99\n${EVENTS}`);
    const r = run("sloth", [src("a.yml", spec), src("b.yml", spec)]);
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "b.yml:6:5: slos[0]: SLO "avail" of service "svc" is already imported from a.yml:6:5: SLO names must be unique per service; not imported",
      ]
    `);
    expect(r.files.map((f) => f.path)).toEqual(["svc.yaml"]);
  });

  it("disables tiers that do not fit a short period, with a warning", () => {
    const windows = `apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 2d
  page:
    quick: { errorBudgetPercent: 2, shortWindow: 5m, longWindow: 1h }
    slow: { errorBudgetPercent: 5, shortWindow: 30m, longWindow: 6h }
  ticket:
    quick: { errorBudgetPercent: 10, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 10, shortWindow: 6h, longWindow: 3d }
`;
    const r = run("sloth", [src("a.yml", slothSpec(`  - name: avail\n    objective: 99\n${EVENTS}`))], { windows: src("w.yaml", windows) });
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "a.yml:6:5: warning: slos[0]: tier ticket-slow is disabled: its long window 3d is longer than the SLO period 2d",
      ]
    `);
    expect(r.text).toContain("ticket-slow: false");
  });

  it("rejects a broken windows file and imports nothing", () => {
    const r = importSpecs("sloth", [src("a.yml", slothSpec(`  - name: avail\n    objective: 99\n${EVENTS}`))], {
      windows: src("w.yaml", "apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec:\n  sloPeriod: soon\n"),
    });
    expect(r.findings.map(formatDiagnostic)).toMatchInlineSnapshot(`
      [
        "w.yaml:4:3: spec.page.quick: expected errorBudgetPercent, shortWindow and longWindow for page quick, got nothing",
        "w.yaml:4:3: spec.page.slow: expected errorBudgetPercent, shortWindow and longWindow for page slow, got nothing",
        "w.yaml:4:3: spec.ticket.quick: expected errorBudgetPercent, shortWindow and longWindow for ticket quick, got nothing",
        "w.yaml:4:3: spec.ticket.slow: expected errorBudgetPercent, shortWindow and longWindow for ticket slow, got nothing",
        "w.yaml:4:14: spec.sloPeriod: sloPeriod must be a duration such as 30d, got string "soon"",
      ]
    `);
    expect(r.files).toEqual([]);
  });

  it("reads the PrometheusServiceLevel CRD's camelCase fields", () => {
    const r = run("sloth", [
      src(
        "crd.yaml",
        `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: svc
spec:
  service: svc
  labels:
    team: shop
  sloPlugins:
    chain:
      - id: sloth.dev/contrib/rule_intervals/v1
  slos:
    - name: latency
      objective: 99
      sli:
        events:
          errorQuery: sum(rate(h_count{job="a"}[{{.window}}])) - sum(rate(h_bucket{job="a",le="0.25"}[{{.window}}]))
          totalQuery: sum(rate(h_count{job="a"}[{{.window}}]))
      alerting:
        pageAlert:
          labels:
            severity: critical
        ticketAlert:
          disable: true
    - name: ratio
      objective: 99
      sli:
        raw:
          errorRatioQuery: sum(rate(e[{{.window}}])) / sum(rate(t[{{.window}}]))
`,
      ),
    ]);
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "crd.yaml:11:13: warning: spec.sloPlugins.chain[0].id: SLO plugin sloth.dev/contrib/rule_intervals/v1 is not imported: it only changes the evaluation interval of Sloth's rule groups; monac's is evaluationInterval in monac.yaml, for all SLOs",
      ]
    `);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../schemas/slos.schema.json
      # Imported from Sloth by \`monac import\`: crd.yaml.
      # Comments explain each choice the import made; review them, then delete them as you like.
      service: svc
      # Team from Sloth's "team" label ("shop"); monac routes alerts by team, so it is not kept as a label.
      team: shop
      slos:
        # Imported without Sloth's SLO plugin sloth.dev/contrib/rule_intervals/v1: it only changes the evaluation interval of Sloth's rule groups; monac's is evaluationInterval in monac.yaml, for all SLOs.
        # Sloth's "_count minus _bucket{le=\\"0.25\\"}" error query is a monac latency SLI: requests slower than 0.25s are errors.
        # Sloth's page alert → monac's page tiers (page-fast, page-slow), severity critical from its severity label.
        # Burn-rate windows: Sloth's defaults (30d, the SRE workbook's table) are monac's defaults.
        - name: latency
          objective: 99
          sli:
            latency:
              histogram: 'h{job="a"}'
              threshold: 0.25
          alerting:
            tiers:
              # Sloth's ticketAlert.disable: true: no ticket alert (ticket-fast and ticket-slow off).
              ticket-fast: false
              ticket-slow: false
        # Imported without Sloth's SLO plugin sloth.dev/contrib/rule_intervals/v1: it only changes the evaluation interval of Sloth's rule groups; monac's is evaluationInterval in monac.yaml, for all SLOs.
        # The error-ratio query keeps its own shape; monac replaces $window (Sloth's {{.window}}) by each window.
        # No alerting in the Sloth spec: monac's default tiers alert, as Sloth's defaults would.
        # Burn-rate windows: Sloth's defaults (30d, the SRE workbook's table) are monac's defaults.
        - name: ratio
          objective: 99
          sli:
            raw:
              errorRatio: "sum(rate(e[$window])) / sum(rate(t[$window]))"
      "
    `);
  });

  it("keeps _count minus _bucket as a ratio when the matchers differ", () => {
    const r = run("sloth", [
      src(
        "a.yml",
        slothSpec(`  - name: lat
    objective: 99
    sli:
      events:
        error_query: sum(rate(h_count{job="a"}[{{.window}}])) - sum(rate(h_bucket{job="b",le="0.25"}[{{.window}}]))
        total_query: sum(rate(h_count{job="a"}[{{.window}}]))
`),
      ),
    ]);
    expect(r.findings).toEqual([]);
    expect(r.text).toContain("errors: 'sum(rate(h_count{job=\"a\"}[$window])) - sum(rate(h_bucket{job=\"b\",le=\"0.25\"}[$window]))'");
  });
});

describe("malformed input is a finding, never an exception", () => {
  const cases: [string, ImportFormat, string][] = [
    ["a list", "sloth", "- a\n- b\n"],
    ["a scalar", "pyrra", "hello\n"],
    ["an unknown kind", "sloth", "apiVersion: sloth.slok.dev/v1\nkind: Something\nspec: {}\n"],
    ["a wrong apiVersion", "pyrra", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"],
    ["another tool's spec", "sloth", "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata:\n  name: x\n"],
    ["a Sloth version it does not know", "sloth", 'version: "prometheus/v2"\nservice: x\n'],
    ["a YAML syntax error", "openslo", "apiVersion: openslo/v1\nkind: SLO\nmetadata: [\n"],
    ["a spec without slos", "sloth", 'version: "prometheus/v1"\nservice: x\nlabels: { owner: shop }\n'],
    ["an SLO that is not a mapping", "sloth", 'version: "prometheus/v1"\nservice: x\nlabels: { owner: shop }\nslos: [3]\n'],
    ["a Pyrra spec without spec", "pyrra", "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata:\n  name: x\n"],
    ["an empty file", "openslo", ""],
  ];
  for (const [title, format, text] of cases) {
    it(title, () => {
      const r = importSpecs(format, [src("bad.yaml", text)], { team: "shop" });
      expect(r.files).toEqual([]);
      expect(r.findings.map(formatDiagnostic)).toMatchSnapshot();
    });
  }

  it("a --team that is not a team name", () => {
    expect(importSpecs("sloth", [], { team: "My Team" }).findings.map(formatDiagnostic)).toMatchInlineSnapshot(`
      [
        "--team:1:1: team "My Team" is not a monac team name (lowercase letters, digits, "-" or "_")",
      ]
    `);
  });
});

const pyrra = (spec: string, meta = "metadata:\n  name: api-errors\n") => `apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\n${meta}spec:\n${spec}`;

describe("pyrra", () => {
  it("takes service and team from labels, and maps alerting", () => {
    const r = run("pyrra", [
      src(
        "p.yaml",
        pyrra(
          `  target: "99.5"
  window: 28d
  indicator:
    ratio:
      errors:
        metric: http_requests_total{job="api",code=~"5.."}
      total:
        metric: http_requests_total{job="api"}
  alerting:
    name: ApiErrorBudgetBurn
    absent: false
    severities:
      fastBurn: critical
      mediumBurn: warning
      slowBurn: whatever
`,
          'metadata:\n  name: api-errors\n  labels:\n    team: shop\n    service: api\n    pyrra.dev/tier: gold\n    pyrra.dev/component: frontend\n  annotations:\n    pyrra.dev/runbook_url: https://runbooks.example.com/api\n    pyrra.dev/other: x\n',
        ),
      ),
    ]);
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "p.yaml:6:5: warning: metadata.labels.tier: label "tier" is renamed "service_tier": monac sets "tier" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
        "p.yaml:12:22: warning: metadata.annotations["pyrra.dev/other"]: annotation "pyrra.dev/other" is not imported: monac's alerts have summary, description and runbook (an http(s) URL), and no other annotations",
        "p.yaml:28:17: warning: spec.alerting.severities.slowBurn: severity "whatever" is not one of critical, warning, info: ticket-fast keeps severity warning; monac routes by team and severity in monac.yaml",
      ]
    `);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../schemas/slos.schema.json
      # Imported from Pyrra by \`monac import\`: p.yaml.
      # Comments explain each choice the import made; review them, then delete them as you like.
      # Pyrra has no service: this is the object's "service" label.
      service: api
      # Team from the object's "team" label ("shop").
      team: shop
      slos:
        # Burn-rate tiers: monac's (the SRE workbook's windows, budget shares of the 28d period), not Pyrra's windows scaled from its 28d table.
        # Not imported: annotation pyrra.dev/other (monac's alerts have summary, description and runbook only).
        # Not imported: Pyrra's severities.slowBurn "whatever"; ticket-fast keeps severity warning (monac routes by team and severity in monac.yaml).
        # Pyrra's alerting.absent: false: no noData alert (monac's default).
        - name: api-errors
          objective: 99.5
          period: 28d
          labels:
            component: frontend
            # label "tier" is renamed "service_tier": monac sets "tier" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow).
            service_tier: gold
          sli:
            ratio:
              errors: 'http_requests_total{job="api",code=~"5.."}'
              total: 'http_requests_total{job="api"}'
          alerting:
            name: ApiErrorBudgetBurn
            runbook: "https://runbooks.example.com/api"
            tiers:
              # Pyrra's severities.mediumBurn → page-slow.
              page-slow:
                severity: warning
      "
    `);
  });

  it("maps disabled alerting and burnrates: false", () => {
    const base = (alerting: string, name: string) =>
      pyrra(`  target: 99\n  window: 4w\n  indicator:\n    bool_gauge:\n      metric: probe_success{job="x"}\n  alerting:\n${alerting}`, `metadata:\n  name: ${name}\n  labels:\n    service: probes\n`);
    const r = run("pyrra", [src("p.yaml", `${base("    disabled: true\n", "off")}---\n${base("    burnrates: false\n    absent: true\n", "absent-only")}`)], { team: "shop" });
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "p.yaml:30:13: warning: spec.alerting.absent: Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window",
      ]
    `);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../schemas/slos.schema.json
      # Imported from Pyrra by \`monac import\`: p.yaml.
      # Comments explain each choice the import made; review them, then delete them as you like.
      # Pyrra has no service: this is the object's "service" label.
      service: probes
      # Team from --team.
      team: shop
      slos:
        # Burn-rate tiers: monac's (the SRE workbook's windows, budget shares of the 4w period), not Pyrra's windows scaled from its 28d table.
        - name: "off"
          objective: 99
          period: 4w
          sli:
            boolGauge:
              metric: 'probe_success{job="x"}'
          alerting:
            # Pyrra's alerting.disabled: true.
            enabled: false
        # Burn-rate tiers: monac's (the SRE workbook's windows, budget shares of the 4w period), not Pyrra's windows scaled from its 28d table.
        - name: absent-only
          objective: 99
          period: 4w
          sli:
            boolGauge:
              metric: 'probe_success{job="x"}'
          alerting:
            # Approximation: Pyrra's absent alert becomes monac's noData alert: it fires after 15m without data, where Pyrra waits a time derived from the objective and its fastest window.
            noData:
              severity: critical
            tiers:
              # Pyrra's alerting.burnrates: false: no burn-rate alert (every tier off).
              page-fast: false
              page-slow: false
              ticket-fast: false
              ticket-slow: false
      "
    `);
  });

  it("errors on latency success and total that select different series, and on a bad window", () => {
    const r = run(
      "pyrra",
      [
        src(
          "p.yaml",
          pyrra(`  target: "99"
  window: 1month
  indicator:
    latency:
      success:
        metric: http_request_duration_seconds_bucket{job="api",le="0.5"}
      total:
        metric: http_request_duration_seconds_count{job="web"}
`),
        ),
      ],
      { team: "shop" },
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "p.yaml:7:11: spec.window: window must be a duration such as 28d or 4w, got string "1month"; not imported",
        "p.yaml:11:17: spec.indicator.latency.success.metric: success and total must select the same series apart from le: {job="api"} vs {job="web"}; not imported",
      ]
    `);
    expect(r.files).toEqual([]);
  });

  it("warns about a target below 1 percent, as Pyrra reads it", () => {
    const r = run("pyrra", [src("p.yaml", pyrra(`  target: "0.99"\n  window: 28d\n  alerting:\n    absent: false\n  indicator:\n    ratio:\n      errors:\n        metric: e_total\n      total:\n        metric: t_total\n`))], { team: "shop" });
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "p.yaml:4:9: warning: metadata.name: tier page-fast is disabled: spending 2% of a 28d budget in 1h is a burn rate of 13.44, an error ratio of 13.306944 (over 1) at objective 0.99%: it could never fire",
        "p.yaml:4:9: warning: metadata.name: tier page-slow is disabled: spending 5% of a 28d budget in 6h is a burn rate of 5.6, an error ratio of 5.54456 (over 1) at objective 0.99%: it could never fire",
        "p.yaml:4:9: warning: metadata.name: tier ticket-fast is disabled: spending 10% of a 28d budget in 1d is a burn rate of 2.8, an error ratio of 2.77228 (over 1) at objective 0.99%: it could never fire",
        "p.yaml:6:11: warning: spec.target: target 0.99 is read as 0.99 percent, as Pyrra reads it (targets are 0-100); did you mean 99?",
      ]
    `);
  });

  it("merges SLOs of one service from a multi-document file", () => {
    const one = (name: string, target: string) =>
      pyrra(`  target: "${target}"\n  window: 30d\n  alerting:\n    absent: false\n  indicator:\n    ratio:\n      errors:\n        metric: e_total{slo="${name}"}\n      total:\n        metric: t_total{slo="${name}"}\n`, `metadata:\n  name: ${name}\n  labels:\n    app.kubernetes.io/name: Shop-API\n    owner: shop\n`);
    const r = run("pyrra", [src("p.yaml", `${one("reads", "99.9")}---\n${one("writes", "99.95")}`)]);
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "p.yaml:6:29: warning: metadata.labels["app.kubernetes.io/name"]: service "Shop-API" is written as "shop-api": monac names are lowercase letters, digits, "-" and "_"",
        "p.yaml:25:29: warning: metadata.labels["app.kubernetes.io/name"]: service "Shop-API" is written as "shop-api": monac names are lowercase letters, digits, "-" and "_"",
      ]
    `);
    expect(r.files.map((f) => f.path)).toEqual(["shop-api.yaml"]);
    expect(r.text).toContain("objective: 99.95");
  });
});

const SERVICE = `apiVersion: openslo/v1
kind: Service
metadata:
  name: checkout
  labels:
    team: [shop]
spec:
  description: The checkout service
`;
const SLI = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  ratioMetric:
    counter: true
    bad:
      metricSource:
        type: Prometheus
        spec:
          query: sum(http_requests_total{job="checkout",code=~"5.."})
    total:
      metricSource:
        type: Prometheus
        spec:
          query: http_requests_total{job="checkout"}
`;
const openSlo = (spec: string, name = "checkout-availability") => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
  displayName: Checkout availability
spec:
  service: checkout
${spec}`;

describe("openslo v1", () => {
  it("resolves indicatorRef and the Service across files", () => {
    const slo = openSlo(`  indicatorRef: checkout-errors
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - displayName: Good
      target: 0.995
  alertPolicies:
    - alertPolicyRef: page-on-burn
`);
    const r = run("openslo", [src("slo.yaml", slo), src("catalog.yaml", `${SERVICE}---\n${SLI}---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n  name: page-on-burn\nspec: {}\n`)]);
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "catalog.yaml:29:7: warning: kind: OpenSLO AlertPolicy objects are not imported: monac alerts with its own burn-rate tiers and routes by team and severity (monac.yaml)",
        "slo.yaml:17:5: warning: spec.alertPolicies: alertPolicies are not imported: monac alerts with its own multi-window burn-rate tiers (page-fast, page-slow, ticket-fast, ticket-slow)",
      ]
    `);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../schemas/slos.schema.json
      # Imported from OpenSLO by \`monac import\`: slo.yaml.
      # Comments explain each choice the import made; review them, then delete them as you like.
      # Service "checkout" from its OpenSLO Service object (catalog.yaml).
      service: checkout
      # Team from the Service's "team" label.
      team: shop
      description: "The checkout service"
      slos:
        # OpenSLO objective display name: "Good".
        # Not imported: the SLO's alertPolicies; monac alerts with its burn-rate tiers (defaults).
        # The OpenSLO queries are counters: monac counts them with increase() over each window.
        # Period 28d from the SLO's rolling time window.
        - name: checkout-availability
          description: "Checkout availability"
          objective: 99.5
          period: 28d
          sli:
            ratio:
              errors: 'http_requests_total{code=~"5..",job="checkout"}'
              total: 'http_requests_total{job="checkout"}'
      "
    `);
  });

  it("imports an inline raw ratio and several objectives", () => {
    const r = run(
      "openslo",
      [
        src(
          "slo.yaml",
          openSlo(`  budgetingMethod: Occurrences
  indicator:
    metadata:
      name: ratio
    spec:
      ratioMetric:
        rawType: success
        raw:
          metricSource:
            type: Prometheus
            spec:
              query: checkout:success_ratio
  objectives:
    - displayName: Normal
      targetPercent: 99
    - target: 0.95
`),
        ),
      ],
      { team: "shop" },
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "slo.yaml:19:22: warning: spec.indicator.spec.ratioMetric.raw.metricSource.spec.query: the raw ratio is averaged over each window (avg_over_time), weighting each sample alike rather than each event",
      ]
    `);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../schemas/slos.schema.json
      # Imported from OpenSLO by \`monac import\`: slo.yaml.
      # Comments explain each choice the import made; review them, then delete them as you like.
      # Service from the SLO's spec.service; no OpenSLO Service object named "checkout" was given.
      service: checkout
      # Team from --team.
      team: shop
      slos:
        # Objective 1 of the OpenSLO SLO "checkout-availability" (Normal): each objective is its own monac SLO, named <slo>-<displayName or number>.
        # No time window in the OpenSLO SLO: monac's default period, 30d.
        # Approximation: the raw ratio is averaged over each window (avg_over_time), weighting each sample alike rather than each event; rawType success, so the error ratio is 1 minus it.
        - name: checkout-availability-normal
          description: "Checkout availability"
          objective: 99
          sli:
            raw:
              errorRatio: "1 - avg_over_time(checkout:success_ratio[$window])"
        # Objective 2 of the OpenSLO SLO "checkout-availability": each objective is its own monac SLO, named <slo>-<displayName or number>.
        # No time window in the OpenSLO SLO: monac's default period, 30d.
        # Approximation: the raw ratio is averaged over each window (avg_over_time), weighting each sample alike rather than each event; rawType success, so the error ratio is 1 minus it.
        - name: checkout-availability-2
          description: "Checkout availability"
          objective: 95
          sli:
            raw:
              errorRatio: "1 - avg_over_time(checkout:success_ratio[$window])"
      "
    `);
  });

  it("errors on what cannot be imported", () => {
    const indicator = "  indicatorRef: checkout-errors\n";
    const r = run(
      "openslo",
      [
        src(
          "slo.yaml",
          [
            openSlo(`${indicator}  budgetingMethod: Timeslices\n  objectives:\n    - target: 0.99\n      timeSliceTarget: 0.9\n      timeSliceWindow: 1m\n`, "timeslices"),
            openSlo(`${indicator}  budgetingMethod: Occurrences\n  timeWindow:\n    - duration: 1M\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: UTC\n  objectives:\n    - target: 0.99\n`, "calendar"),
            openSlo(`  budgetingMethod: Occurrences\n  objectives:\n    - target: 0.99\n      compositeWeight: 2\n      indicatorRef: checkout-errors\n`, "composite"),
            openSlo(`  indicatorRef: nowhere\n  budgetingMethod: Occurrences\n  objectives:\n    - target: 0.99\n`, "missing-ref"),
            openSlo(
              `  budgetingMethod: Occurrences\n  indicator:\n    metadata: { name: t }\n    spec:\n      thresholdMetric:\n        metricSource:\n          type: Prometheus\n          spec: { query: up }\n  objectives:\n    - op: lte\n      value: 1\n      target: 0.99\n`,
              "threshold",
            ),
            openSlo(
              `  budgetingMethod: Occurrences\n  indicator:\n    metadata: { name: t }\n    spec:\n      thresholdMetric:\n        metricSource:\n          type: Prometheus\n          spec: { query: up }\n  objectives:\n    - target: 0.99\n`,
              "threshold-sli",
            ),
            openSlo(
              `  budgetingMethod: Occurrences\n  indicator:\n    metadata: { name: d }\n    spec:\n      ratioMetric:\n        counter: true\n        good:\n          metricSource:\n            type: Datadog\n            spec: { query: "sum:requests{ok}" }\n        total:\n          metricSource:\n            type: Datadog\n            spec: { query: "sum:requests{*}" }\n  objectives:\n    - target: 0.99\n`,
              "datadog",
            ),
          ].join("---\n"),
        ),
        src("sli.yaml", SLI),
      ],
      { team: "shop" },
    );
    expect(r.findings).toMatchInlineSnapshot(`
      [
        "slo.yaml:9:20: spec.budgetingMethod: budgetingMethod "Timeslices" cannot be imported: monac budgets by occurrences (good events over all events), not by time slices; not imported",
        "slo.yaml:27:9: spec.timeWindow[0].calendar: calendar-aligned time windows cannot be imported: monac's SLO period is a rolling window; not imported",
        "slo.yaml:42:24: spec.objectives[0].compositeWeight: composite SLOs (objectives with their own indicator or a compositeWeight) cannot be imported: a monac SLO has one SLI; write one monac SLO per objective; not imported",
        "slo.yaml:52:17: spec.indicatorRef: no SLI named "nowhere" among the given files: pass the file that defines it (kind: SLI); not imported",
        "slo.yaml:69:9: spec.indicator.spec.thresholdMetric: thresholdMetric SLIs cannot be imported: monac SLOs count good and bad events (a ratio), they do not compare a metric with a threshold; not imported",
        "slo.yaml:89:9: spec.indicator.spec.thresholdMetric: thresholdMetric SLIs cannot be imported: monac SLOs count good and bad events (a ratio), they do not compare a metric with a threshold; not imported",
        "slo.yaml:110:19: spec.indicator.spec.ratioMetric.good.metricSource.type: metric source "Datadog" cannot be imported: monac reads Prometheus metrics only; not imported",
        "slo.yaml:114:19: spec.indicator.spec.ratioMetric.total.metricSource.type: metric source "Datadog" cannot be imported: monac reads Prometheus metrics only; not imported",
      ]
    `);
    expect(r.files).toEqual([]);
  });

  it("takes the team from the SLO's labels, and imports OpenSLO v1alpha under sloth too", () => {
    const slo = `apiVersion: openslo/v1alpha
kind: SLO
metadata:
  name: api
spec:
  service: api
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics:
        bad:
          source: prometheus
          query: sum(rate(e_total[{{.window}}]))
        total:
          source: prometheus
          query: sum(rate(t_total[{{.window}}]))
      target: 0.99
  timeWindows:
    - count: 4
      unit: Week
`;
    const r = run("sloth", [src("a.yaml", slo)], { team: "shop" });
    expect(r.findings).toEqual([]);
    expect(r.text).toContain("period: 4w");
    const v1 = openSlo(`  indicatorRef: checkout-errors\n  budgetingMethod: Occurrences\n  objectives:\n    - targetPercent: 99.9\n`).replace("  displayName: Checkout availability\n", "  labels:\n    team: [shop, ops]\n    tier: [gold]\n");
    const r2 = run("openslo", [src("slo.yaml", v1), src("sli.yaml", SLI)]);
    expect(r2.findings).toMatchInlineSnapshot(`
      [
        "slo.yaml:6:11: warning: metadata.labels.team: label "team" names several teams; monac's team is the first, "shop"",
        "slo.yaml:7:11: warning: metadata.labels.tier: label "tier" is renamed "service_tier": monac sets "tier" itself (the burn-rate tier: page-fast, page-slow, ticket-fast, ticket-slow)",
      ]
    `);
    expect(r2.text).toContain("service_tier: gold");
  });
});

describe("semantics", () => {
  const gettingStarted = sharedPath("reference", "sloth", "getting-started.yml");
  itWithShared(gettingStarted, "the imported Sloth getting-started example compiles", () => {
    const result = importSpecs("sloth", [src("getting-started.yml", readFileSync(gettingStarted, "utf8"))]);
    const checked = checkWorkspace(loadImported(result));
    expect(checked.diagnostics.filter(isError).map(formatDiagnostic)).toEqual([]);
    const artifacts = compileWorkspace(checked.model!, { dashboards: false });
    const rules = artifacts.find((a) => a.path === "prometheus/rules/myservice.requests-availability.slo.rules.yaml");
    expect(rules).toBeDefined();
    expect(rules!.content).toContain('http_request_duration_seconds_count{code=~"(5..|429)",job="myservice"}');
    // Sloth's alert name and its alert label are on the alerts.
    expect(rules!.content).toContain("alert: MyServiceHighErrorRate");
    expect(rules!.content).toContain("category: availability");
  });

  it("is deterministic", () => {
    const sources = [src("a.yml", slothSpec(`  - name: avail\n    objective: 99.9\n${EVENTS}`))];
    expect(importSpecs("sloth", sources)).toEqual(importSpecs("sloth", sources));
  });
});
