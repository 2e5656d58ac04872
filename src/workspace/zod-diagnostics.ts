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
      // A bad name in a record (a receiver, a team, a label) is about the key, not its value.
      position: positionOf(source, missing ? path.slice(0, -1) : path, { key: issue.code === "invalid_key" }),
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

// zod's own messages ("Invalid input: expected number, received string",
// "Invalid key in record", "Too big: expected int to be <=9007199254740991")
// speak of JS types; the schema's custom messages speak the spec's terms.
const LIBRARY_MESSAGE = /^(Invalid|Too big|Too small|Unrecognized)\b/;

function issueMessage(issue: Issue): string {
  if (issue.code === "invalid_type") return `expected ${article(issue.expected)}, got ${describeInput(issue.input)}`;
  // A record's key is checked by its own schema ("receiver name must be ...").
  if (issue.code === "invalid_key") return issue.issues[0] ? issueMessage(issue.issues[0]) : `invalid name ${describeInput(issue.input)}`;
  if (!LIBRARY_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_value":
      return `expected ${joinAlternatives(issue.values.map((v) => JSON.stringify(v)))}, got ${describeInput(issue.input)}`;
    case "invalid_union":
      return `expected ${joinAlternatives(expectedShapes(issue))}, got ${describeInput(issue.input)}`;
    case "too_big":
    case "too_small": {
      const bound = issue.code === "too_big" ? `at most ${issue.maximum}` : `at least ${issue.minimum}`;
      const what = issue.origin === "array" ? `a list of ${bound} items` : issue.origin === "string" ? `text of ${bound} characters` : bound;
      return `expected ${what}, got ${describeInput(issue.input)}`;
    }
    default:
      return `unexpected value ${describeInput(issue.input)}`;
  }
}

/** What the branches of a union that matched no branch expected at its root: "a list", "a mapping", "false". */
function expectedShapes(issue: Issue): string[] {
  if (issue.code === "invalid_type") return [article(issue.expected)];
  if (issue.code === "invalid_value") return issue.values.map((v) => JSON.stringify(v));
  if (issue.code !== "invalid_union") return [];
  const shapes = issue.errors.flatMap((branch) => branch.filter((i) => i.path.length === 0).flatMap(expectedShapes));
  return [...new Set(shapes)];
}

function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "something else";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function article(type: string): string {
  const noun = type === "record" || type === "object" || type === "map" ? "mapping" : type === "array" ? "list" : type === "int" ? "whole number" : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** A value in the file's terms: YAML spells the float specials .nan and .inf. */
function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return JSON.stringify(input);
  if (typeof input === "number" && !Number.isFinite(input)) return Number.isNaN(input) ? ".nan" : input > 0 ? ".inf" : "-.inf";
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
    // A union with its own message (a threshold: number or duration) says best what it wanted.
    if (issue.code === "invalid_union" && issue.errors.length > 0 && LIBRARY_MESSAGE.test(issue.message)) {
      const best = [...issue.errors].sort((a, b) => rootMismatches(a) - rootMismatches(b))[0]!;
      if (rootMismatches(best) > 0) {
        // The input matched no branch's shape at all: one message for the field.
        out.push({ ...issue, path } as Issue);
      } else {
        out.push(...flattenUnions(best, path));
      }
      continue;
    }
    out.push({ ...issue, path } as Issue);
  }
  return out;
}

/**
 * How many of a branch's complaints say the input has another shape than the
 * branch's (a nested union counts when none of its own branches fit either),
 * rather than a problem further in.
 */
function rootMismatches(branch: readonly Issue[]): number {
  return branch.filter(
    (i) =>
      i.path.length === 0 &&
      (i.code === "invalid_type" || i.code === "invalid_value" || (i.code === "invalid_union" && i.errors.every((b) => rootMismatches(b) > 0))),
  ).length;
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
