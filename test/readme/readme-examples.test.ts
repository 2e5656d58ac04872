// The README's YAML examples are a workspace: a newcomer copies them, so they
// must build as written (no findings, no warnings) and their generated tests
// must pass. An indented block is a fragment of the SLO example before it.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lintCommand } from "../../src/cli/lint.js";
import { buildCommand } from "../../src/cli/build.js";
import { runTestFile } from "../../src/ruletest/index.js";
import { REPO_ROOT } from "../support/workspace.js";

interface Block {
  line: number;
  text: string;
}

function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```yaml") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== "```") end++;
    blocks.push({ line: start + 1, text: `${lines.slice(start, end).join("\n")}\n` });
    i = end;
  }
  return blocks;
}

describe("the README's examples", () => {
  const blocks = yamlBlocks(readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"));

  it("build as written into a workspace whose generated tests pass", { timeout: 300_000 }, async () => {
    const files = new Map<string, string>();
    let lastSlo: Block | undefined;
    const unplaced: number[] = [];
    const targets: string[] = [];
    const ruleFiles: Block[] = [];
    for (const b of blocks) {
      const at = `readme-line-${b.line}`;
      if (/^\s/.test(b.text) && lastSlo) {
        // A fragment of an SLO: the SLO example with its alerting replaced, as its own service.
        const spliced = lastSlo.text.replace(/^service: (\S+)/m, `service: $1-${b.line}`).replace(/^ {4}alerting:\n(?: {6}.*\n)*/m, b.text);
        files.set(`slos/${at}.yaml`, spliced);
      } else if (/^service:/m.test(b.text) && /^slos:/m.test(b.text)) {
        files.set(`slos/${at}.yaml`, b.text);
        // Fragments replace an example's alerting: only an example that has one takes them.
        if (/^ {4}alerting:$/m.test(b.text)) lastSlo = b;
      } else if (/^service:/m.test(b.text) && /^alerts:/m.test(b.text)) files.set(`alerts/${at}.yaml`, b.text);
      else if (/^title:/m.test(b.text)) files.set(`dashboards/${at}.yaml`, b.text);
      else if (/^receivers:/m.test(b.text)) files.set("monac.yaml", b.text);
      else if (/^targets:/.test(b.text)) targets.push(b.text);
      else if (/^severity:/m.test(b.text)) files.set("monac-lint.yaml", b.text);
      else if (/^groups:/m.test(b.text)) ruleFiles.push(b);
      else unplaced.push(b.line);
    }
    // The deploy targets are a fragment of monac.yaml.
    expect(targets.length).toBeLessThanOrEqual(1);
    if (targets.length > 0) files.set("monac.yaml", `${files.get("monac.yaml") ?? ""}${targets.join("")}`);
    expect(unplaced, "every yaml block is a spec file or a fragment of one").toEqual([]);
    expect([...files.keys()].map((f) => f.split("/")[0]).sort()).toEqual(expect.arrayContaining(["alerts", "dashboards", "monac.yaml", "slos"]));

    const dir = mkdtempSync(path.join(tmpdir(), "monac-readme-"));
    try {
      for (const [rel, text] of files) {
        mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        writeFileSync(path.join(dir, rel), text);
      }
      const err: string[] = [];
      const code = await buildCommand({ dir, out: undefined, check: false, write: true }, { out: () => {}, err: (t) => err.push(t) });
      expect(err, "no findings and no warnings").toEqual([]);
      expect(code).toBe(0);
      const tests = [...files.keys()].length;
      expect(tests).toBeGreaterThan(0);
      const { readdirSync } = await import("node:fs");
      const testsDir = path.join(dir, "out", "prometheus", "tests");
      const results = await Promise.all(readdirSync(testsDir).map((f) => runTestFile(path.join(testsDir, f))));
      const failed = results.flatMap((r) => [...r.errors, ...r.groups.filter((g) => g.status !== "passed").map((g) => g.name)]);
      expect(failed).toEqual([]);
      expect(results.reduce((n, r) => n + r.groups.length, 0)).toBeGreaterThan(10);
      // The rule-file examples (lint suppression) and the workspace lint clean with the README's monac-lint.yaml.
      const extra = ruleFiles.map((b) => {
        const f = path.join(dir, `readme-line-${b.line}.rules.yaml`);
        writeFileSync(f, b.text);
        return f;
      });
      const lintOut: string[] = [];
      const io = { out: (t: string) => lintOut.push(t), err: (t: string) => lintOut.push(t) };
      // The workspace (specs, out/prometheus/rules, alertmanager.yml), then the rule-file examples.
      const lintCode = Math.max(await lintCommand(["--dir", dir, "--fail-on", "warning"], io), ...(await Promise.all(extra.map((f) => lintCommand(["--dir", dir, "--fail-on", "warning", f], io)))));
      expect(lintOut.join("\n"), "lint").not.toMatch(/: (bug|warning): /);
      expect(lintCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
