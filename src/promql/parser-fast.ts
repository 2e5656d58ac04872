/**
 * The PromQL parser's fast path: a small hand-written parser for the
 * commonest expressions (selectors, ranges, subqueries, offsets, plain numbers,
 * common functions and aggregations, binary operators with no modifier but
 * on(...) and ignoring(...)), several times faster than the lezer grammar. It builds exactly the tree the
 * lezer path of parser.ts builds, positions included, and gives up (undefined)
 * on anything else, every invalid text included, so that errors always come
 * from lezer (test/promql/parser-fast-path.test.ts compares the two).
 */
import {
  BINARY_PRECEDENCE,
  isSetOp,
  type AggregateOp,
  type BinaryOp,
  type Expr,
  type LabelMatcher,
  type MatchOp,
  type VectorMatching,
  type VectorSelector,
} from "./ast.js";
import { isPrometheusDurationLiteral, parsePrometheusDuration } from "../go/duration.js";
import { FUNCTION_SIGNATURES } from "./function-signatures.js";
import { parseNumber, unquoteString } from "./literals.js";
import { compileAnchoredRegex } from "./regex.js";

/**
 * Identifiers the lezer grammar may read as something other than a metric
 * name (keywords, aggregators, function names, in any case): a selector
 * named like one is left to lezer.
 */
const RESERVED = new Set<string>([
  ...FUNCTION_SIGNATURES.keys(),
  "range",
  "step",
  "ts_of_first_over_time",
  "min_of",
  "max_of",
  "inf",
  "nan",
  "bool",
  "ignoring",
  "on",
  "group_left",
  "group_right",
  "offset",
  "atan2",
  "avg",
  "bottomk",
  "count",
  "count_values",
  "group",
  "max",
  "min",
  "quantile",
  "limitk",
  "limit_ratio",
  "stddev",
  "stdvar",
  "sum",
  "topk",
  "by",
  "without",
  "and",
  "or",
  "unless",
  "start",
  "end",
  "smoothed",
  "anchored",
  "fill",
  "fill_left",
  "fill_right",
]);

/** Aggregators without a parameter, which the fast path parses (lower case only). */
const FAST_AGGREGATORS = new Set<string>(["sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"]);

/** Functions the fast path parses: names both the lezer grammar and FUNCTION_SIGNATURES know. */
const FAST_FUNCTIONS = new Set<string>([
  "abs",
  "absent",
  "absent_over_time",
  "avg_over_time",
  "ceil",
  "changes",
  "clamp",
  "clamp_max",
  "clamp_min",
  "count_over_time",
  "delta",
  "deriv",
  "exp",
  "floor",
  "histogram_count",
  "histogram_quantile",
  "histogram_sum",
  "idelta",
  "increase",
  "irate",
  "last_over_time",
  "ln",
  "log2",
  "log10",
  "max_over_time",
  "min_over_time",
  "present_over_time",
  "quantile_over_time",
  "rate",
  "resets",
  "round",
  "scalar",
  "sqrt",
  "stddev_over_time",
  "stdvar_over_time",
  "sum_over_time",
  "time",
  "timestamp",
  "vector",
]);

/** Binary operators the fast path parses (the only modifiers read are on and ignoring), with their precedence (BINARY_PRECEDENCE); `^` is right-associative. */
const FAST_BINARY: Record<string, BinaryOp> = {
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "%": "%",
  "^": "^",
  "==": "==",
  "!=": "!=",
  ">": ">",
  "<": "<",
  ">=": ">=",
  "<=": "<=",
  and: "and",
  or: "or",
  unless: "unless",
};

/** Thrown inside SimpleParser when the text is beyond it; parsePromQL then asks lezer. */
const BAIL: unique symbol = Symbol("bail");

/**
 * The tree of an expression written with the commonest syntax (selectors,
 * ranges, subqueries, offsets, plain numbers, common functions and aggregations, binary
 * operators with no modifier but on/ignoring), built exactly as the lezer path builds it (positions
 * included), or undefined for anything else: any other syntax, comments,
 * escapes, and every invalid text, so that errors always come from lezer.
 * Not type checked.
 */
export function parseSimplePromQL(source: string): Expr | undefined {
  try {
    return new SimpleParser(source).parse();
  } catch {
    return undefined;
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isLabelPart(c: number): boolean {
  return isLabelStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const SIMPLE_DURATION = /(?:\d+(?:ms|[smhdwy]))+/y;
const SIMPLE_NUMBER = /[1-9]\d*(?:\.\d+)?|0(?:\.\d+)?/y;

class SimpleParser {
  private i = 0;

  constructor(private readonly s: string) {}

  parse(): Expr {
    const e = this.expr(0);
    this.ws();
    if (this.i !== this.s.length) throw BAIL;
    return e;
  }

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 9 || c === 13) i++;
      else break;
    }
    this.i = i;
  }

  private peek(): number {
    return this.s.charCodeAt(this.i);
  }

  private expect(c: number): void {
    this.ws();
    if (this.s.charCodeAt(this.i) !== c) throw BAIL;
    this.i++;
  }

  private ident(): string {
    const s = this.s;
    const start = this.i;
    if (!isIdentStart(s.charCodeAt(start))) throw BAIL;
    let i = start + 1;
    while (isIdentPart(s.charCodeAt(i))) i++;
    this.i = i;
    return s.slice(start, i);
  }

  private labelName(): string {
    const s = this.s;
    const start = this.i;
    if (!isLabelStart(s.charCodeAt(start))) throw BAIL;
    let i = start + 1;
    while (isLabelPart(s.charCodeAt(i))) i++;
    // `a:b` is no label name; `a1x` must not be cut short either.
    if (s.charCodeAt(i) === 58) throw BAIL;
    this.i = i;
    return s.slice(start, i);
  }

  /** The binary operator at the cursor (after whitespace), without consuming it. */
  private binaryOp(): string | undefined {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    const d = s[this.i + 1];
    switch (c) {
      case "+":
      case "-":
      case "*":
      case "/":
      case "%":
      case "^":
        return c;
      case "=":
        if (d === "=") return "==";
        throw BAIL;
      case "!":
        if (d === "=") return "!=";
        throw BAIL;
      case ">":
        if (d === "=") return ">=";
        if (d === "/") throw BAIL;
        return ">";
      case "<":
        if (d === "=") return "<=";
        if (d === "/") throw BAIL;
        return "<";
      case "a":
        return this.keywordAt("and") ? "and" : undefined;
      case "o":
        return this.keywordAt("or") ? "or" : undefined;
      case "u":
        return this.keywordAt("unless") ? "unless" : undefined;
      default:
        return undefined;
    }
  }

  private keywordAt(word: string): boolean {
    return this.s.startsWith(word, this.i) && !isIdentPart(this.s.charCodeAt(this.i + word.length));
  }

  private expr(minPrec: number): Expr {
    let lhs = this.operand();
    for (;;) {
      const tok = this.binaryOp();
      if (tok === undefined) return lhs;
      const op = FAST_BINARY[tok]!;
      const prec = BINARY_PRECEDENCE[op];
      if (prec < minPrec) return lhs;
      this.i += tok.length;
      this.ws();
      const matching: VectorMatching = { card: isSetOp(op) ? "many-to-many" : "one-to-one", on: false, labels: [], include: [] };
      // on(...) and ignoring(...); group_left, group_right, bool and fill are lezer's to read.
      const on = this.keywordAt("on");
      if (on || this.keywordAt("ignoring")) {
        this.i += on ? 2 : 8;
        matching.on = on;
        matching.labels = this.labelList();
        this.ws();
      }
      // A sign after an operator (`a - -1`, `a * +b`) is lezer's to read.
      const next = this.peek();
      if (next === 45 || next === 43) throw BAIL;
      const rhs = this.expr(op === "^" ? prec : prec + 1);
      lhs = {
        type: "BinaryExpr",
        op,
        lhs,
        rhs,
        returnBool: false,
        matching,
        pos: { start: lhs.pos.start, end: rhs.pos.end },
      };
    }
  }

  /** A primary expression with an optional range. */
  private operand(): Expr {
    this.ws();
    const start = this.i;
    const c = this.peek();
    let e: Expr;
    if (c === 40) {
      this.i++;
      const inner = this.expr(0);
      this.expect(41);
      e = { type: "ParenExpr", expr: inner, pos: { start, end: this.i } };
    } else if (isDigit(c)) {
      e = this.number(start);
    } else if (c === 123) {
      e = this.selector(start, undefined);
    } else if (isIdentStart(c)) {
      const name = this.ident();
      if (FAST_AGGREGATORS.has(name)) e = this.aggregate(start, name as AggregateOp);
      else if (FAST_FUNCTIONS.has(name)) e = this.call(start, name);
      else if (RESERVED.has(name.toLowerCase())) throw BAIL;
      else e = this.selector(start, name);
    } else {
      throw BAIL;
    }
    this.ws();
    if (this.peek() === 91) {
      this.i++;
      this.ws();
      const range = this.duration();
      this.ws();
      if (this.peek() === 58) {
        this.i++;
        this.ws();
        const step = this.peek() === 93 ? undefined : this.duration();
        this.expect(93);
        const sq: Expr = { type: "SubqueryExpr", expr: e, range, step: 0, offset: 0, pos: { start: e.pos.start, end: this.i } };
        if (step !== undefined) sq.step = step;
        e = sq;
      } else {
        if (e.type !== "VectorSelector") throw BAIL;
        this.expect(93);
        e = { type: "MatrixSelector", selector: e, range, pos: { start: e.pos.start, end: this.i } };
      }
      this.ws();
      if (this.peek() === 91) throw BAIL;
    }
    if (this.keywordAt("offset")) {
      if (e.type !== "VectorSelector" && e.type !== "MatrixSelector") throw BAIL;
      this.i += 6;
      this.ws();
      const offset = this.duration();
      (e.type === "VectorSelector" ? e : e.selector).offset = offset;
      e.pos = { start: e.pos.start, end: this.i };
      this.ws();
      if (this.peek() === 91) throw BAIL;
    }
    return e;
  }

  /** A plain duration literal (`5m`, `1h30m`) in milliseconds. */
  private duration(): number {
    SIMPLE_DURATION.lastIndex = this.i;
    const m = SIMPLE_DURATION.exec(this.s);
    if (m === null) throw BAIL;
    const text = m[0];
    if (!isPrometheusDurationLiteral(text)) throw BAIL;
    const ms = parsePrometheusDuration(text);
    this.i += text.length;
    // A duration runs into no letter, digit or dot; a colon after one is a subquery's.
    const next = this.peek();
    if ((isIdentPart(next) && next !== 58) || next === 46) throw BAIL;
    return ms;
  }

  private number(start: number): Expr {
    SIMPLE_NUMBER.lastIndex = start;
    const m = SIMPLE_NUMBER.exec(this.s);
    if (m === null) throw BAIL;
    const end = start + m[0].length;
    const after = this.s.charCodeAt(end);
    // Durations, exponents, hex, underscores, `2.`, octal-looking `01`: lezer's.
    if (isIdentPart(after) || after === 46) throw BAIL;
    this.i = end;
    return { type: "NumberLiteral", value: parseNumber(m[0]), pos: { start, end } };
  }

  private string(): string {
    const s = this.s;
    const q = s.charCodeAt(this.i);
    if (q !== 34 && q !== 39) throw BAIL;
    const start = this.i + 1;
    let i = start;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === q) break;
      if (c === 10 || Number.isNaN(c)) throw BAIL;
      if (c === 92) {
        // The token runs past any escaped character; unquoteString judges the escape.
        escaped = true;
        i += 2;
        continue;
      }
      i++;
    }
    this.i = i + 1;
    return escaped ? unquoteString(s.slice(start - 1, i + 1)) : s.slice(start, i);
  }

  private selector(start: number, name: string | undefined): VectorSelector {
    const matchers: LabelMatcher[] = [];
    this.ws();
    if (this.peek() === 123) {
      this.i++;
      this.ws();
      if (this.peek() !== 125) {
        for (;;) {
          this.ws();
          const label = this.labelName();
          this.ws();
          const s = this.s;
          let op: MatchOp;
          const c = s[this.i];
          const d = s[this.i + 1];
          if (c === "=" && d === "~") op = "=~";
          else if (c === "=") op = "=";
          else if (c === "!" && d === "=") op = "!=";
          else if (c === "!" && d === "~") op = "!~";
          else throw BAIL;
          this.i += op.length;
          this.ws();
          const value = this.string();
          if (op === "=~" || op === "!~") compileAnchoredRegex(value);
          matchers.push({ name: label, op, value });
          this.ws();
          const sep = this.peek();
          if (sep === 44) {
            this.i++;
            this.ws();
            if (this.peek() === 125) break;
            continue;
          }
          if (sep === 125) break;
          throw BAIL;
        }
      }
      this.i++;
    } else if (name === undefined) {
      throw BAIL;
    } else {
      // A name alone ends where it does; `foo (` would be a call of an unknown function.
      const end = start + name.length;
      if (this.peek() === 40) throw BAIL;
      const vs: VectorSelector = { type: "VectorSelector", matchers, offset: 0, pos: { start, end } };
      vs.name = name;
      this.i = end;
      return vs;
    }
    const vs: VectorSelector = { type: "VectorSelector", matchers, offset: 0, pos: { start, end: this.i } };
    if (name !== undefined) vs.name = name;
    return vs;
  }

  /** A parenthesized, comma-separated list, `(x, y)` or `()`, each item read by `item`. */
  private list<T>(item: () => T): T[] {
    this.expect(40);
    const items: T[] = [];
    this.ws();
    if (this.peek() === 41) {
      this.i++;
      return items;
    }
    for (;;) {
      this.ws();
      items.push(item());
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === 41) return items;
      if (c !== 44) throw BAIL;
    }
  }

  private args(): Expr[] {
    return this.list(() => this.expr(0));
  }

  private call(start: number, func: string): Expr {
    const args = this.args();
    return { type: "Call", func, args, pos: { start, end: this.i } };
  }

  private grouping(): { grouping: string[]; without: boolean } | undefined {
    this.ws();
    const s = this.s;
    let without: boolean;
    if (s.startsWith("by", this.i) && !isIdentPart(s.charCodeAt(this.i + 2))) {
      without = false;
      this.i += 2;
    } else if (s.startsWith("without", this.i) && !isIdentPart(s.charCodeAt(this.i + 7))) {
      without = true;
      this.i += 7;
    } else {
      return undefined;
    }
    return { grouping: this.labelList(), without };
  }

  /** A parenthesized list of label names: `(a, b)`, `()`. */
  private labelList(): string[] {
    return this.list(() => this.labelName());
  }

  private aggregate(start: number, op: AggregateOp): Expr {
    const before = this.grouping();
    const args = this.args();
    if (args.length !== 1) throw BAIL;
    let end = this.i;
    let mod = before;
    if (before === undefined) {
      mod = this.grouping();
      if (mod !== undefined) end = this.i;
      else this.i = end;
    }
    return { type: "AggregateExpr", op, expr: args[0]!, grouping: mod?.grouping ?? [], without: mod?.without ?? false, pos: { start, end } };
  }
}
