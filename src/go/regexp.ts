/**
 * Go (RE2) regular expressions on top of JS RegExp, for `match` and
 * `reReplaceAll`. The RE2 → JS translation is shared with PromQL (see
 * src/promql/re2.ts); this module adds what the template functions need on
 * top: unanchored global matching, and Go's ReplaceAll, which skips an empty
 * match that abuts the previous match and whose `$name` expansion takes the
 * longest run of word characters (`$1x` is group "1x", not group 1 then "x").
 */

import { compileRE2, RegexpSyntaxError } from "./re2.js";
import { canBackquote, quote } from "./strconv.js";

/** A Go regexp/syntax error; its message is Go's. */
export { RegexpSyntaxError };

export interface GoRegexp {
  source: string;
  re: RegExp;
  /** Capture group names by index (index 0 is the whole match). */
  names: readonly string[];
}

const cache = new Map<string, GoRegexp>();

/** regexp.Compile. Throws RegexpSyntaxError with Go's message. */
export function compile(pattern: string): GoRegexp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { re, names } = compileRE2(pattern, { global: true });
  const compiled = { source: pattern, re, names };
  cache.set(pattern, compiled);
  return compiled;
}

/** regexp.MatchString: an unanchored search. */
export function matchString(pattern: string, s: string): boolean {
  const { re } = compile(pattern);
  re.lastIndex = 0;
  return re.exec(s) !== null;
}

/** Regexp.Expand's $name / ${name} extraction; undefined means "treat $ as text". */
function extract(s: string): { name: string; num: number; rest: string } | undefined {
  let str = s;
  if (str === "") return undefined;
  let brace = false;
  if (str[0] === "{") {
    brace = true;
    str = str.slice(1);
  }
  const m = /^[\p{L}\p{Nd}_]+/u.exec(str);
  if (!m) return undefined;
  const name = m[0];
  let i = name.length;
  if (brace) {
    if (str[i] !== "}") return undefined;
    i++;
  }
  let num = /^[0-9]+$/.test(name) && name.length <= 8 ? Number(name) : -1;
  if (name[0] === "0" && name.length > 1) num = -1; // no leading zeros
  return { name, num, rest: str.slice(i) };
}

function expand(template: string, match: RegExpExecArray, names: readonly string[]): string {
  let out = "";
  let t = template;
  for (;;) {
    const at = t.indexOf("$");
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith("$")) {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const ref = extract(t);
    if (!ref) {
      out += "$"; // malformed: the $ is literal text
      continue;
    }
    t = ref.rest;
    if (ref.num >= 0) {
      out += match[ref.num] ?? "";
    } else {
      const idx = names.findIndex((n, i) => n === ref.name && match[i] !== undefined);
      if (idx >= 0) out += match[idx] ?? "";
    }
  }
  return out + t;
}

/** Regexp.ReplaceAllString with Go's rules for empty matches. */
export function replaceAllString(pattern: string, src: string, repl: string): string {
  const { re, names } = compile(pattern);
  let out = "";
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    re.lastIndex = searchPos;
    const m = re.exec(src);
    if (m === null) break;
    const a0 = m.index;
    const a1 = a0 + m[0].length;
    out += src.slice(lastMatchEnd, a0);
    // No replacement for an empty match right after the previous match.
    if (a1 > lastMatchEnd || a0 === 0) out += expand(repl, m, names);
    lastMatchEnd = a1;
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + src.slice(lastMatchEnd);
}

/** How regexp.MustCompile panics, as safeCall reports it. */
export function mustCompileMessage(pattern: string, err: RegexpSyntaxError): string {
  const q = canBackquote(pattern) ? "`" + pattern + "`" : quote(pattern);
  return `regexp: Compile(${q}): ${err.message}`;
}
