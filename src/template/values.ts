/**
 * The Go value model the template engine works on.
 *
 * Go templates are dynamically typed over Go's static types, and the output
 * depends on those types: `{{ 1 }}` is an `int`, `{{ 1.0 }}` a `float64`,
 * `printf "%d" 1.5` prints `%!d(float64=1.5)`, a missing key of a
 * `map[string]string` reads as "" but one of a `map[string]interface {}` as
 * `<no value>`. So ints and floats must stay apart: Go `int` is a JS `bigint`,
 * Go `float64` a JS `number`.
 *
 * - `undefined` is Go's invalid `reflect.Value` (printed `<no value>`),
 * - `null` is a nil interface or nil pointer (printed `<nil>` by fmt).
 */

export type Value =
  | undefined
  | null
  | boolean
  | bigint
  | number
  | string
  | GoSlice
  | GoMap
  | GoObject
  | GoFunc;

/**
 * A Go slice; `typeName` is what `%T` prints, e.g. `[]interface {}`.
 * Items are mutable because Go functions may sort a slice in place
 * (Prometheus's sortByLabel does, and callers can observe it).
 */
export class GoSlice {
  constructor(
    readonly typeName: string,
    readonly items: Value[],
  ) {}
}

/**
 * A Go map with string keys (the only kind templates see in Prometheus).
 * `zero` is the zero value of the element type, returned for missing keys
 * under `missingkey=zero` (Prometheus's default option).
 */
export class GoMap {
  constructor(
    readonly typeName: string,
    readonly entries: ReadonlyMap<string, Value>,
    readonly zero: Value,
  ) {}
}

/**
 * A parameter or result type of a Go function, as far as argument checking
 * needs it: `any` is `interface {}`, `reflect` is `reflect.Value` (the
 * builtins' parameters, which also accept the invalid value), the basic
 * kinds, or the `%T` name of a slice/map/object type.
 */
export type GoType = "any" | "reflect" | "string" | "bool" | "int" | "float64" | (string & {});

/** A Go function or bound method. Implementations throw `GoCallError` for a non-nil error result. */
export class GoFunc {
  constructor(
    readonly params: readonly GoType[],
    readonly fn: (args: Value[]) => Value | Promise<Value>,
    /** Element type of a trailing `...T` parameter. */
    readonly variadic?: GoType,
  ) {}
}

/** The error a Go function returned (or the panic it raised). */
export class GoCallError extends Error {}

/**
 * Anything with fields, methods or a String method: structs, pointers to
 * structs, and named integer types such as `time.Duration`.
 */
export abstract class GoObject {
  /** `%T` of the value, e.g. `*template.sample`. */
  abstract readonly typeName: string;
  /** reflect.Kind that matters for truth and comparison. */
  abstract readonly kind: "struct" | "ptr" | "int";
  /** For kind "int": the integer value. */
  intValue(): bigint {
    return 0n;
  }
  /** Exported fields in declaration order. */
  fieldNames(): readonly string[] {
    return [];
  }
  /** A field's value, or NO_FIELD when the type has no such field. */
  field(_name: string): Value | typeof NO_FIELD {
    return NO_FIELD;
  }
  method(_name: string): GoFunc | undefined {
    return undefined;
  }
  /** fmt.Stringer, if the type implements it. */
  goString(): string | undefined {
    return undefined;
  }
  /** For kind "ptr": the pointed-to value, so a `*T` is accepted where a `T` is expected. */
  deref(): GoObject | undefined {
    return undefined;
  }
}

export const NO_FIELD: unique symbol = Symbol("no field");

/** A plain struct with fixed fields and no methods. */
export class GoStruct extends GoObject {
  readonly kind = "struct" as const;
  constructor(
    readonly typeName: string,
    private readonly fields: ReadonlyMap<string, Value>,
  ) {
    super();
  }
  override fieldNames(): readonly string[] {
    return [...this.fields.keys()];
  }
  override field(name: string): Value | typeof NO_FIELD {
    return this.fields.has(name) ? this.fields.get(name) : NO_FIELD;
  }
}

/** `%T` as Go prints it. */
export function typeName(v: Value): string {
  if (v === undefined || v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "string":
      return "string";
  }
  if (v instanceof GoFunc) return "func";
  return v.typeName;
}

/** How a parameter type is spelled in Go's error messages. */
export function goTypeString(t: GoType): string {
  if (t === "any") return "interface {}";
  if (t === "reflect") return "reflect.Value";
  return t;
}

export function stringMap(record: Readonly<Record<string, string>>): GoMap {
  return new GoMap("map[string]string", new Map(Object.entries(record)), "");
}

export function anyMap(entries: ReadonlyMap<string, Value>): GoMap {
  return new GoMap("map[string]interface {}", entries, null);
}

/**
 * Go's string ordering is byte-wise over UTF-8, which is code-point order;
 * JS's `<` compares UTF-16 code units and disagrees above U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Go's `truth` as used by if/with/and/or/not: the value is not the zero of its type. */
export function isTrue(v: Value): { truth: boolean; ok: boolean } {
  if (v === undefined || v === null) return { truth: false, ok: true };
  switch (typeof v) {
    case "boolean":
      return { truth: v, ok: true };
    case "bigint":
      return { truth: v !== 0n, ok: true };
    case "number":
      return { truth: v !== 0, ok: true };
    case "string":
      return { truth: v.length > 0, ok: true };
  }
  if (v instanceof GoSlice) return { truth: v.items.length > 0, ok: true };
  if (v instanceof GoMap) return { truth: v.entries.size > 0, ok: true };
  if (v instanceof GoFunc) return { truth: true, ok: true };
  switch (v.kind) {
    case "struct":
      return { truth: true, ok: true };
    case "ptr":
      return { truth: true, ok: true };
    case "int":
      return { truth: v.intValue() !== 0n, ok: true };
  }
}

/** UTF-8 byte length, for Go's byte-based columns and `len` of strings. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
