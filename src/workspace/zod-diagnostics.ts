// Turns zod's validation issues into findings a person can act on: located at
// the offending token, naming the field, saying what was expected and what was
// found, with a "did you mean" for misspelt fields.
import type * as z from "zod";
import { closestName, formatPath, type Diagnostic } from "./diagnostics.js";
import { positionOf, type YamlSource } from "./yaml-source.js";

type Issue = z.core.$ZodIssue;

export function zodDiagnostics(source: YamlSource, schema: z.ZodType, issues: readonly Issue[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const flat = flattenUnions(issues, []);
  // Fields an unknown key was probably meant to be: their "missing" finding
  // would only repeat the "did you mean".
  const suggested = new Set<string>();
  for (const issue of flat) {
    if (issue.code !== "unrecognized_keys") continue;
    const path = issue.path as PropertyKey[];
    const allowed = objectKeysAt(schema, path);
    for (const key of issue.keys) {
      const { message, suggestion } = unknownField(key, allowed);
      if (suggestion) suggested.add(formatPath([...path, suggestion]));
      out.push({
        file: source.file,
        position: positionOf(source, [...path, key], { key: true }),
        path: formatPath([...path, key]),
        message,
      });
    }
  }
  for (const issue of flat) {
    if (issue.code === "unrecognized_keys") continue;
    const path = issue.path as PropertyKey[];
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    if (missing && suggested.has(formatPath(path))) continue;
    out.push({
      file: source.file,
      // A missing field has no node of its own: point at the object that lacks it.
      position: positionOf(source, missing ? path.slice(0, -1) : path),
      path: formatPath(path),
      message: missing ? `missing required field "${String(path[path.length - 1])}"` : issueMessage(issue),
    });
  }
  return out;
}

const SECRET_FIELDS = /^(api_?url|webhook(_?url)?|url|routing_?key|service_?key|integration_?key|token|password|auth_?password|secret)$/i;

function unknownField(key: string, allowed: string[]): { message: string; suggestion: string | undefined } {
  if (SECRET_FIELDS.test(key)) {
    const fileField = allowed.find((a) => a.endsWith("File"));
    return {
      message:
        `literal secret "${key}" is not allowed in a spec: store it in a file readable by Alertmanager` +
        (fileField ? ` and reference it with ${fileField}` : " and reference it with a *File field"),
      suggestion: fileField,
    };
  }
  const suggestion = closestName(key, allowed);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : allowed.length ? `; expected one of: ${allowed.join(", ")}` : "";
  return { message: `unknown field "${key}"${hint}`, suggestion };
}

function issueMessage(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${article(issue.expected)}, got ${describeInput(issue.input)}`;
    case "invalid_value":
      return issue.message.startsWith("Invalid")
        ? `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeInput(issue.input)}`
        : issue.message;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  const noun = type === "record" ? "mapping" : type === "object" ? "mapping" : type === "array" ? "list" : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return JSON.stringify(input);
  return `${typeof input} ${String(input)}`;
}

/**
 * A union reports every branch's complaints. The useful branch is the one whose
 * shape the input matched (e.g. a mapping, not `false`): keep the branch with
 * the fewest type mismatches at its root, and prefix its paths.
 */
function flattenUnions(issues: readonly Issue[], prefix: PropertyKey[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const rootTypeErrors = (branch: readonly Issue[]) =>
        branch.filter((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value")).length;
      const best = [...issue.errors].sort((a, b) => rootTypeErrors(a) - rootTypeErrors(b))[0]!;
      if (rootTypeErrors(best) > 0) {
        // The input matched no branch's shape at all: one message for the field.
        out.push({ ...issue, path, message: issue.message === "Invalid input" ? "has the wrong type" : issue.message } as Issue);
      } else {
        out.push(...flattenUnions(best, path));
      }
      continue;
    }
    out.push({ ...issue, path } as Issue);
  }
  return out;
}

/** Field names an object schema accepts at a path, for "did you mean" hints. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const visit = (s: z.core.$ZodType | undefined, rest: readonly PropertyKey[]) => {
    if (!s) return;
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "nonoptional":
      case "catch":
        return visit(def.innerType as z.core.$ZodType, rest);
      case "pipe":
        return visit(def.in as z.core.$ZodType, rest);
      case "union":
        for (const o of def.options as z.core.$ZodType[]) visit(o, rest);
        return;
      case "array":
        return visit(def.element as z.core.$ZodType, rest.slice(1));
      case "record":
        return visit(def.valueType as z.core.$ZodType, rest.slice(1));
      case "object": {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        if (rest.length === 0) Object.keys(shape).forEach((k) => keys.add(k));
        else visit(shape[String(rest[0])], rest.slice(1));
        return;
      }
    }
  };
  visit(schema as unknown as z.core.$ZodType, path);
  return [...keys].sort();
}
