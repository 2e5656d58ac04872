/**
 * The `{{...}}` native histogram notation of Prometheus's test scripts and
 * promtool unit tests (promql/parser: lex.go's histogram states,
 * generated_parser.y's histogram_series_value, parse.go's
 * buildHistogramFromMap), the test-expression printer (FloatHistogram's
 * TestExpression) and promqltest's comparison (compareNativeHistogram).
 *
 * `{{schema:1 sum:10 count:5 z_bucket:1 z_bucket_w:0.001 buckets:[1 2 1]
 * offset:-1 n_buckets:[1] n_offset:2 counter_reset_hint:gauge}}`. Every key
 * is optional and appears at most once; a missing key is the field's zero
 * value (schema 0, zero threshold 0, no buckets, hint unknown). `buckets`
 * (`n_buckets`) become ONE positive (negative) span starting at bucket index
 * `offset` (`n_offset`, default 0); an empty list makes no span.
 *
 * Whitespace follows Prometheus's grammar: none right after `{{` (but `{{ }}`
 * is empty), around `:` or after `[`; one or more between items, list
 * values, and before `}}` or `]`. Two leniencies, so that everything
 * formatHistogram writes parses back (Prometheus's own TestExpression can
 * write `+Inf` and `[]`, which its lexer rejects): a `+` sign before a
 * number, and an empty list `[]`.
 */
import { formatGoG, LiteralError, parseNumber } from "../literals.js";
import { almostEqual } from "../float-compare.js";
import { customBucketBoundsMatch, HistogramError, isCustomBucketsSchema, spansMatch } from "./buckets.js";
import { type Bucket, type CounterResetHint, FloatHistogram } from "./float-histogram.js";

export class HistogramNotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistogramNotationError";
  }
}

/** A parsed `{{...}}` literal. */
export interface ParsedHistogram {
  histogram: FloatHistogram;
  /**
   * Whether `counter_reset_hint:` was written: promqltest compares the hint
   * of an expected histogram only then (SequenceValue.CounterResetHintSet).
   */
  counterResetHintSet: boolean;
}

const KEYS = new Set(["sum", "count", "schema", "offset", "n_offset", "buckets", "n_buckets", "z_bucket", "z_bucket_w", "custom_values", "counter_reset_hint"]);

const HINTS: Record<string, CounterResetHint> = {
  unknown: "unknown",
  reset: "reset",
  not_reset: "not-reset",
  gauge: "gauge",
};

const NUMBER_RE = /^[+-]?[0-9a-zA-Z_.]+(?:(?<=[eEpP])[+-][0-9_]+)?/;

/**
 * Parses one `{{...}}` literal (the whole text, surrounding whitespace
 * allowed). Throws HistogramNotationError.
 */
export function parseHistogramNotation(text: string): ParsedHistogram {
  const t = text.trim();
  const r = readHistogram(t, 0);
  if (r.end !== t.length) throw new HistogramNotationError(`unexpected ${JSON.stringify(t.slice(r.end))} after histogram ${JSON.stringify(t.slice(0, r.end))}`);
  return r.parsed;
}

/** Reads `{{...}}` at `pos`; returns the histogram and the index after `}}`. */
function readHistogram(text: string, pos: number): { parsed: ParsedHistogram; end: number } {
  if (!text.startsWith("{{", pos)) throw new HistogramNotationError(`expected "{{" at ${JSON.stringify(text.slice(pos))}`);
  let i = pos + 2;
  const desc = new Map<string, number | number[] | CounterResetHint>();
  const isWs = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
  const ws = (): boolean => {
    const start = i;
    while (i < text.length && isWs(text[i])) i++;
    return i > start;
  };
  const unexpected = (): HistogramNotationError =>
    new HistogramNotationError(i >= text.length ? "histogram description incomplete: missing }}" : `unexpected ${JSON.stringify(text.slice(i, i + 10))} in series values`);
  const number = (what: string): number => {
    const m = NUMBER_RE.exec(text.slice(i));
    if (!m) throw unexpected();
    i += m[0].length;
    try {
      return parseNumber(m[0]);
    } catch (e) {
      if (e instanceof LiteralError) throw new HistogramNotationError(`error parsing ${what}: ${e.message}`);
      throw e;
    }
  };
  const int = (what: string): number => {
    const m = /^-?\d+/.exec(text.slice(i));
    if (!m || /^[\w.]/.test(text.slice(i + m[0].length))) {
      throw new HistogramNotationError(`expected an integer for ${what} at ${JSON.stringify(text.slice(i, i + 20))}`);
    }
    i += m[0].length;
    return Number(m[0]);
  };
  // `[1 2 3]`, `[1 2 3 ]`: no space after `[`, spaces between and before `]`.
  const list = (what: string): number[] => {
    if (text[i] !== "[") throw unexpected();
    i++;
    const out: number[] = [];
    if (text[i] === "]") {
      // Leniency: Prometheus wants at least one value; `[]` is what an empty custom_values formats as.
      i++;
      return out;
    }
    for (;;) {
      if (isWs(text[i])) throw unexpected();
      out.push(number(what));
      ws();
      if (text[i] === "]") {
        i++;
        return out;
      }
      if (i >= text.length) throw new HistogramNotationError(`unterminated list for ${what}`);
      if (!isWs(text[i - 1])) throw new HistogramNotationError(`invalid character in buckets description: ${JSON.stringify(text[i])}`);
    }
  };
  // `{{}}` and `{{ }}` are empty; otherwise items separated by whitespace, right after `{{`.
  if (ws() && !text.startsWith("}}", i)) throw unexpected();
  for (;;) {
    if (text.startsWith("}}", i)) {
      i += 2;
      break;
    }
    const m = /^[a-zA-Z_]+/.exec(text.slice(i));
    if (!m) throw i >= text.length ? unexpected() : new HistogramNotationError(`histogram description incomplete unexpected: ${JSON.stringify(text[i])}`);
    const key = m[0].toLowerCase();
    if (!KEYS.has(key)) throw new HistogramNotationError(`bad histogram descriptor found: ${JSON.stringify(m[0])}`);
    i += m[0].length;
    if (text[i] !== ":") throw new HistogramNotationError("missing `:` for histogram descriptor");
    i++;
    if (isWs(text[i])) throw unexpected();
    if (desc.has(key)) throw new HistogramNotationError(`duplicate key "${key}" in histogram`);
    switch (key) {
      case "schema":
      case "offset":
      case "n_offset":
        desc.set(key, int(key));
        break;
      case "sum":
      case "count":
      case "z_bucket":
        desc.set(key, number(key));
        break;
      case "z_bucket_w": {
        // Prometheus's grammar takes an unsigned number here.
        if (text[i] === "-") throw unexpected();
        desc.set(key, number(key));
        break;
      }
      case "buckets":
      case "n_buckets":
      case "custom_values":
        desc.set(key, list(key));
        break;
      case "counter_reset_hint": {
        const w = /^[a-zA-Z_]+/.exec(text.slice(i));
        const hint = w ? HINTS[w[0].toLowerCase()] : undefined;
        if (w === null) throw unexpected();
        if (hint === undefined) throw new HistogramNotationError(`bad histogram descriptor found: ${JSON.stringify(w[0])}`);
        i += w[0].length;
        desc.set(key, hint);
        break;
      }
    }
    if (text.startsWith("}}", i)) continue;
    if (!ws()) throw unexpected();
  }
  const num = (k: string): number | undefined => desc.get(k) as number | undefined;
  const arr = (k: string): number[] | undefined => desc.get(k) as number[] | undefined;
  const side = (bucketsKey: string, offsetKey: string) => {
    const buckets = arr(bucketsKey) ?? [];
    const offset = num(offsetKey) ?? 0;
    return { buckets, spans: buckets.length > 0 ? [{ offset, length: buckets.length }] : [] };
  };
  const pos1 = side("buckets", "offset");
  const neg = side("n_buckets", "n_offset");
  const histogram = new FloatHistogram({
    schema: num("schema") ?? 0,
    sum: num("sum") ?? 0,
    count: num("count") ?? 0,
    zeroCount: num("z_bucket") ?? 0,
    zeroThreshold: num("z_bucket_w") ?? 0,
    customValues: arr("custom_values") ?? [],
    counterResetHint: (desc.get("counter_reset_hint") as CounterResetHint | undefined) ?? "unknown",
    positiveBuckets: pos1.buckets,
    positiveSpans: pos1.spans,
    negativeBuckets: neg.buckets,
    negativeSpans: neg.spans,
  });
  return { parsed: { histogram, counterResetHintSet: desc.has("counter_reset_hint") }, end: i };
}

/**
 * Expands one histogram item of a series description, as the series
 * notation parser sees it (one whitespace-free token except inside the
 * braces): `{{h}}` (one value), `{{h}}xN` (N+1 copies of h), `{{a}}+{{b}}xN`
 * (a, a+b, a+2b, ..., N+1 values), `{{a}}-{{b}}xN` (subtracting). Values
 * are accumulated by repeated add/sub exactly like Prometheus (so rounding
 * matches). Errors, as in Prometheus: a running value with a higher schema
 * than the step ("cannot merge from schema"), and a mix of exponential and
 * custom buckets. Like Prometheus, in `+`/`-` series counterResetHintSet
 * of every value is that of the step
 * histogram `b`. Throws HistogramNotationError.
 */
export function expandHistogramSeries(text: string): ParsedHistogram[] {
  const t = text.trim();
  const first = readHistogram(t, 0);
  let i = first.end;
  if (i === t.length) return [first.parsed];
  const times = (): number => {
    const m = /^x(\d+)$/.exec(t.slice(i));
    if (!m) throw new HistogramNotationError(`invalid histogram series item ${JSON.stringify(t)}: expected xN after the histogram`);
    return Number(m[1]);
  };
  if (t[i] === "x") {
    const n = times();
    return Array.from({ length: n + 1 }, () => first.parsed);
  }
  const op = t[i];
  if (op !== "+" && op !== "-") throw new HistogramNotationError(`invalid histogram series item ${JSON.stringify(t)}`);
  i++;
  const inc = readHistogram(t, i);
  i = inc.end;
  if (t[i] !== "x") throw new HistogramNotationError(`invalid histogram series item ${JSON.stringify(t)}: expected xN after the increment`);
  const n = times();
  const hintSet = inc.parsed.counterResetHintSet;
  const out: ParsedHistogram[] = [{ histogram: first.parsed.histogram, counterResetHintSet: hintSet }];
  let cur = first.parsed.histogram;
  const step = inc.parsed.histogram;
  for (let k = 1; k <= n; k++) {
    if (cur.schema > step.schema) {
      throw new HistogramNotationError(`error combining histograms: cannot merge from schema ${step.schema} to ${cur.schema}`);
    }
    const r = op === "+" ? cur.add(step) : cur.sub(step);
    if (!r.ok) throw new HistogramNotationError(r.error.message);
    cur = r.histogram;
    out.push({ histogram: cur, counterResetHintSet: hintSet });
  }
  return out;
}

const HINT_NAMES: Record<CounterResetHint, string> = {
  unknown: "unknown",
  reset: "reset",
  "not-reset": "not_reset",
  gauge: "gauge",
};

/**
 * Prometheus's TestExpression: the histogram compacted to one span per side,
 * written with only the non-default keys in a fixed order, numbers as Go's
 * %g. Parses back (parseHistogramNotation) to an equal histogram.
 */
export function formatHistogram(h: FloatHistogram): string {
  const m = h.compact(Infinity);
  const res: string[] = [];
  if (m.schema !== 0) res.push(`schema:${m.schema}`);
  if (m.count !== 0) res.push(`count:${formatGoG(m.count)}`);
  if (m.sum !== 0) res.push(`sum:${formatGoG(m.sum)}`);
  if (m.zeroCount !== 0) res.push(`z_bucket:${formatGoG(m.zeroCount)}`);
  if (m.zeroThreshold !== 0) res.push(`z_bucket_w:${formatGoG(m.zeroThreshold)}`);
  if (m.usesCustomBuckets()) res.push(`custom_values:[${m.customValues.map(formatGoG).join(" ")}]`);
  if (m.counterResetHint !== "unknown") res.push(`counter_reset_hint:${HINT_NAMES[m.counterResetHint]}`);
  const side = (kind: string, bucketsKey: string, offsetKey: string, buckets: readonly number[], spans: readonly { offset: number }[]): void => {
    if (spans.length > 1) throw new HistogramError("invalid-operation", `histogram with multiple ${kind} spans not supported`);
    for (const s of spans) if (s.offset !== 0) res.push(`${offsetKey}:${s.offset}`);
    if (buckets.length > 0) res.push(`${bucketsKey}:[${buckets.map(formatGoG).join(" ")}]`);
  };
  side("positive", "buckets", "offset", m.positiveBuckets, m.positiveSpans);
  side("negative", "n_buckets", "n_offset", m.negativeBuckets, m.negativeSpans);
  return `{{${res.join(" ")}}}`;
}

/**
 * FloatHistogram's String(): `{count:…, sum:…, <bucket>:<count>, …}` with the
 * non-empty buckets ascending (negative, zero bucket, positive), each bucket
 * as Bucket.String() (`[lower,upper):count`, bounds and counts as Go's %g).
 * count_values uses it as the label value of histogram samples.
 */
export function histogramString(h: FloatHistogram): string {
  const parts = [`count:${formatGoG(h.count)}`, `sum:${formatGoG(h.sum)}`];
  const bucket = (b: Bucket): string =>
    `${b.lowerInclusive ? "[" : "("}${formatGoG(b.lower)},${formatGoG(b.upper)}${b.upperInclusive ? "]" : ")"}:${formatGoG(b.count)}`;
  const negative = h.iterNegative().filter((b) => b.count !== 0);
  for (let i = negative.length - 1; i >= 0; i--) parts.push(bucket(negative[i]!));
  if (h.zeroCount !== 0) parts.push(bucket(h.zeroBucket()));
  for (const b of h.iterPositive()) if (b.count !== 0) parts.push(bucket(b));
  return `{${parts.join(", ")}}`;
}

/** The relative tolerance promqltest allows for sample values (test.go's defaultEpsilon). */
export const PROMQLTEST_EPSILON = 0.000001;

/**
 * promqltest's comparison of an expected with an actual histogram
 * (compareNativeHistogram, after compacting both with Compact(0) as the test
 * runner does): same schema, zero threshold, custom bounds and span layout;
 * count, sum, zero count and buckets equal within PROMQLTEST_EPSILON
 * (almostEqual); the counter reset hint only when the expected literal set it.
 */
export function histogramsMatch(expected: FloatHistogram, actual: FloatHistogram, counterResetHintSet = false, epsilon = PROMQLTEST_EPSILON): boolean {
  const exp = expected.compact(0);
  const cur = actual.compact(0);
  if (exp.schema !== cur.schema || !almostEqual(exp.count, cur.count, epsilon) || !almostEqual(exp.sum, cur.sum, epsilon)) return false;
  if (isCustomBucketsSchema(exp.schema) && !customBucketBoundsMatch(exp.customValues, cur.customValues)) return false;
  if (exp.zeroThreshold !== cur.zeroThreshold || !almostEqual(exp.zeroCount, cur.zeroCount, epsilon)) return false;
  const bucketsMatch = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => almostEqual(v, b[i]!, epsilon));
  if (!spansMatch(exp.negativeSpans, cur.negativeSpans) || !bucketsMatch(exp.negativeBuckets, cur.negativeBuckets)) return false;
  if (!spansMatch(exp.positiveSpans, cur.positiveSpans) || !bucketsMatch(exp.positiveBuckets, cur.positiveBuckets)) return false;
  if (counterResetHintSet && exp.counterResetHint !== cur.counterResetHint) return false;
  return true;
}
