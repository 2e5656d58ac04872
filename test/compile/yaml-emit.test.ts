import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emitYaml, type YamlValue } from "../../src/compile/yaml-emit.js";

const TRICKY = [
  "", " ", "a b", "5m", "30s", "09:00", "1:30", "2024-01-01", "99.95", "1e3", "0x1F", ".inf", "-.5", "+1",
  "true", "False", "yes", "no", "on", "off", "null", "~", "y", "<<", "- item", "? q", ": c", "a: b", "a:", "a #b", "a#b",
  "#c", "&a", "*a", "!t", "|x", ">x", "'s'", '"d"', "%p", "@a", "`b`", "[x]", "{x}", ",x", "x,y", "trailing ",
  'sum(rate(http_requests_total{job="api", code=~"5.."}[5m]))', "{{ $value | humanizePercentage }}",
  'a "quoted" and \'single\' mix', "back\\slash", "tab\there", "multi\nline", "multi\nline\n", "  indented\nblock",
  "trailing space \nline", "unicode × é ✓", "https://example.com/a?b=c&d#e", "smtp.example.com:587", "#payments-alerts",
  "0\\.30*", "le=~\"1(\\\\.0+)?\"",
];

describe("emitYaml", () => {
  it.each(TRICKY)("round-trips %j", (s) => {
    const doc = { key: s, list: [s, { inner: s }] };
    expect(parse(emitYaml(doc), { version: "1.1" })).toEqual(doc);
    expect(parse(emitYaml(doc), { version: "1.2" })).toEqual(doc);
  });

  it("writes nested collections in block style", () => {
    const value: YamlValue = { groups: [{ name: "g", rules: [{ record: "r", labels: { a: "1" } }] }], empty: [], none: {} };
    expect(emitYaml(value)).toBe(
      ["groups:", "  - name: g", "    rules:", "      - record: r", "        labels:", '          a: "1"', "empty: []", "none: {}", ""].join("\n"),
    );
    expect(parse(emitYaml(value))).toEqual(value);
  });

  it("keeps numbers and booleans typed", () => {
    expect(parse(emitYaml({ n: 0.0005, b: true, i: 12 }))).toEqual({ n: 0.0005, b: true, i: 12 });
  });
});
