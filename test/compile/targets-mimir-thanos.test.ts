// The Mimir/Cortex and Thanos Ruler targets: the same rules, in the file
// shape each ruler loads (checked against the published Prometheus rules
// schema extended by the one field each adds, and by the real promtool), and
// the ruler limits monac enforces at build time.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Ajv } from "ajv";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { TargetCheckError } from "../../src/compile/targets/index.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { run, snapshotDir } from "../support/cli.js";
import { describeWithShared, sharedPath } from "../support/shared.js";
import { describeWithTool, runTool } from "../support/tools.js";
import { REPO_ROOT } from "../support/workspace.js";

interface Rule { record?: string; alert?: string; expr: string; labels?: Record<string, string> }
interface Group { name: string; interval?: string; partial_response_strategy?: string; rules: Rule[] }

const SPEC_DIRS = ["slos", "alerts"];
function exampleTexts(targets: Record<string, unknown>) {
  const doc = parse(readFileSync(path.join(REPO_ROOT, "monac.yaml"), "utf8")) as Record<string, unknown>;
  doc.targets = targets;
  const texts = [{ rel: "monac.yaml", text: stringify(doc) }];
  for (const dir of SPEC_DIRS) {
    for (const f of ["api.yaml", "checkout.yaml", "ml-inference.yaml", "payments.yaml", "node.yaml", "postgres.yaml", "redis.yaml"]) {
      const file = path.join(REPO_ROOT, dir, f);
      if (existsSync(file)) texts.push({ rel: `${dir}/${f}`, text: readFileSync(file, "utf8") });
    }
  }
  return texts;
}
function compile(targets: Record<string, unknown>) {
  const loaded = checkWorkspace(loadWorkspaceFromTexts(exampleTexts(targets)));
  if (!loaded.model) throw new Error(loaded.diagnostics.map(formatDiagnostic).join("\n"));
  return compileWorkspace(loaded.model, { dashboards: false });
}
const files = (artifacts: { path: string; content: string }[], dir: string) => artifacts.filter((a) => a.path.startsWith(`${dir}/`));
const prometheusGroups = (artifacts: { path: string; content: string }[]) =>
  files(artifacts, "prometheus/rules").flatMap((a) => (parse(a.content) as { groups: Group[] }).groups);
const ruleId = (r: Rule) => `${r.record ?? r.alert} ${JSON.stringify(r.labels ?? {})} ${r.expr}`;

describe("mimir target", () => {
  const artifacts = compile({ mimir: { maxQueryLength: "768h" } });
  const mimir = files(artifacts, "mimir").map((a) => ({ path: a.path, doc: parse(a.content) as { namespace: string; groups: Group[] } }));

  it("one file per service namespace, holding exactly the Prometheus rules in order", () => {
    expect(mimir.map((m) => [m.path, m.doc.namespace])).toEqual([
      ["mimir/api.yaml", "api"], ["mimir/checkout.yaml", "checkout"], ["mimir/ml-inference.yaml", "ml-inference"], ["mimir/node.yaml", "node"],
      ["mimir/payments.yaml", "payments"], ["mimir/postgres.yaml", "postgres"], ["mimir/redis.yaml", "redis"],
    ]);
    const ours = mimir.flatMap((m) => m.doc.groups.flatMap((g) => g.rules.map(ruleId))).sort();
    expect(ours).toEqual(prometheusGroups(artifacts).flatMap((g) => g.rules.map(ruleId)).sort());
    for (const m of mimir) for (const g of m.doc.groups) expect(g.rules.length).toBeLessThanOrEqual(20);
  });

  it("a long group is split in order, and no rule reads a recording result more than one split away", () => {
    const split = files(compile({ mimir: { maxRulesPerGroup: 12 } }), "mimir").flatMap((a) => (parse(a.content) as { groups: Group[] }).groups);
    const original = prometheusGroups(artifacts);
    for (const g of original) {
      const pieces = g.rules.length <= 12 ? split.filter((x) => x.name === g.name) : split.filter((x) => x.name.startsWith(`${g.name}-`));
      expect(pieces.every((p) => p.rules.length <= 12 && p.interval === g.interval)).toBe(true);
      expect(pieces.flatMap((p) => p.rules.map(ruleId))).toEqual(g.rules.map(ruleId));
      if (pieces.length > 1) expect(pieces.map((p) => p.name)).toEqual(pieces.map((_, i) => `${g.name}-${i + 1}`));
      // Independently of the splitter: a rule reading a recorded series named in its expression.
      const pieceOf = new Map<string, number>();
      const lag = new Map<string, number>();
      pieces.forEach((p, k) => {
        for (const r of p.rules) {
          const reads = pieces.slice(0, k + 1).flatMap((q, kq) => q.rules.filter((d) => d.record !== undefined && d !== r && r.expr.includes(`${d.record}{`) && pieceOf.has(ruleId(d))).map((d) => ({ d, kq })));
          const l = Math.max(0, ...reads.map(({ d, kq }) => (lag.get(ruleId(d)) ?? 0) + (kq === k ? 0 : 1)));
          expect(l, `${r.record ?? r.alert} in ${p.name}`).toBeLessThanOrEqual(1);
          pieceOf.set(ruleId(r), k);
          lag.set(ruleId(r), l);
        }
      });
    }
  });

  it("refuses what the ruler would break on: a split two evaluations deep, too many groups, a range over the query-length limit", () => {
    const problems = (targets: Record<string, unknown>) => {
      try {
        compile(targets);
        return [];
      } catch (e) {
        if (e instanceof TargetCheckError) return e.problems;
        throw e;
      }
    };
    expect(problems({ mimir: { maxRulesPerGroup: 3 } }).join("\n")).toMatch(/two evaluations late .* raise targets\.mimir\.maxRulesPerGroup/);
    expect(problems({ mimir: { maxGroupsPerTenant: 5 } })).toEqual([expect.stringMatching(/^mimir: 13 rule groups, over the tenant's budget of 5/)]);
    // The 30-day SLI reads [30d:5m] of 5m counts, each with the 5m lookback: 30d5m, over 720h (30d), within 768h.
    const over = problems({ mimir: { maxQueryLength: "720h" } });
    expect(over.length).toBeGreaterThan(0);
    for (const p of over) expect(p).toMatch(/rule slo:sli_error:ratio_period reads 30d5m back .* over the tenant's maximum query length 30d/);
    expect(problems({ mimir: { maxQueryLength: "768h" } })).toEqual([]);
  });
});

describe("thanos target", () => {
  const artifacts = compile({ thanos: true });
  it("the Prometheus files, with partial_response_strategy: abort on every group with alerts", () => {
    const thanos = files(artifacts, "thanos");
    expect(thanos.map((a) => a.path.replace("thanos/", ""))).toEqual(files(artifacts, "prometheus/rules").map((a) => a.path.replace("prometheus/rules/", "")));
    for (const a of thanos) {
      const [g] = (parse(a.content) as { groups: Group[] }).groups;
      const plain = (parse(artifacts.find((x) => x.path === a.path.replace("thanos/", "prometheus/rules/"))!.content) as { groups: Group[] }).groups[0]!;
      const { partial_response_strategy: strategy, ...rest } = g!;
      expect(rest).toEqual(plain);
      expect(strategy).toBe(plain.rules.some((r) => r.alert !== undefined) ? "abort" : undefined);
    }
    expect(files(compile({ thanos: { partialResponseStrategy: "warn" } }), "thanos").every((a) => a.content.includes("partial_response_strategy: warn"))).toBe(true);
  });
});

const schemas = sharedPath("schemas");
describeWithShared(schemas, "mimir, thanos and vmalert files against the published Prometheus rules schema", () => {
  const base = JSON.parse(readFileSync(path.join(schemas, "prometheus.rules.json"), "utf8")) as { properties: Record<string, unknown>; required?: string[] } & Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Mimir: a namespace next to the groups (mimirtool's rule file).
  const mimirSchema = structuredClone(base);
  mimirSchema.properties.namespace = { type: "string", minLength: 1 };
  mimirSchema.required = ["namespace", "groups"];
  delete (mimirSchema as Record<string, unknown>).$id;
  // Thanos: one more group field.
  const thanosSchema = structuredClone(base);
  ((thanosSchema.properties.groups as { items: { properties: Record<string, unknown> } }).items.properties).partial_response_strategy = { enum: ["abort", "warn"] };
  delete (thanosSchema as Record<string, unknown>).$id;
  const artifacts = compile({ mimir: { maxRulesPerGroup: 12 }, thanos: true, vmalert: { exclude: ["ml-inference/prediction-latency"] } });

  it("every vmalert file is a plain Prometheus rule file", () => {
    const validate = ajv.compile({ ...base, $id: undefined });
    const vm = files(artifacts, "vmalert");
    expect(vm.length).toBeGreaterThan(0);
    for (const a of vm) expect(validate(parse(a.content)), `${a.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
  });

  it("every mimir file is a namespace and valid Prometheus groups; a file without a namespace is not", () => {
    const validate = ajv.compile(mimirSchema);
    for (const a of files(artifacts, "mimir")) expect(validate(parse(a.content)), `${a.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(validate({ groups: [] })).toBe(false);
  });
  it("every thanos file is valid with its extra field; an unknown strategy is not", () => {
    const validate = ajv.compile(thanosSchema);
    for (const a of files(artifacts, "thanos")) expect(validate(parse(a.content)), `${a.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(validate({ groups: [{ name: "g", partial_response_strategy: "sometimes", rules: [] }] })).toBe(false);
  });
});

describeWithTool(["promtool"], "mimir and thanos rule groups in the real promtool", () => {
  it("promtool check rules accepts every group (mimir without its namespace line, thanos with --ignore-unknown-fields)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "monac-targets-"));
    try {
      const artifacts = compile({ mimir: { maxRulesPerGroup: 12 }, thanos: true });
      const mimirFiles: string[] = [];
      for (const a of files(artifacts, "mimir")) {
        const { groups } = parse(a.content) as { groups: Group[] };
        const f = path.join(dir, path.basename(a.path));
        writeFileSync(f, stringify({ groups }));
        mimirFiles.push(f);
      }
      const m = await runTool("promtool", ["check", "rules", ...mimirFiles], { timeoutMs: 60_000 });
      expect(m.code, m.stdout + m.stderr).toBe(0);
      mkdirSync(path.join(dir, "thanos"));
      const thanosFiles = files(artifacts, "thanos").map((a) => {
        const f = path.join(dir, a.path);
        writeFileSync(f, a.content);
        return f;
      });
      const t = await runTool("promtool", ["check", "rules", "--ignore-unknown-fields", ...thanosFiles], { timeoutMs: 60_000 });
      expect(t.code, t.stdout + t.stderr).toBe(0);
      const strict = await runTool("promtool", ["check", "rules", thanosFiles[0]!], { timeoutMs: 60_000 });
      expect(strict.code, "without --ignore-unknown-fields promtool refuses Thanos' field").not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("monac build with a target's limit broken", () => {
  it("exits 1 with the target's reason and writes nothing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "monac-targets-build-"));
    try {
      for (const d of SPEC_DIRS) cpSync(path.join(REPO_ROOT, d), path.join(dir, d), { recursive: true });
      writeFileSync(path.join(dir, "monac.yaml"), exampleTexts({ mimir: { maxQueryLength: "720h" } })[0]!.text);
      const r = await run("build", "--dir", dir, "--no-tests");
      expect(r.code, r.err).toBe(1);
      // A finding about the target's entry in monac.yaml.
      expect(r.err).toMatch(/^monac\.yaml:\d+:\d+: targets\.mimir: mimir: namespace checkout, group slo-checkout-availability, rule slo:sli_error:ratio_period reads 30d5m back/m);
      expect(r.err).toMatch(/^\d+ errors? from the deploy targets; nothing written$/m);
      expect(existsSync(path.join(dir, "out"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves an existing out/ exactly as it was, though the rule files were made (and staged) before the target's check", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "monac-targets-build-"));
    try {
      for (const d of SPEC_DIRS) cpSync(path.join(REPO_ROOT, d), path.join(dir, d), { recursive: true });
      writeFileSync(path.join(dir, "monac.yaml"), exampleTexts({})[0]!.text);
      expect((await run("build", "--dir", dir, "--no-tests")).code).toBe(0);
      const before = await snapshotDir(path.join(dir, "out"));
      // Another objective: every SLO rule file would change.
      for (const name of readdirSync(path.join(dir, "slos"))) {
        const file = path.join(dir, "slos", name);
        writeFileSync(file, readFileSync(file, "utf8").replace(/objective: [\d.]+/g, "objective: 98"));
      }
      writeFileSync(path.join(dir, "monac.yaml"), exampleTexts({ mimir: { maxQueryLength: "720h" } })[0]!.text);
      const r = await run("build", "--dir", dir, "--no-tests");
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(/^\d+ errors? from the deploy targets; nothing written$/m);
      expect(await snapshotDir(path.join(dir, "out"))).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
