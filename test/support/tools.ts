/**
 * Access to the real Prometheus tools (promtool, prometheus, amtool,
 * alertmanager) and VictoriaMetrics (vmalert, victoria-metrics) for tests.
 *
 * The binaries are installed project-locally by `bash scripts/install-tools.sh`
 * into `<repo>/.tools/bin/`. `$MONAC_TOOLS_DIR` may point at another folder
 * holding them (directly or in its `bin/`).
 *
 * Tests that need a tool wrap themselves in `describeWithTool`: when the tool
 * is absent the block is skipped with a loud warning, except under `CI=true`,
 * where a missing tool is an error (CI always installs them).
 */
import { spawn } from "node:child_process";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";

export type ToolName = "promtool" | "prometheus" | "amtool" | "alertmanager" | "vmalert" | "victoria-metrics";

export const TOOL_NAMES: readonly ToolName[] = ["promtool", "prometheus", "amtool", "alertmanager", "vmalert", "victoria-metrics"];

/** Repository root: this file lives at `<repo>/test/support/tools.ts`. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where `scripts/install-tools.sh` puts the binaries. */
export const REPO_TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");

export const INSTALL_HINT = "bash scripts/install-tools.sh";

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function candidateDirs(): string[] {
  const dirs = [REPO_TOOLS_BIN];
  const envDir = process.env.MONAC_TOOLS_DIR;
  if (envDir !== undefined && envDir !== "") {
    const resolved = path.resolve(envDir);
    dirs.push(resolved, path.join(resolved, "bin"));
  }
  return dirs;
}

/**
 * Absolute path of the tool's executable, looking in `<repo>/.tools/bin/`
 * first and then in `$MONAC_TOOLS_DIR`; undefined if it is in neither.
 */
export function toolPath(name: ToolName): string | undefined {
  for (const dir of candidateDirs()) {
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

/** True when running in CI (`CI=true`), where missing tools are an error. */
export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && /^(true|1)$/i.test(ci.trim());
}

function missingMessage(names: readonly ToolName[]): string {
  const list = names.join(", ");
  return (
    `Tool(s) not found: ${list}. ` +
    `Looked in ${candidateDirs().join(", ")}. Run \`${INSTALL_HINT}\` to install them.`
  );
}

export interface RunToolOptions {
  /** Working directory for the tool (default: the current one). */
  cwd?: string;
  /** Written to the tool's stdin, which is then closed. Without it stdin is empty. */
  input?: string;
  /** Kill the tool (SIGKILL) and reject after this long. Default 30 s. */
  timeoutMs?: number;
}

export interface RunToolResult {
  /** Exit code; for a tool killed by a signal, 128 + the signal number. */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool directly (no shell) and collects its output. Resolves with the
 * exit code whatever it is; rejects if the tool is missing, cannot be started,
 * or runs past the timeout.
 */
export function runTool(name: ToolName, args: string[], opts: RunToolOptions = {}): Promise<RunToolResult> {
  const file = toolPath(name);
  if (file === undefined) return Promise.reject(new Error(missingMessage([name])));
  const timeoutMs = opts.timeoutMs ?? 30_000;

  return new Promise<RunToolResult>((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let settled = false;

    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);

    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };

    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (err) => finish(() => reject(new Error(`${name}: failed to start ${file}: ${err.message}`))));
    child.on("close", (code, signal) => {
      const out = Buffer.concat(stdout).toString("utf8");
      const err = Buffer.concat(stderr).toString("utf8");
      finish(() => {
        if (timedOut) {
          reject(
            new Error(
              `${name} ${args.join(" ")}: timed out after ${timeoutMs} ms\n--- stdout ---\n${out}\n--- stderr ---\n${err}`,
            ),
          );
          return;
        }
        const exit = code ?? (signal !== null ? 128 + (osConstants.signals[signal] ?? 0) : 1);
        resolve({ code: exit, stdout: out, stderr: err });
      });
    });

    // The tool may exit without reading stdin (EPIPE): that is not an error here.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

const warned = new Set<string>();

function warnMissing(names: readonly ToolName[], title: string): void {
  const key = names.join(",");
  const line = "!".repeat(78);
  const lines = [
    line,
    `!! SKIPPING "${title}": missing tool binary: ${names.join(", ")}`,
    `!! Install the real tools with:  ${INSTALL_HINT}`,
    `!! (looked in ${candidateDirs().join(", ")})`,
    line,
  ];
  // Full banner once per tool set, a one-liner for further blocks.
  console.warn(warned.has(key) ? lines[1] : lines.join("\n"));
  warned.add(key);
}

/**
 * A vitest `describe` that needs real tool binaries. When a tool is missing,
 * the block is skipped with a loud console warning, or, under `CI=true`, this
 * throws so the test file fails.
 */
export function describeWithTool(
  tools: ToolName | readonly ToolName[],
  title: string,
  fn: () => void | Promise<void>,
): void {
  const names: readonly ToolName[] = typeof tools === "string" ? [tools] : tools;
  const missing = names.filter((n) => toolPath(n) === undefined);
  if (missing.length === 0) {
    describe(title, fn);
    return;
  }
  if (isCI()) {
    throw new Error(`CI=true but ${missingMessage(missing)} CI must install them before the tests.`);
  }
  warnMissing(missing, title);
  describe.skip(`${title} [SKIPPED: ${missing.join(", ")} not installed; run ${INSTALL_HINT}]`, fn);
}

/**
 * Folder with Alertmanager's default notification templates (default.tmpl,
 * email.tmpl) as installed by the script, e.g. for `amtool template render
 * --template.glob`; Debian's amtool does not embed them. Undefined if absent.
 */
export function alertmanagerTemplateDir(): string | undefined {
  const bin = toolPath("alertmanager") ?? toolPath("amtool");
  if (bin === undefined) return undefined;
  const dir = path.join(path.dirname(bin), "..", "share", "alertmanager");
  try {
    return statSync(path.join(dir, "default.tmpl")).isFile() ? path.resolve(dir) : undefined;
  } catch {
    return undefined;
  }
}
