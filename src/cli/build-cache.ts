// The unchanged rebuild: `monac build` twice in a row with nothing changed
// should not compile (and prove, in the generated tests) everything again.
//
// After a build that wrote out/ cleanly (or a --check that found it up to
// date: out/ then holds what the build makes just the same), monac records in the user's cache
// directory (~/.cache/monac, see cacheFile) a key for everything the files it wrote depend on — the bytes
// of every spec file, monac's own code and its dependencies' versions, the
// Node version, the build options — with the SHA-1 of each file it wrote
// and what the build printed. The next build reads the spec files (as it must
// anyway), and when the key is the same it still trusts nothing in out/: every
// recorded file must be there with the recorded content, and no other file may
// be in monac's folders of out/. Only then does it print what the build
// printed, and write nothing. Any difference — a spec edited, a file in out/
// touched, removed or added, another monac — is a full build. A cache that
// cannot be read or written is a full build too, never an error.
//
// A full build still takes from out/ the generated test files whose inputs
// did not change (reusableTests): they are about half of a build's time, and a pull
// request changes a few SLOs of many. The entry records, for each test file,
// the key of the models and numbers it was made from (Artifact.inputs); a
// later build by the same monac (its code, dependencies and Node: the
// compiler's identity) whose generator names the same key for that file, and
// finds it in out/ with the recorded SHA-1, uses it as it is. Anything else
// is made again.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestReuse } from "../compile/rule-tests/index.js";
import { isOrphanedStage, MANAGED_DIRS } from "../compile/write.js";

const FORMAT = "monac build cache 2";

export interface CacheEntry {
  format: string;
  key: string;
  /** What the build printed on stderr before writing (warnings), in order. */
  messages: string[];
  /** "N SLOs, M threshold alerts". */
  summary: string;
  /**
   * Every file the build produced, relative to out/, with the SHA-1 of its
   * content (as git tells changed files apart; hashing 40 MB of out/ takes a
   * third of SHA-256's time, and nobody forges collisions in their own out/).
   */
  files: Record<string, string>;
  /** How many files the build produced (it says so). */
  count: number;
  /** Managed folders of out/ the build did not produce (--no-tests, --no-dashboards): not checked. */
  skip: string[];
  /** compilerIdentity() of the monac that made the build. */
  identity: string;
  /** Generated test files, relative to out/, with the key of the inputs each was made from. */
  tests: Record<string, string>;
}

export interface BuildKeyInput {
  files: readonly { rel: string; bytes: Uint8Array }[];
  options: Record<string, boolean>;
}

/** The key of a build: the same only if every input of the build is. */
export function buildKey({ files, options }: BuildKeyInput): string {
  const h = createHash("sha256");
  h.update(`${FORMAT}\0${compilerIdentity()}\0${JSON.stringify(options)}\0`);
  for (const f of files) {
    h.update(`${f.rel}\0${f.bytes.length}\0`);
    h.update(f.bytes);
  }
  return h.digest("hex");
}

/**
 * Where the entry for builds of `dir` into `outDir` is kept: in the user's
 * cache directory ($XDG_CACHE_HOME or ~/.cache, then monac/), not in the
 * workspace, whose files (and out/) are the user's to commit.
 */
export function cacheFile(dir: string, outDir: string): string {
  return cacheEntryFile("build", dir, outDir);
}

/** The kinds of entry in monac's cache directory: builds (here) and test results (test-cache.ts). */
const ENTRY_KINDS = ["build", "test"] as const;

/** The file of the `kind` entry for these directories (resolved), in monac's cache directory. */
export function cacheEntryFile(kind: (typeof ENTRY_KINDS)[number], ...dirs: string[]): string {
  const which = createHash("sha256").update(dirs.map((d) => path.resolve(d)).join("\0")).digest("hex").slice(0, 32);
  return path.join(cacheDir(), `${kind}-${which}.json`);
}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : path.join(homedir(), ".cache");
  return path.join(base, "monac");
}

/** A JSON object (not null, not an array): what a cache entry and its records must be before they are read. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Entries not used for this long are removed when a build (or a test run) saves one. */
export const KEEP_MS = 30 * 24 * 3600_000;

/** Removes the entries (ENTRY_KINDS) of `dir` not used for KEEP_MS. */
function prune(dir: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    if (!ENTRY_KINDS.some((kind) => name.startsWith(`${kind}-`))) continue;
    try {
      if (now - statSync(path.join(dir, name)).mtimeMs > KEEP_MS) rmSync(path.join(dir, name), { force: true });
    } catch {
      // Another build's, being replaced.
    }
  }
}

/** The recorded build of `dir` into `outDir`, if there is one in this format (read once per build: for cachedBuild, then reusableTests). */
export function recordedBuild(dir: string, outDir: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(cacheFile(dir, outDir), "utf8")) as CacheEntry;
    return isRecord(entry) && entry.format === FORMAT && typeof entry.count === "number" && isRecord(entry.files) && isRecord(entry.tests) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded build, if it has this key and out/ holds exactly what it says was written. */
export function cachedBuild(entry: CacheEntry | undefined, outDir: string, key: string): CacheEntry | undefined {
  if (entry === undefined || entry.key !== key) return undefined;
  return outMatches(outDir, entry) ? entry : undefined;
}

/** Test files taken from out/, and the SHA-1 of each (what out/ holds, so nothing to compare or write: StagedOutput.unchanged). */
export interface OutTestReuse extends TestReuse {
  readonly taken: ReadonlyMap<string, string>;
}

/**
 * The generated test files the recorded build made that a build now may take
 * from out/: made by this monac, from inputs with the key the generator
 * names, and in out/ with the content recorded.
 */
export function reusableTests(entry: CacheEntry | undefined, outDir: string): OutTestReuse {
  const tests = entry !== undefined && entry.identity === compilerIdentity() ? entry.tests : {};
  const taken = new Map<string, string>();
  return {
    taken,
    reused(rel, inputs) {
      const sha = entry?.files[rel];
      if (tests[rel] !== inputs || sha === undefined) return undefined;
      const bytes = asRecorded(outDir, rel, sha);
      if (bytes === undefined) return undefined;
      taken.set(rel, sha);
      return bytes.toString("utf8");
    },
  };
}

/** How the staging thread hashes what it writes (write.ts). */
function sha1(bytes: Buffer): string {
  return createHash("sha1").update(bytes).digest("hex");
}

function outMatches(outDir: string, entry: CacheEntry): boolean {
  const expected = new Map<string, Set<string>>();
  for (const rel of Object.keys(entry.files)) {
    const dir = path.posix.dirname(rel);
    const names = expected.get(dir) ?? new Set<string>();
    names.add(path.posix.basename(rel));
    expected.set(dir, names);
  }
  // No file monac did not record in its folders (an orphan to remove, a hand-written
  // one to warn about), seen as StagedOutput sees them (files, not dotfiles), and
  // nothing a killed build staged: a build that writes removes it ...
  for (const dir of MANAGED_DIRS) {
    if (entry.skip.includes(dir)) continue;
    const want = expected.get(dir) ?? new Set<string>();
    let have: string[];
    try {
      const files = readdirSync(path.join(outDir, dir), { withFileTypes: true }).filter((e) => e.isFile());
      if (files.some((e) => e.name.startsWith(".") && isOrphanedStage(e.name))) return false;
      have = files.filter((e) => !e.name.startsWith(".")).map((e) => e.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return false;
      have = [];
    }
    if (have.length !== want.size || have.some((name) => !want.has(name))) return false;
  }
  // ... and every recorded file with its recorded content.
  for (const [rel, sha] of Object.entries(entry.files)) if (asRecorded(outDir, rel, sha) === undefined) return false;
  return true;
}

/** The bytes of `rel` in out/, if it is there with the recorded SHA-1. */
function asRecorded(outDir: string, rel: string, sha: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(outDir, rel));
  } catch {
    return undefined;
  }
  return sha1(bytes) === sha ? bytes : undefined;
}

/** Records a build that wrote out/ cleanly; best effort. */
export function saveBuild(dir: string, outDir: string, entry: Omit<CacheEntry, "format" | "identity">): void {
  const data: CacheEntry = { format: FORMAT, identity: compilerIdentity(), ...entry };
  writeCacheEntry(cacheFile(dir, outDir), JSON.stringify(data));
}

/** Replaces the cache entry `file` (in cacheDir) at once, and prunes the others; best effort. */
export function writeCacheEntry(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, file);
    prune(path.dirname(file));
  } catch {
    // A read-only cache directory: runs without a cache.
  }
}

let identity: string | undefined;

/**
 * monac's own code (every file of the tree this module was loaded from:
 * dist/bundle/ for the CLI, which holds all it runs, else dist/ or src/; but
 * source maps and type declarations), the versions of the packages it
 * depends on, and the Node version: what else decides the output.
 */
export function compilerIdentity(): string {
  if (identity !== undefined) return identity;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const codeDir = path.basename(here) === "bundle" ? here : path.dirname(here);
  // The package's root, two folders up from either (its package.json, node_modules).
  const root = path.dirname(path.dirname(here));
  const h = createHash("sha256");
  h.update(`${process.version}\0`);
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (!/\.(?:map|d\.ts|tsbuildinfo)$/.test(e.name)) {
        const bytes = readFileSync(full);
        h.update(`${path.relative(codeDir, full)}\0${bytes.length}\0`);
        h.update(bytes);
      }
    }
  };
  walk(codeDir);
  let dependencies: Record<string, string> = {};
  try {
    dependencies = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {};
  } catch {
    // Not laid out as a package: the code's hash is all there is.
  }
  for (const dep of Object.keys(dependencies).sort()) h.update(`${dep}@${installedVersion(root, dep)}\0`);
  identity = h.digest("hex");
  return identity;
}

/** The version of `dep` Node would load from `root`: node_modules of root and the directories above. */
function installedVersion(root: string, dep: string): string {
  for (let dir = root; ; dir = path.dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, "node_modules", dep, "package.json"), "utf8")) as { version?: string }).version ?? "?";
    } catch {
      if (path.dirname(dir) === dir) return "missing";
    }
  }
}
