// Writing out/: atomically (temp file + rename, so Prometheus never reads half
// a rule file), only what changed, and removing generated files whose spec is
// gone. `check` answers the same question without touching anything.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Artifact } from "./artifact.js";

/** Directories monac owns inside out/, with the file names it generates there. */
const MANAGED: { dir: string; pattern: RegExp }[] = [
  { dir: "prometheus/rules", pattern: /\.rules\.yaml$/ },
  { dir: "prometheus/tests", pattern: /\.test\.yaml$/ },
  { dir: "alertmanager", pattern: /^alertmanager\.yml$/ },
  { dir: "grafana/dashboards", pattern: /\.json$/ },
  { dir: "grafana/provisioning", pattern: /^dashboards\.yaml$/ },
];

export interface OutputChange {
  path: string;
  change: "created" | "updated" | "removed";
}

/**
 * `skip` names managed directories this run does not produce (generated tests
 * under `--no-tests`): their files are neither checked nor removed.
 */
export async function planOutput(outDir: string, artifacts: Artifact[], skip: readonly string[] = []): Promise<OutputChange[]> {
  const changes: OutputChange[] = [];
  for (const a of artifacts) {
    const current = await readIfExists(path.join(outDir, a.path));
    if (current === undefined) changes.push({ path: a.path, change: "created" });
    else if (current !== a.content) changes.push({ path: a.path, change: "updated" });
  }
  const wanted = new Set(artifacts.map((a) => a.path));
  for (const { dir, pattern } of MANAGED.filter((m) => !skip.includes(m.dir))) {
    for (const name of await listFiles(path.join(outDir, dir))) {
      const rel = `${dir}/${name}`;
      if (pattern.test(name) && !wanted.has(rel)) changes.push({ path: rel, change: "removed" });
    }
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function writeOutput(outDir: string, artifacts: Artifact[], skip: readonly string[] = []): Promise<OutputChange[]> {
  const changes = await planOutput(outDir, artifacts, skip);
  const byPath = new Map(artifacts.map((a) => [a.path, a]));
  for (const c of changes) {
    const target = path.join(outDir, c.path);
    if (c.change === "removed") {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
    await writeFile(temp, byPath.get(c.path)!.content);
    await rename(temp, target);
  }
  return changes;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}
