/**
 * Rule coverage of a `monac test` run (`--coverage`): which rules of the
 * rule files the test files load were ever exercised. An alerting rule is
 * covered when it was pending or firing at some evaluation of some test
 * group; a recording rule when its expression returned samples at some
 * evaluation. A rule is identified by its file, group, position in the group
 * and name, so a rule file loaded by several test files counts once, covered
 * if any of them covers it.
 */
import path from "node:path";
import type { LoadedRule, LoadedRuleGroup } from "./rule-files.js";
import type { FileResult } from "./runner.js";

export interface RuleCoverage {
  /** The rule file, as the test file's rule_files resolved it. */
  file: string;
  group: string;
  /** Position of the rule in its group, from 0. */
  index: number;
  name: string;
  kind: "alert" | "record";
  line: number;
  covered: boolean;
}

export interface FileCoverage {
  file: string;
  covered: number;
  total: number;
  rules: Array<Omit<RuleCoverage, "file">>;
}

export interface CoverageReport {
  covered: number;
  total: number;
  /** covered / total in percent, rounded down to one decimal; 100 when there is no rule. */
  percent: number;
  /** Sorted by file path; rules in file order. */
  files: FileCoverage[];
}

/** A not-yet-covered entry for every rule of the loaded groups (in file order). */
export function ruleCoverageEntries(groups: readonly LoadedRuleGroup[]): Map<LoadedRule, RuleCoverage> {
  const out = new Map<LoadedRule, RuleCoverage>();
  for (const g of groups) {
    for (const [index, r] of g.rules.entries()) {
      out.set(r, { file: g.file, group: g.name, index, name: r.name, kind: r.kind, line: r.line, covered: false });
    }
  }
  return out;
}

function percentOf(covered: number, total: number): number {
  return total === 0 ? 100 : Math.floor((covered * 1000) / total) / 10;
}

/** The union of the coverage of all results (files run without coverage, and routing tests, have none). */
export function mergeCoverage(results: readonly FileResult[]): CoverageReport {
  const files = new Map<string, { file: string; rules: Map<string, RuleCoverage> }>();
  for (const r of results) {
    for (const c of r.coverage ?? []) {
      const fileKey = path.resolve(c.file);
      let f = files.get(fileKey);
      if (f === undefined) files.set(fileKey, (f = { file: c.file, rules: new Map() }));
      const key = JSON.stringify([c.group, c.index, c.name]);
      const prev = f.rules.get(key);
      if (prev === undefined) f.rules.set(key, { ...c });
      else if (c.covered) prev.covered = true;
    }
  }
  const out: FileCoverage[] = [];
  for (const f of files.values()) {
    const rules = [...f.rules.values()]
      .sort((a, b) => a.line - b.line || a.index - b.index)
      .map(({ group, index, name, kind, line, covered }) => ({ group, index, name, kind, line, covered }));
    const covered = rules.filter((r) => r.covered).length;
    out.push({ file: f.file, covered, total: rules.length, rules });
  }
  out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const covered = out.reduce((n, f) => n + f.covered, 0);
  const total = out.reduce((n, f) => n + f.total, 0);
  return { covered, total, percent: percentOf(covered, total), files: out };
}

/** Whether the total is below `min` percent (compared exactly, not on the rounded figure). */
export function belowMinimum(report: CoverageReport, min: number): boolean {
  return report.total > 0 && report.covered * 100 < min * report.total;
}

/** A --min value: a number from 0 to 100, optionally followed by `%`; undefined when it is not one. */
export function parseMinPercent(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)%?$/.exec(text.trim());
  if (m === null) return undefined;
  const v = Number(m[1]);
  return v >= 0 && v <= 100 ? v : undefined;
}

function formatPercent(p: number): string {
  return `${p.toFixed(1)}%`;
}

/** The text report: per rule file covered/total and its uncovered rules, then the total. */
export function formatCoverage(report: CoverageReport): string {
  const lines = ["rule coverage:"];
  if (report.files.length === 0) lines.push("  no rule files were loaded");
  for (const f of report.files) {
    lines.push(`  ${f.file}: ${f.covered}/${f.total}`);
    for (const r of f.rules) {
      if (!r.covered) lines.push(`    not covered: ${r.kind} ${r.name} (group "${r.group}", line ${r.line})`);
    }
  }
  lines.push(`total: ${report.covered}/${report.total} rules covered (${formatPercent(report.percent)})`);
  return lines.join("\n");
}

/** The line saying a --min threshold was missed. */
export function formatBelowMinimum(report: CoverageReport, min: number): string {
  return `FAIL rule coverage ${formatPercent(report.percent)} is below --min ${min}%`;
}

/** The machine-readable report (`--coverage-file`), byte-identical across runs. */
export function coverageJSON(report: CoverageReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
