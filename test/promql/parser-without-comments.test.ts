// withoutComments (syntax.ts) skips its scan for the common one-line text
// without a comment and copies spans rather than characters: it must still
// return exactly what the straightforward character loop returns.
import { describe, expect, it } from "vitest";
import { withoutComments } from "../../src/promql/syntax.js";
import { commentEnd, isQuote, stringLiteralEnd } from "../../src/promql/lexical.js";

/** The original implementation, one character at a time. */
function reference(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isQuote(c)) {
      const end = stringLiteralEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === "#") {
      i = commentEnd(text, i);
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/[ \t]+$/gm, "").trim();
}

const CASES = [
  "",
  " ",
  "foo",
  "  foo  ",
  "\tfoo\t",
  "foo \u00a0",
  "\u2028foo\u2029",
  "foo # note",
  "foo # note\n+ bar",
  "foo  \n  + bar  \n",
  "foo\r\n+ bar \r\n",
  'foo{a="#"} # real',
  "foo{a='#'} # real",
  "foo{a=`#\n#`} # real\nbar",
  'foo{a="unterminated # x\n} # y',
  'foo{a="esc\\"#"} # z',
  "# only a comment",
  "#\n#\n",
  "a#b#c\nd # e \n f",
  "rate(x[5m]) # per second\n  * 60 # per minute",
];

describe("withoutComments", () => {
  it.each(CASES)("%j", (text) => {
    expect(withoutComments(text)).toBe(reference(text));
  });

  it("agrees with the character loop on random texts", () => {
    const alphabet = ' \t\n\r#"\'`\\ab{}=\u00a0\u2028';
    let state = 42;
    const rand = (n: number): number => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    for (let k = 0; k < 5000; k++) {
      let text = "";
      const len = rand(20);
      for (let j = 0; j < len; j++) text += alphabet[rand(alphabet.length)];
      expect(withoutComments(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});
