// Compile benchmark (part of `npm run bench`, which builds dist/ first).
//
// compile: a generated workspace of 1,000 SLOs over 200 services plus 500
// threshold alerts, built by the real CLI (the package's bin, bin/monac.js)
// in a child process, measuring wall time and peak RSS. Targets: < 2 s and
// < 300 MB on a 2-core machine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./root.js";

interface WorkspaceSize {
  services: number;
  slosPerService: number;
  thresholdFiles: number;
  alertsPerFile: number;
}

function generateWorkspace(dir: string, { services, slosPerService, thresholdFiles, alertsPerFile }: WorkspaceSize): void {
  mkdirSync(path.join(dir, "slos"), { recursive: true });
  mkdirSync(path.join(dir, "alerts"), { recursive: true });
  const teams = ["alpha", "beta", "gamma", "delta"];
  writeFileSync(
    path.join(dir, "monac.yaml"),
    `alertmanager:
  defaultReceiver: ops
  smtp: { from: am@example.com, smarthost: "smtp.example.com:587" }
  slack: { apiUrlFile: /etc/am/slack }
receivers:
  ops: { email: { to: ops@example.com } }
${teams.map((t) => `  ${t}-pd: { pagerduty: { routingKeyFile: /etc/am/${t}-pd } }\n  ${t}-slack: { slack: { channel: "#${t}" } }`).join("\n")}
teams:
${teams.map((t) => `  ${t}:\n    critical: [${t}-pd, ${t}-slack]\n    warning: [${t}-slack]\n    info: [ops]`).join("\n")}
`,
  );
  const kinds: Array<(service: string, i: number) => string> = [
    (s, i) => `      ratio:\n        errors: http_requests_total{job="${s}", handler="/h${i}", code=~"5.."}\n        total: http_requests_total{job="${s}", handler="/h${i}"}`,
    (s) => `      latency:\n        histogram: http_request_duration_seconds{job="${s}"}\n        threshold: 300ms`,
    (s, i) => `      boolGauge:\n        metric: probe_success{job="${s}", target="t${i}"}`,
    (s, i) => `      ratio:\n        good: jobs_total{job="${s}", queue="q${i}", status="ok"}\n        total: jobs_total{job="${s}", queue="q${i}"}`,
    (s) => `      raw:\n        errorRatio: sum(rate(e_total{job="${s}"}[$window])) / sum(rate(r_total{job="${s}"}[$window]))`,
  ];
  for (let s = 0; s < services; s++) {
    const service = `svc-${String(s).padStart(3, "0")}`;
    let text = `service: ${service}\nteam: ${teams[s % teams.length]}\nslos:\n`;
    for (let i = 0; i < slosPerService; i++) {
      text += `  - name: slo-${i}\n    objective: ${[99.9, 99.5, 99.95, 99, 99.99][i % 5]}\n    sli:\n${kinds[i % kinds.length]!(service, i)}\n`;
      text += `    alerting:\n      runbook: https://runbooks.example.com/${service}/${i}\n`;
      if (i % kinds.length !== 4) text += `      minEvents: ${i % 2 ? 50 : 100}\n`; // raw SLIs have no counts
    }
    writeFileSync(path.join(dir, "slos", `${service}.yaml`), text);
  }
  for (let f = 0; f < thresholdFiles; f++) {
    let text = `service: infra-${f}\nteam: ${teams[f % teams.length]}\nalerts:\n`;
    for (let a = 0; a < alertsPerFile; a++) {
      text += `  - name: Alert${a}\n    expr: 100 * avg by (instance) (rate(node_cpu_seconds_total{mode="idle", group="${f}-${a}"}[5m]))\n    unit: percent\n    warning: 80\n    critical: 90\n    for: 5m\n`;
    }
    writeFileSync(path.join(dir, "alerts", `infra-${f}.yaml`), text);
  }
}

interface BuildTiming {
  /** The CLI's exit code. */
  code: number;
  /** ms in the build: from running the CLI to its exit code. */
  ms: number;
  maxRssKb: number;
  /** ms of the whole child process, as seen from here. */
  wallMs: number;
}

// Runs the CLI in a child so peak RSS is the build's own, measured by the kernel.
// The child runs bin/monac.js as `monac build --dir DIR ...` would, with the
// list of written files (stdout) discarded, and reports on the real stdout.
function timedBuild(dir: string, extra: string[] = []): BuildTiming {
  const bin = path.join(root, "bin", "monac.js");
  const script = `
    const report = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true;
    process.argv = [process.argv[0], ${JSON.stringify(bin)}, "build", "--dir", ${JSON.stringify(dir)}, ...${JSON.stringify(extra)}];
    const t0 = performance.now();
    await import(${JSON.stringify(pathToFileURL(bin).href)});
    const ms = performance.now() - t0;
    report(JSON.stringify({ code: Number(process.exitCode ?? 0), ms, maxRssKb: process.resourceUsage().maxRSS }));
  `;
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  const wallMs = performance.now() - t0;
  const result = child.status === 0 ? (JSON.parse(child.stdout) as Omit<BuildTiming, "wallMs">) : undefined;
  if (!result || result.code !== 0) throw new Error(`build failed:\n${child.stderr.slice(0, 2000)}`);
  return { ...result, wallMs };
}

function countRules(files: string[]): { recording: number; alerting: number } {
  const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
  return { recording: (text.match(/- record:/g) ?? []).length, alerting: (text.match(/- alert:/g) ?? []).length };
}

const dir = mkdtempSync(path.join(tmpdir(), "monac-bench-"));
try {
  generateWorkspace(dir, { services: 200, slosPerService: 5, thresholdFiles: 100, alertsPerFile: 5 });
  // Rules and Alertmanager only (what the target was set for), then the full
  // build with the generated rule tests; each first into an empty out/.
  const rulesOnly = timedBuild(dir, ["--no-tests", "--no-dashboards"]);
  rmSync(path.join(dir, "out"), { recursive: true, force: true });
  const full = timedBuild(dir);
  const rebuild = [timedBuild(dir), timedBuild(dir)].sort((a, b) => a.wallMs - b.wallMs)[0]!;
  const sample = countRules(
    readdirSync(path.join(dir, "out", "prometheus", "rules"))
      .filter((f) => f.startsWith("svc-000.") && f.endsWith(".slo.rules.yaml"))
      .map((f) => path.join(dir, "out", "prometheus", "rules", f)),
  );
  const line = (name: string, r: BuildTiming): string => `  ${name.padEnd(42)} ${String(r.wallMs.toFixed(0)).padStart(5)} ms wall (${r.ms.toFixed(0)} ms in build), peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB`;
  console.log("compile: 1,000 SLOs over 200 services + 500 threshold alerts");
  console.log(line("rules + Alertmanager only:", rulesOnly));
  console.log(line("full build (+ rule tests, dashboards):", full));
  console.log(line("rebuild, nothing changed:", rebuild));
  console.log(`  target (< 2000 ms wall, < 300 MB) for rules + Alertmanager: ${rulesOnly.wallMs < 2000 && rulesOnly.maxRssKb < 300 * 1024 ? "met" : "MISSED"}; full build: ${full.wallMs < 2000 && full.maxRssKb < 300 * 1024 ? "met" : "missed"}`);
  console.log(`  5 SLOs of svc-000 (ratio, latency, boolGauge, ratio-good, raw): ${sample.recording} recording + ${sample.alerting} alert rules`);
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir);
}

// Rules for one availability SLO with default tiers, for comparison with Sloth (17) and Pyrra (13).
const checkout = readFileSync(path.join(root, "out", "prometheus", "rules", "checkout.availability.slo.rules.yaml"), "utf8");
const group = checkout.split(/\n  - name: /)[1] ?? "";
console.log(
  `rules per availability SLO (checkout/availability, with no-data alert): ${(group.match(/- record:/g) ?? []).length} recording + ${(group.match(/- alert:/g) ?? []).length} alerting`,
);
