// What a rule test file's result depends on (src/ruletest/result-key.ts): the
// key changes with every input it covers, and a stamp stops holding when the
// rule files the test file loads change: content, or what its patterns match.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256, stampHolds, testKey, type ResultStamp, type TestKeyInput } from "../../src/ruletest/result-key.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("testKey", () => {
  const base: TestKeyInput = {
    salt: "monac A",
    file: "out/prometheus/tests/a.test.yaml",
    bytes: bytes("rule_files: [../rules/a.rules.yaml]\n"),
    options: { run: undefined, mode: "auto", coverage: false },
  };

  it("is the same for the same inputs", () => {
    expect(testKey({ ...base, bytes: bytes("rule_files: [../rules/a.rules.yaml]\n") })).toBe(testKey(base));
  });

  it("differs when any input does", () => {
    const variants: TestKeyInput[] = [
      { ...base, salt: "monac B" },
      { ...base, file: "out/prometheus/tests/b.test.yaml" },
      // The same file named otherwise: the report names it as given.
      { ...base, file: "./out/prometheus/tests/a.test.yaml" },
      { ...base, bytes: bytes("rule_files: [../rules/a.rules.yaml]\n# edited\n") },
      { ...base, options: { ...base.options, run: /x/u } },
      { ...base, options: { ...base.options, run: /x/i } },
      { ...base, options: { ...base.options, mode: "exact" } },
      { ...base, options: { ...base.options, coverage: true } },
    ];
    expect(new Set([testKey(base), ...variants.map(testKey)]).size).toBe(variants.length + 1);
  });
});

describe("stampHolds", () => {
  let dir: string;
  let test: string;
  const rules = (name: string) => path.join(dir, "rules", name);
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "monac-result-key-"));
    test = path.join(dir, "tests", "a.test.yaml");
    await mkdir(path.join(dir, "rules"));
    await mkdir(path.join(dir, "tests"));
    await writeFile(rules("a.rules.yaml"), "groups: []\n");
    await writeFile(rules("b.rules.yaml"), "groups: [] # b\n");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The stamp of a run now: what the patterns resolve to, and each file's hash. */
  const stampNow = (patterns: string[], files: string[], contents: string[]): ResultStamp => ({
    key: "k",
    ruleFilePatterns: patterns,
    ruleFiles: files.map((f, i) => ({ file: f, sha256: sha256(bytes(contents[i]!)) })),
  });

  it("holds while the rule files are the same, and not once one changes or goes", async () => {
    const stamp = stampNow(["../rules/a.rules.yaml", "../rules/b.rules.yaml"], [rules("a.rules.yaml"), rules("b.rules.yaml")], ["groups: []\n", "groups: [] # b\n"]);
    expect(stampHolds(test, stamp)).toBe(true);
    await writeFile(rules("b.rules.yaml"), "groups: [] # b, edited\n");
    expect(stampHolds(test, stamp)).toBe(false);
    await writeFile(rules("b.rules.yaml"), "groups: [] # b\n");
    expect(stampHolds(test, stamp)).toBe(true);
    await rm(rules("a.rules.yaml"));
    expect(stampHolds(test, stamp)).toBe(false);
  });

  it("does not hold when a pattern matches other files now", async () => {
    const stamp = stampNow(["../rules/*.yaml"], [rules("a.rules.yaml"), rules("b.rules.yaml")], ["groups: []\n", "groups: [] # b\n"]);
    expect(stampHolds(test, stamp)).toBe(true);
    await writeFile(rules("c.rules.yaml"), "groups: []\n");
    expect(stampHolds(test, stamp)).toBe(false);
    // Nor when the recorded files are in another order than the patterns load them.
    await rm(rules("c.rules.yaml"));
    expect(stampHolds(test, { ...stamp, ruleFiles: [...stamp.ruleFiles].reverse() })).toBe(false);
  });
});
