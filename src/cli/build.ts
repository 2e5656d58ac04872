// `monac build` and `monac validate`.
import path from "node:path";
import { formatDiagnostic, isError } from "../workspace/diagnostics.js";
import { compileWorkspace } from "../compile/bundle.js";
import { DashboardCheckError } from "../compile/dashboards/index.js";
import { RecordedSeriesCheckError } from "../compile/recorded-series-check.js";
import { TargetCheckError } from "../compile/targets/index.js";
import { ruleTestArtifacts, TESTS_DIR, type GenerationContext } from "../compile/rule-tests/index.js";
import { ROUTING_TESTS_DIR, routingTestArtifact } from "../compile/routing-tests.js";
import { planOutput, writeOutput } from "../compile/write.js";
import { reportHandWritten } from "./hand-written.js";
import { EXIT, type CliIO } from "./io.js";
import { openWorkspace } from "./workspace-dir.js";
import { WORKSPACE_FILE } from "../workspace/workspace.js";

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
  const loaded = await openWorkspace(opts.dir, io);
  if (typeof loaded === "number") return loaded;
  // Warnings are printed with the errors, or alone before a build that goes on.
  for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
  if (!loaded.model) {
    const errors = loaded.diagnostics.filter(isError).length;
    const warnings = loaded.diagnostics.length - errors;
    io.err(`${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}; nothing written`);
    return EXIT.findings;
  }
  let compiled;
  const warnings: string[] = [];
  try {
    compiled = compileWorkspace(loaded.model, { dashboards: !opts.noDashboards, warnings });
  } catch (e) {
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
    if (!(e instanceof DashboardCheckError)) throw e;
    for (const p of e.problems) io.err(`monac: ${p}`);
    io.err(`${e.problems.length} dashboard error${e.problems.length === 1 ? "" : "s"}; nothing written`);
    return EXIT.findings;
  }
  for (const w of warnings) io.err(`monac: warning: ${w}`);
  const artifacts = [
    ...compiled,
    ...(opts.noTests ? [] : [routingTestArtifact(loaded.model), ...(await ruleTestArtifacts(loaded.model, opts.generationContext))]),
  ];
  const skip = [...(opts.noTests ? [TESTS_DIR, ROUTING_TESTS_DIR] : []), ...(opts.noDashboards ? ["grafana/dashboards", "grafana/provisioning"] : [])];
  const summary = `${loaded.model.slos.length} SLOs, ${loaded.model.thresholds.length} threshold alerts`;
  if (!opts.write) {
    io.out(`ok: ${summary}`);
    return EXIT.ok;
  }
  try {
    const plan = opts.check ? await planOutput(outDir, artifacts, skip) : await writeOutput(outDir, artifacts, skip);
    // Hand-written files in out/: warnings, unless one is where monac writes.
    if (reportHandWritten(outDir, plan, opts.check, io)) return EXIT.findings;
    const changes = plan.changes;
    if (opts.check) {
      const stale = changes;
      if (stale.length === 0) {
        io.out(`ok: ${outDir} is up to date (${summary})`);
        return EXIT.ok;
      }
      for (const c of stale) io.err(`${path.join(outDir, c.path)}: ${STALE_REASON[c.change]}`);
      io.err(`${stale.length} file${stale.length === 1 ? "" : "s"} out of date; run \`npx monac build\` and commit the result`);
      return EXIT.findings;
    }
    for (const c of changes) io.out(`${c.change.padEnd(7)} ${path.join(outDir, c.path)}`);
    io.out(`built ${artifacts.length} files (${changes.length} changed) from ${summary}`);
    return EXIT.ok;
  } catch (e) {
    io.err(`monac: cannot write ${outDir}: ${(e as Error).message}`);
    return EXIT.usage;
  }
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

const STALE_REASON = {
  created: "missing (would be created)",
  updated: "stale (content differs from the specs)",
  removed: "orphaned (no spec produces it; would be removed)",
} as const;
