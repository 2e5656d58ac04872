/**
 * PromQL regular expressions are Go RE2 patterns, always fully anchored and
 * with `.` matching newlines (Prometheus compiles `^(?s:<re>)$` after
 * checking that `<re>` parses on its own). The translation to JavaScript is
 * shared with the template functions; see ./re2.ts.
 */

import { compileRE2, type RegexpOptions, RegexpSyntaxError } from "../go/re2.js";

export class RegexError extends Error {}

const cache = new Map<string, RegExp>();

export function compileAnchoredRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const re = compile(pattern, { anchored: true, flags: { s: true } });
  cache.set(pattern, re);
  return re;
}

/**
 * label_replace's regex: Prometheus compiles only the wrapped form
 * `^(?s:<re>)$`, without checking `<re>` alone, so `a)|(b` is accepted there
 * (as `^(?s:a)|(b)$`) although it is no valid label matcher.
 */
export function compileLabelReplaceRegex(pattern: string): RegExp {
  const key = `label_replace\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const re = compile(`^(?s:${pattern})$`, {});
  cache.set(key, re);
  return re;
}

/** An unanchored Go regexp (as used by regexp.MatchString), e.g. for test expectations. */
export function compileGoRegex(pattern: string): RegExp {
  return compile(pattern, {});
}

function compile(pattern: string, options: RegexpOptions): RegExp {
  try {
    return compileRE2(pattern, options).re;
  } catch (e) {
    if (e instanceof RegexpSyntaxError) throw new RegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${e.message}`);
    throw e;
  }
}
