// The repository root, whether a benchmark runs from bench/ or compiled to
// .cache/bench/bench/ (`npm run bench`): the nearest directory above with a package.json.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const root = findRoot(path.dirname(fileURLToPath(import.meta.url)));
