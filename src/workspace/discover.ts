// Finding a workspace's spec files and reading them: everything loadWorkspace
// reads from disk, apart from parsing, so the build can hash the bytes (to
// know whether anything changed since the last build) without loading the
// YAML and schema code.
import { constants, type Stats } from "node:fs";
import { open, readdir, readlink, stat } from "node:fs/promises";
import path from "node:path";
import { ioReason } from "../yaml/io-reason.js";

export const WORKSPACE_FILE = "monac.yaml";
export const SPEC_DIRS = { slos: "slos", alerts: "alerts", dashboards: "dashboards" } as const;

/** Thrown for problems that are not findings in a spec: unreadable directories and files. */
export class WorkspaceIOError extends Error {}

/**
 * Every spec file of the workspace in `dir`, as read from disk, sorted by
 * path: what loadWorkspace loads (and all it reads). loadWorkspaceFiles
 * loads them; the build hashes them first to know whether anything changed.
 */
export async function readWorkspaceFiles(dir: string): Promise<{ rel: string; bytes: Uint8Array }[]> {
  const files = await discoverSpecFiles(dir);
  // Every file is read before any is reported, so the refusal is the same
  // (the first file in order) however the reads interleave.
  const reads = await Promise.allSettled(files.map(async (rel) => ({ rel, bytes: await readSpecFile(dir, rel) })));
  const failed = reads.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return reads.map((r) => (r as PromiseFulfilledResult<{ rel: string; bytes: Uint8Array }>).value);
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

