/**
 * Regressions in the template functions' Go regexps, found while merging
 * their RE2 → JS translator with PromQL's (issue 9, bug 3). Expectations are
 * Go's regexp package.
 */
import { describe, expect, it } from "vitest";
import { matchString, replaceAllString } from "../../src/go/regexp.js";
import { run } from "./helpers.js";

describe("Go regexp in templates", () => {
  it("accepts non-capturing groups and empty flag groups", () => {
    expect(matchString("(?:ab)+$", "xabab")).toBe(true);
    expect(matchString("^(?)a$", "a")).toBe(true);
  });

  it("\\S in a class matches \\v, which \\s excludes", () => {
    expect(matchString("[\\S]", "\v")).toBe(true);
    expect(matchString("^[\\s]$", "\v")).toBe(false);
  });

  it("allows a capture name twice; $name expands the first that matched", () => {
    expect(replaceAllString("(?P<n>a)|(?P<n>b)", "ab", "<${n}>")).toBe("<a><b>");
  });

  it("reports errors with Go's text", () => {
    expect(() => matchString("\\", "")).toThrow("error parsing regexp: trailing backslash at end of expression: ``");
    expect(() => matchString("(?x)", "")).toThrow("error parsing regexp: invalid or unsupported Perl syntax: `(?x`");
    expect(() => matchString("[\\Q]\\E]", "")).toThrow("error parsing regexp: invalid escape sequence: `\\Q`");
    expect(() => matchString("(a{100}){20}", "")).toThrow("error parsing regexp: invalid repeat count: `{20}`");
  });

  it("reReplaceAll with (?U) and a non-capturing group", async () => {
    expect(await run('{{ reReplaceAll "(?U)(a+)" "<$1>" "aaa" }}')).toEqual({ out: "<a><a><a>" });
    expect(await run('{{ reReplaceAll "(?:a|b)+" "X" "abc" }}')).toEqual({ out: "Xc" });
    expect(await run('{{ match "\\\\Afoo" "foo" }}')).toEqual({ out: "true" });
  });
});
