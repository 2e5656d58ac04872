// A finding about a spec, located precisely enough for an editor or a CI
// annotation to point at the offending token.

export interface SourcePosition {
  line: number; // 1-based
  column: number; // 1-based
}

/**
 * An error stops the build: nothing is written. A warning is printed and the
 * build goes on (a receiver nobody routes to is legal, but likely a mistake).
 */
export type DiagnosticSeverity = "error" | "warning";

export interface Diagnostic {
  file: string; // path relative to the workspace, forward slashes
  position: SourcePosition;
  /** Field path inside the document, e.g. "slos[0].objective"; empty for the whole file. */
  path: string;
  message: string;
  /** Absent for errors, which most findings are. */
  severity?: DiagnosticSeverity;
}

/** `file:line:col: path: message`; a warning says so: `file:line:col: warning: path: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.position.line}:${d.position.column}${isWarning(d) ? ": warning" : ""}`;
  return d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`;
}

export function isWarning(d: Diagnostic): boolean {
  return d.severity === "warning";
}

/** True for the findings that stop a build. */
export function isError(d: Diagnostic): boolean {
  return !isWarning(d);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_][\w-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.position.line - b.position.line ||
    a.position.column - b.position.column ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Edit distance, for "did you mean" suggestions on misspelt fields and names. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Suggest only plausible typos: a couple of edits, scaled for longer names.
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
