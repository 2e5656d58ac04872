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
  /** Created on first use: most binary operations of a range query (with a scalar) never match labels. */
  private cache: WeakMap<Labels, string> | undefined;
  private readonly names: string[];

  constructor(private readonly matching: VectorMatching) {
    this.names = matching.on ? [...matching.labels] : [METRIC_NAME, ...matching.labels];
  }

  of(l: Labels): string {
    this.cache ??= new WeakMap();
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
  if (lhs.kind === "vector" && lhs.series?.hs !== undefined) return undefined;
  if (rhs.kind === "vector" && rhs.series?.hs !== undefined) return undefined;
  if (lhs.kind === "scalar" && rhs.kind === "scalar") return undefined;
  // The loops below walk the steps with a cursor per operand: at step t, an
  // operand's sample is the one its cursor points at if that sample's
  // timestamp is t (as rangeEval's cursors find it). They are written out,
  // without closures or per-step objects, in small functions: range
  // evaluation of a rule test runs them for thousands of steps, mostly
  // before V8 has optimized them, and a small function is optimized sooner.
  if (lhs.kind === "scalar") return rhs.kind === "vector" && rhs.series !== undefined ? scalarSeriesBinop(op, rhs.series, lhs.values, true, returnBool, grid) : [];
  if (rhs.kind === "scalar") return lhs.series !== undefined ? scalarSeriesBinop(op, lhs.series, rhs.values, false, returnBool, grid) : [];
  const ls = lhs.series;
  const rs = rhs.series;
  const match = ls !== undefined && rs !== undefined && sig.of(ls.metric) === sig.of(rs.metric);
  if (!isSetOp(op)) {
    if (!match) return [];
    // Work from the "many" side, as vectorBinop does.
    const [many, one] = matching.card === "one-to-many" ? [rs, ls] : [ls, rs];
    const out: StepSeries = { metric: resultMetric(many.metric, one.metric, op, matching), dropName: returnBool, ts: [], vs: [] };
    if (isComparisonOp(op)) seriesComparison(op, ls, rs, returnBool, grid, out);
    else seriesArithmetic(op, ls, rs, returnBool, grid, out);
    return out.ts.length > 0 ? [out] : [];
  }
  return seriesSetOp(op, ls, rs, match, grid);
}

/** A series against a value per step (`swap`: the scalar is the left operand). */
function scalarSeriesBinop(op: BinaryOp, vec: StepSeries, scalar: ArrayLike<number>, swap: boolean, returnBool: boolean, grid: StepGrid): StepSeries[] {
  const out: StepSeries = { metric: vec.metric, dropName: vec.dropName || changesMetricSchema(op) || returnBool, ts: [], vs: [] };
  if (isComparisonOp(op)) scalarComparison(op, vec, scalar, swap, returnBool, grid, out);
  else scalarArithmetic(op, vec, scalar, swap, returnBool, grid, out);
  return out.ts.length > 0 ? [out] : [];
}

/** filteredElemBinop of an arithmetic operator, series against scalar. */
function scalarArithmetic(op: BinaryOp, vec: StepSeries, scalar: ArrayLike<number>, swap: boolean, returnBool: boolean, grid: StepGrid, out: StepSeries): void {
  const { numSteps, start, interval } = grid;
  const vts = vec.ts;
  const vvs = vec.vs;
  const n = vts.length;
  const vs = out.vs;
  let c = 0;
  for (let i = 0; i < numSteps && c < n; i++) {
    if (vts[c] !== start + i * interval) continue;
    const v = vvs[c++]!;
    const l = swap ? scalar[i]! : v;
    const r = swap ? v : scalar[i]!;
    // arithmetic(), with the common operators inline.
    let value: number;
    switch (op) {
      case "+":
        value = l + r;
        break;
      case "-":
        value = l - r;
        break;
      case "*":
        value = l * r;
        break;
      case "/":
        value = l / r;
        break;
      default:
        value = arithmetic(op, l, r);
    }
    vs.push(returnBool ? 1 : value);
  }
  // Every sample up to the cursor has an output at its own step: the same timestamps.
  out.ts = c === n ? vts : vts.slice(0, c);
}

/** filteredElemBinop of a comparison, series against scalar: the series' value is kept. */
function scalarComparison(op: BinaryOp, vec: StepSeries, scalar: ArrayLike<number>, swap: boolean, returnBool: boolean, grid: StepGrid, out: StepSeries): void {
  const { numSteps, start, interval } = grid;
  const vts = vec.ts;
  const vvs = vec.vs;
  const n = vts.length;
  const ts = out.ts;
  const vs = out.vs;
  let c = 0;
  for (let i = 0; i < numSteps && c < n; i++) {
    const t = start + i * interval;
    if (vts[c] !== t) continue;
    const v = vvs[c++]!;
    const keep = swap ? compare(op, scalar[i]!, v) : compare(op, v, scalar[i]!);
    if (returnBool) {
      ts.push(t);
      vs.push(keep ? 1 : 0);
    } else if (keep) {
      ts.push(t);
      vs.push(v);
    }
  }
}

/** filteredElemBinop of an arithmetic operator, matching series against series. */
function seriesArithmetic(op: BinaryOp, ls: StepSeries, rs: StepSeries, returnBool: boolean, grid: StepGrid, out: StepSeries): void {
  const { numSteps, start, interval } = grid;
  const lts = ls.ts;
  const lvs = ls.vs;
  const rts = rs.ts;
  const rvs = rs.vs;
  const ln = lts.length;
  const rn = rts.length;
  const ts = out.ts;
  const vs = out.vs;
  let lc = 0;
  let rc = 0;
  for (let i = 0; i < numSteps && lc < ln && rc < rn; i++) {
    const t = start + i * interval;
    const lHere = lts[lc] === t;
    const rHere = rts[rc] === t;
    if (lHere && rHere) {
      const value = arithmetic(op, lvs[lc]!, rvs[rc]!);
      ts.push(t);
      vs.push(returnBool ? 1 : value);
    }
    if (lHere) lc++;
    if (rHere) rc++;
  }
}

/** filteredElemBinop of a comparison, matching series against series: the left value is kept. */
function seriesComparison(op: BinaryOp, ls: StepSeries, rs: StepSeries, returnBool: boolean, grid: StepGrid, out: StepSeries): void {
  const { numSteps, start, interval } = grid;
  const lts = ls.ts;
  const lvs = ls.vs;
  const rts = rs.ts;
  const rvs = rs.vs;
  const ln = lts.length;
  const rn = rts.length;
  const ts = out.ts;
  const vs = out.vs;
  let lc = 0;
  let rc = 0;
  for (let i = 0; i < numSteps && lc < ln && rc < rn; i++) {
    const t = start + i * interval;
    const lHere = lts[lc] === t;
    const rHere = rts[rc] === t;
    if (lHere && rHere) {
      const l = lvs[lc]!;
      const keep = compare(op, l, rvs[rc]!);
      if (returnBool) {
        ts.push(t);
        vs.push(keep ? 1 : 0);
      } else if (keep) {
        ts.push(t);
        vs.push(l);
      }
    }
    if (lHere) lc++;
    if (rHere) rc++;
  }
}

const NO_SAMPLES: readonly number[] = [];

/**
 * and/or/unless of at most one series a side: samples as they are, gathered
 * by labels in order of first appearance, as rangeEval does.
 */
function seriesSetOp(op: BinaryOp, ls: StepSeries | undefined, rs: StepSeries | undefined, match: boolean, grid: StepGrid): StepSeries[] {
  const { numSteps, start, interval } = grid;
  const sameLabels = ls !== undefined && rs !== undefined && ls.metric.key === rs.metric.key;
  const out: StepSeries[] = [];
  let left: StepSeries | undefined;
  let right: StepSeries | undefined;
  const lts = ls?.ts ?? NO_SAMPLES;
  const lvs = ls?.vs ?? NO_SAMPLES;
  const rts = rs?.ts ?? NO_SAMPLES;
  const rvs = rs?.vs ?? NO_SAMPLES;
  const ln = lts.length;
  const rn = rts.length;
  const isOr = op === "or";
  const isAnd = op === "and";
  let lc = 0;
  let rc = 0;
  for (let i = 0; i < numSteps && (lc < ln || rc < rn); i++) {
    const t = start + i * interval;
    const lHere = lc < ln && lts[lc] === t;
    const rHere = rc < rn && rts[rc] === t;
    if (lHere && (isOr || (isAnd ? rHere && match : !rHere || !match))) {
      if (left === undefined) {
        left = sameLabels ? right : undefined;
        if (left === undefined) {
          left = { metric: ls!.metric, dropName: ls!.dropName, ts: [], vs: [] };
          out.push(left);
        }
      }
      left.ts.push(t);
      left.vs.push(lvs[lc]!);
    }
    if (isOr && rHere && (!lHere || !match)) {
      if (right === undefined) {
        right = sameLabels ? left : undefined;
        if (right === undefined) {
          right = { metric: rs!.metric, dropName: rs!.dropName, ts: [], vs: [] };
          out.push(right);
        }
      }
      right.ts.push(t);
      right.vs.push(rvs[rc]!);
    }
    if (lHere) lc++;
    if (rHere) rc++;
  }
  return out;
}
