// `monac lint` as a command: formats (SARIF validated against the published
// schema), exit statuses and --fail-on, the example workspace's own output,
// and the reference rule sets in ../shared.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { lintCommand } from "../../src/cli/lint.js";
import { lint } from "../../src/lint/index.js";
import { itWithShared, sharedPath } from "../support/shared.js";
import { REPO_ROOT } from "../support/tools.js";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "lint");
const fixture = (...p: string[]) => path.join(FIXTURES, ...p);

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await lintCommand(args, { out: (t) => (out += t.endsWith("\n") ? t : `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

/** Enough of XML to say a document is well formed: one root, tags balanced, attributes quoted, entities known. */
function wellFormedXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const roots: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = tag.exec(body)) !== null) {
    pos = tag.lastIndex;
    const text = m[5] ?? m[3] ?? "";
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) return [`bad entity near ${pos}`];
    if (m[5] !== undefined) continue;
    if (stack.length === 0 && m[1] === "") roots.push(m[2]!);
    if (m[1] === "/") {
      if (stack.pop() !== m[2]) return [`unbalanced </${m[2]}> at ${pos}`];
    } else if (m[4] !== "/") stack.push(m[2]!);
  }
  if (pos !== body.length) return [`cannot read XML at ${pos}: ${body.slice(pos, pos + 40)}`];
  if (stack.length > 0) return [`unclosed ${stack.join(", ")}`];
  return roots.length === 1 ? [] : [`${roots.length} root elements`];
}

describe("formats", () => {
  it("text: file:line:col: severity: message [check], then a summary", async () => {
    const r = await run(fixture("fail", "promql_regex-static.yaml"));
    expect(r.out).toBe(
      `${fixture("fail", "promql_regex-static.yaml")}:5:34: warning: record "job:http_requests:rate5m": job=~"api" is a regex on a plain string; use job="api" [promql/regex-static]\n` +
        "monac lint: 1 file, 1 finding (0 bug, 1 warning, 0 info)\n",
    );
    expect(r.code).toBe(0);
  });

  it("github: workflow commands, error/warning/notice by severity", async () => {
    const r = await run("--format", "github", fixture("fail"));
    const lines = r.out.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(20);
    for (const l of lines) expect(l).toMatch(/^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=[a-z]+\/[a-z-]+::\S.*$/);
    expect(lines.some((l) => l.startsWith("::error ") && l.includes("title=alertmanager/shadowed-route::"))).toBe(true);
    expect(lines.some((l) => l.startsWith("::notice ") && l.includes("title=naming/alert::"))).toBe(true);
    expect(lines.some((l) => l.startsWith("::warning ") && l.includes("title=promql/rate-gauge::"))).toBe(true);
  });

  it("sarif: valid against the SARIF 2.1.0 JSON Schema", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "monac-lint-")), "lint.sarif");
    const r = await run("--format", "sarif", "--output", out, fixture("fail"));
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    const sarif = JSON.parse(readFileSync(out, "utf8"));
    // The schema's language pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) is not a valid
    // regex in JavaScript's unicode mode; `uri` formats are not checked (no ajv-formats).
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(fixture("sarif-schema-2.1.0.json"), "utf8")));
    expect(validate(sarif), JSON.stringify(validate.errors, null, 1)).toBe(true);
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.name).toBe("monac");
    const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toContain("promql/regex-static");
    expect(new Set(run0.results.map((x: { level: string }) => x.level))).toEqual(new Set(["error", "warning", "note"]));
    for (const res of run0.results) {
      expect(ids[res.ruleIndex]).toBe(res.ruleId);
      expect(res.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    // An empty report is valid too.
    const clean = JSON.parse((await run("--format", "sarif", fixture("pass", "promql_syntax.yaml"))).out);
    expect(validate(clean), JSON.stringify(validate.errors)).toBe(true);
    expect(clean.runs[0].results).toEqual([]);
  });

  it("junit: well-formed, a testcase per file, a failure per finding", async () => {
    const r = await run("--format", "junit", fixture("fail"), fixture("pass", "promql_syntax.yaml"));
    expect(wellFormedXml(r.out)).toEqual([]);
    const files = (await lint({ dir: FIXTURES, paths: [fixture("fail"), fixture("pass", "promql_syntax.yaml")] })).files;
    expect((r.out.match(/<testcase /g) ?? []).length).toBe(files.length);
    const { findings } = await lint({ dir: FIXTURES, paths: [fixture("fail"), fixture("pass", "promql_syntax.yaml")] });
    expect((r.out.match(/<failure /g) ?? []).length).toBe(findings.length);
    expect(r.out).toContain(`<testcase classname="monac.lint" name="${fixture("pass", "promql_syntax.yaml")}"/>`);
  });
});

describe("exit status", () => {
  it("0 clean, 1 on a bug, --fail-on lowers the bar", async () => {
    expect((await run(fixture("pass", "promql_syntax.yaml"))).code).toBe(0);
    expect((await run(fixture("fail", "alert_value-in-labels.yaml"))).code).toBe(1);
    // Only a warning: fails at --fail-on warning, not at the default (bug).
    expect((await run(fixture("fail", "promql_regex-static.yaml"))).code).toBe(0);
    expect((await run("--fail-on", "warning", fixture("fail", "promql_regex-static.yaml"))).code).toBe(1);
    // Only an info finding.
    expect((await run("--fail-on", "warning", fixture("fail", "naming_record.yaml"))).code).toBe(0);
    expect((await run("--fail-on", "info", fixture("fail", "naming_record.yaml"))).code).toBe(1);
  });

  it("2 for unreadable input, a bad flag or value, or a bad monac-lint.yaml", async () => {
    const missing = await run(fixture("no-such-file.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("no such file or directory");
    expect((await run("--format", "xml", fixture("pass"))).code).toBe(2);
    expect((await run("--fail-on", "error", fixture("pass"))).code).toBe(2);
    expect((await run("--bogus")).code).toBe(2);
    expect((await run("--dir", fixture("fail"))).code).toBe(2); // nothing to lint there
    const badConfig = await run("--dir", fixture("suppress", "..", "workspace-bad"), "--format", "text");
    expect(badConfig.code).toBe(1); // spec errors are findings, not usage errors
    expect((await run("--help")).code).toBe(0);
  });

  it("spec findings come from the workspace's validation", async () => {
    const { findings } = await lint({ dir: fixture("workspace-bad"), paths: [] });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.check === "spec/invalid" && f.severity === "bug")).toBe(true);
    expect(findings[0]!.file).toBe(path.join(fixture("workspace-bad"), "monac.yaml"));
  });
});

describe("real rule sets", () => {
  it("the example workspace (specs, out/prometheus/rules, alertmanager.yml) has nothing at warning or above", async () => {
    const { findings, files } = await lint({ dir: REPO_ROOT, paths: [] });
    expect(files.filter((f) => f.includes(path.join("out", "prometheus", "rules"))).length).toBeGreaterThan(5);
    expect(files).toContain(path.join(REPO_ROOT, "out", "alertmanager", "alertmanager.yml"));
    expect(findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect((await run("--dir", REPO_ROOT, "--fail-on", "warning")).code).toBe(0);
  });

  const refs = [sharedPath("reference", "sloth"), sharedPath("reference", "pyrra"), sharedPath("conformance", "promtool")];
  itWithShared(refs, "lints ../shared's reference rule files without crashing (prints per-check counts)", async () => {
    for (const dir of refs) {
      const { findings, files } = await lint({ dir: REPO_ROOT, paths: [dir] });
      const counts: Record<string, number> = {};
      for (const f of findings) counts[f.check] = (counts[f.check] ?? 0) + 1;
      console.log(`monac lint ${path.relative(REPO_ROOT, dir)}: ${files.length} files, ${findings.length} findings`, JSON.stringify(Object.fromEntries(Object.entries(counts).sort())));
      for (const f of findings) expect(f.line).toBeGreaterThan(0);
    }
  });
});
