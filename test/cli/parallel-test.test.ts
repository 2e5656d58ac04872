// `monac test --jobs N` as users run it: the compiled CLI (dist/bundle/), whose
// worker threads exist only there (from the TypeScript sources the files run
// on one thread). Whatever N, the report is the same, in file order, with
// the same exit code. Needs a dist/ built from the current sources: `npm ci`
// builds it (CI), `npm run build` here; a stale one skips loudly, and fails in CI.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canRunInParallel } from "../../src/ruletest/pool.js";
import { run } from "../support/cli.js";
import { isCI } from "../support/tools.js";
import { REPO_ROOT } from "../support/workspace.js";

/** Why dist/ cannot stand for the sources (a source newer than its compiled file or than the CLI's bundle), or undefined. */
function staleDist(): string | undefined {
  const bundle = path.join(REPO_ROOT, "dist", "bundle", "main.js");
  let bundleMs: number;
  try {
    bundleMs = statSync(bundle).mtimeMs;
  } catch {
    return `${bundle} is missing`;
  }
  const walk = (dir: string): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const src = path.join(dir, e.name);
      if (e.isDirectory()) {
        const found = walk(src);
        if (found) return found;
      } else if (e.name.endsWith(".ts")) {
        const built = path.join(REPO_ROOT, "dist", path.relative(path.join(REPO_ROOT, "src"), src).replace(/\.ts$/, ".js"));
        let builtMs: number;
        try {
          builtMs = statSync(built).mtimeMs;
        } catch {
          return `${built} is missing`;
        }
        const srcMs = statSync(src).mtimeMs;
        if (builtMs < srcMs) return `${built} is older than ${src}`;
        if (bundleMs < srcMs) return `${bundle} is older than ${src}`;
      }
    }
    return undefined;
  };
  return walk(path.join(REPO_ROOT, "src"));
}

const stale = staleDist();
if (stale && !isCI()) console.warn(`SKIPPED: monac test --jobs on the compiled CLI: ${stale}; run \`npm run build\``);

function cli(...args: string[]): { code: number; out: string; err: string } {
  return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "monac.js"), ...args], { encoding: "utf8", cwd: REPO_ROOT, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe.skipIf(stale !== undefined && !isCI())("monac test --jobs (compiled CLI)", () => {
  it("dist/ is built from the current sources", () => {
    expect(stale).toBeUndefined();
  });

  it("has worker threads compiled, where the sources run on one thread", async () => {
    const dist = (await import(pathToFileURL(path.join(REPO_ROOT, "dist", "ruletest", "pool.js")).href)) as typeof import("../../src/ruletest/pool.js");
    expect(dist.canRunInParallel()).toBe(true);
    expect(canRunInParallel()).toBe(false);
  });

  it("reports the example workspace's tests exactly as one job does, and as the sources do", async () => {
    const one = cli("test", "--jobs", "1", "--dir", REPO_ROOT);
    const three = cli("test", "--jobs", "3", "--dir", REPO_ROOT);
    expect(one.code).toBe(0);
    expect(three).toEqual(one);
    const inProcess = await run("test", "--dir", REPO_ROOT);
    expect(three.out).toBe(`${inProcess.out}\n`);
  });

  describe("on failing and invalid files", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "monac-jobs-"));
      await cp(path.join(REPO_ROOT, "out", "prometheus", "rules"), path.join(dir, "rules"), { recursive: true });
      // Two copies of the tests beside the rules they name (../rules/...), so every thread has several files.
      for (const copy of ["a", "b"]) await cp(path.join(REPO_ROOT, "out", "prometheus", "tests"), path.join(dir, copy), { recursive: true });
      await writeFile(path.join(dir, "a", "broken.test.yaml"), "tests: [\n");
      await writeFile(
        path.join(dir, "b", "wrong.test.yaml"),
        `rule_files: [../rules/redis.alerts.rules.yaml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series: []\n    alert_rule_test:\n      - eval_time: 5m\n        alertname: CacheMemoryHigh\n        exp_alerts: [{ exp_labels: { severity: warning } }]\n`,
      );
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("reports them in file order with the same verdicts and exit code", () => {
      const args = ["test", path.join(dir, "a"), path.join(dir, "b")];
      const one = cli(...args, "--jobs", "1");
      const four = cli(...args, "--jobs", "4");
      expect(one.code).toBe(2);
      expect(one.out).toMatch(/^FAIL .*broken\.test\.yaml$/m);
      expect(one.out).toMatch(/^FAIL .*wrong\.test\.yaml$/m);
      expect(one.out).toMatch(/^ok   .*b\/redis\.alerts\.test\.yaml/m);
      expect(four).toEqual(one);
    });

    it("with --cache, reports the passes of the last run from every thread, marked, and runs the rest", () => {
      const env = { XDG_CACHE_HOME: path.join(dir, "cache") };
      const args = ["test", "--cache", "--jobs", "3", path.join(dir, "a"), path.join(dir, "b")];
      const first = cliWith(env, ...args);
      const second = cliWith(env, ...args);
      expect(first.out).not.toContain("cached");
      expect(second.code).toBe(first.code);
      // A file with no test group runs nothing: there is nothing to cache.
      const passes = first.out.match(/^ok   .* \([1-9]\d* groups?\)$/gm)!.length;
      expect(passes).toBeGreaterThan(20);
      const marked = first.out.replace(/^(ok +\S+ \([1-9]\d* groups?)\)$/gm, "$1, cached)").replace(/^(\d+ passed, \d+ failed, 1 invalid file)$/m, `$1 (${passes} of ${first.out.match(/^(ok|FAIL) /gm)!.length} rule test files cached)`);
      expect(second.out).toBe(marked);
    });
  });

  it("refuses a --jobs that is not a whole number from 1", () => {
    for (const bad of ["0", "-1", "two", "1.5", ""]) {
      const r = cli("test", `--jobs=${bad}`, "--dir", REPO_ROOT);
      expect(r.code, bad).toBe(2);
      expect(r.err, bad).toContain("invalid --jobs");
    }
  });
});
