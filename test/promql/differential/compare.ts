/**
 * When monac's and promtool's results count as equal: the same series, and
 * values within 1e-9 relative (NaN equals NaN, infinities must be equal).
 */
import type { ResultSample } from "./monac-side.js";
import { histogramsMatch, parseHistogramNotation } from "../../../src/promql/histogram.js";

/**
 * Two histograms in promtool's notation agree when equal within the value
 * tolerance (histogramsMatch: same schema, zero threshold, custom bounds and
 * layout, counts, sum and buckets within REL_TOLERANCE, and the same counter
 * reset hint).
 */
export function histogramsAgree(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return histogramsMatch(parseHistogramNotation(a).histogram, parseHistogramNotation(b).histogram, true, REL_TOLERANCE);
  } catch {
    return false;
  }
}

export const REL_TOLERANCE = 1e-9;

export function valuesAgree(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Splits canonical `{a="b", c="d"}` text back into pairs (values were quoted by Labels.toString()). */
function labelPairs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([^\s{},=]+)="((?:[^"\\]|\\.)*)"/g)) out.set(m[1]!, JSON.parse(`"${m[2]!}"`) as string);
  return out;
}

/** A number as count_values writes it (Go's FormatFloat 'f'), or undefined for anything else. */
function labelNumber(text: string): number | undefined {
  if (text === "NaN") return NaN;
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/**
 * Label sets equal except that labels in `numeric` (those count_values
 * writes sample values into) may hold numbers that agree within the value
 * tolerance: an ulp of difference in a value (Go's libm vs V8's) must
 * not turn into a label difference. The same number written differently
 * still differs.
 */
function labelsAgree(a: string, b: string, numeric: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (numeric.size === 0) return false;
  const left = labelPairs(a);
  const right = labelPairs(b);
  if (left.size !== right.size) return false;
  for (const [name, v] of left) {
    const w = right.get(name);
    if (w === undefined) return false;
    if (v === w) continue;
    const x = labelNumber(v);
    const y = labelNumber(w);
    if (!numeric.has(name) || x === undefined || y === undefined || !valuesAgree(x, y)) return false;
    // The same number written differently is a formatting difference, not rounding.
    if (x === y) return false;
  }
  return true;
}

/** Label names count_values writes values into, e.g. `value` in `count_values("value", x)`. */
export function countValuesLabels(expr: string): Set<string> {
  return new Set([...expr.matchAll(/count_values\s*(?:(?:by|without)\s*\([^)]*\)\s*)?\(\s*"([^"]*)"/g)].map((m) => m[1]!));
}

/** Compares monac's samples with promtool's; returns the first difference, or "" when they agree. */
export function compareSamples(monac: readonly ResultSample[], promtool: readonly ResultSample[], numericLabels: ReadonlySet<string> = new Set()): string {
  if (monac.length !== promtool.length) return `sample count differs: monac ${monac.length}, promtool ${promtool.length}`;
  const left = [...promtool];
  for (const x of monac) {
    let i = left.findIndex((y) => y.labels === x.labels);
    if (i < 0) i = left.findIndex((y) => labelsAgree(x.labels, y.labels, numericLabels));
    if (i < 0) return `labels differ: monac has ${x.labels}, promtool has ${left.map((y) => y.labels).join(", ")}`;
    const y = left.splice(i, 1)[0]!;
    if ((x.histogram === undefined) !== (y.histogram === undefined)) {
      return `value of ${x.labels} differs: monac ${x.histogram ?? x.value}, promtool ${y.histogram ?? y.value}`;
    }
    if (x.histogram !== undefined && !histogramsAgree(x.histogram, y.histogram!)) return `histogram of ${x.labels} differs: monac ${x.histogram}, promtool ${y.histogram}`;
    if (!valuesAgree(x.value, y.value)) return `value of ${x.labels} differs: monac ${x.value}, promtool ${y.value}`;
  }
  return "";
}

