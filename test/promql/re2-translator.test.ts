/**
 * The RE2 → JavaScript translation shared by PromQL (label matchers and
 * label_replace: fully anchored, `.` matches newlines) and the template
 * functions (`match`, `reReplaceAll`: unanchored). Expectations are Go's:
 * Prometheus compiles matchers as `^(?s:<re>)$` and the templates call
 * regexp.MatchString / Regexp.ReplaceAllString.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/promql/engine.js";
import { Labels } from "../../src/promql/labels.js";
import { parsePromQL, PromQLParseError } from "../../src/promql/parser.js";
import { compileAnchoredRegex, RegexError } from "../../src/promql/regex.js";
import { SeriesStore } from "../../src/promql/storage.js";
import type { QueryValue } from "../../src/promql/value.js";
import { compile, matchString } from "../../src/go/regexp.js";

/** PromQL's view: does the label value match the whole pattern? */
const fullMatch = (re: string, s: string): boolean => compileAnchoredRegex(re).test(s);

/** Go's FindString through the template translator: the leftmost-first match. */
function findString(re: string, s: string): string | undefined {
  const r = compile(re).re;
  r.lastIndex = 0;
  return r.exec(s)?.[0];
}

describe("issue 9 bug 3 regressions (PromQL translator drifted from the template one)", () => {
  it("\\A is the beginning of the text, not a literal A", () => {
    expect(fullMatch("\\Afoo", "foo")).toBe(true);
    expect(fullMatch("\\Afoo", "Afoo")).toBe(false);
  });

  it("\\s is exactly [\\t\\n\\f\\r ]: no \\v, no Unicode spaces", () => {
    expect(fullMatch("a\\sb", "a\tb")).toBe(true);
    expect(fullMatch("a\\sb", "a\vb")).toBe(false);
    expect(fullMatch("a\\sb", "a\u00a0b")).toBe(false);
    expect(fullMatch("a\\sb", "a\u2028b")).toBe(false);
  });

  it("(?U) swaps greedy and lazy repetition", () => {
    expect([...compileAnchoredRegex("(?U)(a+)(a*)").exec("aaa")!]).toEqual(["aaa", "a", "aa"]);
    expect([...compileAnchoredRegex("(?U)(a+?)(a*)").exec("aaa")!]).toEqual(["aaa", "aaa", ""]);
  });

  it(". matches one code point, as Go matches one rune", () => {
    expect(fullMatch(".", "😀")).toBe(true);
    expect(fullMatch("\\x{1F600}", "😀")).toBe(true);
  });

  it("rejects lookbehind as RE2 does, instead of running it", () => {
    expect(() => compileAnchoredRegex("(?<=a)b")).toThrow(RegexError);
  });

  it("end to end: selectors and label_replace", () => {
    const store = new SeriesStore();
    for (const a of ["foo", "Afoo", "aaa"]) store.append(Labels.from({ __name__: "x", a }), 0, 1);
    const engine = new Engine(store);
    const series = (v: QueryValue): string[] => {
      if (v.type !== "vector") throw new Error(`expected vector, got ${v.type}`);
      return v.samples.map((s) => s.metric.toSeriesString()).sort();
    };
    expect(series(engine.instantQuery('x{a=~"\\\\Afoo"}', 0).value)).toEqual(['x{a="foo"}']);
    expect(series(engine.instantQuery('label_replace(x{a="aaa"}, "b", "$1", "a", "(?U)(a+)(a*)")', 0).value)).toEqual([
      'x{a="aaa", b="a"}',
    ]);
  });
});

describe("one translator, both callers", () => {
  // [pattern, input, PromQL full match of ^(?s:re)$, template regexp.MatchString]
  const cases: Array<[string, string, boolean, boolean]> = [
    ["\\Afoo", "foo", true, true],
    ["\\Afoo", "Afoo", false, false],
    ["x\\Afoo", "xfoo", false, false],
    ["foo\\z", "foo", true, true],
    ["foo\\z", "foo\n", false, false],
    ["foo$", "foo\n", false, false],
    ["a\\sb", "a b", true, true],
    ["a\\sb", "a\vb", false, false],
    ["a\\sb", "a\u00a0b", false, false],
    ["a\\Sb", "a\vb", true, true],
    ["[\\s]", "\v", false, false],
    ["[\\S]", "\v", true, true],
    ["[^\\s]", "\v", true, true],
    ["[[:space:]]", "\v", true, true],
    ["\\S", "\u2028", true, true],
    [".", "\n", true, false],
    ["(?s).", "\n", true, true],
    ["(?-s).", "\n", false, false],
    [".", "\r", true, true],
    [".", "😀", true, true],
    ["\\x{1F600}", "😀", true, true],
    ["(?i)abc", "ABC", true, true],
    ["a(?i)bc", "aBC", true, true],
    ["a(?i)bc", "ABC", false, false],
    ["(?i:k)", "\u212a", true, true],
    ["(?i)k", "\u212a", true, true],
    ["(?i)[^a]", "A", false, false],
    ["(?i:[^a])", "A", false, false],
    ["(?i)[[:^lower:]]", "A", false, false],
    ["(?i)\\W", "\u017f", false, false],
    ["\\W", "\u017f", true, true],
    ["(?m)^b$", "a\nb", false, true],
    ["(?m)a$", "a\r\nb", false, false],
    ["\\Qa.b\\E", "a.b", true, true],
    ["\\Qa.b\\E", "axb", false, false],
    ["\\Qa.b", "a.b", true, true],
    ["[[:alpha:]]+", "abc", true, true],
    ["[[:alpha:]]+", "ab1", false, true],
    ["[[:^alpha:]]", "é", true, true],
    ["[[:^alpha:]]", "a", false, false],
    ["[[:word:][:punct:]]+", "a_b.c", true, true],
    ["\\pL+", "héllo", true, true],
    ["\\pN", "٣", true, true],
    ["\\d", "٣", false, false],
    ["\\p{Greek}", "λ", true, true],
    ["\\p{Greek}", "l", false, false],
    ["\\PL", "1", true, true],
    ["\\p{^Greek}", "l", true, true],
    ["[\\p{Greek}\\d]+", "λ1", true, true],
    ["\\p{Any}", "\n", true, true],
    ["a{,2}", "a{,2}", true, true],
    ["a{01}", "a{01}", true, true],
    ["a{2}", "aa", true, true],
    ["a{2}", "a", false, false],
    ["a{2,}b", "aaab", true, true],
    ["^*a", "a", true, true],
    ["(?:ab)+", "abab", true, true],
    ["(?)a", "a", true, true],
    ["(?P<n>a)|(?P<n>b)", "b", true, true],
    ["(?<n>a)", "a", true, true],
    ["(?P<1x>a)", "a", true, true],
    ["\\141\\x62\\x{63}", "abc", true, true],
    ["\\_\\-\\ ", "_- ", true, true],
    ["\\bfoo\\b", "a foo b", false, true],
    ["\\Bo\\B", "foo", false, true],
    ["[^a]", "\n", true, true],
    ["[]a]+", "]a", true, true],
    ["[a-]+", "-a", true, true],
    ["(?U)a+", "aaa", true, true],
    ["a|b|", "", true, true],
  ];
  for (const [re, s, full, partial] of cases) {
    it(`${JSON.stringify(re)} on ${JSON.stringify(s)}`, () => {
      expect(fullMatch(re, s), "PromQL label matcher").toBe(full);
      expect(matchString(re, s), "template match").toBe(partial);
    });
  }

  // Where leftmost-first matching shows greediness: Go's FindString.
  const finds: Array<[string, string, string]> = [
    ["a+", "aaa", "aaa"],
    ["(?U)a+", "aaa", "a"],
    ["(?U)a+?", "aaa", "aaa"],
    ["(?U:a+)a*", "aaa", "aaa"],
    ["(?U)(?-U:a+)", "aaa", "aaa"],
    ["(?U)a{1,3}", "aaa", "a"],
    ["a|ab", "ab", "a"],
  ];
  for (const [re, s, want] of finds) {
    it(`finds ${JSON.stringify(want)} for ${JSON.stringify(re)} in ${JSON.stringify(s)}`, () => {
      expect(findString(re, s)).toBe(want);
    });
  }

  // [pattern, Go's *syntax.Error text]
  const errors: Array<[string, string]> = [
    ["(?=a)", "invalid or unsupported Perl syntax: `(?=`"],
    ["(?!a)", "invalid or unsupported Perl syntax: `(?!`"],
    ["(?<=a)", "invalid named capture: `(?<=a)`"],
    ["(?<!a)", "invalid named capture: `(?<!a)`"],
    ["(?>a)", "invalid or unsupported Perl syntax: `(?>`"],
    ["(?#c)", "invalid or unsupported Perl syntax: `(?#`"],
    ["(a)\\1", "invalid escape sequence: `\\1`"],
    ["(?P<n>a)(?P=n)", "invalid or unsupported Perl syntax: `(?P`"],
    ["\\k<n>", "invalid escape sequence: `\\k`"],
    ["a++", "invalid nested repetition operator: `++`"],
    ["a**", "invalid nested repetition operator: `**`"],
    ["a{2}{3}", "invalid nested repetition operator: `{2}{3}`"],
    ["*", "missing argument to repetition operator: `*`"],
    ["a|*", "missing argument to repetition operator: `*`"],
    ["(?x)a", "invalid or unsupported Perl syntax: `(?x`"],
    ["(?i-)a", "invalid or unsupported Perl syntax: `(?i-)`"],
    ["(?P<n!>a)", "invalid named capture: `(?P<n!>`"],
    ["[[:foo:]]", "invalid character class range: `[:foo:]`"],
    ["[[:Alpha:]]", "invalid character class range: `[:Alpha:]`"],
    ["\\p{Foo}", "invalid character class range: `\\p{Foo}`"],
    ["\\pX", "invalid character class range: `\\pX`"],
    ["[z-a]", "invalid character class range: `z-a`"],
    ["a{1001}", "invalid repeat count: `{1001}`"],
    ["x{2,1}", "invalid repeat count: `{2,1}`"],
    ["(a{100}){20}", "invalid repeat count: `{20}`"],
    ["\\C", "invalid escape sequence: `\\C`"],
    ["\\Z", "invalid escape sequence: `\\Z`"],
    ["[\\b]", "invalid escape sequence: `\\b`"],
    ["[\\Q]\\E]", "invalid escape sequence: `\\Q`"],
    ["\\x{110000}", "invalid escape sequence: `\\x{110000`"],
    ["\\xg0", "invalid escape sequence: `\\xg0`"],
    ["\\é", "invalid escape sequence: `\\é`"],
    ["\\", "trailing backslash at end of expression: ``"],
    ["(?P<n>a", "missing closing ): `(?P<n>a`"],
    ["[a", "missing closing ]: `[a`"],
    ["a)", "unexpected ): `a)`"],
  ];
  for (const [re, message] of errors) {
    it(`rejects ${JSON.stringify(re)}`, () => {
      const goError = `error parsing regexp: ${message}`;
      expect(() => matchString(re, ""), "template").toThrow(goError);
      expect(() => compileAnchoredRegex(re), "PromQL").toThrow(RegexError);
      expect(() => compileAnchoredRegex(re), "PromQL").toThrow(goError);
    });
  }

  it("reports a bad matcher regex as a parse error", () => {
    expect(() => parsePromQL('x{a=~"(?=a)"}')).toThrow(PromQLParseError);
    expect(() => parsePromQL('x{a=~"(?=a)"}')).toThrow("invalid or unsupported Perl syntax");
  });

  it("checks the matcher on its own, not inside the anchoring group", () => {
    expect(() => compileAnchoredRegex("a)|(b")).toThrow("unexpected ): `a)|(b`");
  });
});

describe("label_replace compiles only the wrapped form, as Prometheus does", () => {
  it("accepts a)|(b there, though no label matcher may use it", async () => {
    const { compileLabelReplaceRegex, compileAnchoredRegex } = await import("../../src/promql/regex.js");
    expect(() => compileAnchoredRegex("a)|(b")).toThrow();
    const re = compileLabelReplaceRegex("a)|(b");
    // An alternation of "^(?s:a)" and "(b)$": "ab" matches its first branch, as in Go.
    expect(["a", "b", "ab", "x"].map((t) => re.test(t))).toEqual([true, true, true, false]);
  });
});
