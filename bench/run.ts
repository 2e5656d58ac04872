// `npm run bench`: every benchmark, each in its own process so one's memory
// does not weigh on the next. `npm run bench -- promql` runs only the named ones.
// The benchmarks are TypeScript on the public API (src/index.ts); `npm run bench`
// compiles them to .cache/bench (tsconfig.bench.json) and runs this file from there.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const all = ["compile", "promql", "ruletest", "detection"];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : all;
let failed = false;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark ${name}; have: ${all.join(", ")}`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, [path.join(here, `${name}.js`)], { stdio: "inherit" });
  if (r.status !== 0) failed = true;
  console.log();
}
process.exit(failed ? 1 : 0);
