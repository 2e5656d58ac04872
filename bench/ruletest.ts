// Rule unit tests: a 30-day SLO test, promtool 3.5 vs monac (`npm run build` first).
//
// The rules are Sloth's generated getting-started SLO rules (16 recording
// rules with windows up to 30d, two multi-window burn-rate alerts). The test
// file has two input series at 1m for 30 days (a request counter and an error
// counter with a two-hour incident), one alert check and one expression
// check, and is run twice:
//   A. evaluation_interval 5m (8,641 evaluations), as promtool can run it;
//   B. evaluation_interval 1m (43,201 evaluations): promtool rejects it, the
//      30d windows load more than its 10,000-sample query limit;
// C. the example workspace's generated tests, all of out/prometheus/tests; and
// D. the generated tests of the compile benchmark's 1,000-SLO workspace
//    (1,100 files), with one job and with the default (one per core); then
//    with --cache, as a CI run that keeps the results cache: filling it, after
//    one SLO changed, and with nothing changed.
// Each tool runs in its own process, as users run it: `promtool test rules
// FILE` and `monac test FILE` (bin/monac.js on dist/, so the figure counts
// Node's start-up and the loading of the modules `monac test` imports, not
// the whole library). The figures are that process's wall time and peak RSS
// (both via /usr/bin/time, where installed).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { availableParallelism } from "node:os";
import { generateWorkspace } from "./generate.js";
import { root } from "./root.js";

/** What one `monac test --verbose FILE` process reported. */
interface MonacRun {
  status: "ok" | "failed" | "invalid";
  wallMs: number;
  /** Summed over the test groups: the time evaluating them, as `--verbose` reports it. */
  groupsMs: number;
  maxRSSKB: number | undefined;
  paths: string[];
  problems: string[];
  /** Files reported from the results cache (--cache). */
  cached: number;
}

const SLOTH_RULES = path.resolve(root, "..", "shared", "reference", "sloth", "_gen_getting-started.yml");
const PROMTOOL = path.join(root, ".tools", "bin", "promtool");
const MONAC = path.join(root, "bin", "monac.js");
const TIME = "/usr/bin/time";
/** The speed-up over promtool on run A that monac aims for. */
const TARGET_SPEEDUP = 50;
const MINUTES = 30 * 1440;
// The incident: 50 errors a minute for two hours from minute 20,100, against
// 1,000 requests a minute; outside it 0.2 errors a minute (a 0.02% error ratio).
const INCIDENT_START = 20_100;
const INCIDENT_MINUTES = 120;

function testFile(evaluationInterval: string): string {
  const before = INCIDENT_START;
  const base = 0.2;
  const atStart = before * base;
  const atEnd = atStart + INCIDENT_MINUTES * 50;
  const after = MINUTES - before - INCIDENT_MINUTES;
  const errors = `0+${base}x${before} ${atStart + 50}+50x${INCIDENT_MINUTES - 1} ${atEnd + base}+${base}x${after - 1}`;
  return `rule_files:
  - sloth-rules.yml
evaluation_interval: ${evaluationInterval}
# Without an order promtool runs the groups in random order; evaluated before
# the recordings, the alerts would read series written one interval earlier,
# which at a 5m interval fall just outside the 5m lookback window.
group_eval_order:
  - sloth-slo-sli-recordings-myservice-requests-availability
  - sloth-slo-meta-recordings-myservice-requests-availability
  - sloth-slo-alerts-myservice-requests-availability
tests:
  - name: 30 days with a two-hour incident
    interval: 1m
    input_series:
      - series: 'http_request_duration_seconds_count{job="myservice",code="200"}'
        values: '0+1000x${MINUTES}'
      - series: 'http_request_duration_seconds_count{job="myservice",code="500"}'
        values: '${errors}'
    alert_rule_test:
      - eval_time: 14d
        alertname: MyServiceHighErrorRate
        exp_alerts:
          - exp_labels:
              category: availability
              routing_key: myteam
              severity: pageteam
              sloth_severity: page
              sloth_id: myservice-requests-availability
              sloth_service: myservice
              sloth_slo: requests-availability
              cmd: examplesgen.sh
              owner: myteam
              repo: myorg/myservice
              tier: "2"
            exp_annotations:
              summary: High error rate on 'myservice' requests responses
              title: (page) myservice requests-availability SLO error budget burn rate is too fast.
    promql_expr_test:
      - expr: count(slo:period_error_budget_remaining:ratio > 0.5)
        eval_time: 30d
        exp_samples:
          - value: 1
`;
}

interface PromtoolRun {
  ms: number;
  maxRSSKB: number;
  status: "ok" | "failed";
  output: string;
}

function runPromtool(...files: string[]): PromtoolRun | undefined {
  if (!existsSync(PROMTOOL)) return undefined;
  const started = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", PROMTOOL, "test", "rules", ...files], { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = performance.now() - started;
  const lines = r.stderr.trim().split("\n");
  const maxRSSKB = Number(lines[lines.length - 1]);
  const ok = /SUCCESS/.test(r.stdout) && r.status === 0;
  return { ms, maxRSSKB, status: ok ? "ok" : "failed", output: (r.stdout + r.stderr).trim().split("\n").slice(0, 6).join("\n") };
}

function runMonac(file: string, extra: string[] = [], env: Record<string, string> = {}): MonacRun {
  if (!existsSync(path.join(root, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: `npm run build` first");
  const timed = existsSync(TIME);
  const argv = [MONAC, "test", "--verbose", ...extra, file];
  const started = performance.now();
  const options = { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, ...env } } as const;
  const r = timed ? spawnSync(TIME, ["-f", "%M", process.execPath, ...argv], options) : spawnSync(process.execPath, argv, options);
  const wallMs = performance.now() - started;
  const errLines = r.stderr.trim().split("\n");
  const maxRSSKB = timed ? Number(errLines.pop()) : undefined;
  if (r.status === null || r.status > 2) throw new Error(`monac test failed to run (status ${r.status}):\n${r.stderr}`);
  // `  ok    group "NAME" (351 ms, fast path)` / `(... ms, exact loop: REASON)`.
  const groups = [...r.stdout.matchAll(/^ {2}\S+ +group ".*" (?:\(line \d+\) )?\((\d+) ms, (fast path|exact loop)/gm)];
  const problems = r.status === 0 ? [] : [...r.stdout.trim().split("\n").filter((l) => !/^ {2}ok {4}group /.test(l)), ...errLines].filter((l) => l !== "");
  return {
    status: r.status === 0 ? "ok" : r.status === 1 ? "failed" : "invalid",
    wallMs,
    groupsMs: groups.reduce((sum, m) => sum + Number(m[1]), 0),
    maxRSSKB,
    paths: groups.map((m) => (m[2] === "fast path" ? "fast" : "exact")),
    problems,
    cached: Number(/^\d+ passed, .*\((\d+) of \d+ rule test files cached\)$/m.exec(r.stdout)?.[1] ?? 0),
  };
}

const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const dir = mkdtempSync(path.join(tmpdir(), "monac-bench-ruletest-"));
try {
  copyFileSync(SLOTH_RULES, path.join(dir, "sloth-rules.yml"));
  console.log("rule unit tests: Sloth getting-started SLO, 30 days of 1m input, 1 alert check, 1 expression check");
  for (const [label, interval] of [["A. evaluation_interval 5m", "5m"], ["B. evaluation_interval 1m", "1m"]] as const) {
    const file = path.join(dir, `slo-30d-${interval}.test.yml`);
    writeFileSync(file, testFile(interval));
    const monac = runMonac(file);
    const promtool = runPromtool(file);
    console.log(`\n${label}`);
    const rss = monac.maxRSSKB === undefined ? "peak RSS not measured (no /usr/bin/time)" : `peak RSS ${mb(monac.maxRSSKB)}`;
    console.log(`  monac    ${sec(monac.wallMs)} (${sec(monac.groupsMs)} evaluating the test groups), ${rss}, ${monac.status}, ${monac.paths.join(", ") || "no"} path`);
    for (const p of monac.problems) console.log(`    ${p}`);
    if (promtool === undefined) {
      console.log("  promtool not installed (bash scripts/install-tools.sh); no comparison");
      continue;
    }
    console.log(`  promtool ${sec(promtool.ms)}, peak RSS ${mb(promtool.maxRSSKB)}, ${promtool.status}`);
    if (promtool.status === "ok") {
      const memory = monac.maxRSSKB === undefined ? "" : `, memory ${(monac.maxRSSKB / promtool.maxRSSKB).toFixed(2)}x promtool's`;
      console.log(`  speed-up ${(promtool.ms / monac.wallMs).toFixed(1)}x (target ${TARGET_SPEEDUP}x)${memory}`);
    } else {
      console.log(`  promtool could not run it:\n${promtool.output.replace(/^/gm, "    ")}`);
    }
  }
  exampleTests();
  generatedTests();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * C. The example workspace's generated tests (out/prometheus/tests, every
 * file in one process each: `monac test DIR`, `promtool test rules FILES`).
 * promtool takes minutes here; BENCH_QUICK=1 runs monac alone.
 */
function exampleTests(): void {
  const testsDir = path.join(root, "out", "prometheus", "tests");
  const files = readdirSync(testsDir).filter((f) => f.endsWith(".test.yaml")).sort().map((f) => path.join(testsDir, f));
  console.log(`\nC. the example workspace's generated tests: ${files.length} files in out/prometheus/tests`);
  const monac = runMonac(testsDir);
  const rss = monac.maxRSSKB === undefined ? "" : `, peak RSS ${mb(monac.maxRSSKB)}`;
  console.log(`  monac    ${sec(monac.wallMs)}${rss}, ${monac.status}`);
  for (const p of monac.problems) console.log(`    ${p}`);
  if (process.env.BENCH_QUICK) {
    console.log("  promtool skipped (BENCH_QUICK=1: it takes minutes)");
    return;
  }
  const promtool = runPromtool(...files);
  if (promtool === undefined) {
    console.log("  promtool not installed (bash scripts/install-tools.sh); no comparison");
    return;
  }
  console.log(`  promtool ${sec(promtool.ms)}, peak RSS ${mb(promtool.maxRSSKB)}, ${promtool.status}`);
  if (promtool.status === "ok") console.log(`  speed-up ${(promtool.ms / monac.wallMs).toFixed(1)}x`);
  else console.log(`  promtool failed:\n${promtool.output.replace(/^/gm, "    ")}`);
}

/**
 * D. The generated tests of the compile benchmark's 1,000-SLO workspace
 * (`monac build`, then `monac test` on its out/prometheus/tests): what a CI
 * job of a large monorepo runs. promtool would take hours on them (half a
 * minute a file here, as C shows); monac alone, with one job and with the default.
 */
function generatedTests(): void {
  const ws = mkdtempSync(path.join(tmpdir(), "monac-bench-ruletest-ws-"));
  try {
    generateWorkspace(ws, { services: 200, slosPerService: 5, thresholdFiles: 100, alertsPerFile: 5 });
    const build = spawnSync(process.execPath, [MONAC, "build", "--dir", ws], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (build.status !== 0) throw new Error(`monac build failed:\n${build.stderr}`);
    const testsDir = path.join(ws, "out", "prometheus", "tests");
    const files = readdirSync(testsDir).filter((f) => f.endsWith(".test.yaml")).length;
    console.log(`\nD. the 1,000-SLO workspace's generated tests: ${files} files (${availableParallelism()} cores)`);
    const one = runMonac(testsDir, ["--jobs", "1"]);
    const all = runMonac(testsDir);
    for (const [label, r] of [["--jobs 1", one], ["default", all]] as const) {
      const rss = r.maxRSSKB === undefined ? "" : `, peak RSS ${mb(r.maxRSSKB)}`;
      console.log(`  monac ${label.padEnd(9)} ${sec(r.wallMs)} (${sec(r.groupsMs)} evaluating the test groups)${rss}, ${r.status}`);
      for (const p of r.problems.slice(0, 5)) console.log(`    ${p}`);
    }
    console.log(`  default over one job: ${(one.wallMs / all.wallMs).toFixed(2)}x`);
    // A pull request's CI run that keeps the results cache (--cache; README, "In CI"): the run
    // before it filled the cache, then one SLO changed and out/ was rebuilt.
    const env = { XDG_CACHE_HOME: path.join(ws, "cache") };
    const filled = runMonac(testsDir, ["--cache"], env);
    const spec = path.join(ws, "slos", readdirSync(path.join(ws, "slos")).sort()[0]!);
    writeFileSync(spec, readFileSync(spec, "utf8").replace(/objective: [\d.]+/, "objective: 99.7"));
    const rebuild = spawnSync(process.execPath, [MONAC, "build", "--dir", ws], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (rebuild.status !== 0) throw new Error(`monac build failed:\n${rebuild.stderr}`);
    const changed = runMonac(testsDir, ["--cache"], env);
    const again = runMonac(testsDir, ["--cache"], env);
    const cachedRuns = [
      ["--cache, cache empty", filled],
      ["--cache, one SLO changed", changed],
      ["--cache, nothing changed", again],
    ] as const;
    for (const [label, r] of cachedRuns) {
      const rss = r.maxRSSKB === undefined ? "" : `, peak RSS ${mb(r.maxRSSKB)}`;
      console.log(`  monac ${label.padEnd(25)} ${sec(r.wallMs)}${rss}, ${r.cached} of ${files} files cached, ${r.status}`);
      for (const p of r.problems.slice(0, 5)) console.log(`    ${p}`);
    }
    console.log(`  one SLO changed, --cache over the default: ${(changed.wallMs / all.wallMs).toFixed(3)}x`);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
