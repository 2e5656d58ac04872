// `monac test --cache` (src/cli/test-cache.ts): a rule test file that passed
// before is reported from the cache, marked, with the result it had, while
// the file, the rule files it loads, the options and monac are the same; any
// change runs it again, a failure is never kept, and a cache it cannot use
// is no error. The cache directory is a temporary one (XDG_CACHE_HOME).
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testCacheFile } from "../../src/cli/test-cache.js";
import { run } from "../support/cli.js";
import { REPO_ROOT } from "../support/workspace.js";

/** Some of the example workspace's generated tests: thresholds and SLOs, one rule file each. */
const TESTS = ["redis.alerts", "postgres.alerts", "checkout.availability.slo", "api.health-probe.slo"];

let dir: string;
let tests: string;
let rules: string;
let savedCacheHome: string | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "monac-test-cache-"));
  tests = path.join(dir, "prometheus", "tests");
  rules = path.join(dir, "prometheus", "rules");
  for (const name of TESTS) {
    await cp(path.join(REPO_ROOT, "out", "prometheus", "tests", `${name}.test.yaml`), path.join(tests, `${name}.test.yaml`));
    await cp(path.join(REPO_ROOT, "out", "prometheus", "rules", `${name}.rules.yaml`), path.join(rules, `${name}.rules.yaml`));
  }
  savedCacheHome = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = path.join(dir, "cache");
});
afterEach(async () => {
  if (savedCacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCacheHome;
  await rm(dir, { recursive: true, force: true });
});

const test = (...args: string[]) => run("test", ...args, tests);

/** The files a report says ran (`ok`/`FAIL` lines without the cached mark), by name. */
function ran(out: string): string[] {
  return [...out.matchAll(/^(?:ok|FAIL) +(\S+)(?: \(\d+ groups?\))?$/gm)].map((m) => path.basename(m[1]!, ".test.yaml"));
}

function cached(out: string): string[] {
  return [...out.matchAll(/^ok +(\S+) \(\d+ groups?, cached\)$/gm)].map((m) => path.basename(m[1]!, ".test.yaml"));
}

const all = [...TESTS].sort();

describe("monac test --cache", () => {
  it("reports an unchanged file that passed as cached, with the result it had; only with --cache", async () => {
    const first = await test("--cache", "--verbose");
    expect(first.code, first.out).toBe(0);
    expect(ran(first.out).sort()).toEqual(all);
    const second = await test("--cache", "--verbose");
    expect(second.code).toBe(0);
    expect(cached(second.out).sort()).toEqual(all);
    // The same report (groups, timings and all), marked.
    const marked = first.out.replace(/^(ok +\S+ \(\d+ groups?)\)$/gm, "$1, cached)").replace(/^(\d+ passed, 0 failed)$/m, `$1 (${TESTS.length} of ${TESTS.length} rule test files cached)`);
    expect(second.out).toBe(marked);
    // Without --cache every file runs.
    const plain = await test();
    expect(ran(plain.out).sort()).toEqual(all);
  });

  it("runs a file again when it, a rule file it loads, or the options change", async () => {
    await test("--cache");
    const rule = path.join(rules, "redis.alerts.rules.yaml");
    await writeFile(rule, `${await readFile(rule, "utf8")}# a comment\n`);
    const test1 = path.join(tests, "postgres.alerts.test.yaml");
    await writeFile(test1, `${await readFile(test1, "utf8")}# a comment\n`);
    const edited = await test("--cache");
    expect(edited.code).toBe(0);
    expect(ran(edited.out).sort()).toEqual(["postgres.alerts", "redis.alerts"]);
    expect(cached(edited.out).sort()).toEqual(["api.health-probe.slo", "checkout.availability.slo"]);
    // Other options, other results: each runs once, then is cached (--exact: result-key.test.ts).
    for (const options of [["--run", "."], ["--coverage"]]) {
      const once = await test("--cache", ...options);
      expect(ran(once.out).sort(), options.join(" ")).toEqual(all);
      const twice = await test("--cache", ...options);
      expect(cached(twice.out).sort(), options.join(" ")).toEqual(all);
      // What is reported besides the files (the coverage) is the same.
      expect(twice.out.split("\n").filter((l) => !/^ok /.test(l) && !/ passed, /.test(l))).toEqual(once.out.split("\n").filter((l) => !/^ok /.test(l) && !/ passed, /.test(l)));
    }
  });

  it("runs a file again when its rule_files pattern matches another file", async () => {
    const redis = await readFile(path.join(tests, "redis.alerts.test.yaml"), "utf8");
    const globbed = redis.replace("  - ../rules/redis.alerts.rules.yaml\n", "  - ../rules/redis*.yaml\n");
    expect(globbed).not.toBe(redis);
    await writeFile(path.join(tests, "redis-glob.test.yaml"), globbed);
    expect(ran((await test("--cache")).out)).toContain("redis-glob");
    expect(cached((await test("--cache")).out)).toContain("redis-glob");
    await writeFile(path.join(rules, "redis-more.rules.yaml"), "groups: []\n");
    const r = await test("--cache");
    expect(r.code).toBe(0);
    expect(ran(r.out)).toEqual(["redis-glob"]);
  });

  it("never keeps a failure: a failing file runs every time", async () => {
    await test("--cache");
    const rule = path.join(rules, "redis.alerts.rules.yaml");
    const good = await readFile(rule, "utf8");
    // Alerts that must fire after 15m now wait an hour.
    await writeFile(rule, good.replaceAll("for: 15m", "for: 1h"));
    for (let i = 0; i < 2; i++) {
      const failing = await test("--cache");
      expect(failing.code).toBe(1);
      expect(failing.out).toMatch(/^FAIL .*redis\.alerts\.test\.yaml$/m);
      expect(cached(failing.out).sort()).toEqual(all.filter((n) => n !== "redis.alerts"));
    }
    // Put back, the file is as it was when it passed.
    await writeFile(rule, good);
    expect(cached((await test("--cache")).out).sort()).toEqual(all);
  });

  it("runs everything, without an error, when the cache cannot be used, and mends it", async () => {
    await test("--cache");
    const file = testCacheFile(process.cwd());
    const stored = JSON.parse(await readFile(file, "utf8")) as { results: Record<string, { result: { file: string; status: string } }> };
    // A result that is not a pass is not taken, whatever its key.
    const [key, entry] = Object.entries(stored.results).find(([, e]) => e.result.file.endsWith("redis.alerts.test.yaml"))!;
    entry.result.status = "failed";
    await writeFile(file, JSON.stringify({ ...stored, results: { ...stored.results, [key]: entry } }));
    const forged = await test("--cache");
    expect(ran(forged.out)).toEqual(["redis.alerts"]);
    for (const broken of ["not json", "[]", JSON.stringify({ format: "another", results: {} }), JSON.stringify({ ...stored, results: [] })]) {
      await writeFile(file, broken);
      const r = await test("--cache");
      expect(r.code, broken).toBe(0);
      expect(r.err).toBe("");
      expect(ran(r.out).sort(), broken).toEqual(all);
      expect(cached((await test("--cache")).out).sort(), broken).toEqual(all);
    }
  });
});
