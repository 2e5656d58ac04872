// Whether a directory is a monac workspace at all, asked before loading it: a
// missing monac.yaml is a finding for the library (an editor or program may
// hold specs without one), but on the command line it almost always means the
// wrong directory, which is a usage error (exit 2), not a spec error.
import { lstat, stat } from "node:fs/promises";
import path from "node:path";
import { checkWorkspace } from "../compile/check.js";
import { loadWorkspace, WORKSPACE_FILE, WorkspaceIOError } from "../workspace/workspace.js";
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
export async function openWorkspace(dir: string, io: CliIO): Promise<ReturnType<typeof checkWorkspace> | number> {
  const notWorkspace = await notAWorkspace(dir);
  if (notWorkspace !== undefined) {
    io.err(`monac: ${notWorkspace}`);
    return EXIT.usage;
  }
  try {
    return checkWorkspace(await loadWorkspace(dir));
  } catch (e) {
    if (e instanceof WorkspaceIOError) {
      io.err(`monac: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
}
