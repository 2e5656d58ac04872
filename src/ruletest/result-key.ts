/**
 * What a rule test file's result depends on, so that a run can reuse the
 * result of an earlier one (`monac test --cache`, src/cli/test-cache.ts).
 *
 * A result is a function of the test file (its bytes, and its name as
 * given: it is in the report), the rule files it loads (their names, in load
 * order, and their bytes), the options of the run, and the code that ran it
 * (`salt`, the caller's: the CLI names monac's code, its dependencies and
 * Node). Nothing else is read: a test's series are its own, its clock starts
 * at 0 and its templates query its own engine.
 *
 * The key (testKey) covers all but the rule files, so that finding an
 * earlier result does not parse the test file; the result's stamp records
 * the rule_files patterns the test file holds (its bytes are in the key, so
 * they are the same now) and what they resolved to, each file with its
 * SHA-256. The result still holds when those patterns resolve to the same
 * files now, with the same content (stampHolds).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { resolveRuleFiles } from "./rule-files.js";

const FORMAT = "monac test result 2";

export interface TestKeyInput {
  salt: string;
  file: string;
  bytes: Uint8Array;
  options: { run: RegExp | undefined; mode: string; coverage: boolean };
}

export interface ResultStamp {
  /** testKey of the run that made the result. */
  key: string;
  /** The test file's rule_files, as written. */
  ruleFilePatterns: string[];
  /** What they resolved to, in load order, with the SHA-256 of each file's bytes. */
  ruleFiles: { file: string; sha256: string }[];
}

export function testKey({ salt, file, bytes, options }: TestKeyInput): string {
  const head = [FORMAT, salt, file, path.resolve(file), options.run?.source ?? null, options.run?.flags ?? null, options.mode, options.coverage, bytes.length];
  // JSON, and the length before the bytes: no two inputs run into each other.
  return createHash("sha256").update(`${JSON.stringify(head)}\n`).update(bytes).digest("hex");
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Whether the rule files `stamp` records are the ones the test file `file` loads now, with the same content. */
export function stampHolds(file: string, stamp: ResultStamp): boolean {
  const { files } = resolveRuleFiles(file, stamp.ruleFilePatterns);
  if (files.length !== stamp.ruleFiles.length) return false;
  return files.every((f, i) => {
    const was = stamp.ruleFiles[i]!;
    if (f !== was.file) return false;
    try {
      return sha256(readFileSync(f)) === was.sha256;
    } catch {
      return false;
    }
  });
}
