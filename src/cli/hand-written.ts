// What `monac build` says about files in out/ it did not write (see
// compile/write.ts): a warning for each one it leaves alone, and an error for
// each one where it means to write, which stops the build before anything is
// written — overwriting a hand-written rule file without asking loses work,
// and silently skipping it would deploy rules the specs no longer describe.
import path from "node:path";
import type { OutputPlan } from "../compile/write.js";
import type { CliIO } from "./io.js";

/** Prints the plan's hand-written files; true when one is in the way (exit 1). */
export function reportHandWritten(outDir: string, plan: OutputPlan, check: boolean, io: CliIO): boolean {
  for (const f of plan.foreign) io.err(`${path.join(outDir, f.path)}: not written by monac; left in place${f.note ? ` (${f.note})` : ""}`);
  for (const p of plan.blocked) {
    const refusal = check ? "`monac build` will refuse to overwrite it (move or rename it)" : "refusing to overwrite it (move or rename it, then build again)";
    io.err(`${path.join(outDir, p)}: not written by monac, but the specs compile to this file: ${refusal}`);
  }
  const n = plan.blocked.length;
  if (n === 0) return false;
  io.err(`${n} hand-written file${n === 1 ? "" : "s"} in the way; nothing written`);
  return true;
}
