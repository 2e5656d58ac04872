// The prometheus-operator target: the same rule groups, Alertmanager
// configuration and dashboards as Kubernetes objects, one per file in
// out/prometheus-operator/.
//
// Facts taken from the operator (github.com/prometheus-operator/prometheus-operator):
// - a PrometheusRule's spec, printed as YAML, may not exceed MaxConfigMapDataSize,
//   half of Kubernetes' 1 MiB object limit (pkg/operator/rules.go);
// - an AlertmanagerConfig (v1alpha1) is merged under the Alertmanager's root
//   route with `continue: true` and a namespace matcher, and its receivers and
//   time intervals are renamed <namespace>/<name>/<receiver> (pkg/alertmanager/amcfg.go);
//   its time intervals have no time zone (pkg/apis/monitoring/v1alpha1);
// - extra keys of the Alertmanager's configSecret are mounted in
//   /etc/alertmanager/config, spec.configMaps in /etc/alertmanager/configmaps/<name>,
//   spec.secrets in /etc/alertmanager/secrets/<name> (pkg/alertmanager/statefulset.go).
import type { TargetsModel } from "../../workspace/model.js";
import { byPath, type Artifact } from "../artifact.js";
import { generatedHeader, withHeader } from "../header.js";
import { sortedLabels, toYaml, type RuleGroup } from "../rules.js";
import { groupsBySpecFile, type TargetInput, type TargetOutput } from "./target.js";

export type OperatorOptions = NonNullable<TargetsModel["operator"]>;

export const OPERATOR_DIR = "prometheus-operator";
/** The operator's limit on a PrometheusRule's rules as YAML: 1 MiB × 0.5. */
export const RULE_SIZE_LIMIT = 512 * 1024;
/** Kubernetes' limit on a ConfigMap's or Secret's data. */
export const OBJECT_DATA_LIMIT = 1024 * 1024;
/** Kubernetes' limit on an object's annotations, where client-side `kubectl apply` keeps a copy of it. */
export const ANNOTATIONS_LIMIT = 256 * 1024;

export const ALERTMANAGER_CONFIG_NAME = "monac";
export const TEMPLATES_CONFIGMAP = "monac-alertmanager-templates";
export const TEMPLATES_KEY = "monac.tmpl";
export const CONFIG_SECRET = "alertmanager-monac";
/** Where the operator mounts the configSecret's keys other than alertmanager.yaml. */
export const CONFIG_SECRET_DIR = "/etc/alertmanager/config";
export const SECRETS_DIR = "/etc/alertmanager/secrets";
export const CONFIGMAPS_DIR = "/etc/alertmanager/configmaps";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "monac" };

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

type Obj = Record<string, unknown>;

export function operatorArtifacts(input: TargetInput, opts: OperatorOptions): TargetOutput {
  const out: TargetOutput = { artifacts: [], problems: [], warnings: [] };
  ruleArtifacts(input, opts, out);
  if (opts.alertmanager === "secret") secretArtifacts(input, opts, out);
  else alertmanagerConfigArtifacts(input, opts, out);
  dashboardArtifacts(input, opts, out);
  const seen = new Set<string>();
  for (const a of out.artifacts) {
    if (seen.has(a.path)) out.problems.push(`${a.path}: two objects would be written to this file; rename one of their sources.`);
    seen.add(a.path);
  }
  out.artifacts.sort(byPath);
  return out;
}

function metadata(name: string, opts: OperatorOptions, labels: Record<string, string> = opts.labels): Obj {
  return { name, namespace: opts.namespace, labels: sortedLabels({ ...labels, ...MANAGED_BY }) };
}

/** `notes`: how to deploy the object, as comment lines under the header (instructions, not warnings: they hold on every build). */
function objectFile(path: string, sources: string[], object: Obj, out: TargetOutput, notes: string[] = []): void {
  const body = toYaml(object);
  out.artifacts.push({ path, content: withHeader([...generatedHeader(sources), ...notes.flatMap((n) => ["", ...wrapComment(n)])], body) });
  const size = Buffer.byteLength(body, "utf8");
  if (size > ANNOTATIONS_LIMIT) {
    out.warnings.push(
      `${path}: ${size} bytes; client-side \`kubectl apply\` copies an object into an annotation, which Kubernetes limits to ${ANNOTATIONS_LIMIT} bytes: apply it with \`kubectl apply --server-side\`.`,
    );
  }
}

/** A note as header lines of at most about 100 characters. */
function wrapComment(text: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + word.length + 1 > 98) {
      lines.push(line);
      line = "";
    }
    line += line === "" ? word : ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** "slos/checkout.yaml" → "slos-checkout", usable in an object name. */
export function specSlug(file: string): string {
  return file
    .replace(/\.[^./]*$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
}

// 1. One PrometheusRule per spec file.
function ruleArtifacts(input: TargetInput, opts: OperatorOptions, out: TargetOutput): void {
  const byFile = groupsBySpecFile(input);
  const names = new Map<string, string>();
  for (const file of [...byFile.keys()].sort()) {
    const groups: RuleGroup[] = byFile.get(file)!;
    const slug = specSlug(file);
    const name = `monac-${slug}`;
    const path = `${OPERATOR_DIR}/prometheusrule-${slug}.yaml`;
    const other = names.get(name);
    if (other !== undefined) {
      out.problems.push(`${file} and ${other} would both be the PrometheusRule ${name}; rename one of the files.`);
      continue;
    }
    names.set(name, file);
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) out.problems.push(`${file}: ${JSON.stringify(name)} is not a valid Kubernetes object name; rename the file.`);
    const groupNames = new Set<string>();
    for (const g of groups) {
      if (groupNames.has(g.name)) out.problems.push(`${file}: two rule groups are named ${g.name}; a PrometheusRule's group names must be unique.`);
      groupNames.add(g.name);
    }
    // What the operator measures: the spec alone, as YAML.
    const size = Buffer.byteLength(toYaml({ groups }), "utf8");
    if (size > RULE_SIZE_LIMIT) {
      out.problems.push(
        `${path}: PrometheusRule ${name} has ${size} bytes of rules (as YAML), above the operator's limit of ${RULE_SIZE_LIMIT} bytes (512 KiB, half a ConfigMap); the operator would reject it. Split ${file} into smaller files.`,
      );
    }
    objectFile(path, [file], { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: metadata(name, opts), spec: { groups } }, out);
  }
}

// 3. One ConfigMap per dashboard, for Grafana's dashboard sidecar.
function dashboardArtifacts(input: TargetInput, opts: OperatorOptions, out: TargetOutput): void {
  const dashboards = [...input.dashboards].sort(byPath);
  for (const d of dashboards) {
    const uid = dashboardUid(d);
    const path = `${OPERATOR_DIR}/dashboard-${uid}.yaml`;
    if (uid.length > 253 || !DNS_SUBDOMAIN.test(uid)) {
      out.problems.push(`${d.path}: the dashboard uid ${JSON.stringify(uid)} is not a valid Kubernetes object name (lowercase letters, digits, '-' and '.').`);
      continue;
    }
    const key = `${uid}.json`;
    const size = Buffer.byteLength(key, "utf8") + Buffer.byteLength(d.content, "utf8");
    if (size > OBJECT_DATA_LIMIT) {
      out.problems.push(`${path}: ConfigMap ${uid} holds ${size} bytes, above Kubernetes' limit of ${OBJECT_DATA_LIMIT} bytes (1 MiB) for a ConfigMap; split the dashboard.`);
    }
    const labels = { ...opts.dashboardLabels };
    objectFile(path, ["slos/", "alerts/", "dashboards/"], { apiVersion: "v1", kind: "ConfigMap", metadata: metadata(uid, opts, labels), data: { [key]: d.content } }, out);
  }
}

function dashboardUid(d: Artifact): string {
  try {
    const uid = (JSON.parse(d.content) as { uid?: unknown }).uid;
    if (typeof uid === "string" && uid !== "") return uid;
  } catch {
    // fall back to the file name
  }
  return d.path.replace(/^.*\//, "").replace(/\.json$/, "");
}

// 2b. The plain alertmanager.yml and the templates in the Alertmanager's configSecret.
function secretArtifacts(input: TargetInput, opts: OperatorOptions, out: TargetOutput): void {
  const path = `${OPERATOR_DIR}/alertmanager-secret.yaml`;
  const templatesPath = `${CONFIG_SECRET_DIR}/${TEMPLATES_KEY}`;
  const config = { ...input.alertmanager.config, templates: [templatesPath] };
  const configText = withHeader(generatedHeader(["monac.yaml", "alerts/"]), toYaml(config));
  const stringData = { "alertmanager.yaml": configText, [TEMPLATES_KEY]: input.alertmanager.templates };
  const size = Object.entries(stringData).reduce((n, [k, v]) => n + Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8"), 0);
  if (size > OBJECT_DATA_LIMIT) out.problems.push(`${path}: Secret ${CONFIG_SECRET} holds ${size} bytes, above Kubernetes' limit of ${OBJECT_DATA_LIMIT} bytes (1 MiB) for a Secret.`);
  const notes = [
    `Secret ${CONFIG_SECRET} is a whole Alertmanager configuration: set spec.configSecret: ${CONFIG_SECRET} on the Alertmanager resource in namespace ${opts.namespace} (or name the Alertmanager monac) and give it no alertmanagerConfigSelector or alertmanagerConfiguration, so the operator uses it as it is. The operator mounts monac.tmpl at ${templatesPath}, which the configuration's templates entry names.`,
  ];
  const files = [...fileSettings(input.alertmanager.config).keys()].sort();
  if (files.length > 0) {
    notes.push(`The receivers read these files: ${files.join(", ")}. List the Secret holding them in the Alertmanager's spec.secrets: Secret <name> is mounted in ${SECRETS_DIR}/<name>/, one file per key.`);
    const notMounted = files.filter((f) => !new RegExp(`^${SECRETS_DIR}/[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[-._a-zA-Z0-9]+$`).test(f));
    if (notMounted.length > 0) {
      const which = notMounted.length === files.length ? (files.length === 1 ? "It is not" : "None of them is") : `${notMounted.join(", ")} ${notMounted.length === 1 ? "is" : "are"} not`;
      out.warnings.push(
        `${path}: the receivers read ${files.join(", ")}; the operator mounts the Secrets in spec.secrets at ${SECRETS_DIR}/<secret>/<key>. ${which} in such a folder: change the paths in monac.yaml (e.g. ${SECRETS_DIR}/${opts.secretName}/${basename(notMounted[0]!)}) or mount the files yourself with spec.volumes and spec.volumeMounts.`,
      );
    }
  }
  objectFile(path, ["monac.yaml", "alerts/"], { apiVersion: "v1", kind: "Secret", metadata: metadata(CONFIG_SECRET, opts), type: "Opaque", stringData }, out, notes);
}

/** Every `*_file` setting of an alertmanager.yml, path → where it is set. */
function fileSettings(config: unknown, where = "", found = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(config)) config.forEach((v, i) => fileSettings(v, `${where}[${i}]`, found));
  else if (config !== null && typeof config === "object") {
    for (const [k, v] of Object.entries(config)) {
      const at = where ? `${where}.${k}` : k;
      if (k.endsWith("_file") && typeof v === "string") {
        if (!found.has(v)) found.set(v, at);
      } else fileSettings(v, at, found);
    }
  }
  return found;
}

function basename(path: string): string {
  return path.replace(/\/+$/, "").replace(/^.*\//, "");
}

// 2a. An AlertmanagerConfig (v1alpha1) and the templates' ConfigMap.
function alertmanagerConfigArtifacts(input: TargetInput, opts: OperatorOptions, out: TargetOutput): void {
  const path = `${OPERATOR_DIR}/alertmanagerconfig.yaml`;
  const conv = new AmConverter(opts.secretName, path);
  const spec = conv.spec(input.alertmanager.config);
  out.problems.push(...conv.problems);
  objectFile(path, ["monac.yaml", "alerts/"], { apiVersion: "monitoring.coreos.com/v1alpha1", kind: "AlertmanagerConfig", metadata: metadata(ALERTMANAGER_CONFIG_NAME, opts), spec }, out);

  const tmplPath = `${OPERATOR_DIR}/alertmanager-templates.yaml`;
  const tmplSize = Buffer.byteLength(TEMPLATES_KEY) + Buffer.byteLength(input.alertmanager.templates, "utf8");
  if (tmplSize > OBJECT_DATA_LIMIT) out.problems.push(`${tmplPath}: ConfigMap ${TEMPLATES_CONFIGMAP} holds ${tmplSize} bytes, above Kubernetes' limit of ${OBJECT_DATA_LIMIT} bytes (1 MiB).`);
  objectFile(
    tmplPath,
    ["monac.yaml"],
    { apiVersion: "v1", kind: "ConfigMap", metadata: metadata(TEMPLATES_CONFIGMAP, opts), data: { [TEMPLATES_KEY]: input.alertmanager.templates } },
    out,
  );

  const ns = opts.namespace;
  const prefix = `${ns}/${ALERTMANAGER_CONFIG_NAME}/`;
  out.warnings.push(
    `AlertmanagerConfig ${ns}/${ALERTMANAGER_CONFIG_NAME}: when an Alertmanager selects it (alertmanagerConfigSelector), the operator puts its route under the Alertmanager's own root route with the matcher namespace="${ns}" and continue: true (matching alerts also go on to the Alertmanager's own routes), adds namespace="${ns}" to both sides of every inhibit rule, and renames receivers and time intervals to ${prefix}<name> (e.g. ${prefix}${String((input.alertmanager.config.route as Obj | undefined)?.receiver ?? "receiver")}). monac's SLO alerts carry no namespace label and threshold alerts carry the one of their series, so most would not match: name it in the Alertmanager's spec.alertmanagerConfiguration.name instead (its route becomes the root, no namespace matcher), or set spec.alertmanagerConfigMatcherStrategy.type: None.`,
  );
  out.warnings.push(
    `Templates: an AlertmanagerConfig cannot hold notification templates, and every receiver calls the monac.* templates. Load ConfigMap ${TEMPLATES_CONFIGMAP} (${tmplPath}): with spec.alertmanagerConfiguration, add {configMap: {name: ${TEMPLATES_CONFIGMAP}, key: ${TEMPLATES_KEY}}} to its templates; otherwise add ${TEMPLATES_CONFIGMAP} to the Alertmanager's spec.configMaps and ${CONFIGMAPS_DIR}/${TEMPLATES_CONFIGMAP}/${TEMPLATES_KEY} to the templates of its configuration secret. Without it, notifications fail to render.`,
  );
  if (conv.secrets.size > 0) {
    const keys = [...conv.secrets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, file]) => `${key} (was ${file})`);
    out.warnings.push(
      `Secrets: the receivers read Secret ${opts.secretName} in namespace ${ns}, which you create, with one key per file monac.yaml names, holding that file's content: ${keys.join(", ")}. The operator copies the values into the Alertmanager's configuration.`,
    );
  }
  if (conv.moved.length > 0) {
    out.warnings.push(`An AlertmanagerConfig has no global settings: ${conv.moved.join("; ")}.`);
  }
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** alertmanager.yml data → an AlertmanagerConfig's spec (v1alpha1 field names). */
class AmConverter {
  readonly problems: string[] = [];
  /** Secret key → the file path it replaces. */
  readonly secrets = new Map<string, string>();
  /** What moved from the global section, in words. */
  readonly moved: string[] = [];
  private global: Obj = {};

  constructor(
    private readonly secretName: string,
    private readonly path: string,
  ) {}

  private problem(where: string, text: string): void {
    this.problems.push(`${this.path}: ${where}: ${text}`);
  }

  /** Fields of `obj` not in `known` cannot be carried: each is a problem. */
  private only(obj: Obj, known: readonly string[], where: string): void {
    for (const k of Object.keys(obj).sort()) {
      if (!known.includes(k)) this.problem(where, `${k} has no AlertmanagerConfig (v1alpha1) field; monac cannot carry it.`);
    }
  }

  private secret(file: unknown, where: string): Obj {
    const path = String(file);
    const key = basename(path);
    if (!DATA_KEY.test(key)) this.problem(where, `the file name ${JSON.stringify(key)} of ${path} cannot be a Secret key (letters, digits, '-', '_' and '.').`);
    const other = this.secrets.get(key);
    if (other !== undefined && other !== path) this.problem(where, `${path} and ${other} would both be key ${key} of Secret ${this.secretName}; give the files different names.`);
    else this.secrets.set(key, path);
    return { name: this.secretName, key };
  }

  spec(config: Obj): Obj {
    this.only(config, ["global", "templates", "route", "inhibit_rules", "receivers", "time_intervals", "mute_time_intervals"], "top level");
    this.global = (config.global as Obj | undefined) ?? {};
    this.only(
      this.global,
      ["resolve_timeout", "smtp_from", "smtp_smarthost", "smtp_auth_username", "smtp_auth_password_file", "smtp_require_tls", "smtp_hello", "smtp_tls_config", "slack_api_url_file", "pagerduty_url"],
      "global",
    );
    const g = this.global;
    if (Object.keys(g).some((k) => k.startsWith("smtp_"))) this.moved.push("the smtp_* settings are written into every email receiver");
    if (g.slack_api_url_file !== undefined) this.moved.push("slack_api_url_file is every Slack receiver's apiURL unless it has its own");
    if (g.pagerduty_url !== undefined) this.moved.push("pagerduty_url is every PagerDuty receiver's url unless it has its own");
    if (g.resolve_timeout !== undefined && g.resolve_timeout !== "5m") {
      this.moved.push(`resolve_timeout ${String(g.resolve_timeout)} is the Alertmanager's own setting (spec.alertmanagerConfiguration.global.resolveTimeout, or its configuration secret)`);
    }
    const receivers = ((config.receivers as Obj[] | undefined) ?? []).map((r) => this.receiver(r));
    const intervals = [...((config.time_intervals as Obj[] | undefined) ?? []), ...((config.mute_time_intervals as Obj[] | undefined) ?? [])].map((ti) => this.timeInterval(ti));
    return {
      route: this.route((config.route as Obj | undefined) ?? {}, "route"),
      receivers,
      ...(config.inhibit_rules !== undefined ? { inhibitRules: (config.inhibit_rules as Obj[]).map((r, i) => this.inhibitRule(r, `inhibit_rules[${i}]`)) } : {}),
      ...(intervals.length > 0 ? { muteTimeIntervals: intervals } : {}),
    };
  }

  private matchers(list: unknown, where: string): Obj[] {
    return ((list as string[] | undefined) ?? []).map((m) => {
      const parsed = MATCHER.exec(m);
      if (!parsed) {
        this.problem(where, `cannot read the matcher ${JSON.stringify(m)}.`);
        return { name: "invalid", value: m, matchType: "=" };
      }
      let value = parsed[3]!;
      if (value.startsWith('"')) {
        try {
          value = JSON.parse(value) as string;
        } catch {
          this.problem(where, `cannot read the quoted value of the matcher ${JSON.stringify(m)}.`);
        }
      }
      return { name: parsed[1], value, matchType: parsed[2] };
    });
  }

  private route(r: Obj, where: string): Obj {
    this.only(r, ["receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "matchers", "continue", "routes", "mute_time_intervals", "active_time_intervals"], where);
    const children = (r.routes as Obj[] | undefined) ?? [];
    return {
      ...(r.receiver !== undefined ? { receiver: r.receiver } : {}),
      ...(r.group_by !== undefined ? { groupBy: r.group_by } : {}),
      ...(r.group_wait !== undefined ? { groupWait: r.group_wait } : {}),
      ...(r.group_interval !== undefined ? { groupInterval: r.group_interval } : {}),
      ...(r.repeat_interval !== undefined ? { repeatInterval: r.repeat_interval } : {}),
      ...(r.matchers !== undefined ? { matchers: this.matchers(r.matchers, where) } : {}),
      ...(r.continue !== undefined ? { continue: r.continue } : {}),
      ...(r.mute_time_intervals !== undefined ? { muteTimeIntervals: r.mute_time_intervals } : {}),
      ...(r.active_time_intervals !== undefined ? { activeTimeIntervals: r.active_time_intervals } : {}),
      ...(children.length > 0 ? { routes: children.map((c, i) => this.route(c, `${where}.routes[${i}]`)) } : {}),
    };
  }

  private inhibitRule(r: Obj, where: string): Obj {
    this.only(r, ["source_matchers", "target_matchers", "equal"], where);
    return {
      ...(r.source_matchers !== undefined ? { sourceMatch: this.matchers(r.source_matchers, where) } : {}),
      ...(r.target_matchers !== undefined ? { targetMatch: this.matchers(r.target_matchers, where) } : {}),
      ...(r.equal !== undefined ? { equal: r.equal } : {}),
    };
  }

  private receiver(r: Obj): Obj {
    const name = String(r.name);
    const where = `receiver ${name}`;
    this.only(r, ["name", "email_configs", "slack_configs", "pagerduty_configs"], where);
    const list = (k: string) => (r[k] as Obj[] | undefined) ?? [];
    const email = list("email_configs").map((c) => this.email(c, `${where}.email_configs`));
    const slack = list("slack_configs").map((c) => this.slack(c, `${where}.slack_configs`));
    const pagerduty = list("pagerduty_configs").map((c) => this.pagerduty(c, `${where}.pagerduty_configs`));
    return {
      name,
      ...(email.length > 0 ? { emailConfigs: email } : {}),
      ...(pagerduty.length > 0 ? { pagerdutyConfigs: pagerduty } : {}),
      ...(slack.length > 0 ? { slackConfigs: slack } : {}),
    };
  }

  private email(c: Obj, where: string): Obj {
    this.only(c, ["to", "from", "smarthost", "hello", "auth_username", "auth_password_file", "auth_identity", "require_tls", "tls_config", "send_resolved", "headers", "html", "text"], where);
    const g = this.global;
    const pick = (own: string, global: string) => c[own] ?? g[global];
    const password = pick("auth_password_file", "smtp_auth_password_file");
    const tls = pick("tls_config", "smtp_tls_config") as Obj | undefined;
    const headers = (c.headers as Record<string, string> | undefined) ?? {};
    return defined({
      to: c.to,
      from: pick("from", "smtp_from"),
      smarthost: pick("smarthost", "smtp_smarthost"),
      hello: pick("hello", "smtp_hello"),
      authUsername: pick("auth_username", "smtp_auth_username"),
      authPassword: password !== undefined ? this.secret(password, where) : undefined,
      authIdentity: c.auth_identity,
      requireTLS: pick("require_tls", "smtp_require_tls"),
      tlsConfig: tls !== undefined ? this.tls(tls, `${where}.tls_config`) : undefined,
      sendResolved: c.send_resolved,
      headers: Object.keys(headers).length > 0 ? Object.entries(headers).map(([key, value]) => ({ key, value })) : undefined,
      html: c.html,
      text: c.text,
    });
  }

  private tls(t: Obj, where: string): Obj {
    this.only(t, ["ca_file", "server_name", "insecure_skip_verify"], where);
    return defined({
      ca: t.ca_file !== undefined ? { secret: this.secret(t.ca_file, where) } : undefined,
      serverName: t.server_name,
      insecureSkipVerify: t.insecure_skip_verify,
    });
  }

  private slack(c: Obj, where: string): Obj {
    const plain = ["channel", "username", "color", "title", "pretext", "text", "footer", "fallback"] as const;
    this.only(c, ["api_url_file", "send_resolved", "title_link", "icon_emoji", ...plain], where);
    const apiUrl = c.api_url_file ?? this.global.slack_api_url_file;
    return defined({
      apiURL: apiUrl !== undefined ? this.secret(apiUrl, where) : undefined,
      sendResolved: c.send_resolved,
      ...Object.fromEntries(plain.map((k) => [k, c[k]])),
      titleLink: c.title_link,
      iconEmoji: c.icon_emoji,
    });
  }

  private pagerduty(c: Obj, where: string): Obj {
    const plain = ["severity", "description", "client", "class", "component", "group", "source"] as const;
    this.only(c, ["routing_key_file", "service_key_file", "url", "client_url", "send_resolved", "details", "links", ...plain], where);
    const details = (c.details as Record<string, string> | undefined) ?? {};
    const links = (c.links as { href?: string; text?: string }[] | undefined) ?? [];
    return defined({
      routingKey: c.routing_key_file !== undefined ? this.secret(c.routing_key_file, where) : undefined,
      serviceKey: c.service_key_file !== undefined ? this.secret(c.service_key_file, where) : undefined,
      url: c.url ?? this.global.pagerduty_url,
      clientURL: c.client_url,
      sendResolved: c.send_resolved,
      ...Object.fromEntries(plain.map((k) => [k, c[k]])),
      details: Object.keys(details).length > 0 ? Object.entries(details).map(([key, value]) => ({ key, value })) : undefined,
      // The CRD spells a link's text `alt`.
      pagerDutyLinkConfigs: links.length > 0 ? links.map((l) => defined({ href: l.href, alt: l.text })) : undefined,
    });
  }

  private timeInterval(ti: Obj): Obj {
    const name = String(ti.name);
    const where = `time interval ${name}`;
    this.only(ti, ["name", "time_intervals"], where);
    const intervals = ((ti.time_intervals as Obj[] | undefined) ?? []).map((iv, i) => {
      const at = `${where} (entry ${i + 1})`;
      this.only(iv, ["weekdays", "times", "days_of_month", "months", "years", "location"], at);
      const location = iv.location as string | undefined;
      if (location !== undefined && location !== "UTC") {
        this.problem(
          at,
          `its times are in ${location}, but an AlertmanagerConfig (v1alpha1) time interval has no time zone: the operator would apply it in UTC. Write the times in UTC without location, or use targets.prometheus-operator.alertmanager: secret.`,
        );
      }
      const lower = (v: unknown) => (v as (string | number)[] | undefined)?.map((x) => String(x).toLowerCase());
      return defined({
        times: (iv.times as { start_time: string; end_time: string }[] | undefined)?.map((t) => ({ startTime: t.start_time, endTime: t.end_time })),
        weekdays: lower(iv.weekdays),
        daysOfMonth: (iv.days_of_month as (string | number)[] | undefined)?.map((d) => this.dayRange(d, at)),
        months: lower(iv.months),
        years: (iv.years as (string | number)[] | undefined)?.map(String),
      });
    });
    return { name, timeIntervals: intervals };
  }

  /** "1:15" → {start: 1, end: 15}; "-1" → {start: -1, end: -1}. */
  private dayRange(d: string | number, where: string): Obj {
    const m = /^(-?\d+)(?::(-?\d+))?$/.exec(String(d).trim());
    if (!m) {
      this.problem(where, `cannot read the day of the month ${JSON.stringify(d)}.`);
      return { start: 1, end: 1 };
    }
    const start = Number(m[1]);
    return { start, end: m[2] !== undefined ? Number(m[2]) : start };
  }
}

/** `o` without its undefined fields. */
function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
