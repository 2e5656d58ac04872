// Whether an expression parses, and which metrics it selects, never depend on
// the text inside its string literals (label values, regexes) except a
// `__name__` matcher's value. 1,000 SLOs' rules and panels differ mostly in
// `service="..."`, so the checks that parse them parse one expression per
// shape (recorded-series-check.ts, dashboards/series-check.ts).

const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g;

/** The expression with every string literal replaced by "x", except a `__name__` matcher's value (the metric name). */
export function literalShape(expr: string): string {
  // "x", not "": a selector whose matchers all match the empty string is a
  // parse error. Most expressions have no `__name__` matcher: their literals
  // are replaced without looking behind each.
  if (!expr.includes("__name__")) return expr.replace(STRING_LITERAL, '"x"');
  return expr.replace(STRING_LITERAL, (literal, at: number, text: string) =>
    /__name__\s*[=!]~?\s*$/.test(text.slice(Math.max(0, at - 16), at)) ? literal : '"x"',
  );
}
