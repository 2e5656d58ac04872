// Spec data comes from js-yaml (fast) and positions from the yaml package
// (built only for findings): the two must read every spec identically.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseYamlSource } from "../../src/workspace/yaml-source.js";
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
    let expected: unknown;
    try {
      expected = parse(text, { uniqueKeys: true, strict: true, prettyErrors: false }) ?? {};
    } catch {
      return; // a deliberately broken file: covered by the broken-spec corpus
    }
    const { source, diagnostics } = parseYamlSource(rel, text);
    if (diagnostics.length > 0) return;
    expect(source.data).toEqual(expected);
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
