// The key of what a generated test file is made from: the models (an SLO, a
// service's threshold alerts) and the numbers the generator is given. Two
// equal keys mean the generator was given the same data, so (with the same
// compiler: the build cache's check) it makes the same file again, and a
// rebuild may take the one it made last time (src/cli/build-cache.ts).
//
// Models are plain data and Decimals. The serialization keeps every value
// apart (a field set to undefined from one left out, NaN from null, a
// Decimal by its exact fraction) and refuses anything else, which JSON would
// write lossily or not at all (a Map as {}): a value it cannot vouch for gives
// no key, and that file is simply generated. Where it errs, it errs apart:
// the same data in another key order, or a fraction not in lowest terms,
// gives another key, and the file is generated again.
import { createHash } from "node:crypto";
import { Decimal } from "../../workspace/decimal.js";

/** SHA-1 (hex) of the serialization of `inputs`; undefined when it holds something other than plain data and Decimals. */
export function inputsKey(inputs: unknown): string | undefined {
  let text: string;
  try {
    text = JSON.stringify(inputs, keyed);
  } catch {
    return undefined;
  }
  return createHash("sha1").update(text).digest("hex");
}

/** JSON.stringify's replacer: what JSON would lose, marked; what is not plain data, refused (thrown). */
function keyed(this: unknown, key: string, value: unknown): unknown {
  // The value itself, not what its toJSON made of it (a Date's string).
  const v = (this as Record<string, unknown>)[key];
  if (!Object.is(v, value)) throw new TypeError("not plain data");
  switch (typeof v) {
    case "string":
      // Marks start with "#": a string that does too is escaped.
      return v.startsWith("#") ? `#${v}` : v;
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) && !Object.is(v, -0) ? v : `#${Object.is(v, -0) ? "-0" : String(v)}`;
    case "undefined":
      return "#u";
    case "object": {
      if (v === null || Array.isArray(v)) return v;
      if (v instanceof Decimal) return `#d${v.num}/${v.den}`;
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto === Object.prototype || proto === null) return v;
      throw new TypeError("not plain data");
    }
    default:
      // Functions, symbols, bigints: not model data.
      throw new TypeError("not plain data");
  }
}
