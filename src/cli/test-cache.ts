/**
 * `monac test --cache`: a rule test file that passed is not run again while
 * nothing its result depends on changed (as `go test` caches passing
 * packages). A result depends on the test file, the rule files it loads, the
 * run's options and the code that ran it (ruletest/result-key.ts, salted with
 * compilerIdentity: monac's code, its dependencies, Node): the result of an
 * earlier run where all of them were the same is reported, marked "cached".
 * Only passes are kept: a failing or invalid file runs (and reports) every time.
 *
 * The results live in the user's cache directory, one entry per directory
 * monac test is run from (CI keeps it between runs: README, "In CI"); a
 * result not used for 30 days is dropped. Deleting it is always safe.
 */
import { readFileSync } from "node:fs";
import type { FileResult, KnownResults } from "../ruletest/runner.js";
import { cacheEntryFile, compilerIdentity, isRecord, KEEP_MS, writeCacheEntry } from "./build-cache.js";

const FORMAT = "monac test cache 2";

/** Results kept at most per directory: more than any workspace's files under a few options. */
const MAX_RESULTS = 50_000;

interface Stored {
  format: string;
  /** By key: when the result was last used (ms since the epoch), and the result. */
  results: Record<string, { used: number; result: FileResult }>;
}

export interface TestCache {
  /** For RunOptions.known. */
  readonly known: KnownResults;
  /** Keeps the passing results of this run (and when each cached one was used); best effort. */
  save(results: readonly FileResult[]): void;
}

/** Where the results of runs from `cwd` are kept. */
export function testCacheFile(cwd: string): string {
  return cacheEntryFile("test", cwd);
}

export function openTestCache(cwd: string = process.cwd()): TestCache {
  const file = testCacheFile(cwd);
  const stored = readStored(file);
  const results: Record<string, FileResult> = {};
  for (const [key, e] of Object.entries(stored)) results[key] = e.result;
  return {
    known: { salt: compilerIdentity(), results },
    save(run) {
      const now = Date.now();
      const kept = Object.entries(stored).filter(([, e]) => now - e.used < KEEP_MS);
      const next = new Map(kept);
      for (const r of run) {
        if (r.stamp === undefined || r.status !== "ok") continue;
        const { cached: _cached, ...result } = r;
        next.delete(r.stamp.key);
        next.set(r.stamp.key, { used: now, result });
      }
      // The least recently used go first.
      const entries = [...next].sort((a, b) => a[1].used - b[1].used).slice(-MAX_RESULTS);
      const data: Stored = { format: FORMAT, results: Object.fromEntries(entries) };
      writeCacheEntry(file, JSON.stringify(data));
    },
  };
}

/** The stored results that have the shape of a pass; none if the file is missing, unreadable or in another format. */
function readStored(file: string): Stored["results"] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return {};
  }
  if (!isRecord(data) || data.format !== FORMAT || !isRecord(data.results)) return {};
  const out: Stored["results"] = {};
  for (const [key, e] of Object.entries(data.results)) {
    if (isRecord(e) && typeof e.used === "number" && isPass(e.result)) out[key] = { used: e.used, result: e.result };
  }
  return out;
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}

/** A passing FileResult as JSON keeps it (what is optional is left out). */
function isPass(v: unknown): v is FileResult {
  if (!isRecord(v) || typeof v.file !== "string" || v.status !== "ok" || typeof v.durationMs !== "number") return false;
  if (!isStrings(v.errors) || v.errors.length > 0 || !isStrings(v.warnings) || !Array.isArray(v.groups)) return false;
  const group = (g: unknown): boolean =>
    isRecord(g) &&
    typeof g.name === "string" &&
    typeof g.line === "number" &&
    g.status === "passed" &&
    isStrings(g.errors) &&
    g.errors.length === 0 &&
    Array.isArray(g.mismatches) &&
    g.mismatches.length === 0 &&
    typeof g.durationMs === "number" &&
    (g.path === undefined || g.path === "fast" || g.path === "exact") &&
    (g.fallbackReason === undefined || typeof g.fallbackReason === "string");
  const rule = (c: unknown): boolean =>
    isRecord(c) &&
    typeof c.file === "string" &&
    typeof c.group === "string" &&
    typeof c.index === "number" &&
    typeof c.name === "string" &&
    (c.kind === "alert" || c.kind === "record") &&
    typeof c.line === "number" &&
    typeof c.covered === "boolean";
  const stamp = (s: unknown): boolean =>
    isRecord(s) &&
    typeof s.key === "string" &&
    isStrings(s.ruleFilePatterns) &&
    Array.isArray(s.ruleFiles) &&
    s.ruleFiles.every((f: unknown) => isRecord(f) && typeof f.file === "string" && typeof f.sha256 === "string");
  return stamp(v.stamp) && v.groups.every(group) && (v.coverage === undefined || (Array.isArray(v.coverage) && v.coverage.every(rule)));
}
