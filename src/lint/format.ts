// The four output formats of `monac lint`: text for people, GitHub workflow
// commands, SARIF 2.1.0 for code-scanning tools, JUnit XML for CI dashboards.
import { CHECKS, SEVERITY_RANK, isCheckName, type Finding, type Severity } from "./finding.js";

export type LintFormat = "text" | "github" | "sarif" | "junit";

export function formatText(findings: readonly Finding[], filesLinted: number): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.check}]`);
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const files = `${filesLinted} file${filesLinted === 1 ? "" : "s"}`;
  lines.push(
    findings.length === 0
      ? `monac lint: ${files}, no findings`
      : `monac lint: ${files}, ${findings.length} finding${findings.length === 1 ? "" : "s"} (${count("bug")} bug, ${count("warning")} warning, ${count("info")} info)`,
  );
  return lines.join("\n") + "\n";
}

/** GitHub's workflow-command escaping for property values and messages. */
function ghData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const GH_COMMAND: Record<Severity, string> = { bug: "error", warning: "warning", info: "notice" };

export function formatGithub(findings: readonly Finding[]): string {
  return findings.map((f) => `::${GH_COMMAND[f.severity]} file=${ghProperty(f.file)},line=${f.line},col=${f.column},title=${ghProperty(f.check)}::${ghData(f.message)}\n`).join("");
}

const SARIF_LEVEL: Record<Severity, "error" | "warning" | "note"> = { bug: "error", warning: "warning", info: "note" };

/** SARIF 2.1.0: one run, tool monac, a rule per check that fired. */
export function formatSarif(findings: readonly Finding[], version: string): string {
  const checks = [...new Set(findings.map((f) => f.check))].sort();
  const rules = checks.map((id) => ({
    id,
    shortDescription: { text: isCheckName(id) ? CHECKS[id].description : id },
    defaultConfiguration: { level: SARIF_LEVEL[isCheckName(id) ? CHECKS[id].severity : "warning"] },
  }));
  const results = findings.map((f) => ({
    ruleId: f.check,
    ruleIndex: checks.indexOf(f.check),
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.file) },
          region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
        },
      },
    ],
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "monac", version, rules } }, results }],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

/** A relative path as a URI reference (forward slashes, percent-encoded). */
function toUri(file: string): string {
  return file
    .split(/[\\/]/)
    .map((seg) => encodeURIComponent(seg))
    .join("/");
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** JUnit XML: a testcase per linted file, a failure per finding. */
export function formatJunit(findings: readonly Finding[], files: readonly string[]): string {
  const byFile = new Map<string, Finding[]>(files.map((f) => [f, []]));
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const failures = [...byFile.values()].filter((fs) => fs.length > 0).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="monac lint" tests="${byFile.size}" failures="${failures}">`, `  <testsuite name="monac lint" tests="${byFile.size}" failures="${failures}" errors="0">`];
  for (const [file, fs] of byFile) {
    if (fs.length === 0) {
      lines.push(`    <testcase classname="monac.lint" name="${xml(file)}"/>`);
      continue;
    }
    lines.push(`    <testcase classname="monac.lint" name="${xml(file)}">`);
    for (const f of fs) {
      lines.push(`      <failure type="${xml(f.check)}" message="${xml(`${f.severity}: ${f.message}`)}">${xml(`${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.check}]`)}</failure>`);
    }
    lines.push("    </testcase>");
  }
  lines.push("  </testsuite>", "</testsuites>");
  return lines.join("\n") + "\n";
}

/** Exit status: 1 when a finding is at or above `failOn`. */
export function failsAt(findings: readonly Finding[], failOn: Severity): boolean {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}
