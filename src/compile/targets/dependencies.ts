// Which rules of a group read which earlier recording rules: what a target
// that evaluates groups apart (Mimir's ruler splitting a group, vmalert
// persisting recording results asynchronously) must keep in order.
import { allMatchers, walk, type VectorSelector } from "../../promql/ast.js";
import { parsePromQL } from "../../promql/parser.js";
import { matcherPredicate } from "../../promql/storage.js";
import { isAlertingRule, type Rule } from "../rules.js";

/** Whether `sel` can select series the recording rule writes: its name, and its fixed labels against the matchers. */
export function selectorReadsRule(sel: VectorSelector, rule: Rule): boolean {
  if (isAlertingRule(rule)) return false;
  const labels = rule.labels ?? {};
  return allMatchers(sel).every((m) => {
    if (m.name === "__name__") return matcherPredicate(m)(rule.record);
    const v = labels[m.name];
    return v === undefined || matcherPredicate(m)(v);
  });
}

/** For each rule, the indexes of the earlier recording rules of `rules` it may read. */
export function earlierDependencies(rules: readonly Rule[]): number[][] {
  return rules.map((rule, i) => {
    const selectors: VectorSelector[] = [];
    walk(parsePromQL(rule.expr), (n) => {
      if (n.type === "VectorSelector") selectors.push(n);
    });
    const deps: number[] = [];
    for (let j = 0; j < i; j++) if (selectors.some((s) => selectorReadsRule(s, rules[j]!))) deps.push(j);
    return deps;
  });
}
