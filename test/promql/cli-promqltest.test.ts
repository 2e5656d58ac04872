import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "monac-promqltest-"));

function script(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Runs `monac promqltest ...` and captures what it prints. */
async function promqltest(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(["promqltest", ...args], { out: (t) => (out += `${t}\n`), err: () => {} });
  return { code, out };
}

const GOOD = `load 1m
  up{job="a"} 1+1x5

eval instant at 2m up
  up{job="a"} 3

eval range from 0 to 2m step 1m up * 2
  {job="a"} 2 4 6

eval instant at 0m sort_by_label(up, "job")
  up{job="a"} 1
`;

describe("monac promqltest", () => {
  it("exits 0 and counts passes and skips", async () => {
    const r = await promqltest(script("good.test", GOOD));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 passed, 0 failed, 1 skipped\n$/);
  });

  it("exits 1 on a failing eval and explains it with --verbose", async () => {
    const bad = script("bad.test", "load 1m\n  up 1\n\neval instant at 0m up\n  up 2\n");
    const r = await promqltest("--verbose", bad);
    expect(r.code).toBe(1);
    expect(r.out).toContain("expected 2 for {__name__=\"up\"} but got 1");
    expect(r.out).toMatch(/0 passed, 1 failed, 0 skipped\n$/);
  });

  it("exits 2 on an unreadable file", async () => {
    expect((await promqltest(join(dir, "missing.test"))).code).toBe(2);
  });
});
