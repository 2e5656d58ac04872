/**
 * Property test: for randomly generated, well-typed ASTs, printing and
 * re-parsing yields the same tree. The generator is deliberately small and
 * seeded so failures are reproducible from the printed seed.
 */
import { describe, expect, it } from "vitest";
import type { AggregateOp, AtModifier, Expr, LabelMatcher, MatchOp, VectorMatching, VectorSelector } from "../../src/promql/ast.js";
import { parsePromQL } from "../../src/promql/parser.js";
import { printMatcher, printPromQL } from "../../src/promql/printer.js";
import { mulberry32 as rng } from "../support/random.js";

const POS = { start: 0, end: 0 };

class Gen {
  constructor(private readonly r: () => number) {}

  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }

  labelName(): string {
    return this.pick(["job", "instance", "le", "a_b", "_x", "code"]);
  }
  labels(): string[] {
    const n = this.int(3);
    return [...new Set(Array.from({ length: n }, () => this.labelName()))];
  }
  durationMs(): number {
    return this.pick([1000, 30_000, 60_000, 90_000, 300_000, 3_600_000, 86_400_000, 7 * 86_400_000, 1500]);
  }
  at(): AtModifier | undefined {
    if (!this.chance(0.2)) return undefined;
    return this.pick<AtModifier>([{ kind: "start" }, { kind: "end" }, { kind: "timestamp", ms: this.int(2_000_000) - 1_000_000 }]);
  }
  offset(): number {
    return this.chance(0.2) ? this.durationMs() * (this.chance(0.3) ? -1 : 1) : 0;
  }

  selector(withModifiers: boolean): VectorSelector {
    const matchers: LabelMatcher[] = [];
    for (let i = this.int(3); i > 0; i--) {
      const op = this.pick<MatchOp>(["=", "!=", "=~", "!~"]);
      matchers.push({ name: this.labelName(), op, value: this.pick(["a", "b.*", 'quo"te', "new\nline", "ünï"]) });
    }
    matchers.sort((x, y) => (printMatcher(x) < printMatcher(y) ? -1 : printMatcher(x) > printMatcher(y) ? 1 : 0));
    const vs: VectorSelector = { type: "VectorSelector", name: this.pick(["up", "http_requests_total", "a:b:c", "sum"]), matchers, offset: 0, pos: POS };
    if (withModifiers) {
      vs.offset = this.offset();
      const at = this.at();
      if (at) vs.at = at;
    }
    return vs;
  }

  /** Wraps operands that would otherwise re-associate when printed. */
  operand(e: Expr): Expr {
    return e.type === "BinaryExpr" || e.type === "UnaryExpr" || (e.type === "NumberLiteral" && (e.value < 0 || Object.is(e.value, -0)))
      ? { type: "ParenExpr", expr: e, pos: POS }
      : e;
  }

  scalar(depth: number): Expr {
    const k = depth <= 0 ? 0 : this.int(5);
    switch (k) {
      case 0:
      case 1:
        return { type: "NumberLiteral", value: this.pick([0, 1, 2.5, 1e-9, 123456789, NaN, Infinity]), pos: POS };
      case 2:
        return { type: "Call", func: this.pick(["time", "pi"]), args: [], pos: POS };
      case 3:
        return { type: "Call", func: "scalar", args: [this.vector(depth - 1)], pos: POS };
      default: {
        const op = this.pick(["+", "-", "*", "/", "%", "^", "atan2", "==", "<="] as const);
        return {
          type: "BinaryExpr",
          op,
          lhs: this.operand(this.scalar(depth - 1)),
          rhs: this.operand(this.scalar(depth - 1)),
          returnBool: op === "==" || op === "<=",
          pos: POS,
        };
      }
    }
  }

  matrix(depth: number): Expr {
    if (depth <= 0 || this.chance(0.6)) {
      return { type: "MatrixSelector", selector: this.selector(true), range: this.durationMs(), pos: POS };
    }
    const inner = this.vector(depth - 1);
    const sq: Expr = {
      type: "SubqueryExpr",
      expr: inner.type === "VectorSelector" || inner.type === "Call" || inner.type === "AggregateExpr" ? inner : { type: "ParenExpr", expr: inner, pos: POS },
      range: this.durationMs(),
      step: this.chance(0.5) ? this.durationMs() : 0,
      offset: this.offset(),
      pos: POS,
    };
    const at = this.at();
    if (at) sq.at = at;
    return sq;
  }

  vector(depth: number): Expr {
    const k = depth <= 0 ? 0 : this.int(7);
    switch (k) {
      case 0:
        return this.selector(true);
      case 1: {
        const op = this.pick<AggregateOp>(["sum", "avg", "count", "topk", "quantile", "count_values", "stddev", "group"]);
        const grouping = this.labels();
        const without = grouping.length > 0 ? this.chance(0.5) : this.chance(0.1);
        const agg: Expr = { type: "AggregateExpr", op, expr: this.vector(depth - 1), grouping, without, pos: POS };
        if (op === "topk" || op === "quantile") agg.param = this.scalar(depth - 1);
        if (op === "count_values") agg.param = { type: "StringLiteral", value: "value", pos: POS };
        return agg;
      }
      case 2: {
        const f = this.pick(["rate", "abs", "round", "clamp", "label_replace", "histogram_quantile", "quantile_over_time", "vector"] as const);
        const args: Expr[] = (() => {
          switch (f) {
            case "rate":
              return [this.matrix(depth - 1)];
            case "abs":
              return [this.vector(depth - 1)];
            case "round":
              return this.chance(0.5) ? [this.vector(depth - 1)] : [this.vector(depth - 1), this.scalar(depth - 1)];
            case "clamp":
              return [this.vector(depth - 1), this.scalar(0), this.scalar(0)];
            case "label_replace":
              return [this.vector(depth - 1), ...["dst", "$1", "src", "(.*)"].map((value): Expr => ({ type: "StringLiteral", value, pos: POS }))];
            case "histogram_quantile":
              return [this.scalar(0), this.vector(depth - 1)];
            case "quantile_over_time":
              return [this.scalar(0), this.matrix(depth - 1)];
            case "vector":
              return [this.scalar(depth - 1)];
          }
        })();
        return { type: "Call", func: f, args, pos: POS };
      }
      case 3:
      case 4: {
        const op = this.pick(["+", "-", "*", "/", "^", "==", ">", "and", "or", "unless"] as const);
        const set = op === "and" || op === "or" || op === "unless";
        const scalarSide = !set && this.chance(0.3);
        const lhs = this.operand(this.vector(depth - 1));
        const rhs = this.operand(scalarSide ? this.scalar(depth - 1) : this.vector(depth - 1));
        const e: Expr = { type: "BinaryExpr", op, lhs, rhs, returnBool: (op === "==" || op === ">") && this.chance(0.5), pos: POS };
        if (!scalarSide) {
          const m: VectorMatching = { card: set ? "many-to-many" : "one-to-one", on: false, labels: [], include: [] };
          if (this.chance(0.5)) {
            m.on = this.chance(0.5);
            m.labels = this.labels();
          }
          if (!set && this.chance(0.3)) {
            m.card = this.chance(0.5) ? "many-to-one" : "one-to-many";
            m.include = this.labels().filter((l) => !(m.on && m.labels.includes(l)));
          }
          e.matching = m;
        }
        return e;
      }
      case 5:
        return { type: "UnaryExpr", op: "-", expr: this.operand(this.vector(depth - 1)), pos: POS };
      default:
        return { type: "ParenExpr", expr: this.vector(depth - 1), pos: POS };
    }
  }
}

function stripPositions(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(stripPositions);
  if (e !== null && typeof e === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (k !== "pos" && v !== undefined) out[k] = stripPositions(v);
    return out;
  }
  return e;
}

describe("printer round trip", () => {
  it("re-parses 3000 random expressions to the same AST", () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const g = new Gen(rng(seed));
      const expr = g.vector(4);
      const text = printPromQL(expr);
      let reparsed: Expr;
      try {
        reparsed = parsePromQL(text);
      } catch (err) {
        throw new Error(`seed ${seed}: ${text}: ${(err as Error).message}`);
      }
      expect(stripPositions(reparsed), `seed ${seed}: ${text}`).toEqual(stripPositions(expr));
      expect(printPromQL(reparsed)).toBe(text);
    }
  });
});
