// Builds compile models from small in-memory workspaces for tests.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";
import type { WorkspaceModel } from "../../src/workspace/model.js";
import type { Artifact } from "../../src/compile/artifact.js";

const base = path.join(import.meta.dirname, "..", "fixtures", "base");
export const BASE_MONAC_YAML = readFileSync(path.join(base, "monac.yaml"), "utf8");

/** A model from the base monac.yaml plus the given spec files; throws with the findings if invalid. */
export function modelFrom(files: Record<string, string>): WorkspaceModel {
  const texts = Object.entries({ "monac.yaml": BASE_MONAC_YAML, ...files }).map(([rel, text]) => ({ rel, text }));
  const result = checkWorkspace(loadWorkspaceFromTexts(texts));
  if (!result.model) throw new Error(`invalid test workspace:\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
  return result.model;
}

export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Writes compiled artifacts under `dir` as `monac build` lays them out in out/. */
export function writeArtifacts(dir: string, artifacts: readonly Artifact[]): void {
  for (const a of artifacts) {
    mkdirSync(path.dirname(path.join(dir, a.path)), { recursive: true });
    writeFileSync(path.join(dir, a.path), a.content);
  }
}
