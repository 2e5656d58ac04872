// Shared by the import tests: run an import and load its output the way
// `monac build` would, with a monac.yaml that declares the files' teams.
import { expect } from "vitest";
import { importSpecs, type ImportFormat, type ImportOptions, type ImportResult, type ImportSource } from "../../src/import/index.js";
import { formatDiagnostic, isError } from "../../src/workspace/diagnostics.js";
import { loadWorkspaceFromTexts, type LoadResult } from "../../src/workspace/workspace.js";
import { BASE_MONAC_YAML } from "../support/workspace.js";

/** The base monac.yaml (team shop) plus any other team the files name (BASE_MONAC_YAML ends with its teams). */
export function monacYamlFor(teams: Iterable<string>): string {
  let text = BASE_MONAC_YAML.endsWith("\n") ? BASE_MONAC_YAML : `${BASE_MONAC_YAML}\n`;
  for (const team of [...new Set(teams)].sort()) {
    if (team === "shop") continue;
    text += `  ${team}:\n    critical: [shop-pager]\n    warning: [shop-slack]\n`;
  }
  return text;
}

/** Loads imported files under slos/ with monac's loader. */
export function loadImported(result: ImportResult): LoadResult {
  const teams = result.files.map((f) => /^team: (\S+)$/m.exec(f.text)?.[1] ?? "shop");
  return loadWorkspaceFromTexts([{ rel: "monac.yaml", text: monacYamlFor(teams) }, ...result.files.map((f) => ({ rel: `slos/${f.path}`, text: f.text }))]);
}

/** Imports and checks that the output loads without errors; returns the result and its findings as text. */
export function importAndLoad(format: ImportFormat, sources: readonly ImportSource[], options?: ImportOptions): { result: ImportResult; findings: string[]; load: LoadResult } {
  const result = importSpecs(format, sources, options);
  const load = loadImported(result);
  expect(load.diagnostics.filter(isError).map(formatDiagnostic)).toEqual([]);
  expect(load.model).toBeDefined();
  return { result, findings: result.findings.map(formatDiagnostic), load };
}
