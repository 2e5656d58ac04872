// Spec data comes from js-yaml (fast) and positions from the yaml package
// (built only for findings): the two must read every spec identically.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_ALIAS_COUNT, MAX_NESTING, parseYamlSource } from "../../src/workspace/yaml-source.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { formatDiagnostic, type Diagnostic } from "../../src/workspace/diagnostics.js";
import { REPO_ROOT } from "../support/workspace.js";

const specFiles = [
  "monac.yaml",
  ...["slos", "alerts"].flatMap((d) => readdirSync(path.join(REPO_ROOT, d)).map((f) => `${d}/${f}`)),
  ...readdirSync(path.join(REPO_ROOT, "test/fixtures/broken")).map((f) => `test/fixtures/broken/${f}`),
];

const TRICKY = `a: yes
b: True
c: 0x1F
d: 0o17
e: .inf
f: 2024-01-01
g: ~
h: "09:00"
i: 1e3
j: &x { k: 1 }
l: *x
m: <<
n: 012
`;

describe("YAML reading", () => {
  it.each(specFiles)("%s reads the same with both parsers", (rel) => {
    const text = readFileSync(path.join(REPO_ROOT, rel), "utf8");
    const { source, diagnostics } = parseYamlSource(rel, text);
    // A deliberately broken file is covered by the broken-spec corpus (and
    // some of them, 20,000 levels deep, would crash the yaml package's parse).
    if (diagnostics.length > 0) return;
    expect(source.data).toEqual(parse(text, { uniqueKeys: true, strict: true, prettyErrors: false }) ?? {});
  });

  it("resolves scalars by YAML 1.2's core schema, like the yaml package", () => {
    expect(parseYamlSource("x.yaml", TRICKY).source.data).toEqual(parse(TRICKY));
  });

  it("reports syntax errors with the yaml package's positions", () => {
    const { diagnostics } = parseYamlSource("x.yaml", "a: 1\n b: 2\n");
    expect(diagnostics[0]).toEqual({ file: "x.yaml", position: { line: 1, column: 4 }, path: "", message: "invalid YAML: Nested mappings are not allowed in compact mappings" });
    expect(parseYamlSource("x.yaml", "a: 1\na: 2\n").diagnostics[0]!.message).toBe("duplicate key: each field may appear once");
  });
});

/** The findings for a file as `line:col: message`, the data when there are none. */
function read(content: string | Uint8Array): { findings: string[]; data: unknown } {
  const { source, diagnostics } = parseYamlSource("x.yaml", content);
  return { findings: diagnostics.map((d: Diagnostic) => `${d.position.line}:${d.position.column}: ${d.message}`), data: source.data };
}

describe("aliases", () => {
  it("reports an alias with no anchor at the alias, not as an exception", () => {
    expect(read("a: 1\nb:\n  c: *target\n").findings).toEqual(['3:6: unknown YAML alias "*target": no anchor &target is defined before it']);
    // An anchor later in the file does not count: YAML reads aliases in order.
    expect(read("a: *later\nb: &later 1\n").findings).toEqual(['1:4: unknown YAML alias "*later": no anchor &later is defined before it']);
  });

  it("keeps valid anchors and aliases, in values and in lists", () => {
    expect(read("a: &x { k: 1 }\nb: *x\nc: [&y 2, *y, *x]\n")).toEqual({ findings: [], data: { a: { k: 1 }, b: { k: 1 }, c: [2, 2, { k: 1 }] } });
  });

  it("refuses an alias inside the node it names, which would contain itself", () => {
    expect(read("a: &x [1, *x]\n").findings).toEqual(['1:11: YAML alias "*x" is inside the node anchored &x: the value would contain itself']);
  });

  it("stops an alias bomb at the alias that passes the limit", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f", "g"].map((n, i) => `${n}: &${n} [${Array(9).fill(`*${"abcdef"[i]}`).join(", ")}]`)].join("\n");
    expect(read(bomb).findings).toEqual([
      `4:8: too many YAML aliases: expanding "*c" here passes the limit of ${MAX_ALIAS_COUNT} aliased values, which guards against alias bombs`,
    ]);
    // The limit is the yaml package's: one anchor repeated past it is refused too, at the first alias too many.
    const repeated = `a: &a x\nb: [${Array(MAX_ALIAS_COUNT + 5).fill("*a").join(", ")}]\n`;
    expect(read(repeated).findings).toEqual([
      `2:${5 + 4 * (MAX_ALIAS_COUNT - 1)}: too many YAML aliases: expanding "*a" here passes the limit of ${MAX_ALIAS_COUNT} aliased values, which guards against alias bombs`,
    ]);
  });
});

describe("documents", () => {
  it("holds one YAML document per file", () => {
    expect(read("a: 1\n---\nb: 2\n").findings).toEqual(["2:1: a spec file holds one YAML document, but a second one starts here"]);
    expect(read("a: 1\n...\nb: 2\n").findings).toEqual(["3:1: a spec file holds one YAML document, but a second one starts here"]);
  });

  it("accepts a leading --- and a trailing ...", () => {
    expect(read("---\na: 1\n...\n")).toEqual({ findings: [], data: { a: 1 } });
    expect(read("# header\n---\na: 1\n...\n# footer\n")).toEqual({ findings: [], data: { a: 1 } });
  });
});

describe("keys", () => {
  it("refuses lists and mappings as keys, with or without anchors in the file", () => {
    const message = "a mapping key must be a name or a single value, not a list or mapping";
    expect(read("? [a, b]\n: 1\n").findings).toEqual([`1:3: ${message}`]);
    expect(read("x: &x 1\n{a: 1}: 2\n").findings).toEqual([`2:1: ${message}`]);
    expect(read("l: &l [a]\n*l : 1\n").findings).toEqual([`2:1: ${message}`]);
  });

  it("never lets the yaml package print its own warnings", () => {
    const warn = vi.spyOn(process, "emitWarning");
    read("? [a, b]\n: 1\n");
    read("a: &a 1\n[x]: *a\n");
    expect(warn).not.toHaveBeenCalled();
  });

  afterEach(() => vi.restoreAllMocks());
});

describe("nesting", () => {
  const message = `nesting deeper than ${MAX_NESTING} levels of lists and mappings is not a spec`;
  const flowLists = (n: number) => `a: ${"[".repeat(n)}${"]".repeat(n)}\n`;
  const flowMaps = (n: number) => `a: ${"{a: ".repeat(n)}1${"}".repeat(n)}\n`;
  const blockLists = (n: number) => `${"- ".repeat(n)}1\n`;
  const blockMaps = (n: number) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}a:`).join("\n") + " 1\n";

  it.each([20_000, 100_000])("refuses %i levels, flow and block, with a finding at the first level too many", (n) => {
    // The root mapping is the first level, so the 100th "[" is the 101st.
    expect(read(flowLists(n)).findings).toEqual([`1:${3 + MAX_NESTING}: ${message}`]);
    expect(read(flowMaps(n)).findings).toEqual([`1:${4 + 4 * (MAX_NESTING - 1)}: ${message}`]);
    expect(read(blockLists(n)).findings).toEqual([`1:${1 + 2 * MAX_NESTING}: ${message}`]);
  });

  it("refuses deep block mappings (quadratic in size, so fewer levels), which overflow the yaml package at ~900", () => {
    expect(read(blockMaps(2_000)).findings).toEqual([`${MAX_NESTING + 1}:${MAX_NESTING + 1}: ${message}`]);
  });

  it("finds the depth even behind an earlier syntax error (js-yaml gives up before reaching it)", () => {
    const { findings } = read(`a: b: c\nd: ${"[".repeat(20_000)}\n`);
    expect(findings).toEqual([expect.stringMatching(new RegExp(`^2:\\d+: ${message}$`))]);
  });

  it(`accepts ${MAX_NESTING} levels exactly, and validation and the secret scan walk them`, () => {
    expect(read(flowLists(MAX_NESTING - 1)).findings).toEqual([]);
    expect(read(flowLists(MAX_NESTING)).findings).toEqual([`1:${3 + MAX_NESTING}: ${message}`]);
    const deep = `${"[".repeat(MAX_NESTING - 1)}"https://hooks.slack.com/services/T0/B0/x"${"]".repeat(MAX_NESTING - 1)}`;
    const slo = `service: shop\nteam: shop\ndescription: ${deep}\nslos:\n  - name: a\n    objective: 99\n    sli: { boolGauge: { metric: up } }\n`;
    const findings = loadWorkspaceFromTexts([{ rel: "slos/shop.yaml", text: slo }]).diagnostics.map(formatDiagnostic);
    expect(findings).toContain(`slos/shop.yaml:3:${13 + MAX_NESTING}: description${"[0]".repeat(MAX_NESTING - 1)}: literal secret: this looks like a Slack webhook URL; store it in a file readable by Alertmanager and reference the file (apiUrlFile, routingKeyFile, authPasswordFile)`);
    expect(findings).toContain("slos/shop.yaml:3:14: description: expected a string, got a list");
  });
});

describe("characters and bytes", () => {
  const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));

  it("reads UTF-8 bytes, with or without a byte-order mark", () => {
    expect(read(bytes("a: é\n"))).toEqual({ findings: [], data: { a: "é" } });
    expect(read(bytes([0xef, 0xbb, 0xbf], "a: 1\n"))).toEqual({ findings: [], data: { a: 1 } });
    expect(read("\ufeffa: 1\n")).toEqual({ findings: [], data: { a: 1 } });
    // U+FFFD spelt properly is a character like any other.
    expect(read(bytes("a: \ufffd\n"))).toEqual({ findings: [], data: { a: "\ufffd" } });
  });

  it("refuses bytes that are not UTF-8 at the line and column of the first one", () => {
    expect(read(bytes("a: 1\nb: é", [0xff], "\n")).findings).toEqual(["2:5: not valid UTF-8 (byte 0xFF): spec files must be saved as UTF-8"]);
    // Latin-1 "é", a truncated sequence, an overlong "/" and a UTF-16 half spelt in UTF-8.
    expect(read(bytes("caf", [0xe9], "\n")).findings).toEqual(["1:4: not valid UTF-8 (byte 0xE9): spec files must be saved as UTF-8"]);
    expect(read(bytes("a: ", [0xe2, 0x82])).findings).toEqual(["1:4: not valid UTF-8 (byte 0xE2): spec files must be saved as UTF-8"]);
    expect(read(bytes("a: ", [0xc0, 0xaf])).findings).toEqual(["1:4: not valid UTF-8 (byte 0xC0): spec files must be saved as UTF-8"]);
    expect(read(bytes([0xef, 0xbb, 0xbf], "a: ", [0xed, 0xa0, 0x80])).findings).toEqual(["1:4: not valid UTF-8 (byte 0xED): spec files must be saved as UTF-8"]);
  });

  it("refuses NUL and control characters other than tab and line breaks, where they are", () => {
    const note = "is not allowed in a YAML file (only tab, line breaks and printable characters are)";
    expect(read("a: b\0c\n").findings).toEqual([`1:5: NUL character U+0000 ${note}`]);
    expect(read(bytes("a: 1\nb: x", [0], "\n")).findings).toEqual([`2:5: NUL character U+0000 ${note}`]);
    expect(read("a: 1\r\nb: \u001b[31mred\n").findings).toEqual([`2:4: control character U+001B ${note}`]);
    expect(read("a: \u007f\n").findings).toEqual([`1:4: control character U+007F ${note}`]);
    expect(read("a: \ud800\n").findings).toEqual([`1:4: character U+D800 ${note}`]);
    expect(read("a:\tb\r\nc: \"\\0 escaped is fine\"\n")).toEqual({ findings: [], data: { a: "b", c: "\0 escaped is fine" } });
  });
});
