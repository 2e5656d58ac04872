// `monac import sloth|pyrra|openslo FILE...`: another tool's SLO specs as monac
// spec files, one per service, checked by monac's own loader before anything
// is written.
import { lstat, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { importSpecs, type ImportFormat, type ImportSource } from "../import/index.js";
import { parse } from "yaml";
import { compareDiagnostics, formatDiagnostic, isError } from "../workspace/diagnostics.js";
import { discoverSpecFiles, loadWorkspaceFromTexts, SPEC_DIRS, WORKSPACE_FILE } from "../workspace/workspace.js";
import { EXIT, type CliIO } from "./io.js";
import { COMMAND_USAGE } from "./usage.js";

const FORMATS: readonly ImportFormat[] = ["sloth", "pyrra", "openslo"];

export async function importCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      dir: { type: "string", default: "." },
      out: { type: "string" },
      team: { type: "string" },
      windows: { type: "string" },
      force: { type: "boolean", default: false },
      partial: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const usage = (msg: string) => {
    io.err(`monac import: ${msg}\n\n${COMMAND_USAGE.import}`);
    return EXIT.usage;
  };
  const [format, ...files] = positionals;
  if (format === undefined) return usage(`expected a format (${FORMATS.join(", ")}) and at least one FILE`);
  if (!(FORMATS as readonly string[]).includes(format)) return usage(`unknown format "${format}": expected ${FORMATS.join(", ")}`);
  if (files.length === 0) return usage("expected at least one FILE");
  if (values.windows !== undefined && format !== "sloth") return usage("--windows is a Sloth AlertWindows file; it only applies to sloth");

  const read = async (file: string): Promise<ImportSource | string> => {
    try {
      return { path: file, text: await readFile(file, "utf8") };
    } catch (e) {
      return `cannot read ${file}: ${(e as Error).message}`;
    }
  };
  const sources: ImportSource[] = [];
  for (const file of files) {
    const s = await read(file);
    if (typeof s === "string") return ioError(io, s);
    sources.push(s);
  }
  let windows: ImportSource | undefined;
  if (values.windows !== undefined) {
    const s = await read(values.windows);
    if (typeof s === "string") return ioError(io, s);
    windows = s;
  }

  const result = importSpecs(format as ImportFormat, sources, { team: values.team, windows });
  const findings = [...result.findings];
  const dir = values.dir!;
  const outDir = values.out ?? path.join(dir, SPEC_DIRS.slos);

  // The imported files, checked by the loader as the build will read them:
  // next to the workspace's own specs when --dir is a workspace (so the team
  // must exist and names must not clash), on their own otherwise.
  let context: { rel: string; text: string }[] = [];
  try {
    context = await workspaceTexts(dir);
  } catch (e) {
    return ioError(io, `cannot read the workspace in ${dir}: ${(e as Error).message}`);
  }
  const imported = result.files.map((f) => ({ rel: `${SPEC_DIRS.slos}/${f.path}`, text: f.text }));
  const importedRels = new Set(imported.map((f) => f.rel));
  const hasWorkspace = context.some((f) => f.rel === WORKSPACE_FILE);
  const loaded = loadWorkspaceFromTexts([...context.filter((f) => !importedRels.has(f.rel)), ...imported]);
  const outRel = (rel: string) => path.join(outDir, rel.slice(SPEC_DIRS.slos.length + 1));
  for (const d of loaded.diagnostics) {
    if (!importedRels.has(d.file)) continue;
    findings.push({ ...d, file: outRel(d.file), message: `${d.message} (in the imported spec${hasWorkspace ? `, checked against ${path.join(dir, WORKSPACE_FILE)}` : ""})` });
  }
  findings.sort(compareDiagnostics);
  for (const d of findings) io.err(formatDiagnostic(d));

  const errors = findings.filter(isError);
  const importedBad = new Set(loaded.diagnostics.filter((d) => importedRels.has(d.file) && isError(d)).map((d) => d.file));
  if (errors.length > 0 && !values.partial) {
    io.err(`${errors.length} finding${errors.length === 1 ? " stops" : "s stop"} the import; nothing written (--partial writes the SLOs that import cleanly)`);
    return EXIT.findings;
  }
  const toWrite = imported.filter((f) => !importedBad.has(f.rel));
  if (toWrite.length === 0) {
    io.err("monac import: nothing to write");
    return EXIT.findings;
  }

  // Never overwrite a spec by accident: every target is checked before any is written.
  if (!values.force) {
    for (const f of toWrite) {
      const target = outRel(f.rel);
      if (await exists(target)) {
        io.err(`monac import: ${target} exists; nothing written (--force replaces it)`);
        return EXIT.findings;
      }
    }
  }
  const written: string[] = [];
  try {
    await mkdir(outDir, { recursive: true });
    for (const f of toWrite) {
      const target = outRel(f.rel);
      const tmp = `${target}.tmp-${process.pid}`;
      await writeFile(tmp, f.text);
      await rename(tmp, target);
      written.push(target);
    }
  } catch (e) {
    await Promise.all(toWrite.map((f) => rm(`${outRel(f.rel)}.tmp-${process.pid}`, { force: true })));
    return ioError(io, `cannot write to ${outDir}: ${(e as Error).message}${written.length ? ` (already written: ${written.join(", ")})` : ""}`);
  }
  const slos = toWrite.reduce((n, f) => n + countSlos(f.text), 0);
  io.out(`wrote ${written.join(", ")}: ${slos} SLO${slos === 1 ? "" : "s"} from ${sources.length} ${format} file${sources.length === 1 ? "" : "s"}`);
  if (!hasWorkspace) io.out(`next: add the team to monac.yaml's teams, then run "monac build"`);
  return errors.length > 0 ? EXIT.findings : EXIT.ok;
}

function ioError(io: CliIO, message: string): number {
  io.err(`monac import: ${message}`);
  return EXIT.usage;
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** The workspace's spec files as text, or none when `dir` has no monac.yaml. */
async function workspaceTexts(dir: string): Promise<{ rel: string; text: string }[]> {
  if (!(await exists(path.join(dir, WORKSPACE_FILE)))) return [];
  const rels = await discoverSpecFiles(dir);
  return Promise.all(rels.map(async (rel) => ({ rel, text: await readFile(path.join(dir, rel), "utf8") })));
}

function countSlos(text: string): number {
  const data = parse(text) as { slos?: unknown[] } | null;
  return data?.slos?.length ?? 0;
}
