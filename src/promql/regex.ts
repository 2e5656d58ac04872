/**
 * PromQL regular expressions are Go RE2 patterns, always fully anchored and
 * with `.` matching newlines (Prometheus compiles `^(?s:<re>)$`). This
 * translates the RE2 features that differ in spelling from JavaScript.
 */

export class RegexError extends Error {}

/**
 * RE2's POSIX classes (`[[:alpha:]]`) as JavaScript class ranges, escaped so
 * they are valid with and without the `u` flag.
 */
export const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const cache = new Map<string, RegExp>();

export function compileAnchoredRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { body, flags } = translate(pattern, "s");
  try {
    const re = new RegExp(`^(?:${body})$`, flags);
    cache.set(pattern, re);
    return re;
  } catch (e) {
    throw new RegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** An unanchored Go regexp (as used by regexp.MatchString), e.g. for test expectations. */
export function compileGoRegex(pattern: string): RegExp {
  const { body, flags } = translate(pattern, "");
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new RegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

function translate(pattern: string, baseFlags: string): { body: string; flags: string } {
  let flags = baseFlags;
  let body = pattern;
  // RE2 allows leading flag groups such as (?i); JavaScript only has global flags.
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes("i")) flags += "i";
    if (lead[1]!.includes("m")) flags += "m";
    if (lead[1]!.includes("s") && !flags.includes("s")) flags += "s";
    body = body.slice(lead[0].length);
  }
  body = expandScopedCaseInsensitivity(body)
    .replace(/\(\?P</g, "(?<")
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (cls === undefined) return whole;
      return neg ? `^${cls}` : cls;
    })
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"));
  return { body, flags };
}

/**
 * RE2 allows case-insensitivity for part of a pattern, `(?i:abc)` or
 * `(a(?i)bc)`; the JavaScript engines we support do not. Rewrite such scopes
 * by spelling out both cases of every letter (`[aA][bB][cC]`).
 */
function expandScopedCaseInsensitivity(pattern: string): string {
  if (!/\(\?[a-zA-Z]*i[a-zA-Z]*[:)]/.test(pattern)) return pattern;
  let out = "";
  // One entry per open group: whether case-insensitivity is on inside it.
  const stack: boolean[] = [false];
  let i = 0;
  const ci = (): boolean => stack[stack.length - 1]!;
  const both = (c: string): string => {
    const lo = c.toLowerCase();
    const up = c.toUpperCase();
    return lo !== up ? lo + up : c;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      out += pattern.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      if (pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      const cls = pattern.slice(i, j + 1);
      out += ci() ? cls.replace(/([a-zA-Z])-([a-zA-Z])|(?<!\\)([a-zA-Z])/g, (m, a?: string, b?: string, single?: string) =>
        single !== undefined ? both(single) : `${m}${a!.toUpperCase() === a ? a!.toLowerCase() : a!.toUpperCase()}-${b!.toUpperCase() === b ? b!.toLowerCase() : b!.toUpperCase()}`,
      ) : cls;
      i = j + 1;
      continue;
    }
    const flagGroup = /^\(\?([a-zA-Z]*)(-[a-zA-Z]*)?([:)])/.exec(pattern.slice(i));
    if (flagGroup && /[imsU]/.test(flagGroup[1]! + (flagGroup[2] ?? ""))) {
      const on = flagGroup[1]!.includes("i") ? true : (flagGroup[2] ?? "").includes("i") ? false : ci();
      if (flagGroup[3] === ":") {
        stack.push(on);
        out += "(?:";
      } else {
        stack[stack.length - 1] = on;
      }
      i += flagGroup[0].length;
      continue;
    }
    if (c === "(") {
      stack.push(ci());
      out += c;
      i++;
      continue;
    }
    if (c === ")") {
      if (stack.length > 1) stack.pop();
      out += c;
      i++;
      continue;
    }
    out += ci() && /[a-zA-Z]/.test(c) ? `[${both(c)}]` : c;
    i++;
  }
  return out;
}
