// `monac schema`: the spec files' JSON Schemas, for editors.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { specJsonSchemas } from "../workspace/json-schema.js";
import { ROUTING_TEST_JSON_SCHEMA, ROUTING_TEST_SCHEMA_FILE } from "../routetest/json-schema.js";
import { EXIT, type CliIO } from "./io.js";

/** Every editor schema monac writes: the spec files' and the routing test format's. */
export function editorSchemas(): { name: string; content: string }[] {
  return [...specJsonSchemas(), { name: ROUTING_TEST_SCHEMA_FILE, content: `${JSON.stringify(ROUTING_TEST_JSON_SCHEMA, null, 2)}\n` }];
}

export async function schemaCommand(outDir: string, check: boolean, io: CliIO): Promise<number> {
  const schemas = editorSchemas();
  if (check) {
    const stale: string[] = [];
    for (const s of schemas) {
      const current = await readFile(path.join(outDir, s.name), "utf8").catch(() => undefined);
      if (current !== s.content) stale.push(path.join(outDir, s.name));
    }
    for (const f of stale) io.err(`${f}: stale or missing; run \`npx monac schema\``);
    return stale.length ? EXIT.findings : EXIT.ok;
  }
  try {
    await mkdir(outDir, { recursive: true });
    for (const s of schemas) await writeFile(path.join(outDir, s.name), s.content);
  } catch (e) {
    io.err(`monac: cannot write ${outDir}: ${(e as Error).message}`);
    return EXIT.usage;
  }
  io.out(`wrote ${schemas.map((s) => path.join(outDir, s.name)).join(", ")}`);
  return EXIT.ok;
}
