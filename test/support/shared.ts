/**
 * Fixtures from `../shared` (next to the repository): Prometheus's PromQL
 * and promtool conformance files, reference rule sets, published JSON
 * Schemas. They are not part of the repository, so a checkout without them
 * must still run the suite: tests that need them skip, LOUDLY (a console
 * banner, and a test title saying SKIPPED), never by silently passing. Under
 * `CI=true` a missing fixture is an error (CI always checks them out), like a
 * missing Prometheus binary (see tools.ts). `$MONAC_SHARED_DIR` points
 * elsewhere.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "vitest";
import { isCI, REPO_ROOT } from "./tools.js";

/** `<repo>/../shared`, or `$MONAC_SHARED_DIR` when set (e.g. to check how the suite behaves without it). */
export const SHARED_ROOT = process.env.MONAC_SHARED_DIR ? path.resolve(process.env.MONAC_SHARED_DIR) : path.resolve(REPO_ROOT, "..", "shared");

/** Absolute path of a file or folder under ../shared (`sharedPath("conformance", "promtool")`). */
export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_ROOT, ...parts);
}

const warned = new Set<string>();

function missingMessage(file: string): string {
  return `../shared fixture not found: ${file} (is ../shared checked out at ${SHARED_ROOT}? set MONAC_SHARED_DIR to use another folder)`;
}

/**
 * True when the fixture exists. When it does not: under CI=true, throws
 * (so the test file fails); otherwise prints a loud banner naming `what`
 * will be skipped, and returns false.
 */
export function haveShared(file: string, what: string): boolean {
  if (existsSync(file)) return true;
  if (isCI()) throw new Error(`CI=true but ${missingMessage(file)}. CI must check out ../shared before the tests.`);
  const line = "!".repeat(78);
  const banner = [line, `!! SKIPPING "${what}": ${missingMessage(file)}`, line].join("\n");
  console.warn(warned.has(file) ? `!! SKIPPING "${what}": ${missingMessage(file)}` : banner);
  warned.add(file);
  return false;
}

/** The title of a block or test skipped for a missing fixture. */
export function skippedTitle(title: string, file: string): string {
  return `${title} [SKIPPED: ${file} not found]`;
}

/** A vitest `describe` that needs ../shared fixtures: skipped loudly when one is missing, an error under CI=true. */
export function describeWithShared(files: string | readonly string[], title: string, fn: () => void | Promise<void>): void {
  const missing = (typeof files === "string" ? [files] : files).find((f) => !haveShared(f, title));
  if (missing === undefined) describe(title, fn);
  else describe.skip(skippedTitle(title, missing), fn);
}

/** A vitest `it` that needs ../shared fixtures: skipped loudly when one is missing, an error under CI=true. */
export function itWithShared(files: string | readonly string[], title: string, fn: () => void | Promise<void>, timeout?: number): void {
  const missing = (typeof files === "string" ? [files] : files).find((f) => !haveShared(f, title));
  if (missing === undefined) it(title, fn, timeout);
  else it.skip(skippedTitle(title, missing), fn);
}
