/**
 * What a backfill evaluates and what it must read: the recording rules of the
 * generated rule files (alerting rules are left out, as
 * `promtool tsdb create-blocks-from rules` leaves them out), and for every
 * selector that reads something no backfilled rule computes (the raw SLI
 * series, or series recorded by rules outside the backfill), how far before
 * an evaluation it looks.
 */
import { allMatchers, type LabelMatcher } from "../promql/ast.js";
import { selectorReaches, UnboundedReachError, type SelectorReach } from "../promql/reach.js";
import { quoteString } from "../promql/literals.js";
import { mayRead } from "../ruletest/rule-files.js";
import type { LoadedRecordingRule, LoadedRule, LoadedRuleGroup } from "../ruletest/rule-files.js";

export class BackfillPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackfillPlanError";
  }
}

/** The recording rules of each group, in file order; groups without any are dropped. */
export function recordingGroups(groups: readonly LoadedRuleGroup[]): LoadedRuleGroup[] {
  return groups
    .map((g) => ({ ...g, rules: g.rules.filter((r): r is LoadedRecordingRule => r.kind === "record") }))
    .filter((g) => g.rules.length > 0);
}

/** A selector to fetch from Prometheus, and how far before the first evaluation its samples are needed (ms). */
export interface InputSelector {
  /** `{__name__="x", job="y"}`: the selector's matchers, without offset or `@`. */
  text: string;
  matchers: readonly LabelMatcher[];
  reach: number;
}

/**
 * The selectors the rules read that no rule of `groups` computes, merged by
 * text (the largest reach wins). `lookbackDelta` is how far an instant
 * selector looks back (Prometheus's default: 5m).
 */
export function inputSelectors(groups: readonly LoadedRuleGroup[], lookbackDelta: number): InputSelector[] {
  const rules = groups.flatMap((g) => g.rules);
  const out = new Map<string, InputSelector>();
  for (const g of groups) {
    for (const rule of g.rules) {
      for (const { selector, reach } of reachesOf(rule, lookbackDelta)) {
        if (rules.some((r) => mayRead(selector, r))) continue;
        // Sorted, so that one selector written in two orders is fetched once.
        const matchers = [...allMatchers(selector)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const text = `{${matchers.map((m) => `${m.name}${m.op}${quoteString(m.value)}`).join(", ")}}`;
        const total = reach + g.queryOffset;
        const prev = out.get(text);
        if (prev === undefined || prev.reach < total) out.set(text, { text, matchers, reach: total });
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

function reachesOf(rule: LoadedRule, lookbackDelta: number): SelectorReach[] {
  try {
    return selectorReaches(rule.expr, lookbackDelta);
  } catch (e) {
    if (e instanceof UnboundedReachError) {
      throw new BackfillPlanError(`${rule.file}: rule ${rule.name} uses ${e.what}; a backfill cannot tell which samples it reads`);
    }
    throw e;
  }
}
