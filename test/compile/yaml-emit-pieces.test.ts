// emitYaml writes short strings from a cache of ready-made pieces (key with
// colon, value with line end) and decides long ones afresh; literal blocks pad
// every non-empty line. Both paths must write the same text.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emitYaml } from "../../src/compile/yaml-emit.js";

const long = (s: string) => s + "x".repeat(60);

describe("emitYaml pieces", () => {
  it("writes a string the same way whether it is short (cached) or long", () => {
    for (const s of ["plain", "09:00", "a: b", 'q"uote', "true", "tab\there"]) {
      const short = emitYaml({ [s]: s, list: [s, { [s]: s }] });
      const again = emitYaml({ [s]: s, list: [s, { [s]: s }] });
      expect(again).toBe(short);
      const l = long(s);
      const doc = { [l]: l, list: [l, { [l]: l }] };
      expect(parse(emitYaml(doc), { version: "1.1" })).toEqual(doc);
    }
  });

  it("pads every non-empty line of a literal block", () => {
    const cases: [string, string][] = [
      ["a\nb", "k: |-\n  a\n  b\n"],
      ["a\n\nb", "k: |-\n  a\n\n  b\n"],
      ["a\nb\n", "k: |\n  a\n  b\n"],
      ["\na\nb", "k: |-\n\n  a\n  b\n"],
      ["\n", "k: |\n\n"],
    ];
    for (const [value, text] of cases) {
      expect(emitYaml({ k: value })).toBe(text);
      expect(emitYaml({ outer: [{ k: value }] })).toBe(`outer:\n  - ${text.replace(/\n(?=.)/g, "\n    ")}`);
    }
    // Text ending in blank lines keeps its pieces (a `|` block reads back one line end: as before).
    expect(emitYaml({ k: "a\nb\n\n" })).toBe("k: |\n  a\n  b\n\n");
  });
});
