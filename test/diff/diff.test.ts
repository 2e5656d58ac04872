// `monac diff` on the example workspace: built as it is, and built after a
// realistic spec change in a temporary copy. The expected values come from the
// spec edits below, not from the diff code.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCommand } from "../../src/cli/build.js";
import { diffCommand } from "../../src/cli/diff.js";
import { percent, type BuildDiff } from "../../src/diff/index.js";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const WORKSPACE_ENTRIES = ["monac.yaml", "slos", "alerts", "dashboards"];

interface Run {
  code: number;
  out: string;
  err: string;
}

async function diff(...args: string[]): Promise<Run> {
  const run: Run = { code: -1, out: "", err: "" };
  run.code = await diffCommand(args, { out: (t) => void (run.out += `${t}\n`), err: (t) => void (run.err += `${t}\n`) });
  return run;
}

async function build(dir: string, out: string): Promise<void> {
  let err = "";
  const code = await buildCommand({ dir, out, check: false, write: true, noTests: true, noDashboards: true }, { out: () => {}, err: (t) => void (err += t) });
  expect(code, err).toBe(0);
}

function copyWorkspace(to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of WORKSPACE_ENTRIES) cpSync(path.join(REPO_ROOT, e), path.join(to, e), { recursive: true });
}

/** Replaces exactly one occurrence of `from` in a file. */
function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  expect(text.split(from).length - 1, `${from} in ${file}`).toBe(1);
  writeFileSync(file, text.replace(from, to));
}

let tmp: string;
let baseOut: string;
let headOut: string;
let sameOut: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "monac-diff-test-"));
  const base = path.join(tmp, "base");
  const head = path.join(tmp, "head");
  copyWorkspace(base);
  copyWorkspace(head);
  // The change under review:
  // 1. checkout availability 99.95 → 99.9 (error budget 0.05% → 0.1%);
  edit(path.join(head, "slos", "checkout.yaml"), "objective: 99.95", "objective: 99.9");
  // 2. the host CPU warning from 80% to 85%;
  edit(path.join(head, "alerts", "node.yaml"), "unit: percent\n    warning: 80\n", "unit: percent\n    warning: 85\n");
  // 3. payments' pages email the payments team instead of the SRE list;
  edit(path.join(head, "monac.yaml"), "critical: [payments-pagerduty, payments-slack, sre-email]", "critical: [payments-pagerduty, payments-slack, payments-email]");
  // 4. HighIoWait removed.
  const node = path.join(head, "alerts", "node.yaml");
  const text = readFileSync(node, "utf8");
  const start = text.indexOf("  - name: HighIoWait");
  const end = text.indexOf("  - name: InstanceDown");
  expect(start).toBeGreaterThan(0);
  writeFileSync(node, text.slice(0, start) + text.slice(end));

  baseOut = path.join(tmp, "base-out");
  headOut = path.join(tmp, "head-out");
  sameOut = path.join(tmp, "same-out");
  await build(base, baseOut);
  await build(head, headOut);
  await build(base, sameOut);
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("monac diff of two builds", () => {
  it("names exactly the changes made, as JSON", async () => {
    const r = await diff(baseOut, headOut, "--format", "json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as BuildDiff;
    expect(d.identical).toBe(false);

    // Alerts: HighIoWait's two severities removed, nothing added.
    expect(d.alerts.added).toEqual([]);
    expect(d.alerts.removed.map((a) => a.id)).toEqual(["HighIoWait node critical", "HighIoWait node warning"]);
    expect(d.alerts.removed.find((a) => a.severity === "warning")!.thresholds).toEqual(["> 10"]);

    // Changed: the CPU warning's threshold, and checkout availability's burn alerts (budget and description).
    const changed = Object.fromEntries(d.alerts.changed.map((a) => [a.id, a.changes]));
    expect(Object.keys(changed).sort()).toEqual([
      "ErrorBudgetBurn checkout/availability critical",
      "ErrorBudgetBurn checkout/availability warning",
      "HighCpuUsage node warning",
    ]);
    const cpu = changed["HighCpuUsage node warning"]!;
    expect(cpu.find((c) => c.field === "thresholds")).toEqual({ field: "thresholds", before: "> 80", after: "> 85" });
    expect(cpu.every((c) => c.field === "thresholds" || c.field.startsWith("annotation "))).toBe(true);
    const page = changed["ErrorBudgetBurn checkout/availability critical"]!;
    expect(page.find((c) => c.field === "constants")).toMatchObject({ before: expect.stringContaining("0.0005"), after: expect.stringContaining("0.001") });
    expect(page.find((c) => c.field === "thresholds")).toBeUndefined(); // the burn factors are the workbook's, unchanged
    expect(page.find((c) => c.field === "annotation description")).toMatchObject({
      before: expect.stringContaining("Objective 99.95%"),
      after: expect.stringContaining("Objective 99.9%"),
    });

    // Routing: payments critical now reaches payments-email, no longer sre-email.
    expect(d.routing.teams).toEqual([
      { team: "payments", severity: "critical", before: ["payments-pagerduty", "payments-slack", "sre-email"], after: ["payments-pagerduty", "payments-slack", "payments-email"] },
    ]);
    const paged = d.routing.alerts.map((a) => a.id);
    expect(paged).toContain("ErrorBudgetBurn checkout/availability critical");
    expect(paged).toContain("PaymentSuccessBudgetBurn payments/transaction-success critical");
    expect(d.routing.alerts.every((a) => a.severity === "critical" && a.after.includes("payments-email") && !a.after.includes("sre-email"))).toBe(true);

    // SLOs: only checkout availability, objective and budget; burn-rate tiers unchanged.
    expect(d.slos).toEqual([
      {
        slo: "checkout/availability",
        status: "changed",
        changes: [
          { field: "objective", before: "99.95%", after: "99.9%" },
          { field: "error budget", before: "0.05%", after: "0.1%" },
        ],
        facts: expect.objectContaining({ objective: "99.9%", errorBudget: "0.1%", period: "30d" }),
      },
    ]);
    expect(d.slos[0]!.facts.burnRates.critical).toBe("14.4× over 1h and 5m; 6× over 6h and 30m");

    // Counts: two alerting rules fewer; recording rules the same number (the budget is in their expressions).
    expect(d.stats.after.alertingRules).toBe(d.stats.before.alertingRules - 2);
    expect(d.stats.after.recordingRules).toBe(d.stats.before.recordingRules);
    // slo:objective:ratio and slo:objective:info state the objective; remaining_ratio and burn_rate1h divide by the budget.
    expect(d.recordingRules).toEqual({ added: 0, removed: 0, changed: 4 });
    expect(d.stats.after.samplesPerEvaluation).toBeLessThan(d.stats.before.samplesPerEvaluation);
    expect(d.stats.scrapeInterval).toBe("1m");
  });

  it("shows a page going elsewhere in the first lines of the Markdown", async () => {
    const r = await diff(baseOut, headOut);
    expect(r.code).toBe(0);
    const md = r.out;
    writeFileSync(path.join(os.tmpdir(), "monac-diff-sample.md"), md);
    const first10 = md.split("\n").slice(0, 10).join("\n");
    expect(first10).toContain("| payments | critical | payments-pagerduty, payments-slack, ~~sre-email~~ | payments-pagerduty, payments-slack, **payments-email** |");
    expect(md).toContain("**checkout/availability**: objective `99.95%` → `99.9%`; error budget `0.05%` → `0.1%`");
    expect(md).toContain("| `HighCpuUsage` node (warning) | thresholds | `> 80` | `> 85` |");
    expect(md).toMatch(/^- `HighIoWait` node \(critical\): `> 20`, for 10m, → platform-pagerduty, platform-slack, sre-email$/m);
    expect(md).toContain("samples read per evaluation (estimate)");
    expect(md).toContain("÷ 1m (assumed scrape interval)");
    // Never the whole YAML, nor generated noise.
    expect(md).not.toContain("DO NOT EDIT");
    expect(md).not.toContain("groups:");
    expect(md.split("\n").length).toBeLessThan(60);
  });

  it("reads the other way round as added alerts and the receivers swapped", async () => {
    const d = JSON.parse((await diff(headOut, baseOut, "--format", "json")).out) as BuildDiff;
    expect(d.alerts.removed).toEqual([]);
    expect(d.alerts.added.map((a) => [a.id, a.thresholds, a.for, a.receivers])).toEqual([
      ["HighIoWait node critical", ["> 20"], "10m", ["platform-pagerduty", "platform-slack", "sre-email"]],
      ["HighIoWait node warning", ["> 10"], "10m", ["platform-slack", "platform-email"]],
    ]);
    expect(d.routing.teams).toEqual([
      { team: "payments", severity: "critical", before: ["payments-pagerduty", "payments-slack", "payments-email"], after: ["payments-pagerduty", "payments-slack", "sre-email"] },
    ]);
    expect(d.slos[0]!.changes[0]).toEqual({ field: "objective", before: "99.9%", after: "99.95%" });
  });

  it("prints that nothing changed for identical builds, and exits 0", async () => {
    expect(await diff(baseOut, sameOut)).toEqual({ code: 0, out: "No changes to alerts, routing or SLOs.\n", err: "" });
    const json = await diff(baseOut, sameOut, "--format", "json");
    expect(JSON.parse(json.out)).toMatchObject({ identical: true, alerts: { added: [], removed: [], changed: [] }, slos: [] });
  });

  it("ignores header comments, rule order and whitespace", async () => {
    const noisy = path.join(tmp, "noisy-out");
    cpSync(baseOut, noisy, { recursive: true });
    const file = path.join(noisy, "prometheus", "rules", "node.alerts.rules.yaml");
    const text = readFileSync(file, "utf8").replace("DO NOT EDIT", "do not edit (rebuilt)");
    // Reverse the rules of the group: same rules, another order; re-indent an expression.
    const [head, ...rules] = text.split(/\n(?=      - alert: )/);
    writeFileSync(file, [head, ...rules.reverse()].join("\n").replace(/\n*$/, "\n").replace("expr: up == 0", "expr: up   ==   0"));
    expect(await diff(baseOut, noisy)).toMatchObject({ code: 0, out: "No changes to alerts, routing or SLOs.\n" });
  });

  it("uses the assumed scrape interval given", async () => {
    const a = JSON.parse((await diff(baseOut, sameOut, "--format", "json")).out) as BuildDiff;
    const b = JSON.parse((await diff(baseOut, sameOut, "--format", "json", "--scrape-interval", "15s")).out) as BuildDiff;
    expect(b.stats.scrapeInterval).toBe("15s");
    expect(b.stats.before.samplesPerEvaluation).toBeGreaterThan(a.stats.before.samplesPerEvaluation);
  });

  it("writes --output and prints nothing", async () => {
    const file = path.join(tmp, "report.md");
    const r = await diff(baseOut, headOut, "--output", file);
    expect(r).toEqual({ code: 0, out: "", err: "" });
    expect(readFileSync(file, "utf8")).toContain("#### Who gets notified");
  });

  it("exits 2 on unreadable input and bad usage", async () => {
    const missing = await diff(path.join(tmp, "nope"), headOut);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope.*prometheus\/rules: cannot read/);

    const broken = path.join(tmp, "broken-out");
    cpSync(baseOut, broken, { recursive: true });
    writeFileSync(path.join(broken, "alertmanager", "alertmanager.yml"), "route: [\n");
    expect((await diff(broken, headOut)).code).toBe(2);
    writeFileSync(path.join(broken, "prometheus", "rules", "x.rules.yaml"), "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(\n");
    expect((await diff(broken, headOut)).code).toBe(2);

    for (const args of [[], [baseOut, headOut, sameOut], [baseOut, "--format", "html"], [baseOut, "--bogus"], [baseOut, "--scrape-interval", "soon"], ["--base-ref", "HEAD", baseOut], [baseOut, "--dir", "."]]) {
      const r = await diff(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toContain("usage: monac diff");
    }
  });
});

describe("percentages", () => {
  it("move the decimal point, never through a float product", () => {
    expect([0.0005, 0.9995, 0.001, 1, 0.5, 0.999, 0.00001].map(percent)).toEqual(["0.05%", "99.95%", "0.1%", "100%", "50%", "99.9%", "0.001%"]);
  });
});

describe("monac diff --base-ref", () => {
  let clone: string;
  beforeAll(() => {
    // A clone of the committed repository: uncommitted work in /work/main must not show.
    clone = path.join(tmp, "clone");
    const r = spawnSync("git", ["clone", "--quiet", "--no-hardlinks", REPO_ROOT, clone], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  }, 60_000);

  it("shows no changes against HEAD on a clean checkout", async () => {
    const r = await diff("--base-ref", "HEAD", "--dir", clone);
    expect(r.err).toBe("");
    expect(r).toMatchObject({ code: 0, out: "No changes to alerts, routing or SLOs.\n" });
  }, 60_000);

  it("shows an uncommitted spec change against HEAD", async () => {
    const work = path.join(tmp, "clone-edited");
    cpSync(clone, work, { recursive: true });
    edit(path.join(work, "slos", "checkout.yaml"), "objective: 99.95", "objective: 99.9");
    const r = await diff("--base-ref", "HEAD", "--dir", work, "--format", "json");
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as BuildDiff).slos.map((s) => [s.slo, s.changes[0]])).toEqual([["checkout/availability", { field: "objective", before: "99.95%", after: "99.9%" }]]);
  }, 60_000);

  it("builds a workspace in a subdirectory of the repository as it was at the ref", async () => {
    const repo = path.join(tmp, "monorepo");
    const ws = path.join(repo, "teams", "monitoring");
    copyWorkspace(ws);
    await build(ws, path.join(ws, "out"));
    // Committed with the specs, as the README's CI recipe has it (the base's is not extracted: the diff builds its own).
    writeFileSync(path.join(repo, "README.md"), "a repository with a workspace below its top\n");
    const git = (...args: string[]) => spawnSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" });
    expect(git("init", "--quiet").status).toBe(0);
    expect(git("add", "-A").status).toBe(0);
    expect(git("commit", "--quiet", "-m", "base").status).toBe(0);
    edit(path.join(ws, "slos", "checkout.yaml"), "objective: 99.95", "objective: 99.9");
    const r = await diff("--base-ref", "HEAD", "--dir", ws, "--format", "json");
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as BuildDiff).slos.map((s) => [s.slo, s.changes[0]])).toEqual([["checkout/availability", { field: "objective", before: "99.95%", after: "99.9%" }]]);
  }, 60_000);

  it("exits 2 on an unknown ref or a directory outside git", async () => {
    const bad = await diff("--base-ref", "no-such-ref-xyz", "--dir", clone);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown git ref "no-such-ref-xyz"');
    const outside = path.join(tmp, "not-git");
    copyWorkspace(outside);
    const r = await diff("--base-ref", "HEAD", "--dir", outside);
    expect(r.code).toBe(2);
    expect(r.err).toContain("not in a git repository");
  }, 60_000);
});
