/**
 * JUnit XML in the shape promtool writes (util/junitxml): one <testsuite>
 * per test file, one <testcase> per test group, a <failure> per problem and
 * an <error> for a file that could not be read. Adds `time` attributes,
 * which CI systems display.
 */
import type { FileResult } from "./runner.js";

function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // XML 1.0 cannot carry most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "\ufffd");
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export function junitXML(results: readonly FileResult[], timestamp = new Date()): string {
  const stamp = timestamp.toISOString().slice(0, 19);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  for (const r of results) {
    const failures = r.groups.reduce((n, g) => n + (g.status === "failed" ? 1 : 0), 0);
    const errors = r.groups.filter((g) => g.status === "error").length + (r.status === "invalid" || (r.errors.length > 0 && r.groups.length === 0) ? 1 : 0);
    out.push(
      `  <testsuite name="${esc(r.file)}" tests="${r.groups.length}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${stamp}" time="${seconds(r.durationMs)}">`,
    );
    if (r.status === "invalid" && r.groups.length === 0) {
      out.push(`    <testcase name="unknown"><error>${esc(r.errors.join("\n"))}</error></testcase>`);
    }
    for (const g of r.groups) {
      const problems = [...g.errors, ...g.mismatches.map((m) => [`${m.title}:`, ...m.lines.map((l) => `  ${l}`)].join("\n"))];
      if (problems.length === 0) {
        out.push(`    <testcase name="${esc(g.name)}" classname="${esc(r.file)}" time="${seconds(g.durationMs)}"></testcase>`);
        continue;
      }
      out.push(`    <testcase name="${esc(g.name)}" classname="${esc(r.file)}" time="${seconds(g.durationMs)}">`);
      const tag = g.status === "error" ? "error" : "failure";
      for (const p of problems) out.push(`      <${tag} message="${esc(p.split("\n")[0]!)}">${esc(p)}</${tag}>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
