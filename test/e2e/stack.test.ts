// The generated bundle in the real stack: the example checkout service
// (examples/shop, prom-client) scraped by the real Prometheus 3 with monac's
// rules loaded, alerting to the real Alertmanager with monac's configuration,
// whose receivers point at local sinks (an HTTP sink for Slack's webhook and
// PagerDuty's Events API v2, a real SMTP server for email).
//
// The workspace is a copy of the example one, built by monac with only what a
// test stack needs changed (see testWorkspace): evaluationInterval 15s instead
// of 1m, Alertmanager's groupWait/groupInterval shortened so notifications
// arrive in seconds, receivers' secrets and endpoints pointed at the sinks, and
// one extra SLO whose threshold (1s) is a bucket Prometheus re-spells on
// ingestion. The SLO windows are not touched: only what the short windows can
// show within the test is asserted.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, parseDocument, stringify } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { routingTestArtifact } from "../../src/compile/routing-tests.js";
import { inhibitedBy, matchRoutes, parseConfig, parseRoutingTestFile, routeMuted, type RoutingCase } from "../../src/routetest/index.js";
import { loadWorkspace } from "../../src/workspace/workspace.js";
import { startShop, type Shop } from "../../examples/shop/shop.js";
import { describeWithTool, REPO_ROOT } from "../support/tools.js";
import {
  getJson,
  pollUntil,
  postAlerts,
  startAlertmanager,
  startHttpSink,
  startPrometheus,
  startSmtpSink,
  type HttpSink,
  type Proc,
  type SmtpSink,
} from "../support/stack.js";

const SCRAPE_INTERVAL = "1s";
const EVALUATION_INTERVAL = "15s";
const BASE_RATE = 50; // requests per second of normal traffic
const INCIDENT_ERRORS = 100; // failed requests in the incident (100% errors until this many failed)
const DILUTION_RATE = 3000; // requests per second of healthy traffic after the incident
const SMTP_USER = "alertmanager@example.com";
const SMTP_PASSWORD = "e2e-test-password";
const THRESHOLD_FOR = "30s";
const SLOW_RATE = 400; // requests per second while slow
const SLOW_MS = 160; // in the (0.1s, 0.25s] bucket: p95 above the 150ms warning, never above the 300ms critical

interface Notification {
  receiver: string;
  kind: "slack" | "pagerduty" | "email";
  at: number;
  status: "firing" | "resolved";
  /** What the notification names, as its title/summary/subject prints it. */
  headline: string;
  payload: string;
}

interface RulesResponse {
  data: {
    groups: {
      name: string;
      file: string;
      interval: number;
      evaluationTime: number;
      lastEvaluation: string;
      rules: { name: string; type: string; health: string; lastError?: string }[];
    }[];
  };
}
interface AlertsResponse {
  data: { alerts: { labels: Record<string, string>; annotations: Record<string, string>; state: string; value: string }[] };
}
interface QueryResponse {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}
interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

describeWithTool(["prometheus", "alertmanager"], "the generated bundle in the real Prometheus and Alertmanager", () => {
  const started = Date.now();
  let tmp: string;
  let shop: Shop | undefined;
  let httpSink: HttpSink | undefined;
  let smtpSink: SmtpSink | undefined;
  const procs: Proc[] = [];
  let promUrl = "";
  let amUrl = "";
  /** The generated alertmanager.yml the stack runs, and the workspace it was built from. */
  let configFile = "";
  let workspaceDir = "";
  /** Receiver names by what identifies them in a delivery. */
  const slackChannels = new Map<string, string>(); // `${path} ${channel}` → receiver
  const emailTo = new Map<string, string>();
  const pagerdutyKeys = new Map<string, string>();
  const timings: Record<string, number> = {};
  const figures: Record<string, unknown> = {};
  /** Normalised notifications, quoted in golden/notifications.txt. */
  const golden: string[] = [];
  let parity: Promise<{ url: string }> | undefined;
  /** A second Alertmanager with the same configuration, fed only by the parity tests. */
  const parityAlertmanager = () =>
    (parity ??= startAlertmanager(path.join(tmp, "alertmanager-parity"), configFile).then((am) => {
      procs.push(am.proc);
      return am;
    }));

  const notifications = (): Notification[] => {
    const out: Notification[] = [];
    for (const d of httpSink?.received ?? []) {
      const body = JSON.parse(d.body) as Record<string, unknown>;
      if (d.path.startsWith("/slack")) {
        const channel = String(body.channel);
        const attachment = (body.attachments as { title?: string }[] | undefined)?.[0];
        const title = attachment?.title ?? "";
        out.push({
          receiver: slackChannels.get(`${d.path} ${channel}`) ?? `unknown slack ${d.path} ${channel}`,
          kind: "slack",
          at: d.at,
          status: title.startsWith("[RESOLVED]") ? "resolved" : "firing",
          headline: title,
          payload: d.body,
        });
      } else {
        const key = String(body.routing_key);
        const summary = String((body.payload as { summary?: unknown } | undefined)?.summary ?? "");
        out.push({
          receiver: pagerdutyKeys.get(key) ?? `unknown pagerduty ${key}`,
          kind: "pagerduty",
          at: d.at,
          status: body.event_action === "resolve" ? "resolved" : "firing",
          headline: `${String(body.event_action)}: ${summary}`,
          payload: d.body,
        });
      }
    }
    for (const m of smtpSink?.received ?? []) {
      for (const to of m.to) {
        const subject = m.headers.subject ?? "";
        out.push({
          receiver: emailTo.get(to) ?? `unknown email ${to}`,
          kind: "email",
          at: m.at,
          status: subject.startsWith("[RESOLVED]") ? "resolved" : "firing",
          headline: subject,
          payload: m.text,
        });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  };
  const describeNotifications = (list: Notification[]) =>
    list.map((n) => `  ${new Date(n.at).toISOString()} ${n.receiver} (${n.kind}) ${n.status}: ${n.headline}`).join("\n") || "  (none)";
  const stackState = () =>
    [`notifications so far:\n${describeNotifications(notifications())}`, ...procs.map((p) => `--- ${p.name} (last lines) ---\n${p.output().split("\n").slice(-15).join("\n")}`)].join("\n");

  /**
   * A notification as the golden quotes it: the JSON sent to Slack or PagerDuty, or an email's
   * subject and text part, with what changes from run to run masked (ports, times, the burn
   * rate or value an annotation prints, PagerDuty's per-run dedup key).
   */
  const goldenEntry = (what: string, n: Notification): string => {
    let body: string;
    if (n.kind === "email") {
      const text = /Content-Type: text\/plain[^\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/.exec(n.payload)?.[1] ?? "(no text part)";
      body = `Subject: ${n.headline}\n\n${text.replace(/\r\n/g, "\n")}`;
    } else {
      body = JSON.stringify(JSON.parse(n.payload), null, 2);
    }
    const masked = body
      .replace(/\bhttp:\/\/[A-Za-z0-9.-]+:\d+/g, "http://<host>:<port>")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, "<time>")
      .replace(/burning [\d.]+x faster/g, "burning <n>x faster")
      .replace(/(HighLatencyP95 on checkout: )\S+( is above)/g, "$1<value>$2");
    return `=== ${what}: ${n.receiver} (${n.kind}, ${n.status}) ===\n${masked}\n`;
  };
  /** A notification about checkout/availability's ErrorBudgetBurn at `severity`, in whatever words the templates use. */
  const expectNotification = (n: Notification, status: "firing" | "resolved", severity: string) => {
    expect(n.status, n.headline).toBe(status);
    expect(n.headline).toMatch(status === "firing" ? (n.kind === "pagerduty" ? /^trigger: / : /^\[FIRING:1\]/) : n.kind === "pagerduty" ? /^resolve: / : /^\[RESOLVED\]/);
    expect(n.headline).toMatch(/ErrorBudgetBurn/);
    expect(n.headline).toMatch(/checkout\W+availability/);
    expect(n.headline).toMatch(new RegExp(`\\b${severity}\\b`, "i"));
    expect(n.headline).not.toMatch(new RegExp(`\\b${severity === "critical" ? "warning" : "critical"}\\b`, "i"));
  };
  const query = async (expr: string) => (await getJson<QueryResponse>(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).data.result;
  const promAlerts = async () => (await getJson<AlertsResponse>(`${promUrl}/api/v1/alerts`)).data.alerts;
  const isPageFast = (l: Record<string, string>) => l.alertname === "ErrorBudgetBurn" && l.service === "checkout" && l.slo === "availability" && l.severity === "critical";
  const control = async (change: Record<string, number>) => {
    const res = await fetch(`${shop!.url}/control`, { method: "POST", body: JSON.stringify(change) });
    expect(res.status).toBe(200);
    return res.json();
  };

  /** A copy of the example workspace with the test stack's endpoints, built by monac (the current source, not dist/). */
  async function testWorkspace(smtpPort: number, slackUrl: string, mlSlackUrl: string, pagerdutyUrl: string): Promise<{ dir: string; code: number; output: string }> {
    const dir = path.join(tmp, "workspace");
    mkdirSync(dir, { recursive: true });
    for (const entry of ["slos", "alerts", "dashboards"]) {
      if (existsSync(path.join(REPO_ROOT, entry))) cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    const secrets = path.join(tmp, "secrets");
    mkdirSync(secrets, { recursive: true });
    writeFileSync(path.join(secrets, "smtp-password"), SMTP_PASSWORD);
    writeFileSync(path.join(secrets, "slack-webhook-url"), slackUrl);
    writeFileSync(path.join(secrets, "ml-slack-webhook-url"), mlSlackUrl);

    const doc = parseDocument(readFileSync(path.join(REPO_ROOT, "monac.yaml"), "utf8"));
    doc.set("evaluationInterval", EVALUATION_INTERVAL);
    doc.setIn(["alertmanager", "groupWait"], "2s");
    doc.setIn(["alertmanager", "groupInterval"], "10s");
    doc.setIn(["alertmanager", "repeatInterval"], "1h");
    doc.setIn(["alertmanager", "smtp", "smarthost"], `127.0.0.1:${smtpPort}`);
    doc.setIn(["alertmanager", "smtp", "authUsername"], SMTP_USER);
    doc.setIn(["alertmanager", "smtp", "authPasswordFile"], path.join(secrets, "smtp-password"));
    doc.setIn(["alertmanager", "smtp", "requireTls"], false);
    doc.setIn(["alertmanager", "slack", "apiUrlFile"], path.join(secrets, "slack-webhook-url"));
    const receivers = doc.toJS().receivers as Record<string, { email?: { to: string }; slack?: { channel: string; apiUrlFile?: string }; pagerduty?: unknown }>;
    slackChannels.clear();
    emailTo.clear();
    pagerdutyKeys.clear();
    for (const [name, r] of Object.entries(receivers)) {
      if (r.email) emailTo.set(r.email.to, name);
      if (r.slack) {
        if (r.slack.apiUrlFile !== undefined) {
          doc.setIn(["receivers", name, "slack", "apiUrlFile"], path.join(secrets, "ml-slack-webhook-url"));
          slackChannels.set(`/slack/ml ${r.slack.channel}`, name);
        } else {
          slackChannels.set(`/slack/default ${r.slack.channel}`, name);
        }
      }
      if (r.pagerduty) {
        const key = `${name}-routing-key`;
        writeFileSync(path.join(secrets, `${name}-key`), key);
        pagerdutyKeys.set(key, name);
        doc.setIn(["receivers", name, "pagerduty", "routingKeyFile"], path.join(secrets, `${name}-key`));
        doc.setIn(["receivers", name, "pagerduty", "url"], pagerdutyUrl);
      }
    }
    writeFileSync(path.join(dir, "monac.yaml"), doc.toString());
    // A bucket Prometheus 3 re-spells: prom-client writes le="1", Prometheus stores le="1.0".
    writeFileSync(
      path.join(dir, "slos", "le-probe.yaml"),
      stringify({
        service: "checkout-le",
        team: "payments",
        slos: [{
          name: "latency-1s",
          description: "Checkout requests within 1s (a bucket bound Prometheus 3 normalises from le=\"1\" to le=\"1.0\").",
          objective: 95,
          sli: { latency: { histogram: 'http_request_duration_seconds{job="checkout"}', threshold: "1s" } },
        }],
      }),
    );
    // The example's p95 latency threshold alert (alerts/api.yaml), pointed at the checkout job, with a
    // `for` short enough for a test (30s instead of 10m): warning above 150ms, critical above 300ms.
    const api = parse(readFileSync(path.join(REPO_ROOT, "alerts", "api.yaml"), "utf8")) as { alerts: Array<Record<string, unknown>> };
    const p95 = api.alerts.find((a) => a.name === "HighLatencyP95")!;
    writeFileSync(
      path.join(dir, "alerts", "checkout-latency.yaml"),
      stringify({ service: "checkout", team: "payments", alerts: [{ ...p95, expr: String(p95.expr).replace('job="api"', 'job="checkout"'), for: THRESHOLD_FOR }] }),
    );
    let output = "";
    const io = { out: (t: string) => { output += `${t}\n`; }, err: (t: string) => { output += `${t}\n`; } };
    const code = await main(["build", "--dir", dir, "--no-tests", "--no-dashboards"], io);
    return { dir, code, output };
  }

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "monac-e2e-"));
    httpSink = await startHttpSink();
    smtpSink = await startSmtpSink(SMTP_USER, SMTP_PASSWORD);
    const slackUrl = `${httpSink.url}/slack/default`;
    const mlSlackUrl = `${httpSink.url}/slack/ml`;
    const pdUrl = `${httpSink.url}/pagerduty/v2/enqueue`;

    const built = await testWorkspace(smtpSink.port, slackUrl, mlSlackUrl, pdUrl);
    if (built.code !== 0) throw new Error(`monac build of the test workspace failed (${built.code}):\n${built.output}`);
    const out = path.join(built.dir, "out");
    timings.build = Date.now() - started;

    shop = await startShop({ rate: BASE_RATE });

    const am = await startAlertmanager(path.join(tmp, "alertmanager"), path.join(out, "alertmanager", "alertmanager.yml"));
    procs.push(am.proc);
    amUrl = am.url;
    configFile = path.join(out, "alertmanager", "alertmanager.yml");
    workspaceDir = built.dir;

    const promDir = path.join(tmp, "prometheus");
    mkdirSync(promDir, { recursive: true });
    const rulesDir = path.join(promDir, "rules");
    cpSync(path.join(out, "prometheus", "rules"), rulesDir, { recursive: true });
    writeFileSync(
      path.join(promDir, "prometheus.yml"),
      stringify({
        global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: EVALUATION_INTERVAL },
        rule_files: [path.join(rulesDir, "*.rules.yaml")],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(amUrl).host] }] }] },
        scrape_configs: [{ job_name: "checkout", static_configs: [{ targets: [new URL(shop.url).host] }] }],
      }),
    );
    const prom = await startPrometheus(promDir, path.join(promDir, "prometheus.yml"), path.join(promDir, "data"));
    procs.push(prom.proc);
    promUrl = prom.url;
    timings.ready = Date.now() - started;
    console.log(`e2e stack in ${tmp}: prometheus ${promUrl}, alertmanager ${amUrl}, shop ${shop.url}, sinks ${httpSink.url} + smtp 127.0.0.1:${smtpSink.port}`);
  }, 120_000);

  afterAll(async () => {
    // Each by its own handle, whatever happened above.
    const results = await Promise.allSettled([
      ...procs.map((p) => p.stop()),
      shop?.close(),
      httpSink?.close(),
      smtpSink?.close(),
    ]);
    for (const r of results) if (r.status === "rejected") console.error("e2e teardown:", r.reason);
    for (const p of procs) if (!p.exited()) console.error(`e2e teardown: ${p.name} still running`);
    console.log(`e2e timings (ms since start): ${JSON.stringify({ ...timings, total: Date.now() - started })}`);
    console.log(`e2e figures: ${JSON.stringify(figures, null, 2)}`);
    if (tmp !== undefined && procs.every((p) => p.exited())) rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it("every rule group evaluates, every rule with health ok and no error", async () => {
    const groups = await pollUntil("every rule to have been evaluated", async () => {
      const g = (await getJson<RulesResponse>(`${promUrl}/api/v1/rules`)).data.groups;
      return g.length > 0 && g.every((x) => x.rules.every((r) => r.health !== "unknown")) ? g : undefined;
    }, 60_000, 1000, stackState);
    const files = readdirSync(path.join(tmp, "prometheus", "rules")).filter((f) => f.endsWith(".rules.yaml"));
    expect(new Set(groups.map((g) => path.basename(g.file)))).toEqual(new Set(files));
    const bad = groups.flatMap((g) => g.rules.filter((r) => r.health !== "ok" || (r.lastError ?? "") !== "").map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ""}`));
    expect(bad).toEqual([]);
    console.log(
      `rule groups (${groups.length}, ${groups.reduce((a, g) => a + g.rules.length, 0)} rules), evaluation time in the live Prometheus:\n` +
        groups.map((g) => `  ${g.name.padEnd(40)} interval ${g.interval}s  rules ${String(g.rules.length).padStart(3)}  evaluationTime ${(g.evaluationTime * 1000).toFixed(3)} ms`).join("\n"),
    );
    timings.rulesHealthy = Date.now() - started;
  }, 90_000);

  it("the latency SLIs select their bucket whatever its spelling (prom-client's le=\"1\", Prometheus 3's le=\"1.0\")", async () => {
    // What Prometheus stored: prom-client wrote le="0.1" and le="1".
    const les = (await query('count by (le) (http_request_duration_seconds_bucket{job="checkout"})')).map((r) => r.metric.le);
    console.log(`le values stored by Prometheus: ${les.sort().join(", ")}`);
    expect(les).toContain("0.1");
    expect(les).toContain("1.0");
    expect(les).not.toContain("1");
    // Traffic is fast: a bucket that matched nothing would make every request an error (ratio 1).
    for (const [service, slo] of [["checkout", "latency"], ["checkout-le", "latency-1s"]]) {
      const sel = `{service="${service}", slo="${slo}"}`;
      const [total] = await pollUntil(`slo:sli_total:increase5m${sel} > 0`, async () => {
        const r = await query(`slo:sli_total:increase5m${sel}`);
        return r.length === 1 && Number(r[0]!.value[1]) > 0 ? r : undefined;
      }, 45_000, 1000, stackState);
      const errors = await query(`slo:sli_errors:increase5m${sel}`);
      console.log(`${service}/${slo}: total ${total!.value[1]}, errors ${errors[0]?.value[1]}`);
      expect(errors).toHaveLength(1);
      expect(Number(errors[0]!.value[1])).toBe(0);
    }
  }, 120_000);

  it("an incident on checkout fires the page-fast tier and reaches exactly the critical payments receivers", async () => {
    const from = Date.now();
    const before = shop!.stats().serverErrors;
    await control({ errorRatio: 1 });
    await pollUntil(`${INCIDENT_ERRORS} failed requests`, () => (shop!.stats().serverErrors >= before + INCIDENT_ERRORS ? true : undefined), 20_000, 20);
    await control({ errorRatio: 0 });
    timings.incidentEnded = Date.now() - started;

    const alert = await pollUntil("ErrorBudgetBurn{service=checkout, slo=availability, severity=critical} firing in Prometheus", async () =>
      (await promAlerts()).find((a) => isPageFast(a.labels) && a.state === "firing"), 60_000, 1000, stackState);
    timings.criticalFiring = Date.now() - started;
    console.log(`Prometheus alert: ${JSON.stringify(alert)}`);
    expect(alert.labels).toMatchObject({ team: "payments", severity: "critical", service: "checkout", slo: "availability" });

    // monac.yaml: payments critical → payments-pagerduty, payments-slack, sre-email.
    const expected = ["payments-pagerduty", "payments-slack", "sre-email"];
    const firing = () => notifications().filter((n) => n.at >= from);
    await pollUntil(`firing notifications at ${expected.join(", ")}`, () => {
      const got = new Set(firing().map((n) => n.receiver));
      return expected.every((r) => got.has(r)) ? true : undefined;
    }, 60_000, 500, stackState);
    timings.criticalDelivered = Date.now() - started;
    // Anything else would have left with the same flush; give stragglers two more seconds.
    await new Promise((r) => setTimeout(r, 2000));
    const got = firing();
    console.log(`notifications for the incident:\n${describeNotifications(got)}`);
    for (const n of got) console.log(`--- payload to ${n.receiver} (${n.kind}) ---\n${n.kind === "email" ? n.payload.slice(0, 1500) : n.payload}`);
    expect(got.map((n) => n.receiver).sort()).toEqual(expected); // one notification each, nobody else
    const byReceiver = (a: Notification, b: Notification) => (a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0);
    for (const n of [...got].sort(byReceiver)) golden.push(goldenEntry("SLO page, firing", n));
    for (const n of got) {
      expectNotification(n, "firing", "critical");
      expect(n.payload).toContain(alert.annotations.dashboard_url!);
      if (n.kind !== "slack") expect(n.payload).toContain(alert.annotations.tier!);
      // The payload carries what the alert says (summary, runbook), whatever the template's wording.
      expect(n.payload).toContain(alert.annotations.summary!);
      expect(n.payload).toContain(alert.annotations.runbook_url!);
    }
    const mail = smtpSink!.received.find((m) => m.at >= from)!;
    expect(mail.user).toBe(SMTP_USER);
    expect(mail.to).toEqual(["sre-oncall@example.com"]);
    expect(mail.from).toBe("alertmanager@example.com");
    const trigger = got.find((n) => n.kind === "pagerduty")!;
    expect(JSON.parse(trigger.payload)).toMatchObject({ routing_key: "payments-pagerduty-routing-key", event_action: "trigger", payload: { severity: "critical" } });

    // The ticket tiers (1d/2h at 3x, 3d/6h at 1x) burn too: the same SLO's warning
    // alert reaches Alertmanager, which inhibits it while the critical one fires.
    const warning = await pollUntil("the warning tier of checkout/availability in Alertmanager", async () =>
      (await getJson<AmAlert[]>(`${amUrl}/api/v2/alerts`)).find((a) => a.labels.alertname === "ErrorBudgetBurn" && a.labels.service === "checkout" && a.labels.slo === "availability" && a.labels.severity === "warning"),
      45_000, 1000, stackState);
    console.log(`Alertmanager's warning-tier alert for checkout/availability: ${JSON.stringify(warning)}`);
    expect(warning.status.state).toBe("suppressed");
    expect(warning.status.inhibitedBy.length).toBe(1);
    await new Promise((r) => setTimeout(r, 3000)); // a notification for it would leave after groupWait (2s)
    expect(notifications().filter((n) => n.at >= from && /warning/i.test(n.headline))).toEqual([]);
  }, 150_000);

  it("after the incident, resolved notifications arrive where send_resolved says, and nowhere else", async () => {
    // The errors stopped in the previous test, but they stay in the 5m..6h windows:
    // page-fast resolves when the 5m ratio drops under 14.4 × 0.05%, page-slow when
    // the 30m ratio drops under 6 × 0.05%. Waiting for the errors to leave the 5m
    // window would take 5 minutes; a burst of healthy traffic dilutes them instead.
    const from = Date.now();
    await control({ rate: DILUTION_RATE });
    await pollUntil("the page-fast alert to resolve in Prometheus", async () =>
      (await promAlerts()).some((a) => isPageFast(a.labels)) ? undefined : true, 120_000, 1000, stackState);
    timings.criticalResolved = Date.now() - started;
    await control({ rate: BASE_RATE });

    // send_resolved: Slack and PagerDuty true (monac's default), email false.
    const expected = ["payments-pagerduty", "payments-slack"];
    const after = () => notifications().filter((n) => n.at >= from);
    await pollUntil(`resolved notifications at ${expected.join(", ")}`, () => {
      const got = new Set(after().filter((n) => n.status === "resolved").map((n) => n.receiver));
      return expected.every((r) => got.has(r)) ? true : undefined;
    }, 60_000, 500, stackState);
    timings.resolvedDelivered = Date.now() - started;
    // An email (send_resolved false) would have left in the same flush; wait one more group interval.
    await new Promise((r) => setTimeout(r, 11_000));
    const got = after();
    console.log(`notifications after the incident:\n${describeNotifications(got)}`);
    for (const n of got) console.log(`--- payload to ${n.receiver} (${n.kind}) ---\n${n.kind === "email" ? n.payload.slice(0, 1500) : n.payload}`);
    const resolved = got.filter((n) => n.status === "resolved");
    expect([...new Set(resolved.map((n) => n.receiver))].sort()).toEqual(expected);
    for (const n of resolved) expectNotification(n, "resolved", "critical");
    const seen = new Set<string>();
    for (const n of [...resolved].sort((a, b) => (a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0))) {
      if (seen.has(n.receiver)) continue;
      seen.add(n.receiver);
      golden.push(goldenEntry("SLO page, resolved", n));
    }
    // PagerDuty closes the incident it opened: the resolve event carries the trigger's dedup_key.
    const pd = notifications().filter((n) => n.kind === "pagerduty").map((n) => JSON.parse(n.payload) as { event_action: string; dedup_key: string });
    expect(pd.map((e) => e.event_action)).toEqual(["trigger", "resolve"]);
    expect(pd[1]!.dedup_key).toBe(pd[0]!.dedup_key);
    // Once the critical alert no longer inhibits it, a still-burning warning tier
    // (1d/2h, 3d/6h windows hold the incident for hours) may notify payments' warning
    // receivers — and nothing else may arrive.
    const others = got.filter((n) => n.status !== "resolved");
    for (const n of others) {
      expect(n.receiver).toBe("payments-slack");
      expectNotification(n, "firing", "warning");
    }
    expect(got.filter((n) => n.kind === "email")).toEqual([]);
  }, 240_000);

  it("a threshold alert fires and is delivered as a warning, to exactly the payments warning receivers", async () => {
    const from = Date.now();
    // The 5m window still holds the dilution burst: a higher rate makes slow requests its majority sooner.
    await control({ latencyMs: SLOW_MS, rate: SLOW_RATE });
    try {
      const alert = await pollUntil("HighLatencyP95{service=checkout} firing in Prometheus", async () =>
        (await promAlerts()).find((a) => a.labels.alertname === "HighLatencyP95" && a.state === "firing"), 180_000, 1000, stackState);
      timings.thresholdFiring = Date.now() - started;
      console.log(`Prometheus alert: ${JSON.stringify(alert)}`);
      expect(alert.labels).toMatchObject({ alertname: "HighLatencyP95", service: "checkout", team: "payments", severity: "warning" });
      const mine = () => notifications().filter((n) => n.at >= from && /HighLatencyP95/.test(n.headline));
      await pollUntil("a HighLatencyP95 notification", () => (mine().length > 0 ? true : undefined), 60_000, 500, stackState);
      timings.thresholdDelivered = Date.now() - started;
      await new Promise((r) => setTimeout(r, 3000)); // anything else leaves in the same flush
      const got = mine();
      console.log(`notifications for HighLatencyP95:\n${describeNotifications(got)}`);
      for (const n of got) console.log(`--- payload to ${n.receiver} (${n.kind}) ---\n${n.payload}`);
      // monac.yaml: payments warning → payments-slack.
      expect(got.map((n) => n.receiver)).toEqual(["payments-slack"]);
      const n = got[0]!;
      expect(n.status).toBe("firing");
      expect(n.headline).toMatch(/\bwarning\b/i);
      expect(n.headline).not.toMatch(/\bcritical\b/i);
      expect(n.headline).toMatch(/checkout/);
      // The summary names the threshold; its value part changes from one evaluation to the next.
      expect(alert.annotations.summary).toMatch(/above the warning threshold of 150ms/);
      expect(n.payload).toContain(alert.annotations.summary!.replace(/:.*$/, ""));
      expect(n.payload).toContain("above the warning threshold of 150ms");
      expect(n.payload).toContain(alert.annotations.runbook_url!);
      expect(n.payload).toContain(alert.annotations.dashboard_url!);
      golden.push(goldenEntry("threshold warning", n));
      expect((await promAlerts()).filter((a) => a.labels.alertname === "HighLatencyP95" && a.labels.severity === "critical")).toEqual([]);
    } finally {
      await control({ latencyMs: 0, rate: BASE_RATE });
    }
  }, 300_000);

  it("the notifications quoted in the golden carry summary, description, runbook and dashboard links, service, SLO and tier", async () => {
    expect(golden.length).toBeGreaterThanOrEqual(4);
    await expect(golden.join("\n")).toMatchFileSnapshot("golden/notifications.txt");
  });

  it("every generated inhibition case, and a critical on one disk next to a warning on another, agree with a live Alertmanager", async () => {
    const am = await parityAlertmanager();
    const cfg = parseConfig(readFileSync(configFile));
    const loaded = checkWorkspace(await loadWorkspace(workspaceDir));
    const cases: RoutingCase[] = parseRoutingTestFile("routing.test.yaml", routingTestArtifact(loaded.model!).content).cases.filter((c) => c.inhibited !== undefined);
    const generated = cases.length;
    // Two disks of one host, labelled as node_exporter labels them.
    const disk = (mountpoint: string, device: string, severity: string) =>
      ({ alertname: "DiskSpaceRunningOut", service: "node", team: "platform", job: "node", instance: "host-1:9100", fstype: "ext4", mountpoint, device, severity });
    cases.push(
      { name: "two disks: a critical on / does not mute the warning on /data", line: 0, alert: disk("/data", "sdb1", "warning"), firing: [disk("/", "sda1", "critical")], inhibited: false },
      { name: "two disks: a critical on / mutes the warning on /", line: 0, alert: disk("/", "sda1", "warning"), firing: [disk("/", "sda1", "critical")], inhibited: true },
    );
    const disagreements: string[] = [];
    const alertsOf = async (tag: string) =>
      getJson<AmAlert[]>(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`e2e_case="${tag}"`)}`);
    for (const [i, c] of cases.entries()) {
      const tag = String(i);
      const ours = inhibitedBy(cfg, c.alert, c.firing) !== undefined;
      const now = Date.now();
      const posted = [...c.firing, c.alert].map((labels) => ({ labels: { ...labels, e2e_case: tag }, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 600_000).toISOString() }));
      await postAlerts(am.url, posted);
      const isTarget = (a: AmAlert) => Object.entries(c.alert).every(([k, v]) => a.labels[k] === v) && Object.keys(a.labels).length === Object.keys(c.alert).length + 1;
      await pollUntil(`case ${tag}'s alerts in Alertmanager`, async () => ((await alertsOf(tag)).length === posted.length ? true : undefined), 5000, 50);
      // The inhibitor follows the alert store asynchronously: give it time either way.
      let live = false;
      const until = Date.now() + (c.inhibited ? 3000 : 500);
      while (Date.now() < until) {
        live = (await alertsOf(tag)).some((a) => isTarget(a) && a.status.inhibitedBy.length > 0);
        if (live) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (live !== c.inhibited || ours !== c.inhibited) disagreements.push(`${c.name}: expected ${c.inhibited}, live Alertmanager ${live}, monac ${ours}`);
      await postAlerts(am.url, posted.map((a) => ({ ...a, endsAt: new Date().toISOString() })));
      await pollUntil(`case ${tag}'s alerts to resolve`, async () => ((await alertsOf(tag)).length === 0 ? true : undefined), 5000, 50);
      await new Promise((r) => setTimeout(r, 100));
    }
    figures.inhibition = { generatedCases: generated, twoDiskCases: cases.length - generated, disagreements: disagreements.length };
    console.log(`inhibition parity with the live Alertmanager: ${cases.length} cases (${generated} generated + ${cases.length - generated} two-disk), ${disagreements.length} disagreements`);
    expect(disagreements).toEqual([]);
  }, 180_000);

  it("time intervals: at this moment, the live Alertmanager notifies or mutes each team's info route exactly as monac's implementation says", async () => {
    const am = await parityAlertmanager();
    const cfg = parseConfig(readFileSync(configFile));
    const loaded = checkWorkspace(await loadWorkspace(workspaceDir));
    // The teams whose info route the generated routing tests mute outside its time intervals.
    const teams = [...new Set(parseRoutingTestFile("routing.test.yaml", routingTestArtifact(loaded.model!).content).cases.filter((c) => c.muted === true).map((c) => c.alert.team!))].sort();
    expect(teams.length).toBeGreaterThan(0);
    const run = `run-${Date.now()}`;
    const from = Date.now();
    const expected: Array<{ team: string; info: string[]; infoMuted: boolean; critical: string[] }> = [];
    for (const team of teams) {
      const info = { alertname: "MonacMuteCheck", service: `e2e-${team}`, team, severity: "info", e2e_run: run };
      const critical = { ...info, severity: "critical" };
      const now = Date.now();
      const infoRoutes = matchRoutes(cfg.route, info);
      const infoMuted = infoRoutes.every((r) => routeMuted(cfg, r, now));
      // Within a minute of an interval's edge the two could disagree by timing alone.
      if (infoRoutes.every((r) => routeMuted(cfg, r, now + 60_000)) !== infoMuted || infoRoutes.every((r) => routeMuted(cfg, r, now - 60_000)) !== infoMuted) continue;
      expected.push({ team, info: infoRoutes.map((r) => r.receiver), infoMuted, critical: matchRoutes(cfg.route, critical).map((r) => r.receiver) });
      await postAlerts(am.url, [info, critical].map((labels) => ({ labels, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 600_000).toISOString() })));
    }
    const mine = () => notifications().filter((n) => n.at >= from && /MonacMuteCheck/.test(n.headline));
    // The critical alerts are never muted: once each team's have arrived, the info ones have had their chance too.
    const criticalReceivers = expected.flatMap((e) => e.critical.map((r) => `${r} e2e-${e.team}`));
    await pollUntil(`critical MonacMuteCheck notifications at ${criticalReceivers.join(", ")}`, () => {
      const got = new Set(mine().filter((n) => /critical/i.test(n.headline)).map((n) => `${n.receiver} ${/e2e-[a-z]+/.exec(n.headline)?.[0]}`));
      return criticalReceivers.every((r) => got.has(r)) ? true : undefined;
    }, 60_000, 500, stackState);
    await new Promise((r) => setTimeout(r, 4000));
    const got = mine();
    console.log(`time-interval check at ${new Date(from).toISOString()}:\n${describeNotifications(got)}`);
    const verdicts: string[] = [];
    for (const e of expected) {
      const infoGot = got.filter((n) => /\binfo\b/i.test(n.headline) && n.headline.includes(`e2e-${e.team}`)).map((n) => n.receiver).sort();
      verdicts.push(`${e.team} info: monac says ${e.infoMuted ? "muted" : "notified"}, Alertmanager ${infoGot.length === 0 ? "muted" : `notified ${infoGot.join(", ")}`}`);
      expect(infoGot, e.team).toEqual(e.infoMuted ? [] : [...e.info].sort());
    }
    figures.timeIntervals = verdicts;
    console.log(verdicts.join("\n"));
  }, 120_000);
});
