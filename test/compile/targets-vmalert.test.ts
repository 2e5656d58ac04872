// The vmalert target on the example workspace: the layering judged by an
// independent reading of the emitted YAML, then promtool and vmalert's own
// -dryRun on every file.
import { targetInputOf } from "../../src/compile/bundle.js";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkspace } from "../../src/workspace/workspace.js";
import { checkWorkspace } from "../../src/compile/check.js";
import type { WorkspaceModel } from "../../src/workspace/model.js";
import { sloRuleGroup } from "../../src/compile/slo-rules.js";
import { generatedHeader } from "../../src/compile/header.js";
import { isAlertingRule, type Rule, type RuleGroup } from "../../src/compile/rules.js";
import type { TargetInput, TargetOutput } from "../../src/compile/targets/target.js";
import { layerGroup, vmalertArtifacts } from "../../src/compile/targets/vmalert.js";
import { parsePromQL, walk, type VectorSelector } from "../../src/promql/index.js";
import { describeWithTool, REPO_ROOT, runTool } from "../support/tools.js";
/** The target's input, as the build makes it. */
function targetInput(model: WorkspaceModel): TargetInput {
  return targetInputOf(model, []);
}

interface FileGroup {
  name: string;
  interval?: string;
  rules: Array<Record<string, unknown> & { expr: string; record?: string; alert?: string; labels?: Record<string, string> }>;
}

/** The selectors of an expression, parsed on their own. */
function selectors(expr: string): VectorSelector[] {
  const out: VectorSelector[] = [];
  walk(parsePromQL(expr), (n) => {
    if (n.type === "VectorSelector") out.push(n);
  });
  return out;
}

/** A selector selects what a recording rule writes when its name and every `=` matcher on a label the rule sets agree. */
function selects(vs: VectorSelector, record: string, labels: Record<string, string>): boolean {
  const name = vs.name ?? vs.matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
  if (name !== undefined && name !== record) return false;
  return vs.matchers.every((m) => m.op !== "=" || m.name === "__name__" || !(m.name in labels) || labels[m.name] === m.value);
}

const ruleKey = (r: object) => JSON.stringify(r);

let model: WorkspaceModel;
let input: TargetInput;
let output: TargetOutput;

beforeAll(async () => {
  const loaded = checkWorkspace(await loadWorkspace(REPO_ROOT));
  expect(loaded.model, JSON.stringify(loaded.diagnostics)).toBeDefined();
  model = loaded.model!;
  input = targetInput(model);
  output = vmalertArtifacts(input, model.targets?.vmalert);
});

/** The example's SLOs and threshold services monac.yaml leaves out of vmalert (native histograms). */
const excludedFrom = (m: WorkspaceModel) => new Set(m.targets?.vmalert?.exclude ?? []);
/** The SLOs vmalert gets. */
const kept = () => input.slos.filter((s) => !excludedFrom(model).has(`${s.slo.service}/${s.slo.name}`));

describe("vmalert target on the example workspace", () => {
  it("writes one file per SLO and per threshold service, with no problem and no warning", () => {
    const excluded = excludedFrom(model);
    expect([...excluded]).toEqual(["ml-inference/prediction-latency"]);
    const expected = [
      ...model.slos.filter((s) => !excluded.has(`${s.service}/${s.name}`)).map((s) => `vmalert/${s.service}.${s.name}.slo.rules.yaml`),
      ...input.thresholds.map((t) => `vmalert/${t.service}.alerts.rules.yaml`),
    ].sort();
    expect(output.artifacts.map((a) => a.path)).toEqual(expected);
    expect(output.problems).toEqual([]);
    expect(output.warnings).toEqual([]);
  });

  it("refuses a rule on native histograms it is not told to leave out, and warns of a name in exclude that matches nothing", () => {
    const all = vmalertArtifacts(input);
    expect(all.problems).toEqual([
      'vmalert: vmalert/ml-inference.prediction-latency.slo.rules.yaml: group "slo-ml-inference-prediction-latency": ' +
        "record slo:sli_errors:increase5m, record slo:sli_total:increase5m, record slo:sli_error:ratio_rate30m, record slo:sli_error:ratio_rate1h, " +
        "record slo:sli_error:ratio_rate2h, record slo:sli_error:ratio_rate6h call histogram_count(), histogram_fraction(), which read native histograms; " +
        "VictoriaMetrics stores none (MetricsQL has no such function on them): read a classic histogram, or leave this out of vmalert with targets.vmalert.exclude",
    ]);
    const typo = vmalertArtifacts(input, { exclude: ["ml-inference", "checkout/availabilty", "nope"] });
    expect(typo.problems).toEqual([]);
    expect(typo.warnings).toEqual([
      "vmalert: exclude: checkout/availabilty is no service or service/slo of the workspace; it leaves nothing out",
      "vmalert: exclude: nope is no service or service/slo of the workspace; it leaves nothing out",
    ]);
  });

  it("starts every file with the generated header naming its spec file", () => {
    for (const { slo } of kept()) {
      const file = output.artifacts.find((a) => a.path === `vmalert/${slo.service}.${slo.name}.slo.rules.yaml`)!;
      expect(file.content.startsWith(`# ${generatedHeader([slo.source.file]).join("\n# ")}\n`)).toBe(true);
    }
    for (const t of input.thresholds) {
      const file = output.artifacts.find((a) => a.path === `vmalert/${t.service}.alerts.rules.yaml`)!;
      expect(file.content.startsWith(`# ${generatedHeader(t.sources).join("\n# ")}\n`)).toBe(true);
    }
  });

  it("is deterministic", () => {
    const again = vmalertArtifacts(targetInput(model), model.targets?.vmalert);
    expect(again).toEqual(output);
  });

  it("never lets a rule read a series recorded in its own group, and orders groups by dependency", () => {
    let checkedReads = 0;
    for (const artifact of output.artifacts) {
      const groups = (parse(artifact.content) as { groups: FileGroup[] }).groups;
      const recordedIn = (g: FileGroup) => g.rules.filter((r) => r.record !== undefined);
      groups.forEach((group, gi) => {
        for (const rule of group.rules) {
          for (const vs of selectors(rule.expr)) {
            for (const rec of recordedIn(group)) {
              expect(selects(vs, rec.record!, rec.labels ?? {}), `${artifact.path} group ${group.name}: ${rule.record ?? rule.alert} reads ${rec.record}`).toBe(false);
            }
            // What it reads from another group of the file comes from an earlier group.
            groups.forEach((other, oi) => {
              if (oi === gi) return;
              for (const rec of recordedIn(other)) {
                if (!selects(vs, rec.record!, rec.labels ?? {})) continue;
                checkedReads++;
                expect(oi, `${artifact.path}: ${group.name} reads ${rec.record} from the later group ${other.name}`).toBeLessThan(gi);
              }
            });
          }
        }
      });
    }
    expect(checkedReads).toBeGreaterThan(50);
  });

  it("keeps recording and alerting rules in separate groups, with unique names and the source interval", () => {
    for (const artifact of output.artifacts) {
      const groups = (parse(artifact.content) as { groups: FileGroup[] }).groups;
      expect(new Set(groups.map((g) => g.name)).size, artifact.path).toBe(groups.length);
      for (const g of groups) {
        const kinds = new Set(g.rules.map((r) => (r.alert !== undefined ? "alert" : "record")));
        expect(kinds.size, `${artifact.path} ${g.name}`).toBe(1);
        expect(g.rules.length).toBeGreaterThan(0);
      }
    }
    for (const { slo, group } of kept()) {
      const groups = (parse(output.artifacts.find((a) => a.path === `vmalert/${slo.service}.${slo.name}.slo.rules.yaml`)!.content) as { groups: FileGroup[] }).groups;
      expect(groups.length).toBeGreaterThan(2);
      for (const g of groups) expect(g.interval).toBe(group.interval);
      expect(groups.at(-1)!.name).toBe(`${group.name}-alerts`);
      expect(groups.slice(0, -1).map((g) => g.name)).toEqual(groups.slice(0, -1).map((_, i) => `${group.name}-recording-${i + 1}`));
    }
  });

  it("emits every generated rule exactly once", () => {
    const source = (groups: RuleGroup[]) => groups.flatMap((g) => g.rules).map(ruleKey).sort();
    const sourceGroups = [...kept().map((s) => s.group), ...input.thresholds.map((t) => t.group)];
    const emitted = output.artifacts.flatMap((a) => (parse(a.content) as { groups: FileGroup[] }).groups.flatMap((g) => g.rules)).map(ruleKey).sort();
    expect(emitted).toEqual(source(sourceGroups));
  });

  it("leaves threshold groups (alerts only) as one group", () => {
    for (const t of input.thresholds) {
      const groups = (parse(output.artifacts.find((a) => a.path === `vmalert/${t.service}.alerts.rules.yaml`)!.content) as { groups: FileGroup[] }).groups;
      expect(groups).toHaveLength(1);
      expect(groups[0]!.name).toBe(t.group.name);
    }
  });

  it("layers checkout/availability as 5m counts, then what reads them, then the day windows and the budget", () => {
    const { group } = input.slos.find((s) => s.slo.service === "checkout" && s.slo.name === "availability")!;
    const split = layerGroup(group);
    const records = split.groups.map((g) => g.rules.map((r: Rule) => (isAlertingRule(r) ? r.alert : r.record)));
    expect(records[0]).toContain("slo:sli_errors:increase5m");
    expect(records[0]).toContain("slo:sli_error:ratio_rate1h");
    expect(records[1]).toContain("slo:sli_errors:increase1m");
    expect(records[1]).toContain("slo:sli_error:ratio_rate5m");
    expect(records[2]).toContain("slo:sli_error:ratio_rate1d");
    expect(records.at(-1)).toEqual(["ErrorBudgetBurn", "ErrorBudgetBurn", "SLINoData"]);
  });

  it("warns when a short window's lag reaches the window itself (a 5m evaluation interval)", () => {
    const slo = { ...input.slos[0]!.slo, evaluationIntervalMs: 5 * 60_000 };
    const out = vmalertArtifacts({ ...input, slos: [{ slo, group: sloRuleGroup(slo) }], thresholds: [] });
    expect(out.problems).toEqual([]);
    expect(out.warnings.length).toBeGreaterThan(0);
    expect(out.warnings[0]).toMatch(/page-fast tier's 5m window .* up to 10m old/);
  });

  it("reports recording rules that read each other in a cycle as a problem", () => {
    const group: RuleGroup = {
      name: "loop",
      interval: "1m",
      rules: [
        { record: "a:x", expr: "b:x + 1" },
        { record: "b:x", expr: "a:x + 1" },
        { alert: "A", expr: "a:x > 1", labels: {}, annotations: {} },
      ],
    };
    expect(layerGroup(group).problems.join("\n")).toMatch(/cycle/);
  });
});

describeWithTool(["promtool", "vmalert"], "vmalert target files checked by promtool and vmalert -dryRun", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "monac-vmalert-"));
    for (const a of output.artifacts) {
      mkdirSync(path.dirname(path.join(dir, a.path)), { recursive: true });
      writeFileSync(path.join(dir, a.path), a.content);
    }
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("promtool check rules accepts every file", async () => {
    for (const a of output.artifacts) {
      const r = await runTool("promtool", ["check", "rules", path.join(dir, a.path)]);
      expect(r.code, `${a.path}\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it("vmalert -dryRun accepts every file", async () => {
    for (const a of output.artifacts) {
      const r = await runTool("vmalert", ["-dryRun", `-rule=${path.join(dir, a.path)}`, "-loggerLevel=ERROR"], { cwd: dir });
      expect(r.code, `${a.path}\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it("vmalert -dryRun refuses the native-histogram SLO's rules, as the target does", async () => {
    const native = vmalertArtifacts(input).artifacts.find((a) => a.path === "vmalert/ml-inference.prediction-latency.slo.rules.yaml")!;
    const file = path.join(dir, "native.rules.yaml");
    writeFileSync(file, native.content);
    const r = await runTool("vmalert", ["-dryRun", `-rule=${file}`, "-loggerLevel=ERROR"], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('unsupported function "histogram_count"');
  });

  it("vmalert -dryRun rejects a broken rule file (the check has teeth)", async () => {
    const bad = path.join(dir, "bad.rules.yaml");
    writeFileSync(bad, "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n");
    const r = await runTool("vmalert", ["-dryRun", `-rule=${bad}`, "-loggerLevel=ERROR"], { cwd: dir });
    expect(r.code).not.toBe(0);
  });
});
