// `monac build --watch` (src/cli/watch.ts): after each change to a spec file
// out/ is what a fresh `monac build` of the same specs writes; a spec with an
// error leaves out/ as it was and the watch goes on; writes to out/, or to
// files that are not specs, start no build; stopping ends it with status 0.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changedSpecFiles, specFingerprint, watchBuilds } from "../../src/cli/watch.js";
import { newGenerationContext, type GenerationContext } from "../../src/compile/rule-tests/generation-context.js";
import { REPO_ROOT } from "../support/workspace.js";
import { run, snapshotDir } from "../support/cli.js";

const BASE = path.join(REPO_ROOT, "test", "fixtures", "base");

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "monac-watch-"));
  await cp(BASE, ws, { recursive: true });
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

/** A watch of `ws` running in this process, its output as lines. */
function startWatch(opts: { write?: boolean; generationContext?: GenerationContext } = {}) {
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(...t.split("\n")), err: (t: string) => lines.push(...t.split("\n")) };
  const stop = new AbortController();
  const done = watchBuilds({ dir: ws, out: undefined, check: false, write: opts.write ?? true, generationContext: opts.generationContext }, io, stop.signal);
  /** Waits until `count` lines match `re` (the watch keeps going meanwhile). */
  const waitFor = async (re: RegExp, count = 1): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (lines.filter((l) => re.test(l)).length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} x${count}; output:\n${lines.join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { lines, stop, done, waitFor };
}

const WATCHING = /^watching .* \(Ctrl-C to stop\)$/;
const BUILT = /^built \d+ files \(\d+ changed\)/;

describe("monac build --watch", () => {
  it("rebuilds on each spec change to what a fresh build writes, keeps out/ on errors, and stops with 0", { timeout: 120_000 }, async () => {
    const w = startWatch();
    await w.waitFor(WATCHING);
    const slo = path.join(ws, "slos", "shop.yaml");
    const original = await readFile(slo, "utf8");

    // A changed objective: out/ becomes what `monac build` makes of the new specs.
    await writeFile(slo, original.replace("objective: 99.9", "objective: 99.5"));
    await w.waitFor(/^slos\/shop\.yaml changed: building again$/);
    await w.waitFor(BUILT, 2);
    const rebuilt = await snapshotDir(path.join(ws, "out"));
    const fresh = path.join(ws, "fresh");
    expect((await run("build", "--dir", ws, "--out", fresh)).code).toBe(0);
    expect(rebuilt).toEqual(await snapshotDir(fresh));
    expect(Object.values(rebuilt).some((text) => text.includes("0.005"))).toBe(true);

    // An error: reported with its place, nothing written, still watching.
    await writeFile(slo, original.replace("objective: 99.9", "objective: 100"));
    await w.waitFor(/slos\/shop\.yaml:\d+:\d+: .*objective must be between 0 and 100 \(exclusive\), got 100/);
    await w.waitFor(/nothing written/);
    expect(await snapshotDir(path.join(ws, "out"))).toEqual(rebuilt);

    // A new spec file is picked up.
    await writeFile(slo, original);
    await writeFile(
      path.join(ws, "slos", "cart.yaml"),
      original.replace("service: shop", "service: cart").replaceAll('job="shop"', 'job="cart"'),
    );
    await w.waitFor(BUILT, 3);
    const withCart = await snapshotDir(path.join(ws, "out"));
    expect(Object.keys(withCart).some((f) => f.includes("cart."))).toBe(true);
    const fresh2 = path.join(ws, "fresh2");
    expect((await run("build", "--dir", ws, "--out", fresh2)).code).toBe(0);
    expect(withCart).toEqual(await snapshotDir(fresh2));

    // Files in out/ and files that are not specs start no build (the poll runs every second).
    const before = w.lines.length;
    await writeFile(path.join(ws, "out", "notes.txt"), "hand-written\n");
    await writeFile(path.join(ws, "slos", "README.md"), "not a spec\n");
    await new Promise((r) => setTimeout(r, 2500));
    expect(w.lines.slice(before)).toEqual([]);

    w.stop.abort();
    expect(await w.done).toBe(0);
  });

  it("picks up a change where a symbolic link in a spec directory leads, outside DIR", { timeout: 60_000 }, async () => {
    const shared = await mkdtemp(path.join(tmpdir(), "monac-watch-shared-"));
    try {
      const slo = path.join(ws, "slos", "shop.yaml");
      await writeFile(path.join(shared, "shop.yaml"), await readFile(slo, "utf8"));
      await rm(slo);
      await symlink(shared, path.join(ws, "slos", "shared"));
      const w = startWatch();
      await w.waitFor(WATCHING);
      await writeFile(path.join(shared, "shop.yaml"), (await readFile(path.join(shared, "shop.yaml"), "utf8")).replace("objective: 99.9", "objective: 99.5"));
      await w.waitFor(/^slos\/shared\/shop\.yaml changed: building again$/);
      await w.waitFor(BUILT, 2);
      w.stop.abort();
      expect(await w.done).toBe(0);
      expect(Object.values(await snapshotDir(path.join(ws, "out"))).some((text) => text.includes("0.005"))).toBe(true);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it("validate --watch writes nothing", { timeout: 60_000 }, async () => {
    const w = startWatch({ write: false });
    await w.waitFor(WATCHING);
    expect(w.lines[0]).toMatch(/^ok: 1 SLOs?, \d+ threshold alerts?$/);
    const slo = path.join(ws, "slos", "shop.yaml");
    await writeFile(slo, (await readFile(slo, "utf8")).replace("objective: 99.9", "objective: 99.5"));
    await w.waitFor(/^ok: /, 2);
    w.stop.abort();
    expect(await w.done).toBe(0);
    expect(await snapshotDir(ws).then((files) => Object.keys(files).filter((f) => f.startsWith("out/")))).toEqual([]);
  });

  it("says so when a rebuild meets an internal error, and goes on watching", { timeout: 60_000 }, async () => {
    // A generation context that breaks once the first build is done, as a bug in monac would.
    const ctx = newGenerationContext();
    let broken = false;
    const plans = ctx.sloPlans;
    Object.defineProperty(ctx, "sloPlans", {
      get: () => {
        if (broken) throw new Error("boom");
        return plans;
      },
    });
    const w = startWatch({ generationContext: ctx });
    await w.waitFor(WATCHING);
    broken = true;
    const slo = path.join(ws, "slos", "shop.yaml");
    await writeFile(slo, (await readFile(slo, "utf8")).replace("objective: 99.9", "objective: 99.5"));
    await w.waitFor(/^monac: internal error: Error: boom/);
    await w.waitFor(/^\(\d+\.\d+ s\) watching for changes/);
    w.stop.abort();
    expect(await w.done).toBe(0);
  });

  it("exits 2 at once where there is no workspace to watch", async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t) };
    expect(await watchBuilds({ dir: path.join(ws, "nowhere"), out: undefined, check: false, write: true }, io, new AbortController().signal)).toBe(2);
    await rm(path.join(ws, "monac.yaml"));
    expect(await watchBuilds({ dir: ws, out: undefined, check: false, write: true }, io, new AbortController().signal)).toBe(2);
    expect(err.join("\n")).toContain("monac.yaml");
  });

  it("--watch with --check is a usage error", async () => {
    const r = await run("build", "--dir", ws, "--watch", "--check");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--watch and --check do not go together");
  });
});

describe("spec fingerprints", () => {
  it("tell added, removed and rewritten spec files, and nothing else", async () => {
    const a = await specFingerprint(ws);
    expect(changedSpecFiles(a, await specFingerprint(ws))).toEqual([]);
    await writeFile(path.join(ws, "slos", "new.yml"), "service: x\n");
    await writeFile(path.join(ws, "slos", "notes.txt"), "x\n");
    const b = await specFingerprint(ws);
    expect(changedSpecFiles(a, b)).toEqual(["slos/new.yml"]);
    await writeFile(path.join(ws, "alerts", "shop.yaml"), "changed: true\n");
    await rm(path.join(ws, "slos", "new.yml"));
    expect(changedSpecFiles(b, await specFingerprint(ws))).toEqual(["alerts/shop.yaml", "slos/new.yml"]);
    expect(typeof (await specFingerprint(path.join(ws, "nowhere")))).toBe("string");
  });
});
