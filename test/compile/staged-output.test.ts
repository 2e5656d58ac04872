// StagedOutput on its own: files are compared and staged by a thread of their
// own while the build goes on; what it reports and leaves behind is the same
// as if the build had written each file itself.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GENERATED_MARKER, OutputIOError, StagedOutput } from "../../src/compile/write.js";

let out: string;
beforeEach(() => {
  out = mkdtempSync(path.join(tmpdir(), "monac-staged-"));
});
afterEach(() => {
  rmSync(out, { recursive: true, force: true });
});

const rule = (i: number, extra = ""): { path: string; content: string } => ({
  path: `prometheus/rules/r${String(i).padStart(4, "0")}.rules.yaml`,
  content: `${GENERATED_MARKER}\ngroups:\n  - name: g${i}\n    rules: []\n${extra}`,
});

/** Every file under `dir`, dotfiles included, by path. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return files;
}

describe("StagedOutput", () => {
  it("writes every file with its content and hash, however far the build runs ahead of the disk", async () => {
    // A bound of one character: each batch waits until the thread has staged the ones before.
    const output = new StagedOutput(out, true, [], 1);
    const files = Array.from({ length: 400 }, (_, i) => rule(i, "# ".padEnd(2000, "x")));
    for (const f of files) output.add(f);
    const plan = await output.finish();
    expect(plan.changes).toEqual(files.map((f) => ({ path: f.path, change: "created" })));
    expect(plan.blocked).toEqual([]);
    expect(tree(out)).toEqual(Object.fromEntries(files.map((f) => [f.path, f.content])));
    expect(output.size).toBe(400);
    for (const f of files) expect(output.hashes[f.path]).toBe(createHash("sha1").update(f.content).digest("hex"));
  });

  it("reports unchanged, updated, removed and hand-written files, and --check writes nothing", async () => {
    const first = new StagedOutput(out, true);
    for (const i of [1, 2, 3]) first.add(rule(i));
    await first.finish();
    writeFileSync(path.join(out, "prometheus/rules/mine-by-hand.yaml"), "groups: []\n");
    const before = tree(out);

    const check = new StagedOutput(out, false);
    check.add(rule(1));
    check.add(rule(2, "# changed\n"));
    check.add(rule(4));
    const plan = await check.finish();
    expect(plan.changes).toEqual([
      { path: rule(2).path, change: "updated" },
      { path: rule(3).path, change: "removed" },
      { path: rule(4).path, change: "created" },
    ]);
    expect(plan.foreign).toEqual([{ path: "prometheus/rules/mine-by-hand.yaml", note: "Prometheus will load it too" }]);
    expect(tree(out)).toEqual(before);
  });

  it("a file the caller says out/ holds as made: not compared, written or removed, and its hash reported", async () => {
    const first = new StagedOutput(out, true);
    for (const i of [1, 2]) first.add(rule(i));
    await first.finish();
    const before = tree(out);
    const again = new StagedOutput(out, true);
    again.add(rule(1));
    again.unchanged(rule(2).path, "0123456789abcdef0123456789abcdef01234567");
    const plan = await again.finish();
    expect(plan.changes).toEqual([]);
    expect(tree(out)).toEqual(before);
    expect(again.size).toBe(2);
    expect(again.hashes[rule(2).path]).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(again.hashes[rule(1).path]).toBe(createHash("sha1").update(rule(1).content).digest("hex"));
    expect(() => again.unchanged(rule(1).path, "x")).toThrow(/twice/);
  });

  it("a file monac did not write in the way: nothing is written, and what was staged is gone", async () => {
    mkdirSync(path.join(out, "prometheus/rules"), { recursive: true });
    writeFileSync(path.join(out, rule(7).path), "groups: [] # by hand\n");
    const before = tree(out);
    const output = new StagedOutput(out, true);
    for (let i = 0; i < 20; i++) output.add(rule(i));
    output.add({ path: "grafana/provisioning/dashboards.yaml", content: `${GENERATED_MARKER}\n` });
    const plan = await output.finish();
    expect(plan.blocked).toEqual([rule(7).path]);
    expect(tree(out)).toEqual(before);
    expect(readdirSync(out)).toEqual(["prometheus"]);
  });

  it("a file system error while staging: an OutputIOError at finish, and abort leaves out/ as it was", async () => {
    // A file where a folder of out/ has to be (and one there already: what is staged in it is removed file by file).
    mkdirSync(path.join(out, "prometheus/rules"), { recursive: true });
    writeFileSync(path.join(out, "prometheus/tests"), "not a folder\n");
    const before = tree(out);
    const output = new StagedOutput(out, true);
    for (let i = 0; i < 20; i++) output.add(rule(i));
    output.add({ path: "prometheus/tests/a.test.yaml", content: `${GENERATED_MARKER}\ntests: []\n` });
    output.add(rule(20));
    const error = await output.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputIOError);
    expect((error as Error).message).toMatch(/ENOTDIR|EEXIST/);
    await output.abort();
    expect(tree(out)).toEqual(before);
  });
});
