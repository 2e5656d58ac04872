/**
 * The expanding series notation of Prometheus test scripts and promtool unit
 * tests: `metric{a="b"} 1 2+3x4 _ _x2 stale 5-1x3`.
 *
 * `a+bxn` expands to n+1 values a, a+b, ..., accumulated by repeated
 * addition exactly like Prometheus (so float rounding matches); `_` is a
 * missing sample and `_xn` n missing samples.
 */
import { expandHistogramSeries, type FloatHistogram, HistogramNotationError } from "./histogram.js";
import { Labels, METRIC_NAME } from "./labels.js";
import { LiteralError, parseNumber, unquoteString } from "./literals.js";

export type SequenceValue =
  | { kind: "value"; value: number }
  | { kind: "stale" }
  | { kind: "omitted" }
  /**
   * A native histogram: one value of a `{{...}}` item, expanded like
   * Prometheus (`{{a}}x3`, `{{a}}+{{b}}x3`). `text` is the item as written;
   * `counterResetHintSet` says whether the literal set a hint (promqltest
   * compares the hint only then).
   */
  | { kind: "histogram"; text: string; histogram: FloatHistogram; counterResetHintSet: boolean };

export interface SeriesDescription {
  labels: Labels;
  values: SequenceValue[];
}

export class SeriesNotationError extends Error {}

// No hex here: in series notation `0x59` means "0 repeated 59 times".
const NUM = String.raw`(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[iI][nN][fF]|[nN][aA][nN])`;
const ITEM_RE = new RegExp(String.raw`^([+-]?${NUM}|stale)(?:([+-]${NUM})?x(\d+))?$`);
const BLANK_RE = /^_(?:x(\d+))?$/;

/** Parses `metric{labels}` at the start of `text`; returns the labels and the rest. */
export function parseSeriesLabels(text: string): { labels: Labels; rest: string } {
  let i = 0;
  const pairs: Array<[string, string]> = [];
  const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text);
  if (ident) {
    pairs.push([METRIC_NAME, ident[0]]);
    i = ident[0].length;
  }
  if (text[i] === "{") {
    i++;
    for (;;) {
      while (/\s/.test(text[i] ?? "")) i++;
      if (text[i] === "}") {
        i++;
        break;
      }
      let name: string;
      const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/.exec(text.slice(i));
      if (quoted) {
        name = unquoteString(quoted[0]);
        i += quoted[0].length;
      } else {
        const n = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
        if (!n) throw new SeriesNotationError(`expected a label name at ${JSON.stringify(text.slice(i))}`);
        name = n[0];
        i += name.length;
      }
      while (/\s/.test(text[i] ?? "")) i++;
      if (quoted && (text[i] === "," || text[i] === "}")) {
        // `{"metric.name"}`: a quoted name alone is the metric name.
        pairs.push([METRIC_NAME, name]);
      } else {
        if (text[i] !== "=") throw new SeriesNotationError(`expected "=" after label ${name}`);
        i++;
        while (/\s/.test(text[i] ?? "")) i++;
        const v = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/.exec(text.slice(i));
        if (!v) throw new SeriesNotationError(`expected a quoted value for label ${name}`);
        pairs.push([name, unquoteString(v[0])]);
        i += v[0].length;
      }
      while (/\s/.test(text[i] ?? "")) i++;
      if (text[i] === ",") i++;
      else if (text[i] !== "}") throw new SeriesNotationError(`expected "," or "}" in ${JSON.stringify(text)}`);
    }
  }
  if (pairs.length === 0 && i === 0) throw new SeriesNotationError(`expected a series selector in ${JSON.stringify(text)}`);
  return { labels: Labels.from(pairs), rest: text.slice(i) };
}

export function parseSequence(text: string): SequenceValue[] {
  const out: SequenceValue[] = [];
  const tokens = splitItems(text.trim());
  for (const tok of tokens) {
    if (tok.startsWith("{{")) {
      let expanded;
      try {
        expanded = expandHistogramSeries(tok);
      } catch (e) {
        if (e instanceof HistogramNotationError) throw new SeriesNotationError(e.message);
        throw e;
      }
      for (const p of expanded) out.push({ kind: "histogram", text: tok, histogram: p.histogram, counterResetHintSet: p.counterResetHintSet });
      continue;
    }
    const blank = BLANK_RE.exec(tok);
    if (blank) {
      const n = blank[1] === undefined ? 1 : Number(blank[1]);
      for (let k = 0; k < n; k++) out.push({ kind: "omitted" });
      continue;
    }
    const m = ITEM_RE.exec(tok);
    if (!m) throw new SeriesNotationError(`invalid series value ${JSON.stringify(tok)}`);
    const [, first = "", deltaText, timesText] = m;
    const isStale = first === "stale";
    let value = isStale ? NaN : number(first);
    if (timesText === undefined) {
      out.push(isStale ? { kind: "stale" } : { kind: "value", value });
      continue;
    }
    const times = Number(timesText);
    const delta = deltaText === undefined ? 0 : number(deltaText);
    for (let k = 0; k <= times; k++) {
      out.push(isStale ? { kind: "stale" } : { kind: "value", value });
      value += delta;
    }
  }
  return out;
}

/** Splits on whitespace, keeping `{{ ... }}` histogram literals (which contain spaces) whole. */
function splitItems(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (/\s/.test(text[i] ?? "")) i++;
    if (i >= text.length) break;
    const start = i;
    if (text.startsWith("{{", i)) {
      const end = text.indexOf("}}", i);
      i = end < 0 ? text.length : end + 2;
      // A histogram may be followed by an expansion such as `x3` or `+{{...}}x3`.
      while (i < text.length && !/\s/.test(text[i]!)) {
        if (text.startsWith("{{", i)) {
          const e2 = text.indexOf("}}", i);
          i = e2 < 0 ? text.length : e2 + 2;
        } else i++;
      }
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) i++;
    }
    out.push(text.slice(start, i));
  }
  return out;
}

function number(text: string): number {
  try {
    return parseNumber(text);
  } catch (e) {
    if (e instanceof LiteralError) throw new SeriesNotationError(e.message);
    throw e;
  }
}

export function parseSeriesDescription(line: string): SeriesDescription {
  const { labels, rest } = parseSeriesLabels(line.trim());
  return { labels, values: parseSequence(rest) };
}
