import { describe, expect, it } from "vitest";
import { matchString, replaceAllString } from "../../src/go/regexp.js";
import { formatGoDuration } from "../../src/go/duration.js";
import { formatTime } from "../../src/go/time.js";
import { formatFloat, parseFloat64, quote } from "../../src/go/strconv.js";

describe("strconv.FormatFloat", () => {
  const rows: [number, "e" | "f" | "g", number, string][] = [
    [0.1, "g", -1, "0.1"],
    [1e6, "g", -1, "1e+06"],
    [100000, "g", -1, "100000"],
    [1e-5, "g", -1, "1e-05"],
    [0.0001, "g", -1, "0.0001"],
    [123456789, "g", -1, "1.23456789e+08"],
    [0, "g", -1, "0"],
    [-0, "g", -1, "-0"],
    [5e-324, "g", -1, "5e-324"],
    [1.7976931348623157e308, "g", -1, "1.7976931348623157e+308"],
    [0.125, "f", 2, "0.12"],
    [0.375, "f", 2, "0.38"],
    [2.5, "f", 0, "2"],
    [3.5, "f", 0, "4"],
    [1234.5, "g", 4, "1234"],
    [1235.5, "g", 4, "1236"],
    [99999, "g", 4, "1e+05"],
    [0.00012345, "g", 4, "0.0001234"],
    [1.0, "e", 3, "1.000e+00"],
    [9.9999, "e", 2, "1.00e+01"],
    [1e100, "f", 0, "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104"],
  ];
  for (const [x, fmt, prec, want] of rows) {
    it(`${x} ${fmt} ${prec}`, () => expect(formatFloat(x, fmt, prec)).toBe(want));
  }
});

describe("strconv.ParseFloat and Quote", () => {
  it("parses Go spellings", () => {
    expect(parseFloat64("1_000.5")).toBe(1000.5);
    expect(parseFloat64("+Inf")).toBe(Infinity);
    expect(parseFloat64("infinity")).toBe(Infinity);
    expect(parseFloat64("0x1p-2")).toBe(0.25);
    expect(() => parseFloat64(" 1")).toThrow('strconv.ParseFloat: parsing " 1": invalid syntax');
    expect(() => parseFloat64("")).toThrow('strconv.ParseFloat: parsing "": invalid syntax');
    expect(() => parseFloat64("1e400")).toThrow('strconv.ParseFloat: parsing "1e400": value out of range');
  });
  it("quotes like Go", () => {
    expect(quote("a\"b\\c\n\x01é\u2028")).toBe('"a\\"b\\\\c\\n\\x01é\\u2028"');
  });
});

describe("Go regexp", () => {
  const matches: [string, string, boolean][] = [
    ["a.c", "a\rc", true], // Go's . matches \r
    ["a.c", "a\nc", false],
    ["(?s)a.c", "a\nc", true],
    ["^b$", "a\nb", false],
    ["(?m)^b$", "a\nb", true],
    ["(?m)^b$", "a\rb", false], // only \n breaks lines
    ["\\s", "\v", false], // Go's \s is [\t\n\f\r ]
    ["[[:alpha:]]+\\d", "ab1", true],
    ["(?i)HELLO", "hello", true],
    ["x(?i:AB)y", "xaby", true],
    ["x(?i:AB)y", "xabY", false],
    ["\\Qa.b\\E", "axb", false],
    ["a{", "a{", true], // a brace that is not a repeat is literal
    ["\\pL+", "é", true],
    ["\\p{Greek}", "λ", true],
  ];
  for (const [re, s, want] of matches) {
    it(`match ${re} ${JSON.stringify(s)}`, () => expect(matchString(re, s)).toBe(want));
  }

  const replacements: [string, string, string, string][] = [
    ["a*", "baaac", "-", "-b-c-"],
    ["(a)(b)?", "ab a", "[$2$1]", "[ba] [a]"],
    ["(?P<x>\\w+)@", "joe@", "${x}!", "joe!"],
    ["(a)", "a", "$1x", ""],
    ["(a)", "a", "$$1", "$1"],
    ["(a)", "a", "$", "$"],
    ["", "abc", "-", "-a-b-c-"],
  ];
  for (const [re, src, repl, want] of replacements) {
    it(`replace ${re} in ${src} with ${repl}`, () => expect(replaceAllString(re, src, repl)).toBe(want));
  }

  it("rejects what RE2 rejects", () => {
    expect(() => matchString("(?=a)", "a")).toThrow("error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    expect(() => matchString("(a)\\1", "aa")).toThrow("error parsing regexp: invalid escape sequence: `\\1`");
    expect(() => matchString("*", "a")).toThrow("error parsing regexp: missing argument to repetition operator: `*`");
    expect(() => matchString("a)", "a")).toThrow("error parsing regexp: unexpected ): `a)`");
    expect(() => matchString("[a", "a")).toThrow("error parsing regexp: missing closing ]: `[a`");
  });
});

describe("Go time", () => {
  const t = 1435065584128000000n; // 2015-06-23 13:19:44.128 UTC
  it("formats layouts", () => {
    expect(formatTime(t, "2006-01-02T15:04:05.000Z07:00")).toBe("2015-06-23T13:19:44.128Z");
    expect(formatTime(t, "Mon Jan _2 3:04PM MST 06 002")).toBe("Tue Jun 23 1:19PM UTC 15 174");
    expect(formatTime(t, "2006-01-02 15:04:05.999999999 -0700 MST")).toBe("2015-06-23 13:19:44.128 +0000 UTC");
    expect(formatTime(0n, "2006-01-02 15:04:05.999999999 -0700 MST")).toBe("1970-01-01 00:00:00 +0000 UTC");
  });
  it("prints durations", () => {
    expect(formatGoDuration(0n)).toBe("0s");
    expect(formatGoDuration(1500n)).toBe("1.5µs");
    expect(formatGoDuration(1_500_000n)).toBe("1.5ms");
    expect(formatGoDuration(90_500_000_000n)).toBe("1m30.5s");
    expect(formatGoDuration(3_723_000_000_000n)).toBe("1h2m3s");
    expect(formatGoDuration(-1_800_000_000_000n)).toBe("-30m0s");
  });
});
