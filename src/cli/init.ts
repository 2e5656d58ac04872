// `monac init [DIR]`: a minimal, commented workspace to start from
// (init-templates.ts), with the editor schemas its `$schema` lines point at.
// It never overwrites: when DIR is a workspace already, or any file it would
// write exists, it writes nothing.
import { lstat, mkdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { editorSchemas } from "./schema.js";
import { EXIT, type CliIO } from "./io.js";
import { INIT_FILES } from "./init-templates.js";

const SCHEMAS_DIR = "schemas";

/** Every file init writes, by path relative to DIR (forward slashes), in order. */
export function initFiles(): { path: string; content: string }[] {
  return [...INIT_FILES, ...editorSchemas().map((s) => ({ path: `${SCHEMAS_DIR}/${s.name}`, content: s.content }))];
}

export async function initCommand(dir: string, io: CliIO): Promise<number> {
  const files = initFiles();
  try {
    const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw e;
    });
    if (st !== undefined && !st.isDirectory()) {
      io.err(`monac init: ${dir} is not a directory`);
      return EXIT.usage;
    }
    const present: string[] = [];
    for (const f of files) if (await exists(path.join(dir, f.path))) present.push(f.path);
    if (present.includes("monac.yaml")) {
      io.err(`monac init: ${path.join(dir, "monac.yaml")} exists: ${path.resolve(dir)} is a monac workspace already; nothing written`);
      return EXIT.usage;
    }
    if (present.length > 0) {
      io.err(`monac init: would overwrite ${present.map((p) => path.join(dir, p)).join(", ")}; nothing written (move ${present.length === 1 ? "it" : "them"} away, or init another directory)`);
      return EXIT.usage;
    }
  } catch (e) {
    io.err(`monac init: cannot read ${dir}: ${(e as Error).message}`);
    return EXIT.usage;
  }

  const written: string[] = [];
  try {
    for (const f of files) {
      const target = path.join(dir, f.path);
      await mkdir(path.dirname(target), { recursive: true });
      // "wx": fail rather than overwrite a file that appeared since the check.
      await writeFile(target, f.content, { flag: "wx" });
      written.push(target);
    }
  } catch (e) {
    // All or nothing: take back what this run wrote (directories it made stay, empty).
    for (const target of written) await rm(target, { force: true });
    io.err(`monac init: cannot write ${dir}: ${(e as Error).message}; nothing written`);
    return EXIT.usage;
  }

  for (const target of written) io.out(`created ${target}`);
  const inDir = dir === "." ? "" : ` --dir ${dir}`;
  io.out(
    [
      "",
      `A workspace with 2 SLOs (slos/api.yaml) and 2 threshold alerts (alerts/node.yaml), routed to one team (monac.yaml).`,
      "Replace the example's names and selectors with yours, then:",
      `  npx monac build${inDir}    compile it into ${path.join(dir, "out")}/ (Prometheus rules, rule tests, alertmanager.yml, dashboards)`,
      `  npx monac test${inDir}     run the generated rule tests`,
    ].join("\n"),
  );
  return EXIT.ok;
}

/** lstat: a dangling link in the way is in the way too. */
async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
}
