// Where a finding about a spec field is, for stages after validation: the
// compile stage knows a field by its file and path (a FieldRef in the model),
// the locator knows the files' YAML and turns that into a line and column.
import { formatPath, type Diagnostic, type SourcePosition } from "./diagnostics.js";
import type { FieldRef } from "./model.js";
import { positionInScalar, positionOf, type YamlSource } from "./yaml-source.js";

export interface SpecLocator {
  /**
   * A finding about a field. With `offset`, it points at that character of
   * the field's value counted from its first non-blank character (the model
   * holds values trimmed; the file does not).
   */
  finding(at: FieldRef, message: string, offset?: number): Diagnostic;
  /** The line the field starts on, for "first defined at file:line". */
  line(at: FieldRef): number;
  /** The field's value as parsed from the file (undefined when it has none), e.g. to tell which file's field a merged value came from. */
  value(at: FieldRef): unknown;
}

/** A locator over loaded spec files; a field of a file it does not know is at 1:1. */
export function specLocator(sources: Iterable<YamlSource>): SpecLocator {
  const byFile = new Map<string, YamlSource>();
  for (const s of sources) byFile.set(s.file, s);
  const position = (at: FieldRef, offset: number | undefined): SourcePosition => {
    const source = byFile.get(at.file);
    if (!source) return { line: 1, column: 1 };
    if (offset === undefined) return positionOf(source, at.path);
    const raw = valueAt(source.data, at.path);
    const text = typeof raw === "string" ? raw : "";
    const leading = text.length - text.trimStart().length;
    return positionInScalar(source, at.path, offset + leading);
  };
  return {
    finding: (at, message, offset) => ({ file: at.file, position: position(at, offset), path: formatPath(at.path), message }),
    line: (at) => position(at, undefined).line,
    value: (at) => valueAt(byFile.get(at.file)?.data, at.path),
  };
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
