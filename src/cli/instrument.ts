// `monac instrument`: only the instrumentation modules, out/instrument/<service>.ts
// (the same files `monac build` writes), for a service's repository or CI.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { contractServices, instrumentArtifacts, MODULE_MARKER } from "../instrument/index.js";
import { formatDiagnostic, isError } from "../workspace/diagnostics.js";
import { EXIT, type CliIO } from "./io.js";
import { COMMAND_USAGE } from "./usage.js";
import { openWorkspace } from "./workspace-dir.js";

export async function instrumentCommand(args: string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        dir: { type: "string", default: "." },
        out: { type: "string" },
        service: { type: "string", multiple: true, default: [] },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err(`monac instrument: ${(e as Error).message}\n\n${COMMAND_USAGE.instrument}`);
    return EXIT.usage;
  }
  const dir = values.dir!;
  const outDir = values.out ?? path.join(dir, "out", "instrument");

  const loaded = await openWorkspace(dir, io);
  if (typeof loaded === "number") return loaded;
  for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
  if (!loaded.model) {
    io.err(`${loaded.diagnostics.filter(isError).length} spec errors; nothing written`);
    return EXIT.findings;
  }
  const model = loaded.model;
  const services = values.service!;
  const known = contractServices(model);
  for (const s of services) {
    if (!known.includes(s)) {
      io.err(`monac instrument: --service ${s}: no SLOs for this service; services with SLOs: ${known.join(", ") || "none"}\n\n${COMMAND_USAGE.instrument}`);
      return EXIT.usage;
    }
  }
  const modules = instrumentArtifacts(model, services.length > 0 ? services : undefined);
  if (modules.length === 0) {
    io.out("no service reads a metric monac can declare (raw SLIs only): nothing written");
    return EXIT.ok;
  }
  try {
    // A file of that name that monac did not write is someone's: stop before writing anything.
    const blocked: string[] = [];
    const files = modules.map((m) => ({ ...m, file: path.join(outDir, path.basename(m.path)) }));
    for (const m of files) {
      const current = await readFile(m.file, "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
      if (current !== undefined && !current.startsWith(MODULE_MARKER)) blocked.push(m.file);
    }
    if (blocked.length > 0) {
      for (const b of blocked) io.err(`${b}: not written by monac; not replaced`);
      io.err("nothing written");
      return EXIT.findings;
    }
    await mkdir(outDir, { recursive: true });
    for (const m of files) {
      const temp = path.join(outDir, `.${path.basename(m.file)}.${process.pid}.tmp`);
      await writeFile(temp, m.content);
      await rename(temp, m.file);
      io.out(`wrote ${m.file}`);
    }
  } catch (e) {
    io.err(`monac instrument: cannot write ${outDir}: ${(e as Error).message}`);
    return EXIT.usage;
  }
  return EXIT.ok;
}
