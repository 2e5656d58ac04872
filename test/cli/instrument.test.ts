// `monac instrument`: the instrumentation modules alone, as `monac build` writes them.
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumentCommand } from "../../src/cli/instrument.js";
import { REPO_ROOT } from "../support/workspace.js";

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "monac-instrument-"));
  for (const entry of ["monac.yaml", "slos", "alerts", "dashboards"]) await cp(path.join(REPO_ROOT, entry), path.join(ws, entry), { recursive: true });
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await instrumentCommand(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("monac instrument", () => {
  it("writes out/instrument/<service>.ts identical to what monac build commits", async () => {
    const r = await run("--dir", ws);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const dir = path.join(ws, "out", "instrument");
    const modules = ["api.ts", "checkout.ts", "ml-inference.ts", "payments.ts"];
    expect((await readdir(dir)).sort()).toEqual(modules);
    for (const f of modules) {
      expect(await readFile(path.join(dir, f), "utf8")).toBe(await readFile(path.join(REPO_ROOT, "out", "instrument", f), "utf8"));
    }
  });

  it("--service and --out write one module where asked", async () => {
    const out = path.join(ws, "gen");
    const r = await run("--dir", ws, "--out", out, "--service", "checkout");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${path.join(out, "checkout.ts")}`);
    expect(await readdir(out)).toEqual(["checkout.ts"]);
  });

  it("exits 2 on an unknown service or flag, 1 on spec findings, and never replaces a hand-written file", async () => {
    let r = await run("--dir", ws, "--service", "nope");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^monac instrument: --service nope: no SLOs for this service; services with SLOs: api, checkout, ml-inference, payments/);
    expect((await run("--bogus")).code).toBe(2);
    expect((await run("--dir", path.join(ws, "missing"))).code).toBe(2);

    const spec = path.join(ws, "slos", "checkout.yaml");
    await writeFile(spec, (await readFile(spec, "utf8")).replace("buckets: [0.005, 0.01, 0.025, 0.05, 0.1,", "buckets: [0.005, 0.01, 0.025, 0.05,"));
    r = await run("--dir", ws);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^slos\/checkout\.yaml:\d+:\d+: slos\[1\]\.sli\.latency\.threshold: threshold 100ms is not a bucket bound of the declared buckets \[0\.005, 0\.01, 0\.025, 0\.05, 0\.25, .*add 0\.1\n1 spec errors; nothing written$/);

    await cp(path.join(REPO_ROOT, "slos", "checkout.yaml"), spec);
    const out = path.join(ws, "gen");
    await run("--dir", ws, "--out", out);
    await writeFile(path.join(out, "api.ts"), "// mine\n");
    r = await run("--dir", ws, "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${path.join(out, "api.ts")}: not written by monac; not replaced\nnothing written`);
  });
});
