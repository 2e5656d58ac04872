/**
 * Go's strings.ToUpper/ToLower and x/text's cases.Title, as Prometheus's
 * toUpper, toLower and title functions use them.
 */

/**
 * strings.ToUpper/ToLower map each rune with Unicode's *simple* case
 * mapping, so "ß" stays "ß" (JS gives "SS"). A JS mapping that changes the
 * length is a special-casing rule, which Go doesn't apply.
 */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = "";
  for (const ch of s) {
    const m = f(ch);
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

export function goToUpper(s: string): string {
  return mapRunes(s, (c) => c.toUpperCase());
}

export function goToLower(s: string): string {
  // U+0130 lowercases to "i" + combining dot in JS, to plain "i" in Go.
  return mapRunes(s, (c) => (c === "\u0130" ? "i" : c.toLowerCase()));
}

// Title case differs from upper case only for these digraphs (and ß, which titles to "Ss").
const TITLE_SPECIAL: Record<string, string> = {
  "\u01C4": "\u01C5", "\u01C5": "\u01C5", "\u01C6": "\u01C5",
  "\u01C7": "\u01C8", "\u01C8": "\u01C8", "\u01C9": "\u01C8",
  "\u01CA": "\u01CB", "\u01CB": "\u01CB", "\u01CC": "\u01CB",
  "\u01F1": "\u01F2", "\u01F2": "\u01F2", "\u01F3": "\u01F2",
  "\u00DF": "Ss",
};

function isCased(ch: string): boolean {
  return /[\p{Lu}\p{Ll}\p{Lt}]/u.test(ch);
}

/** Word-internal separators (Unicode word-break MidLetter, MidNumLet, Single_Quote). */
function isMid(ch: string): boolean {
  return ":·״‧︓﹕：.‘’․﹒＇．'".includes(ch);
}

/** Letters, digits, marks and connectors (like '_') continue a word. */
function isWordPart(ch: string): boolean {
  return /[\p{L}\p{N}\p{M}\p{Pc}\p{Cf}]/u.test(ch);
}

/**
 * cases.Title(language.AmericanEnglish, cases.NoLower): upper-case the first
 * cased letter of each word and leave the rest alone. Like x/text, a word
 * doesn't break at a digit ("1st" -> "1St") nor at one mid-word separator
 * ("it's", "a.b"), but does at two in a row.
 */
export function goTitle(s: string): string {
  let out = "";
  let midWord = false;
  let prevMid = false;
  for (const ch of s) {
    const mid = isMid(ch);
    if (prevMid && mid) midWord = false;
    if (isCased(ch)) {
      if (!midWord) {
        out += TITLE_SPECIAL[ch] ?? mapRunes(ch, (c) => c.toUpperCase());
        midWord = true;
      } else {
        out += ch;
      }
    } else {
      out += ch;
      if (!mid && !isWordPart(ch)) midWord = false;
    }
    prevMid = mid;
  }
  return out;
}
