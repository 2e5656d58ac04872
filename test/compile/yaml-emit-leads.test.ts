// emitYaml writes what comes before a key (its line end, indent, or the "- "
// of the sequence item it opens) with the key as one cached piece. Every way a
// map or sequence can be placed must still write the same block layout.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emitYaml, type YamlValue } from "../../src/compile/yaml-emit.js";

const long = "k".repeat(60);

describe("emitYaml leads", () => {
  it("writes maps as items of sequences, first and later, under a key and at the top", () => {
    expect(emitYaml({ list: [{ a: 1, b: 2 }, { c: 3 }] })).toBe("list:\n  - a: 1\n    b: 2\n  - c: 3\n");
    expect(emitYaml([{ a: 1 }, { b: { c: 2 } }])).toBe("- a: 1\n- b:\n    c: 2\n");
    expect(emitYaml({ list: ["x", { a: 1 }, ["z"], { b: 2 }] })).toBe("list:\n  - x\n  - a: 1\n  - - z\n  - b: 2\n");
  });

  it("writes sequences in sequences after the outer dash", () => {
    expect(emitYaml([[{ a: 1, b: 2 }, { c: 3 }], [["x"]]])).toBe("- - a: 1\n    b: 2\n  - c: 3\n- - - x\n");
    expect(emitYaml({ k: [[{ a: 1 }], []] })).toBe("k:\n  - - a: 1\n  -  []\n");
  });

  it("writes empty and all-undefined maps where items and values go", () => {
    expect(emitYaml({})).toBe("{}\n");
    expect(emitYaml({ a: undefined })).toBe("{}\n");
    expect(emitYaml({ m: {}, u: { x: undefined }, s: [] })).toBe("m: {}\nu: {}\ns: []\n");
    expect(emitYaml({ list: [{}, { x: undefined }, { a: 1 }] })).toBe("list:\n  -  {}\n  -  {}\n  - a: 1\n");
    expect(emitYaml([{}, [{}]])).toBe("-  {}\n- -  {}\n");
    // An undefined first key: the map starts at the first written key.
    expect(emitYaml({ list: [{ a: undefined, b: 1 }], m: { a: undefined, b: { c: undefined, d: 2 } } })).toBe("list:\n  - b: 1\nm:\n  b:\n    d: 2\n");
  });

  it("writes the same key the same way at every indent and place", () => {
    const doc: YamlValue = { a: { a: { a: [{ a: "a" }, { a: [{ a: 1 }] }] } }, "x: y": [{ "x: y": { "x: y": 1 } }] };
    const text = emitYaml(doc);
    expect(emitYaml(doc)).toBe(text);
    expect(parse(text)).toEqual(doc);
    expect(text).toBe('a:\n  a:\n    a:\n      - a: a\n      - a:\n          - a: 1\n"x: y":\n  - "x: y":\n      "x: y": 1\n');
  });

  it("writes long and multi-line keys (not cached) with the same leads", () => {
    const doc: YamlValue = { list: [{ [long]: 1, [`${long}: x`]: { [long]: 2 } }], [long]: [{ [long]: "v" }] };
    expect(parse(emitYaml(doc))).toEqual(doc);
    expect(emitYaml({ list: [{ [long]: 1 }] })).toBe(`list:\n  - ${long}: 1\n`);
    // A multi-line key is written as a literal block, as before; only the layout around it is checked here.
    expect(emitYaml({ list: [{ "a\nb": 1 }] })).toBe("list:\n  - |-\n      a\n      b: 1\n");
  });

  it("round-trips nested collections of every kind", () => {
    const doc: YamlValue = {
      groups: [
        { name: "g", rules: [{ record: "r", expr: "sum(x)", labels: { a: "1", b: "true" } }, { alert: "A", for: "5m", annotations: { d: "line\nline" } }] },
        { name: "h", rules: [] },
      ],
      nested: [[1, [2, [3, { deep: [{ deeper: {} }] }]]]],
      top: { empty: [], none: {}, n: null, t: true, f: 0.5 },
    };
    expect(parse(emitYaml(doc), { version: "1.1" })).toEqual(doc);
    expect(parse(emitYaml(doc), { version: "1.2" })).toEqual(doc);
  });
});
