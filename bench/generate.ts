// The generated workspace of the compile benchmark: `services` SLO files of
// `slosPerService` SLOs each (five SLI kinds in turn), and `thresholdFiles`
// alerts files of `alertsPerFile` threshold alerts, over four teams.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface WorkspaceSize {
  services: number;
  slosPerService: number;
  thresholdFiles: number;
  alertsPerFile: number;
}

export function generateWorkspace(dir: string, { services, slosPerService, thresholdFiles, alertsPerFile }: WorkspaceSize): void {
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
