// YAML documents that remember where every value came from, so a finding about
// `slos[0].objective` can point at line 12, column 16 of slos/checkout.yaml.
import { load as loadFast, CORE_SCHEMA, type LoadOptions } from "js-yaml";
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";
import {
  badByteMessage,
  checkAliases,
  decodeUtf8,
  forbiddenCharacter,
  lineColumn,
  MAX_ALIAS_COUNT,
  MAX_NESTING,
  parseYaml,
  syntaxProblem,
  toData,
  type YamlFileKind,
  type YamlTree,
} from "../yaml/safe.js";
import type { Diagnostic, SourcePosition } from "./diagnostics.js";

export { decodeUtf8, MAX_ALIAS_COUNT, MAX_NESTING };

const SPEC: YamlFileKind = { name: "spec file", tooDeepIsNot: "a spec" };

// YAML 1.2's core schema, as the yaml package reads it: no timestamps, no merge keys.
// js-yaml counts every node (scalars too) against maxDepth, so it gives up
// on anything the full parser might reject; the full parser then decides.
const FAST_OPTIONS: LoadOptions & { maxDepth: number } = { schema: CORE_SCHEMA, maxDepth: MAX_NESTING };
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
  private tree: YamlTree | undefined;

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

  /** Problems with the file as a whole, found while building the tree (see parseYaml). */
  get problems(): YamlTree["problems"] {
    return this.parsed().problems;
  }

  private parsed(): YamlTree {
    this.tree ??= parseYaml(this.text, SPEC);
    return this.tree;
  }
}

/**
 * Reads a spec file: text from memory, or bytes from disk (which must be
 * UTF-8). Problems with the file are findings, never exceptions.
 */
export function parseYamlSource(file: string, content: string | Uint8Array): { source: YamlSource; diagnostics: Diagnostic[] } {
  const decoded = typeof content === "string" ? { text: content, badByte: undefined } : decodeUtf8(content);
  const finding = (position: SourcePosition, message: string): Diagnostic => ({ file, position, path: "", message });
  if (decoded.badByte !== undefined) {
    const { position, value } = decoded.badByte;
    return { source: new YamlSource(file, decoded.text, undefined), diagnostics: [finding(position, badByteMessage(value, SPEC))] };
  }
  const { text } = decoded;
  const forbidden = forbiddenCharacter(text);
  if (forbidden) {
    return { source: new YamlSource(file, text, undefined), diagnostics: [finding(lineColumn(text, forbidden.offset), forbidden.message)] };
  }
  if (!needsFullParser(text)) {
    try {
      return { source: new YamlSource(file, text, loadFast(text, { ...FAST_OPTIONS, filename: file }) ?? {}), diagnostics: [] };
    } catch {
      // Fall through to the precise parser for the error report.
    }
  }
  const source = new YamlSource(file, text, undefined);
  const at = (p: { offset: number; message: string }) => finding(positionAt(source, p.offset), p.message);
  const syntax = syntaxProblem(source.doc);
  const diagnostics: Diagnostic[] = [
    ...source.problems.map(at),
    ...(syntax ? [at(syntax)] : []),
    // A tag the core schema does not know would be dropped, and the value read as a plain string.
    ...source.doc.warnings
      .filter((w) => w.code === "TAG_RESOLVE_FAILED")
      .map((w) => finding(positionAt(source, w.pos[0]), `unknown YAML tag ${/tag: (\S+)/.exec(w.message)?.[1] ?? ""}: spec values are plain YAML (strings, numbers, booleans, lists, mappings)`)),
  ];
  if (diagnostics.length === 0) diagnostics.push(...checkAliases(source.doc).problems.map(at));
  if (diagnostics.length === 0) {
    const { data, problem } = toData(source.doc);
    if (problem) diagnostics.push(at(problem));
    else source.data = data ?? {};
  }
  return { source, diagnostics };
}

/**
 * What only the yaml package reads the way a spec must be read: anchors (their
 * aliases are checked and limited, js-yaml expands them without limit) and
 * keys that are lists or mappings (js-yaml turns `[a, b]: 1` into a key "a,b").
 * A superset is fine: it only costs speed.
 */
function needsFullParser(text: string): boolean {
  return /&[^\s,[\]{}]|\?(?:\s|$)|[\]}][ \t]*:/.test(text);
}

// ------------------------------------------------------------ positions

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
 * offset 17 of an `expr`). Exact for plain and block scalars, and quoted ones
 * without escapes, where the value's text appears verbatim in the file; other
 * quoted scalars point at their start.
 */
export function positionInScalar(source: YamlSource, path: readonly PropertyKey[], offset: number): SourcePosition {
  const node = nodeAt(source, path);
  if (!isScalar(node) || !node.range) return positionOf(source, path);
  const start = node.range[0];
  const value = String(node.value);
  const raw = source.text.slice(start, node.range[1]);
  if (node.type === "PLAIN" && raw === value) return positionAt(source, start + offset);
  // A quoted value without escapes or line breaks sits verbatim between its quotes.
  if ((node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && raw === `${raw[0]}${value}${raw[0]}`) return positionAt(source, start + 1 + offset);
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
