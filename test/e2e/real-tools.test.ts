// The generated bundle, checked by the programs that will consume it: the
// real promtool and amtool (Prometheus 3.5, Alertmanager 0.33 from Debian),
// and the published JSON Schemas from ../shared when present.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { expect, it } from "vitest";
import { describeWithTool, runTool } from "../support/tools.js";
import { REPO_ROOT } from "../support/workspace.js";
import { describeWithShared, sharedPath } from "../support/shared.js";

const rulesDir = path.join(REPO_ROOT, "out", "prometheus", "rules");
const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith(".rules.yaml")).sort();
const amConfig = path.join(REPO_ROOT, "out", "alertmanager", "alertmanager.yml");

describeWithTool("promtool", "promtool check rules", () => {
  it.each(ruleFiles)("%s", async (file) => {
    const r = await runTool("promtool", ["check", "rules", "--lint=all", "--lint-fatal", path.join(rulesDir, file)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describeWithTool("amtool", "amtool", () => {
  it("accepts the Alertmanager configuration", async () => {
    const r = await runTool("amtool", ["check-config", amConfig]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("SUCCESS");
  });

  // Who is told about what, as Alertmanager itself resolves it.
  const ROUTES: [labels: string[], receivers: string][] = [
    [["team=payments", "severity=critical", "service=checkout", "slo=availability", "alertname=ErrorBudgetBurn"], "payments-pagerduty,payments-slack,sre-email"],
    [["team=payments", "severity=warning", "service=checkout", "alertname=ErrorBudgetBurn"], "payments-slack"],
    [["team=payments", "severity=info", "service=payments"], "payments-email"],
    [["team=platform", "severity=critical", "service=node", "alertname=InstanceDown"], "platform-pagerduty,platform-slack,sre-email"],
    [["team=platform", "severity=warning", "service=node", "alertname=HighCpuUsage"], "platform-slack,platform-email"],
    [["team=data", "severity=critical", "service=ml-inference"], "data-slack,sre-email"],
    [["team=data", "severity=warning"], "data-slack"],
    [["team=unknown", "severity=critical"], "sre-email"],
    [["alertname=Watchdog"], "sre-email"],
  ];
  it.each(ROUTES)("routes %j to %s", async (labels, receivers) => {
    const r = await runTool("amtool", ["config", "routes", "test", `--config.file=${amConfig}`, `--verify.receivers=${receivers}`, ...labels]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(receivers);
  });
});

const schemas = sharedPath("schemas");
describeWithShared(schemas, "published JSON Schemas (../shared/schemas)", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const compiled = new Map<string, ReturnType<Ajv["compile"]>>();
  const schema = (name: string) => {
    if (!compiled.has(name)) compiled.set(name, ajv.compile(JSON.parse(readFileSync(path.join(schemas, name), "utf8"))));
    return compiled.get(name)!;
  };

  it.each(ruleFiles)("%s is a valid Prometheus rule file", (file) => {
    const validate = schema("prometheus.rules.json");
    const ok = validate(parse(readFileSync(path.join(rulesDir, file), "utf8")));
    expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("alertmanager.yml is a valid Alertmanager configuration", () => {
    const validate = schema("prometheus-alertmanager.json");
    const ok = validate(parse(readFileSync(amConfig, "utf8")));
    expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
  });
});
