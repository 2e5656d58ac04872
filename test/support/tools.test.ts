import { describe, expect, it } from "vitest";
import { alertmanagerTemplateDir, describeWithTool, runTool, toolPath } from "./tools.js";

describe("toolPath", () => {
  it("returns an absolute path or undefined", () => {
    const p = toolPath("promtool");
    if (p !== undefined) expect(p).toMatch(/^\/.*\/promtool$/);
  });
});

describeWithTool("promtool", "promtool via runTool", () => {
  it("prints its version", async () => {
    const r = await runTool("promtool", ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/^promtool, version \d+\.\d+\.\d+/m);
  });

  it("reads stdin from the input option", async () => {
    const metrics = "# HELP foo_total A counter.\n# TYPE foo_total counter\nfoo_total 1\n";
    const r = await runTool("promtool", ["check", "metrics"], { input: metrics });
    expect(r.code).toBe(0);
  });

  it("reports a failing exit code instead of throwing", async () => {
    const r = await runTool("promtool", ["check", "rules", "/nonexistent/monac-rules.yml"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/does not exist/);
  });
});

describeWithTool("amtool", "amtool via runTool", () => {
  it("prints its version", async () => {
    const r = await runTool("amtool", ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/^amtool, version \d+\.\d+\.\d+/m);
  });

  it("renders a default template from the installed template folder", async (ctx) => {
    const dir = alertmanagerTemplateDir();
    if (dir === undefined) {
      ctx.skip();
      return;
    }
    const r = await runTool("amtool", [
      "template",
      "render",
      `--template.glob=${dir}/*.tmpl`,
      '--template.text={{ template "slack.default.title" . }}',
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("[ALERTSTATUS]");
  });
});
