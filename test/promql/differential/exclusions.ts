/**
 * Known, explained differences between promtool 3.5 and monac. monac follows
 * Prometheus 3.14 where 3.5 and 3.14 differ (checked against the 3.14 test
 * scripts in ../shared/conformance/promql). Keep this list short: every entry
 * names the upstream change and says exactly which results it covers, and
 * its matcher re-checks the case instead of trusting the expression's shape.
 */
import { Engine, parsePromQL, printPromQL, walk } from "../../../src/promql/index.js";
import { compareSamples, countValuesLabels, valuesAgree } from "./compare.js";
import { evaluate, loadGroup, type ResultSample } from "./monac-side.js";
import type { CaseResult } from "./run.js";

export interface Exclusion {
  reason: string;
  matches: (c: CaseResult) => boolean;
}

const METRIC_NAME_LABEL = /__name__="(?:[^"\\]|\\.)*"(?:, )?/;

function withoutName(s: ResultSample): ResultSample {
  return { labels: s.labels.replace(METRIC_NAME_LABEL, "").replace(", }", "}"), value: s.value };
}

/** Every monac sample pairs with a promtool sample that is equal, or equal once promtool's __name__ is removed. */
function equalUpToName(monac: readonly ResultSample[], promtool: readonly ResultSample[]): boolean {
  if (monac.length !== promtool.length) return false;
  const left = [...promtool];
  for (const m of monac) {
    const same = (p: ResultSample): boolean => valuesAgree(m.value, p.value) && (p.labels === m.labels || withoutName(p).labels === m.labels);
    const i = left.findIndex(same);
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/** The expression with every topk/bottomk `k` replaced by 1; undefined if it has none. */
function withValidK(expr: string): string | undefined {
  const tree = parsePromQL(expr);
  let changed = false;
  walk(tree, (n) => {
    if (n.type === "AggregateExpr" && (n.op === "topk" || n.op === "bottomk") && n.param !== undefined) {
      n.param = { type: "NumberLiteral", value: 1, pos: n.param.pos };
      changed = true;
    }
  });
  return changed ? printPromQL(tree) : undefined;
}

export const EXCLUSIONS: readonly Exclusion[] = [
  {
    // 3.5 skips histogram buckets (HistogramStatsIterator: count and sum only, counter resets
    // re-detected from counts) under histogram_count/sum/avg only when the function is not the
    // expression's root, a regression of upstream #16702 fixed by 87d7c12563 "promql: Fix trigger
    // for HistogramStatsIterator" (Prometheus 3.7); 3.14 (and monac) also at the root. Covered only
    // when promtool 3.5, asked for `1 * (expr)` (which it reads through the iterator), agrees with
    // monac, see run.ts.
    reason: "3.5 vs 3.14: histogram_count/sum/avg at the root of an expression skip buckets in 3.14 only (upstream 87d7c12563)",
    matches: (c) => {
      if (c.monac.kind !== "ok" || c.recheck === undefined || !c.recheck.expr.startsWith("1 * (")) return false;
      const v = c.recheck.promtool;
      if (v.kind === "silent") return true;
      return v.kind === "got" && compareSamples(c.monac.samples, v.samples, countValuesLabels(c.expr)) === "";
    },
  },
  {
    // 3.14 limits the extrapolation of rate/increase over native histograms to where the count
    // would reach zero, as for float counters, and scales the whole histogram by that factor; 3.5
    // extrapolated histograms to the window start regardless. Upstream bcf7a822a0 "promql: Prevent
    // extrapolation below zero for histogram count" (Prometheus 3.6). Covered only when monac,
    // evaluating with 3.5's extrapolation (EngineOptions.histogramExtrapolationToZero false), gives
    // promtool's result.
    reason: "3.5 vs 3.14: rate/increase of native histograms limit extrapolation to a zero count in 3.14 (upstream bcf7a822a0)",
    matches: (c) => {
      if (!/\b(rate|increase)\s*\(/.test(c.expr) || c.promtool.kind === "error") return false;
      const out = evaluate(new Engine(loadGroup(c.group), { histogramExtrapolationToZero: false }), c.expr, c.evalMs);
      const promtool = c.promtool.kind === "got" ? c.promtool.samples : c.monac.kind === "ok" ? c.monac.samples : [];
      return out.kind === "ok" && compareSamples(out.samples, promtool, countValuesLabels(c.expr)) === "";
    },
  },
  {
    // 3.14 validates topk/bottomk's k (NaN, beyond int64) before looking at the input, so
    // `topk(NaN, non_existent)` fails (aggregators.test line 422, `expect fail msg: Parameter value is
    // NaN`); 3.5 validated it per input sample, so an empty input gave an empty result. Upstream
    // 44ee5e2ad6 "promql: fix topk error on NaN argument for non-existing series" (Prometheus 3.6).
    // Covered only when monac, with every k replaced by 1, gives promtool's result: 3.5 fails on a
    // non-empty input, so that means the inputs were empty.
    reason: "3.5 vs 3.14: topk/bottomk reject an invalid k even for an empty input in 3.14 (upstream 44ee5e2ad6)",
    matches: (c) => {
      if (c.monac.kind !== "error" || !/Parameter value is NaN|overflows int64|underflows int64/.test(c.monac.message)) return false;
      if (c.promtool.kind === "error") return false;
      const variant = withValidK(c.expr);
      if (variant === undefined) return false;
      const out = evaluate(new Engine(loadGroup(c.group)), variant, c.evalMs);
      const promtool = c.promtool.kind === "got" ? c.promtool.samples : [];
      return out.kind === "ok" && compareSamples(out.samples, promtool) === "";
    },
  },
  {
    // 3.14 checks vector-matching cardinality before applying a filtering comparison, so
    // `many_side > on(job) one_side` fails even when the filter drops all but one of the "many"
    // samples; 3.5 only checked the samples that survived. operators.test line 321 ("Check that we
    // track many-to-one vector matching errors even when all but 0 or 1 series on the "many" side are
    // filtered away": `expect fail`); upstream 4cad87cae8 "PromQL: Fix insufficient cardinality
    // checking for filter ops". Covered only when promtool 3.5 itself fails with a matching error once
    // the expression's filtering comparisons are made `bool` (keeping every sample), see run.ts.
    reason: "3.5 vs 3.14: filtering comparisons check vector-matching cardinality before filtering in 3.14 (upstream 4cad87cae8)",
    matches: (c) =>
      c.monac.kind === "error" &&
      /multiple matches for labels/.test(c.monac.message) &&
      c.recheck?.promtool.kind === "error" &&
      /multiple matches for labels/.test(c.recheck.promtool.message),
  },
  {
    // 3.5 loses the subquery's "drop the name" mark, so last_over_time((abs(x))[5m:]) keeps __name__="x";
    // 3.14 drops it: name_label_dropping.test line 51 (`last_over_time(abs(metric_total{env="1"})[10m:])`
    // gives `{env="1"} 120`), fixed upstream by 3d6d1cf056 "preserve DropName flag from subquery in
    // last_over_time" (#18409). Covered: promtool's result equals monac's once __name__ is removed, or
    // removing it makes two of promtool's series collide, which 3.14 (and monac) report as an error.
    reason: "3.5 vs 3.14: last_over_time over a name-dropping subquery keeps __name__ in 3.5 (fixed by prometheus#18409)",
    matches: (c) => {
      if (!/last_over_time\s*\(/.test(c.expr) || !/\[[^\]]*:[^\]]*\]/.test(c.expr)) return false;
      if (c.promtool.kind !== "got" || !c.promtool.samples.some((s) => s.labels.includes("__name__="))) return false;
      const stripped = c.promtool.samples.map(withoutName);
      if (c.monac.kind === "ok") return equalUpToName(c.monac.samples, c.promtool.samples);
      const distinct = new Set(stripped.map((s) => s.labels));
      return /same labelset/.test(c.monac.message) && distinct.size < stripped.length;
    },
  },
];
