// When two threshold problems (a watched expression and its synthetic input
// series) are the same up to the values of some labels, and why the engine
// then computes the same numbers for both: see `relabelView`.
import { walk, type Expr } from "../../promql/ast.js";
import type { LabelSet } from "./synthetic-labels.js";

/**
 * A problem seen with the values of its *free* labels replaced by
 * placeholders. Two problems with the same `key` differ at most in the values
 * of those labels, by a renaming that is one-to-one per label name.
 */
export interface RelabelView {
  readonly key: string;
  /** Sample labels with free labels' values replaced by placeholders; undefined for a value this problem does not contain. */
  toCanonical(labels: Record<string, string>): Record<string, string> | undefined;
  /** The inverse, into this problem's values; undefined for a placeholder it does not have. */
  fromCanonical(labels: Record<string, string>): Record<string, string> | undefined;
}

/**
 * The problem's view, or undefined when no label of it is free (nothing to
 * share) or the argument below does not apply.
 *
 * A label name is *free* when it is not `__name__`, `le` or another `__`
 * label, and every matcher on it in the expression is an equality with a
 * non-empty value. The view applies only when, in addition, the expression
 * has no string literal (so no label_replace, label_join, count_values,
 * sort_by_label: nothing builds or reads a label value but selectors) and no
 * label name or value in it or in the series contains "\xff".
 *
 * Claim: let problem B be problem A with the values of free labels renamed by
 * σ, one-to-one per name, non-empty to non-empty, in the expression's equality
 * matchers and in the series' labels (same series, same order, same sample
 * values). Then monac's engine evaluates B's expression on B's series to the
 * same sample values, in the same order, as A's on A's, with labels renamed
 * by σ — or fails (error, empty, non-finite) for both. Because:
 *  - Selection: a free label is matched only by `=` with a non-empty value
 *    v, which holds for a series' value x iff x = v iff σ(x) = σ(v) (a series
 *    without the label reads "", which equals neither v nor σ(v)). All other
 *    matchers are on other labels, which σ leaves alone. So each selector
 *    selects the same series, in store order, which is insertion order (the
 *    series' order, a Map), not label order.
 *  - Labels only meet labels: grouping (by/without), vector matching
 *    (on/ignoring, group_left/right, and/or/unless), duplicate-labelset checks
 *    and the store compare whole label sets through `Labels.key`, the
 *    name/value pairs joined by "\xff": injective when no name or value holds
 *    "\xff", so two keys are equal for A exactly when their σ-images are for
 *    B; and iteration follows insertion order (Maps) or sample values
 *    (sort, topk, quantile), never label values (only range queries and
 *    matrices are sorted by labels; an instant vector keeps evaluation
 *    order). Label values are compared
 *    with constants only by matchers (above), parsed only for `le` (histogram
 *    buckets: not free), and made only from selectors' equality matchers by
 *    absent() (σ-images again) or by functions taking string literals (none).
 *    Labels are sorted by name, which σ keeps.
 *  - So every step does the same arithmetic on the same floats in the same
 *    order; only label values differ, by σ. (Error messages print labels;
 *    an error is a failure either way.)
 *
 * Two problems with equal keys are such a pair: the key is the free names,
 * the whole expression tree but source positions (which only place
 * annotations and errors), with each free value in an equality matcher
 * replaced by a placeholder numbered by first appearance per (name, value),
 * and each series' labels with the same replacement. Equal keys give equal
 * trees apart from free values, the same free names, and placeholders that
 * map A's values to B's one-to-one per name, consistently across expression
 * and series. (The tree is plain data: strings, numbers, booleans, arrays.)
 */
export function relabelView(expr: Expr, series: readonly LabelSet[]): RelabelView | undefined {
  const ops = new Map<string, boolean>();
  let eligible = true;
  const clean = (s: string) => !s.includes("\xff");
  walk(expr, (node) => {
    if (node.type === "StringLiteral") eligible = false;
    if (node.type !== "VectorSelector") return;
    if (node.name !== undefined && !clean(node.name)) eligible = false;
    for (const m of node.matchers) {
      if (!clean(m.name) || !clean(m.value)) eligible = false;
      const free = !m.name.startsWith("__") && m.name !== "le" && m.op === "=" && m.value !== "";
      ops.set(m.name, (ops.get(m.name) ?? true) && free);
    }
  });
  for (const labels of series) for (const [n, v] of Object.entries(labels)) if (!clean(n) || !clean(v)) eligible = false;
  const free = [...ops].filter(([, f]) => f).map(([n]) => n).sort();
  if (!eligible || free.length === 0) return undefined;
  const isFree = new Set(free);

  const index = new Map<string, string>(); // `${name}\0${value}` → placeholder
  const values = new Map<string, string>(); // placeholder → value
  const placeholder = (name: string, value: string): string => {
    const k = `${name}\u0000${value}`;
    let p = index.get(k);
    if (p === undefined) {
      p = `\u0000${index.size}`;
      index.set(k, p);
      values.set(p, value);
    }
    return p;
  };

  // The expression's tree, all of it but source positions, with free values
  // replaced; numbers as text that tells NaN, the infinities and -0 apart.
  const text = JSON.stringify(expr, function (this: unknown, k: string, v: unknown) {
    if (k === "pos") return undefined;
    if (typeof v === "number") return Object.is(v, -0) ? "#-0" : `#${v}`;
    if (k === "value" && typeof v === "string") {
      // A label matcher: the only node with a name, an op and a value (and no type).
      const m = this as { type?: unknown; name?: unknown; op?: unknown };
      if (m.type === undefined && m.op === "=" && typeof m.name === "string" && isFree.has(m.name)) return placeholder(m.name, v);
    }
    return v;
  });
  const canonicalSeries = series.map((labels) =>
    Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([n, v]) => [n, isFree.has(n) && v !== "" ? placeholder(n, v) : v]),
  );
  // JSON is self-delimiting: the two parts cannot run into each other.
  const key = JSON.stringify([free, canonicalSeries]) + text;

  return {
    key,
    toCanonical(labels) {
      const out: Record<string, string> = {};
      for (const [n, v] of Object.entries(labels)) {
        if (!isFree.has(n)) out[n] = v;
        else {
          const p = index.get(`${n}\u0000${v}`);
          if (p === undefined) return undefined;
          out[n] = p;
        }
      }
      return out;
    },
    fromCanonical(labels) {
      const out: Record<string, string> = {};
      for (const [n, v] of Object.entries(labels)) {
        if (!isFree.has(n)) out[n] = v;
        else {
          const value = values.get(v);
          // The placeholder must be one of this name's: its index entry is `${n}\0${value}`.
          if (value === undefined || index.get(`${n}\u0000${value}`) !== v) return undefined;
          out[n] = value;
        }
      }
      return out;
    },
  };
}
