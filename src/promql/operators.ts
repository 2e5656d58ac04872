/**
 * Binary operators on scalars and instant vectors, including vector matching
 * (on/ignoring, group_left/group_right) and the set operators. Error texts
 * are Prometheus's, since users and test scripts match on them.
 */
import type { StepGrid } from "./aggregations.js";
import type { BinaryOp, PositionRange, VectorMatching } from "./ast.js";
import { isComparisonOp, isSetOp } from "./ast.js";
import { annotate, type Annotations } from "./annotations.js";
import type { FloatHistogram } from "./histogram.js";
import { trimBuckets } from "./histogram-trim.js";
import { Labels, METRIC_NAME, compareStrings } from "./labels.js";
import { PromQLEvalError, UnsupportedFeatureError, type StepSample, type StepSeries } from "./value.js";

/**
 * Go's math.Pow differs from JavaScript's `**` in IEEE corner cases
 * (Pow(1, NaN) = 1, Pow(-1, ±Inf) = 1), and PromQL exposes Go's.
 */
export function goPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if ((x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return x ** y;
}

/** Arithmetic operators change what a value means, so they drop the metric name. */
export function changesMetricSchema(op: BinaryOp): boolean {
  return op === "+" || op === "-" || op === "*" || op === "/" || op === "%" || op === "^" || op === "atan2";
}

function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return l / r;
    case "%":
      return l % r;
    case "^":
      return goPow(l, r);
    case "atan2":
      return Math.atan2(l, r);
    default:
      throw new PromQLEvalError(`operator "${op}" not allowed for arithmetic`);
  }
}

/** A comparison operator applied to two floats, as PromQL's filters and `bool` do. */
export function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case "==":
      return l === r;
    case "!=":
      return l !== r;
    case ">":
      return l > r;
    case "<":
      return l < r;
    case ">=":
      return l >= r;
    case "<=":
      return l <= r;
    default:
      throw new PromQLEvalError(`operator "${op}" is not a comparison`);
  }
}

export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  if (isComparisonOp(op)) return compare(op, l, r) ? 1 : 0;
  return arithmetic(op, l, r);
}

/** Result of one element operation: comparisons keep the left value and filter. */
function elemBinop(op: BinaryOp, l: number, r: number): { value: number; keep: boolean } {
  if (op === "</" || op === ">/") throw new UnsupportedFeatureError(`operator ${op} needs native histograms`);
  if (isComparisonOp(op)) return { value: l, keep: compare(op, l, r) };
  return { value: arithmetic(op, l, r), keep: true };
}

/**
 * A float element operation with its filter applied: the value to output,
 * or undefined when a comparison without `bool` drops the element, which
 * otherwise keeps `kept`, the value of the filtered vector's sample.
 */
function filteredElemBinop(op: BinaryOp, l: number, r: number, returnBool: boolean, kept: number): number | undefined {
  const res = elemBinop(op, l, r);
  if (returnBool) return res.keep ? 1 : 0;
  if (!res.keep) return undefined;
  return isComparisonOp(op) ? kept : res.value;
}

/** Where the annotations of operations on native histograms go. */
export interface BinopContext {
  annotations: Annotations;
  /** The binary expression's position. */
  pos: PositionRange;
}

type HistogramElemResult = { ok: true; value: number; h: FloatHistogram | undefined; keep: boolean } | { ok: false };

/**
 * Prometheus's vectorElemBinop when a histogram is involved: histogram × or
 * ÷ float, float × histogram, histogram ± histogram (results compacted;
 * subtraction gives a gauge), histogram ==/!= histogram. Anything else drops
 * the element with an info annotation. Like Prometheus's VectorBinop, an
 * addition or subtraction with conflicting counter resets is dropped with a
 * warning.
 */
function histogramElemBinop(op: BinaryOp, l: number, r: number, hl: FloatHistogram | undefined, hr: FloatHistogram | undefined, ctx: BinopContext): HistogramElemResult {
  const typeOf = (h: FloatHistogram | undefined): string => (h === undefined ? "float" : "histogram");
  const incompatible = (): HistogramElemResult => {
    ctx.annotations.add(annotate.incompatibleTypesInBinOp(typeOf(hl), op, typeOf(hr), ctx.pos));
    return { ok: false };
  };
  if (hl === undefined && hr !== undefined) {
    if (op === "*") return { ok: true, value: 0, h: hr.mul(l).compact(0), keep: true };
    return incompatible();
  }
  if (hl !== undefined && hr === undefined) {
    if (op === "*") return { ok: true, value: 0, h: hl.mul(r).compact(0), keep: true };
    if (op === "/") return { ok: true, value: 0, h: hl.div(r).compact(0), keep: true };
    if (op === "</" || op === ">/") return { ok: true, value: 0, h: trimBuckets(hl, r, op === "</"), keep: true };
    return incompatible();
  }
  if (hl === undefined || hr === undefined) return incompatible(); // float </ float, float >/ float
  if (op === "+" || op === "-") {
    const res = op === "+" ? hl.add(hr) : hl.sub(hr);
    if (!res.ok) {
      if (res.error.kind === "incompatible-schema") ctx.annotations.add(annotate.incompatibleBucketLayoutInBinOp(op, ctx.pos));
      return { ok: false };
    }
    const operation = op === "+" ? "addition" : "subtraction";
    if (res.nhcbBoundsReconciled) ctx.annotations.add(annotate.mismatchedCustomBuckets(operation, ctx.pos));
    if (res.counterResetCollision) {
      ctx.annotations.add(annotate.histogramCounterResetCollision(operation, ctx.pos));
      return { ok: false };
    }
    const h = op === "-" ? res.histogram.with({ counterResetHint: "gauge" }) : res.histogram;
    return { ok: true, value: 0, h: h.compact(0), keep: true };
  }
  if (op === "==") return { ok: true, value: 0, h: hl, keep: hl.equals(hr) };
  if (op === "!=") return { ok: true, value: 0, h: hl, keep: !hl.equals(hr) };
  return incompatible();
}

export function vectorScalarBinop(
  op: BinaryOp,
  vec: readonly StepSample[],
  scalar: number,
  swap: boolean,
  returnBool: boolean,
  ctx?: BinopContext,
): StepSample[] {
  const out: StepSample[] = [];
  const trim = op === "</" || op === ">/";
  for (const s of vec) {
    if (s.h !== undefined || trim) {
      if (ctx === undefined) throw new UnsupportedFeatureError(`operator ${op} on native histograms is not supported`);
      const res = swap ? histogramElemBinop(op, scalar, NaN, undefined, s.h, ctx) : histogramElemBinop(op, NaN, scalar, s.h, undefined, ctx);
      if (!res.ok) continue;
      let value = res.value;
      let h = res.h;
      let keep = res.keep;
      if (isComparisonOp(op) && swap) {
        value = s.v;
        h = s.h;
      }
      if (returnBool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      const dropName = s.dropName || changesMetricSchema(op) || returnBool;
      out.push(h === undefined ? { metric: s.metric, v: value, dropName } : { metric: s.metric, v: NaN, h, dropName });
      continue;
    }
    // `1 < foo` filters foo but must return foo's own value.
    const value = swap ? filteredElemBinop(op, scalar, s.v, returnBool, s.v) : filteredElemBinop(op, s.v, scalar, returnBool, s.v);
    if (value === undefined) continue;
    out.push({ metric: s.metric, v: value, dropName: s.dropName || changesMetricSchema(op) || returnBool });
  }
  return out;
}

/** The join key of a series under a matching clause. */
export class MatchSignature {
  private readonly cache = new WeakMap<Labels, string>();
  private readonly names: string[];

  constructor(private readonly matching: VectorMatching) {
    this.names = matching.on ? [...matching.labels] : [METRIC_NAME, ...matching.labels];
  }

  of(l: Labels): string {
    let s = this.cache.get(l);
    if (s === undefined) {
      s = this.matchLabels(l).key;
      this.cache.set(l, s);
    }
    return s;
  }

  matchLabels(l: Labels): Labels {
    return this.matching.on ? l.keepOnly(this.names) : l.without(this.names);
  }
}

export function vectorAnd(lhs: readonly StepSample[], rhs: readonly StepSample[], sig: MatchSignature): StepSample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const present = new Set(rhs.map((s) => sig.of(s.metric)));
  return lhs.filter((s) => present.has(sig.of(s.metric)));
}

export function vectorOr(lhs: readonly StepSample[], rhs: readonly StepSample[], sig: MatchSignature): StepSample[] {
  if (lhs.length === 0) return [...rhs];
  if (rhs.length === 0) return [...lhs];
  const present = new Set(lhs.map((s) => sig.of(s.metric)));
  return [...lhs, ...rhs.filter((s) => !present.has(sig.of(s.metric)))];
}

export function vectorUnless(lhs: readonly StepSample[], rhs: readonly StepSample[], sig: MatchSignature): StepSample[] {
  if (lhs.length === 0 || rhs.length === 0) return [...lhs];
  const present = new Set(rhs.map((s) => sig.of(s.metric)));
  return lhs.filter((s) => !present.has(sig.of(s.metric)));
}

export function vectorBinop(
  op: BinaryOp,
  lhsIn: readonly StepSample[],
  rhsIn: readonly StepSample[],
  matching: VectorMatching,
  returnBool: boolean,
  sig: MatchSignature,
  ctx?: BinopContext,
): StepSample[] {
  if (matching.fill) throw new UnsupportedFeatureError("binary operator fill modifiers are experimental");
  if (lhsIn.length === 0 || rhsIn.length === 0) return [];
  // Work from the "many" side: for group_right the operands trade places.
  const swapped = matching.card === "one-to-many";
  const lhs = swapped ? rhsIn : lhsIn;
  const rhs = swapped ? lhsIn : rhsIn;

  const rightBySig = new Map<string, StepSample>();
  for (const rs of rhs) {
    const key = sig.of(rs.metric);
    const dup = rightBySig.get(key);
    if (dup !== undefined) {
      const oneSide = swapped ? "left" : "right";
      let [a, b] = [rs.metric.toString(), dup.metric.toString()];
      if (compareStrings(a, b) > 0) [a, b] = [b, a];
      throw new PromQLEvalError(
        `found duplicate series for the match group ${sig.matchLabels(rs.metric).toString()} on the ${oneSide} hand-side of the operation: [${a}, ${b}]` +
          ";many-to-many matching not allowed: matching labels must be unique on one side",
      );
    }
    rightBySig.set(key, rs);
  }

  const matchedOneToOne = new Set<string>();
  const matchedMany = new Map<string, Set<string>>();
  const out: StepSample[] = [];
  for (const ls of lhs) {
    const key = sig.of(ls.metric);
    const rs = rightBySig.get(key);
    if (rs === undefined) continue;
    const [l, r] = swapped ? [rs.v, ls.v] : [ls.v, rs.v];
    let res: { value: number; keep: boolean };
    let h: FloatHistogram | undefined;
    if (ls.h !== undefined || rs.h !== undefined || op === "</" || op === ">/") {
      if (ctx === undefined) throw new UnsupportedFeatureError(`operator ${op} on native histograms is not supported`);
      const [hl, hr] = swapped ? [rs.h, ls.h] : [ls.h, rs.h];
      const hres = histogramElemBinop(op, l, r, hl, hr, ctx);
      if (!hres.ok) continue;
      res = hres;
      h = returnBool ? undefined : hres.h;
    } else res = elemBinop(op, l, r);
    let value = res.value;
    if (returnBool) value = res.keep ? 1 : 0;
    const metric = resultMetric(ls.metric, rs.metric, op, matching);
    if (matching.card === "one-to-one") {
      if (matchedOneToOne.has(key)) {
        throw new PromQLEvalError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
      }
      matchedOneToOne.add(key);
    } else {
      let seen = matchedMany.get(key);
      if (seen === undefined) {
        seen = new Set();
        matchedMany.set(key, seen);
      }
      if (seen.has(metric.key)) throw new PromQLEvalError("multiple matches for labels: grouping labels must ensure unique matches");
      seen.add(metric.key);
    }
    if (!res.keep && !returnBool) continue;
    out.push(h === undefined ? { metric, v: value, dropName: returnBool } : { metric, v: NaN, h, dropName: returnBool });
  }
  return out;
}

function resultMetric(many: Labels, one: Labels, op: BinaryOp, matching: VectorMatching): Labels {
  let m = changesMetricSchema(op) ? many.withoutMetricName() : many;
  if (matching.card === "one-to-one") m = matching.on ? m.keepOnly(matching.labels) : m.without(matching.labels);
  for (const name of matching.include) m = m.with(name, one.get(name));
  return m;
}

/** An operand of singleSeriesBinop: a value per step, or at most one series. */
export type SingleSeriesOperand = { kind: "scalar"; values: ArrayLike<number> } | { kind: "vector"; series: StepSeries | undefined };

/**
 * A binary operation over all steps of a range evaluation whose vector
 * operands have at most one float series each, without per-step samples:
 * at every step, what vectorBinop, vectorScalarBinop and the set operators
 * give on that step's samples. With one series a side, whether the sides
 * match, and the output labels, are the same at every step. Undefined for
 * what these may do beyond float arithmetic (histograms, whose operations
 * annotate; fill modifiers, which they reject): the caller goes step by step.
 */
export function singleSeriesBinop(
  op: BinaryOp,
  lhs: SingleSeriesOperand,
  rhs: SingleSeriesOperand,
  matching: VectorMatching,
  returnBool: boolean,
  sig: MatchSignature,
  grid: StepGrid,
): StepSeries[] | undefined {
  if (op === "</" || op === ">/" || matching.fill) return undefined;
  for (const side of [lhs, rhs]) if (side.kind === "vector" && side.series?.hs !== undefined) return undefined;
  if (lhs.kind === "scalar" && rhs.kind === "scalar") return undefined;
  const ls = lhs.kind === "vector" ? lhs.series : undefined;
  const rs = rhs.kind === "vector" ? rhs.series : undefined;
  // Per operand, its sample's index at the current step (-1: none), as rangeEval's cursors find it.
  let lc = 0;
  let rc = 0;
  let li = -1;
  let ri = -1;
  const advance = (t: number): void => {
    li = ls !== undefined && lc < ls.ts.length && ls.ts[lc] === t ? lc++ : -1;
    ri = rs !== undefined && rc < rs.ts.length && rs.ts[rc] === t ? rc++ : -1;
  };
  const series = (metric: Labels, dropName: boolean): StepSeries => ({ metric, dropName, ts: [], vs: [] });
  const nonEmpty = (s: StepSeries): StepSeries[] => (s.ts.length > 0 ? [s] : []);

  const scalarSide = lhs.kind === "scalar" ? lhs : rhs.kind === "scalar" ? rhs : undefined;
  if (scalarSide !== undefined) {
    const vec = ls ?? rs;
    if (vec === undefined) return [];
    const swap = scalarSide === lhs;
    const scalar = scalarSide.values;
    const out = series(vec.metric, vec.dropName || changesMetricSchema(op) || returnBool);
    for (let i = 0; i < grid.numSteps; i++) {
      const t = grid.start + i * grid.interval;
      advance(t);
      const c = swap ? ri : li;
      if (c < 0) continue;
      const v = vec.vs[c]!;
      const value = swap ? filteredElemBinop(op, scalar[i]!, v, returnBool, v) : filteredElemBinop(op, v, scalar[i]!, returnBool, v);
      if (value === undefined) continue;
      out.ts.push(t);
      out.vs.push(value);
    }
    return nonEmpty(out);
  }

  const match = ls !== undefined && rs !== undefined && sig.of(ls.metric) === sig.of(rs.metric);
  if (!isSetOp(op)) {
    if (!match) return [];
    // Work from the "many" side, as vectorBinop does.
    const [many, one] = matching.card === "one-to-many" ? [rs, ls] : [ls, rs];
    const out = series(resultMetric(many.metric, one.metric, op, matching), returnBool);
    for (let i = 0; i < grid.numSteps; i++) {
      const t = grid.start + i * grid.interval;
      advance(t);
      if (li < 0 || ri < 0) continue;
      const l = ls.vs[li]!;
      const value = filteredElemBinop(op, l, rs.vs[ri]!, returnBool, l);
      if (value === undefined) continue;
      out.ts.push(t);
      out.vs.push(value);
    }
    return nonEmpty(out);
  }

  // Set operators output samples as they are; rangeEval gathers them by labels, in order of first appearance.
  const sameLabels = ls !== undefined && rs !== undefined && ls.metric.key === rs.metric.key;
  const out: StepSeries[] = [];
  let left: StepSeries | undefined;
  let right: StepSeries | undefined;
  const emit = (fromLeft: boolean, t: number): void => {
    const src = fromLeft ? ls! : rs!;
    let s = fromLeft ? left : right;
    if (s === undefined) {
      s = sameLabels ? (left ?? right) : undefined;
      if (s === undefined) {
        s = series(src.metric, src.dropName);
        out.push(s);
      }
      if (fromLeft) left = s;
      else right = s;
    }
    s.ts.push(t);
    s.vs.push(src.vs[fromLeft ? li : ri]!);
  };
  for (let i = 0; i < grid.numSteps; i++) {
    const t = grid.start + i * grid.interval;
    advance(t);
    if (li >= 0 && (op === "or" || (op === "and" ? ri >= 0 && match : ri < 0 || !match))) emit(true, t);
    if (op === "or" && ri >= 0 && (li < 0 || !match)) emit(false, t);
  }
  return out;
}
