// The unchanged-rebuild cache (src/cli/build-cache.ts): a rebuild with nothing
// changed says what the last build said without compiling, and anything that
// changed — a spec, a file in out/, a file added to out/, the options — is a
// full build. Whether a build was served from the cache is told by editing
// the recorded summary: only a cached answer repeats it. A full build takes
// from out/ the generated test files whose inputs did not change: whether it
// did is told by marking such a file (and its recorded hash, as if the last
// build had made it so): only a reused file keeps the mark.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
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

  it("records a --check that finds out/ up to date, and not one that finds it stale", async () => {
    await build();
    await rm(cacheFile(ws, out));
    expect((await build("--check")).out).toBe(`ok: ${out} is up to date (9 SLOs, 19 threshold alerts)`);
    await mark();
    expect((await build("--check")).out).toBe(`ok: ${out} is up to date (MARKED)`);
    // A stale out/ is not recorded: the cached answer would say it is up to date.
    await rm(cacheFile(ws, out));
    const rules = path.join(out, "prometheus", "rules", "checkout.availability.slo.rules.yaml");
    await writeFile(rules, `${await readFile(rules, "utf8")}# edited\n`);
    expect((await build("--check")).code).toBe(1);
    await expect(readFile(cacheFile(ws, out))).rejects.toThrow(/ENOENT/);
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

  describe("generated tests of unchanged SLOs and alerts", () => {
    const tests = (name: string) => `prometheus/tests/${name}.test.yaml`;
    const MARK = "# reused\n";
    /** Appends MARK to each file and records the result as what the last build wrote (or, with record false, leaves the record). */
    async function markFiles(rels: string[], record = true): Promise<void> {
      const file = cacheFile(ws, out);
      const entry = JSON.parse(await readFile(file, "utf8")) as { files: Record<string, string> };
      for (const rel of rels) {
        const text = `${await readFile(path.join(out, rel), "utf8")}${MARK}`;
        await writeFile(path.join(out, rel), text);
        if (record) entry.files[rel] = createHash("sha1").update(text).digest("hex");
      }
      await writeFile(file, JSON.stringify(entry));
    }
    const marked = async (rel: string) => (await readFile(path.join(out, rel), "utf8")).endsWith(MARK);
    async function edit(rel: string, from: string, to: string): Promise<void> {
      const spec = path.join(ws, rel);
      const text = await readFile(spec, "utf8");
      expect(text).toContain(from);
      await writeFile(spec, text.replace(from, to));
    }

    it("are taken from out/, and the result is the fresh build's", async () => {
      expect((await run("build", "--dir", ws)).code).toBe(0);
      // Every generated test file is keyed: all the example's models (latency, native, gauge and raw SLIs, thresholds) are plain data.
      const recorded = JSON.parse(await readFile(cacheFile(ws, out), "utf8")) as { tests: Record<string, string> };
      const made = (await readdir(path.join(out, "prometheus", "tests"))).map((n) => `prometheus/tests/${n}`);
      expect(Object.keys(recorded.tests).sort()).toEqual(made.sort());
      const kept = [tests("payments.transaction-success.slo"), tests("node.alerts")];
      const remade = [tests("checkout.availability.slo"), tests("redis.alerts")];
      await markFiles([...kept, ...remade]);
      // One SLO and one threshold alert change; the rest of their files' neighbours do not.
      await edit("slos/checkout.yaml", "objective: 99.9", "objective: 99.5");
      await edit("alerts/redis.yaml", "critical: 95", "critical: 97");
      const r = await run("build", "--dir", ws);
      expect(r.code).toBe(0);
      for (const rel of kept) expect(await marked(rel), rel).toBe(true);
      for (const rel of remade) {
        expect(await marked(rel), rel).toBe(false);
        expect(r.out).toContain(`updated ${path.join(out, rel)}`);
      }
      // Without the marks, out/ is what a build from nothing makes.
      const fresh = path.join(ws, "fresh-out");
      expect((await run("build", "--dir", ws, "--out", fresh)).code).toBe(0);
      const now = await snapshotDir(out);
      for (const rel of kept) now[rel] = now[rel]!.slice(0, -MARK.length);
      expect(now).toEqual(await snapshotDir(fresh));
      // --check reads the same way: out/ (marks and all) is up to date.
      expect((await run("build", "--dir", ws, "--check")).code).toBe(0);
      // The reused files' hashes were recorded with the rest: nothing changed since is answered from the cache.
      await mark();
      expect((await run("build", "--dir", ws)).out).toContain("MARKED");
    });

    it("are made again when out/ does not hold them as recorded, or another monac made them", async () => {
      await run("build", "--dir", ws);
      const rel = tests("payments.transaction-success.slo");
      // Edited in out/ since: made again (and so put back).
      await markFiles([rel], false);
      await edit("slos/checkout.yaml", "objective: 99.9", "objective: 99.5");
      const edited = await run("build", "--dir", ws);
      expect(await marked(rel)).toBe(false);
      expect(edited.out).toContain(`updated ${path.join(out, rel)}`);
      // Recorded by another monac (its code, dependencies or Node): made again.
      await markFiles([rel]);
      const file = cacheFile(ws, out);
      await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, "utf8")), identity: "another monac" }));
      await edit("slos/checkout.yaml", "objective: 99.5", "objective: 99.9");
      await run("build", "--dir", ws);
      expect(await marked(rel)).toBe(false);
      // Gone from out/: made again.
      await unlink(path.join(out, rel));
      await edit("slos/checkout.yaml", "objective: 99.9", "objective: 99.5");
      const removed = await run("build", "--dir", ws);
      expect(removed.out).toContain(`created ${path.join(out, rel)}`);
    });

    it("are made when the record is in another shape, never an error", async () => {
      await run("build", "--dir", ws);
      const file = cacheFile(ws, out);
      const entry = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      for (const broken of ["null", "[]", JSON.stringify({ ...entry, tests: null }), JSON.stringify({ ...entry, files: null }), JSON.stringify({ ...entry, tests: [] })]) {
        await writeFile(file, broken);
        const r = await run("build", "--dir", ws);
        expect(r.code, broken.slice(0, 40)).toBe(0);
        expect(r.err).toBe("");
      }
    });

    it("are not taken after a build without tests", async () => {
      await run("build", "--dir", ws);
      await build();
      const rel = tests("payments.transaction-success.slo");
      await writeFile(path.join(out, rel), `${await readFile(path.join(out, rel), "utf8")}${MARK}`);
      const r = await run("build", "--dir", ws);
      expect(await marked(rel)).toBe(false);
      expect(r.out).toContain(`updated ${path.join(out, rel)}`);
    });
  });
});
