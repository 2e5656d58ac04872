/**
 * `monac test [--dir DIR] [--run REGEX]... [--junit FILE] [--verbose] [--exact]
 *   [--coverage] [--min PCT] [--coverage-file FILE] [--jobs N] [--cache] [FILE|DIR...]`:
 * runs promtool rule unit-test files and monac's Alertmanager routing test
 * files (a top-level `config:` and `cases:`; see src/routetest/). Without
 * paths it runs the workspace's out/prometheus/tests/, out/alertmanager/tests/
 * and test/rules/ (each if present; the workspace is
 * --dir, default the current directory). Directories are
 * searched recursively for *.yml / *.yaml test files; files there with a
 * top-level `groups:` and no `tests:` are rule files and are skipped.
 * Rule-test files run --jobs at a time (by default one per core, with at
 * least 16 files each; see ruletest/pool.ts), reported in order.
 * --coverage appends the rule coverage (see ruletest/coverage.ts) of the rule
 * test files run; --min PCT and --coverage-file FILE imply it. --cache
 * reports the passes of earlier runs of unchanged files (see test-cache.ts).
 * Exit status: 0 all test groups passed, 1 some failed (or the coverage is
 * below --min), 2 a test file could not be read or is invalid, or bad usage.
 */
import { existsSync, readFileSync } from "node:fs";
import { readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  belowMinimum,
  coverageJSON,
  exitCode,
  formatBelowMinimum,
  formatCoverage,
  formatFileResult,
  formatSummary,
  junitXML,
  mergeCoverage,
  parseMinPercent,
  summarize,
  type FileResult,
} from "../ruletest/index.js";
import { defaultJobs, startTestFiles } from "../ruletest/pool.js";
// The routing-test runner is imported when a routing test file is met: a
// run of rule tests alone does not load it.
import type { RoutingFileResult } from "../routetest/index.js";
import type { CliIO } from "./io.js";
import { COMMAND_USAGE } from "./usage.js";

const USAGE = COMMAND_USAGE.test;

const DEFAULT_DIRS = ["out/prometheus/tests", "out/alertmanager/tests", "test/rules"];

export async function testCommand(argv: string[], io: CliIO): Promise<number> {
  let values: {
    dir?: string;
    run?: string[];
    junit?: string;
    verbose?: boolean;
    exact?: boolean;
    coverage?: boolean;
    min?: string;
    "coverage-file"?: string;
    jobs?: string;
    cache?: boolean;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        dir: { type: "string" },
        run: { type: "string", multiple: true },
        junit: { type: "string" },
        verbose: { type: "boolean", short: "v" },
        exact: { type: "boolean" },
        coverage: { type: "boolean" },
        min: { type: "string" },
        "coverage-file": { type: "string" },
        jobs: { type: "string", short: "j" },
        cache: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    io.err(`monac test: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  let run: RegExp | undefined;
  if (values.run !== undefined && values.run.length > 0) {
    try {
      run = new RegExp(values.run.join("|"), "u");
    } catch (e) {
      io.err(`monac test: invalid --run pattern: ${(e as Error).message}`);
      return 2;
    }
  }

  let min: number | undefined;
  if (values.min !== undefined) {
    min = parseMinPercent(values.min);
    if (min === undefined) {
      io.err(`monac test: invalid --min ${JSON.stringify(values.min)}: expected a percentage from 0 to 100\n\n${USAGE}`);
      return 2;
    }
  }
  const coverageFile = values["coverage-file"];
  if (coverageFile === "") {
    io.err(`monac test: --coverage-file needs a file name\n\n${USAGE}`);
    return 2;
  }
  const coverage = values.coverage === true || min !== undefined || coverageFile !== undefined;
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(values.jobs)) {
      io.err(`monac test: invalid --jobs ${JSON.stringify(values.jobs)}: expected a whole number of files to run at once, from 1\n\n${USAGE}`);
      return 2;
    }
    jobs = Number(values.jobs);
  }

  // Explicit paths are the user's, relative to where they stand; --dir only
  // says where the default ones are.
  const defaults = DEFAULT_DIRS.map((d) => (values.dir === undefined ? d : path.join(values.dir, d)));
  const roots = positionals.length > 0 ? positionals : defaults.filter((d) => existsSync(d));
  if (roots.length === 0) {
    const hint = existsSync(path.join(values.dir ?? ".", "monac.yaml")) ? `; run \`monac build${values.dir === undefined ? "" : ` --dir ${values.dir}`}\` to generate the tests` : "";
    io.err(`monac test: no test files given and none of ${defaults.join(", ")} exists${hint}\n\n${USAGE}`);
    return 2;
  }
  const files: string[] = [];
  const routing: boolean[] = [];
  for (const root of roots) {
    for (const found of await expand(root)) {
      files.push(found.file);
      routing.push(found.routing);
    }
  }

  const ruleFiles = files.filter((_, i) => !routing[i]);
  const cache = values.cache ? (await import("./test-cache.js")).openTestCache() : undefined;
  const running = startTestFiles(ruleFiles, { run, mode: values.exact ? "exact" : "auto", coverage, known: cache?.known }, jobs ?? defaultJobs(ruleFiles.length));
  const results: FileResult[] = [];
  try {
    let k = 0;
    for (const [i, file] of files.entries()) {
      const r = routing[i] ? routingAsFileResult(await (await import("../routetest/runner.js")).runRoutingTestFile(file, { run })) : await running.results[k++]!();
      results.push(r);
      io.out(formatFileResult(r, { verbose: values.verbose ?? false }));
    }
  } finally {
    running.close();
  }
  const cached = results.filter((r) => r.cached).length;
  io.out(`${formatSummary(summarize(results))}${cached > 0 ? ` (${cached} of ${ruleFiles.length} rule test files cached)` : ""}`);
  cache?.save(results);
  let code = exitCode(results);
  if (coverage) {
    const report = mergeCoverage(results);
    io.out(formatCoverage(report));
    if (min !== undefined && belowMinimum(report, min)) {
      io.out(formatBelowMinimum(report, min));
      code = Math.max(code, 1);
    }
    if (coverageFile !== undefined) {
      try {
        await writeFile(coverageFile, coverageJSON(report));
      } catch (e) {
        io.err(`monac test: cannot write ${coverageFile}: ${(e as Error).message}`);
        return 2;
      }
    }
  }
  if (values.junit !== undefined) {
    try {
      await writeFile(values.junit, junitXML(results));
    } catch (e) {
      io.err(`monac test: cannot write ${values.junit}: ${(e as Error).message}`);
      return 2;
    }
  }
  return code;
}

/**
 * A file as given (even if missing: the runner reports it), or the test files
 * under a directory; each read once to say whether it is a routing test file.
 */
async function expand(root: string): Promise<Array<{ file: string; routing: boolean }>> {
  let isDir = false;
  try {
    isDir = (await stat(root)).isDirectory();
  } catch {
    return [{ file: root, routing: isRoutingTestFile(root, "") }];
  }
  if (!isDir) return [{ file: root, routing: isRoutingTestFile(root, readText(root)) }];
  const out: Array<{ file: string; routing: boolean }> = [];
  const entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) out.push(...(await expand(p)));
    else if (/\.ya?ml$/.test(e.name)) {
      const text = readText(p);
      if (!isRuleFile(text)) out.push({ file: p, routing: isRoutingTestFile(p, text) });
    }
  }
  return out;
}

/** A file's text, "" when it cannot be read (the runner reports that); read at once, as the runner reads it. */
function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** A rule file: a top-level `groups:` and no `tests:`. */
function isRuleFile(text: string): boolean {
  return /^groups\s*:/m.test(text) && !/^tests\s*:/m.test(text);
}

/** A routing test file: named `*.routing.test.yaml`, or a top-level `config:` and `cases:` and no `tests:`. */
function isRoutingTestFile(file: string, text: string): boolean {
  if (/\.routing\.test\.ya?ml$|^routing\.test\.ya?ml$/.test(path.basename(file))) return true;
  return /^cases\s*:/m.test(text) && /^config\s*:/m.test(text) && !/^tests\s*:/m.test(text);
}

/** A routing file's result in the rule tests' report shape: one "group" per case. */
function routingAsFileResult(r: RoutingFileResult): FileResult {
  return {
    file: r.file,
    status: r.status,
    errors: r.errors,
    warnings: [],
    durationMs: r.durationMs,
    groups: r.cases.map((c) => ({
      name: c.name,
      line: c.line,
      status: c.status,
      errors: c.failures,
      mismatches: [],
      path: undefined,
      fallbackReason: undefined,
      durationMs: 0,
    })),
  };
}
