// `monac init`: the workspace it writes builds with no finding, its generated
// tests pass on monac and on the real promtool, and it never overwrites.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initFiles } from "../../src/cli/init.js";
import { describeWithTool, runTool } from "../support/tools.js";
import { run, snapshotDir } from "../support/cli.js";

const SPECS = ["monac.yaml", "slos/api.yaml", "alerts/node.yaml"];
const SCHEMAS = ["schemas/slos.schema.json", "schemas/alerts.schema.json", "schemas/monac.schema.json", "schemas/dashboards.schema.json", "schemas/routing-test.schema.json"];

let tmp: string;
let ws: string;
let init: Awaited<ReturnType<typeof run>>;
let build: Awaited<ReturnType<typeof run>>;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "monac-init-"));
  ws = path.join(tmp, "monitoring"); // does not exist yet
  init = await run("init", ws);
  build = await run("build", "--dir", ws);
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("monac init DIR", () => {
  it("creates DIR with the specs and the editor schemas, and says what to run next", () => {
    expect(init.code, init.err).toBe(0);
    expect(init.err).toBe("");
    for (const rel of [...SPECS, ...SCHEMAS]) expect(init.out).toContain(`created ${path.join(ws, rel)}\n`);
    expect(init.out).toContain(`npx monac build --dir ${ws}`);
    expect(init.out).toContain(`npx monac test --dir ${ws}`);
  });

  it("writes exactly the files it lists: no out/, no .gitignore", async () => {
    expect(Object.keys(await snapshotDir(ws)).filter((f) => !f.startsWith("out/")).sort()).toEqual([...SPECS, ...SCHEMAS].sort());
    expect(initFiles().map((f) => f.path)).toEqual([...SPECS, ...SCHEMAS]);
  });

  it("points each spec's yaml-language-server line at a schema it wrote, which is current", async () => {
    for (const rel of SPECS) {
      const text = await readFile(path.join(ws, rel), "utf8");
      const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
      expect(m, rel).not.toBeNull();
      expect(existsSync(path.join(ws, path.dirname(rel), m![1]!)), rel).toBe(true);
    }
    expect((await run("schema", "--out", path.join(ws, "schemas"), "--check")).code).toBe(0);
  });

  it("builds with no finding and no warning", async () => {
    expect(build.code, build.err).toBe(0);
    expect(build.err).toBe("");
    expect(build.out).toContain("from 2 SLOs, 2 threshold alerts");
    const r = await run("validate", "--dir", ws);
    expect(r).toEqual({ code: 0, out: "ok: 2 SLOs, 2 threshold alerts", err: "" });
    expect((await run("build", "--dir", ws, "--check")).code).toBe(0);
  });

  it("has generated tests for every SLO and alert, passing on monac", async () => {
    expect((await readdir(path.join(ws, "out", "prometheus", "tests"))).sort()).toEqual([
      "api.availability.slo.test.yaml",
      "api.latency.slo.test.yaml",
      "node.alerts.test.yaml",
    ]);
    const r = await run("test", "--dir", ws);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it("refuses a workspace: exit 2, nothing written", async () => {
    const before = await snapshotDir(ws);
    const r = await run("init", ws);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(`monac init: ${path.join(ws, "monac.yaml")} exists: ${ws} is a monac workspace already; nothing written`);
    expect(await snapshotDir(ws)).toEqual(before);
  });

  it("refuses when any file it would write is there: exit 2, nothing written", async () => {
    const dir = path.join(tmp, "has-schemas");
    await mkdir(path.join(dir, "schemas"), { recursive: true });
    await writeFile(path.join(dir, "schemas", "slos.schema.json"), "{}\n");
    await writeFile(path.join(dir, "README.md"), "mine\n");
    const r = await run("init", dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`monac init: would overwrite ${path.join(dir, "schemas", "slos.schema.json")}; nothing written (move it away, or init another directory)`);
    expect(await snapshotDir(dir)).toEqual({ "schemas/slos.schema.json": "{}\n", "README.md": "mine\n" });
  });

  it("refuses a DIR that is a file", async () => {
    const file = path.join(tmp, "a-file");
    await writeFile(file, "");
    const r = await run("init", file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`monac init: ${file} is not a directory`);
  });

  it("defaults to the current directory, into an existing one with other files", async () => {
    const dir = path.join(tmp, "repo");
    await mkdir(dir);
    await writeFile(path.join(dir, "README.md"), "mine\n");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await run("init");
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain("created monac.yaml\n");
      expect(r.out).toContain("  npx monac build    ");
      // And `monac build` there finds it.
      expect((await run("validate")).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(Object.keys(await snapshotDir(dir)).sort()).toEqual(["README.md", ...SPECS, ...SCHEMAS].sort());
  });
});

// promtool evaluates every rule once per simulated minute, and the ticket
// tiers' tests simulate days: about 1.5 minutes of CPU per SLO file.
const PROMTOOL_TIMEOUT_MS = 900_000;

describeWithTool("promtool", "monac init's generated tests on promtool", () => {
  it(
    "promtool test rules passes every generated test file",
    async () => {
      const dir = path.join(ws, "out", "prometheus", "tests");
      const files = (await readdir(dir)).sort();
      expect(files.length).toBe(3);
      await Promise.all(
        files.map(async (f) => {
          const r = await runTool("promtool", ["test", "rules", path.join(dir, f)], { timeoutMs: PROMTOOL_TIMEOUT_MS });
          const output = `promtool test rules ${f} exited ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
          expect(r.code, output).toBe(0);
          expect(r.stdout, output).toContain("SUCCESS");
        }),
      );
    },
    PROMTOOL_TIMEOUT_MS + 10_000,
  );
});
