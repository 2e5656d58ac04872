// Runs `monac build` on one mutated workspace and judges the outcome by what
// the documentation promises and by the tools that consume out/:
//
//   crash            an exception escaped, an exit code other than 0/1/2, or a
//                    stack trace / JavaScript error name in the output
//   bad refusal      refused (1 or 2) but out/ changed, or a finding not in
//                    `file:line:col: ...` form (or pointing past the file's end)
//   accepted invalid exit 0, but promtool check rules, amtool check-config, or
//                    a generated rule test (on monac or on promtool) fails
//   refused          a clean refusal
//   accepted valid   exit 0 and everything above passes
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildCommand } from "../../src/cli/build.js";
import { newGenerationContext } from "../../src/compile/rule-tests/index.js";
import { runTestFile } from "../../src/ruletest/index.js";
import { runTool, toolPath } from "../support/tools.js";
import type { Mutation } from "./mutate.js";

export type Outcome = "crash" | "bad-refusal" | "accepted-invalid" | "refused" | "accepted-valid";

export interface Verdict {
  outcome: Outcome;
  exit: number | undefined;
  /** Why it is not clean (empty for refused / accepted-valid). */
  problems: string[];
  /** What was checked with the real tools for an accepted build. */
  checked: { promtoolRules: boolean; amtool: boolean; monacTests: number; promtoolTests: number };
  /** Milliseconds in `monac build` and in checking what it wrote. */
  ms: { build: number; checks: number };
}

export interface FuzzOptions {
  /** How many changed SLO test files promtool runs in total (each simulates days of traffic; ~1 min each). */
  promtoolSloBudget: number;
}

const SPEC_ROOTS = ["monac.yaml", "slos", "alerts", "dashboards"];
const STACK = /\n\s+at .+[(:]\d+:\d+\)?|\b(TypeError|ReferenceError|RangeError|SyntaxError|Maximum call stack|Cannot read properties|is not a function|undefined is not)\b/;
const FINDING = /^(?<file>[^\s:][^:]*):(?<line>\d+):(?<col>\d+): /;

type Snapshot = Map<string, string>;

function readTree(root: string, rel = ""): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let entries;
  try {
    entries = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of readTree(root, child)) out.set(k, v);
    else if (e.isFile()) out.set(child, readFileSync(path.join(root, child)));
  }
  return out;
}

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function snapshot(dir: string): Snapshot {
  return new Map([...readTree(dir)].map(([k, v]) => [k, sha(v)]));
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** A scratch copy of a workspace that mutations are applied to and reverted from. */
export class FuzzWorkspace {
  readonly dir = mkdtempSync(path.join(tmpdir(), "monac-fuzz-"));
  readonly specs: Map<string, Buffer>;
  /** Shared across builds: only the time taken depends on it. */
  private readonly ctx = newGenerationContext();
  private baselineOut: Map<string, Buffer> = new Map();
  /** Hashes of (test file + its rule file) that passed on monac / on promtool. */
  private readonly passedMonac = new Set<string>();
  private readonly passedPromtool = new Set<string>();
  private promtoolSloRuns = 0;
  readonly stats = { promtoolSloSkipped: 0 };

  constructor(source: string, private readonly opts: FuzzOptions) {
    // Only the spec roots: the rest of a checkout (node_modules, .tools, .git) is hundreds of megabytes.
    this.specs = new Map(
      SPEC_ROOTS.flatMap((r): Array<[string, Buffer]> => {
        const file = path.join(source, r);
        return statSync(file, { throwIfNoEntry: false })?.isFile() ? [[r, readFileSync(file)]] : [...readTree(source, r)];
      }),
    );
  }

  /** Builds the unmutated workspace; its out/ is what every refusal must leave alone. */
  async init(): Promise<Verdict> {
    this.restoreSpecs();
    const v = await this.judge(undefined);
    this.baselineOut = readTree(path.join(this.dir, "out"));
    return v;
  }

  texts(): Map<string, string> {
    return new Map([...this.specs].map(([k, v]) => [k, v.toString("utf8")]));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private restoreSpecs(): void {
    for (const root of SPEC_ROOTS) rmSync(path.join(this.dir, root), { recursive: true, force: true });
    for (const [rel, bytes] of this.specs) {
      mkdirSync(path.dirname(path.join(this.dir, rel)), { recursive: true });
      writeFileSync(path.join(this.dir, rel), bytes);
    }
  }

  private restoreOut(): void {
    const out = path.join(this.dir, "out");
    rmSync(out, { recursive: true, force: true });
    for (const [rel, bytes] of this.baselineOut) {
      mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
      writeFileSync(path.join(out, rel), bytes);
    }
  }

  async run(m: Mutation): Promise<Verdict> {
    this.restoreSpecs();
    this.restoreOut();
    const target = path.join(this.dir, m.file);
    if (m.bytes === null) rmSync(target, { force: true });
    else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, m.bytes);
    }
    return this.judge(m);
  }

  private async judge(m: Mutation | undefined): Promise<Verdict> {
    const outDir = path.join(this.dir, "out");
    const before = snapshot(outDir);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const checked = { promtoolRules: false, amtool: false, monacTests: 0, promtoolTests: 0 };
    let exit: number | undefined;
    const started = performance.now();
    const ms = { build: 0, checks: 0 };
    try {
      exit = await buildCommand(
        { dir: this.dir, out: undefined, check: false, write: true, generationContext: this.ctx },
        { out: (t) => stdout.push(t), err: (t) => stderr.push(t) },
      );
    } catch (e) {
      return { outcome: "crash", exit, problems: [`threw: ${(e as Error).stack ?? String(e)}`], checked, ms };
    }
    ms.build = performance.now() - started;
    const output = [...stdout, ...stderr].join("\n");
    if (exit !== 0 && exit !== 1 && exit !== 2) return { outcome: "crash", exit, problems: [`exit code ${exit}`], checked, ms };
    if (STACK.test(output)) return { outcome: "crash", exit, problems: [`library error or stack trace in the output:\n${output}`], checked, ms };

    if (exit !== 0) {
      const problems: string[] = [];
      if (!sameSnapshot(before, snapshot(outDir))) problems.push("out/ changed although the build was refused");
      for (const line of stderr.join("\n").split("\n").filter(Boolean)) {
        const f = FINDING.exec(line);
        if (f) {
          const file = f.groups!.file!;
          const text = m && m.file === file && m.bytes ? m.bytes.toString("utf8") : this.specs.get(file)?.toString("utf8");
          const lines = text === undefined ? 1 : text.split("\n").length;
          if (text !== undefined && Number(f.groups!.line) > lines) problems.push(`finding past the end of ${file} (${lines} lines): ${line}`);
        } else if (!/^monac: |^\d+ (error|warning)s?\b|^\d+ dashboard errors?\b/.test(line)) {
          problems.push(`not a finding: ${JSON.stringify(line)}`);
        }
      }
      if (stderr.length === 0) problems.push("refused without saying why");
      ms.checks = performance.now() - started - ms.build;
      return { outcome: problems.length ? "bad-refusal" : "refused", exit, problems, checked, ms };
    }

    // Accepted: what was written must load in the real tools and its tests pass.
    const problems: string[] = [];
    const rulesDir = path.join(outDir, "prometheus", "rules");
    const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith(".yaml")).map((f) => path.join(rulesDir, f));
    if (toolPath("promtool")) {
      const r = await runTool("promtool", ["check", "rules", ...ruleFiles]);
      checked.promtoolRules = true;
      if (r.code !== 0) problems.push(`promtool check rules: ${r.stdout}${r.stderr}`);
    }
    if (toolPath("amtool")) {
      const r = await runTool("amtool", ["check-config", path.join(outDir, "alertmanager", "alertmanager.yml")]);
      checked.amtool = true;
      if (r.code !== 0) problems.push(`amtool check-config: ${r.stdout}${r.stderr}`);
    }
    const testsDir = path.join(outDir, "prometheus", "tests");
    for (const name of readdirSync(testsDir).filter((f) => f.endsWith(".test.yaml")).sort()) {
      const file = path.join(testsDir, name);
      const text = readFileSync(file, "utf8");
      const rules = /^ {2}- \.\.\/rules\/(\S+)$/m.exec(text)?.[1];
      const ruleFile = rules === undefined ? undefined : path.join(rulesDir, rules);
      const key = sha(text + (ruleFile && statSync(ruleFile, { throwIfNoEntry: false }) ? readFileSync(ruleFile, "utf8") : ""));
      if (!this.passedMonac.has(key)) {
        const result = await runTestFile(file);
        checked.monacTests++;
        const failed = result.groups.filter((g) => g.status !== "passed");
        if (failed.length || result.errors.length) problems.push(`monac test ${name}: ${[...result.errors, ...failed.map((g) => g.name)].join("; ")}`);
        else this.passedMonac.add(key);
      }
      if (m === undefined) {
        // The unmutated build is the committed out/, which test/e2e/rule-eval.test.ts runs on promtool.
        this.passedPromtool.add(key);
        continue;
      }
      if (!toolPath("promtool") || this.passedPromtool.has(key)) continue;
      const isSlo = name.endsWith(".slo.test.yaml");
      if (isSlo && this.promtoolSloRuns >= this.opts.promtoolSloBudget) {
        this.stats.promtoolSloSkipped++;
        continue;
      }
      if (isSlo) this.promtoolSloRuns++;
      const r = await runTool("promtool", ["test", "rules", name], { cwd: testsDir, timeoutMs: 600_000 });
      checked.promtoolTests++;
      if (r.code !== 0) problems.push(`promtool test rules ${name}: ${r.stdout}${r.stderr}`.slice(0, 4000));
      else this.passedPromtool.add(key);
    }
    ms.checks = performance.now() - started - ms.build;
    return { outcome: problems.length ? "accepted-invalid" : "accepted-valid", exit, problems, checked, ms };
  }
}
