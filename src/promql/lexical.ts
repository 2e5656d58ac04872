// The two lexical facts every pass over raw PromQL text needs before parsing:
// where a quoted string ends, and where a `#` comment ends. Text inside either
// is not code (a `#` in a label value is not a comment, a `2.` in a comment is
// not a number).

/**
 * The end (exclusive) of the string literal whose opening quote (`"`, `'` or
 * `` ` ``) is at `start`: just past its closing quote, or past the end of the
 * line when it is unterminated there. Escapes count in quoted strings, not in
 * backquoted ones.
 */
export function stringLiteralEnd(text: string, start: number): number {
  const quote = text[start]!;
  let j = start + 1;
  while (j < text.length && text[j] !== quote && text[j] !== "\n") j += text[j] === "\\" && quote !== "`" ? 2 : 1;
  return Math.min(j + 1, text.length);
}

/** The end (exclusive) of the comment starting at `start`: its line's end, before the newline. */
export function commentEnd(text: string, start: number): number {
  const nl = text.indexOf("\n", start);
  return nl < 0 ? text.length : nl;
}

export function isQuote(c: string): boolean {
  return c === '"' || c === "'" || c === "`";
}
