/**
 * Reading a YAML file nobody vouches for, safely: every problem is a position
 * and a message in monac's words, never an exception, a stack overflow, an
 * out-of-memory crash, or a warning the yaml package prints on stderr.
 *
 * Spec files (workspace) and promtool's rule-test and rule files (ruletest)
 * go through the same steps:
 *
 *   1. decodeUtf8          bytes to text; the first byte that is not UTF-8
 *   2. forbiddenCharacter  NUL and other characters YAML does not allow
 *   3. parseYaml           the syntax read without recursion, a depth check,
 *                          then the tree of the one document the file may hold
 *                          (plain block YAML, like every generated file, is
 *                          read by simple.ts, several times faster)
 *   4. syntaxProblem       the first syntax error (the rest are guesswork)
 *   5. checkAliases        aliases to no anchor or to a node they sit in,
 *                          keys that are lists or mappings
 *   6. an alias limit      toData (the yaml package's, for specs) or
 *                          aliasExpansionProblem (go-yaml's, for promtool's files)
 *
 * This layer imports nothing from src/ but its own simple.ts; only the yaml package.
 */
import {
  Composer,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isSeq,
  LineCounter,
  Parser,
  Scalar,
  visit,
  type Alias,
  type CST,
  type Document,
  type DocumentOptions,
  type Node,
  type Pair,
  type ParseOptions,
  type SchemaOptions,
} from "yaml";
import { parseSimpleYaml } from "./simple.js";

/**
 * Lists and mappings nested deeper than this are not a file anyone writes
 * (specs nest about six deep, promtool's files about five). The yaml package,
 * and every reader of its tree, recurses once per level, so a file of 20,000
 * `[` would otherwise end in a stack overflow (or, for some shapes, run out of
 * memory).
 */
export const MAX_NESTING = 100;

/** The yaml package's guard against alias bombs (a few lines of aliases that expand to gigabytes). */
export const MAX_ALIAS_COUNT = 100;

/** 1-based line and column (columns in UTF-16 units, like the yaml package's LineCounter). */
export interface Position {
  line: number;
  column: number;
}

/** A problem with a file, at an offset into its text. */
export interface YamlProblem {
  offset: number;
  message: string;
}

/** What kind of file is read, for the wording of the messages about the file as a whole. */
export interface YamlFileKind {
  /**
   * The kind, singular and taking the article "a": "spec file" gives "spec
   * files must be saved as UTF-8" and "a spec file holds one YAML document".
   */
  name: string;
  /** What a file nested too deep is not: "a spec" gives "nesting deeper than ... is not a spec". */
  tooDeepIsNot: string;
}

// ---------------------------------------------------- bytes and characters

/**
 * UTF-8 text without its byte-order mark, or the position of the first byte
 * that is not UTF-8. The decoder replaces each bad sequence with U+FFFD, so
 * the first U+FFFD the file does not spell as EF BF BD is the first bad byte.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; badByte: { position: Position; value: number } | undefined } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(body);
  // The decoder writes U+FFFD for a bad byte: without one there is nothing to find.
  if (!text.includes("\ufffd")) return { text, badByte: undefined };
  let byte = 0;
  let lineStart = 0;
  let line = 1;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code === 0xfffd && !(body[byte] === 0xef && body[byte + 1] === 0xbf && body[byte + 2] === 0xbd)) {
      const column = new TextDecoder().decode(body.subarray(lineStart, byte)).length + 1;
      return { text, badByte: { position: { line, column }, value: body[byte]! } };
    }
    byte += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code === 0x0a) {
      line++;
      lineStart = byte;
    }
  }
  return { text, badByte: undefined };
}

/** The message for decodeUtf8's bad byte. */
export function badByteMessage(value: number, kind: YamlFileKind): string {
  return `not valid UTF-8 (byte 0x${value.toString(16).toUpperCase().padStart(2, "0")}): ${kind.name}s must be saved as UTF-8`;
}

/**
 * The first character YAML does not allow in a file: control characters other
 * than tab and line breaks (NUL above all), the non-characters U+FFFE and
 * U+FFFF, and halves of UTF-16 pairs (only possible in text from memory).
 */
export function forbiddenCharacter(text: string): YamlProblem | undefined {
  const match = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = code === 0 ? `NUL character ${hex}` : code < 0xa0 ? `control character ${hex}` : `character ${hex}`;
  return { offset: match.index, message: `${name} is not allowed in a YAML file (only tab, line breaks and printable characters are)` };
}

/** Line and column of an offset, counted like the yaml package's LineCounter (lines end at \n; columns in UTF-16 units). */
export function lineColumn(text: string, offset: number): Position {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return { line, column: offset - (text.lastIndexOf("\n", offset - 1) + 1) + 1 };
}

// ------------------------------------------------------------ the tree

/** The yaml package's tree of a file, and the problems with the file as a whole. */
export interface YamlTree {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /**
   * Findings about the file as a whole that the yaml package does not make:
   * too deep, more than one document. Syntax errors are in doc.errors (see
   * syntaxProblem).
   */
  problems: YamlProblem[];
  /** Read by simple.ts: no aliases, anchors, tags or syntax errors to look for. */
  simple?: boolean;
}

export interface ParseYamlOptions {
  /** The scalar schema: "1.1" reads `yes` as a boolean (like Go's yaml.v2), "1.2" (the default) does not. */
  version?: "1.1" | "1.2";
}

/**
 * The yaml package's tree of the file's first document. The syntax is read
 * first (its parser keeps its own stack, so any depth is safe); only a file
 * within MAX_NESTING is composed into a tree, which recurses per level. A
 * deeper file gets an empty tree: its finding is about the whole file. A
 * second document is a finding, not something to read or ignore.
 */
export function parseYaml(text: string, kind: YamlFileKind, options: ParseYamlOptions = {}): YamlTree {
  // logLevel "error": the yaml package must never print its own warnings to stderr.
  const treeOptions: ParseOptions & DocumentOptions & SchemaOptions = {
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    logLevel: "error",
    ...(options.version === undefined ? {} : { version: options.version }),
  };
  const simple = parseSimpleYaml(text, treeOptions, MAX_NESTING);
  if (simple !== undefined) return { ...simple, problems: [], simple: true };
  const lineCounter = new LineCounter();
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const composer = new Composer(treeOptions);
  const deep = tooDeepAt(tokens);
  if (deep !== undefined) {
    const message = `nesting deeper than ${MAX_NESTING} levels of lists and mappings is not ${kind.tooDeepIsNot}`;
    return { doc: composer.compose([], true, 0).next().value!, lineCounter, problems: [{ offset: deep, message }] };
  }
  const docs = composer.compose(tokens, true, text.length);
  const doc = docs.next().value!;
  const second = docs.next();
  const problems = second.done ? [] : [{ offset: second.value.range[0], message: `a ${kind.name} holds one YAML document, but a second one starts here` }];
  return { doc, lineCounter, problems };
}

/** Offset of the first list or mapping nested more than MAX_NESTING deep, walking the syntax in document order without recursion. */
function tooDeepAt(tokens: readonly CST.Token[]): number | undefined {
  const stack: { token: CST.Token; depth: number }[] = tokens.map((token) => ({ token, depth: 0 })).reverse();
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { token, depth } = next;
    if (token.type === "document") {
      if (token.value) stack.push({ token: token.value, depth });
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth + 1 > MAX_NESTING) return token.type === "flow-collection" ? token.start.offset : token.offset;
      const children: CST.Token[] = [];
      for (const item of token.items) {
        if ("key" in item && item.key) children.push(item.key);
        if (item.value) children.push(item.value);
      }
      for (const child of children.reverse()) stack.push({ token: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The document's first syntax error. After it the parser's view of the rest
 * is guesswork: one mistake would otherwise be reported on every line below.
 */
export function syntaxProblem(doc: Document.Parsed): YamlProblem | undefined {
  const first = doc.errors[0];
  if (first === undefined) return undefined;
  if (first.code === "DUPLICATE_KEY") return { offset: first.pos[0], message: "duplicate key: each field may appear once" };
  // The yaml package appends a position ("at line 3, column 1"); we print our own.
  return { offset: first.pos[0], message: `invalid YAML: ${first.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim()}` };
}

// ------------------------------------------------------------- aliases

/**
 * Aliases that name no earlier anchor or the node they sit in, and keys that
 * are lists or mappings: the yaml package would throw, build a value that
 * contains itself, or turn the key into text and warn on stderr. Also returns
 * the node each alias stands for (the yaml package's Alias.resolve walks the
 * whole document on every call).
 */
export function checkAliases(doc: Document.Parsed): { problems: YamlProblem[]; targets: Map<Alias, Node> } {
  const problems: YamlProblem[] = [];
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const at = (node: Node | Pair["key"], message: string) => problems.push({ offset: (node as Node).range?.[0] ?? 0, message });
  visit(doc, {
    Node(_key, node, ancestors) {
      if (node.anchor) anchors.set(node.anchor, node);
      if (!isAlias(node)) return;
      const target = anchors.get(node.source);
      if (!target) at(node, `unknown YAML alias "*${node.source}": no anchor &${node.source} is defined before it`);
      else if (ancestors.includes(target)) at(node, `YAML alias "*${node.source}" is inside the node anchored &${node.source}: the value would contain itself`);
      else targets.set(node, target);
    },
    Pair(_key, pair) {
      const key = isAlias(pair.key) ? anchors.get(pair.key.source) : pair.key;
      if (isCollection(key)) at(pair.key, "a mapping key must be a name or a single value, not a list or mapping");
    },
  });
  return { problems, targets };
}

/**
 * The document as plain data, expanding aliases within the yaml package's
 * limit (MAX_ALIAS_COUNT), or where the limit is passed. Only for a document
 * checkAliases found nothing wrong with.
 *
 * The yaml package stops expanding past the limit with no position. It
 * expands aliases in document order, so keeping only the first k aliases (the
 * rest read as null) exceeds the limit exactly when k reaches the alias that
 * did: a binary search finds it. The probes swap aliases in and out of the
 * tree in place (a copy of the tree per probe would cost as much as parsing),
 * and the tree is left as parsed.
 */
export function toData(doc: Document.Parsed): { data: unknown; problem?: undefined } | { data?: undefined; problem: YamlProblem } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    return { problem: aliasLimitProblem(doc, error) };
  }
}

function aliasLimitProblem(doc: Document.Parsed, error: unknown): YamlProblem {
  const slots: { alias: Alias; put: (node: Alias | Scalar) => void }[] = [];
  visit(doc, {
    Alias(key, alias, path) {
      const parent = path[path.length - 1];
      const put = (node: Alias | Scalar) => {
        if (isPair(parent)) parent[key as "key" | "value"] = node;
        else if (isCollection(parent)) parent.items[key as number] = node;
        else (doc as { contents: unknown }).contents = node;
      };
      slots.push({ alias, put });
    },
  });
  const nothing = new Scalar(null);
  const exceedsWithFirst = (k: number): boolean => {
    slots.forEach((slot, i) => slot.put(i < k ? slot.alias : nothing));
    try {
      doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      return false;
    } catch {
      return true;
    }
  };
  let low = 0;
  let high = slots.length;
  const found = high > 0 && exceedsWithFirst(high);
  while (found && low + 1 < high) {
    const mid = (low + high) >> 1;
    if (exceedsWithFirst(mid)) high = mid;
    else low = mid;
  }
  slots.forEach((slot) => slot.put(slot.alias));
  if (!found) return { offset: 0, message: `invalid YAML: ${(error as Error).message}` };
  const culprit = slots[high - 1]!.alias;
  return {
    offset: culprit.range?.[0] ?? 0,
    message: `too many YAML aliases: expanding "*${culprit.source}" here passes the limit of ${MAX_ALIAS_COUNT} aliased values, which guards against alias bombs`,
  };
}

/**
 * go-yaml's guard against alias bombs (yaml.v2 and v3, which promtool reads
 * its files with): while a document is decoded, with every alias expanded,
 * more than 100 values copied through aliases among more than 1,000 values
 * is too many when the copies are more than 99% of the values (documents
 * up to 400,000 values), falling to 10% (from 4,000,000 values). Unlike the
 * yaml package's limit, it accepts ordinary files that use one anchor a few
 * hundred times, and it bounds what expanding the document can cost.
 *
 * The document is walked in document order with every alias expanded (without
 * recursion), stopping where the limit is passed; the finding points at the
 * outermost alias being expanded there. `targets` comes from checkAliases,
 * whose problems must have been reported first (an alias inside its own
 * anchor would expand forever).
 */
export function aliasExpansionProblem(doc: Document.Parsed, targets: ReadonlyMap<Alias, Node>): YamlProblem | undefined {
  if (targets.size === 0) return undefined;
  let values = 0;
  let copies = 0;
  const stack: { node: unknown; via: Alias | undefined }[] = [{ node: doc.contents, via: undefined }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { node, via } = next;
    values++;
    if (via !== undefined) copies++;
    if (via !== undefined && copies > 100 && values > 1000 && copies / values > allowedAliasRatio(values)) {
      return {
        offset: via.range?.[0] ?? 0,
        message: `too many YAML aliases: with "*${via.source}" expanded here, ${copies} of the first ${values} values are copies made through aliases, past the limit that guards against alias bombs (promtool's YAML parser has the same limit)`,
      };
    }
    if (isAlias(node)) {
      const target = targets.get(node);
      if (target !== undefined) stack.push({ node: target, via: via ?? node });
    } else if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i]!;
        stack.push({ node: pair.value, via }, { node: pair.key, via });
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], via });
    }
  }
  return undefined;
}

/** go-yaml's allowedAliasRatio (decode.go). */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

// ------------------------------------------------------------- all steps

/** A file read by readYaml: its tree, or its first problem. */
export type SafeYaml =
  | { ok: true; text: string; doc: Document.Parsed; lineCounter: LineCounter; aliases: ReadonlyMap<Alias, Node> }
  | { ok: false; text: string; position: Position; message: string };

/**
 * Every step above, stopping at the first problem: for files that must be
 * right before anything in them is read (promtool's rule-test and rule files).
 * The alias limit is go-yaml's (aliasExpansionProblem), so that files promtool
 * accepts are accepted. Follow an alias with `aliases` (see checkAliases).
 */
export function readYaml(content: string | Uint8Array, kind: YamlFileKind, options: ParseYamlOptions = {}): SafeYaml {
  let text: string;
  if (typeof content === "string") text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  else {
    const decoded = decodeUtf8(content);
    text = decoded.text;
    if (decoded.badByte !== undefined) return { ok: false, text, position: decoded.badByte.position, message: badByteMessage(decoded.badByte.value, kind) };
  }
  const forbidden = forbiddenCharacter(text);
  if (forbidden) return { ok: false, text, position: lineColumn(text, forbidden.offset), message: forbidden.message };
  const { doc, lineCounter, problems, simple } = parseYaml(text, kind, options);
  const fail = (p: YamlProblem): SafeYaml => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(p.offset, text.length)));
    return { ok: false, text, position: { line, column: col }, message: p.message };
  };
  const first = problems[0] ?? syntaxProblem(doc);
  if (first) return fail(first);
  if (simple) return { ok: true, text, doc, lineCounter, aliases: new Map() };
  const aliases = checkAliases(doc);
  if (aliases.problems[0]) return fail(aliases.problems[0]);
  const bomb = aliasExpansionProblem(doc, aliases.targets);
  if (bomb) return fail(bomb);
  return { ok: true, text, doc, lineCounter, aliases: aliases.targets };
}

export { ioReason } from "./io-reason.js";
