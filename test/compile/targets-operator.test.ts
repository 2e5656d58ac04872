// The prometheus-operator target (compile/targets/operator.ts) on the example
// workspace: every object against the hand-written CRD schemas
// (schemas/kubernetes/), the rules through the real promtool, the Secret's
// configuration through the real amtool, and the AlertmanagerConfig against
// the plain alertmanager.yml it is converted from.
import { targetInputOf } from "../../src/compile/bundle.js";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileWorkspace } from "../../src/compile/bundle.js";
import { checkWorkspace } from "../../src/compile/check.js";
import { GENERATED_MARKER } from "../../src/compile/header.js";
import { toYaml, type AlertingRule, type RuleGroup } from "../../src/compile/rules.js";
import { sloRuleGroup } from "../../src/compile/slo-rules.js";
import { thresholdRuleGroup } from "../../src/compile/threshold-rules.js";
import { operatorArtifacts, type OperatorOptions } from "../../src/compile/targets/operator.js";
import type { TargetInput } from "../../src/compile/targets/target.js";
import type { WorkspaceModel } from "../../src/workspace/model.js";
import { loadWorkspace } from "../../src/workspace/workspace.js";
import { describeWithTool, REPO_ROOT, runTool } from "../support/tools.js";
type Obj = Record<string, unknown>;

const OPTS: OperatorOptions = {
  namespace: "monitoring",
  labels: { release: "kps" },
  alertmanager: "alertmanager-config",
  secretName: "alertmanager-monac-secrets",
  dashboardLabels: { grafana_dashboard: "1" },
};

let model: WorkspaceModel;
let input: TargetInput;
const dir = mkdtempSync(path.join(tmpdir(), "monac-operator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  model = checkWorkspace(await loadWorkspace(REPO_ROOT)).model!;
  expect(model).toBeDefined();
  input = inputFrom(model);
});

/** The target's input, as the build makes it. */
function inputFrom(m: WorkspaceModel): TargetInput {
  return targetInputOf(m, compileWorkspace(m).filter((a) => a.path.startsWith("grafana/dashboards/")));
}

/** Each artifact's one object, by path. */
function objects(artifacts: { path: string; content: string }[]): Map<string, Obj> {
  return new Map(artifacts.map((a) => [a.path, parse(a.content) as Obj]));
}

function schema(name: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(readFileSync(path.join(REPO_ROOT, "schemas", "kubernetes", name), "utf8")));
}

// Kubernetes core/v1 ConfigMap and Secret, the fields monac writes (names: DNS subdomains; data keys: [-._a-zA-Z0-9]+).
const CORE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "metadata"],
  properties: {
    apiVersion: { const: "v1" },
    kind: { enum: ["ConfigMap", "Secret"] },
    type: { const: "Opaque" },
    metadata: {
      type: "object",
      additionalProperties: false,
      required: ["name", "namespace"],
      properties: {
        name: { type: "string", maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" },
        namespace: { type: "string" },
        labels: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    data: { type: "object", propertyNames: { pattern: "^[-._a-zA-Z0-9]+$" }, additionalProperties: { type: "string" } },
    stringData: { type: "object", propertyNames: { pattern: "^[-._a-zA-Z0-9]+$" }, additionalProperties: { type: "string" } },
  },
};

/** Every `*_file` value of the plain configuration. */
function filePaths(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => filePaths(x, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) k.endsWith("_file") && typeof x === "string" ? out.push(x) : filePaths(x, out);
  return out;
}

/** Every object with exactly the keys name and key (a SecretKeySelector). */
function selectors(v: unknown, out: Obj[] = []): Obj[] {
  if (Array.isArray(v)) v.forEach((x) => selectors(x, out));
  else if (v && typeof v === "object") {
    const keys = Object.keys(v).sort().join(",");
    if (keys === "key,name") out.push(v as Obj);
    else Object.values(v).forEach((x) => selectors(x, out));
  }
  return out;
}

/** The plain config without time zones (an AlertmanagerConfig cannot carry them). */
function withoutLocations(config: Obj): Obj {
  const copy = structuredClone(config);
  for (const ti of (copy.time_intervals as { time_intervals: Obj[] }[] | undefined) ?? []) for (const iv of ti.time_intervals) delete iv.location;
  return copy;
}

describe("prometheus-operator target: files", () => {
  it("writes one PrometheusRule per spec file, one ConfigMap per dashboard, each a generated file of one object", () => {
    const out = operatorArtifacts(input, OPTS);
    const specFiles = ["slos", "alerts"].flatMap((d) => readdirSync(path.join(REPO_ROOT, d)).map((f) => `${d}/${f}`)).filter((f) => /\.ya?ml$/.test(f));
    const expectedRules = specFiles.map((f) => `prometheus-operator/prometheusrule-${f.replace(/\.ya?ml$/, "").replace("/", "-")}.yaml`);
    expect(specFiles.length).toBeGreaterThan(0);
    const paths = out.artifacts.map((a) => a.path);
    expect(paths.filter((p) => p.includes("/prometheusrule-")).sort()).toEqual(expectedRules.sort());
    expect(paths.filter((p) => p.includes("/dashboard-")).length).toBe(input.dashboards.length);
    expect(paths).toContain("prometheus-operator/alertmanagerconfig.yaml");
    expect(paths).toContain("prometheus-operator/alertmanager-templates.yaml");
    expect(paths).toEqual([...paths].sort());
    for (const a of out.artifacts) {
      expect(a.path).toMatch(/^prometheus-operator\/[^/]+\.yaml$/);
      expect(a.content.startsWith(GENERATED_MARKER)).toBe(true);
      const obj = parse(a.content) as Obj;
      expect(obj.apiVersion).toBeTypeOf("string");
      expect((obj.metadata as Obj).namespace).toBe("monitoring");
      expect((obj.metadata as Obj).labels).toMatchObject({ "app.kubernetes.io/managed-by": "monac" });
    }
  });

  it("keeps each spec file's rule groups unchanged, named after the file", () => {
    const objs = objects(operatorArtifacts(input, OPTS).artifacts);
    const checkout = objs.get("prometheus-operator/prometheusrule-slos-checkout.yaml")!;
    expect(checkout.kind).toBe("PrometheusRule");
    expect(checkout.metadata).toEqual({ name: "monac-slos-checkout", namespace: "monitoring", labels: { "app.kubernetes.io/managed-by": "monac", release: "kps" } });
    const expected = model.slos.filter((s) => s.source.file === "slos/checkout.yaml").map(sloRuleGroup);
    expect(expected.length).toBeGreaterThan(0);
    expect((checkout.spec as Obj).groups).toEqual(JSON.parse(JSON.stringify(expected)));
    const node = objs.get("prometheus-operator/prometheusrule-alerts-node.yaml")!;
    const services = [...new Set(model.thresholds.filter((t) => t.source.file === "alerts/node.yaml").map((t) => t.service))].sort();
    expect(((node.spec as { groups: RuleGroup[] }).groups).map((g) => g.name)).toEqual(services.map((s) => thresholdRuleGroup(s, model.thresholds.filter((t) => t.service === s)).name));
  });

  it("puts each dashboard's JSON in a ConfigMap with the sidecar's label", () => {
    const objs = objects(operatorArtifacts(input, OPTS).artifacts);
    for (const d of input.dashboards) {
      const uid = (JSON.parse(d.content) as { uid: string }).uid;
      const cm = objs.get(`prometheus-operator/dashboard-${uid}.yaml`)!;
      expect(cm.kind).toBe("ConfigMap");
      expect((cm.metadata as Obj).labels).toEqual({ "app.kubernetes.io/managed-by": "monac", grafana_dashboard: "1" });
      expect(cm.data).toEqual({ [`${uid}.json`]: d.content });
    }
  });

  it("is deterministic and does not depend on input order", () => {
    const a = operatorArtifacts(input, OPTS);
    const b = operatorArtifacts({ ...input, dashboards: [...input.dashboards].reverse() }, OPTS);
    expect(b).toEqual(a);
  });
});

describe("prometheus-operator target: schemas", () => {
  it("every object validates against its schema", () => {
    const rule = schema("prometheusrule.schema.json");
    const amc = schema("alertmanagerconfig.schema.json");
    const core = new Ajv2020({ allErrors: true, strict: false }).compile(CORE_SCHEMA);
    for (const mode of ["alertmanager-config", "secret"] as const) {
      const out = operatorArtifacts({ ...input, alertmanager: { ...input.alertmanager, config: withoutLocations(input.alertmanager.config) } }, { ...OPTS, alertmanager: mode });
      for (const [file, obj] of objects(out.artifacts)) {
        const validate = obj.kind === "PrometheusRule" ? rule : obj.kind === "AlertmanagerConfig" ? amc : core;
        const ok = validate(obj);
        expect(ok, `${file}: ${JSON.stringify(validate.errors, null, 1)}`).toBe(true);
      }
    }
  });

  it("the schemas reject a misspelt field", () => {
    const objs = objects(operatorArtifacts(input, OPTS).artifacts);
    const rule = structuredClone(objs.get("prometheus-operator/prometheusrule-slos-checkout.yaml")!) as { spec: { groups: { rules: Obj[] }[] } };
    rule.spec.groups[0]!.rules[0]!.exp = rule.spec.groups[0]!.rules[0]!.expr;
    delete rule.spec.groups[0]!.rules[0]!.expr;
    expect(schema("prometheusrule.schema.json")(rule)).toBe(false);

    const amc = structuredClone(objs.get("prometheus-operator/alertmanagerconfig.yaml")!) as { spec: { route: { routes: Obj[] } } };
    expect(schema("alertmanagerconfig.schema.json")(amc)).toBe(true);
    amc.spec.route.routes[0]!.group_by = ["alertname"]; // the alertmanager.yml spelling, not the CRD's
    expect(schema("alertmanagerconfig.schema.json")(amc)).toBe(false);
  });
});

describeWithTool(["promtool"], "prometheus-operator target: promtool", () => {
  it("the rule groups of every PrometheusRule pass promtool check rules", async () => {
    const out = operatorArtifacts(input, OPTS);
    let n = 0;
    for (const [file, obj] of objects(out.artifacts)) {
      if (obj.kind !== "PrometheusRule") continue;
      const rulesFile = path.join(dir, path.basename(file));
      writeFileSync(rulesFile, toYaml({ groups: (obj.spec as Obj).groups }));
      const r = await runTool("promtool", ["check", "rules", rulesFile]);
      expect(r.code, `${file}\n${r.stdout}\n${r.stderr}`).toBe(0);
      n++;
    }
    expect(n).toBeGreaterThan(0);
  });
});

describeWithTool(["amtool"], "prometheus-operator target: secret mode", () => {
  it("writes alertmanager.yaml and monac.tmpl for configSecret; the configuration passes amtool check-config", async () => {
    const out = operatorArtifacts(input, { ...OPTS, alertmanager: "secret" });
    expect(out.problems).toEqual([]);
    const objs = objects(out.artifacts);
    expect([...objs.keys()].some((p) => p.includes("alertmanagerconfig"))).toBe(false);
    const secret = objs.get("prometheus-operator/alertmanager-secret.yaml")!;
    expect(secret.kind).toBe("Secret");
    expect((secret.metadata as Obj).name).toBe("alertmanager-monac");
    const data = secret.stringData as Record<string, string>;
    expect(data["monac.tmpl"]).toBe(input.alertmanager.templates);
    const config = parse(data["alertmanager.yaml"]!) as Obj;
    // The operator mounts the secret's other keys in /etc/alertmanager/config (pkg/alertmanager/statefulset.go).
    expect(config.templates).toEqual(["/etc/alertmanager/config/monac.tmpl"]);
    // Everything else is the plain configuration, *_file paths included.
    expect({ ...config, templates: undefined }).toEqual(JSON.parse(JSON.stringify({ ...input.alertmanager.config, templates: undefined })));

    // Laid out as the operator mounts it, with the template path moved into the temporary folder for the check.
    const configDir = path.join(dir, "etc-alertmanager-config");
    mkdirSync(configDir, { recursive: true });
    writeFileSync(path.join(configDir, "monac.tmpl"), data["monac.tmpl"]!);
    const file = path.join(configDir, "alertmanager.yaml");
    writeFileSync(file, data["alertmanager.yaml"]!.replace("/etc/alertmanager/config/monac.tmpl", path.join(configDir, "monac.tmpl")));
    const r = await runTool("amtool", ["check-config", file]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Found:\s*\n\s*- global config/);
    expect(r.stdout).toMatch(/- 1 templates/);
  });

  it("says how to deploy the Secret in its own comments, and warns only when the receivers' files are outside /etc/alertmanager/secrets/<secret>/", () => {
    const out = operatorArtifacts(input, { ...OPTS, alertmanager: "secret" });
    const file = out.artifacts.find((a) => a.path === "prometheus-operator/alertmanager-secret.yaml")!.content;
    const comments = file.split("\n").filter((l) => l.startsWith("#")).join(" ").replace(/\s*#\s*/g, " ");
    expect(comments).toContain("spec.configSecret: alertmanager-monac");
    for (const f of filePaths(input.alertmanager.config)) expect(comments).toContain(f);
    // The example's paths are where the operator mounts Secret alertmanager-monac-secrets: nothing to warn about.
    expect(filePaths(input.alertmanager.config).every((f) => f.startsWith("/etc/alertmanager/secrets/alertmanager-monac-secrets/"))).toBe(true);
    expect(out.warnings).toEqual([]);
    // Files directly in /etc/alertmanager/secrets/ are not in a folder per Secret.
    const moved = JSON.parse(JSON.stringify(input.alertmanager.config).replaceAll("/etc/alertmanager/secrets/alertmanager-monac-secrets/", "/etc/alertmanager/secrets/")) as Obj;
    const warned = operatorArtifacts({ ...input, alertmanager: { ...input.alertmanager, config: moved } }, { ...OPTS, alertmanager: "secret" }).warnings.join("\n");
    for (const f of filePaths(moved)) expect(warned).toContain(f);
    expect(warned).toContain("None of them is in such a folder");
    expect(warned).toContain("/etc/alertmanager/secrets/alertmanager-monac-secrets/");
  });
});

describe("prometheus-operator target: AlertmanagerConfig", () => {
  const converted = () => {
    const plain = withoutLocations(input.alertmanager.config);
    const out = operatorArtifacts({ ...input, alertmanager: { ...input.alertmanager, config: plain } }, OPTS);
    const amc = objects(out.artifacts).get("prometheus-operator/alertmanagerconfig.yaml")!;
    return { plain, out, amc, spec: amc.spec as { route: Obj; receivers: Obj[]; inhibitRules: Obj[]; muteTimeIntervals: Obj[] } };
  };

  it("has the plain configuration's receivers, routes and inhibit rules, one for one", () => {
    const { plain, out, amc, spec } = converted();
    expect(out.problems).toEqual([]);
    expect(amc.apiVersion).toBe("monitoring.coreos.com/v1alpha1");
    expect((amc.metadata as Obj).name).toBe("monac");
    const plainReceivers = plain.receivers as Obj[];
    expect(spec.receivers.map((r) => r.name)).toEqual(plainReceivers.map((r) => r.name));
    for (const [i, r] of plainReceivers.entries()) {
      expect((spec.receivers[i]!.emailConfigs as unknown[] | undefined)?.length).toBe((r.email_configs as unknown[] | undefined)?.length);
      expect((spec.receivers[i]!.slackConfigs as unknown[] | undefined)?.length).toBe((r.slack_configs as unknown[] | undefined)?.length);
      expect((spec.receivers[i]!.pagerdutyConfigs as unknown[] | undefined)?.length).toBe((r.pagerduty_configs as unknown[] | undefined)?.length);
    }
    // Route trees of the same shape, receiver for receiver.
    const shape = (r: Obj, snake: boolean): unknown => ({
      receiver: r.receiver,
      continue: r.continue ?? false,
      during: (snake ? r.active_time_intervals : r.activeTimeIntervals) ?? [],
      routes: ((r.routes as Obj[] | undefined) ?? []).map((c) => shape(c, snake)),
    });
    expect(shape(spec.route, false)).toEqual(shape(plain.route as Obj, true));
    const root = plain.route as Obj;
    expect(spec.route).toMatchObject({ receiver: root.receiver, groupBy: root.group_by, groupWait: root.group_wait, groupInterval: root.group_interval, repeatInterval: root.repeat_interval });
    // Matchers as {name, value, matchType}: the team routes of monac.yaml.
    const teams = (spec.route.routes as Obj[]).map((r) => r.matchers);
    expect(teams).toEqual(["data", "payments", "platform"].map((t) => [{ name: "team", value: t, matchType: "=" }]));
    expect(spec.inhibitRules.length).toBe((plain.inhibit_rules as unknown[]).length);
    expect(spec.inhibitRules[0]).toEqual({
      sourceMatch: [
        { name: "severity", value: "critical", matchType: "=" },
        { name: "slo", value: ".+", matchType: "=~" },
      ],
      targetMatch: [
        { name: "severity", value: "warning|info", matchType: "=~" },
        { name: "slo", value: ".+", matchType: "=~" },
      ],
      equal: ["alertname", "service", "slo"],
    });
    expect(spec.muteTimeIntervals).toEqual([{ name: "business-hours", timeIntervals: [{ times: [{ startTime: "09:00", endTime: "17:00" }], weekdays: ["monday:friday"] }] }]);
  });

  it("turns every secret file into a key of the secret, moves the globals into the receivers, and keeps calling the templates", () => {
    const { plain, spec } = converted();
    const files = [...new Set(filePaths(plain))];
    expect(files.length).toBeGreaterThan(0);
    const sel = selectors(spec);
    for (const f of files) expect(sel).toContainEqual({ name: "alertmanager-monac-secrets", key: f.slice(f.lastIndexOf("/") + 1) });
    for (const s of sel) expect(s.name).toBe("alertmanager-monac-secrets");
    expect(JSON.stringify(spec)).not.toMatch(/_file"/);

    const global = plain.global as Obj;
    const emails = spec.receivers.flatMap((r) => (r.emailConfigs as Obj[] | undefined) ?? []);
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) {
      expect(e).toMatchObject({ from: global.smtp_from, smarthost: global.smtp_smarthost, authUsername: global.smtp_auth_username, requireTLS: global.smtp_require_tls });
      expect(e.authPassword).toEqual({ name: "alertmanager-monac-secrets", key: "smtp-password" });
      expect(e.headers).toEqual([{ key: "Subject", value: '{{ template "monac.email.subject" . }}' }]);
      expect(e.html).toBe('{{ template "monac.email.html" . }}');
    }
    const slack = Object.fromEntries(spec.receivers.filter((r) => r.slackConfigs).map((r) => [r.name, (r.slackConfigs as Obj[])[0]!]));
    // data-slack has its own webhook in monac.yaml, the others the global one.
    expect(slack["data-slack"]!.apiURL).toEqual({ name: "alertmanager-monac-secrets", key: "ml-slack-webhook-url" });
    expect(slack["payments-slack"]!.apiURL).toEqual({ name: "alertmanager-monac-secrets", key: "slack-webhook-url" });
    expect(slack["payments-slack"]!.title).toBe('{{ template "monac.slack.title" . }}');
    const pd = (spec.receivers.find((r) => r.name === "payments-pagerduty")!.pagerdutyConfigs as Obj[])[0]!;
    expect(pd.routingKey).toEqual({ name: "alertmanager-monac-secrets", key: "payments-pagerduty-key" });
    expect(pd.pagerDutyLinkConfigs).toEqual([
      { href: '{{ template "monac.runbook" . }}', alt: "Runbook" },
      { href: '{{ template "monac.dashboard" . }}', alt: "Dashboard" },
    ]);
    expect(pd.details).toContainEqual({ key: "summary", value: '{{ template "monac.pagerduty.detail.summary" . }}' });
  });

  it("writes the templates to a ConfigMap and explains what the operator changes", () => {
    const { out } = converted();
    const cm = objects(out.artifacts).get("prometheus-operator/alertmanager-templates.yaml")!;
    expect(cm.kind).toBe("ConfigMap");
    expect(cm.data).toEqual({ "monac.tmpl": input.alertmanager.templates });
    const w = out.warnings;
    const one = (re: RegExp) => expect(w.filter((x) => re.test(x)), `${re} in\n${w.join("\n")}`).toHaveLength(1);
    one(/namespace="monitoring".*continue: true.*monitoring\/monac\/<name>/s);
    one(/monac-alertmanager-templates.*spec\.configMaps.*\/etc\/alertmanager\/configmaps\/monac-alertmanager-templates\/monac\.tmpl/s);
    one(/Secret alertmanager-monac-secrets.*payments-pagerduty-key.*smtp-password/s);
  });

  it("is a problem when a time interval has a time zone, which v1alpha1 cannot carry", () => {
    const interval = (location?: string) => ({ name: "business-hours", time_intervals: [{ weekdays: ["monday:friday"], ...(location ? { location } : {}) }] });
    const config = (location?: string) => ({ route: { receiver: "r" }, receivers: [{ name: "r" }], time_intervals: [interval(location)] });
    const run = (location?: string) => operatorArtifacts({ ...input, alertmanager: { ...input.alertmanager, config: config(location) } }, OPTS).problems;
    expect(run("Europe/Berlin")).toEqual([expect.stringMatching(/time interval business-hours.*Europe\/Berlin.*UTC/)]);
    expect(run("UTC")).toEqual([]);
    expect(run()).toEqual([]);
  });

  it("converts days of the month to ranges and lowercases day and month names", () => {
    const config = {
      route: { receiver: "r" },
      receivers: [{ name: "r" }],
      time_intervals: [{ name: "t", time_intervals: [{ weekdays: ["Monday:Friday"], days_of_month: ["1:15", "-1"], months: ["January:March"], years: ["2026"] }] }],
    };
    const out = operatorArtifacts({ ...input, alertmanager: { ...input.alertmanager, config } }, OPTS);
    expect(out.problems).toEqual([]);
    const spec = objects(out.artifacts).get("prometheus-operator/alertmanagerconfig.yaml")!.spec as Obj;
    expect(spec.muteTimeIntervals).toEqual([
      { name: "t", timeIntervals: [{ weekdays: ["monday:friday"], daysOfMonth: [{ start: 1, end: 15 }, { start: -1, end: -1 }], months: ["january:march"], years: ["2026"] }] },
    ]);
  });

  it("is a problem when a setting has no AlertmanagerConfig field", () => {
    const config = { route: { receiver: "r" }, receivers: [{ name: "r", webhook_configs: [{ url: "http://x" }] }] };
    const out = operatorArtifacts({ ...input, alertmanager: { ...input.alertmanager, config } }, OPTS);
    expect(out.problems).toEqual([expect.stringMatching(/receiver r: webhook_configs has no AlertmanagerConfig/)]);
  });
});

describe("prometheus-operator target: size limits", () => {
  it("is a problem when a PrometheusRule's rules exceed the operator's 512 KiB, naming the object and its size", () => {
    const big = structuredClone(input.slos[0]!);
    const alert = big.group.rules.find((r): r is AlertingRule => "alert" in r)!;
    alert.annotations = { ...alert.annotations, description: "x".repeat(600_000) };
    const out = operatorArtifacts({ ...input, slos: [big, ...input.slos.slice(1)] }, OPTS);
    const slug = big.slo.source.file.replace(/\.yaml$/, "").replace("/", "-");
    const problems = out.problems.filter((p) => p.includes("512 KiB"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`PrometheusRule monac-${slug}`);
    expect(problems[0]).toMatch(/has 6\d{5} bytes/);
    expect(problems[0]).toContain("524288");
    // Below the limit: no problem.
    expect(operatorArtifacts(input, { ...OPTS, alertmanager: "secret" }).problems).toEqual([]);
  });

  it("is a problem when a dashboard ConfigMap exceeds Kubernetes' 1 MiB", () => {
    const d = input.dashboards[0]!;
    const json = JSON.parse(d.content) as Obj;
    const huge = { path: d.path, content: JSON.stringify({ ...json, description: "y".repeat(1_100_000) }) };
    const out = operatorArtifacts({ ...input, dashboards: [huge] }, { ...OPTS, alertmanager: "secret" });
    expect(out.problems).toEqual([expect.stringMatching(new RegExp(`ConfigMap ${String(json.uid)} holds 11\\d{5} bytes.*1048576`))]);
  });
});
