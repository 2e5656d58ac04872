// Running the `monac` command in-process, and looking at what it left on disk.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { main } from "../../src/cli/main.js";

/** `monac ARGV...` with its output captured. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Every file under `dir` (relative path → text). */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else files[child] = await readFile(path.join(dir, child), "utf8");
    }
  };
  await walk("");
  return files;
}
