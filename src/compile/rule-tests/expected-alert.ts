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
  let labelsKey: string | undefined;
  // The text itself when it has no template; awaited only when it is being expanded.
  const expand = (text: string): string | Promise<string> => {
    if (!text.includes("{{")) return text;
    // Only templates that can see the labels need them in the key.
    const seesLabels = /labels|Labels|query/.test(text);
    const key = `${rule.alert}\u0000${value}\u0000${timestampMs}\u0000${seesLabels ? (labelsKey ??= JSON.stringify(sampleLabels)) : ""}`;
    // Thousands of generated alerts share a handful of templates and values.
    // By text first: the rule's text is one string, hashed once, not copied into every key.
    let byText = ctx.expansions.get(text);
    if (byText === undefined) ctx.expansions.set(text, (byText = new Map()));
    let hit = byText.get(key);
    if (hit === undefined) {
      const expanding = expandAlertTemplate(text, { labels: sampleLabels, value, alertName: rule.alert, timestampMs });
      byText.set(key, expanding);
      void expanding.then((done) => byText.set(key, done));
      hit = expanding;
    }
    return hit;
  };
  const { __name__: _name, ...labels } = sampleLabels;
  for (const [k, v] of Object.entries(rule.labels)) {
    const r = expand(v);
    labels[k] = typeof r === "string" ? r : await r;
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.annotations)) {
    const r = expand(v);
    annotations[k] = typeof r === "string" ? r : await r;
  }
  return { exp_labels: labels, exp_annotations: annotations };
}
