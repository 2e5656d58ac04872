// Custom dashboard specs: findings that need more than one file, and what the
// spec's fields become in Grafana's model.
import { describe, expect, it } from "vitest";
import { loadWorkspaceFromTexts } from "../../../src/workspace/workspace.js";
import { checkWorkspace } from "../../../src/compile/check.js";
import { formatDiagnostic } from "../../../src/workspace/diagnostics.js";
import { customDashboard } from "../../../src/compile/dashboards/custom-dashboard.js";
import { thresholdSteps } from "../../../src/compile/dashboards/panels.js";
import { BASE_MONAC_YAML } from "../../support/workspace.js";

const dashboard = (title: string, expr = "up") =>
  `title: ${title}\nrows:\n  - title: R\n    panels:\n      - title: P\n        kind: stat\n        unit: percent\n        queries:\n          - expr: ${expr}\n`;

function load(files: Record<string, string>) {
  return checkWorkspace(loadWorkspaceFromTexts(Object.entries({ "monac.yaml": BASE_MONAC_YAML, ...files }).map(([rel, text]) => ({ rel, text }))));
}

describe("custom dashboards", () => {
  it("rejects a title used twice, and titles that would share a uid", () => {
    const r = load({ "dashboards/a.yaml": dashboard("Shop"), "dashboards/b.yaml": dashboard("Shop"), "dashboards/c.yaml": dashboard("shop!") });
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'dashboards/b.yaml:1:8: title: duplicate dashboard title "Shop" (first defined at dashboards/a.yaml:1)',
      'dashboards/c.yaml:1:8: title: dashboard title "shop!" gives the same uid "monac-custom-shop" as "Shop" (dashboards/a.yaml:1); choose a distinct title',
    ]);
  });

  it("reads exporter metrics only when a dashboards file declares them", () => {
    expect(load({ "dashboards/a.yaml": dashboard("A", "sum(rate(file_uploads_total[$__rate_interval]))") }).model).toBeUndefined();
    const declared = load({
      "dashboards/a.yaml": `metrics: [file_uploads_total]\n${dashboard("A", "sum(rate(file_uploads_total[$__rate_interval]))")}`,
    });
    expect(declared.diagnostics.map(formatDiagnostic)).toEqual([]);
    const json = customDashboard(declared.model!.dashboards![0]!).json;
    const panel = json.panels![1] as { fieldConfig?: { defaults?: { unit?: string } }; targets?: { expr?: string }[] };
    expect(panel.fieldConfig?.defaults?.unit).toBe("percent");
    expect(panel.targets?.[0]?.expr).toBe("sum(rate(file_uploads_total[$__rate_interval]))");
  });

  it("blames only the broken file when an SLO file has an error: a dashboard reading its metrics is fine", () => {
    const slo = (objective: string) =>
      `service: shop\nteam: shop\nslos:\n  - name: availability\n    objective: ${objective}\n    sli:\n      ratio:\n        errors: orders_failed_total\n        total: orders_total\n`;
    const files = { "dashboards/a.yaml": dashboard("A", "sum(rate(orders_total[5m])) + slo:error_budget:remaining_ratio") };
    expect(load({ ...files, "slos/shop.yaml": slo("99.9") }).diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(load({ ...files, "slos/shop.yaml": slo("100") }).diagnostics.map(formatDiagnostic)).toEqual([
      "slos/shop.yaml:5:16: slos[0].objective: objective must be between 0 and 100 (exclusive), got 100",
    ]);
    // A real typo in the dashboard is still reported once the specs are whole.
    expect(load({ "dashboards/a.yaml": dashboard("A", "sum(rate(order_total[5m]))"), "slos/shop.yaml": slo("99.9") }).diagnostics.map(formatDiagnostic)).toEqual([
      "dashboards/a.yaml:9:28: rows[0].panels[0].queries[0].expr: reads order_total, which no recording rule produces and no spec names (did you mean orders_total?)",
    ]);
  });

  it("colours thresholds like the alert specs: mirrored for direction below", () => {
    expect(thresholdSteps({ warning: 80, critical: 90, direction: "above" })).toEqual([
      { value: null, color: "green" },
      { value: 80, color: "orange" },
      { value: 90, color: "red" },
    ]);
    expect(thresholdSteps({ warning: 0.9, critical: 0.85, direction: "below" })).toEqual([
      { value: null, color: "red" },
      { value: 0.85, color: "orange" },
      { value: 0.9, color: "green" },
    ]);
  });
});
