// The fast reader (src/yaml/simple.ts) against the yaml package's own parser:
// on every YAML file the project and ../shared hold, and on hand-written edge
// cases, either the fast reader gives up or both build the same tree (node
// kinds, values, scalar types and sources, where each node starts and ends),
// the same data and the same line starts.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, type Document, type Node } from "yaml";
import { parseSimpleYaml } from "../../src/yaml/simple.js";
import { randomEdits } from "../support/random.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHARED = path.resolve(ROOT, "../shared");

type Version = "1.1" | "1.2";
const options = (version: Version) => ({ prettyErrors: false, uniqueKeys: true, strict: true, logLevel: "error" as const, version });

/** The yaml package's reading, as src/yaml/safe.ts does it. */
function full(text: string, version: Version): { doc: Document.Parsed; lines: number[] } {
  const lineCounter = new LineCounter();
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const doc = new Composer(options(version)).compose(tokens, true, text.length).next().value!;
  return { doc, lines: lineCounter.lineStarts };
}

/**
 * What a reader of the tree can see of a node. Of a collection's range only
 * the start: the yaml package stretches a collection's end over comment
 * lines after it in ways nothing reads.
 */
function shape(node: unknown): unknown {
  const n = node as Node & { range?: number[] };
  if (isMap(n)) return { map: n.items.map((p) => [shape(p.key), shape(p.value)]), flow: !!n.flow, at: n.range?.[0] };
  if (isSeq(n)) return { seq: n.items.map(shape), flow: !!n.flow, at: n.range?.[0] };
  if (isScalar(n)) {
    const v = n.value instanceof Date ? `date:${n.value.toISOString()}` : typeof n.value === "bigint" ? `bigint:${n.value}` : n.value;
    return { value: v, kind: typeof n.value, type: n.type, source: n.source, format: n.format, tag: n.tag, at: n.range?.slice(0, 2) };
  }
  return { other: String(node) };
}

interface Outcome {
  read: boolean;
}

/** Reads `text` both ways under a YAML version; when the fast reader reads it, the two must agree. */
function compare(text: string, version: Version, name: string): Outcome {
  const fast = parseSimpleYaml(text, options(version), 100);
  if (fast === undefined) return { read: false };
  const slow = full(text, version);
  expect(slow.doc.errors.map((e) => e.message), `${name} (YAML ${version}): the full parser finds errors the fast reader missed`).toEqual([]);
  expect(shape(fast.doc.contents), `${name} (YAML ${version})`).toEqual(shape(slow.doc.contents));
  expect(fast.doc.toJS(), `${name} (YAML ${version}): data`).toEqual(slow.doc.toJS());
  expect(fast.lineCounter.lineStarts, `${name}: line starts`).toEqual(slow.lines);
  return { read: true };
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const listed = existsSync(path.join(dir, ".git"))
    ? execFileSync("git", ["ls-files", "-z", "*.yaml", "*.yml"], { cwd: dir, encoding: "utf8" }).split("\0")
    : execFileSync("find", [".", "-name", "*.y*ml", "-type", "f"], { cwd: dir, encoding: "utf8" }).split("\n");
  return listed.filter((f) => f !== "" && /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
}

describe("the fast YAML reader", () => {
  it("reads every YAML file of the project as the yaml package does, and reads all of monac's generated files", () => {
    const files = yamlFiles(ROOT);
    expect(files.length).toBeGreaterThan(50);
    let read = 0;
    const generated: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8").replace(/^\ufeff/, "");
      for (const version of ["1.1", "1.2"] as const) {
        const r = compare(text, version, path.relative(ROOT, file));
        if (r.read) read++;
        // Generated rule and test files: what lint, diff and test read most.
        if (!r.read && version === "1.2" && /^out\/(prometheus|alertmanager)\//.test(path.relative(ROOT, file))) generated.push(path.relative(ROOT, file));
      }
    }
    expect(generated, "generated files the fast reader gave up on").toEqual([]);
    expect(read).toBeGreaterThan(files.length);
  });

  it.skipIf(!existsSync(SHARED))("reads the shared conformance fixtures and references as the yaml package does", () => {
    const files = yamlFiles(SHARED);
    expect(files.length).toBeGreaterThan(20);
    let read = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8").replace(/^\ufeff/, "");
      for (const version of ["1.1", "1.2"] as const) if (compare(text, version, path.relative(SHARED, file)).read) read++;
    }
    expect(read).toBeGreaterThan(0);
  });

  const cases: Array<[string, string]> = [
    ["plain scalars of every type", "a: 1\nb: 1.5\nc: yes\nd: no\ne: true\nf: null\ng: ~\nh: 0x10\ni: 0o17\nj: 017\nk: .inf\nl: -.Inf\nm: .nan\nn: 1e3\no: +12\np: 1_000\nq: 2001-12-14\nr: 12:30\ns: y\nt: On\nv: text with spaces\n"],
    ["a lone dash", "u: -\nv: - \n"],
    ["keys of every type", "1: a\ntrue: b\nyes: c\nnull: d\n0x1: e\n"],
    ["quoted scalars", `a: "x \\"y\\" \\\\ \\n \\t \\u00e9 \\/"\nb: 'it''s'\nc: ""\nd: ''\n"e f": 1\n'g: h': 2\n`],
    ["escapes only YAML has", `a: "\\x41 \\e \\N \\_"\n`],
    ["comments everywhere", "# top\na: 1 # one\n# between\nb:   # after key\n  - x # item\n  # inside\n  - y\n#end\n"],
    ["indentless list", "a:\n- x\n- y\nb: 1\n"],
    ["lists of mappings", "rules:\n  - alert: A\n    expr: up == 0\n    labels:\n      severity: page\n  - record: r\n    expr: sum(x)\n"],
    ["nested lists", "a:\n  - - 1\n    - 2\n  - - 3\n"],
    ["list under a dash on its own line", "a:\n  -\n    b: 1\n  -\n    - 2\n"],
    ["literal blocks", "a: |-\n  one\n\n  two\nb: |\n  kept\n\n\nc: |\n    deeper\n      more\n  # not a comment\nd: 1\n"],
    ["literal block at the end", "a: |-\n  x\n  y"],
    ["literal block with keep and indicators", "a: |+\n  x\n\nb: |2\n   x\nc: >\n  folded\n"],
    ["empty collections", "a: []\nb: {}\nc:\n  - []\n  - {}\n"],
    ["flow collections", "a: [1, 2]\nb: {c: d}\n"],
    ["empty values", "a:\nb: 1\nc:\n"],
    ["anchors and aliases", "a: &x 1\nb: *x\n"],
    ["tags", "a: !!str 1\nb: !custom x\n"],
    ["repeated keys", "a: 1\na: 2\n"],
    ["multi-line plain scalar", "a: one\n  two\nb: 1\n"],
    ["multi-line quoted scalar", 'a: "one\n  two"\n'],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["document start marker", "---\na: 1\n"],
    ["top-level list", "- a\n- b: 1\n  c: 2\n"],
    ["top-level scalar", "just text\n"],
    ["empty file", ""],
    ["only comments", "# nothing\n"],
    ["no final newline", "a: 1\nb:\n  - x"],
    ["trailing spaces", "a: 1   \nb: x y  # c\n"],
    ["hash without space", "a: x#y\nb: '#'\nc: \"#\"\n"],
    ["colons inside values", "a: http://x:80/y\nb: 'c: d'\nc: x:y\n"],
    ["values with flow indicators", 'expr: rate(x{job="a"}[5m]) > 0\nseries: m{a="b", c="d"}\n'],
    ["dash values", "a: -1\nb: -x\nc: - x\n"],
    ["bad indentation", "a:\n    b: 1\n  c: 2\n"],
    ["key with trailing space", "a : 1\n"],
    ["explicit key", "? a\n: 1\n"],
    ["merge key", "a: &b {c: 1}\nd:\n  <<: *b\n"],
    ["merge key without alias", "<<: 1\n"],
    ["tabs", "a:\t1\n"],
    ["carriage returns", "a: 1\r\nb: 2\r\n"],
    ["mapping indented under a list entry", "- a: 1\n    b: 2\n"],
    ["a list entry among keys", "a: 1\n- b: 2\n"],
    ["keys starting with an indicator", "-a: 1\n?b: 2\n'c': 3\n"],
    ["deep nesting", Array.from({ length: 120 }, (_, i) => `${" ".repeat(2 * i)}k:\n`).join("") + `${" ".repeat(240)}v: 1\n`],
    ["unicode", "a: héllo wörld ✓\nb: \"\\ud83d\\ude00\"\nc: 😀\n"],
    ["long key", `${"k".repeat(1100)}: 1\n`],
    ["indicator at start of plain", "a: @x\nb: `x\nc: %x\nd: &\ne: *\n"],
    ["question and colon values", "a: ?x\nb: :x\nc: ? x\n"],
    ["top-level indented", "  a: 1\n  b: 2\n"],
    ["indentless list in a mapping in a list", "- a:\n  - x\n  b: 1\n- c: 2\n"],
    ["literal blocks in lists", "- |\n  x\n- |-\n    y\n  \n- a: |\n   z\na:\n- |\n  w\n"],
    ["literal block not indented enough", "- a: |\n  x\n"],
    ["literal block starting with a blank or hash line", "a: |\n\n  x\nb: |\n  # x\n"],
    ["literal block with a line of extra spaces", "a: |\n  x\n      \n  y\n"],
    ["a dedented line after a literal block", "a: |\n    x\n  y\n"],
    ["quoted keys and values beside comments", "\"a\": 'b' # c\n'd': \"e\"#f\n"],
    ["control characters in quotes", "a: \"x\u0001\"\nb: \"\u0001\"\n"],
  ];
  for (const [name, text] of cases) {
    it(`agrees on ${name}`, () => {
      compare(text, "1.1", name);
      compare(text, "1.2", name);
    });
  }

  it("agrees on random edits of the cases and of a generated rule file", () => {
    const rules = yamlFiles(ROOT).find((f) => /out\/prometheus\/rules\/.*\.rules\.yaml$/.test(f));
    const seeds = [...cases.map(([, t]) => t), ...(rules ? [readFileSync(rules, "utf8").slice(0, 3000)] : [])].filter((t) => parseSimpleYaml(t, options("1.2"), 100) !== undefined);
    let read = 0;
    randomEdits(seeds, ' \n-:#\'"|[]{}&*!?,>%@`ab1', 4000, 2024).forEach((text, k) => {
      if (compare(text, k % 2 === 0 ? "1.2" : "1.1", `edit ${k}: ${JSON.stringify(text)}`).read) read++;
    });
    expect(read).toBeGreaterThan(1000);
  });

  it("reads the common cases itself (else it would be no faster)", () => {
    for (const name of ["plain scalars of every type", "quoted scalars", "comments everywhere", "indentless list", "lists of mappings", "literal blocks", "empty collections", "values with flow indicators"]) {
      const text = cases.find(([n]) => n === name)![1];
      expect(parseSimpleYaml(text, options("1.2"), 100), name).toBeDefined();
    }
  });
});
