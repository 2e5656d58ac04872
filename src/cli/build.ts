// `monac build` and `monac validate`.
import path from "node:path";
import { formatDiagnostic, isError } from "../workspace/diagnostics.js";
import type { GenerationContext, TestReuse } from "../compile/rule-tests/index.js";
import { ROUTING_TESTS_DIR, TESTS_DIR } from "../compile/paths.js";
import { OutputIOError, StagedOutput, type OutputPlan } from "../compile/write.js";
import { buildKey, cachedBuild, recordedBuild, reusableTests, saveBuild } from "./build-cache.js";
import { reportHandWritten } from "./hand-written.js";
import { EXIT, type CliIO } from "./io.js";
import { loadAndCheck, readWorkspace } from "./workspace-dir.js";
import { WORKSPACE_FILE } from "../workspace/discover.js";
import type { WorkspaceModel } from "../workspace/model.js";
import type { Artifact } from "../compile/artifact.js";

// The compiler (YAML, schemas, dashboards) is imported only when there is
// something to compile: not by a rebuild that finds nothing changed.

export interface BuildOptions {
  dir: string;
  out: string | undefined;
  check: boolean;
  /** Skip generating rule tests (out/prometheus/tests is left as it is). */
  noTests?: boolean;
  /** Skip generating Grafana dashboards (out/grafana is left as it is). */
  noDashboards?: boolean;
  /** false for `monac validate`. */
  write: boolean;
  /** Generation memory shared across builds (see ruleTestArtifacts); one per build by default. */
  generationContext?: GenerationContext;
}

export async function buildCommand(opts: BuildOptions, io: CliIO): Promise<number> {
  const outDir = opts.out ?? path.join(opts.dir, "out");
  const files = await readWorkspace(opts.dir, io);
  if (typeof files === "number") return files;
  const skip = [...(opts.noTests ? [TESTS_DIR, ROUTING_TESTS_DIR] : []), ...(opts.noDashboards ? ["grafana/dashboards", "grafana/provisioning"] : [])];
  // Nothing changed since the last build into outDir, and out/ is as it left it: say what it said (build-cache.ts).
  const key = opts.write ? buildKey({ files, options: { noTests: !!opts.noTests, noDashboards: !!opts.noDashboards } }) : undefined;
  const recorded = key !== undefined ? recordedBuild(opts.dir, outDir) : undefined;
  const cached = key !== undefined ? cachedBuild(recorded, outDir, key) : undefined;
  if (cached) {
    for (const m of cached.messages) io.err(m);
    if (opts.check) io.out(`ok: ${outDir} is up to date (${cached.summary})`);
    else io.out(`built ${cached.count} files (0 changed) from ${cached.summary}`);
    return EXIT.ok;
  }
  const messages: string[] = [];
  const [loaded, { compileFiles }, { DashboardCheckError }, { RecordedSeriesCheckError }, { TargetCheckError }] = await Promise.all([
    loadAndCheck(files),
    import("../compile/bundle.js"),
    import("../compile/dashboards/index.js"),
    import("../compile/recorded-series-check.js"),
    import("../compile/targets/index.js"),
  ]);
  // Warnings are printed with the errors, or alone before a build that goes on.
  for (const d of loaded.diagnostics) {
    messages.push(formatDiagnostic(d));
    io.err(formatDiagnostic(d));
  }
  if (!loaded.model) {
    const errors = loaded.diagnostics.filter(isError).length;
    const warnings = loaded.diagnostics.length - errors;
    io.err(`${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}; nothing written`);
    return EXIT.findings;
  }
  const model = loaded.model;
  const summary = `${model.slos.length} SLOs, ${model.thresholds.length} threshold alerts`;
  // Each file is compared with out/ (and staged) as it is made: the build never
  // holds all of out/. A check failing on the way undoes what was staged.
  const output = opts.write ? new StagedOutput(outDir, !opts.check, skip) : undefined;
  const warnings: string[] = [];
  let plan: OutputPlan | undefined;
  /** Each generated test file's inputs key, for the next build to reuse it by (build-cache.ts). */
  const tests: Record<string, string> = {};
  try {
    for (const a of compileFiles(model, { dashboards: !opts.noDashboards, warnings })) output?.add(a);
    for (const w of warnings) {
      messages.push(`monac: warning: ${w}`);
      io.err(`monac: warning: ${w}`);
    }
    // The generated tests have no findings to report: `monac validate` does not generate them.
    if (output !== undefined) {
      if (!opts.noTests) {
        const reuse = reusableTests(recorded, outDir);
        for await (const a of testFiles(model, opts.generationContext, reuse)) {
          // A file taken from out/ is there as made: not sent to be compared again.
          const kept = reuse.taken.get(a.path);
          if (kept !== undefined) output.unchanged(a.path, kept);
          else output.add(a);
          if (a.inputs !== undefined) tests[a.path] = a.inputs;
        }
      }
      plan = await output.finish();
    }
  } catch (e) {
    await output?.abort();
    if (e instanceof TargetCheckError) {
      // A target's problem is a finding about its entry in monac.yaml.
      for (const p of e.targetProblems) io.err(formatDiagnostic(loaded.locator.finding({ file: WORKSPACE_FILE, path: ["targets", p.target] }, p.message)));
      io.err(`${plural(e.targetProblems.length, "error")} from the deploy targets; nothing written`);
      return EXIT.findings;
    }
    if (e instanceof RecordedSeriesCheckError) {
      // monac's own bug, not the spec's: say so, write nothing.
      io.err(e.message);
      return EXIT.usage;
    }
    if (e instanceof DashboardCheckError) {
      for (const p of e.problems) io.err(`monac: ${p}`);
      io.err(`${e.problems.length} dashboard error${e.problems.length === 1 ? "" : "s"}; nothing written`);
      return EXIT.findings;
    }
    if (!(e instanceof OutputIOError)) throw e;
    io.err(`monac: cannot write ${outDir}: ${e.message}`);
    return EXIT.usage;
  }
  if (output === undefined || plan === undefined) {
    io.out(`ok: ${summary}`);
    return EXIT.ok;
  }
  // Hand-written files in out/: warnings, unless one is where monac writes.
  if (reportHandWritten(outDir, plan, opts.check, io)) return EXIT.findings;
  // out/ now holds what this build makes (written, or found so by --check): the next build may trust it.
  if (plan.foreign.length === 0 && plan.blocked.length === 0 && (!opts.check || plan.changes.length === 0)) saveBuild(opts.dir, outDir, { key: key!, messages, summary, files: output.hashes, count: output.size, skip, tests });
  const changes = plan.changes;
  if (opts.check) {
    if (changes.length === 0) {
      io.out(`ok: ${outDir} is up to date (${summary})`);
      return EXIT.ok;
    }
    for (const c of changes) io.err(`${path.join(outDir, c.path)}: ${STALE_REASON[c.change]}`);
    io.err(`${changes.length} file${changes.length === 1 ? "" : "s"} out of date; run \`npx monac build\` and commit the result`);
    return EXIT.findings;
  }
  for (const c of changes) io.out(`${c.change.padEnd(7)} ${path.join(outDir, c.path)}`);
  io.out(`built ${output.size} files (${changes.length} changed) from ${summary}`);
  return EXIT.ok;
}

/**
 * The routing tests and the rule tests, one file at a time (loaded only by a
 * build that writes them: the rule tests bring the PromQL engine); rule test
 * files whose inputs did not change since the last build are taken from out/.
 */
async function* testFiles(model: WorkspaceModel, ctx: GenerationContext | undefined, reuse: TestReuse): AsyncGenerator<Artifact> {
  const [{ routingTestArtifact }, { ruleTestFiles }] = await Promise.all([import("../compile/routing-tests.js"), import("../compile/rule-tests/index.js")]);
  yield routingTestArtifact(model);
  yield* ruleTestFiles(model, ctx, reuse);
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

const STALE_REASON = {
  created: "missing (would be created)",
  updated: "stale (content differs from the specs)",
  removed: "orphaned (no spec produces it; would be removed)",
} as const;
