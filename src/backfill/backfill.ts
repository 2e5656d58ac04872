/**
 * `monac backfill`: the recorded series Prometheus would have written had the
 * rules been running since `from`. The raw series the rules read are fetched
 * from Prometheus's API, then each group is evaluated by the rule-test
 * evaluator (the same loop promtool runs: every rule of the group in order at
 * each evaluation, later rules reading earlier ones' samples of the same
 * instant), at the group's interval on the grid from, from + interval, … ≤ to.
 *
 * One pass covers every layer of recording rules, where
 * `promtool tsdb create-blocks-from rules` needs one pass (and a Prometheus
 * restart) per layer. Each group is evaluated on its own: a selector reading
 * another group's output reads what Prometheus has stored for it.
 */
import { matcherPredicate } from "../promql/storage.js";
import { evaluate, type EvalPlan } from "../ruletest/evaluator.js";
import type { InputSamples } from "../ruletest/input.js";
import type { LoadedRuleGroup } from "../ruletest/rule-files.js";
import type { OpenMetricsSeries } from "./openmetrics.js";
import { inputSelectors, type InputSelector } from "./plan.js";
import { fetchRawSeries, type PrometheusClient, type RawSeries } from "./prometheus-api.js";

export class BackfillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackfillError";
  }
}

export interface BackfillOptions {
  /** Recording-rule groups (see recordingGroups), evaluated in order. */
  groups: readonly LoadedRuleGroup[];
  client: PrometheusClient;
  /** First evaluation, ms. */
  from: number;
  /** Last evaluation at or before this, ms. */
  to: number;
  /** Interval of groups that set none (Prometheus's global evaluation_interval), ms. */
  defaultInterval: number;
  /** How far back an instant selector looks, ms; default 5m like Prometheus. */
  lookbackDelta?: number;
  /** Span of one API request, ms. */
  windowMs?: number;
  /** Progress lines for a person watching. */
  progress?: (line: string) => void;
}

export interface GroupReport {
  name: string;
  file: string;
  interval: number;
  evaluations: number;
  rules: number;
  series: number;
  samples: number;
  /** How the evaluator ran the group ("fast": one range query per rule). */
  path: "fast" | "exact";
}

export interface BackfillResult {
  series: OpenMetricsSeries[];
  groups: GroupReport[];
  input: { selectors: number; series: number; samples: number; fetchMs: number };
  evalMs: number;
}

const DEFAULT_LOOKBACK = 5 * 60_000;

export async function backfill(opts: BackfillOptions): Promise<BackfillResult> {
  if (!(opts.from <= opts.to)) throw new BackfillError(`--from must not be after --to`);
  const lookback = opts.lookbackDelta ?? DEFAULT_LOOKBACK;
  const perGroup = opts.groups.map((g) => inputSelectors([g], lookback));

  // One fetch per selector, as far back as the group reaching furthest needs.
  const reach = new Map<string, InputSelector>();
  for (const sel of perGroup.flat()) {
    const prev = reach.get(sel.text);
    if (prev === undefined || prev.reach < sel.reach) reach.set(sel.text, sel);
  }
  const fetchStart = performance.now();
  const fetched = new Map<string, RawSeries[]>();
  let inputSamples = 0;
  for (const sel of reach.values()) {
    opts.progress?.(`reading ${sel.text} from ${new Date(opts.from - sel.reach).toISOString()}`);
    const series = await fetchRawSeries(opts.client, sel.text, opts.from - sel.reach, opts.to, opts.windowMs);
    fetched.set(sel.text, series);
    for (const s of series) inputSamples += s.t.length;
  }
  const fetchMs = performance.now() - fetchStart;
  const inputSeries = new Set([...fetched.values()].flat().map((s) => s.labels.key)).size;

  const evalStart = performance.now();
  const out: OpenMetricsSeries[] = [];
  const reports: GroupReport[] = [];
  for (const [i, group] of opts.groups.entries()) {
    const interval = group.interval > 0 ? group.interval : opts.defaultInterval;
    const evaluations = Math.floor((opts.to - opts.from) / interval) + 1;
    const input = new Map<string, InputSamples>();
    for (const sel of perGroup[i]!) {
      const preds = sel.matchers.map((m) => ({ name: m.name, test: matcherPredicate(m) }));
      for (const s of fetched.get(sel.text) ?? []) {
        if (input.has(s.labels.key) || !preds.every((p) => p.test(s.labels.get(p.name)))) continue;
        input.set(s.labels.key, { labels: s.labels, t: s.t, v: s.v, stale: new Array<boolean>(s.t.length).fill(false) });
      }
    }
    opts.progress?.(`evaluating ${group.name} (${group.rules.length} rules) ${evaluations} times every ${interval / 1000}s on ${input.size} input series`);
    const plan: EvalPlan = {
      groups: [group],
      input: [...input.values()],
      evaluationInterval: interval,
      start: opts.from,
      maxEvalTime: (evaluations - 1) * interval,
      alertChecks: new Map(),
      templates: { externalLabels: {}, externalURL: "" },
    };
    const res = await evaluate(plan);
    if (res.errors.length > 0) throw new BackfillError(`${group.file}: group ${group.name}:\n  ${res.errors.join("\n  ")}`);

    let series = 0;
    let samples = 0;
    const seen = new Set<string>();
    for (const rule of group.rules) {
      for (const s of res.storage.store.select([{ name: "__name__", op: "=", value: rule.name }])) {
        if (seen.has(s.labels.key) || res.storage.isInputSeries(s.labels)) continue;
        seen.add(s.labels.key);
        const { t, v, length } = s.floats();
        let lo = 0;
        while (lo < length && t[lo]! < opts.from) lo++;
        let hi = length;
        while (hi > lo && t[hi - 1]! > opts.to) hi--;
        if (hi === lo) continue;
        out.push({ labels: s.labels, t: Float64Array.from({ length: hi - lo }, (_, k) => t[lo + k]!), v: Float64Array.from({ length: hi - lo }, (_, k) => v[lo + k]!) });
        series++;
        samples += hi - lo;
      }
    }
    reports.push({ name: group.name, file: group.file, interval, evaluations, rules: group.rules.length, series, samples, path: res.path });
  }
  return {
    series: out,
    groups: reports,
    input: { selectors: reach.size, series: inputSeries, samples: inputSamples, fetchMs },
    evalMs: performance.now() - evalStart,
  };
}
