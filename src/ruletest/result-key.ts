/**
 * The key of a rule test file's result: everything the result depends on,
 * hashed. A result is a function of the test file (its bytes, and its name as
 * given: it is in the report), the rule files it loads (their names, in load
 * order, and their bytes), the options of the run, and the code that ran it
 * (`salt`, the caller's: src/cli/test-cache.ts names monac's code, its
 * dependencies and Node). Nothing else is read: a test's series are its own,
 * its clock starts at 0 and its templates run on its own engine.
 */
import { createHash } from "node:crypto";
import path from "node:path";

const FORMAT = "monac test result 1";

export interface ResultKeyInput {
  salt: string;
  file: string;
  bytes: Uint8Array;
  ruleFiles: readonly { file: string; bytes: Uint8Array }[];
  options: { run: RegExp | undefined; mode: string; coverage: boolean };
}

export function resultKey({ salt, file, bytes, ruleFiles, options }: ResultKeyInput): string {
  const h = createHash("sha256");
  // JSON, and each file's length before its bytes: no two inputs run into each other.
  const head = [FORMAT, salt, file, path.resolve(file), options.run?.source ?? null, options.run?.flags ?? null, options.mode, options.coverage, bytes.length];
  h.update(`${JSON.stringify(head)}\n`);
  h.update(bytes);
  for (const r of ruleFiles) {
    h.update(`\n${JSON.stringify([r.file, path.resolve(r.file), r.bytes.length])}\n`);
    h.update(r.bytes);
  }
  return h.digest("hex");
}
