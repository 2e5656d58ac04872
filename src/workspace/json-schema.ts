// JSON Schemas of the spec files, for editor completion and validation
// (yaml-language-server reads a `# yaml-language-server: $schema=...` line).
import * as z from "zod";
import { DashboardFile, SloFile, ThresholdFile, WorkspaceFile } from "./schema.js";

export const SCHEMA_FILES = {
  "slos.schema.json": { schema: SloFile, title: "monac SLO file (slos/*.yaml)" },
  "alerts.schema.json": { schema: ThresholdFile, title: "monac threshold alert file (alerts/*.yaml)" },
  "monac.schema.json": { schema: WorkspaceFile, title: "monac workspace file (monac.yaml)" },
  "dashboards.schema.json": { schema: DashboardFile, title: "monac custom dashboard file (dashboards/*.yaml)" },
} as const;

export function specJsonSchemas(): { name: string; content: string }[] {
  return Object.entries(SCHEMA_FILES).map(([name, { schema, title }]) => {
    // "input": what a person writes, so fields with defaults are optional.
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    return { name, content: `${JSON.stringify({ ...json, title }, null, 2)}\n` };
  });
}
