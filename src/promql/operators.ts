/**
 * Binary operators on scalars and instant vectors, including vector matching
 * (on/ignoring, group_left/group_right) and the set operators. Error texts
 * are Prometheus's, since users and test scripts match on them.
 */
import type { BinaryOp, VectorMatching } from "./ast.js";
import { isComparisonOp } from "./ast.js";
import { Labels, METRIC_NAME, compareStrings } from "./labels.js";
import { PromQLEvalError, UnsupportedFeatureError, type StepSample } from "./value.js";

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

export function vectorScalarBinop(op: BinaryOp, vec: readonly StepSample[], scalar: number, swap: boolean, returnBool: boolean): StepSample[] {
  const out: StepSample[] = [];
  for (const s of vec) {
    const l = swap ? scalar : s.v;
    const r = swap ? s.v : scalar;
    const res = elemBinop(op, l, r);
    let value = res.value;
    let keep = res.keep;
    // `1 < foo` filters foo but must return foo's own value.
    if (isComparisonOp(op) && swap) value = r;
    if (returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
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
    const res = elemBinop(op, l, r);
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
    out.push({ metric, v: value, dropName: returnBool });
  }
  return out;
}

function resultMetric(many: Labels, one: Labels, op: BinaryOp, matching: VectorMatching): Labels {
  let m = changesMetricSchema(op) ? many.withoutMetricName() : many;
  if (matching.card === "one-to-one") m = matching.on ? m.keepOnly(matching.labels) : m.without(matching.labels);
  for (const name of matching.include) m = m.with(name, one.get(name));
  return m;
}
