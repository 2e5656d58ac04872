/**
 * Differential test of monac's PromQL engine against the real promtool 3.5:
 * seeded random input series and expressions (test/promql/differential/),
 * monac's results checked by one `promtool test rules` run. Seed and size
 * come from MONAC_DIFF_SEED and MONAC_DIFF_CASES (deterministic defaults);
 * every disagreement is printed with its input series, so it can be
 * reproduced as a promtool test or a monac query.
 */
import { expect, it } from "vitest";
import { describeWithTool } from "../support/tools.js";
import { formatCase, optionsFromEnv, runDifferential, type CaseResult } from "./differential/run.js";
import { NATIVE_FAMILIES } from "./differential/inputs.js";

const SHOWN = 20;

/** One case per expression: the same query at other eval times usually differs the same way. */
function firstPerExpression(cases: readonly CaseResult[]): CaseResult[] {
  const seen = new Set<string>();
  return cases.filter((c) => {
    const key = `${c.group.name} ${c.expr}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describeWithTool("promtool", "PromQL differential test against promtool 3.5", () => {
  it("agrees with promtool on every generated case", { timeout: 120_000 }, async () => {
    const opts = optionsFromEnv();
    const report = await runDifferential(opts);
    const total = report.cases.length;
    const native = report.cases.filter((c) => NATIVE_FAMILIES.some((n) => c.expr.includes(n)));
    console.log(
      `differential: ${native.length} native-histogram cases, ${native.filter((c) => c.agree).length} agree, ` +
        `${native.filter((c) => c.excludedBy !== undefined).length} excluded, ${native.filter((c) => !c.agree && c.excludedBy === undefined).length} disagree`,
    );
    console.log(
      `differential: ${total} cases, ${report.agreements} agree` +
        (report.excluded > 0 ? `, ${report.excluded} excluded (known 3.5 vs 3.14 differences)` : "") +
        `, ${report.disagreements.length} disagree` +
        ` (seed ${JSON.stringify(report.seed)}; monac ${report.monacMillis} ms, promtool ${report.promtoolMillis} ms)`,
    );
    expect(report.unattributed, "promtool output the harness could not attribute to a case").toEqual([]);
    const shown = firstPerExpression(report.disagreements);
    const text = shown.slice(0, SHOWN).map(formatCase).join("\n\n");
    const more = shown.length > SHOWN ? `\n\n... and ${shown.length - SHOWN} more expressions` : "";
    expect(report.disagreements.length, `${report.disagreements.length} disagreement(s) in ${shown.length} expression(s):\n\n${text}${more}`).toBe(0);
    expect(total).toBe(opts.cases);
  });
});
