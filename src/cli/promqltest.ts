/**
 * `monac promqltest [--verbose] FILE...`: runs Prometheus PromQL test scripts
 * against monac's engine. Exit status: 0 all evals passed (skips allowed),
 * 1 some eval failed, 2 a file could not be read or bad usage.
 */
import { readFile } from "node:fs/promises";
import { runPromQLTestScript } from "../promql/promqltest.js";
import type { CliIO } from "./io.js";
import { COMMAND_USAGE } from "./usage.js";

const USAGE = COMMAND_USAGE.promqltest;

export async function promqltestCommand(argv: string[], io: CliIO): Promise<number> {
  let verbose = false;
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === "--verbose" || arg === "-v") verbose = true;
    else if (arg === "--help" || arg === "-h") {
      io.out(`${USAGE}`);
      return 0;
    } else if (arg.startsWith("-")) {
      io.err(`monac promqltest: unknown option ${arg}\n\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (files.length === 0) {
    io.err(`monac promqltest: expected at least one FILE\n\n${USAGE}`);
    return 2;
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let unreadable = false;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      io.err(`${file}: cannot read: ${(e as Error).message}`);
      unreadable = true;
      continue;
    }
    const r = runPromQLTestScript(text);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    const status = r.failed > 0 ? "FAIL" : "ok  ";
    io.out(`${status} ${file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
    if (r.error !== undefined) io.out(`  ${r.error}`);
    if (verbose) {
      for (const o of r.outcomes) {
        if (o.status === "passed") continue;
        io.out(`  ${o.status === "failed" ? "failed " : "skipped"} line ${o.line}: ${o.expr}\n    ${o.message ?? ""}`);
      }
    }
  }
  io.out(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (unreadable) return 2;
  return failed > 0 ? 1 : 0;
}
