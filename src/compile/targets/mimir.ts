// Grafana Mimir and Cortex rulers: the `namespace:` + `groups:` files that
// `mimirtool rules load|sync` reads, within the ruler's limits.
//
// - Rules per group (default 20): a longer group is split in order. The
//   ruler evaluates groups independently, so a rule reading a recording rule
//   of an earlier split group sees it up to one interval late. The split keeps
//   that lag to one interval: a chain crossing two split boundaries is refused.
// - Groups per tenant (default 70): a build error past the budget.
// - Maximum query length: a rule whose selectors read further back (range,
//   subquery, offset, lookback) than the tenant allows is refused.
import { formatPrometheusDuration } from "../../go/duration.js";
import { parsePromQL } from "../../promql/parser.js";
import { selectorReaches, UnboundedReachError } from "../../promql/reach.js";
import type { TargetsModel } from "../../workspace/model.js";
import { generatedHeader, withHeader } from "../header.js";
import { toYaml, type Rule, type RuleGroup } from "../rules.js";
import { earlierDependencies } from "./dependencies.js";
import type { TargetInput, TargetOutput } from "./target.js";

export const MIMIR_DIR = "mimir";
/** Prometheus's and Mimir's default lookback of an instant selector. */
const LOOKBACK_MS = 5 * 60_000;

type MimirOptions = NonNullable<TargetsModel["mimir"]>;

export function mimirArtifacts(input: TargetInput, opts: MimirOptions): TargetOutput {
  const problems: string[] = [];
  const byNamespace = new Map<string, { groups: RuleGroup[]; sources: Set<string> }>();
  const add = (service: string, group: RuleGroup, sources: readonly string[]) => {
    const ns = opts.namespace ?? service;
    const entry = byNamespace.get(ns) ?? { groups: [], sources: new Set<string>() };
    byNamespace.set(ns, entry);
    for (const s of sources) entry.sources.add(s);
    const split = splitGroup(group, opts.maxRulesPerGroup);
    if (typeof split === "string") problems.push(`mimir: namespace ${ns}, group ${group.name}: ${split}`);
    else entry.groups.push(...split);
    if (opts.maxQueryLengthMs !== undefined) problems.push(...queryLengthProblems(ns, group, opts.maxQueryLengthMs));
  };
  for (const s of input.slos) add(s.slo.service, s.group, [s.slo.source.file]);
  for (const t of input.thresholds) add(t.service, t.group, t.sources);

  const total = [...byNamespace.values()].reduce((n, e) => n + e.groups.length, 0);
  if (total > opts.maxGroupsPerTenant) {
    problems.push(
      `mimir: ${total} rule groups, over the tenant's budget of ${opts.maxGroupsPerTenant} (targets.mimir.maxGroupsPerTenant; Mimir's ruler_max_rule_groups_per_tenant): ` +
        `raise the tenant's limit and the budget, or raise maxRulesPerGroup with the tenant's ruler_max_rules_per_rule_group`,
    );
  }
  const artifacts = [...byNamespace.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ns, e]) => ({
      path: `${MIMIR_DIR}/${fileName(ns)}.yaml`,
      content: withHeader(generatedHeader([...e.sources].sort()), toYaml({ namespace: ns, groups: e.groups })),
    }));
  return { artifacts, problems, warnings: [] };
}

/** A namespace as a file name: what is not [A-Za-z0-9_.-] becomes "_". */
function fileName(ns: string): string {
  return ns.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/**
 * The group in consecutive pieces of at most `max` rules, named `<name>` when
 * it fits, `<name>-1`, `<name>-2`, ... when split; or why it cannot be split
 * with at most one interval of lag.
 */
export function splitGroup(group: RuleGroup, max: number): RuleGroup[] | string {
  if (group.rules.length <= max) return [group];
  const deps = earlierDependencies(group.rules);
  const piece = group.rules.map((_, i) => Math.floor(i / max));
  const lag: number[] = [];
  for (let i = 0; i < group.rules.length; i++) {
    lag[i] = Math.max(0, ...deps[i]!.map((j) => lag[j]! + (piece[j] === piece[i] ? 0 : 1)));
    if (lag[i]! > 1) {
      return (
        `rule ${ruleName(group.rules[i]!)} would read results two evaluations late once the group is split into groups of ${max} rules ` +
        `(a chain of recording rules crosses two splits); raise targets.mimir.maxRulesPerGroup (and the tenant's ruler_max_rules_per_rule_group) to at least ${group.rules.length}`
      );
    }
  }
  const pieces: RuleGroup[] = [];
  for (let k = 0; k * max < group.rules.length; k++) {
    pieces.push({ ...group, name: `${group.name}-${k + 1}`, rules: group.rules.slice(k * max, (k + 1) * max) });
  }
  return pieces;
}

function ruleName(r: Rule): string {
  return "record" in r ? r.record : r.alert;
}

function queryLengthProblems(ns: string, group: RuleGroup, maxMs: number): string[] {
  const out: string[] = [];
  for (const rule of group.rules) {
    let reach = 0;
    try {
      reach = Math.max(0, ...selectorReaches(parsePromQL(rule.expr), LOOKBACK_MS).map((r) => r.reach));
    } catch (e) {
      if (!(e instanceof UnboundedReachError)) throw e;
      out.push(`mimir: namespace ${ns}, group ${group.name}, rule ${ruleName(rule)}: ${e.message}, so it cannot be checked against maxQueryLength`);
      continue;
    }
    if (reach > maxMs) {
      out.push(
        `mimir: namespace ${ns}, group ${group.name}, rule ${ruleName(rule)} reads ${formatPrometheusDuration(reach)} back (ranges, subqueries, offsets and the 5m lookback), ` +
          `over the tenant's maximum query length ${formatPrometheusDuration(maxMs)} (targets.mimir.maxQueryLength): the ruler would fail every evaluation`,
      );
    }
  }
  return out;
}
