// monac.yaml `grafana.url`: every alert links to the dashboard monac generates
// for it. The expected link is found in the dashboards themselves (the JSON
// whose uid it names, showing that alert or SLO), not in the rule compiler.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { BASE_MONAC_YAML } from "../support/workspace.js";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "base");
const specs = ["slos/shop.yaml", "alerts/shop.yaml"].map((rel) => ({ rel, text: readFileSync(path.join(FIXTURES, rel), "utf8") }));

function load(grafana: string | undefined) {
  const monac = grafana === undefined ? BASE_MONAC_YAML : `${BASE_MONAC_YAML}\ngrafana:\n  url: ${JSON.stringify(grafana)}\n`;
  return checkWorkspace(loadWorkspaceFromTexts([{ rel: "monac.yaml", text: monac }, ...specs]));
}

interface Rule { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }

function alertRules(artifacts: { path: string; content: string }[]): Rule[] {
  return artifacts
    .filter((a) => a.path.startsWith("prometheus/rules/"))
    .flatMap((a) => (parse(a.content) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules))
    .filter((r) => r.alert !== undefined);
}

describe("alerts link to their dashboard when monac.yaml names the Grafana", () => {
  it("every alert's dashboard_url is a generated dashboard that shows it, under the Grafana's sub-path", () => {
    const loaded = load("https://example.com/grafana/");
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    const artifacts = compileWorkspace(loaded.model!);
    const dashboards = new Map<string, string>();
    for (const a of artifacts.filter((x) => x.path.startsWith("grafana/dashboards/"))) {
      const json = JSON.parse(a.content) as { uid: string };
      dashboards.set(json.uid, a.content);
    }
    const rules = alertRules(artifacts);
    expect(rules.length).toBeGreaterThan(3);
    for (const r of rules) {
      const link = r.annotations?.dashboard_url;
      expect(link, r.alert).toMatch(/^https:\/\/example\.com\/grafana\/d\/[\w-]+$/);
      const uid = link!.split("/d/")[1]!;
      const dashboard = dashboards.get(uid);
      expect(dashboard, `${r.alert}: no generated dashboard has uid ${uid}`).toBeDefined();
      // The dashboard is the one about this alert: it names the SLO, or the threshold alert.
      expect(dashboard).toContain(r.labels!.slo !== undefined ? r.labels!.slo : r.alert!);
      expect(dashboard).toContain(`service:${r.labels!.service}`);
    }
  });

  it("without grafana.url, no alert carries a dashboard_url", () => {
    const loaded = load(undefined);
    expect(alertRules(compileWorkspace(loaded.model!)).filter((r) => r.annotations?.dashboard_url !== undefined)).toEqual([]);
  });

  it("refuses a Grafana URL that is not http(s) or carries credentials", () => {
    expect(load("grafana.example.com").diagnostics.map(formatDiagnostic).join("\n")).toMatch(/monac\.yaml:\d+:\d+: grafana\.url: expected an http\(s\) URL/);
    expect(load("https://admin:secret@grafana.example.com").diagnostics.map(formatDiagnostic).join("\n")).toMatch(/grafana\.url: a URL must not carry credentials/);
  });
});
