// YAML documents that remember where every value came from, so a finding about
// `slos[0].objective` can point at line 12, column 16 of slos/checkout.yaml.
import { load as loadFast, CORE_SCHEMA } from "js-yaml";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from "yaml";
import type { Diagnostic, SourcePosition } from "./diagnostics.js";

/**
 * A spec file's text and data, with its YAML syntax tree built on demand.
 *
 * Most files are valid, and their data is all a build needs: it comes from
 * js-yaml, about twice as fast. The `yaml` package's tree, which knows the
 * position of every node, is built only when a finding needs a position (or
 * when js-yaml rejects the text, so that syntax errors are reported with the
 * `yaml` package's messages and positions).
 */
export class YamlSource {
  private tree: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;

  constructor(
    /** Workspace-relative path with forward slashes. */
    readonly file: string,
    readonly text: string,
    /** Plain JS data, or undefined when the file has syntax errors. */
    public data: unknown,
  ) {}

  get doc(): Document.Parsed {
    return this.parsed().doc;
  }

  get lineCounter(): LineCounter {
    return this.parsed().lineCounter;
  }

  private parsed(): { doc: Document.Parsed; lineCounter: LineCounter } {
    if (this.tree === undefined) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(this.text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
      this.tree = { doc, lineCounter };
    }
    return this.tree;
  }
}

export function parseYamlSource(file: string, text: string): { source: YamlSource; diagnostics: Diagnostic[] } {
  try {
    // YAML 1.2's core schema, as the yaml package reads it: no timestamps, no merge keys.
    return { source: new YamlSource(file, text, loadFast(text, { schema: CORE_SCHEMA, filename: file }) ?? {}), diagnostics: [] };
  } catch {
    // Fall through to the precise parser for the error report.
  }
  const source = new YamlSource(file, text, undefined);
  const diagnostics: Diagnostic[] = source.doc.errors.map((e) => ({
    file,
    position: positionAt(source, e.pos[0]),
    path: "",
    message: yamlErrorMessage(e.message, e.code),
  }));
  if (diagnostics.length === 0) source.data = source.doc.toJS({ maxAliasCount: 100 }) ?? {};
  return { source, diagnostics };
}

function yamlErrorMessage(message: string, code: string): string {
  if (code === "DUPLICATE_KEY") return "duplicate key: each field may appear once";
  // The yaml package appends a position ("at line 3, column 1"); we print our own.
  return `invalid YAML: ${message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim()}`;
}

export function positionAt(source: YamlSource, offset: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(Math.max(0, Math.min(offset, source.text.length)));
  return { line, column: col };
}

/**
 * The node at a field path, with how far the path could be followed. With
 * `key: true` the key node of the last map entry is returned (for "unknown
 * field" findings, which are about the key, not its value).
 */
export function nodeAt(source: YamlSource, path: readonly PropertyKey[], opts: { key?: boolean } = {}): Node | Pair | undefined {
  let node: unknown = source.doc.contents;
  let lastPair: Pair | undefined;
  for (const segment of path) {
    lastPair = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return node;
      lastPair = pair;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) return node;
      node = item;
    } else {
      break;
    }
  }
  if (opts.key && lastPair && isScalar(lastPair.key)) return lastPair.key;
  return (node as Node | undefined) ?? undefined;
}

export function positionOf(source: YamlSource, path: readonly PropertyKey[], opts: { key?: boolean } = {}): SourcePosition {
  const node = nodeAt(source, path, opts);
  const range = node && "range" in node ? node.range : undefined;
  return positionAt(source, range ? range[0] : 0);
}

/**
 * Position of a character inside a scalar's value (e.g. a PromQL syntax error at
 * offset 17 of an `expr`). Exact for plain and block scalars, where the value's
 * text appears verbatim in the file; quoted scalars point at their start.
 */
export function positionInScalar(source: YamlSource, path: readonly PropertyKey[], offset: number): SourcePosition {
  const node = nodeAt(source, path);
  if (!isScalar(node) || !node.range) return positionOf(source, path);
  const start = node.range[0];
  const value = String(node.value);
  if (node.type === "PLAIN") {
    const raw = source.text.slice(start, node.range[1]);
    if (raw === value) return positionAt(source, start + offset);
  }
  if (node.type === "BLOCK_LITERAL") {
    // Walk the value's lines and find the same line in the file below the header.
    const before = value.slice(0, offset);
    const lineIndex = before.split("\n").length - 1;
    const column = before.length - (before.lastIndexOf("\n") + 1);
    const headerLine = positionAt(source, start).line;
    const fileLines = source.text.split("\n");
    const firstLine = fileLines[headerLine] ?? "";
    if (fileLines[headerLine + lineIndex] !== undefined) {
      const indent = firstLine.length - firstLine.trimStart().length;
      return { line: headerLine + lineIndex + 1, column: indent + column + 1 };
    }
  }
  return positionAt(source, start);
}
