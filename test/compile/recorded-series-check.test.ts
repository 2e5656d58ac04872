// The build-time check that no generated rule reads a recorded series its own
// group does not record (before it).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { RuleGroup } from "../../src/compile/rules.js";
import { checkRecordedSeries, RecordedSeriesCheckError, recordedSeriesProblems } from "../../src/compile/recorded-series-check.js";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";
import { REPO_ROOT } from "../support/workspace.js";
import { describeVariant, sloYaml, specVariants, variantModel } from "./spec-variants.js";

// compileWorkspace must run the check: a switch to make the SLO groups read a series nobody records.
const inject = vi.hoisted(() => ({ unrecordedRead: false }));
vi.mock("../../src/compile/slo-rules.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/compile/slo-rules.js")>();
  return {
    ...original,
    sloRuleGroup: (...args: Parameters<typeof original.sloRuleGroup>) => {
      const group = original.sloRuleGroup(...args);
      if (!inject.unrecordedRead) return group;
      return { ...group, rules: [...group.rules, { record: "slo:broken:ratio", expr: 'slo:sli_error:ratio_rate7m{slo="x"} * 2' }] };
    },
  };
});

const alert = (name: string, expr: string) => ({ alert: name, expr, labels: {}, annotations: {} });

describe("recorded series check", () => {
  it("fails a hand-made group that reads an slo: series nothing records", () => {
    const groups: RuleGroup[] = [
      {
        name: "slo-shop-availability",
        rules: [
          { record: "slo:sli_error:ratio_rate5m", expr: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))' },
          alert("ErrorBudgetBurn", 'slo:sli_error:ratio_rate5m > 0.01 and slo:sli_error:ratio_rate1h{slo="availability"} > 0.01'),
        ],
      },
    ];
    expect(recordedSeriesProblems(groups)).toEqual([
      'group "slo-shop-availability", rule 2 (alert ErrorBudgetBurn) reads slo:sli_error:ratio_rate1h, which no rule records, so it is always empty',
    ]);
    expect(() => checkRecordedSeries(groups)).toThrow(RecordedSeriesCheckError);
    expect(() => checkRecordedSeries(groups)).toThrow(/monac internal error: .*\n.*slo:sli_error:ratio_rate1h, which no rule records/);
  });

  it("fails reads of another group's output and of series recorded later in the group", () => {
    const groups: RuleGroup[] = [
      { name: "a", rules: [{ record: "job:requests:rate5m", expr: "sum(rate(requests_total[5m]))" }] },
      {
        name: "b",
        rules: [
          { record: "slo:x:ratio", expr: "job:requests:rate5m * 2" },
          alert("Early", "slo:y:ratio > 1"),
          { record: "slo:y:ratio", expr: "slo:x:ratio / 2" },
        ],
      },
    ];
    expect(recordedSeriesProblems(groups)).toEqual([
      'group "b", rule 1 (record slo:x:ratio) reads job:requests:rate5m, which only another group records ("a"), so it lags by up to that group\'s interval',
      'group "b", rule 2 (alert Early) reads slo:y:ratio, which its group records only at or after this rule, so it reads the previous evaluation\'s value',
    ]);
  });

  it("ignores exporter series, and the reads of verbatim (user-written) groups", () => {
    const user: RuleGroup = { name: "thresholds-shop", rules: [alert("LowBudget", 'slo:error_budget:remaining_ratio{slo="x"} < 0.1')] };
    const slo: RuleGroup = {
      name: "slo",
      rules: [
        { record: "slo:error_budget:remaining_ratio", expr: 'up{job="x"} + on() group_left() vector(1)' },
        alert("Down", "up == 0 and slo:error_budget:remaining_ratio < 1"),
      ],
    };
    expect(recordedSeriesProblems([slo, user], { verbatim: [user] })).toEqual([]);
    expect(recordedSeriesProblems([slo, user])).toHaveLength(1);
  });

  it("runs in compileWorkspace", () => {
    const { model } = variantModel(specVariants(1)[0]!);
    inject.unrecordedRead = true;
    try {
      expect(() => compileWorkspace(model, { dashboards: false })).toThrow(/monac internal error[\s\S]*reads slo:sli_error:ratio_rate7m, which no rule records/);
    } finally {
      inject.unrecordedRead = false;
    }
    expect(() => compileWorkspace(model, { dashboards: false })).not.toThrow();
  });
});

/** The example workspace (the repo's monac.yaml, slos/, alerts/, dashboards/) as in-memory files. */
function exampleWorkspace(): { rel: string; text: string }[] {
  const files = [{ rel: "monac.yaml", text: readFileSync(path.join(REPO_ROOT, "monac.yaml"), "utf8") }];
  for (const dir of ["slos", "alerts", "dashboards"]) {
    for (const f of readdirSync(path.join(REPO_ROOT, dir)).filter((x) => /\.ya?ml$/.test(x)).sort()) {
      files.push({ rel: `${dir}/${f}`, text: readFileSync(path.join(REPO_ROOT, dir, f), "utf8") });
    }
  }
  return files;
}

function build(files: { rel: string; text: string }[]): void {
  const result = loadWorkspaceFromTexts(files);
  if (!result.model) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  // Deploy targets are not what this checks (a 90d variant is over the example's Mimir query-length limit).
  compileWorkspace(result.model, { targets: false }); // throws RecordedSeriesCheckError on a problem
}

describe("every spec variant of the example workspace passes the check", () => {
  const withInterval = (files: { rel: string; text: string }[], interval: string) =>
    files.map((f) => (f.rel === "monac.yaml" ? { ...f, text: f.text.replace(/^evaluationInterval: .*$/m, `evaluationInterval: ${interval}`) } : f));

  it.each(["15s", "30s", "1m", "5m"])("the example workspace, evaluated every %s", (interval) => {
    const files = withInterval(exampleWorkspace(), interval);
    expect(files[0]!.text).toContain(`evaluationInterval: ${interval}`);
    build(files);
  });

  it("the example workspace plus every SLO variant of the property test, at 30s and 1m", () => {
    const variants = specVariants(30);
    for (const interval of ["30s", "1m"]) {
      // Each variant as its own SLO; tiers its numbers make impossible are switched off as the user would.
      const entries = variants.map((v, i) => sloYaml({ ...v, evaluationInterval: interval as "30s" | "1m" }, `variant-${i}`, new Set(variantModel(v).disabled)));
      const files = [...withInterval(exampleWorkspace(), interval), { rel: "slos/variants.yaml", text: `service: variants\nteam: platform\nslos:\n${entries.join("\n")}\n` }];
      try {
        build(files);
      } catch (e) {
        throw new Error(`${interval}: ${(e as Error).message}\nvariants:\n${variants.map(describeVariant).join("\n")}`);
      }
    }
  });
});
