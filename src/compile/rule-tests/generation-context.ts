// What one run of the rule-test generator remembers while it works: results
// shared between SLOs and alerts of the same build (plans of SLOs with the
// same numbers, engine runs of SLIs with the same shape, solved threshold
// inputs, expanded templates). Every entry is keyed by all it depends on. By
// default one context is made per `ruleTestArtifacts` call and dropped with
// it; a long-lived caller may share one across builds. Nothing is evicted.
import type { EngineValues, Plan } from "./slo-tests.js";
import type { ThresholdCheck, ThresholdSolution } from "./threshold-tests.js";

export interface GenerationContext {
  /** expected-alert.ts: thousands of generated alerts share a handful of templates and values; by template text, then by the rest (the text once expanded). */
  readonly expansions: Map<string, Map<string, string | Promise<string>>>;
  /** slo-tests.ts: plans by an SLO's numbers (objective, period, tiers, interval). */
  readonly sloPlans: Map<string, readonly (Plan | string)[]>;
  /** slo-tests.ts: the engine's alert values by an SLO's numbers and SLI shape. */
  readonly sloValues: Map<string, Promise<EngineValues>>;
  /** threshold-tests.ts: solved inputs by expression shape and target. */
  readonly thresholdSolutions: Map<string, ThresholdSolution>;
  /** threshold-tests.ts: re-checks of reused solutions, by problem up to a renaming of label values (threshold-relabel.ts), then by solution. */
  readonly thresholdChecks: Map<string, Map<string, ThresholdCheck>>;
}

export function newGenerationContext(): GenerationContext {
  return { expansions: new Map(), sloPlans: new Map(), sloValues: new Map(), thresholdSolutions: new Map(), thresholdChecks: new Map() };
}
