// What promtool expects an alert to look like: the rule's labels and
// annotations expanded for one sample, exactly as the rule manager does.
import { expandAlertTemplate } from "../../template/index.js";
import type { AlertingRule } from "../rules.js";
import type { ExpectedAlert } from "./rule-test-file.js";
import type { GenerationContext } from "./generation-context.js";

/**
 * `sampleLabels` are the labels of the alert expression's result (what
 * `$labels` sees); the alert carries them without `__name__`, plus the rule's.
 */
export async function expectedAlert(ctx: GenerationContext, rule: AlertingRule, sampleLabels: Record<string, string>, value: number, timestampMs: number): Promise<ExpectedAlert> {
  const labelsKey = JSON.stringify(sampleLabels);
  const expand = (text: string): Promise<string> => {
    if (!text.includes("{{")) return Promise.resolve(text);
    // Only templates that can see the labels need them in the key.
    const seesLabels = /labels|Labels|query/.test(text);
    const key = `${rule.alert}\u0000${text}\u0000${value}\u0000${timestampMs}\u0000${seesLabels ? labelsKey : ""}`;
    // Thousands of generated alerts share a handful of templates and values.
    let hit = ctx.expansions.get(key);
    if (hit === undefined) {
      hit = expandAlertTemplate(text, { labels: sampleLabels, value, alertName: rule.alert, timestampMs });
      ctx.expansions.set(key, hit);
    }
    return hit;
  };
  const { __name__: _name, ...labels } = sampleLabels;
  for (const [k, v] of Object.entries(rule.labels)) labels[k] = await expand(v);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.annotations)) annotations[k] = await expand(v);
  return { exp_labels: labels, exp_annotations: annotations };
}
