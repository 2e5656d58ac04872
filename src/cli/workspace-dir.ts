// Whether a directory is a monac workspace at all, asked before loading it: a
// missing monac.yaml is a finding for the library (an editor or program may
// hold specs without one), but on the command line it almost always means the
// wrong directory, which is a usage error (exit 2), not a spec error.
import { lstat, stat } from "node:fs/promises";
import path from "node:path";
import { readWorkspaceFiles, WORKSPACE_FILE, WorkspaceIOError } from "../workspace/discover.js";
import type { LoadResult } from "../workspace/workspace.js";
import { EXIT, type CliIO } from "./io.js";

/** Why `dir` is not a workspace, as a one-line message, or undefined if it has a monac.yaml. */
export async function notAWorkspace(dir: string): Promise<string | undefined> {
  const abs = path.resolve(dir);
  try {
    if (!(await stat(abs)).isDirectory()) return `${abs} is not a directory`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return `${abs}: no such directory`;
    return `cannot read ${abs}: ${(e as Error).message}`;
  }
  try {
    // lstat: a monac.yaml that is a dangling link or a directory is the
    // loader's to refuse, with what it is.
    await lstat(path.join(abs, WORKSPACE_FILE));
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return `cannot read ${path.join(abs, WORKSPACE_FILE)}: ${(e as Error).message}`;
  }
  const init = dir === "." ? "monac init" : `monac init ${dir}`;
  return `${abs} has no ${WORKSPACE_FILE}: not a monac workspace (run "${init}" to start one)`;
}

/**
 * The workspace in `dir`, loaded and checked (diagnostics not printed), or
 * the exit status after saying why there is none: not a workspace, or an
 * I/O error (both usage errors, 2).
 */
export async function openWorkspace(dir: string, io: CliIO): Promise<LoadResult | number> {
  const files = await readWorkspace(dir, io);
  if (typeof files === "number") return files;
  return loadAndCheck(files);
}

/** The spec files readWorkspace read, loaded and checked (the YAML, schema and compiler code loaded now). */
export async function loadAndCheck(files: readonly { rel: string; bytes: Uint8Array }[]): Promise<LoadResult> {
  const [{ checkWorkspace }, { loadWorkspaceFiles }] = await Promise.all([import("../compile/check.js"), import("../workspace/workspace.js")]);
  return checkWorkspace(loadWorkspaceFiles(files));
}

/**
 * The spec files of the workspace in `dir` as read (readWorkspaceFiles), or
 * the exit status after saying why there are none, as openWorkspace does:
 * for a caller that looks at the bytes before loading them (the build cache).
 */
export async function readWorkspace(dir: string, io: CliIO): Promise<{ rel: string; bytes: Uint8Array }[] | number> {
  const notWorkspace = await notAWorkspace(dir);
  if (notWorkspace !== undefined) {
    io.err(`monac: ${notWorkspace}`);
    return EXIT.usage;
  }
  try {
    return await readWorkspaceFiles(dir);
  } catch (e) {
    if (e instanceof WorkspaceIOError) {
      io.err(`monac: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
}
