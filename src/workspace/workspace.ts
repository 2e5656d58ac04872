// Loads a workspace (monac.yaml, slos/, alerts/), validates every file and
// builds the model. All findings of a run are collected, never just the first.
import type * as z from "zod";
import { isPair, isScalar, isSeq, visit } from "yaml";
import { compareDiagnostics, formatPath, isError, type Diagnostic } from "./diagnostics.js";
import { parseYamlSource, positionAt, type YamlSource } from "./yaml-source.js";
import { zodDiagnostics } from "./zod-diagnostics.js";
import { readWorkspaceFiles, SPEC_DIRS, WORKSPACE_FILE } from "./discover.js";
import { DashboardFile, SloFile, ThresholdFile, WorkspaceFile } from "./schema.js";
import { buildModel } from "./validate.js";
import type { PartialModel, WorkspaceModel } from "./model.js";
import { specLocator, type SpecLocator } from "./spec-locator.js";

export { discoverSpecFiles, readWorkspaceFiles, SPEC_DIRS, WORKSPACE_FILE, WorkspaceIOError } from "./discover.js";

export interface ParsedFile<T> {
  source: YamlSource;
  spec: T;
}

export interface ParsedWorkspace {
  workspace: ParsedFile<z.output<typeof WorkspaceFile>> | undefined;
  slos: ParsedFile<z.output<typeof SloFile>>[];
  thresholds: ParsedFile<z.output<typeof ThresholdFile>>[];
  dashboards: ParsedFile<z.output<typeof DashboardFile>>[];
  /** Team names from monac.yaml even when the rest of it is invalid, so team references are still checked. */
  teamNames: Set<string> | undefined;
}

export interface LoadResult {
  /** Undefined when any diagnostic is an error; warnings leave it be. */
  model: WorkspaceModel | undefined;
  /** Errors and warnings (`severity: "warning"`, see isError/isWarning), sorted by file and position. */
  diagnostics: Diagnostic[];
  /**
   * What validation built even with findings. Validation does not compile
   * rules, so the findings that need them (custom dashboards reading series
   * nothing records, titles sharing a uid) are the compile stage's: run
   * checkWorkspace (src/compile/check.ts) on this result before using the model.
   */
  partial: PartialModel;
  /** Positions of findings about the loaded files' fields. */
  locator: SpecLocator;
}

export async function loadWorkspace(dir: string): Promise<LoadResult> {
  return loadSpecFiles(await readWorkspaceFiles(dir));
}

/** loadWorkspace's result from the files readWorkspaceFiles read. */
export function loadWorkspaceFiles(files: readonly { rel: string; bytes: Uint8Array }[]): LoadResult {
  return loadSpecFiles(files);
}

/** A spec file's content: text in memory, or bytes as read from disk (which must be UTF-8). */
type SpecFileContent = { rel: string; text: string } | { rel: string; bytes: Uint8Array };

/** The same as loadWorkspace, from in-memory files (tests, benchmarks, editors). */
export function loadWorkspaceFromTexts(files: readonly { rel: string; text: string }[]): LoadResult {
  return loadSpecFiles(files);
}

function loadSpecFiles(files: readonly SpecFileContent[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const parsed: ParsedWorkspace = { workspace: undefined, slos: [], thresholds: [], dashboards: [], teamNames: undefined };
  const sorted = [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const sources: YamlSource[] = [];
  let sawWorkspace = false;
  for (const file of sorted) {
    const { rel } = file;
    const kind = specKind(rel);
    if (!kind) continue;
    const { source, diagnostics: yamlErrors } = parseYamlSource(rel, "text" in file ? file.text : file.bytes);
    sources.push(source);
    diagnostics.push(...yamlErrors);
    if (kind === "workspace") sawWorkspace = true;
    if (yamlErrors.length > 0) continue;
    const secrets = literalSecretDiagnostics(source);
    if (kind === "workspace") {
      const teams = (source.data as { teams?: unknown } | null)?.teams;
      if (teams && typeof teams === "object" && !Array.isArray(teams)) parsed.teamNames = new Set(Object.keys(teams));
      const spec = validateShape(source, WorkspaceFile, diagnostics);
      if (spec) parsed.workspace = { source, spec };
    } else if (kind === "slos") {
      const spec = validateShape(source, SloFile, diagnostics);
      if (spec) parsed.slos.push({ source, spec });
    } else if (kind === "dashboards") {
      const spec = validateShape(source, DashboardFile, diagnostics);
      if (spec) parsed.dashboards.push({ source, spec });
    } else {
      const spec = validateShape(source, ThresholdFile, diagnostics);
      if (spec) parsed.thresholds.push({ source, spec });
    }
    // A leaked secret is the finding that matters at its place: it replaces
    // shape complaints about the same value, unless the field name itself was
    // already reported as a literal secret.
    for (const secret of secrets) {
      const here = diagnostics.filter((d) => d.file === rel && d.path === secret.path);
      if (here.some((d) => d.message.startsWith("literal secret"))) continue;
      for (const d of here) diagnostics.splice(diagnostics.indexOf(d), 1);
      diagnostics.push(secret);
    }
  }
  if (!sawWorkspace) {
    diagnostics.push({
      file: WORKSPACE_FILE,
      position: { line: 1, column: 1 },
      path: "",
      message: "missing workspace file: monac.yaml declares the receivers and teams that alerts are routed to",
    });
  }
  const shapeErrors = diagnostics.length > 0;
  const { model, diagnostics: semantic, partial } = buildModel(parsed);
  diagnostics.push(...semantic);
  diagnostics.sort(compareDiagnostics);
  return { model: shapeErrors || diagnostics.some(isError) ? undefined : model, diagnostics, partial, locator: specLocator(sources) };
}

function specKind(rel: string): "workspace" | "slos" | "thresholds" | "dashboards" | undefined {
  if (rel === WORKSPACE_FILE) return "workspace";
  if (!/\.ya?ml$/.test(rel)) return undefined;
  if (rel.startsWith(`${SPEC_DIRS.slos}/`)) return "slos";
  if (rel.startsWith(`${SPEC_DIRS.alerts}/`)) return "thresholds";
  if (rel.startsWith(`${SPEC_DIRS.dashboards}/`)) return "dashboards";
  return undefined;
}

function validateShape<S extends z.ZodType>(source: YamlSource, schema: S, out: Diagnostic[]): z.output<S> | undefined {
  const result = schema.safeParse(source.data, { reportInput: true });
  if (result.success) return result.data;
  out.push(...zodDiagnostics(source, schema, result.error.issues));
  return undefined;
}

// Values that are credentials whatever field they sit in. Field names alone
// are checked by the schema (apiUrl, routingKey, password ...); these catch a
// webhook pasted into a *File field or a description.
const SECRET_VALUES: { pattern: RegExp; what: string }[] = [
  { pattern: /https:\/\/hooks\.slack\.com\/\S+/, what: "a Slack webhook URL" },
  { pattern: /\bxox[abpr]-[A-Za-z0-9-]{10,}/, what: "a Slack token" },
  // Per-integration URLs carry the key; the Events v2 endpoint (/v2/enqueue, an override in monac.yaml) does not.
  { pattern: /https:\/\/events\.(?:eu\.)?pagerduty\.com\/(?:integration|x-ere)\/\S+/, what: "a PagerDuty integration URL (it holds the key)" },
  { pattern: /https:\/\/[^\s/]+\.webhook\.office\.com\/\S+/, what: "a Teams webhook URL" },
];

export function literalSecretDiagnostics(source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Walking the document is the slow part; most files have nothing to find.
  if (!SECRET_VALUES.some((s) => s.pattern.test(source.text))) return out;
  visit(source.doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== "string") return;
      const hit = SECRET_VALUES.find((s) => s.pattern.test(node.value as string));
      if (!hit) return;
      out.push({
        file: source.file,
        position: positionAt(source, node.range?.[0] ?? 0),
        path: formatPath(pathOf(ancestors, node)),
        message: `literal secret: this looks like ${hit.what}; store it in a file readable by Alertmanager and reference the file (apiUrlFile, routingKeyFile, authPasswordFile)`,
      });
    },
  });
  return out;
}

function pathOf(ancestors: readonly unknown[], leaf: unknown): PropertyKey[] {
  const path: PropertyKey[] = [];
  const chain = [...ancestors, leaf];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
    else if (isPair(child) && isScalar(child.key)) path.push(String(child.key.value));
  }
  return path;
}
