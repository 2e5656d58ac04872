// The key of a rule test file's result (src/ruletest/result-key.ts) changes
// with every input the result depends on, and with nothing else.
import { describe, expect, it } from "vitest";
import { resultKey, type ResultKeyInput } from "../../src/ruletest/result-key.js";

const bytes = (s: string) => new TextEncoder().encode(s);

const base: ResultKeyInput = {
  salt: "monac A",
  file: "out/prometheus/tests/a.test.yaml",
  bytes: bytes("rule_files: [../rules/a.rules.yaml]\n"),
  ruleFiles: [
    { file: "out/prometheus/rules/a.rules.yaml", bytes: bytes("groups: []\n") },
    { file: "out/prometheus/rules/b.rules.yaml", bytes: bytes("groups: [] # b\n") },
  ],
  options: { run: undefined, mode: "auto", coverage: false },
};

describe("resultKey", () => {
  it("is the same for the same inputs", () => {
    expect(resultKey({ ...base, bytes: bytes("rule_files: [../rules/a.rules.yaml]\n") })).toBe(resultKey(base));
  });

  it("differs when any input does", () => {
    const [a, b] = base.ruleFiles;
    const variants: ResultKeyInput[] = [
      { ...base, salt: "monac B" },
      { ...base, file: "out/prometheus/tests/b.test.yaml" },
      { ...base, file: "./out/prometheus/tests/a.test.yaml" },
      { ...base, bytes: bytes("rule_files: [../rules/a.rules.yaml]\n# edited\n") },
      { ...base, ruleFiles: [b!, a!] },
      { ...base, ruleFiles: [a!] },
      { ...base, ruleFiles: [{ ...a!, bytes: bytes("groups: [ ]\n") }, b!] },
      { ...base, ruleFiles: [{ ...a!, file: "out/prometheus/rules/c.rules.yaml" }, b!] },
      // Bytes moved across a file boundary.
      { ...base, bytes: bytes("rule_files: [../rules/a.rules.yaml]\ng"), ruleFiles: [{ ...a!, bytes: bytes("roups: []\n") }, b!] },
      { ...base, options: { ...base.options, run: /x/u } },
      { ...base, options: { ...base.options, run: /x/i } },
      { ...base, options: { ...base.options, mode: "exact" } },
      { ...base, options: { ...base.options, coverage: true } },
    ];
    const keys = new Set([resultKey(base), ...variants.map(resultKey)]);
    expect(keys.size).toBe(variants.length + 1);
  });
});
