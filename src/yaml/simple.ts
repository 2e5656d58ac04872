/**
 * A fast reader for the plain block YAML that generated files and most
 * hand-written ones are made of, building the same tree as the yaml package
 * (its own node classes, values, scalar types and source ranges), or nothing.
 *
 * The yaml package reads any YAML, and its general parser is most of the time
 * `monac lint`, `monac diff` and `monac test` spend reading files. What this
 * reads is the subset emitYaml (compile/yaml-emit.ts) writes, plus
 * indentless lists: block mappings with single-line keys, block lists, plain
 * and quoted scalars on one line, literal blocks (`|`, `|-`), `[]` and `{}`,
 * comments. At anything else (anchors, aliases, tags, flow collections,
 * multi-line flow scalars, folded blocks, empty values, repeated keys,
 * directives, document markers, tabs, odd indentation) it gives up, and the
 * caller parses the text with the yaml package, which also words the errors.
 * So a file reads the same whichever reader read it (test/yaml/simple.test.ts
 * compares the trees on every YAML file the project has).
 *
 * Scalars are resolved with the document's own schema tags, as the yaml
 * package's composer does: `yes` is a boolean under YAML 1.1 and a string
 * under 1.2, `0x10` an integer with its format.
 */
import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, isScalar, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from "yaml";

type Options = ParseOptions & DocumentOptions & SchemaOptions;

/** Thrown inside the reader to give up; never escapes it. */
class NotSimple {}
const GIVE_UP = new NotSimple();

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Offset of its line break (or the text's end). */
  end: number;
  /** Spaces before its first other character. */
  indent: number;
  /** Whether it holds anything but spaces and a comment. */
  content: boolean;
}

// The scalar tag the yaml package falls back to (a string).
const SCALAR_TAG = Symbol.for("yaml.scalar");

/**
 * The document and its line starts, or undefined when the text is not in the
 * subset (then nothing is known about it: read it with the yaml package).
 */
export function parseSimpleYaml(text: string, options: Options, maxNesting: number): { doc: Document.Parsed; lineCounter: LineCounter } | undefined {
  // Tabs, carriage returns and the other line breaks YAML 1.1 knows are for the full parser.
  if (/[\t\r\u0085\u2028\u2029\ufeff]/.test(text)) return undefined;
  const reader = new SimpleReader(text, options, maxNesting);
  try {
    return reader.read();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class SimpleReader {
  private readonly lines: Line[] = [];
  private readonly doc: Document.Parsed;
  private readonly tags: ReadonlyArray<{ default?: boolean | "key"; test?: RegExp; resolve: (value: string, onError: (m: string) => void, options: unknown) => unknown; format?: string; collection?: string }>;
  /** The tag of strings, for plain scalars no other tag's test matches. */
  private readonly stringTag: SimpleReader["tags"][number];
  /** The next line to read. */
  private at = 0;
  /** After the line break of the last line read that holds a value: where the collections around it end. */
  private valueEnd = 0;

  constructor(
    private readonly text: string,
    options: Options,
    private readonly maxNesting: number,
  ) {
    this.doc = new Document(undefined, options) as unknown as Document.Parsed;
    const schema = this.doc.schema as unknown as { tags: SimpleReader["tags"]; compat?: unknown };
    // A schema that warns about values two YAML versions read differently: the full parser says so.
    if (schema.compat) throw GIVE_UP;
    this.tags = schema.tags;
    this.stringTag = (this.doc.schema as unknown as Record<symbol, SimpleReader["tags"][number]>)[SCALAR_TAG]!;
  }

  read(): { doc: Document.Parsed; lineCounter: LineCounter } {
    const { text } = this;
    const lineCounter = new LineCounter();
    lineCounter.addNewLine(0);
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      let indent = 0;
      while (text.charCodeAt(start + indent) === 0x20) indent++;
      const first = start + indent < end ? text[start + indent] : "";
      this.lines.push({ start, end, indent, content: first !== "" && first !== "#" });
      if (end === text.length) break;
      start = end + 1;
      lineCounter.addNewLine(start);
    }
    this.skipBlank();
    // An empty document, a top-level scalar: for the full parser.
    if (this.at >= this.lines.length) throw GIVE_UP;
    const first = this.lines[this.at]!;
    if (first.indent !== 0) throw GIVE_UP;
    const contents = this.block(this.at, 0, 0);
    this.skipBlank();
    // Anything after the top-level collection (a second document, a line indented less than its first): for the full parser.
    if (this.at < this.lines.length) throw GIVE_UP;
    (this.doc as { contents: unknown }).contents = contents;
    return { doc: this.doc, lineCounter };
  }

  private skipBlank(): void {
    while (this.at < this.lines.length && !this.lines[this.at]!.content) this.at++;
  }

  /** The character at an offset ("" past the line's end). */
  private char(line: Line, offset: number): string {
    return offset < line.end ? this.text[offset]! : "";
  }

  /**
   * A list or mapping whose first entry starts at `col` of line `li` (its
   * later entries start their own lines, indented by `col`).
   */
  private block(li: number, col: number, depth: number): Node {
    if (depth >= this.maxNesting) throw GIVE_UP;
    const line = this.lines[li]!;
    if (this.isItem(line, line.start + col)) return this.seq(li, col, depth);
    return this.map(li, col, depth);
  }

  /** Whether a `-` list entry starts at the offset. */
  private isItem(line: Line, offset: number): boolean {
    if (this.char(line, offset) !== "-") return false;
    const next = this.char(line, offset + 1);
    return next === "" || next === " ";
  }

  private seq(li: number, col: number, depth: number): YAMLSeq {
    const seq = new YAMLSeq(this.doc.schema);
    const first = this.lines[li]!;
    const start = first.start + col;
    this.at = li;
    for (;;) {
      const line = this.lines[this.at]!;
      const dash = this.at === li ? start : line.start + col;
      // Entries after the first start their lines at the list's column.
      if (this.at !== li && line.indent !== col) break;
      if (!this.isItem(line, dash)) break;
      let p = dash + 1;
      while (this.char(line, p) === " ") p++;
      const rest = this.char(line, p);
      if (rest === "" || rest === "#") {
        // The entry's value is on the lines below, indented deeper.
        this.at++;
        this.skipBlank();
        const next = this.lines[this.at];
        if (next === undefined || next.indent <= col) throw GIVE_UP;
        seq.items.push(this.block(this.at, next.indent, depth + 1));
      } else {
        seq.items.push(this.inline(this.at, p - line.start, depth + 1, col));
      }
      if (!this.entryFollows(col)) break;
    }
    seq.range = [start, this.valueEnd, this.valueEnd];
    return seq;
  }

  /**
   * After an entry of a collection at column `col`: whether the next line with
   * something on it starts at that column (another entry, or the end of a
   * list that sits at its key's column). A line indented deeper than the
   * entries is for the full parser.
   */
  private entryFollows(col: number): boolean {
    this.skipBlank();
    if (this.at >= this.lines.length) return false;
    const next = this.lines[this.at]!;
    if (next.indent > col) throw GIVE_UP;
    return next.indent === col;
  }

  /** After a line's break (or at the text's end). */
  private lineEnd(end: number): number {
    return Math.min(end + 1, this.text.length);
  }

  /**
   * A list entry's value that starts on the dash's line, at column `col`:
   * a nested list, a mapping, or a scalar.
   */
  private inline(li: number, col: number, depth: number, parentIndent: number): Node {
    if (depth >= this.maxNesting) throw GIVE_UP;
    const line = this.lines[li]!;
    const offset = line.start + col;
    if (this.isItem(line, offset)) return this.seq(li, col, depth);
    if (this.keyEnd(line, offset) !== undefined) return this.map(li, col, depth);
    return this.value(line, offset, parentIndent);
  }

  /**
   * Where a key that starts at `offset` ends (its colon's offset), or
   * undefined when no `key:` starts there.
   */
  private keyEnd(line: Line, offset: number): number | undefined {
    const c = this.char(line, offset);
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(line, offset);
      if (close === undefined) return undefined;
      return this.char(line, close) === ":" && this.separates(line, close + 1) ? close : undefined;
    }
    for (let i = offset; i < line.end; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 0x23 /* # */ && i > offset && this.text.charCodeAt(i - 1) === 0x20) return undefined;
      if (ch === 0x3a /* : */ && this.separates(line, i + 1)) return i;
    }
    return undefined;
  }

  /** Whether the offset ends a token: a space or the line's end. */
  private separates(line: Line, offset: number): boolean {
    const c = this.char(line, offset);
    return c === "" || c === " ";
  }

  private map(li: number, col: number, depth: number): YAMLMap {
    const map = new YAMLMap(this.doc.schema);
    const first = this.lines[li]!;
    const start = first.start + col;
    const keys = new Set<unknown>();
    this.at = li;
    for (;;) {
      const line = this.lines[this.at]!;
      const keyStart = this.at === li ? start : line.start + col;
      if (this.at !== li && line.indent !== col) break;
      const colon = this.keyEnd(line, keyStart);
      if (colon === undefined) throw GIVE_UP;
      // An implicit key is at most 1024 characters long (the yaml package's limit).
      if (colon - keyStart > 1000) throw GIVE_UP;
      const quoted = this.text[keyStart] === '"' || this.text[keyStart] === "'";
      // Keys with trailing spaces, explicit (`? `) keys, list entries (`- a: 1` among keys) and other indicators: for the full parser.
      if (this.text[colon - 1] === " " || (!quoted && !this.plainStartsAt(line, keyStart))) throw GIVE_UP;
      const key = this.scalarAt(keyStart, colon, true);
      const id = key.value;
      // A repeated key, or a key that is not text (the full parser words both).
      if (typeof id !== "string" || keys.has(id)) throw GIVE_UP;
      keys.add(id);
      let p = colon + 1;
      while (this.char(line, p) === " ") p++;
      const rest = this.char(line, p);
      let value: Node;
      if (rest === "" || rest === "#") {
        this.at++;
        this.skipBlank();
        const next = this.lines[this.at];
        if (next === undefined) throw GIVE_UP;
        if (next.indent > col) value = this.block(this.at, next.indent, depth + 1);
        // A list may sit at its key's indentation.
        else if (next.indent === col && this.isItem(next, next.start + col)) value = this.seq(this.at, col, depth + 1);
        // An empty value: the full parser places its null.
        else throw GIVE_UP;
      } else {
        value = this.value(line, p, col);
      }
      map.items.push(new Pair(key, value));
      if (!this.entryFollows(col)) break;
    }
    map.range = [start, this.valueEnd, this.valueEnd];
    return map;
  }

  /**
   * A scalar (or `[]`, `{}`) at `offset` of the current line, the value of a
   * key or list entry whose collection is indented by `parentIndent`; moves
   * past its lines.
   */
  private value(line: Line, offset: number, parentIndent: number): Node {
    const c = this.char(line, offset);
    let node: Node;
    let after: number;
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(line, offset);
      if (close === undefined) throw GIVE_UP;
      node = this.scalarAt(offset, close, false);
      after = close;
    } else if (c === "|") {
      return this.literal(line, offset, parentIndent);
    } else if (c === "[" || c === "{") {
      if (this.char(line, offset + 1) !== (c === "[" ? "]" : "}")) throw GIVE_UP;
      const empty = c === "[" ? new YAMLSeq(this.doc.schema) : new YAMLMap(this.doc.schema);
      empty.flow = true;
      empty.range = [offset, offset + 2, offset + 2];
      node = empty;
      after = offset + 2;
    } else {
      // A plain scalar: up to a comment, without trailing spaces.
      if (!this.plainStartsAt(line, offset)) throw GIVE_UP;
      let stop = offset;
      while (stop < line.end && !(this.text.charCodeAt(stop) === 0x23 /* # */ && this.text.charCodeAt(stop - 1) === 0x20)) stop++;
      while (stop > offset && this.text.charCodeAt(stop - 1) === 0x20) stop--;
      const raw = this.text.slice(offset, stop);
      // A second key on the line: an error the full parser words.
      if (raw.includes(": ") || raw.endsWith(":")) throw GIVE_UP;
      node = this.scalarAt(offset, stop, false);
      after = stop;
    }
    // Only spaces and a comment after the value.
    let p = after;
    while (this.char(line, p) === " ") p++;
    const rest = this.char(line, p);
    if (rest !== "" && !(rest === "#" && p > after)) throw GIVE_UP;
    this.at++;
    this.valueEnd = this.lineEnd(line.end);
    return node;
  }

  /**
   * Whether a plain scalar may start at the offset: not at an indicator (a
   * quote, a flow bracket, an anchor, a tag, a comment, a block header...),
   * nor at `-`, `?` or `:` followed by a space (a list entry, an explicit key
   * or value).
   */
  private plainStartsAt(line: Line, offset: number): boolean {
    const c = this.char(line, offset);
    if (c === "" || ",[]{}#&*!|>'\"%@`".includes(c)) return false;
    return !("-?:".includes(c) && this.separates(line, offset + 1));
  }

  /** The offset just past a quoted scalar's closing quote, or undefined when it does not close on its line. */
  private quotedEnd(line: Line, offset: number): number | undefined {
    const q = this.text[offset];
    for (let i = offset + 1; i < line.end; i++) {
      const c = this.text[i];
      if (q === '"' && c === "\\") i++;
      else if (c === q) {
        if (q === "'" && this.text[i + 1] === "'") i++;
        else return i + 1;
      }
    }
    return undefined;
  }

  /** The scalar whose source is text[from, to): plain, or quoted when it starts with a quote. */
  private scalarAt(from: number, to: number, atKey: boolean): Scalar {
    const raw = this.text.slice(from, to);
    let scalar: Scalar;
    if (raw[0] === '"') {
      // JSON's escapes are YAML's too; the others (\x, \e, \N, \_, ...) are for the full parser.
      for (const [, escape] of raw.matchAll(/\\(u[0-9a-fA-F]{4}|.)/g)) if (escape!.length === 1 && !'"\\/bfnrt'.includes(escape!)) throw GIVE_UP;
      let value: string;
      try {
        value = JSON.parse(raw) as string;
      } catch {
        // Control characters (which the caller's checks reject first).
        throw GIVE_UP;
      }
      scalar = this.resolvedString(value, "QUOTE_DOUBLE");
    } else if (raw[0] === "'") {
      scalar = this.resolvedString(raw.slice(1, -1).replace(/''/g, "'"), "QUOTE_SINGLE");
    } else {
      scalar = this.resolvedPlain(raw, atKey);
    }
    scalar.range = [from, to, to];
    return scalar;
  }

  private resolvedString(value: string, type: Scalar.Type): Scalar {
    const scalar = new Scalar(value);
    scalar.source = value;
    scalar.type = type;
    return scalar;
  }

  /** A plain scalar typed by the schema's tests, like the yaml package's composeScalar. */
  private resolvedPlain(value: string, atKey: boolean): Scalar {
    const tag = this.tags.find((t) => (t.default === true || (atKey && t.default === "key")) && t.test?.test(value)) ?? this.stringTag;
    // `<<` and other keys with a meaning of their own.
    if (tag.default === "key" || tag.collection) throw GIVE_UP;
    const res = tag.resolve(
      value,
      () => {
        throw GIVE_UP;
      },
      this.doc.options,
    );
    const scalar = isScalar(res) ? res : new Scalar(res);
    scalar.source = value;
    scalar.type = "PLAIN";
    if (tag.format) scalar.format = tag.format;
    return scalar;
  }

  /** A literal block (`|` or `|-`) whose indicator is at `offset`, inside a collection indented by `parentIndent`. */
  private literal(line: Line, offset: number, parentIndent: number): Scalar {
    let p = offset + 1;
    const chomp = this.char(line, p);
    if (chomp === "-") p++;
    // Keep (`|+`), indentation indicators, comments after the header: for the full parser.
    if (p !== line.end) throw GIVE_UP;
    let li = this.at + 1;
    const firstBody = this.lines[li];
    // The body starts on the next line, indented deeper than the collection holding the block.
    if (firstBody === undefined || !firstBody.content || firstBody.indent <= parentIndent) throw GIVE_UP;
    const indent = firstBody.indent;
    const body: string[] = [];
    let kept = 0;
    for (; li < this.lines.length; li++) {
      const l = this.lines[li]!;
      const blank = l.start + l.indent === l.end;
      if (blank) {
        // A line of spaces longer than the indentation holds text (spaces): for the full parser.
        if (l.indent > indent) throw GIVE_UP;
        body.push("");
        continue;
      }
      if (l.indent < indent) break;
      body.push(this.text.slice(l.start + indent, l.end));
      kept = body.length;
    }
    const value = body.slice(0, kept).join("\n") + (chomp === "-" ? "" : "\n");
    const scalar = this.resolvedString(value, "BLOCK_LITERAL");
    // The block ends with its last line of text; blank lines after it are skipped like any.
    this.valueEnd = this.lineEnd(this.lines[this.at + kept]!.end);
    scalar.range = [offset, this.valueEnd, this.valueEnd];
    this.at = li;
    return scalar;
  }
}
