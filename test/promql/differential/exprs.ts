/**
 * Random, well-typed PromQL expressions over the stable float feature set of
 * Prometheus 3.5 (functions, aggregations, binary/set operators with vector
 * matching, offset, @, subqueries). Every candidate goes through monac's
 * parser and type checker; rejected candidates are regenerated.
 */
import { parsePromQL, walk, type Expr } from "../../../src/promql/index.js";
import { CODES, FAMILIES, HISTOGRAM, INSTANCES, JOBS, NATIVE_COUNTER, NATIVE_CUSTOM, NATIVE_GAUGE } from "./inputs.js";
import type { Rng } from "./rng.js";

const RANGES = ["30s", "1m", "90s", "2m", "3m", "5m", "10m"];
const SUBQUERY_RANGES = ["1m", "2m", "5m", "10m"];
const SUBQUERY_STEPS = ["", "15s", "30s", "1m", "2m"];
const OFFSETS = ["30s", "1m", "2m", "5m", "-1m", "-30s", "90s"];
const QUANTILES = ["0", "0.25", "0.5", "0.9", "0.99", "1", "-0.5", "1.5"];
const GROUPING_LABELS = ["job", "instance", "code", "le"];

const COUNTER_RANGE_FUNCTIONS = ["rate", "irate", "increase", "resets"];
const RANGE_FUNCTIONS = [
  "rate",
  "irate",
  "increase",
  "delta",
  "idelta",
  "deriv",
  "resets",
  "changes",
  "avg_over_time",
  "min_over_time",
  "max_over_time",
  "sum_over_time",
  "count_over_time",
  "stddev_over_time",
  "stdvar_over_time",
  "last_over_time",
  "present_over_time",
  "absent_over_time",
];
const MATH_FUNCTIONS = [
  "abs",
  "ceil",
  "floor",
  "exp",
  "ln",
  "log2",
  "log10",
  "sqrt",
  "sgn",
  "deg",
  "rad",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "tanh",
  "asinh",
  "acosh",
  "atanh",
];
const TIME_FUNCTIONS = ["hour", "minute", "month", "year", "day_of_month", "day_of_week", "day_of_year", "days_in_month"];
const SIMPLE_AGGREGATIONS = ["sum", "avg", "min", "max", "count", "stddev", "stdvar", "group"];
const ARITHMETIC = ["+", "-", "*", "/", "%", "^", "atan2"];
const COMPARISON = ["==", "!=", ">", "<", ">=", "<="];
const SET_OPS = ["and", "or", "unless"];

/**
 * Results of libm functions may differ in the last ulp between Go and V8
 * (Go's Log10 is Log(x)·(1/Ln10), its trig functions are Cephes ports, its
 * Pow is its own). That is within tolerance unless an ill-conditioned
 * consumer amplifies it: `%` and `^`, floor/ceil/round, periodic or steep
 * functions (tan(atan(1e9)) is -1000001410 in one and -1000001188 in the
 * other), or date functions. Candidates that feed a libm result to such a
 * consumer are rejected, judged on the parsed tree, not on the text.
 */
const LIBM_FUNCTIONS = new Set([
  "exp", "ln", "log2", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
  "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "deg", "rad",
]);
const ULP_SENSITIVE_FUNCTIONS = new Set([...LIBM_FUNCTIONS, "floor", "ceil", "round", ...TIME_FUNCTIONS]);
const LIBM_OPERATORS = new Set(["^", "atan2"]);
const ULP_SENSITIVE_OPERATORS = new Set(["%", "^"]);

function hasLibmResult(e: Expr): boolean {
  let found = false;
  walk(e, (n) => {
    if ((n.type === "Call" && LIBM_FUNCTIONS.has(n.func)) || (n.type === "BinaryExpr" && LIBM_OPERATORS.has(n.op))) found = true;
  });
  return found;
}

export function amplifiesLibmDifferences(e: Expr): boolean {
  let found = false;
  walk(e, (n) => {
    if (n.type === "Call" && ULP_SENSITIVE_FUNCTIONS.has(n.func) && n.args.some(hasLibmResult)) found = true;
    if (n.type === "BinaryExpr" && ULP_SENSITIVE_OPERATORS.has(n.op) && (hasLibmResult(n.lhs) || hasLibmResult(n.rhs))) found = true;
  });
  return found;
}

export interface ExprGenOptions {
  /** Latest timestamp (s) worth pinning with `@`. */
  maxAtSeconds: number;
  /** Metric names the input group has series for (preferred, so most results are not empty). */
  present: readonly string[];
}

export class ExprGen {
  /** Candidates the type checker rejected (a generator-quality statistic). */
  rejected = 0;
  /** Candidates dropped because they amplify libm ulp differences. */
  illConditioned = 0;
  /** While set, selectors prefer this family, so both sides of a binary operator share labels. */
  private focus: string | undefined;

  constructor(
    private readonly rng: Rng,
    private readonly opts: ExprGenOptions,
  ) {}

  /** A vector- or scalar-typed expression that monac's parser accepts. */
  expression(): string {
    for (let attempt = 0; attempt < 100; attempt++) {
      const text = this.rng.chance(0.9) ? this.vector(this.rng.int(1, 3)) : this.scalar(this.rng.int(1, 3));
      let expr: Expr;
      try {
        expr = parsePromQL(text);
      } catch {
        this.rejected++;
        continue;
      }
      if (amplifiesLibmDifferences(expr)) {
        this.illConditioned++;
        continue;
      }
      return text;
    }
    throw new Error("expression generator: 100 candidates in a row failed to type-check");
  }

  // -- vectors ----------------------------------------------------------------

  vector(depth: number): string {
    const r = this.rng;
    if (depth <= 0) return r.chance(0.55) ? this.selector() : this.rangeCall(0);
    const d = depth - 1;
    return r.weighted<() => string>([
      [3, () => this.selector()],
      [7, () => this.rangeCall(d)],
      [6, () => this.aggregation(d)],
      [7, () => this.binary(d)],
      [4, () => this.mathCall(d)],
      [2, () => this.histogramQuantile()],
      [2, () => this.labelCall(d)],
      [2, () => this.timeCall(d)],
      [1, () => `timestamp(${this.vector(d)})`],
      [1, () => `absent(${this.vector(d)})`],
      [1, () => `vector(${this.scalar(d)})`],
      [1, () => `${r.pick(["sort", "sort_desc"])}(${this.vector(d)})`],
      [1, () => `(${this.vector(d)})`],
      [1, () => `-${this.vector(d)}`],
    ])();
  }

  private family(counterOnly = false): string {
    const r = this.rng;
    const ok = (name: string): boolean => !counterOnly || FAMILIES.some((f) => f.name === name && f.kind === "counter");
    if (this.focus !== undefined && ok(this.focus) && r.chance(0.75)) return this.focus;
    if (r.chance(0.03)) return "not_a_metric";
    const present = this.opts.present.filter(ok);
    if (present.length > 0 && r.chance(0.9)) return r.pick(present);
    return r.pick(FAMILIES.filter((f) => ok(f.name))).name;
  }

  /** Runs `fn` with selectors biased towards one family (usually one the group has). */
  private focused(fn: () => string): string {
    const saved = this.focus;
    this.focus = this.family();
    try {
      return fn();
    } finally {
      this.focus = saved;
    }
  }

  private matcher(metric: string): string {
    const r = this.rng;
    const labels = FAMILIES.find((f) => f.name === metric)?.labels ?? ["job"];
    const label = r.chance(0.9) ? r.pick(labels) : r.pick(["job", "instance", "code", "le", "nonexistent"]);
    switch (label) {
      case "job":
        return r.weighted<() => string>([
          [3, () => `job="${r.pick(JOBS)}"`],
          [2, () => `job!="${r.pick(JOBS)}"`],
          [2, () => `job=~"${r.pick(["api|web", "d.*", ".*b", "api"])}"`],
          [1, () => `job!~"${r.pick(["api|db", "w.*"])}"`],
        ])();
      case "code":
        return r.pick([`code="${r.pick(CODES)}"`, `code=~"5.."`, `code!="200"`]);
      case "instance":
        return r.pick([`instance="${r.pick(INSTANCES)}"`, `instance=~".*1:.*"`, `instance!~"10[.]0[.]0[.]2:.*"`]);
      case "le":
        return `le${r.pick(["=~", "!~", "=", "!="])}"${r.pick(["0.5|1", "\\\\+Inf", "+Inf", "0.1", ".*"])}"`;
      default:
        return `nonexistent=""`;
    }
  }

  private modifiers(): string {
    const r = this.rng;
    let s = "";
    if (r.chance(0.1)) s += ` @ ${this.atValue()}`;
    if (r.chance(0.15)) s += ` offset ${r.pick(OFFSETS)}`;
    return s;
  }

  private atValue(): string {
    const r = this.rng;
    return r.weighted<() => string>([
      [4, () => String(r.int(0, Math.floor(this.opts.maxAtSeconds / 15)) * 15)],
      [1, () => `${r.int(0, this.opts.maxAtSeconds)}.5`],
      [1, () => "start()"],
      [1, () => "end()"],
    ])();
  }

  private baseSelector(counterOnly = false): string {
    const r = this.rng;
    if (r.chance(0.04)) {
      return r.pick([`{__name__=~"http_requests_total|up"}`, `{job="${r.pick(JOBS)}"}`, `{__name__=~".*_count"}`]);
    }
    const name = this.family(counterOnly);
    if (!r.chance(0.4)) return name;
    const ms = r.chance(0.75) ? [this.matcher(name)] : [this.matcher(name), this.matcher(name)];
    return `${name}{${ms.join(", ")}}`;
  }

  selector(): string {
    return this.baseSelector() + this.modifiers();
  }

  private matrix(d: number, counterLike: boolean): string {
    const r = this.rng;
    if (d > 0 && r.chance(0.2)) {
      const inner = r.chance(0.5) ? this.baseSelector(counterLike) : this.vector(d - 1);
      return `(${inner})[${r.pick(SUBQUERY_RANGES)}:${r.pick(SUBQUERY_STEPS)}]${this.modifiers()}`;
    }
    return `${this.baseSelector(counterLike && r.chance(0.8))}[${r.pick(RANGES)}]${this.modifiers()}`;
  }

  private rangeCall(d: number): string {
    const r = this.rng;
    const choice = r.next();
    if (choice < 0.08) return `quantile_over_time(${this.quantile(d)}, ${this.matrix(d, false)})`;
    if (choice < 0.14) return `predict_linear(${this.matrix(d, false)}, ${r.pick(["0", "60", "300", "-120", "3600.5"])})`;
    const fn = r.pick(RANGE_FUNCTIONS);
    return `${fn}(${this.matrix(d, COUNTER_RANGE_FUNCTIONS.includes(fn))})`;
  }

  private quantile(d: number): string {
    return this.rng.chance(0.9) ? this.rng.pick(QUANTILES) : this.scalar(Math.min(d, 1));
  }

  private grouping(): string {
    const r = this.rng;
    if (r.chance(0.3)) return "";
    const labels = r.subset(r.chance(0.05) ? [...GROUPING_LABELS, "__name__"] : GROUPING_LABELS, r.int(0, 2));
    return `${r.chance(0.7) ? "by" : "without"} (${labels.join(", ")})`;
  }

  private aggregation(d: number): string {
    const r = this.rng;
    const grouping = this.grouping();
    const wrap = (op: string, args: string): string => {
      if (grouping === "") return `${op}(${args})`;
      return r.chance(0.7) ? `${op} ${grouping} (${args})` : `${op}(${args}) ${grouping}`;
    };
    const choice = r.next();
    if (choice < 0.12) return wrap(r.pick(["topk", "bottomk"]), `${r.weighted<string>([
      [8, r.pick(["1", "2", "3", "0", "5"])],
      [1, r.pick(["2.5", "-1", "NaN", "1e20"])],
    ])}, ${this.vector(d)}`);
    if (choice < 0.2) return wrap("quantile", `${this.quantile(d)}, ${this.vector(d)}`);
    if (choice < 0.27) return wrap("count_values", `"${r.pick(["value", "job", "v"])}", ${this.vector(d)}`);
    return wrap(r.pick(SIMPLE_AGGREGATIONS), this.vector(d));
  }

  private matching(op: string): string {
    const r = this.rng;
    if (!r.chance(0.5)) return "";
    const labels = r.subset(GROUPING_LABELS, r.int(0, 2)).join(", ");
    let s = ` ${r.chance(0.6) ? "on" : "ignoring"}(${labels})`;
    if (!SET_OPS.includes(op) && r.chance(0.3)) {
      const extra = r.chance(0.5) ? r.subset(["instance", "code", "le"], r.int(1, 2)).join(", ") : "";
      s += ` ${r.chance(0.7) ? "group_left" : "group_right"}(${extra})`;
    }
    return s;
  }

  private binary(d: number): string {
    const r = this.rng;
    const form = r.weighted<string>([
      [4, "vv"],
      [4, "vs"],
      [2, "sv"],
      [2, "set"],
      [2, "joined"],
    ]);
    const op = (): string =>
      r.weighted<() => string>([
        [5, () => r.pick(ARITHMETIC)],
        [2, () => r.pick(COMPARISON)],
        [2, () => `${r.pick(COMPARISON)} bool`],
      ])();
    switch (form) {
      case "vv": {
        const o = op();
        const build = (): string => `${this.vector(d)} ${o}${this.matching(o)} ${this.vector(d)}`;
        return r.chance(0.7) ? this.focused(build) : build();
      }
      case "vs": {
        const o = op();
        return `${this.vector(d)} ${o} ${this.scalar(Math.min(d, 1))}`;
      }
      case "sv": {
        const o = op();
        return `${this.scalar(Math.min(d, 1))} ${o} ${this.vector(d)}`;
      }
      case "set": {
        const o = r.pick(SET_OPS);
        const build = (): string => `${this.vector(d)} ${o}${this.matching(o)} ${this.vector(d)}`;
        return r.chance(0.7) ? this.focused(build) : build();
      }
      default: {
        // Many-to-one matching that usually succeeds: a per-job aggregate on one side.
        const o = r.pick([...ARITHMETIC, "> bool", "<"]);
        const agg = `${r.pick(["sum", "max", "count"])} by (job) (${this.vector(d)})`;
        const other = this.vector(d);
        return r.chance(0.5) ? `${other} ${o} on(job) group_left ${agg}` : `${agg} ${o} on(job) group_right ${other}`;
      }
    }
  }

  private mathCall(d: number): string {
    const r = this.rng;
    const v = this.vector(d);
    const choice = r.next();
    if (choice < 0.12) return r.chance(0.3) ? `round(${v})` : `round(${v}, ${r.pick(["1", "0.5", "10", "0.1", "-1", "0.25"])})`;
    if (choice < 0.2) return `clamp(${v}, ${r.pick(["-1", "0", "0.5", "NaN"])}, ${r.pick(["1", "10", "-5", "1e9"])})`;
    if (choice < 0.3) return `${r.pick(["clamp_min", "clamp_max"])}(${v}, ${this.scalar(Math.min(d, 1))})`;
    return `${r.pick(MATH_FUNCTIONS)}(${v})`;
  }

  private timeCall(d: number): string {
    const fn = this.rng.pick(TIME_FUNCTIONS);
    return this.rng.weighted<() => string>([
      [1, () => `${fn}()`],
      [2, () => `${fn}(${this.vector(d)})`],
      [2, () => `${fn}(timestamp(${this.selector()}))`],
    ])();
  }

  private labelCall(d: number): string {
    const r = this.rng;
    const v = this.vector(d);
    if (r.chance(0.6)) {
      const dst = r.pick(["dst", "job", "__name__", "instance", "le"]);
      const repl = r.pick(["$1", "x-$1", "${1}_y", "", "$2", "$1$2", "fixed"]);
      const src = r.pick(["job", "instance", "code", "__name__", "le", "missing"]);
      const regex = r.weighted<string>([
        [20, r.pick(["(.*)", "(a.*)", "(.*):(.*)", "api", ".+", "([a-z])(.*)", "(.*)_total", "()"])],
        [1, r.pick(["(", "[a-"])],
      ]);
      return `label_replace(${v}, "${dst}", "${repl}", "${src}", "${regex}")`;
    }
    const dst = r.pick(["dst", "job", "__name__", "code"]);
    const sep = r.pick(["-", "", ",", "::"]);
    const srcs = r.subset(["job", "instance", "code", "__name__", "le", "missing"], r.int(0, 3));
    return `label_join(${[v, `"${dst}"`, `"${sep}"`, ...srcs.map((s) => `"${s}"`)].join(", ")})`;
  }

  private histogramQuantile(): string {
    const r = this.rng;
    const q = r.pick(["0.5", "0.9", "0.99", "0", "1", "0.25", "-1", "2", "NaN"]);
    const range = r.pick(["1m", "2m", "5m", "10m"]);
    const sel = r.chance(0.2) ? `${HISTOGRAM}_bucket{job="${r.pick(JOBS)}"}` : `${HISTOGRAM}_bucket`;
    const inner = r.weighted<() => string>([
      [4, () => `sum by (le) (rate(${sel}[${range}]))`],
      [2, () => `sum by (job, le) (rate(${sel}[${range}]))`],
      [1, () => `rate(${sel}[${range}])`],
      [1, () => `sum without (job) (increase(${sel}[${range}]))`],
      [1, () => sel],
    ])();
    return `histogram_quantile(${q}, ${inner})`;
  }

  // -- scalars ----------------------------------------------------------------

  scalar(depth: number): string {
    const r = this.rng;
    if (depth <= 0) return this.number();
    const d = depth - 1;
    return r.weighted<() => string>([
      [4, () => this.number()],
      [1, () => "time()"],
      [1, () => "pi()"],
      [3, () => `scalar(${this.vector(d)})`],
      [
        2,
        () => {
          const o = r.pick(ARITHMETIC);
          return `${this.scalar(d)} ${o} ${this.scalar(d)}`;
        },
      ],
      [1, () => `${this.scalar(d)} ${r.pick(COMPARISON)} bool ${this.scalar(d)}`],
      [1, () => `(${this.scalar(d)})`],
      [1, () => `-${this.scalar(d)}`],
    ])();
  }

  private number(): string {
    return this.rng.weighted<() => string>([
      [5, () => String(this.rng.int(0, 10))],
      [3, () => this.rng.pick(["0.5", "2.5", "0.1", "100", "1e9", "1e-9", "60", "-3", "1.5e3"])],
      [1, () => this.rng.pick(["NaN", "Inf", "-Inf"])],
    ])();
  }
}

/**
 * Expressions over native histogram series (NATIVE_FAMILIES): the
 * histogram_* functions, rate/increase/delta, sum/avg aggregation,
 * arithmetic with scalars and comparisons, over the families `present`.
 */
export function nativeHistogramExpression(rng: Rng, present: readonly string[]): string {
  const counters = present.filter((n) => n === NATIVE_COUNTER || n === NATIVE_CUSTOM);
  const gauges = present.filter((n) => n === NATIVE_GAUGE);
  const all = present.length > 0 ? present : [NATIVE_COUNTER];
  const range = (): string => rng.pick(["1m", "2m", "3m", "5m", "10m"]);
  const sel = (): string => {
    const name = rng.pick(all);
    return rng.chance(0.25) ? `${name}{job="${rng.pick(JOBS)}"}` : name;
  };
  const counter = (): string => (counters.length > 0 ? rng.pick(counters) : sel());
  const gauge = (): string => (gauges.length > 0 ? rng.pick(gauges) : sel());
  /** A histogram-valued instant vector. */
  const hist = (depth: number): string => {
    const options: Array<readonly [number, () => string]> = [
      [3, sel],
      [4, () => `${rng.pick(["rate", "increase"])}(${counter()}[${range()}])`],
      [1, () => `delta(${gauge()}[${range()}])`],
      [1, () => `${rng.pick(["sum_over_time", "avg_over_time", "last_over_time"])}(${sel()}[${range()}])`],
    ];
    if (depth > 0) {
      options.push(
        [3, () => `${rng.pick(["sum", "avg"])}${rng.chance(0.5) ? ` by (${rng.pick(["job", "__name__"])})` : ""} (${hist(depth - 1)})`],
        [2, () => (rng.chance(0.5) ? `${hist(depth - 1)} ${rng.pick(["*", "/"])} ${rng.pick(["2", "0.5", "60", "-1", "0"])}` : `${rng.pick(["3", "0.25", "-2"])} * ${hist(depth - 1)}`)],
        [1, () => `${hist(depth - 1)} ${rng.pick(["+", "-"])} ${hist(depth - 1)}`],
      );
    }
    return rng.weighted(options)();
  };
  const q = (): string => rng.pick(["0", "0.1", "0.5", "0.9", "0.99", "1", "-1", "2", "NaN"]);
  const bound = (): string => rng.pick(["-Inf", "-1", "0", "0.001", "0.1", "0.5", "1", "2", "10", "+Inf"]);
  const floatOf = (h: string): string =>
    rng.weighted<() => string>([
      [3, () => `histogram_quantile(${q()}, ${h})`],
      [2, () => `histogram_fraction(${bound()}, ${bound()}, ${h})`],
      [3, () => `${rng.pick(["histogram_count", "histogram_sum", "histogram_avg"])}(${h})`],
      [2, () => `${rng.pick(["histogram_stddev", "histogram_stdvar"])}(${h})`],
    ])();
  return rng.weighted<() => string>([
    [5, () => hist(rng.int(0, 2))],
    [6, () => floatOf(hist(rng.int(0, 2)))],
    [2, () => `${floatOf(hist(rng.int(0, 1)))} ${rng.pick(["<", ">", ">=", "<=", "==", "!="])} ${rng.pick(["0", "0.5", "1", "10"])}`],
    [1, () => `${floatOf(hist(0))} ${rng.pick(["<", ">"])} bool ${rng.pick(["0", "1"])}`],
    [1, () => `${hist(0)} ${rng.pick(["==", "!="])} ${hist(0)}`],
    [1, () => `count(${hist(1)})`],
  ])();
}
