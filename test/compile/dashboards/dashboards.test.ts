// The generated dashboards of the example workspace: valid against Grafana's
// dashboard JSON Schema, laid out on the 24-column grid without overlaps,
// reading only series something produces, and byte-stable.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, GridPos, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { loadWorkspace } from "../../../src/workspace/workspace.js";
import type { WorkspaceModel } from "../../../src/workspace/model.js";
import { compileWorkspace } from "../../../src/compile/bundle.js";
import { sloRuleGroup } from "../../../src/compile/slo-rules.js";
import { checkDashboards, dashboardArtifacts, DashboardCheckError, knownSeries, workspaceDashboards } from "../../../src/compile/dashboards/index.js";
import { dashboardJson, dashboardQueries } from "../../../src/compile/dashboards/assemble.js";
import { KnownSeries } from "../../../src/compile/dashboards/series-check.js";
import { dashboardUid, MAX_UID_LENGTH } from "../../../src/compile/dashboards/uid.js";
import { layoutSections } from "../../../src/compile/dashboards/layout.js";
import { REPO_ROOT } from "../../support/workspace.js";
import { itWithShared, sharedPath } from "../../support/shared.js";

let model: WorkspaceModel;
beforeAll(async () => {
  const loaded = await loadWorkspace(REPO_ROOT);
  if (!loaded.model) throw new Error(JSON.stringify(loaded.diagnostics));
  model = loaded.model;
});

const dashboards = () => workspaceDashboards(model);
const panelsOf = (json: Dashboard) => (json.panels ?? []) as (Panel & { gridPos: GridPos; id: number })[];

describe("example workspace dashboards", () => {
  it("has one SLO dashboard per service, the overview, one per alerts file and the five custom dashboards", () => {
    expect(dashboards().map((d) => d.uid)).toEqual([
      "monac-slo-api",
      "monac-slo-checkout",
      "monac-slo-ml-inference",
      "monac-slo-payments",
      "monac-overview-slos",
      "monac-alerts-api",
      "monac-alerts-node",
      "monac-alerts-postgres",
      "monac-alerts-redis",
      "monac-custom-application",
      "monac-custom-business",
      "monac-custom-cache",
      "monac-custom-database",
      "monac-custom-system",
    ]);
  });

  const schemaFile = sharedPath("schemas", "dashboard.relaxed.jsonschema.json");
  itWithShared(schemaFile, "every dashboard is valid against Grafana's dashboard JSON Schema (relaxed)", () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));
    for (const d of dashboards()) {
      // Validate what is written, not the in-memory object.
      const ok = validate(JSON.parse(dashboardJson(d)));
      expect(ok, `${d.uid}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`).toBe(true);
    }
  });

  it("has unique panel ids and non-overlapping grid positions within 24 columns", () => {
    for (const d of dashboards()) {
      const panels = panelsOf(d.json);
      expect(new Set(panels.map((p) => p.id)).size, d.uid).toBe(panels.length);
      const cells = new Set<string>();
      for (const { gridPos: g, title } of panels) {
        expect(g.x + g.w, `${d.uid} / ${title}`).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${d.uid} / ${title} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
      }
    }
  });

  it("has unique panel titles per dashboard", () => {
    for (const d of dashboards()) {
      const titles = panelsOf(d.json).filter((p) => p.type !== "row").map((p) => p.title);
      // SLO dashboards repeat their three stats per SLO; rows tell them apart.
      if (d.uid.startsWith("monac-slo-")) continue;
      expect(new Set(titles).size, d.uid).toBe(titles.length);
    }
  });

  it("reads only series a rule records, Prometheus writes, or a spec names, and every query parses", () => {
    const groups = model.slos.map(sloRuleGroup);
    expect(checkDashboards(dashboards(), knownSeries(model, groups))).toEqual([]);
    expect(dashboards().flatMap((d) => dashboardQueries(d.json)).length).toBeGreaterThan(100);
  });

  it("SLO dashboards read only recorded series and ALERTS, never the raw SLI metrics", () => {
    for (const d of dashboards().filter((d) => d.uid.startsWith("monac-slo-") || d.uid === "monac-overview-slos")) {
      for (const { expr } of dashboardQueries(d.json)) {
        const names = [...expr.matchAll(/\b([a-zA-Z_:][\w:]*)\{/g)].map((m) => m[1]);
        for (const n of names) expect(n!.startsWith("slo:") || n === "ALERTS", `${d.uid}: ${expr}`).toBe(true);
      }
    }
  });

  it("is a build error naming the panel when a generated dashboard reads a series nothing produces", () => {
    // Without the recording rules, the SLO dashboards read nothing that exists.
    const problems = checkDashboards(dashboards(), new KnownSeries());
    expect(problems).toContain(
      'dashboard "SLOs / checkout", panel "Error budget remaining": reads slo:error_budget:remaining_ratio, which no recording rule produces and no spec names; fix the name, or declare the exporter metric under metrics: (query: slo:error_budget:remaining_ratio{service="checkout", slo="availability"})',
    );
    expect(() => dashboardArtifacts(model, [], [])).toThrow(DashboardCheckError);
  });

  it("is deterministic: the same model builds byte-identical files", () => {
    const a = compileWorkspace(model).filter((x) => x.path.startsWith("grafana/"));
    const b = compileWorkspace(model).filter((x) => x.path.startsWith("grafana/"));
    expect(a).toEqual(b);
    expect(a.map((x) => x.path)).toContain("grafana/provisioning/dashboards.yaml");
    for (const x of a) expect(x.content.endsWith("}\n") || x.path.endsWith(".yaml")).toBe(true);
  });

  it("golden: the checkout SLO dashboard", async () => {
    const d = dashboards().find((d) => d.uid === "monac-slo-checkout")!;
    await expect(dashboardJson(d)).toMatchFileSnapshot("golden/slo-checkout.json");
  });

  it("golden: the custom system dashboard", async () => {
    const d = dashboards().find((d) => d.uid === "monac-custom-system")!;
    await expect(dashboardJson(d)).toMatchFileSnapshot("golden/custom-system.json");
  });
});

describe("dashboard uids", () => {
  it("are readable when short, and hashed to at most 40 Grafana-valid characters when long", () => {
    expect(dashboardUid("slo", "checkout")).toBe("monac-slo-checkout");
    expect(dashboardUid("custom", "Business Metrics!")).toBe("monac-custom-business-metrics");
    const long = dashboardUid("slo", "a-service-name-that-is-much-too-long-for-grafana");
    expect(long.length).toBeLessThanOrEqual(MAX_UID_LENGTH);
    expect(long).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(long).not.toBe(dashboardUid("slo", "a-service-name-that-is-much-too-long-for-grafana-2"));
    expect(dashboardUid("slo", "a-service-name-that-is-much-too-long-for-grafana")).toBe(long);
  });
});

describe("layout", () => {
  it("wraps a panel that would cross column 24 instead of overflowing", () => {
    const placed = layoutSections([{ title: "r", panels: [{ width: 18, height: 4 }, { width: 12, height: 6 }, { width: 6, height: 2 }] }]);
    expect(placed.map((p) => [p.id, p.gridPos])).toEqual([
      [1, { x: 0, y: 0, w: 24, h: 1 }],
      [2, { x: 0, y: 1, w: 18, h: 4 }],
      [3, { x: 0, y: 5, w: 12, h: 6 }],
      [4, { x: 12, y: 5, w: 6, h: 2 }],
    ]);
  });
});

describe("overview links", () => {
  it("reach a service's SLO dashboard even when its uid is hashed (service names over 30 characters)", () => {
    // Regression: the link was built as /d/monac-slo-<service>, which does not
    // exist once the uid is shortened and hashed.
    const service = "payments-settlement-reconciliation-worker";
    const slo = { ...model.slos[0]!, service };
    const uid = dashboardUid("slo", service);
    expect(uid).not.toBe(`monac-slo-${service}`);
    const info = sloRuleGroup(slo).rules.find((r) => "record" in r && r.record === "slo:objective:info")!;
    expect(info.labels?.dashboard).toBe(uid);
    const overview = workspaceDashboards({ ...model, slos: [slo] }).find((d) => d.uid === "monac-overview-slos")!;
    const text = dashboardJson(overview);
    expect(text).toContain('"url": "/d/${__data.fields.dashboard}"');
    expect(text).toContain("max by (service, slo, dashboard) (slo:objective:info)");
  });
});
