// Warnings from `monac build` / `validate`: printed to stderr as
// `file:line:col: warning: ...`, and the command still succeeds.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/workspace.js";
import { run } from "../support/cli.js";

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "monac-warn-"));
  for (const entry of ["monac.yaml", "slos", "alerts", "dashboards"]) await cp(path.join(REPO_ROOT, entry), path.join(ws, entry), { recursive: true });
  // A receiver no team routes to: legal, and likely a leftover.
  const monac = path.join(ws, "monac.yaml");
  await writeFile(monac, (await readFile(monac, "utf8")).replace(/^receivers:\n/m, "receivers:\n  spare-email:\n    email: { to: spare@example.com }\n"));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

const WARNING = /^monac\.yaml:\d+:3: warning: receivers\.spare-email: receiver "spare-email" is not used: no team routes to it and it is not alertmanager\.defaultReceiver$/m;

describe("warnings", () => {
  it("validate prints them and succeeds", async () => {
    const r = await run("validate", "--dir", ws, "--no-tests");
    expect(r.err).toMatch(WARNING);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: /);
  });

  it("build prints them and writes out/", async () => {
    const r = await run("build", "--dir", ws, "--no-tests", "--no-dashboards");
    expect(r.err).toMatch(WARNING);
    expect(r.code).toBe(0);
    expect(await readFile(path.join(ws, "out", "alertmanager", "alertmanager.yml"), "utf8")).toContain("name: spare-email");
  });

  it("are counted apart from the errors that stop a build", async () => {
    const monac = path.join(ws, "monac.yaml");
    await writeFile(monac, (await readFile(monac, "utf8")).replace("groupBy: [alertname, service, slo]", "groupBy: [alertname, service, service]"));
    const r = await run("validate", "--dir", ws);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(WARNING);
    expect(r.err).toContain('alertmanager.groupBy[2]: duplicate label "service" in groupBy (also at groupBy[1])');
    expect(r.err).toContain("1 error, 1 warning; nothing written");
  });
});
