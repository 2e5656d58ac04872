// `monac test` on files built to break a YAML reader: nesting 20,000 deep,
// a second document, aliases to nothing, alias bombs, NUL bytes, bytes that
// are not UTF-8. Each is one finding, `file:line:col: message` in monac's
// words, never a stack trace or the yaml package's wording; a test file that
// cannot be read exits 2 ("1 invalid file"), and a rule file that cannot be
// read fails the groups that need it (exit 1), like any invalid rule file
// (see cli.test.ts).
//
// promtool 3.5 (`.tools/bin/promtool test rules FILE`, go-yaml v2 for test
// files and v3 for rule files) on the same files, for reference:
//   nesting 20,000 deep   "yaml: exceeded max depth of 10000" (monac: 100 levels)
//   a second document     ignored, even when it is not valid YAML: only the
//                         first is read (monac refuses the file rather than
//                         silently skip what follows)
//   `*x` with no `&x`     "yaml: unknown anchor 'x' referenced"
//   `*t` inside `&t`      v3: "anchor 't' value contains itself" where it is
//                         decoded; the files here fail on their types first
//   a defined anchor      accepted, a few hundred aliases to it as well
//   an alias bomb         "yaml: document contains excessive aliasing" where
//                         the bomb is decoded (the groups of alert tests
//                         below); the billion laughs under an unknown key or
//                         in a labels map fails on that key or type first.
//                         monac applies go-yaml's limit to the whole file.
//   1,000-deep mappings   fails on the type (a mapping where a list belongs)
//   NUL byte              "yaml: control characters are not allowed"
//   invalid UTF-8         "yaml: invalid trailing UTF-8 octet"
//   a byte-order mark     accepted
//   an unknown tag (!foo) accepted, the value read as a string (so monac does
//                         not refuse it either, unlike in a spec file)
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseRuleFile, parseTestFile } from "../../src/ruletest/index.js";

async function monac(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["test", ...args], { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`) });
  return { code, out, err };
}

function tempDir(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-hostile-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

/** Nothing that looks like a stack trace, a JS error, or the yaml package talking. */
function expectClean(output: string): void {
  expect(output).not.toMatch(/\n\s+at .+[(:]\d+|Error:|Maximum call stack|parseAllDocuments|heap out of memory|Excessive alias count/);
}

const RULES = "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n";
const TEST = (ruleFiles: string) =>
  `rule_files: [${ruleFiles}]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    promql_expr_test:\n      - expr: r\n        eval_time: 0m\n        exp_samples:\n          - labels: r\n            value: 1\n`;

/** The classic: nine levels of nine aliases, 9^9 "lol"s from a few hundred bytes. */
function billionLaughs(indent: string): string {
  const lines = [`${indent}a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    const prev = String.fromCharCode(96 + level);
    lines.push(`${indent}${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  return lines.join("\n") + "\n";
}

const deepFlow = (key: string) => `${key}: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`;
const deepBlock = (key: string) => `${key}:\n${"- ".repeat(20_000)}1\n`;
/** Block mappings by indentation: the file grows with the square of the depth, so 1,000 (the yaml package overflowed at about 880). */
const deepMaps = (key: string) => `${key}:\n${Array.from({ length: 1_000 }, (_, i) => `${" ".repeat(i + 1)}a:`).join("\n")} 1\n`;

describe("monac test on a hostile test file", () => {
  const cases: Array<[string, string | Uint8Array, string]> = [
    ["20,000-deep flow lists", deepFlow("tests"), "1:107: nesting deeper than 100 levels of lists and mappings is not a rule test file"],
    ["20,000-deep block lists", deepBlock("tests"), "2:199: nesting deeper than 100 levels of lists and mappings is not a rule test file"],
    ["1,000-deep block mappings", deepMaps("tests"), "101:101: nesting deeper than 100 levels of lists and mappings is not a rule test file"],
    ["two documents", `${TEST("rules.yml")}---\ntests: []\n`, "11:1: a rule test file holds one YAML document, but a second one starts here"],
    ["an alias to no anchor", "rule_files: [*x]\ntests: []\n", '1:14: unknown YAML alias "*x": no anchor &x is defined before it'],
    ["an alias inside its own anchor", "tests: &t\n  - input_series: *t\n", '2:19: YAML alias "*t" is inside the node anchored &t: the value would contain itself'],
    [
      "a billion laughs",
      `rule_files: []\ntests: []\nlaughs:\n${billionLaughs("  ")}`,
      `7:22: too many YAML aliases: with "*c" expanded here, `,
    ],
    ["a NUL byte", Buffer.from("rule_files: [rules.yml]\ntests: [\0]\n"), "2:9: NUL character U+0000 is not allowed in a YAML file (only tab, line breaks and printable characters are)"],
    ["bytes that are not UTF-8", Buffer.from([...Buffer.from("rule_files: [rules.yml]\n# caf"), 0xe9, ...Buffer.from("\ntests: []\n")]), "2:6: not valid UTF-8 (byte 0xE9): rule test files must be saved as UTF-8"],
  ];

  it.each(cases)("%s: one finding at file:line:col, exit 2", async (_name, content, finding) => {
    const dir = tempDir({ "rules.yml": RULES, "t.test.yml": content });
    const file = path.join(dir, "t.test.yml");
    const r = await monac(file);
    expectClean(r.out + r.err);
    expect(r.code).toBe(2);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe(`FAIL ${file}`);
    expect(lines[1]!.startsWith(`  ${file}:${finding}`), lines[1]).toBe(true);
    expect(lines.slice(2)).toEqual(["0 passed, 0 failed, 1 invalid file"]);
  });

  it("an alias bomb that would decode: promtool says \"document contains excessive aliasing\"", async () => {
    // 30 groups of 30 alert tests of 30 alerts of 30 labels, from 1 KB.
    const labels = `{${Array.from({ length: 30 }, (_, i) => `k${i}: v`).join(", ")}}`;
    const text = [
      "rule_files: [rules.yml]",
      "tests:",
      "  - &g",
      "    alert_rule_test:",
      "      - &a",
      "        eval_time: 1m",
      "        alertname: A",
      "        exp_alerts:",
      `          - &e { exp_labels: &l ${labels}, exp_annotations: *l }`,
      ...Array(30).fill("          - *e"),
      ...Array(30).fill("      - *a"),
      ...Array(30).fill("  - *g"),
    ].join("\n");
    const dir = tempDir({ "rules.yml": RULES, "t.test.yml": text });
    const file = path.join(dir, "t.test.yml");
    const r = await monac(file);
    expectClean(r.out);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(new RegExp(`^  ${escape(file)}:\\d+:\\d+: too many YAML aliases: with "\\*a" expanded here, \\d+ of the first \\d+ values are copies made through aliases, past the limit that guards against alias bombs`, "m"));
  });

  it("accepts what promtool accepts: a byte-order mark, aliases to defined anchors, an unknown tag", async () => {
    const many = [
      "rule_files: [rules.yml]",
      "tests:",
      "  - input_series: &series",
      "      - { series: up, values: '1' }",
      "    alert_rule_test:",
      // 300 uses of one anchor: past the yaml package's limit of 100, far within go-yaml's.
      ...Array.from({ length: 300 }, (_, i) => `      - { eval_time: ${i}m, alertname: A${i}, exp_alerts: ${i === 0 ? "&none []" : "*none"} }`),
      "  - input_series: *series",
      "    promql_expr_test:",
      "      - { expr: r, eval_time: 0m, exp_samples: [{ labels: !foo r, value: 1 }] }",
    ].join("\n");
    const dir = tempDir({
      "rules.yml": RULES,
      "bom.test.yml": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEST("rules.yml"))]),
      "many.test.yml": many,
    });
    const r = await monac(path.join(dir, "bom.test.yml"), path.join(dir, "many.test.yml"));
    expectClean(r.out);
    expect(r.out.trimEnd().split("\n").pop()).toBe("3 passed, 0 failed");
    expect(r.code).toBe(0);
  });
});

describe("monac test with a hostile rule file", () => {
  const cases: Array<[string, string | Uint8Array, string]> = [
    ["20,000-deep flow lists", deepFlow("groups"), "1:108: nesting deeper than 100 levels of lists and mappings is not a rule file"],
    ["20,000-deep block lists", deepBlock("groups"), "2:199: nesting deeper than 100 levels of lists and mappings is not a rule file"],
    ["1,000-deep block mappings", deepMaps("groups"), "101:101: nesting deeper than 100 levels of lists and mappings is not a rule file"],
    ["two documents", `${RULES}---\ngroups: []\n`, "6:1: a rule file holds one YAML document, but a second one starts here"],
    ["an alias to no anchor", "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: *x\n", '5:15: unknown YAML alias "*x": no anchor &x is defined before it'],
    ["a billion laughs", `groups:\n  - name: g\n    rules: []\n    labels:\n${billionLaughs("      ")}`, `8:30: too many YAML aliases: with "*c" expanded here, `],
    ["a NUL byte", Buffer.from("groups:\n  - name: g\0\n    rules: []\n"), "2:12: NUL character U+0000 is not allowed in a YAML file (only tab, line breaks and printable characters are)"],
    ["bytes that are not UTF-8", Buffer.from([...Buffer.from("groups:\n  - name: caf"), 0xe9, ...Buffer.from("\n    rules: []\n")]), "2:14: not valid UTF-8 (byte 0xE9): rule files must be saved as UTF-8"],
  ];

  it.each(cases)("%s: one finding at file:line:col, the groups not run, exit 1", async (_name, content, finding) => {
    const dir = tempDir({ "rules.yml": content, "t.test.yml": TEST("rules.yml") });
    const file = path.join(dir, "t.test.yml");
    const r = await monac(file);
    expectClean(r.out + r.err);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe(`FAIL ${file}`);
    expect(lines[1]!.startsWith(`  ${path.join(dir, "rules.yml")}:${finding}`), lines[1]).toBe(true);
    expect(lines.slice(2)).toEqual(['  FAIL  group "unnamed#0" (line 4)', "      not run: the rule files could not be loaded", "0 passed, 1 failed"]);
  });

  it("accepts what promtool accepts: a byte-order mark, a few hundred aliases to one anchor", async () => {
    const many = ["groups:", "  - name: g", "    rules:"];
    for (let i = 0; i < 300; i++) many.push(`      - record: r${i === 0 ? "" : i}`, "        expr: vector(1)", `        labels: ${i === 0 ? "&l {}" : "*l"}`);
    const dir = tempDir({
      "bom.yml": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(RULES)]),
      "many.yml": many.join("\n") + "\n",
      "bom.test.yml": TEST("bom.yml"),
      "many.test.yml": TEST("many.yml"),
    });
    const r = await monac(path.join(dir, "bom.test.yml"), path.join(dir, "many.test.yml"));
    expectClean(r.out);
    expect(r.out.trimEnd().split("\n").pop()).toBe("2 passed, 0 failed");
    expect(r.code).toBe(0);
  });
});

describe("the library API on hostile input", () => {
  it("throws the same findings, never the yaml package's errors", () => {
    expect(() => parseTestFile("t.yml", deepFlow("tests"))).toThrow("t.yml:1:107: nesting deeper than 100 levels of lists and mappings is not a rule test file");
    expect(() => parseTestFile("t.yml", "a: 1\n---\nb: 2\n")).toThrow("t.yml:2:1: a rule test file holds one YAML document, but a second one starts here");
    expect(() => parseRuleFile("r.yml", "groups: [*x]\n")).toThrow('r.yml:1:10: unknown YAML alias "*x": no anchor &x is defined before it');
    expect(() => parseRuleFile("r.yml", "groups: [\udc00]\n")).toThrow("r.yml:1:10: character U+DC00 is not allowed in a YAML file");
    // Text from memory may start with a byte-order mark too.
    expect(parseRuleFile("r.yml", `\ufeff${RULES}`).map((g) => g.name)).toEqual(["g"]);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
