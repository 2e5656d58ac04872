/**
 * Human-readable test output: a line per file, the failures of each failing
 * group (what differs, not two dumps to compare by eye), and a summary that
 * counts test groups.
 */
import type { FileResult, GroupResult } from "./runner.js";

export interface ReportOptions {
  /** Also list passing groups with how they were evaluated and how long it took. */
  verbose?: boolean;
}

function indent(lines: readonly string[], by: string): string[] {
  return lines.flatMap((l) => l.split("\n")).map((l) => by + l);
}

function groupLines(g: GroupResult, verbose: boolean): string[] {
  const how =
    g.path === undefined ? "" : g.path === "fast" ? ", fast path" : `, exact loop${g.fallbackReason === undefined ? "" : `: ${g.fallbackReason}`}`;
  const timing = verbose ? ` (${g.durationMs.toFixed(0)} ms${how})` : "";
  if (g.status === "passed") return verbose ? [`  ok    group "${g.name}"${timing}`] : [];
  const head = `  ${g.status === "error" ? "ERROR" : "FAIL "} group "${g.name}" (line ${g.line})${timing}`;
  const out = [head, ...indent(g.errors, "      ")];
  for (const m of g.mismatches) out.push(`      ${m.title}:`, ...indent(m.lines, "        "));
  return out;
}

/** The report of one file. */
export function formatFileResult(r: FileResult, opts: ReportOptions = {}): string {
  const lines: string[] = [];
  const n = r.groups.length;
  if (r.status === "ok") lines.push(`ok   ${r.file} (${n} group${n === 1 ? "" : "s"}${r.cached ? ", cached" : ""})`);
  else lines.push(`FAIL ${r.file}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push(...indent(r.errors, "  "));
  for (const g of r.groups) lines.push(...groupLines(g, opts.verbose ?? false));
  return lines.join("\n");
}

export interface Summary {
  passed: number;
  failed: number;
  invalidFiles: number;
}

export function summarize(results: readonly FileResult[]): Summary {
  const groups = results.flatMap((r) => r.groups);
  const passed = groups.filter((g) => g.status === "passed").length;
  return { passed, failed: groups.length - passed, invalidFiles: results.filter((r) => r.status === "invalid").length };
}

export function formatSummary(s: Summary): string {
  const invalid = s.invalidFiles > 0 ? `, ${s.invalidFiles} invalid file${s.invalidFiles === 1 ? "" : "s"}` : "";
  return `${s.passed} passed, ${s.failed} failed${invalid}`;
}

/** 0 all passed, 1 some group failed, 2 some test file unreadable or invalid. */
export function exitCode(results: readonly FileResult[]): number {
  if (results.some((r) => r.status === "invalid")) return 2;
  return results.some((r) => r.status === "failed") ? 1 : 0;
}
