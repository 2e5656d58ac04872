/**
 * Differential testing of monac's PromQL engine against promtool 3.5:
 * generate input groups and expressions from a seed, evaluate every
 * (expression, eval time) case in monac, have promtool check monac's results,
 * and classify each case as agreeing or not.
 */
import { Engine, parsePromQL, printPromQL, walk } from "../../../src/promql/index.js";
import { ExprGen, nativeHistogramExpression } from "./exprs.js";
import { generateInputGroup, NATIVE_FAMILIES, type InputGroup } from "./inputs.js";
import { evaluate, loadGroup, type Outcome, type ResultSample } from "./monac-side.js";
import { formatModelDuration, runOracle, type ExprTest, type OracleGroup, type Verdict } from "./promtool-side.js";
import { Rng, hashSeed } from "./rng.js";
import { EXCLUSIONS } from "./exclusions.js";
import { compareSamples, countValuesLabels } from "./compare.js";

export interface DiffOptions {
  seed: string;
  cases: number;
  exprsPerGroup?: number;
  evalTimesPerGroup?: number;
}

export interface CaseResult {
  group: InputGroup;
  expr: string;
  evalMs: number;
  monac: Outcome;
  promtool: Verdict;
  agree: boolean;
  /** Why the case disagrees (empty when it agrees). */
  reason: string;
  /** Set when a known, explained exclusion covers this disagreement. */
  excludedBy?: string;
  /** A variant of the expression asked of promtool to confirm an exclusion. */
  recheck?: { expr: string; promtool: Verdict };
}

export interface DiffReport {
  seed: string;
  cases: CaseResult[];
  agreements: number;
  excluded: number;
  disagreements: CaseResult[];
  unattributed: string[];
  rejectedCandidates: number;
  illConditionedCandidates: number;
  promtoolMillis: number;
  monacMillis: number;
}

export const DEFAULT_SEED = "monac-differential-1";
export const DEFAULT_CASES = 4000;

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): DiffOptions {
  const seed = env.MONAC_DIFF_SEED?.trim() || DEFAULT_SEED;
  const raw = env.MONAC_DIFF_CASES?.trim();
  const cases = raw ? Number(raw) : DEFAULT_CASES;
  if (!Number.isInteger(cases) || cases <= 0) throw new Error(`MONAC_DIFF_CASES must be a positive integer, got ${JSON.stringify(raw)}`);
  return { seed, cases };
}

/**
 * topk/bottomk keep the first of equal values in input order, and
 * promtool's input order is the order its storage created the series in,
 * which follows Go map iteration: random from run to run. monac's order is
 * the order of the input series, so for these expressions a difference only
 * counts when no order of the input series makes monac give promtool's answer.
 */
const ORDER_DEPENDENT = /\b(topk|bottomk)\b/;
const ORDER_TRIES = 60;

function agreesUnderSomeOrder(group: InputGroup, expr: string, evalMs: number, promtool: readonly ResultSample[], numericLabels: ReadonlySet<string>): boolean {
  const rng = new Rng(hashSeed(`${group.name}/${expr}/${evalMs}`));
  // First try promtool's likely order: input series that carry the labels of its result first.
  const wanted = promtool.map((s) => s.labels.slice(1, -1).split(", ").filter((p) => p !== "" && !p.startsWith("__name__=")));
  const carries = (series: string): boolean => wanted.some((ps) => ps.every((p) => series.includes(p)));
  const orders: Array<() => typeof group.series> = [
    () => [...group.series.filter((s) => carries(s.series)), ...group.series.filter((s) => !carries(s.series))],
  ];
  for (let i = 0; i < ORDER_TRIES; i++) {
    orders.push(() => {
      const series = [...group.series];
      for (let j = series.length - 1; j > 0; j--) {
        const k = rng.int(0, j);
        [series[j], series[k]] = [series[k]!, series[j]!];
      }
      return series;
    });
  }
  for (const order of orders) {
    const out = evaluate(new Engine(loadGroup({ ...group, series: order() })), expr, evalMs);
    if (out.kind === "ok" && compareSamples(out.samples, promtool, numericLabels) === "") return true;
  }
  return false;
}

function judge(c: { group: InputGroup; expr: string; evalMs: number }, monac: Outcome, verdict: Verdict): string {
  switch (verdict.kind) {
    case "silent":
      return monac.kind === "error" ? `monac failed (${monac.message}) but promtool returned no samples and no error` : "";
    case "error":
      return monac.kind === "error" ? "" : `promtool failed (${verdict.message}) but monac returned ${monac.samples.length} sample(s)`;
    case "got":
      if (monac.kind === "error") return `monac failed (${monac.message}) but promtool returned: ${verdict.got}`;
      const numeric = countValuesLabels(c.expr);
      const diff = compareSamples(monac.samples, verdict.samples, numeric);
      if (diff !== "" && ORDER_DEPENDENT.test(c.expr) && agreesUnderSomeOrder(c.group, c.expr, c.evalMs, verdict.samples, numeric)) return "";
      return diff;
  }
}

function evalTimes(rng: Rng, group: InputGroup, n: number): number[] {
  const endMs = (group.steps - 1) * group.intervalMs;
  const picks = new Set<number>();
  const makers = [
    () => rng.int(0, group.steps - 1) * group.intervalMs, // on a sample
    () => rng.int(0, Math.floor(endMs / 1000)) * 1000, // anywhere in the data, whole seconds
    () => Math.max(0, endMs + rng.int(-8, 24) * 15_000), // around the end, through and past the lookback
  ];
  for (let i = 0; picks.size < n && i < 50; i++) picks.add(makers[i % makers.length]!());
  return [...picks].sort((x, y) => x - y);
}

/** Generates the groups of a run: input series, expressions and eval times, all from the seed. */
export function generateGroups(opts: DiffOptions): { groups: Array<{ group: InputGroup; exprs: string[]; times: number[] }>; rejected: number; illConditioned: number } {
  const exprsPerGroup = opts.exprsPerGroup ?? 14;
  const timesPerGroup = opts.evalTimesPerGroup ?? 3;
  const groups: Array<{ group: InputGroup; exprs: string[]; times: number[] }> = [];
  let rejected = 0;
  let illConditioned = 0;
  let remaining = opts.cases;
  for (let g = 0; remaining > 0; g++) {
    // Each group has its own stream, so group N is the same whatever the case count.
    const rng = new Rng(hashSeed(`${opts.seed}/${g}`));
    const group = generateInputGroup(rng.fork(), `g${g}`);
    const times = evalTimes(rng.fork(), group, timesPerGroup);
    const names = [...new Set(group.series.map((s) => s.series.slice(0, s.series.indexOf("{"))))];
    const present = names.filter((n) => !NATIVE_FAMILIES.includes(n));
    const nativePresent = names.filter((n) => NATIVE_FAMILIES.includes(n));
    const gen = new ExprGen(rng.fork(), { maxAtSeconds: Math.floor(((group.steps - 1) * group.intervalMs) / 1000) + 120, present });
    const nativeRng = rng.fork();
    const exprs: string[] = [];
    const seen = new Set<string>();
    const want = Math.min(exprsPerGroup, Math.ceil(remaining / times.length));
    while (exprs.length < want) {
      // Groups with native histograms spend a third of their expressions on them.
      const e = nativePresent.length > 0 && nativeRng.chance(0.35) ? nativeHistogramExpression(nativeRng, nativePresent) : gen.expression();
      if (seen.has(e)) continue;
      seen.add(e);
      exprs.push(e);
    }
    rejected += gen.rejected;
    illConditioned += gen.illConditioned;
    remaining -= Math.min(remaining, exprs.length * times.length);
    groups.push({ group, exprs, times });
  }
  return { groups, rejected, illConditioned };
}

export async function runDifferential(opts: DiffOptions): Promise<DiffReport> {
  const { groups, rejected, illConditioned } = generateGroups(opts);
  let budget = opts.cases;
  const monacStart = Date.now();
  const oracleGroups: OracleGroup[] = groups.map(({ group, exprs, times }) => {
    const engine = new Engine(loadGroup(group));
    const tests: ExprTest[] = [];
    for (const expr of exprs) {
      for (const evalMs of times) {
        if (budget-- <= 0) break;
        tests.push({ expr, evalMs, expected: evaluate(engine, expr, evalMs) });
      }
    }
    return { group, tests };
  });
  const monacMillis = Date.now() - monacStart;

  const oracle = await runOracle(oracleGroups);
  const cases: CaseResult[] = [];
  oracleGroups.forEach(({ group, tests }, gi) => {
    tests.forEach((t, ti) => {
      const promtool = oracle.verdicts[gi]![ti]!;
      const reason = judge({ group, expr: t.expr, evalMs: t.evalMs }, t.expected, promtool);
      cases.push({ group, expr: t.expr, evalMs: t.evalMs, monac: t.expected, promtool, agree: reason === "", reason });
    });
  });
  const recheck = await recheckFilterCardinality(cases);
  const recheckStats = await recheckHistogramStatsRoot(cases);
  for (const c of cases) {
    if (c.agree) continue;
    const ex = EXCLUSIONS.find((x) => x.matches(c));
    if (ex) c.excludedBy = ex.reason;
  }
  const disagreements = cases.filter((c) => !c.agree && c.excludedBy === undefined);
  return {
    seed: opts.seed,
    cases,
    agreements: cases.filter((c) => c.agree).length,
    excluded: cases.filter((c) => c.excludedBy !== undefined).length,
    disagreements,
    unattributed: oracle.unattributed,
    rejectedCandidates: rejected,
    illConditionedCandidates: illConditioned,
    promtoolMillis: oracle.millis + recheck.millis + recheckStats.millis,
    monacMillis,
  };
}

const MATCH_CARDINALITY_ERROR = /multiple matches for labels/;

/** One promtool run over the re-check tests of every group; each case gets its verdict. */
async function runRechecks(byGroup: Map<InputGroup, Array<{ c: CaseResult; test: ExprTest }>>): Promise<{ millis: number }> {
  if (byGroup.size === 0) return { millis: 0 };
  const entries = [...byGroup.entries()];
  const run = await runOracle(entries.map(([group, list]) => ({ group, tests: list.map((x) => x.test) })));
  entries.forEach(([, list], gi) =>
    list.forEach(({ c, test }, ti) => {
      c.recheck = { expr: test.expr, promtool: run.verdicts[gi]![ti]! };
    }),
  );
  return { millis: run.millis };
}

/**
 * Prometheus 3.14 reports a vector-matching cardinality error of a filtering
 * comparison (`a > on(job) b`) even when the filter drops the offending
 * samples; 3.5 only counted the samples that survive the filter. To confirm
 * that this is why monac fails where promtool does not, the case is asked
 * again with those comparisons turned into `bool` ones (which keep every
 * sample): promtool 3.5 must then fail with the same kind of error.
 */
async function recheckFilterCardinality(cases: CaseResult[]): Promise<{ millis: number }> {
  const suspects = cases.filter((c) => !c.agree && c.monac.kind === "error" && MATCH_CARDINALITY_ERROR.test(c.monac.message) && c.promtool.kind !== "error");
  const byGroup = new Map<InputGroup, Array<{ c: CaseResult; test: ExprTest }>>();
  for (const c of suspects) {
    const variant = withBoolComparisons(c.expr);
    if (variant === undefined) continue;
    const list = byGroup.get(c.group) ?? [];
    if (list.some((x) => x.test.expr === variant && x.test.evalMs === c.evalMs)) continue;
    list.push({ c, test: { expr: variant, evalMs: c.evalMs, expected: { kind: "error", message: "" } } });
    byGroup.set(c.group, list);
  }
  return runRechecks(byGroup);
}

const STATS_FUNCTIONS = new Set(["histogram_count", "histogram_sum", "histogram_avg"]);

/**
 * Prometheus 3.5 reads native histograms through its HistogramStatsIterator
 * (count and sum only, counter resets re-detected from the counts) under
 * histogram_count/sum/avg only when the function is not the root of the
 * expression (a regression of upstream #16702, fixed by 87d7c12563 in 3.7);
 * 3.14, like monac, also when it is. To confirm that this is why a case
 * differs, the expression is asked again as `1 * (expr)`, which 3.5 does
 * read through the iterator: promtool must then agree with monac.
 */
async function recheckHistogramStatsRoot(cases: CaseResult[]): Promise<{ millis: number }> {
  const suspects = cases.filter((c) => {
    if (c.agree || c.monac.kind !== "ok" || c.recheck !== undefined) return false;
    const tree = parsePromQL(c.expr);
    return tree.type === "Call" && STATS_FUNCTIONS.has(tree.func);
  });
  const byGroup = new Map<InputGroup, Array<{ c: CaseResult; test: ExprTest }>>();
  for (const c of suspects) {
    const list = byGroup.get(c.group) ?? [];
    list.push({ c, test: { expr: `1 * (${c.expr})`, evalMs: c.evalMs, expected: c.monac } });
    byGroup.set(c.group, list);
  }
  return runRechecks(byGroup);
}

/** The expression with every vector/vector filtering comparison made a `bool` one; undefined if it has none. */
export function withBoolComparisons(expr: string): string | undefined {
  const tree = parsePromQL(expr);
  let changed = false;
  walk(tree, (n) => {
    if (n.type === "BinaryExpr" && COMPARISON_OPS.has(n.op) && !n.returnBool && n.matching !== undefined) {
      n.returnBool = true;
      changed = true;
    }
  });
  return changed ? printPromQL(tree) : undefined;
}

const COMPARISON_OPS = new Set(["==", "!=", ">", "<", ">=", "<="]);

function describeOutcome(o: Outcome): string {
  if (o.kind === "error") return `error: ${o.message}`;
  if (o.samples.length === 0) return "(no samples)";
  return o.samples.map((s) => `${s.labels} ${s.value}`).join(", ");
}

function describeVerdict(v: Verdict, monac: Outcome): string {
  switch (v.kind) {
    case "silent":
      return monac.kind === "ok" ? "(same as monac)" : "(no samples)";
    case "error":
      return `error: ${v.message}`;
    case "got":
      return v.got === "nil" ? "(no samples)" : v.got;
  }
}

/** A self-contained reproduction: the input series as a promtool test group plus the query. */
export function formatCase(c: CaseResult): string {
  const lines = [
    `[${c.group.name}] ${c.expr}  @ eval_time ${formatModelDuration(c.evalMs)}`,
    `  why:      ${c.reason}`,
    `  monac:    ${describeOutcome(c.monac)}`,
    `  promtool: ${describeVerdict(c.promtool, c.monac)}`,
    `  input (interval ${formatModelDuration(c.group.intervalMs)}):`,
    ...c.group.series.map((s) => `    ${s.series} ${s.values}`),
  ];
  return lines.join("\n");
}
