// Import sources: YAML files that may bundle several documents (`---`), read
// through the same safe reader as spec files, with findings that point at the
// offending node of the file the user gave.
//
// safe.ts reads one document per file (a spec is one document). A source is
// cut into its documents by the yaml package's syntax tokens; each document is
// then read on its own from a copy of the file in which everything outside it
// is blanked out (every character but line breaks turned into a space). Its
// offsets, lines and columns are therefore the file's own, and the position
// lookup of spec files (yaml-source.ts) serves unchanged.
import { Parser } from "yaml";
import { formatPath, type Diagnostic } from "../workspace/diagnostics.js";
import { parseYamlSource, positionOf, type YamlSource } from "../workspace/yaml-source.js";

export type Path = readonly (string | number)[];

/** One YAML document of an import source. */
export interface SourceDoc {
  /** The file as given (ImportSource.path). */
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  /** The document's data (plain JS). */
  data: unknown;
  yaml: YamlSource;
}

/** Collects findings; paths are relative to a document's root. */
export class Findings {
  readonly list: Diagnostic[] = [];

  error(doc: SourceDoc, path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.list.push({ file: doc.file, position: positionOf(doc.yaml, path, opts), path: formatPath(path), message });
  }

  warn(doc: SourceDoc, path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.list.push({ file: doc.file, position: positionOf(doc.yaml, path, opts), path: formatPath(path), message, severity: "warning" });
  }
}

/** The documents of a file; problems reading it are findings, never exceptions. */
export function readDocuments(file: string, text: string, f: Findings): SourceDoc[] {
  const clean = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const starts: { offset: number; empty: boolean }[] = [];
  try {
    for (const token of new Parser().parse(clean)) {
      if (token.type === "document") starts.push({ offset: token.offset, empty: token.value === undefined });
    }
  } catch {
    starts.length = 0;
  }
  // No document at all (an empty file, or only comments): nothing to read.
  if (starts.length === 0) return [];
  const docs: SourceDoc[] = [];
  starts.forEach(({ offset: start, empty }, index) => {
    // A document of only comments (or an empty one after a trailing `---`) holds nothing to import.
    if (empty) return;
    const end = starts[index + 1]?.offset ?? clean.length;
    const blanked = blank(clean.slice(0, start)) + clean.slice(start, end) + blank(clean.slice(end));
    const { source, diagnostics } = parseYamlSource(file, blanked);
    if (diagnostics.length > 0) {
      for (const d of diagnostics) f.list.push({ ...d, file });
      return;
    }
    if (source.data === null || source.data === undefined) return;
    docs.push({ file, index, data: source.data, yaml: source });
  });
  return docs;
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, " ");
}

// ------------------------------------------------------------- data access

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function get(data: unknown, path: Path): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}
