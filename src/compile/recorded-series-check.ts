// "No generated rule reads a series nothing records." Prometheus evaluates a
// rule group's rules in order, one after the other, and groups independently
// of each other: a rule reading a series recorded in another group sees that
// group's last evaluation, up to an interval old, and a rule reading a series
// nobody records reads nothing at all and never fires. Both are monac bugs,
// and neither shows in a test that only looks at one group's output. So
// every generated rule expression is parsed, and each series it selects that
// monac records (the `slo:` namespace, or any name a generated rule records)
// must be recorded by an earlier rule of the same group.
//
// Threshold groups hold the user's expressions verbatim: they may read
// monac's recorded series from SLO groups (an alert on the remaining error
// budget), and an interval of lag is then the user's choice. Their reads
// are not checked; what they record still counts.
import { selectorMetricName, walk } from "../promql/ast.js";
import { tryParsePromQL } from "../promql/parser.js";
import { isAlertingRule, type RuleGroup } from "./rules.js";
import { literalShape } from "./literal-shape.js";

/** The recording-rule namespace of monac's SLO rules (see SLO_METRICS in slo-rules.ts). */
export const SLO_NAMESPACE = "slo:";

/** A generated rule reads a monac-recorded series its group does not record first: a monac bug, never the user's. */
export class RecordedSeriesCheckError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `monac internal error: generated rules read recorded series their own group does not record before them ` +
        `(Prometheus evaluates groups independently; this is a bug in monac, please report it):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "RecordedSeriesCheckError";
  }
}

export interface RecordedSeriesCheckOptions {
  /** Groups whose expressions are the user's, copied from specs: their reads are not checked. */
  verbatim?: readonly RuleGroup[];
}

/** Every problem, one line each, in group and rule order; empty when the rules are sound. */
export function recordedSeriesProblems(groups: readonly RuleGroup[], opts: RecordedSeriesCheckOptions = {}): string[] {
  const recordedAnywhere = new Set<string>();
  for (const g of groups) for (const r of g.rules) if (!isAlertingRule(r)) recordedAnywhere.add(r.record);
  const isMonacRecorded = (name: string) => name.startsWith(SLO_NAMESPACE) || recordedAnywhere.has(name);
  const verbatim = new Set(opts.verbatim ?? []);
  // Thousands of SLOs' rules differ only in label values: parse each shape once per call.
  const readsByShape = new Map<string, string[] | { problem: string }>();
  const problems: string[] = [];
  // Thousands of groups have no problem: the loop allocates nothing per rule
  // but its reads' lookups, and a problem's wording is made only when found.
  const recordedBefore = new Set<string>();
  for (const group of groups) {
    if (verbatim.has(group)) continue;
    recordedBefore.clear();
    for (let index = 0; index < group.rules.length; index++) {
      const rule = group.rules[index]!;
      const reads = seriesNames(rule.expr, readsByShape);
      if (!Array.isArray(reads)) {
        problems.push(`${ruleName(group, index)}: the expression does not parse: ${reads.problem}`);
      } else {
        for (const name of reads) {
          if (!isMonacRecorded(name) || recordedBefore.has(name)) continue;
          const where = group.rules.some((r) => !isAlertingRule(r) && r.record === name)
            ? "which its group records only at or after this rule, so it reads the previous evaluation's value"
            : recordedAnywhere.has(name)
              ? `which only another group records (${groupsRecording(groups, name).join(", ")}), so it lags by up to that group's interval`
              : "which no rule records, so it is always empty";
          problems.push(`${ruleName(group, index)} reads ${name}, ${where}`);
        }
      }
      if (!isAlertingRule(rule)) recordedBefore.add(rule.record);
    }
  }
  return problems;
}

function ruleName(group: RuleGroup, index: number): string {
  const rule = group.rules[index]!;
  return `group "${group.name}", rule ${index + 1} (${isAlertingRule(rule) ? `alert ${rule.alert}` : `record ${rule.record}`})`;
}

/** Throws RecordedSeriesCheckError unless every checked rule reads only what its group records before it. */
export function checkRecordedSeries(groups: readonly RuleGroup[], opts: RecordedSeriesCheckOptions = {}): void {
  const problems = recordedSeriesProblems(groups, opts);
  if (problems.length > 0) throw new RecordedSeriesCheckError(problems);
}

function groupsRecording(groups: readonly RuleGroup[], name: string): string[] {
  return groups.filter((g) => g.rules.some((r) => !isAlertingRule(r) && r.record === name)).map((g) => `"${g.name}"`);
}

/** The metric names an expression's selectors pin, deduplicated, in order of appearance. */
function seriesNames(expr: string, cache: Map<string, string[] | { problem: string }>): string[] | { problem: string } {
  const key = literalShape(expr);
  let hit = cache.get(key);
  if (hit === undefined) {
    const parsed = tryParsePromQL(key);
    if (parsed.ok) {
      const names = new Set<string>();
      walk(parsed.expr, (node) => {
        if (node.type !== "VectorSelector") return;
        const name = selectorMetricName(node);
        if (name !== undefined) names.add(name);
      });
      hit = [...names];
    } else {
      hit = { problem: parsed.error.message };
    }
    cache.set(key, hit);
  }
  return hit;
}
