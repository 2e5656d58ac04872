// Alertmanager's label matchers (`team="payments"`, `severity=~"warning|info"`):
// the `matchers:` list syntax, where one line may hold several comma-separated
// matchers in optional braces, and the legacy `match:` / `match_re:` maps.
// A missing label matches as the empty string; regexes are RE2, anchored at
// both ends (`^(?:re)$`), as in Alertmanager's pkg/labels.
import { compileRE2 } from "../go/re2.js";

export type MatchType = "=" | "!=" | "=~" | "!~";

export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
  /** For =~ and !~. */
  re?: RegExp;
}

export type Labels = Readonly<Record<string, string>>;

export class MatcherError extends Error {}

export function newMatcher(name: string, type: MatchType, value: string): Matcher {
  if (type === "=~" || type === "!~") {
    let re: RegExp;
    try {
      re = compileRE2(value, { anchored: true }).re;
    } catch (e) {
      throw new MatcherError(`invalid regular expression in ${name}${type}${JSON.stringify(value)}: ${(e as Error).message}`);
    }
    return { name, type, value, re };
  }
  return { name, type, value };
}

export function matches(m: Matcher, labels: Labels): boolean {
  const v = labels[m.name] ?? "";
  switch (m.type) {
    case "=":
      return v === m.value;
    case "!=":
      return v !== m.value;
    case "=~":
      return m.re!.test(v);
    case "!~":
      return !m.re!.test(v);
  }
}

export function matchesAll(ms: readonly Matcher[], labels: Labels): boolean {
  return ms.every((m) => matches(m, labels));
}

/** One line of a `matchers:` list: `a="b"`, `a=~b, c!="d"`, `{a="b"}`. */
export function parseMatcherLine(line: string): Matcher[] {
  let s = line.trim();
  if (s.startsWith("{")) {
    if (!s.endsWith("}")) throw new MatcherError(`${JSON.stringify(line)}: missing closing "}"`);
    s = s.slice(1, -1);
  }
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted && c === "\\" && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      parts.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  if (quoted) throw new MatcherError(`${JSON.stringify(line)}: unterminated quoted string`);
  parts.push(cur);
  // A trailing comma is allowed (`{a="b",}`).
  if (parts.length > 1 && parts[parts.length - 1]!.trim() === "") parts.pop();
  return parts.map((p) => parseOne(p, line));
}

const OPERATOR = /^\s*("(?:[^"\\]|\\.)*"|[^\s=!~"]+)\s*(=~|!~|!=|=)\s*([\s\S]*?)\s*$/;

function parseOne(text: string, line: string): Matcher {
  const m = OPERATOR.exec(text);
  if (!m) throw new MatcherError(`${JSON.stringify(line)}: not a matcher (label="value", with =, !=, =~ or !~)`);
  const name = m[1]!.startsWith('"') ? unquote(m[1]!, line) : m[1]!;
  const raw = m[3]!;
  const value = raw.startsWith('"') ? unquote(raw, line) : raw;
  return newMatcher(name, m[2] as MatchType, value);
}

function unquote(q: string, line: string): string {
  if (q.length < 2 || !q.endsWith('"')) throw new MatcherError(`${JSON.stringify(line)}: unterminated quoted string`);
  let out = "";
  for (let i = 1; i < q.length - 1; i++) {
    const c = q[i]!;
    if (c === '"') throw new MatcherError(`${JSON.stringify(line)}: unexpected " inside a quoted value`);
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = q[++i];
    if (n === "n") out += "\n";
    else if (n === "t") out += "\t";
    else if (n === "\\" || n === '"') out += n;
    else throw new MatcherError(`${JSON.stringify(line)}: invalid escape \\${n ?? ""}`);
  }
  return out;
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}
