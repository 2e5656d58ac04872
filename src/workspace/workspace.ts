// Loads a workspace (monac.yaml, slos/, alerts/), validates every file and
// builds the model. All findings of a run are collected, never just the first.
import { constants, type Stats } from "node:fs";
import { open, readdir, readlink, stat } from "node:fs/promises";
import path from "node:path";
import type * as z from "zod";
import { isPair, isScalar, isSeq, visit } from "yaml";
import { compareDiagnostics, formatPath, isError, type Diagnostic } from "./diagnostics.js";
import { parseYamlSource, positionAt, type YamlSource } from "./yaml-source.js";
import { zodDiagnostics } from "./zod-diagnostics.js";
import { ioReason } from "../yaml/safe.js";
import { DashboardFile, SloFile, ThresholdFile, WorkspaceFile } from "./schema.js";
import { buildModel } from "./validate.js";
import type { PartialModel, WorkspaceModel } from "./model.js";
import { specLocator, type SpecLocator } from "./spec-locator.js";

export const WORKSPACE_FILE = "monac.yaml";
export const SPEC_DIRS = { slos: "slos", alerts: "alerts", dashboards: "dashboards" } as const;

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

/** Thrown for problems that are not findings in a spec: unreadable directories and files. */
export class WorkspaceIOError extends Error {}

export async function loadWorkspace(dir: string): Promise<LoadResult> {
  const files = await discoverSpecFiles(dir);
  // Every file is read before any is reported, so the refusal is the same
  // (the first file in order) however the reads interleave.
  const reads = await Promise.allSettled(files.map(async (rel) => ({ rel, bytes: await readSpecFile(dir, rel) })));
  const failed = reads.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return loadSpecFiles(reads.map((r) => (r as PromiseFulfilledResult<SpecFileContent>).value));
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

// ------------------------------------------------------------- discovery
//
// Only regular files are specs. Anything else with a spec's name (a dangling
// or looping symbolic link, a directory, a FIFO that would block a read
// forever) is refused with what it is, never skipped: a skipped spec is an
// SLO that silently stops being monitored. Symbolic links to files and to
// directories are followed, anywhere they lead, but never around a cycle.

/** Workspace-relative paths (forward slashes) of every spec file, sorted. */
export async function discoverSpecFiles(dir: string): Promise<string[]> {
  const root = await classify(dir);
  if (root.kind !== "directory") {
    throw new WorkspaceIOError(`cannot read workspace directory ${dir}: ${root.kind === "missing" ? "no such directory" : describe(root)}`);
  }
  const found: string[] = [];
  const top = await classify(path.join(dir, WORKSPACE_FILE));
  // A missing monac.yaml is a finding, reported by the loader with the others.
  if (top.kind === "file") found.push(WORKSPACE_FILE);
  else if (top.kind !== "missing") throw refusal(WORKSPACE_FILE, top, "file");
  for (const sub of Object.values(SPEC_DIRS)) {
    const entry = await classify(path.join(dir, sub));
    if (entry.kind === "missing") continue;
    if (entry.kind !== "directory") throw refusal(sub, entry, "directory");
    found.push(...(await walk(dir, sub, [entry.id])));
  }
  return found.sort();
}

/** What a path is, following symbolic links; `id` tells directories apart across links. */
type Entry =
  | { kind: "file" | "missing" | "loop" }
  | { kind: "directory"; id: string }
  | { kind: "dangling"; target: string }
  | { kind: "special"; what: string }
  | { kind: "unreadable"; reason: string };

async function classify(full: string): Promise<Entry> {
  let stats;
  try {
    stats = await stat(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return { kind: "loop" };
    if (code !== "ENOENT" && code !== "ENOTDIR") return { kind: "unreadable", reason: ioReason(e) };
    // Missing, or a symbolic link to nothing.
    try {
      return { kind: "dangling", target: await readlink(full) };
    } catch {
      return { kind: "missing" };
    }
  }
  if (stats.isFile()) return { kind: "file" };
  if (stats.isDirectory()) return { kind: "directory", id: `${stats.dev}:${stats.ino}` };
  return { kind: "special", what: specialKind(stats) };
}

function specialKind(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a file or directory";
}

function describe(entry: Entry): string {
  switch (entry.kind) {
    case "dangling":
      return `dangling symbolic link (to ${entry.target})`;
    case "loop":
      return "symbolic link loop";
    case "special":
      return `is ${entry.what}, not a regular file`;
    case "unreadable":
      return `cannot read: ${entry.reason}`;
    case "file":
      return "is a file, expected a directory of spec files";
    case "directory":
      return "is a directory, expected a file";
    case "missing":
      return "does not exist";
  }
}

function refusal(rel: string, entry: Entry, expected: "file" | "directory"): WorkspaceIOError {
  const special = entry.kind === "special" && expected === "directory" ? `is ${entry.what}, expected a directory of spec files` : undefined;
  return new WorkspaceIOError(`${rel}: ${special ?? describe(entry)}`);
}

/**
 * Spec files under a spec directory. `ancestors` are the directories on the
 * way down: a symbolic link back to one of them would walk forever.
 */
async function walk(root: string, rel: string, ancestors: readonly string[]): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch (e) {
    throw new WorkspaceIOError(`${rel}/: cannot read directory: ${ioReason(e)}`);
  }
  const out: string[] = [];
  for (const dirent of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = `${rel}/${dirent.name}`;
    const spec = /\.ya?ml$/.test(dirent.name);
    if (dirent.isFile()) {
      if (spec) out.push(child);
      continue;
    }
    // Directories need their identity; links and the rest need a closer look.
    const entry = await classify(path.join(root, child));
    if (entry.kind === "directory") {
      if (ancestors.includes(entry.id)) throw new WorkspaceIOError(`${child}: symbolic link to a directory that contains it (a directory cycle)`);
      out.push(...(await walk(root, child, [...ancestors, entry.id])));
    } else if (entry.kind === "file") {
      if (spec) out.push(child);
    } else if (spec) {
      // A link to nothing without a spec's name may have been anything; with one, it was a spec.
      throw refusal(child, entry, "file");
    }
  }
  return out;
}

/**
 * A spec file's bytes. Opened without blocking and checked on the open
 * handle, so a file replaced by a FIFO after discovery is refused too, not
 * waited on forever.
 */
async function readSpecFile(root: string, rel: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path.join(root, rel), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new WorkspaceIOError(`${rel}: cannot read: ${ioReason(e)}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new WorkspaceIOError(`${rel}: ${stats.isDirectory() ? "is a directory, expected a file" : `is ${specialKind(stats)}, not a regular file`}`);
    }
    return await handle.readFile();
  } catch (e) {
    if (e instanceof WorkspaceIOError) throw e;
    throw new WorkspaceIOError(`${rel}: cannot read: ${ioReason(e)}`);
  } finally {
    await handle.close();
  }
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
