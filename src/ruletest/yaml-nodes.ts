/**
 * Strict decoding of YAML nodes with positions, shared by the test-file and
 * rule-file readers. It mirrors how the Go YAML libraries promtool uses turn
 * scalars into Go values: a string field takes the scalar's text whatever its
 * YAML type (`values: 0x10` is the text "0x10", not 16), durations go through
 * model.ParseDuration, and unknown or repeated fields are errors.
 *
 * The file itself is read by the yaml layer (../yaml/safe.ts), like a spec
 * file: UTF-8, no control characters, bounded nesting, one document, aliases
 * to defined anchors within go-yaml's limit. A problem there is a YamlFileError.
 */
import { isAlias, isMap, isScalar, isSeq, type Alias, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from "yaml";
import { parsePrometheusDuration } from "../go/duration.js";
import { readYaml, type YamlFileKind } from "../yaml/safe.js";

export interface Position {
  line: number;
  column: number;
}

/** A finding in a YAML file: `file:line:col: message`. */
export class YamlFileError extends Error {
  constructor(
    readonly file: string,
    readonly position: Position | undefined,
    readonly detail: string,
  ) {
    super(position === undefined ? `${file}: ${detail}` : `${file}:${position.line}:${position.column}: ${detail}`);
    this.name = "YamlFileError";
  }
}

/** The files promtool reads, and the YAML version it reads each with. */
const KINDS = {
  // promtool reads test files with yaml.v2 (YAML 1.1: `yes` is a boolean).
  test: { kind: { name: "rule test file", tooDeepIsNot: "a rule test file" }, version: "1.1" },
  // rulefmt reads rule files with yaml.v3 (YAML 1.2 scalars).
  rules: { kind: { name: "rule file", tooDeepIsNot: "a rule file" }, version: "1.2" },
} as const satisfies Record<string, { kind: YamlFileKind; version: "1.1" | "1.2" }>;

/** 1-based line and column of an offset into a text of `length` characters (clamped to it). */
function linePosition(lines: LineCounter, length: number, offset: number): Position {
  const { line, col } = lines.linePos(Math.max(0, Math.min(offset, length)));
  return { line, column: col };
}

export class YamlReader {
  private readonly lines: LineCounter;
  private readonly aliases: ReadonlyMap<Alias, Node>;
  readonly doc: Document.Parsed;
  /** The file's text (without a byte-order mark). */
  readonly text: string;

  /**
   * Reads `content` (bytes from disk, which must be UTF-8, or text) as a
   * promtool test file or rule file; throws YamlFileError when it is not a
   * YAML file to read.
   */
  constructor(
    readonly file: string,
    content: string | Uint8Array,
    what: keyof typeof KINDS,
  ) {
    const { kind, version } = KINDS[what];
    const read = readYaml(content, kind, { version });
    if (!read.ok) throw new YamlFileError(file, read.position, read.message);
    this.text = read.text;
    this.doc = read.doc;
    this.lines = read.lineCounter;
    this.aliases = read.aliases;
  }

  get root(): Node | null {
    return (this.doc.contents as Node | null) ?? null;
  }

  position(offset: number): Position {
    return linePosition(this.lines, this.text.length, offset);
  }

  /** `position`, holding only the file's line starts (not its document). */
  positioner(): (offset: number) => Position {
    const { lines } = this;
    const length = this.text.length;
    return (offset) => linePosition(lines, length, offset);
  }

  positionOf(node: Node | Pair | null | undefined): Position | undefined {
    const n = node !== null && node !== undefined && "range" in node ? node : undefined;
    return n?.range ? this.position(n.range[0]) : undefined;
  }

  error(node: Node | Pair | null | undefined, message: string): YamlFileError {
    return new YamlFileError(this.file, this.positionOf(node), message);
  }

  /**
   * The fields of a mapping (null reads as an empty mapping). An unknown key
   * is an error naming the type, like yaml's strict mode.
   */
  fields(nodeOrAlias: Node | null | undefined, known: readonly string[], what: string): Map<string, { key: Node; value: Node | null }> {
    const node = this.deref(nodeOrAlias);
    const out = new Map<string, { key: Node; value: Node | null }>();
    if (isNull(node)) return out;
    if (!isMap(node)) throw this.error(node, `${what} must be a mapping`);
    for (const pair of (node as YAMLMap<Node, Node | null>).items) {
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : "";
      if (!known.includes(name)) {
        throw this.error(key, `unknown field "${name}" in ${what} (known fields: ${known.join(", ")})`);
      }
      out.set(name, { key, value: pair.value ?? null });
    }
    return out;
  }

  items(nodeOrAlias: Node | null | undefined, what: string): Node[] {
    const node = this.deref(nodeOrAlias);
    if (isNull(node)) return [];
    if (!isSeq(node)) throw this.error(node, `${what} must be a list`);
    return node.items as Node[];
  }

  /** Follows a YAML alias (`*name`) to the anchored node (never itself an alias). */
  private deref(node: Node | null | undefined): Node | null | undefined {
    return isAlias(node) ? this.aliases.get(node) : node;
  }

  /** The scalar's text as a Go string field receives it; null is "". */
  string(nodeOrAlias: Node | null | undefined, what: string): string {
    const node = this.deref(nodeOrAlias);
    if (isNull(node)) return "";
    if (!isScalar(node)) throw this.error(node, `${what} must be a string`);
    if (typeof node.value === "string") return node.value;
    return node.source ?? String(node.value);
  }

  /** A model.Duration: "5m", "1h30m", "0"; null is 0. */
  duration(node: Node | null | undefined, what: string): number {
    const text = this.string(node, what);
    if (text === "") return 0;
    try {
      return parsePrometheusDuration(text);
    } catch {
      throw this.error(node, `${what}: not a valid duration string: "${text}"`);
    }
  }

  float(nodeOrAlias: Node | null | undefined, what: string): number {
    const node = this.deref(nodeOrAlias);
    if (isNull(node)) return 0;
    if (isScalar(node) && typeof node.value === "number") return node.value;
    throw this.error(node, `${what} must be a number, got ${JSON.stringify(isScalar(node) ? node.source ?? node.value : "a collection")}`);
  }

  int(node: Node | null | undefined, what: string): number {
    const v = this.float(node, what);
    if (!Number.isInteger(v)) throw this.error(node, `${what} must be an integer`);
    return v;
  }

  bool(nodeOrAlias: Node | null | undefined, what: string): boolean {
    const node = this.deref(nodeOrAlias);
    if (isNull(node)) return false;
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    throw this.error(node, `${what} must be a boolean`);
  }

  /** A map[string]string: keys and values as text. */
  stringMap(nodeOrAlias: Node | null | undefined, what: string): Array<[string, string, Node]> {
    const node = this.deref(nodeOrAlias);
    if (isNull(node)) return [];
    if (!isMap(node)) throw this.error(node, `${what} must be a mapping`);
    return (node as YAMLMap<Node, Node | null>).items.map((pair) => [
      this.string(pair.key, `${what} key`),
      this.string(pair.value, `${what}.${this.string(pair.key, "key")}`),
      pair.key,
    ]);
  }
}

function isNull(node: Node | null | undefined): node is null | undefined {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}
