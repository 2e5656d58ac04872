// The notification templates, rendered by the real Alertmanager: it loads the
// config monac writes (with its templates/monac.tmpl), its PagerDuty and
// Slack endpoints pointed at a local HTTP sink through monac.yaml's own
// overrides, and receives alerts on its v2 API. What reaches the sink is what
// PagerDuty and Slack would get: a group of two alerts with different
// summaries (two disks of one host), and a single alert.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { alertmanagerYaml } from "../../src/compile/alertmanager.js";
import { notificationTemplates, TEMPLATES_FILE } from "../../src/compile/alertmanager-templates.js";
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";
import { alertmanagerForTest, freePort, pollUntil, startHttpSink, startProcess, startSmtpSink, type HttpSink, type Proc, type SmtpSink } from "../support/stack.js";
import { describeWithTool } from "../support/tools.js";

describeWithTool(["alertmanager"], "notification templates rendered by the real Alertmanager", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-am-notify-"));
  let sink: HttpSink | undefined;
  let smtp: SmtpSink | undefined;
  let am: Proc | undefined;
  let amUrl = "";
  const received = () => sink?.received ?? [];
  const mails = () => (smtp?.received ?? []).map((m) => m.text);

  beforeAll(async () => {
    sink = await startHttpSink();
    writeFileSync(path.join(dir, "slack-url"), `${sink.url}/slack\n`);
    writeFileSync(path.join(dir, "pd-key"), "test-routing-key\n");
    // No auth in this config: the sink's credentials are never used.
    smtp = await startSmtpSink("unused", "unused");
    const monac = `alertmanager:
  defaultReceiver: pager
  smtp: { from: am@example.com, smarthost: "127.0.0.1:${smtp.port}", requireTls: false, hello: alertmanager.example.com }
  groupWait: 1s
  groupInterval: 1s
  pagerduty: { url: "${sink.url}/pagerduty/v2/enqueue" }
  slack: { apiUrlFile: ${path.join(dir, "slack-url")} }
receivers:
  pager: { pagerduty: { routingKeyFile: ${path.join(dir, "pd-key")} } }
  chat: { slack: { channel: "#alerts" } }
  mail: { email: { to: oncall@example.com } }
teams:
  node:
    critical: [pager, chat, mail]
`;
    const loaded = loadWorkspaceFromTexts([{ rel: "monac.yaml", text: monac }]);
    if (!loaded.model) throw new Error(loaded.diagnostics.map(formatDiagnostic).join("\n"));
    writeFileSync(path.join(dir, "alertmanager.yml"), alertmanagerYaml(loaded.model.routing, []));
    mkdirSync(path.join(dir, path.dirname(TEMPLATES_FILE.replace(/^alertmanager\//, ""))), { recursive: true });
    writeFileSync(path.join(dir, TEMPLATES_FILE.replace(/^alertmanager\//, "")), notificationTemplates([]));

    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = startProcess(
      "alertmanager",
      alertmanagerForTest(dir),
      [
        `--config.file=${path.join(dir, "alertmanager.yml")}`,
        `--storage.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
      ],
      dir,
    );
    const amLog = () => am?.output() ?? "";
    await pollUntil(
      "Alertmanager to be ready",
      async () => ((await fetch(`${amUrl}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined),
      20_000,
      100,
      amLog,
    );

    const common = { team: "node", service: "node", severity: "critical", job: "node" };
    const alert = (labels: Record<string, string>, annotations: Record<string, string>) => ({
      labels: { ...common, ...labels },
      annotations,
      generatorURL: "http://prometheus.example.com/graph",
    });
    const runbook = { runbook_url: "https://runbooks.example.com/node/disk-space" };
    const res = await fetch(`${amUrl}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        alert({ alertname: "DiskSpaceRunningOut", instance: "host1:9100", mountpoint: "/" }, { summary: "Disk / on host1:9100 is 96.0% full (threshold 95%)", ...runbook }),
        alert({ alertname: "DiskSpaceRunningOut", instance: "host1:9100", mountpoint: "/data" }, { summary: "Disk /data on host1:9100 is 97.5% full (threshold 95%)", ...runbook }),
        alert({ alertname: "HighCpuUsage", instance: "host2:9100" }, { summary: "CPU on host2:9100: 95.0%", description: "- busy: since 10m\nkey: value" }),
      ]),
    });
    expect(res.status, await res.text()).toBe(200);
    await pollUntil(
      "two PagerDuty, two Slack and two email notifications",
      () => {
        const pd = received().filter((r) => r.path.startsWith("/pagerduty")).length;
        const slack = received().filter((r) => r.path.startsWith("/slack")).length;
        return pd >= 2 && slack >= 2 && mails().length >= 2 ? true : undefined;
      },
      20_000,
      100,
      () => `received: ${JSON.stringify(received())}\n${amLog()}`,
    );
  }, 40_000);

  afterAll(async () => {
    await am?.stop();
    await sink?.close();
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  type PagerDuty = { payload: { summary: string; severity: string; custom_details: Record<string, unknown> }; links: { href: string; text: string }[] };
  const pagerduty = (alertname: string) =>
    received().filter((r) => r.path.startsWith("/pagerduty")).map((r) => JSON.parse(r.body) as PagerDuty).find((b) => b.payload.summary.includes(alertname))!;
  type Slack = { attachments: { title: string; text: string; fallback: string }[] };
  const slack = (alertname: string) =>
    received().filter((r) => r.path.startsWith("/slack")).map((r) => (JSON.parse(r.body) as Slack).attachments[0]!).find((a) => a.title.includes(alertname))!;
  const mail = (alertname: string) => mails().find((m) => new RegExp(`^Subject: .*${alertname}`, "m").test(m))!;

  it("Email: the subject names severity, alert, service and the hosts; a text part and an HTML part", () => {
    const disk = mail("DiskSpaceRunningOut");
    expect(disk).toMatch(/^Subject: \[FIRING:2\] \[CRITICAL\] DiskSpaceRunningOut on node \(host1:9100\)\r?$/m);
    expect(disk).toMatch(/Content-Type: text\/plain/);
    expect(disk).toMatch(/Content-Type: text\/html/);
    expect(disk).toContain("Disk /data on host1:9100 is 97.5% full (threshold 95%)\r\n  Labels: alertname=DiskSpaceRunningOut instance=host1:9100 job=node mountpoint=/data");
    expect(disk).toContain('<a href="https://runbooks.example.com/node/disk-space">Runbook</a>');
    expect(mail("HighCpuUsage")).toMatch(/^Subject: \[FIRING:1\] \[CRITICAL\] HighCpuUsage on node \(host2:9100\)\r?$/m);
  });

  it("PagerDuty: a grouped incident with different summaries gets a count, not an empty title", () => {
    const pd = pagerduty("DiskSpaceRunningOut");
    expect(pd.payload.summary).toBe("[CRITICAL] DiskSpaceRunningOut on node: 2 alerts");
    expect(pd.payload.severity).toBe("critical");
    expect(pd.links).toEqual([{ href: "https://runbooks.example.com/node/disk-space", text: "Runbook" }]);
  });

  it("PagerDuty: a single alert's summary is the title", () => {
    expect(pagerduty("HighCpuUsage").payload.summary).toBe("[CRITICAL] HighCpuUsage on node: CPU on host2:9100: 95.0%");
  });

  it("PagerDuty: details are a flat map, even for text that reads as YAML", () => {
    for (const name of ["DiskSpaceRunningOut", "HighCpuUsage"]) {
      const details = pagerduty(name).payload.custom_details;
      for (const [key, value] of Object.entries(details)) {
        expect(typeof value === "string" || (typeof value === "number" && key.startsWith("num_")), `${name} ${key}: ${JSON.stringify(value)}`).toBe(true);
      }
    }
    const disk = pagerduty("DiskSpaceRunningOut").payload.custom_details;
    expect(String(disk.firing).replace(/\u00a0/g, " ")).toBe(
      "• Disk / on host1:9100 is 96.0% full (threshold 95%) (host1:9100 node /)\n• Disk /data on host1:9100 is 97.5% full (threshold 95%) (host1:9100 node /data)\n",
    );
    const cpu = pagerduty("HighCpuUsage").payload.custom_details;
    expect(String(cpu.summary).replace(/\u00a0/g, " ")).toBe("CPU on host2:9100: 95.0%");
    expect(String(cpu.description).replace(/\u00a0/g, " ")).toBe("- busy: since 10m\nkey: value");
    expect(cpu).toMatchObject({ service: "node", team: "node", slo: "none", num_firing: 1 });
  });

  it("Slack: severity, alert and service in the title; one block per alert with its runbook", () => {
    const disk = slack("DiskSpaceRunningOut");
    expect(disk.title).toBe("[FIRING:2] [CRITICAL] DiskSpaceRunningOut on node");
    expect(disk.fallback).toBe(disk.title);
    expect(disk.text).toBe(
      "*Disk / on host1:9100 is 96.0% full (threshold 95%)*\n_mountpoint=/_\n<https://runbooks.example.com/node/disk-space|Runbook>\n" +
        "*Disk /data on host1:9100 is 97.5% full (threshold 95%)*\n_mountpoint=/data_\n<https://runbooks.example.com/node/disk-space|Runbook>\n",
    );
    const cpu = slack("HighCpuUsage");
    expect(cpu.text).toBe("*CPU on host2:9100: 95.0%*\n- busy: since 10m\nkey: value\n");
  });
});
