// The CLI as users run it: dist/cli/ and everything it imports, its
// dependencies included, bundled into dist/bundle/ (bin/monac.js loads it).
//
// Loading ~500 small modules cost every monac invocation more than many of
// them do: the Grafana Foundation SDK alone is 233 CommonJS files, each
// resolved, read and scanned for its exports (130 ms of a 5-SLO build's
// 1.1 s). In a few chunks they load in a fraction of that. The library
// (dist/index.js, `import … from "monac"`) stays as tsc compiled it.
//
// Entry points keep their names: the test runner's pool starts
// `./test-worker.js` beside its own module. Commands load their code when
// run (dynamic imports), so each becomes a chunk of its own. The bundle reads
// nothing relative to itself but ../../package.json (as dist/cli/ does), and
// build-cache.ts hashes the bundle's folder, which holds all it runs, for the
// compiler's identity.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: ["dist/cli/main.js", "dist/ruletest/test-worker.js"].map((p) => path.join(root, p)),
  absWorkingDir: root,
  outdir,
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // The CommonJS dependencies (the SDK, yaml) call require(): ES modules have none of their own.
  banner: { js: 'import { createRequire as __monacRequire } from "node:module";\nconst require = __monacRequire(import.meta.url);' },
  // No minification: stack traces stay readable, and names kept as written
  // (the staging thread's program is sent to its thread as source text).
  logLevel: "warning",
});
