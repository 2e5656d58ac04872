// Sloth-style queries with a `{{.window}}` template, read with monac's PromQL
// parser. The template is replaced by a sentinel range before parsing and
// mapped back for positions and output (`$window`, which monac accepts).
//
// Canonical shapes become clean monac SLIs:
//   sum(rate(S_err[w])) / sum(rate(S_total[w]))                → ratio { errors: S_err, total: S_total }
//   sum(rate(H_count{m}[w])) - sum(rate(H_bucket{le="x",m}[w]))
//     with total sum(rate(H_count{m}[w]))                       → latency { histogram: H{m}, threshold: x }
// Anything else keeps its text, with $window for the template.
import { printPromQL, tryParsePromQL, walk, type Expr, type LabelMatcher, type VectorSelector } from "../promql/index.js";
import { Decimal } from "../workspace/decimal.js";
import { positionInScalar } from "../workspace/yaml-source.js";
import { formatPath } from "../workspace/diagnostics.js";
import { entry, map, num, str, type Entry } from "./emit.js";
import { decimalOf, describeValue } from "./common.js";
import type { Findings, Path, SourceDoc } from "./source.js";

const TEMPLATE = /\{\{-?\s*\.window\s*-?\}\}/g;
/** A range no one writes by hand (1h2m3s), so ranges that were the template can be told apart. */
const SENTINEL = "3723s";
const SENTINEL_MS = 3_723_000;

export interface QueryAt {
  doc: SourceDoc;
  path: Path;
}

interface Parsed {
  /** Trimmed source text. */
  text: string;
  expr: Expr;
  /** The text with $window for the template. */
  withPlaceholder: string;
  templated: boolean;
}

/** A query's text, parsed; an error finding (at the exact character when possible) and undefined otherwise. */
export function parseQuery(value: unknown, at: QueryAt, f: Findings, what: string): Parsed | undefined {
  if (typeof value !== "string" || value.trim() === "") {
    f.error(at.doc, at.path, `${what} must be a PromQL query, got ${describeValue(value)}`);
    return undefined;
  }
  const raw = value;
  const leading = raw.length - raw.trimStart().length;
  const text = raw.trim();
  // Offsets in the sentinel text map back to the source text.
  const pieces: { srcStart: number; outStart: number; srcLen: number; outLen: number }[] = [];
  let out = "";
  let last = 0;
  let templated = false;
  for (const m of text.matchAll(TEMPLATE)) {
    out += text.slice(last, m.index);
    pieces.push({ srcStart: m.index!, outStart: out.length, srcLen: m[0].length, outLen: SENTINEL.length });
    out += SENTINEL;
    last = m.index! + m[0].length;
    templated = true;
  }
  out += text.slice(last);
  const other = /\{\{[\s\S]*?\}\}/.exec(out);
  if (other) {
    f.list.push(finding(at, leading + srcOffset(other.index, pieces), `${what}: the Go template ${other[0]} cannot be imported: only {{.window}} has a meaning outside Sloth`));
    return undefined;
  }
  let parsed: ReturnType<typeof tryParsePromQL>;
  try {
    parsed = tryParsePromQL(out);
  } catch (e) {
    f.error(at.doc, at.path, `${what}: cannot read this PromQL: ${(e as Error).message}`);
    return undefined;
  }
  if (!parsed.ok) {
    const offset = srcOffset(parsed.error.pos.start, pieces);
    f.list.push(finding(at, leading + offset, `${what}: invalid PromQL: ${parsed.error.reason}`));
    return undefined;
  }
  // The template may only be a range: monac replaces $window by each alert window there and nowhere else.
  let ranges = 0;
  walk(parsed.expr, (node) => {
    if ((node.type === "MatrixSelector" && node.range === SENTINEL_MS && node.rangeExpr === undefined) || (node.type === "SubqueryExpr" && node.range === SENTINEL_MS)) ranges++;
  });
  if (ranges !== pieces.length) {
    f.error(at.doc, at.path, `${what}: {{.window}} is used outside a range selector ([{{.window}}]); monac's $window may only be a range`);
    return undefined;
  }
  return { text, expr: parsed.expr, withPlaceholder: text.replace(TEMPLATE, "$window"), templated };
}

function srcOffset(outOffset: number, pieces: readonly { srcStart: number; outStart: number; srcLen: number; outLen: number }[]): number {
  let shift = 0;
  for (const p of pieces) {
    if (outOffset < p.outStart) break;
    if (outOffset < p.outStart + p.outLen) return p.srcStart;
    shift += p.srcLen - p.outLen;
  }
  return outOffset + shift;
}

function finding(at: QueryAt, offset: number, message: string) {
  return { file: at.doc.file, position: positionInScalar(at.doc.yaml, at.path, offset), path: formatPath(at.path), message };
}

// ---------------------------------------------------------------- shapes

function unparen(e: Expr): Expr {
  while (e.type === "ParenExpr") e = e.expr;
  return e;
}

interface CountOf {
  selector: VectorSelector;
  grouped: boolean;
}

/** sum(rate(S[w])) or sum(increase(S[w])), S without offset or @. */
function countOf(e: Expr): CountOf | undefined {
  e = unparen(e);
  if (e.type !== "AggregateExpr" || e.op !== "sum" || e.param) return undefined;
  const inner = unparen(e.expr);
  if (inner.type !== "Call" || (inner.func !== "rate" && inner.func !== "increase") || inner.args.length !== 1) return undefined;
  const m = inner.args[0]!;
  if (m.type !== "MatrixSelector" || m.range !== SENTINEL_MS || m.rangeExpr) return undefined;
  const s = m.selector;
  if (s.offset !== 0 || s.offsetExpr || s.at || s.anchored || s.smoothed) return undefined;
  if (s.name === undefined) return undefined;
  return { selector: s, grouped: e.grouping.length > 0 || e.without };
}

function matcherKey(ms: readonly LabelMatcher[]): string {
  return ms
    .map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`)
    .sort()
    .join(",");
}

function selectorText(name: string, matchers: LabelMatcher[]): string {
  return printPromQL({ type: "VectorSelector", name, matchers, offset: 0, pos: { start: 0, end: 0 } });
}

export interface SliResult {
  sli: Entry;
  comments: string[];
}

/**
 * A Sloth events SLI (error and total queries). Undefined after an error
 * finding.
 */
export function eventsSli(errorsAt: QueryAt, errorsValue: unknown, totalAt: QueryAt, totalValue: unknown, f: Findings, names: { errors: string; total: string }): SliResult | undefined {
  const errors = parseQuery(errorsValue, errorsAt, f, names.errors);
  const total = parseQuery(totalValue, totalAt, f, names.total);
  if (!errors || !total) return undefined;
  for (const [q, at, name] of [[errors, errorsAt, names.errors], [total, totalAt, names.total]] as const) {
    if (!q.templated) {
      f.error(at.doc, at.path, `${name} has no {{.window}}: the query must count events over Sloth's window, e.g. sum(rate(http_requests_total[{{.window}}]))`);
      return undefined;
    }
  }
  const e = countOf(errors.expr);
  const t = countOf(total.expr);
  const groupingNote = "monac evaluates an SLO over the whole service (the sum of all series), not per group";
  if (t) {
    // sum(rate(S[w])) / sum(rate(T[w])): plain counters.
    if (e) {
      const comments = ["Sloth's sum(rate(...[{{.window}}])) queries are counter selectors in monac, which counts them over each window itself."];
      if (e.grouped || t.grouped) {
        const why = `the queries group with by/without; ${groupingNote}`;
        f.warn(errorsAt.doc, e.grouped ? errorsAt.path : totalAt.path, why);
        comments.push(`Approximation: ${why}.`);
      }
      return {
        sli: entry("sli", map([entry("ratio", map([entry("errors", str(printPromQL(e.selector))), entry("total", str(printPromQL(t.selector)))]))])),
        comments,
      };
    }
    const latency = latencyShape(unparen(errors.expr), t);
    if (latency) {
      const comments = [`Sloth's "_count minus _bucket{le=\\"${latency.le}\\"}" error query is a monac latency SLI: requests slower than ${latency.le}s are errors.`];
      if (latency.grouped) {
        const why = `the queries group with by/without; ${groupingNote}`;
        f.warn(errorsAt.doc, errorsAt.path, why);
        comments.push(`Approximation: ${why}.`);
      }
      return {
        sli: entry("sli", map([entry("latency", map([entry("histogram", str(latency.histogram)), entry("threshold", num(latency.le))]))])),
        comments,
      };
    }
  }
  const comments = ["The queries keep their own shape; monac replaces $window (Sloth's {{.window}}) by each window."];
  for (const [q, at] of [[errors, errorsAt], [total, totalAt]] as const) {
    if (grouped(q.expr)) {
      const why = `the query groups with by/without; ${groupingNote}, so monac sums what this query returns`;
      f.warn(at.doc, at.path, why);
      comments.push(`Approximation: ${why}.`);
    }
  }
  return {
    sli: entry("sli", map([entry("ratio", map([entry("errors", str(errors.withPlaceholder)), entry("total", str(total.withPlaceholder))]))])),
    comments,
  };
}

/** A raw error-ratio query (Sloth's raw SLI). */
export function rawSli(at: QueryAt, value: unknown, f: Findings, name: string): SliResult | undefined {
  const q = parseQuery(value, at, f, name);
  if (!q) return undefined;
  if (!q.templated) {
    f.error(at.doc, at.path, `${name} has no {{.window}}: the error ratio must be computed over Sloth's window`);
    return undefined;
  }
  const comments = ["The error-ratio query keeps its own shape; monac replaces $window (Sloth's {{.window}}) by each window."];
  if (grouped(q.expr)) {
    const why = "the query groups with by/without; monac evaluates an SLO over the whole service and needs one error ratio: the query must return one series";
    f.warn(at.doc, at.path, why);
    comments.push(`Check: ${why}.`);
  }
  return { sli: entry("sli", map([entry("raw", map([entry("errorRatio", str(q.withPlaceholder))]))])), comments };
}

function grouped(e: Expr): boolean {
  let found = false;
  walk(e, (node) => {
    if (node.type === "AggregateExpr" && (node.grouping.length > 0 || node.without)) found = true;
  });
  return found;
}

function latencyShape(errors: Expr, total: CountOf): { histogram: string; le: string; grouped: boolean } | undefined {
  if (errors.type !== "BinaryExpr" || errors.op !== "-" || errors.returnBool) return undefined;
  const all = countOf(errors.lhs);
  const fast = countOf(errors.rhs);
  if (!all || !fast) return undefined;
  const countName = all.selector.name!;
  if (!countName.endsWith("_count") || total.selector.name !== countName) return undefined;
  const base = countName.slice(0, -"_count".length);
  if (fast.selector.name !== `${base}_bucket`) return undefined;
  const le = fast.selector.matchers.filter((m) => m.name === "le");
  if (le.length !== 1 || le[0]!.op !== "=") return undefined;
  const threshold = decimalOf(le[0]!.value);
  if (threshold === undefined || threshold.cmp(Decimal.of(0)) <= 0) return undefined;
  const rest = fast.selector.matchers.filter((m) => m.name !== "le");
  if (matcherKey(rest) !== matcherKey(all.selector.matchers) || matcherKey(rest) !== matcherKey(total.selector.matchers)) return undefined;
  return { histogram: selectorText(base, all.selector.matchers), le: threshold.toString(), grouped: all.grouped || fast.grouped || total.grouped };
}

/**
 * A counter selector from a query without a window (OpenSLO v1, Pyrra): a
 * selector, or sum(selector) (by/without: a warning). Undefined after an
 * error finding.
 */
export function counterSelector(value: unknown, at: QueryAt, f: Findings, what: string): { text: string; comments: string[] } | undefined {
  const q = parseQuery(value, at, f, what);
  if (!q) return undefined;
  let e = unparen(q.expr);
  const comments: string[] = [];
  if (e.type === "AggregateExpr" && e.op === "sum" && !e.param) {
    if (e.grouping.length > 0 || e.without) {
      const why = `${what} groups with by/without; monac evaluates an SLO over the whole service (the sum of all series), not per group`;
      f.warn(at.doc, at.path, why);
      comments.push(`Approximation: ${why}.`);
    }
    e = unparen(e.expr);
  }
  if (e.type !== "VectorSelector" || e.offset !== 0 || e.offsetExpr || e.at) {
    f.error(at.doc, at.path, `${what} must be a counter selector such as http_requests_total{code=~"5.."} or sum(...) of one; monac counts events itself (increase over each window) and cannot import ${q.text}`);
    return undefined;
  }
  return { text: printPromQL(e), comments };
}

/** Whether a query's text uses Sloth's {{.window}} template. */
export function hasWindowTemplate(value: unknown): boolean {
  return typeof value === "string" && new RegExp(TEMPLATE.source).test(value);
}


/**
 * One windowed count (a Sloth-style query with {{.window}}): the counter
 * selector when it is sum(rate|increase(S[{{.window}}])), else the expression
 * with $window. Undefined after an error finding.
 */
export function windowedCount(value: unknown, at: QueryAt, f: Findings, what: string): { text: string; comments: string[]; selector: boolean } | undefined {
  const q = parseQuery(value, at, f, what);
  if (!q) return undefined;
  if (!q.templated) {
    f.error(at.doc, at.path, `${what} has no {{.window}}: the query must count events over the window, e.g. sum(rate(http_requests_total[{{.window}}]))`);
    return undefined;
  }
  const c = countOf(q.expr);
  const comments: string[] = [];
  const groupedHere = c ? c.grouped : grouped(q.expr);
  if (groupedHere) {
    const why = `${what} groups with by/without; monac evaluates an SLO over the whole service (the sum of all series), not per group`;
    f.warn(at.doc, at.path, why);
    comments.push(`Approximation: ${why}.`);
  }
  return { text: c ? printPromQL(c.selector) : q.withPlaceholder, comments, selector: c !== undefined };
}
