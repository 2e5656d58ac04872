// `monac build --watch` and `monac validate --watch`: a build, then another
// each time a spec file changes, until stopped (Ctrl-C).
//
// Every build runs in this one process: the compiler's code stays compiled
// and optimized, and what test generation learned (engine runs and solved
// inputs, keyed by all they depend on: GenerationContext) is kept. Test files
// whose inputs did not change come from out/, as in any rebuild
// (build-cache.ts). Half of a fresh build of the 1,000-SLO benchmark
// workspace is the JIT warming up; a rebuild here pays none of it (README,
// "Benchmarks").
//
// What changed is told by the spec files' list, sizes and modification
// times (the files `monac build` reads: monac.yaml and the YAML under slos/,
// alerts/ and dashboards/), looked at when the file system reports a change
// under DIR, and every second or so in any case: not every file system
// reports changes (network mounts, some containers' volumes), nor every
// platform those behind a symbolic link. Only DIR itself and the spec
// directories are watched: not out/ (inside DIR by default), nor a
// node_modules/ beside the specs.
import { watch, type FSWatcher } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { discoverSpecFiles, SPEC_DIRS, WORKSPACE_FILE } from "../workspace/discover.js";
import { newGenerationContext } from "../compile/rule-tests/generation-context.js";
import { buildCommand, type BuildOptions } from "./build.js";
import { EXIT, type CliIO } from "./io.js";

/**
 * How often the spec files are looked at without a file-system event: every
 * second, or less often where looking takes long (50 times as long as a look:
 * 3,000 spec files take ~50 ms), so that an idle watch costs at most 2% of a core.
 */
const POLL_MS = 1000;
const POLL_MAX_MS = 10_000;
const POLL_COST_FACTOR = 50;
/** An editor's save is several events: the build starts once they have stopped for this long. */
const SETTLE_MS = 50;

/** What a watch looks at, for its message: "monac.yaml, slos/, alerts/ and dashboards/". */
const WATCHED = (() => {
  const names = [WORKSPACE_FILE, ...Object.values(SPEC_DIRS).map((d) => `${d}/`)];
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
})();

/** Each spec file (workspace-relative) with its size, modification time and inode; or why the files cannot be listed. */
type Fingerprint = Map<string, string> | string;

export async function specFingerprint(dir: string): Promise<Fingerprint> {
  let files: string[];
  try {
    files = await discoverSpecFiles(dir);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const stamps = await Promise.all(
    files.map(async (rel) => {
      try {
        const s = await stat(path.join(dir, rel));
        return `${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        // Gone since it was listed: the next look tells.
        return "unreadable";
      }
    }),
  );
  return new Map(files.map((rel, i) => [rel, stamps[i]!]));
}

/** The spec files that differ between two fingerprints, sorted (empty: nothing changed). */
export function changedSpecFiles(before: Fingerprint, after: Fingerprint): string[] {
  if (typeof before === "string" || typeof after === "string") return before === after ? [] : ["the spec files"];
  const changed = new Set<string>();
  for (const [rel, stamp] of after) if (before.get(rel) !== stamp) changed.add(rel);
  for (const rel of before.keys()) if (!after.has(rel)) changed.add(rel);
  return [...changed].sort();
}

/**
 * Builds (or validates) `opts.dir` now and after each change to its specs,
 * until `stop` is aborted; a build under way when it is finishes first.
 * Exit status: that of the first build when it is a usage or I/O error (no
 * workspace there: nothing to watch), otherwise 0 once stopped.
 */
export async function watchBuilds(opts: BuildOptions, io: CliIO, stop: AbortSignal): Promise<number> {
  const build = { ...opts, generationContext: opts.generationContext ?? newGenerationContext() };
  let pollMs = POLL_MS;
  /** The spec files' fingerprint now; the next poll is later the longer this took. */
  const look = async (): Promise<Fingerprint> => {
    const started = performance.now();
    const fingerprint = await specFingerprint(opts.dir);
    pollMs = Math.min(POLL_MAX_MS, Math.max(POLL_MS, POLL_COST_FACTOR * (performance.now() - started)));
    return fingerprint;
  };
  // Taken before the first build: a change made while it runs starts the next.
  let seen = await look();
  const first = await buildCommand(build, io);
  if (first === EXIT.usage) return first;
  if (stop.aborted) return EXIT.ok;
  // Set by the file system's events, cleared when the specs are looked at.
  let dirty = false;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    dirty = true;
    wake?.();
  };
  let watchers = watchSpecs(opts.dir, poke);
  const onStop = (): void => wake?.();
  stop.addEventListener("abort", onStop);
  io.out(`watching ${opts.dir} for changes to ${WATCHED} (Ctrl-C to stop)`);
  try {
    while (!stop.aborted) {
      if (!dirty) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      if (stop.aborted) break;
      if (dirty) {
        // Let the burst of events of one save end.
        do {
          dirty = false;
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        } while (dirty && !stop.aborted);
      }
      const now = await look();
      const changed = changedSpecFiles(seen, now);
      if (changed.length === 0) continue;
      seen = now;
      // A spec directory may have come or gone.
      closeAll(watchers);
      watchers = watchSpecs(opts.dir, poke);
      io.out("");
      io.out(`${describeChanges(changed)} changed: ${opts.write ? "building" : "validating"} again`);
      const started = performance.now();
      try {
        await buildCommand(build, io);
      } catch (e) {
        // monac's own bug, not the specs': said, and the watch goes on (the next change may not meet it).
        io.err(`monac: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
      io.out(`(${((performance.now() - started) / 1000).toFixed(2)} s) watching for changes (Ctrl-C to stop)`);
    }
  } finally {
    stop.removeEventListener("abort", onStop);
    closeAll(watchers);
  }
  return EXIT.ok;
}

/**
 * File-system watchers on DIR itself (monac.yaml, a spec directory made or
 * removed) and on each spec directory there is, with all below it; not on
 * the rest of DIR, which may hold node_modules/ or out/. One that fails
 * (inotify out of watches, a directory removed) is dropped: polling goes on.
 */
function watchSpecs(dir: string, poke: () => void): FSWatcher[] {
  const watchers: FSWatcher[] = [];
  const add = (target: string, recursive: boolean): void => {
    try {
      const w = watch(target, { recursive, persistent: false }, poke);
      w.on("error", () => w.close());
      watchers.push(w);
    } catch {
      // Not there (yet), or not watchable: polling covers it.
    }
  };
  add(dir, false);
  for (const sub of Object.values(SPEC_DIRS)) add(path.join(dir, sub), true);
  return watchers;
}

function closeAll(watchers: FSWatcher[]): void {
  for (const w of watchers) w.close();
}

function describeChanges(files: string[]): string {
  const shown = files.slice(0, 3).join(", ");
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}
