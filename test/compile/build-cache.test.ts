// The unchanged-rebuild cache (src/cli/build-cache.ts): a rebuild with nothing
// changed says what the last build said without compiling, and anything that
// changed — a spec, a file in out/, a file added to out/, the options — is a
// full build. Whether a build was served from the cache is told by editing
// the recorded summary: only a cached answer repeats it.
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFile } from "../../src/cli/build-cache.js";
import { REPO_ROOT } from "../support/workspace.js";
import { run, snapshotDir } from "../support/cli.js";

let ws: string;
let out: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "monac-cache-"));
  out = path.join(ws, "out");
  for (const entry of ["monac.yaml", "slos", "alerts", "dashboards"]) await cp(path.join(REPO_ROOT, entry), path.join(ws, entry), { recursive: true });
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

/** Marks the recorded build, so a build answered from the cache says "from MARKED". */
async function mark(): Promise<void> {
  const file = cacheFile(ws, out);
  const entry = JSON.parse(await readFile(file, "utf8")) as { summary: string };
  entry.summary = "MARKED";
  await writeFile(file, JSON.stringify(entry));
}

const build = (...extra: string[]) => run("build", "--dir", ws, "--no-tests", ...extra);

describe("build cache", () => {
  it("answers an unchanged rebuild, and --check, without compiling", async () => {
    const first = await build();
    expect(first.code).toBe(0);
    const written = await snapshotDir(out);
    await mark();
    const again = await build();
    expect(again.code).toBe(0);
    expect(again.out).toBe(first.out.replace(/^(created|updated) .*\n/gm, "").replace(/\(\d+ changed\) from .*/, "(0 changed) from MARKED"));
    expect(again.err).toBe(first.err);
    expect(await snapshotDir(out)).toEqual(written);
    expect((await build("--check")).out).toBe(`ok: ${out} is up to date (MARKED)`);
  });

  it("rebuilds when a spec changes", async () => {
    await build();
    await mark();
    const spec = path.join(ws, "slos", "checkout.yaml");
    await writeFile(spec, (await readFile(spec, "utf8")).replace("objective: 99.9", "objective: 99.5"));
    const r = await build();
    expect(r.out).not.toContain("MARKED");
    expect(r.out).toMatch(/^updated .*checkout\.availability\.slo\.rules\.yaml$/m);
  });

  it("rebuilds when a file in out/ was edited, removed, or one was added", async () => {
    await build();
    const written = await snapshotDir(out);
    const rules = path.join(out, "prometheus", "rules", "checkout.availability.slo.rules.yaml");

    await mark();
    await writeFile(rules, `${written["prometheus/rules/checkout.availability.slo.rules.yaml"]}# edited\n`);
    const edited = await build();
    expect(edited.out).not.toContain("MARKED");
    expect(edited.out).toMatch(/^updated .*checkout\.availability\.slo\.rules\.yaml$/m);
    expect(await snapshotDir(out)).toEqual(written);

    await mark();
    await unlink(rules);
    expect((await build("--check")).code).toBe(1);
    const removed = await build();
    expect(removed.out).toMatch(/^created .*checkout\.availability\.slo\.rules\.yaml$/m);
    expect(await snapshotDir(out)).toEqual(written);

    await mark();
    await writeFile(path.join(out, "prometheus", "rules", "extra.rules.yaml"), "groups: []\n");
    const added = await build();
    expect(added.out).not.toContain("MARKED");
    expect(added.err).toContain("extra.rules.yaml: not written by monac; left in place");
    // A build that leaves a hand-written file in place keeps warning about it.
    const warnedAgain = await build();
    expect(warnedAgain.err).toContain("extra.rules.yaml: not written by monac; left in place");
  });

  it("rebuilds when an orphaned generated file is back", async () => {
    await build();
    const orphan = path.join(out, "prometheus", "rules", "gone.availability.slo.rules.yaml");
    await writeFile(orphan, await readFile(path.join(out, "prometheus", "rules", "checkout.availability.slo.rules.yaml"), "utf8"));
    await mark();
    const r = await build();
    expect(r.out).toMatch(/^removed .*gone\.availability\.slo\.rules\.yaml$/m);
  });

  it("rebuilds when a killed build left staged files, and removes them; another dotfile or a live build's are no reason", async () => {
    await build();
    const rulesDir = path.join(out, "prometheus", "rules");
    await writeFile(path.join(rulesDir, ".gitkeep"), "");
    // process.ppid: a build still running (the test runner's parent stands in for it).
    await writeFile(path.join(rulesDir, `.checkout.availability.slo.rules.yaml.${process.ppid}.tmp`), "groups: []\n");
    await mark();
    expect((await build()).out).toContain("MARKED");
    // The pid of a process that has exited: a build killed before it renamed its staged files.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const leftover = path.join(rulesDir, `.checkout.availability.slo.rules.yaml.${dead}.tmp`);
    await writeFile(leftover, "groups: []\n");
    const r = await build();
    expect(r.out).not.toContain("MARKED");
    expect(r.out).toContain("(0 changed)");
    expect((await readdir(rulesDir)).filter((n) => n.startsWith(".")).sort()).toEqual([".checkout.availability.slo.rules.yaml." + process.ppid + ".tmp", ".gitkeep"].sort());
  });

  it("keys on the options: a build with tests is not the build without", async () => {
    await build();
    await mark();
    const full = await run("build", "--dir", ws);
    expect(full.out).not.toContain("MARKED");
    expect(full.out).toMatch(/^created .*prometheus\/tests\//m);
  });

  it("is not used by validate, nor for another out directory", async () => {
    await build();
    await mark();
    expect((await run("validate", "--dir", ws)).out).not.toContain("MARKED");
    const other = path.join(ws, "other-out");
    const r = await build("--out", other);
    expect(r.out).not.toContain("MARKED");
    expect(await snapshotDir(other)).toEqual(await snapshotDir(out));
  });
});
