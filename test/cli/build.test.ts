// `monac build` / `validate` end to end on a copy of the example workspace:
// exit codes, --check, atomic no-write-on-error, determinism.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { REPO_ROOT } from "../support/workspace.js";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else files[child] = await readFile(path.join(dir, child), "utf8");
    }
  };
  await walk("");
  return files;
}

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "monac-cli-"));
  for (const entry of ["monac.yaml", "slos", "alerts", "dashboards"]) await cp(path.join(REPO_ROOT, entry), path.join(ws, entry), { recursive: true });
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("monac build", () => {
  it("writes out/ identical to the committed example output", async () => {
    const r = await run("build", "--dir", ws);
    expect(r.code).toBe(0);
    expect(await snapshotDir(path.join(ws, "out"))).toEqual(await snapshotDir(path.join(REPO_ROOT, "out")));
  });

  it("is idempotent, and --check passes on a fresh build", async () => {
    await run("build", "--dir", ws);
    const first = await snapshotDir(path.join(ws, "out"));
    const again = await run("build", "--dir", ws);
    expect(again.out).toContain("(0 changed)");
    expect(await snapshotDir(path.join(ws, "out"))).toEqual(first);
    expect((await run("build", "--dir", ws, "--check")).code).toBe(0);
  });

  it("--check lists stale, missing and orphaned files and writes nothing", async () => {
    await run("build", "--dir", ws);
    const spec = path.join(ws, "slos", "checkout.yaml");
    await writeFile(spec, (await readFile(spec, "utf8")).replace("objective: 99.95", "objective: 99.9"));
    await rm(path.join(ws, "out", "prometheus", "rules", "redis.rules.yaml"));
    await writeFile(path.join(ws, "out", "prometheus", "rules", "gone.rules.yaml"), "groups: []\n");
    const before = await snapshotDir(path.join(ws, "out"));

    const r = await run("build", "--dir", ws, "--check");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(ws, "out", "prometheus", "rules", "checkout.rules.yaml")}: stale`);
    expect(r.err).toContain(`${path.join(ws, "out", "prometheus", "rules", "redis.rules.yaml")}: missing`);
    expect(r.err).toContain(`${path.join(ws, "out", "prometheus", "rules", "gone.rules.yaml")}: orphaned`);
    // The objective also changes the generated tests' thresholds.
    expect(r.err).toContain(`${path.join(ws, "out", "prometheus", "tests", "checkout.availability.slo.test.yaml")}: stale`);
    // ... and the SLO dashboard's objective line and stat colours.
    expect(r.err).toContain(`${path.join(ws, "out", "grafana", "dashboards", "monac-slo-checkout.json")}: stale`);
    expect(r.err).toContain("5 files out of date");
    expect(await snapshotDir(path.join(ws, "out"))).toEqual(before);

    expect((await run("build", "--dir", ws)).code).toBe(0);
    expect(Object.keys(await snapshotDir(path.join(ws, "out")))).not.toContain("prometheus/rules/gone.rules.yaml");
  });

  it("reports every finding with file:line:col, exits 1 and leaves out/ untouched", async () => {
    await run("build", "--dir", ws);
    const before = await snapshotDir(path.join(ws, "out"));
    const slo = path.join(ws, "slos", "checkout.yaml");
    await writeFile(slo, (await readFile(slo, "utf8")).replace("objective: 99.95", "objective: 100"));
    const alerts = path.join(ws, "alerts", "node.yaml");
    await writeFile(alerts, (await readFile(alerts, "utf8")).replace("team: platform", "team: platfrom"));

    const r = await run("build", "--dir", ws);
    expect(r.code).toBe(1);
    expect(r.err).toContain("alerts/node.yaml:5:7: team: unknown team \"platfrom\" (did you mean \"platform\"?)");
    expect(r.err).toMatch(/slos\/checkout\.yaml:\d+:16: slos\[0\]\.objective: objective must be between 0 and 100 \(exclusive\), got 100/);
    expect(r.err).toContain("2 errors; nothing written");
    expect(await snapshotDir(path.join(ws, "out"))).toEqual(before);
  });

  it("--no-tests leaves the generated tests alone", async () => {
    expect((await run("build", "--dir", ws, "--no-tests")).code).toBe(0);
    const files = Object.keys(await snapshotDir(path.join(ws, "out")));
    expect(files.some((f) => f.startsWith("prometheus/tests/"))).toBe(false);
    expect((await run("build", "--dir", ws)).code).toBe(0);
    expect((await run("build", "--dir", ws, "--no-tests", "--check")).code).toBe(0);
  });

  it("validate checks without writing", async () => {
    const r = await run("validate", "--dir", ws);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: \d+ SLOs, \d+ threshold alerts/);
    await expect(readdir(path.join(ws, "out"))).rejects.toThrow();
  });

  it("exits 2 on usage and I/O errors", async () => {
    expect((await run("build", "--bogus")).code).toBe(2);
    expect((await run("frobnicate")).code).toBe(2);
    expect((await run("build", "--dir", path.join(ws, "does-not-exist"))).code).toBe(2);
  });
});

describe("determinism", () => {
  it("yields byte-identical artifacts whatever the order files are read in", async () => {
    const files: { rel: string; text: string }[] = [];
    for (const dir of ["slos", "alerts"]) {
      for (const name of await readdir(path.join(REPO_ROOT, dir))) {
        files.push({ rel: `${dir}/${name}`, text: await readFile(path.join(REPO_ROOT, dir, name), "utf8") });
      }
    }
    files.push({ rel: "monac.yaml", text: await readFile(path.join(REPO_ROOT, "monac.yaml"), "utf8") });
    const compile = (list: typeof files) => compileWorkspace(loadWorkspaceFromTexts(list).model!);
    const reference = compile(files);
    for (let seed = 1; seed <= 5; seed++) {
      const shuffled = [...files].sort((a, b) => ((hash(a.rel) * seed) % 97) - ((hash(b.rel) * seed) % 97));
      expect(compile(shuffled)).toEqual(reference);
    }
  });

  it("prints every number exactly: no float noise anywhere in out/", async () => {
    const out = await snapshotDir(path.join(REPO_ROOT, "out"));
    for (const [file, text] of Object.entries(out)) {
      expect(text, file).not.toMatch(/\d\.\d*(0000000|9999999)\d/);
      expect(text, file).not.toMatch(/\de-\d/);
    }
  });
});

function hash(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 1009;
  return h;
}
