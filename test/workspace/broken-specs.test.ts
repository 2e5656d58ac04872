// The broken-spec corpus: each file in test/fixtures/broken replaces (or adds)
// one file of a valid base workspace and lists, in trailing `# expect:` lines,
// every finding monac must report for it — position, field path and message —
// validation's and the compile stage's (checkWorkspace) alike. A case whose
// findings are all warnings (`file:line:col: warning: ...`) must still build
// a model: warnings never stop a build.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";

const fixtures = path.join(import.meta.dirname, "..", "fixtures");
const baseFiles = ["monac.yaml", "slos/shop.yaml", "alerts/shop.yaml"].map((rel) => ({
  rel,
  text: readFileSync(path.join(fixtures, "base", rel), "utf8"),
}));

describe("base workspace", () => {
  it("is valid, so every finding below comes from the broken file", () => {
    const result = checkWorkspace(loadWorkspaceFromTexts(baseFiles));
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.model).toBeDefined();
  });
});

describe("broken specs", () => {
  const cases = readdirSync(path.join(fixtures, "broken")).filter((f) => f.endsWith(".yaml")).sort();

  it("has a corpus of at least 20 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("%s", (name) => {
    const text = readFileSync(path.join(fixtures, "broken", name), "utf8");
    const rel = /^# file: (\S+)/m.exec(text)?.[1];
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
    expect(rel, "the case names the file it replaces").toBeDefined();
    expect(expected.length, "the case lists what it expects").toBeGreaterThan(0);

    const result = checkWorkspace(loadWorkspaceFromTexts([...baseFiles.filter((f) => f.rel !== rel), { rel: rel!, text }]));
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(expected);
    if (expected.every((line) => /^\S+:\d+:\d+: warning: /.test(line!))) {
      expect(result.model, "warnings alone still build a model").toBeDefined();
    } else {
      expect(result.model, "no model (and so nothing written) when anything is invalid").toBeUndefined();
    }
  });
});
