// `monac diff`: what a change does to alerts, routing and SLOs, for a pull
// request. Compares two built out/ directories, or builds the workspace as it
// was at a git ref and as it is now (both into temporary directories, so the
// report never depends on a stale out/) and compares those.
import { COMMAND_USAGE } from "./usage.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { diffBuilds, DiffInputError, loadBuild, renderMarkdown, type ParsedRuleFiles } from "../diff/index.js";
import { DurationError, parsePrometheusDuration } from "../go/duration.js";
import { buildCommand } from "./build.js";
import { EXIT, type CliIO } from "./io.js";
import { notAWorkspace } from "./workspace-dir.js";

export const DIFF_USAGE = COMMAND_USAGE.diff;

export async function diffCommand(args: string[], io: CliIO): Promise<number> {
  const usage = (msg: string) => {
    io.err(`monac diff: ${msg}\n\n${DIFF_USAGE}`);
    return EXIT.usage;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        "base-ref": { type: "string" },
        dir: { type: "string" },
        format: { type: "string", default: "markdown" },
        output: { type: "string" },
        "scrape-interval": { type: "string", default: "1m" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) return usage(e.message);
    throw e;
  }
  const { values, positionals } = parsed;
  const format = values.format!;
  if (format !== "markdown" && format !== "json") return usage(`--format must be markdown or json, got ${JSON.stringify(format)}`);
  let scrapeIntervalMs: number;
  try {
    scrapeIntervalMs = parsePrometheusDuration(values["scrape-interval"]!);
  } catch (e) {
    if (!(e instanceof DurationError)) throw e;
    return usage(`--scrape-interval: ${e.message}`);
  }
  if (scrapeIntervalMs <= 0) return usage("--scrape-interval must be positive");

  const baseRef = values["base-ref"];
  const temps: string[] = [];
  try {
    let baseOut: string;
    let headOut: string;
    if (baseRef !== undefined) {
      if (positionals.length > 0) return usage("--base-ref compares DIR's own builds: give no BASE_OUT or HEAD_OUT");
      if (baseRef === "" || baseRef.startsWith("-")) return usage(`--base-ref: not a git ref: ${JSON.stringify(baseRef)}`);
      const dir = values.dir ?? ".";
      const notWorkspace = await notAWorkspace(dir);
      if (notWorkspace !== undefined) {
        io.err(`monac: ${notWorkspace}`);
        return EXIT.usage;
      }
      const tmp = mkdtempSync(path.join(os.tmpdir(), "monac-diff-"));
      temps.push(tmp);
      const baseDir = path.join(tmp, "base");
      const checkout = checkoutRef(dir, baseRef, baseDir, tmp);
      if (checkout !== undefined) {
        io.err(`monac diff: ${checkout}`);
        return EXIT.usage;
      }
      baseOut = path.join(tmp, "base-out");
      headOut = path.join(tmp, "head-out");
      for (const [label, wsDir, out] of [
        [`the workspace at ${baseRef}`, baseDir, baseOut],
        [`the workspace in ${dir}`, dir, headOut],
      ] as const) {
        const code = await quietBuild(wsDir, out, label, io);
        if (code !== EXIT.ok) return code;
      }
    } else {
      if (values.dir !== undefined) return usage("--dir goes with --base-ref; to compare two out/ directories give BASE_OUT [HEAD_OUT]");
      if (positionals.length === 0) return usage("expected BASE_OUT [HEAD_OUT], or --base-ref GIT_REF");
      if (positionals.length > 2) return usage(`expected at most two directories, got ${positionals.length}`);
      baseOut = positionals[0]!;
      headOut = positionals[1] ?? "out";
    }

    let diff;
    try {
      // One parse of each rule file the two builds share.
      const parsed: ParsedRuleFiles = new Map();
      diff = diffBuilds(loadBuild(baseOut, parsed), loadBuild(headOut, parsed), { scrapeIntervalMs });
    } catch (e) {
      if (e instanceof DiffInputError) {
        io.err(`monac diff: ${e.message}`);
        return EXIT.usage;
      }
      throw e;
    }
    const report = format === "json" ? `${JSON.stringify(diff, null, 2)}\n` : renderMarkdown(diff);
    if (values.output !== undefined) {
      try {
        writeFileSync(values.output, report);
      } catch (e) {
        io.err(`monac diff: cannot write ${values.output}: ${(e as Error).message}`);
        return EXIT.usage;
      }
    } else io.out(report.replace(/\n$/, ""));
    return EXIT.ok;
  } finally {
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  }
}

/**
 * Extracts DIR's folder of the repository as it was at REF into `into`
 * (`git archive`, so the repository, its index and worktrees are untouched),
 * all but its out/: the build reads the specs, and a committed out/ is most
 * of the bytes (33 MB of 34 for 1,000 SLOs, a second of the diff's five).
 * Returns why it could not, or undefined.
 */
function checkoutRef(dir: string, ref: string, into: string, tmp: string): string | undefined {
  const git = (cwd: string, ...args: string[]) => spawnSync("git", ["-C", cwd, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  // The repository's top level, then DIR's path below it.
  const where = git(dir, "rev-parse", "--show-toplevel", "--show-prefix");
  if (where.error) return `cannot run git: ${where.error.message}`;
  if (where.status !== 0) return `${path.resolve(dir)} is not in a git repository: ${where.stderr.trim()}`;
  const [top = "", prefix = ""] = where.stdout.split("\n");
  const commit = git(dir, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  if (commit.status !== 0) return `unknown git ref ${JSON.stringify(ref)} in ${path.resolve(dir)}`;
  const sub = prefix.trim().replace(/\/$/, "");
  const tar = path.join(tmp, "base.tar");
  // Pathspecs are read relative to the tree archived only from the top level.
  const archive = git(top, "archive", "--format=tar", "-o", tar, `${commit.stdout.trim()}:${sub}`, "--", ".", ":(exclude)out");
  if (archive.status !== 0) return `git archive ${ref}: ${archive.stderr.trim() || `exit ${archive.status}`}${sub ? ` (is ${sub} in ${ref}?)` : ""}`;
  mkdirSync(into, { recursive: true });
  const untar = spawnSync("tar", ["-x", "-f", tar, "-C", into], { encoding: "utf8" });
  if (untar.error || untar.status !== 0) return `cannot extract ${ref}: ${untar.error?.message ?? untar.stderr.trim()}`;
  return undefined;
}

/** Builds rules and the Alertmanager config only (no tests, no dashboards); the build's messages only when it fails. */
async function quietBuild(dir: string, out: string, what: string, io: CliIO): Promise<number> {
  const messages: string[] = [];
  const capture: CliIO = { out: () => {}, err: (t) => messages.push(t) };
  const code = await buildCommand({ dir, out, check: false, write: true, noTests: true, noDashboards: true }, capture);
  if (code !== EXIT.ok) {
    for (const m of messages) io.err(m);
    io.err(`monac diff: cannot build ${what}`);
  }
  return code;
}
