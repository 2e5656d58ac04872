// The published JSON Schemas are current and describe the specs people write.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { specJsonSchemas } from "../../src/workspace/json-schema.js";
import { REPO_ROOT } from "../support/workspace.js";

describe("spec JSON Schemas", () => {
  const schemas = specJsonSchemas();

  it.each(schemas.map((s) => s.name))("schemas/%s is up to date (run `npx monac schema`)", (name) => {
    const committed = readFileSync(path.join(REPO_ROOT, "schemas", name), "utf8");
    expect(committed).toBe(schemas.find((s) => s.name === name)!.content);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validator = (name: string) => ajv.compile(JSON.parse(schemas.find((s) => s.name === name)!.content));
  const examples = [
    ["monac.schema.json", "monac.yaml"],
    ...readdirSync(path.join(REPO_ROOT, "slos")).map((f) => ["slos.schema.json", `slos/${f}`]),
    ...readdirSync(path.join(REPO_ROOT, "alerts")).map((f) => ["alerts.schema.json", `alerts/${f}`]),
    ...readdirSync(path.join(REPO_ROOT, "dashboards")).map((f) => ["dashboards.schema.json", `dashboards/${f}`]),
  ];

  it.each(examples)("%s accepts the example %s", (schema, file) => {
    const validate = validator(schema!);
    const ok = validate(parse(readFileSync(path.join(REPO_ROOT, file!), "utf8")));
    expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("rejects a misspelt field, as the editor would flag it", () => {
    const validate = validator("slos.schema.json");
    expect(validate({ service: "a", team: "b", slos: [{ name: "x", objetive: 99, sli: {} }] })).toBe(false);
  });
});
