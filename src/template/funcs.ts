/**
 * text/template's builtin functions (text/template/funcs.go).
 *
 * Comparison follows Go's rules exactly, including the classic alerting
 * gotcha: `gt $value 1` fails with "incompatible types for comparison"
 * because $value is a float64 and 1 an int literal; write `gt $value 1.0`.
 */
import { formatValue, sprint, sprintf, sprintln } from "./gofmt.js";
import { isPrint } from "../go/strconv.js";
import {
  GoCallError,
  GoFunc,
  GoMap,
  GoObject,
  GoSlice,
  goTypeString,
  isTrue,
  typeName,
  utf8Length,
  type GoType,
  type Value,
} from "./values.js";

function fail(msg: string): never {
  throw new GoCallError(msg);
}

/** `reflect.Value` parameters receive nil interfaces as the invalid value. */
function indirectInterface(v: Value): Value {
  return v === null ? undefined : v;
}

/** indirect: follow pointers; returns isNil for a nil pointer or interface. */
function indirect(v: Value): { v: Value; isNil: boolean } {
  if (v === null) return { v, isNil: true };
  if (v instanceof GoObject && v.kind === "ptr") {
    const elem = v.deref();
    return elem ? { v: elem, isNil: false } : { v, isNil: true };
  }
  return { v, isNil: false };
}

function truth(v: Value): boolean {
  return isTrue(indirectInterface(v)).truth;
}

type BasicKind = "invalid" | "bool" | "int" | "float" | "string";

function basicKind(v: Value): BasicKind {
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
  }
  if (v instanceof GoObject && v.kind === "int") return "int";
  return "invalid";
}

function asInt(v: Value): bigint {
  return typeof v === "bigint" ? v : (v as GoObject).intValue();
}

/** reflect.Kind names for the non-basic values eq may meet. */
function reflectKind(v: Value): string {
  if (v === undefined || v === null) return "invalid";
  if (v instanceof GoSlice) return "slice";
  if (v instanceof GoMap) return "map";
  if (v instanceof GoFunc) return "func";
  if (v instanceof GoObject) return v.kind;
  return typeof v;
}

function eq(args: Value[]): boolean {
  const arg1 = indirectInterface(args[0]);
  const rest = args.slice(1);
  if (rest.length === 0) fail("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (const a of rest) {
    const arg = indirectInterface(a);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) {
        fail(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
      }
    } else {
      switch (k1) {
        case "bool":
        case "float":
        case "string":
          t = arg1 === arg;
          break;
        case "int":
          t = asInt(arg1) === asInt(arg);
          break;
        default: {
          const kind1 = reflectKind(arg1);
          const kind2 = reflectKind(arg);
          if (kind1 !== kind2 && kind1 !== "invalid" && kind2 !== "invalid") {
            fail(`non-comparable types ${formatValue(arg1)}: ${typeName(arg1)}, ${typeName(arg)}: ${formatValue(arg)}`);
          }
          if (arg1 === undefined || arg === undefined) {
            t = arg1 === arg;
          } else {
            // Slices, maps and funcs (and structs holding them) are not comparable in Go.
            if (kind2 === "slice" || kind2 === "map" || kind2 === "func" || kind2 === "struct") {
              fail(`non-comparable type ${formatValue(arg)}: ${typeName(arg)}`);
            }
            t = arg1 === arg;
          }
        }
      }
    }
    if (t) return true;
  }
  return false;
}

function lt(a1: Value, a2: Value): boolean {
  const arg1 = indirectInterface(a1);
  const arg2 = indirectInterface(a2);
  const k1 = basicKind(arg1);
  const k2 = basicKind(arg2);
  if (k1 === "invalid" || k2 === "invalid") fail("invalid type for comparison");
  if (k1 !== k2) fail(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  switch (k1) {
    case "bool":
      fail("invalid type for comparison");
    case "int":
      return asInt(arg1) < asInt(arg2);
    case "string":
      // Byte-wise, i.e. code point order.
      return compareCodePoints(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as number) < (arg2 as number);
  }
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function indexArg(index: Value, cap: number): number {
  let x: bigint;
  if (typeof index === "bigint") x = index;
  else if (index instanceof GoObject && index.kind === "int") x = index.intValue();
  else if (index === undefined) fail("cannot index slice/array with nil");
  else fail(`cannot index slice/array with type ${typeName(index)}`);
  if (x < 0n || x > BigInt(cap)) fail(`index out of range: ${x}`);
  return Number(x);
}

function index(args: Value[]): Value {
  let item = indirectInterface(args[0]);
  if (item === undefined) fail("index of untyped nil");
  for (const raw of args.slice(1)) {
    const idx = indirectInterface(raw);
    const ind = indirect(item);
    if (ind.isNil) fail("index of nil pointer");
    item = ind.v;
    if (item instanceof GoSlice) {
      const x = indexArg(idx, item.items.length);
      // indexArg allows x == len (a slice bound); indexing there panics in reflect.
      if (x === item.items.length) fail("reflect: slice index out of range");
      item = item.items[x];
    } else if (typeof item === "string") {
      const bytes = Buffer.from(item, "utf8");
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) fail("reflect: string index out of range");
      item = BigInt(bytes[x]!); // a byte
    } else if (item instanceof GoMap) {
      if (idx === undefined) fail("value is nil; should be of type string");
      if (typeof idx !== "string") fail(`value has type ${typeName(idx)}; should be string`);
      item = item.entries.has(idx) ? item.entries.get(idx) : item.zero;
    } else {
      fail(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(args: Value[]): Value {
  const item = indirectInterface(args[0]);
  const indexes = args.slice(1);
  if (item === undefined) fail("slice of untyped nil");
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === "string") {
    if (indexes.length === 3) fail("cannot 3-index slice a string");
    len = utf8Length(item);
  } else if (item instanceof GoSlice) {
    len = item.items.length;
  } else {
    fail(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, len];
  indexes.forEach((v, i) => {
    idx[i] = indexArg(v, len);
  });
  const [lo, hi, max] = idx as [number, number, number];
  if (lo > hi) fail(`invalid slice index: ${lo} > ${hi}`);
  if (indexes.length === 3 && hi > max) fail(`invalid slice index: ${hi} > ${max}`);
  if (typeof item === "string") return Buffer.from(item, "utf8").subarray(lo, hi).toString("utf8");
  return new GoSlice(item.typeName, item.items.slice(lo, hi));
}

function length(v: Value): bigint {
  const ind = indirect(v);
  if (ind.isNil) fail("len of nil pointer");
  const item = ind.v;
  if (typeof item === "string") return BigInt(utf8Length(item));
  if (item instanceof GoSlice) return BigInt(item.items.length);
  if (item instanceof GoMap) return BigInt(item.entries.size);
  // reflect panics asking the type of the invalid value; safeCall reports the panic.
  if (item === undefined) fail("reflect: call of reflect.Value.Type on zero Value");
  fail(`len of type ${typeName(item)}`);
}

function prepareArg(v: Value, t: GoType): Value {
  if (v === undefined) {
    if (t === "string" || t === "bool" || t === "int" || t === "float64") fail(`value is nil; should be of type ${goTypeString(t)}`);
    return null;
  }
  if (t === "any" || t === "reflect" || typeName(v) === t) return v;
  fail(`value has type ${typeName(v)}; should be ${goTypeString(t)}`);
}

async function call(args: Value[]): Promise<Value> {
  const name = args[0] as string;
  const fn = indirectInterface(args[1]);
  const rest = args.slice(2);
  if (fn === undefined) fail("call of nil");
  if (!(fn instanceof GoFunc)) fail(`non-function ${name} of type ${typeName(fn)}`);
  const numIn = fn.params.length;
  if (fn.variadic !== undefined) {
    if (rest.length < numIn) fail(`wrong number of args for ${name}: got ${rest.length} want at least ${numIn}`);
  } else if (rest.length !== numIn) {
    fail(`wrong number of args for ${name}: got ${rest.length} want ${numIn}`);
  }
  const argv = rest.map((a, i) => {
    const t = i < numIn ? fn.params[i]! : fn.variadic!;
    try {
      return prepareArg(indirectInterface(a), t);
    } catch (e) {
      fail(`arg ${i}: ${(e as Error).message}`);
    }
  });
  return fn.fn(argv);
}

/** evalArgs: one string is used as is; otherwise print like the template would, then Sprint. */
function evalArgs(args: Value[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(
    args.map((a) => {
      if (a === undefined || a === null) return "<no value>";
      if (a instanceof GoObject && a.kind === "ptr" && a.goString() === undefined) return a.deref() ?? a;
      return a;
    }),
  );
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    ({ "\0": "\uFFFD", "\"": "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!,
  );
}

export function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case "\\": out += "\\\\"; continue;
      case "'": out += "\\'"; continue;
      case "\"": out += "\\\""; continue;
      case "<": out += "\\u003C"; continue;
      case ">": out += "\\u003E"; continue;
      case "&": out += "\\u0026"; continue;
      case "=": out += "\\u003D"; continue;
    }
    if (cp < 0x20) out += "\\u00" + cp.toString(16).toUpperCase().padStart(2, "0");
    else if (cp < 0x80 || isPrint(cp)) out += ch;
    else out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
  }
  return out;
}

/** url.QueryEscape: everything but [A-Za-z0-9-_.~] is %XX-escaped; space becomes '+'. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

const R = "reflect";

export const builtins: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  // and/or are evaluated lazily by the executor; these bodies never run.
  ["and", new GoFunc([R], (a) => a[a.length - 1], R)],
  ["or", new GoFunc([R], (a) => a[a.length - 1], R)],
  ["call", new GoFunc([R], call, R)],
  ["html", new GoFunc([], (a) => htmlEscape(evalArgs(a)), "any")],
  ["index", new GoFunc([R], index, R)],
  ["slice", new GoFunc([R], slice, R)],
  ["js", new GoFunc([], (a) => jsEscape(evalArgs(a)), "any")],
  ["len", new GoFunc([R], (a) => length(a[0]))],
  ["not", new GoFunc([R], (a) => !truth(a[0]))],
  ["print", new GoFunc([], sprint, "any")],
  ["printf", new GoFunc(["string"], (a) => sprintf(a[0] as string, a.slice(1)), "any")],
  ["println", new GoFunc([], sprintln, "any")],
  ["urlquery", new GoFunc([], (a) => queryEscape(evalArgs(a)), "any")],
  ["eq", new GoFunc([R], eq, R)],
  ["ne", new GoFunc([R, R], (a) => !eq(a))],
  ["lt", new GoFunc([R, R], (a) => lt(a[0], a[1]))],
  ["le", new GoFunc([R, R], (a) => lt(a[0], a[1]) || eq(a))],
  ["gt", new GoFunc([R, R], (a) => !(lt(a[0], a[1]) || eq(a)))],
  ["ge", new GoFunc([R, R], (a) => !lt(a[0], a[1]))],
]);
