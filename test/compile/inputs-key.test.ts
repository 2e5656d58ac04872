// The key a generated test file's inputs are recorded by (a rebuild reuses the
// file when its key is the same): equal data, equal keys; anything that
// differs, or that the key cannot vouch for, never an equal key.
import { describe, expect, it } from "vitest";
import { inputsKey } from "../../src/compile/rule-tests/inputs-key.js";
import { Decimal } from "../../src/workspace/decimal.js";

describe("inputsKey", () => {
  it("is the same for the same data, Decimals by value", () => {
    const a = { slo: { objective: Decimal.of("99.9").div(Decimal.of(100)), labels: { team: "a" }, tiers: [1, 2] }, stepMs: 60_000 };
    const b = { slo: { objective: Decimal.of("0.999"), labels: { team: "a" }, tiers: [1, 2] }, stepMs: 60_000 };
    expect(inputsKey(a)).toMatch(/^[0-9a-f]{40}$/);
    expect(inputsKey(a)).toBe(inputsKey(b));
  });

  it("tells apart what JSON would write alike", () => {
    const keys = [
      { v: undefined },
      {},
      { v: null },
      { v: Number.NaN },
      { v: Number.POSITIVE_INFINITY },
      { v: -0 },
      { v: 0 },
      { v: "#u" },
      { v: "#d1/2" },
      { v: Decimal.of("0.5") },
      { v: "0.5" },
      { v: 0.5 },
      { v: [undefined] },
      { v: [] },
      { v: [null] },
    ].map(inputsKey);
    expect(keys.every((k) => k !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("refuses what is not plain data", () => {
    for (const v of [new Map([["a", 1]]), new Set([1]), new Date(0), /re/, () => 1, 1n, Symbol("s"), new (class Model {})()]) {
      expect(inputsKey({ slo: { v } }), String(v)).toBeUndefined();
    }
    expect(inputsKey({ slo: Object.assign(Object.create(null) as object, { a: 1 }) })).toBe(inputsKey({ slo: { a: 1 } }));
  });
});
