// `# monac-lint disable CHECK[,CHECK]` on the line before a rule (or on its
// first line) silences those checks for that rule; `# monac-lint
// disable-file CHECK[,CHECK]` anywhere silences them for the whole file.
// `all` names every check.
import type { Finding } from "./finding.js";

const DIRECTIVE = /#\s*monac-lint\s+(disable-file|disable)\s+([A-Za-z0-9_/\-.*]+(?:\s*,\s*[A-Za-z0-9_/\-.*]+)*)/;

export interface Suppressions {
  file: Set<string>;
  /** 1-based line → checks disabled by a comment on it. */
  lines: Map<number, Set<string>>;
}

export function parseSuppressions(text: string): Suppressions {
  const s: Suppressions = { file: new Set(), lines: new Map() };
  text.split("\n").forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const checks = m[2]!.split(",").map((c) => c.trim());
    if (m[1] === "disable-file") for (const c of checks) s.file.add(c);
    else s.lines.set(i + 1, new Set(checks));
  });
  return s;
}

function names(set: ReadonlySet<string> | undefined, check: string): boolean {
  return set !== undefined && (set.has(check) || set.has("all"));
}

export function isSuppressed(f: Finding, s: Suppressions): boolean {
  if (names(s.file, f.check)) return true;
  const anchor = f.anchorLine ?? f.line;
  return names(s.lines.get(anchor), f.check) || names(s.lines.get(anchor - 1), f.check);
}
