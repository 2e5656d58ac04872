// The `vmalert` deploy target: the same rules, regrouped for VictoriaMetrics'
// vmalert.
//
// What differs from Prometheus. vmalert runs a group's rules one after the
// other at one shared query timestamp, but it does not store a recording
// rule's result itself: the samples go to -remoteWrite.url through a queue
// that is flushed every -remoteWrite.flushInterval (2s by default), and a
// later rule queries -datasource.url like any other client. So a rule that
// reads a series recorded earlier in its own group sees this evaluation's
// value only if the flush and the database's ingestion happened to win the
// race, and otherwise the previous one: the result depends on timing. (The
// vmalert docs list this as a limitation: do not chain recording rules in
// one group.)
//
// So each monac group is split into layers. A recording rule's layer is one
// more than the highest layer of the recording rules of the same group its
// selectors can read (by name and the labels the rule sets: selectorReadsRule;
// none: layer 1); each layer is a group, in dependency
// order, and all the alerts go into one last group. No rule then reads a
// series recorded in its own group. Threshold groups hold only alerts and
// stay as they are.
//
// The lag this costs. Groups run independently, each at the group's
// interval, so every layer boundary may add up to one interval of
// staleness: a series of layer k is, when an alert reads it, up to k
// intervals behind the raw data (Prometheus, evaluating the whole chain at
// once, has none of that). The read is late, not empty: VictoriaMetrics'
// lookbehind for a plain selector stretches past the series' own sample
// interval, so the previous interval's value is still found. vmalert also queries -rule.evalDelay (30s) in the
// past by default, for every rule alike. For the ticket tiers' 1d and 3d
// windows a few intervals are nothing; what matters is a burn-rate tier's
// short window, whose job is to say "the burn is still going on" and to let
// the alert resolve soon after it stops. Once its recorded value may be as
// old as the window itself, it no longer says that: the page can outlast the
// incident by a whole short window. That is the one case reported as a
// warning; with the default 1m interval and a 5m short window the lag is 2m,
// which an SRE already expects from scrape and evaluation intervals.
//
// Native histograms. VictoriaMetrics stores none (it keeps classic buckets),
// and MetricsQL has no histogram_count, histogram_sum or histogram_fraction
// (its histogram_avg, _stddev and _stdvar read bucket series instead). A rule
// calling those PromQL functions would read nothing there, or be refused by
// vmalert: it is a build error, and `exclude` leaves out the services or
// SLOs vmalert is not meant to evaluate.
import { walk, type VectorSelector } from "../../promql/ast.js";
import type { TargetsModel } from "../../workspace/model.js";
import { tryParsePromQL } from "../../promql/parser.js";
import { formatPrometheusDuration, parsePrometheusDuration } from "../../go/duration.js";
import { byPath, type Artifact } from "../artifact.js";
import { generatedHeader } from "../header.js";
import { sloRulesPath, thresholdRulesPath } from "../paths.js";
import { isAlertingRule, ruleFileYaml, type RecordingRule, type Rule, type RuleGroup } from "../rules.js";
import { SLO_METRICS } from "../slo-rules.js";
import { selectorReadsRule } from "./dependencies.js";
import type { TargetInput, TargetOutput } from "./target.js";

export const VMALERT_DIR = "vmalert";

/** The Prometheus file's name, in vmalert/. */
const inVmalertDir = (rulesPath: string) => `${VMALERT_DIR}/${rulesPath.slice(rulesPath.lastIndexOf("/") + 1)}`;

export function vmalertSloRulesPath(service: string, slo: string): string {
  return inVmalertDir(sloRulesPath(service, slo));
}

export function vmalertThresholdRulesPath(service: string): string {
  return inVmalertDir(thresholdRulesPath(service));
}

/** A monac group split for vmalert. */
export interface LayeredGroups {
  groups: RuleGroup[];
  /** Layer (1-based) of each recording rule, by the rule's index in the source group. */
  layers: Map<number, number>;
  problems: string[];
}

/** PromQL functions that read native histograms only, and MetricsQL lacks or reads otherwise. */
const NATIVE_HISTOGRAM_FUNCTIONS = new Set(["histogram_count", "histogram_sum", "histogram_fraction", "histogram_avg", "histogram_stddev", "histogram_stdvar"]);

/** The problem with a group whose rules call functions reading native histograms, if any. */
function nativeHistogramProblem(group: RuleGroup): string | undefined {
  const rules: string[] = [];
  const used = new Set<string>();
  for (const rule of group.rules) {
    const parsed = tryParsePromQL(rule.expr);
    if (!parsed.ok) continue;
    let calls = false;
    walk(parsed.expr, (n) => {
      if (n.type === "Call" && NATIVE_HISTOGRAM_FUNCTIONS.has(n.func)) {
        used.add(n.func);
        calls = true;
      }
    });
    if (calls) rules.push(isAlertingRule(rule) ? `alert ${rule.alert}` : `record ${rule.record}`);
  }
  if (rules.length === 0) return undefined;
  const fns = [...used].sort().map((f) => `${f}()`);
  return (
    `group "${group.name}": ${rules.join(", ")} call${rules.length === 1 ? "s" : ""} ${fns.join(", ")}, which read${fns.length === 1 ? "s" : ""} native histograms; ` +
    "VictoriaMetrics stores none (MetricsQL has no such function on them): read a classic histogram, or leave this out of vmalert with targets.vmalert.exclude"
  );
}

export function vmalertArtifacts(input: TargetInput, options: NonNullable<TargetsModel["vmalert"]> = { exclude: [] }): TargetOutput {
  const artifacts: Artifact[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  const excluded = new Set(options.exclude);
  const used = new Set<string>();
  const isExcluded = (...names: string[]) => {
    const hit = names.filter((n) => excluded.has(n));
    for (const n of hit) used.add(n);
    return hit.length > 0;
  };

  for (const { slo, group } of input.slos) {
    if (isExcluded(slo.service, `${slo.service}/${slo.name}`)) continue;
    const file = vmalertSloRulesPath(slo.service, slo.name);
    const native = nativeHistogramProblem(group);
    if (native !== undefined) problems.push(`vmalert: ${file}: ${native}`);
    const split = layerGroup(group);
    problems.push(...split.problems.map((p) => `vmalert: ${file}: ${p}`));
    const recordingLayers = split.groups.filter((g) => g.rules.some((r) => !isAlertingRule(r))).length;
    const header = [...generatedHeader([slo.source.file])];
    if (recordingLayers > 1) {
      header.push(
        `For vmalert: ${recordingLayers} recording layers, each reading the ones before up to one interval (${group.interval ?? "the default"}) late.`,
      );
    }
    artifacts.push({ path: file, content: ruleFileYaml(header, split.groups) });

    // Staleness of each tier's short-window ratio as the alerts group sees it.
    const intervalMs = group.interval !== undefined ? parsePrometheusDuration(group.interval) : slo.evaluationIntervalMs;
    const layerOf = new Map<string, number>();
    group.rules.forEach((r, i) => {
      if (!isAlertingRule(r)) layerOf.set(r.record, Math.max(layerOf.get(r.record) ?? 0, split.layers.get(i) ?? 0));
    });
    if (slo.alerting.enabled) {
      for (const tier of slo.alerting.tiers) {
        const layer = layerOf.get(SLO_METRICS.errorRatio(tier.shortWindowMs));
        if (layer === undefined) continue;
        const lagMs = layer * intervalMs;
        if (lagMs >= tier.shortWindowMs) {
          warnings.push(
            `vmalert: ${file}: the ${tier.name} tier's ${formatPrometheusDuration(tier.shortWindowMs)} window reaches its alert through ${layer} vmalert group(s), ` +
              `so it may be up to ${formatPrometheusDuration(lagMs)} old: as old as the window itself, the alert can keep firing that long after the burn stops ` +
              `(a shorter evaluationInterval reduces it)`,
          );
        }
      }
    }
  }

  for (const { service, group, sources } of input.thresholds) {
    if (isExcluded(service)) continue;
    const file = vmalertThresholdRulesPath(service);
    const native = nativeHistogramProblem(group);
    if (native !== undefined) problems.push(`vmalert: ${file}: ${native}`);
    const split = layerGroup(group);
    problems.push(...split.problems.map((p) => `vmalert: ${file}: ${p}`));
    artifacts.push({ path: file, content: ruleFileYaml(generatedHeader(sources), split.groups) });
  }

  for (const name of options.exclude) {
    if (!used.has(name)) warnings.push(`vmalert: exclude: ${name} is no service or service/slo of the workspace; it leaves nothing out`);
  }

  artifacts.sort(byPath);
  return { artifacts, problems, warnings };
}

/**
 * Splits one group into recording layers and an alerts group (see the file
 * comment). A group without recording rules comes back unchanged.
 */
export function layerGroup(group: RuleGroup): LayeredGroups {
  const problems: string[] = [];
  const layers = new Map<number, number>();
  const recording: { index: number; rule: RecordingRule }[] = [];
  group.rules.forEach((rule, index) => {
    if (!isAlertingRule(rule)) recording.push({ index, rule });
  });
  if (recording.length === 0) return { groups: [group], layers, problems };

  // Which recording rules of this group each recording rule may read.
  const reads = new Map<number, number[]>();
  for (const { index, rule } of recording) {
    const selectors = selectorsOf(rule.expr);
    if (selectors === undefined) {
      problems.push(`group "${group.name}", record ${rule.record}: the expression does not parse`);
      reads.set(index, []);
      continue;
    }
    reads.set(
      index,
      recording.filter((other) => selectors.some((sel) => selectorReadsRule(sel, other.rule))).map((other) => other.index),
    );
  }

  // Longest path from a rule reading no recorded series; a cycle cannot be layered.
  const state = new Map<number, "visiting" | "done">();
  const layerOf = (index: number, chain: number[]): number => {
    if (state.get(index) === "done") return layers.get(index)!;
    if (state.get(index) === "visiting") {
      const cycle = [...chain.slice(chain.indexOf(index)), index].map((i) => (group.rules[i] as RecordingRule).record);
      problems.push(`group "${group.name}": recording rules read each other in a cycle (${cycle.join(" -> ")}); vmalert cannot order them`);
      return 1;
    }
    state.set(index, "visiting");
    let layer = 1;
    for (const dep of reads.get(index) ?? []) layer = Math.max(layer, layerOf(dep, [...chain, index]) + 1);
    state.set(index, "done");
    layers.set(index, layer);
    return layer;
  };
  for (const { index } of recording) layerOf(index, []);

  const depth = Math.max(...layers.values());
  const groups: RuleGroup[] = [];
  const withInterval = (name: string, rules: Rule[]): RuleGroup =>
    group.interval !== undefined ? { name, interval: group.interval, rules } : { name, rules };
  for (let layer = 1; layer <= depth; layer++) {
    const rules = recording.filter(({ index }) => layers.get(index) === layer).map(({ rule }) => rule);
    if (rules.length > 0) groups.push(withInterval(`${group.name}-recording-${layer}`, rules));
  }
  const alerts = group.rules.filter(isAlertingRule);
  if (alerts.length > 0) groups.push(withInterval(`${group.name}-alerts`, alerts));
  return { groups, layers, problems };
}

/** Every vector selector of an expression, or undefined if it does not parse. */
function selectorsOf(expr: string): VectorSelector[] | undefined {
  const parsed = tryParsePromQL(expr);
  if (!parsed.ok) return undefined;
  const out: VectorSelector[] = [];
  walk(parsed.expr, (node) => {
    if (node.type === "VectorSelector") out.push(node);
  });
  return out;
}
