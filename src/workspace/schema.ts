// The spec file formats, as zod schemas. They are the single source of truth
// for validation, defaults and the JSON Schema editors use for completion.
//
// Three kinds of file, told apart by where they live:
//   slos/*.yaml    SloFile        one service's SLOs
//   alerts/*.yaml  ThresholdFile  threshold alerts on one service or system
//   monac.yaml     WorkspaceFile  receivers, teams and routing policy
import * as z from "zod";
import { parseDuration } from "./duration.js";
import { isPrometheusDurationLiteral } from "../go/duration.js";

export const SEVERITIES = ["critical", "warning", "info"] as const;
export const TIER_NAMES = ["page-fast", "page-slow", "ticket-fast", "ticket-slow"] as const;
export type TierName = (typeof TIER_NAMES)[number];
export type Severity = (typeof SEVERITIES)[number];

/** Labels monac sets itself; a spec may not override them. */
export const RESERVED_LABELS = ["alertname", "service", "slo", "severity", "tier", "team", "__name__"] as const;

const slug = (what: string) =>
  z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, {
    error: (iss) =>
      `${what} must be lowercase letters, digits, "-" or "_", starting with a letter or digit, got ${JSON.stringify(iss.input)}`,
  });

export const duration = z.string().refine((s) => parseDuration(s) !== undefined, {
  error: (iss) =>
    typeof iss.input === "string" && isPrometheusDurationLiteral(iss.input)
      ? `duration out of range: Prometheus and Alertmanager durations stop at 106751d (about 292 years), got ${JSON.stringify(iss.input)}`
      : `expected a Prometheus duration such as 5m, 1h30m or 30d, got ${JSON.stringify(iss.input)}`,
  abort: true,
});

export const positiveDuration = duration.refine((s) => (parseDuration(s) ?? 0) > 0, {
  error: "duration must be greater than zero",
});

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const labels = z
  .record(
    z.string().regex(labelName, { error: (iss) => `label names must match [a-zA-Z_][a-zA-Z0-9_]*, got ${JSON.stringify(iss.input)}` }),
    z.string({ error: "label values must be strings (quote numbers: \"1\")" }),
  )
  .superRefine((rec, ctx) => {
    for (const key of Object.keys(rec)) {
      if ((RESERVED_LABELS as readonly string[]).includes(key) || key.startsWith("__")) {
        ctx.addIssue({ code: "custom", path: [key], message: `label "${key}" is set by monac and cannot be overridden here` });
      }
    }
  });

const promql = z.string().min(1, { error: "expected a PromQL expression" });
const alertName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: (iss) => `alert names must match [A-Za-z_][A-Za-z0-9_]* (e.g. HighErrorRate), got ${JSON.stringify(iss.input)}`,
});
// Links end up in alert annotations, notifications and dashboards: readable by
// everyone paged, so they must not carry credentials.
// `readers` says who would see a secret in it, for the message.
const httpUrl = (readers: string, instead: string) =>
  z
    .string()
    .regex(/^https?:\/\/\S+$/, { error: (iss) => `expected an http(s) URL, got ${JSON.stringify(iss.input)}`, abort: true })
    .refine((s) => !/^https?:\/\/[^/?#]*@/.test(s), {
      error: `a URL must not carry credentials (user:password@host): ${readers} can read them; ${instead}`,
      abort: true,
    })
    .refine((s) => !/[?&](access_token|token|api_?key|key|password|passwd|secret|sig|signature)=/i.test(s), {
      error: `a URL must not carry a secret in its query (token=, key=, password=, ...): ${readers} can read it`,
    });
const url = httpUrl("anyone who receives the alert", "link to a page that needs no secret");
const severity = z.enum(SEVERITIES, { error: (iss) => `severity must be one of ${SEVERITIES.join(", ")}, got ${JSON.stringify(iss.input)}` });

// ---------------------------------------------------------------- SLOs

const RatioSli = z.strictObject({
  errors: promql.optional().describe("Counter selector (or expression with [$window]) counting failed events."),
  good: promql.optional().describe("Counter selector (or expression with [$window]) counting good events; alternative to errors."),
  total: promql.describe("Counter selector (or expression with [$window]) counting all events."),
});

const LatencySli = z.strictObject({
  histogram: promql.optional().describe('Classic histogram selector without suffix, e.g. http_request_duration_seconds{job="api"}.'),
  nativeHistogram: promql
    .optional()
    .describe('Native histogram selector, e.g. http_request_duration_seconds{job="api"}: read with histogram_count and histogram_fraction; alternative to histogram.'),
  threshold: z
    .union([positiveDuration, z.number().gt(0, { error: (iss) => `threshold must be greater than zero, got ${iss.input}` })], {
      error: (iss) => `expected a duration such as 300ms, or a number of seconds such as 0.3, got ${JSON.stringify(iss.input)}`,
    })
    .describe("Requests faster than this are good: a duration (300ms) or seconds (0.3); must be a bucket boundary (le) of a classic histogram."),
});

const BoolGaugeSli = z.strictObject({
  metric: promql.describe("Selector of a 0/1 gauge such as probe_success; 1 is good."),
});

const RawSli = z.strictObject({
  errorRatio: promql.describe("Error-ratio expression with a $window placeholder for the range, e.g. ...[$window]."),
});

export const Sli = z
  .strictObject({
    ratio: RatioSli.optional(),
    latency: LatencySli.optional(),
    boolGauge: BoolGaugeSli.optional(),
    raw: RawSli.optional(),
  })
  .superRefine((sli, ctx) => {
    const kinds = Object.keys(sli).filter((k) => sli[k as keyof typeof sli] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message:
          kinds.length === 0
            ? "expected exactly one SLI kind: ratio, latency, boolGauge or raw"
            : `expected exactly one SLI kind, got ${kinds.join(" and ")}`,
      });
    }
    if (sli.latency && (sli.latency.histogram === undefined) === (sli.latency.nativeHistogram === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["latency"],
        message: "a latency SLI reads exactly one of histogram (classic, with le buckets) or nativeHistogram, plus threshold",
      });
    }
    if (sli.ratio && (sli.ratio.errors === undefined) === (sli.ratio.good === undefined)) {
      ctx.addIssue({ code: "custom", path: ["ratio"], message: "a ratio SLI needs exactly one of errors or good, plus total" });
    }
  });

const Tier = z.strictObject({
  budgetPercent: z
    .number()
    .gt(0, { error: (iss) => `budgetPercent must be between 0 and 100, got ${iss.input}` })
    .lte(100, { error: (iss) => `budgetPercent must be between 0 and 100, got ${iss.input}` })
    .optional()
    .describe("Share of the period's error budget this tier alerts on, in percent."),
  longWindow: positiveDuration.optional(),
  shortWindow: positiveDuration.optional(),
  severity: severity.optional(),
  for: duration.optional().describe("Hold the condition this long before firing; none by default (the short window already ignores blips). Tiers of one severity are one alert and must agree."),
  keepFiringFor: duration.optional().describe("Keep firing this long after the condition clears. Tiers of one severity are one alert and must agree."),
});

const NoData = z.strictObject({
  for: positiveDuration.default("15m"),
  severity: severity.default("warning"),
});

const Alerting = z.strictObject({
  enabled: z.boolean().default(true),
  name: alertName.optional().describe("Alert name for every tier of this SLO; default ErrorBudgetBurn."),
  summary: z.string().optional(),
  description: z.string().optional(),
  runbook: url.optional(),
  labels: labels.optional(),
  minEvents: z
    .number()
    .int({ error: "minEvents must be a whole number of events" })
    .positive({ error: "minEvents must be positive" })
    .optional()
    .describe("Do not alert unless a tier's long window saw at least this many events."),
  noData: z.union([z.literal(false), NoData]).optional().describe("Alert when the SLI has no data; off by default."),
  tiers: z
    .strictObject({
      "page-fast": z.union([z.literal(false), Tier]).optional(),
      "page-slow": z.union([z.literal(false), Tier]).optional(),
      "ticket-fast": z.union([z.literal(false), Tier]).optional(),
      "ticket-slow": z.union([z.literal(false), Tier]).optional(),
    })
    .optional(),
});

/** What the service itself must expose for the SLI: the contract monac generates a prom-client module from. */
const Instrumentation = z.strictObject({
  buckets: z
    .array(z.number({ error: (iss) => `bucket bounds are numbers of seconds, e.g. 0.25, got ${JSON.stringify(iss.input)}` }).gt(0, { error: (iss) => `bucket bounds must be greater than zero, got ${iss.input}` }))
    .min(1, { error: "expected at least one bucket bound" })
    .optional()
    .describe("Histogram bucket upper bounds in seconds, strictly increasing (latency SLIs only); the SLO's threshold must be one of them. Default: prom-client's default buckets plus the threshold."),
  labels: z
    .array(z.string().regex(labelName, { error: (iss) => `label names must match [a-zA-Z_][a-zA-Z0-9_]*, got ${JSON.stringify(iss.input)}` }))
    .optional()
    .describe("Label names the service itself sets on the metric (not job or instance, which Prometheus attaches at scrape time); must include every label the SLI matches on. Default: the labels the SLI's selectors match on."),
  help: z.string().min(1, { error: "help must not be empty" }).optional().describe("HELP text of the metric in the generated module."),
});

export const Slo = z.strictObject({
  name: slug("SLO name"),
  description: z.string().optional(),
  objective: z
    .number({ error: (iss) => `objective must be a number in percent, e.g. 99.9, got ${JSON.stringify(iss.input)}` })
    .gt(0, { error: (iss) => `objective must be between 0 and 100 (exclusive), got ${iss.input}` })
    .lt(100, { error: (iss) => `objective must be between 0 and 100 (exclusive), got ${iss.input}` })
    .describe("Target in percent, 0 < objective < 100."),
  period: positiveDuration.default("30d"),
  labels: labels.optional(),
  sli: Sli,
  alerting: Alerting.optional(),
  instrumentation: Instrumentation.optional().describe("The metrics contract of the SLI for the service's generated instrumentation module (out/instrument/<service>.ts): buckets, label names, help."),
});

export const SloFile = z.strictObject({
  service: slug("service"),
  team: slug("team"),
  description: z.string().optional(),
  labels: labels.optional(),
  slos: z.array(Slo).min(1, { error: "expected at least one SLO" }),
});

// ---------------------------------------------------------- thresholds

export const UNITS = ["none", "percent", "ratio", "seconds", "bytes", "days"] as const;

/** A threshold is a number, or a duration when the unit is seconds ("30d"). */
const thresholdValue = z.union([z.number(), duration], {
  error: (iss) => `expected a number (or a duration for unit seconds), got ${JSON.stringify(iss.input)}`,
});

const Level = z.strictObject({
  value: thresholdValue,
  for: duration.optional(),
});

export const ThresholdAlert = z.strictObject({
  name: alertName,
  expr: promql.optional().describe("Value to compare with the thresholds."),
  condition: promql.optional().describe("A full boolean condition (e.g. up == 0), instead of expr + thresholds."),
  severity: severity.optional().describe("Severity of a condition alert."),
  direction: z.enum(["above", "below"], { error: "direction must be above or below" }).default("above"),
  unit: z.enum(UNITS, { error: (iss) => `unit must be one of ${UNITS.join(", ")}, got ${JSON.stringify(iss.input)}` }).default("none"),
  warning: z.union([thresholdValue, Level]).optional(),
  critical: z.union([thresholdValue, Level]).optional(),
  for: duration.optional(),
  keepFiringFor: duration.optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  runbook: url.optional(),
  labels: labels.optional(),
});

export const ThresholdFile = z.strictObject({
  service: slug("service"),
  team: slug("team"),
  description: z.string().optional(),
  labels: labels.optional(),
  alerts: z.array(ThresholdAlert).min(1, { error: "expected at least one alert" }),
});

// ----------------------------------------------------------- workspace

// Secrets never appear in specs: receivers name files Alertmanager reads at run time.
const secretFile = z.string().regex(/^\/\S+$/, { error: (iss) => `expected an absolute file path, got ${JSON.stringify(iss.input)}` });

const EmailReceiver = z.strictObject({
  to: z.string().describe('Email address, or several separated by commas; "Name <address>" works too.'),
  sendResolved: z.boolean().default(false),
});
const SlackReceiver = z.strictObject({
  channel: z.string().regex(/^[#@]\S+$/, { error: (iss) => `expected a channel such as #alerts, got ${JSON.stringify(iss.input)}` }),
  apiUrlFile: secretFile.optional().describe("File holding the incoming-webhook URL; defaults to the workspace slack.apiUrlFile."),
  sendResolved: z.boolean().default(true),
});
// Endpoint overrides (EU region, a proxy, a test's sink) are plain URLs: the
// secret is the routing key, which stays in its file.
// Whether Alertmanager can parse it: validate.ts with alertmanager-check.ts (urlProblem).
const endpoint = httpUrl("anyone who reads alertmanager.yml", "give the proxy its credentials another way").describe("Events API v2 URL, e.g. https://events.eu.pagerduty.com/v2/enqueue; default Alertmanager's (https://events.pagerduty.com/v2/enqueue).");
const PagerDutyReceiver = z.strictObject({
  routingKeyFile: secretFile.describe("File holding the Events API v2 routing key."),
  url: endpoint.optional(),
  sendResolved: z.boolean().default(true),
});

export const Receiver = z
  .strictObject({
    email: EmailReceiver.optional(),
    slack: SlackReceiver.optional(),
    pagerduty: PagerDutyReceiver.optional(),
  })
  .superRefine((r, ctx) => {
    const kinds = Object.values(r).filter((v) => v !== undefined).length;
    if (kinds !== 1) ctx.addIssue({ code: "custom", message: "a receiver needs exactly one of email, slack or pagerduty" });
  });

// Alertmanager's time intervals, field for field. The values are checked as
// Alertmanager reads them (ranges in order, known time zones) by
// validate.ts with alertmanager-check.ts, which report at the item.
// The pattern is for editors only (JSON Schema); monac's own message comes from the check.
const clock = z.string().meta({ description: "Time of day as HH:MM, 00:00 to 24:00.", pattern: "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$" });
const rangeItem = z.union([z.number().int(), z.string()], { error: (iss) => `expected a number or a range such as "1:15", got ${JSON.stringify(iss.input)}` });
const TimeInterval = z.strictObject({
  weekdays: z.array(z.string()).optional().describe('Days or ranges of days, e.g. ["monday:friday", "saturday"]; ranges run sunday to saturday.'),
  times: z
    .array(z.strictObject({ start: clock, end: clock }))
    .optional()
    .describe('Times of day, start inclusive and end exclusive, e.g. [{ start: "09:00", end: "17:00" }]; a range cannot cross midnight.'),
  daysOfMonth: z.array(rangeItem).optional().describe('Days of the month or ranges, e.g. [1, "1:15", "-1"]; negative days count from the end of the month.'),
  months: z.array(rangeItem).optional().describe('Months by name or number, or ranges, e.g. ["january:march", 12].'),
  years: z.array(rangeItem).optional().describe('Years or ranges, e.g. [2026, "2027:2028"].'),
  location: z.string().optional().describe("IANA time zone the times are in, e.g. Europe/Berlin; default UTC."),
});

const SeverityRoute = z.strictObject({
  receivers: z.array(z.string()).min(1, { error: "expected at least one receiver" }),
  during: z.array(z.string()).optional().describe("Only notify during these time intervals."),
});

const Team = z.strictObject({
  critical: z.union([z.array(z.string()), SeverityRoute]).optional(),
  warning: z.union([z.array(z.string()), SeverityRoute]).optional(),
  info: z.union([z.array(z.string()), SeverityRoute]).optional(),
});

/** How often Prometheus evaluates the SLO rule groups; the de-lagged counts are computed for it. */
export const evaluationInterval = positiveDuration
  .refine((s) => { const ms = parseDuration(s)!; return ms >= 1000 && ms % 1000 === 0 && (5 * 60_000) % ms === 0; }, {
    error: (iss) => `evaluationInterval must be a whole number of seconds that divides 5m evenly (15s, 30s, 1m, 5m, ...), got ${JSON.stringify(iss.input)}`,
  })
  .default("1m")
  .describe("How often Prometheus evaluates monac's SLO rule groups (written as each group's interval); must divide 5m. Default 1m.");

// ---------------------------------------------------------- deploy targets

/** Kubernetes object names and namespaces (RFC 1123 labels/subdomains). */
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
  error: (iss) => `expected a Kubernetes name (lowercase letters, digits, "-" and "."), got ${JSON.stringify(iss.input)}`,
}).max(253);
/** Kubernetes label values: at most 63 characters of [A-Za-z0-9_.-], alphanumeric at both ends (or empty). */
const k8sLabels = z.record(
  z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
    error: (iss) => `expected a Kubernetes label key such as release or app.kubernetes.io/name, got ${JSON.stringify(iss.input)}`,
  }),
  z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, {
    error: (iss) => `expected a Kubernetes label value (up to 63 of A-Z a-z 0-9 - _ ., alphanumeric at both ends), got ${JSON.stringify(iss.input)}`,
  }).max(63),
);
/** `target: true` is the target with its defaults (see targetOptions). */
const enabled = <T extends z.ZodType>(options: T) => z.union([z.literal(true), options]);

export const OperatorOptions = z.strictObject({
  namespace: k8sName.default("monitoring").describe("Namespace of every object."),
  labels: k8sLabels.default({}).describe("Metadata labels of every object; kube-prometheus-stack selects PrometheusRules by release: <helm release name>."),
  alertmanager: z.enum(["alertmanager-config", "secret"]).default("alertmanager-config").describe(
    "alertmanager-config: an AlertmanagerConfig (v1alpha1) the operator merges under its own root route; secret: the plain alertmanager.yml and templates in a Secret for the Alertmanager resource's configSecret.",
  ),
  secretName: k8sName.default("alertmanager-monac-secrets").describe("Secret holding the receivers' secrets; each key is the file name monac.yaml gives (routingKeyFile: /x/payments-pagerduty-key → key payments-pagerduty-key)."),
  dashboardLabels: k8sLabels.default({ grafana_dashboard: "1" }).describe("Labels on the dashboard ConfigMaps for the Grafana sidecar."),
});

export const MimirOptions = z.strictObject({
  namespace: z.string().min(1).optional().describe("One rule namespace for everything; default: one per service."),
  maxRulesPerGroup: z.number().int().min(1).default(20).describe("The ruler's rules-per-group limit (Mimir default 20)."),
  maxGroupsPerTenant: z.number().int().min(1).default(70).describe("The ruler's rule-groups-per-tenant limit (Mimir default 70)."),
  maxQueryLength: positiveDuration.optional().describe("The tenant's maximum query length (e.g. 768h); a rule reading a longer range is a build error."),
});

export const ThanosOptions = z.strictObject({
  partialResponseStrategy: z.enum(["abort", "warn"]).default("abort").describe("Thanos Ruler's partial_response_strategy on groups with alerts (abort: no alert on partial data)."),
});

export const VmalertOptions = z.strictObject({
  exclude: z
    .array(z.string().regex(/^[^/\s]+(\/[^/\s]+)?$/, { error: (iss) => `expected a service or service/slo, got ${JSON.stringify(iss.input)}` }))
    .default([])
    .describe(
      "Services (checkout) or SLOs (checkout/latency) whose rules vmalert does not get, e.g. SLOs on native histograms, which VictoriaMetrics does not store.",
    ),
});

export const Targets = z
  .strictObject({
    prometheus: z.literal(true).optional().describe("Plain Prometheus and Alertmanager files (out/prometheus, out/alertmanager, out/grafana); always written, the generated tests run on them."),
    "prometheus-operator": enabled(OperatorOptions).optional().describe("PrometheusRule, AlertmanagerConfig (or a config Secret) and dashboard ConfigMaps in out/prometheus-operator; true for the defaults."),
    mimir: enabled(MimirOptions).optional().describe("mimirtool rule files (namespace + groups) in out/mimir, within the ruler's limits; true for the defaults."),
    thanos: enabled(ThanosOptions).optional().describe("Thanos Ruler rule files in out/thanos; true for the defaults."),
    vmalert: enabled(VmalertOptions).optional().describe("vmalert rule files in out/vmalert: recording rules and alerts in separate groups; true for the defaults."),
  })
  .default({})
  .describe("Where the rules are deployed; every target gets its own folder in out/.");

export const WorkspaceFile = z.strictObject({
  evaluationInterval,
  targets: Targets,
  grafana: z
    .strictObject({
      url: httpUrl("anyone who receives an alert", "link to a Grafana that needs no secret in its URL").describe(
        "Base URL of the Grafana that serves out/grafana, e.g. https://grafana.example.com (a sub-path is fine).",
      ),
    })
    .optional()
    .describe("Where monac's dashboards are served: every alert then links to its dashboard (annotation dashboard_url), and notifications show the link."),
  alertmanager: z
    .strictObject({
      resolveTimeout: positiveDuration.default("5m"),
      groupBy: z
        .array(z.string())
        .default(["alertname", "service", "slo"])
        .describe('Labels that put alerts into one notification; ["..."] groups by every label.'),
      groupWait: positiveDuration.default("30s"),
      groupInterval: positiveDuration.default("5m"),
      repeatInterval: positiveDuration.default("4h"),
      smtp: z
        .strictObject({
          from: z.string().describe('Sender address, e.g. alertmanager@example.com or "Alertmanager <alertmanager@example.com>".'),
          smarthost: z.string().describe("SMTP server as host:port, e.g. smtp.example.com:587."),
          authUsername: z.string().optional(),
          authPasswordFile: secretFile.optional(),
          requireTls: z.boolean().default(true),
          hello: z
            .string()
            .regex(/^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, {
              error: (iss) => `hello must be a host name such as alertmanager.example.com, got ${JSON.stringify(iss.input)}`,
            })
            .optional().describe("Host name sent in SMTP HELO/EHLO; default localhost."),
          tls: z
            .strictObject({
              caFile: secretFile.optional().describe("CA certificate file (PEM) the SMTP server's certificate must chain to."),
              serverName: z.string().min(1).optional().describe("Name the server's certificate must carry, when it differs from the smarthost's host."),
              insecureSkipVerify: z.boolean().optional().describe("Accept any server certificate (tests only)."),
            })
            .optional()
            .describe("TLS settings for STARTTLS or implicit TLS to the smarthost."),
        })
        .optional(),
      slack: z.strictObject({ apiUrlFile: secretFile }).optional(),
      pagerduty: z.strictObject({ url: endpoint }).optional().describe("PagerDuty settings for every pagerduty receiver."),
      defaultReceiver: z.string().describe("Receiver for alerts no team route matches."),
    })
    .describe("Alertmanager-wide settings."),
  timeIntervals: z.record(slug("time interval name"), z.array(TimeInterval)).optional(),
  receivers: z.record(slug("receiver name"), Receiver),
  teams: z.record(slug("team name"), Team),
});

export type SloFileSpec = z.output<typeof SloFile>;
export type SloSpec = z.output<typeof Slo>;
export type SliSpec = z.output<typeof Sli>;
export type TierSpec = z.output<typeof Tier>;
export type ThresholdFileSpec = z.output<typeof ThresholdFile>;
export type ThresholdAlertSpec = z.output<typeof ThresholdAlert>;
export type WorkspaceFileSpec = z.output<typeof WorkspaceFile>;
export type ReceiverSpec = z.output<typeof Receiver>;

// ---------------------------------------------------------- dashboards
//
//   dashboards/*.yaml  DashboardFile  one custom Grafana dashboard per file

/** Units a panel can show, named as SREs say them; mapped to Grafana's unit ids at compile time. */
export const PANEL_UNITS = [
  "none",
  "short",
  "percent",
  "ratio",
  "seconds",
  "milliseconds",
  "bytes",
  "bytesPerSecond",
  "bitsPerSecond",
  "requestsPerSecond",
  "operationsPerSecond",
  "days",
] as const;
export const PANEL_KINDS = ["timeseries", "stat", "gauge", "table"] as const;

const PanelQuery = z.strictObject({
  expr: promql.describe("PromQL; may use Grafana's $__rate_interval, $__interval and $__range, and this dashboard's variables."),
  legend: z.string().optional().describe('Legend format, e.g. "{{instance}}".'),
});

const PanelThresholds = z.strictObject({
  warning: z.number().optional(),
  critical: z.number().optional(),
  direction: z.enum(["above", "below"], { error: "direction must be above or below" }).default("above")
    .describe("above: values over the thresholds are bad (CPU); below: values under them are (hit ratio)."),
});

export const DashboardPanel = z.strictObject({
  title: z.string().min(1, { error: "expected a panel title" }),
  kind: z.enum(PANEL_KINDS, { error: (iss) => `kind must be one of ${PANEL_KINDS.join(", ")}, got ${JSON.stringify(iss.input)}` }),
  description: z.string().optional(),
  unit: z.enum(PANEL_UNITS, { error: (iss) => `unit must be one of ${PANEL_UNITS.join(", ")}, got ${JSON.stringify(iss.input)}` }).default("none"),
  min: z.number().optional(),
  max: z.number().optional(),
  thresholds: PanelThresholds.optional(),
  width: z.number().int().min(1, { error: "width is in grid columns, 1 to 24" }).max(24, { error: "width is in grid columns, 1 to 24" }).optional()
    .describe("Grid columns out of 24; default 12 for timeseries, 24 for table, 6 for stat and gauge."),
  queries: z.array(PanelQuery).min(1, { error: "expected at least one query" }),
});

const DashboardRow = z.strictObject({
  title: z.string().min(1, { error: "expected a row title" }),
  panels: z.array(DashboardPanel).min(1, { error: "expected at least one panel" }),
});

const DashboardVariable = z.strictObject({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: (iss) => `variable names must match [a-zA-Z_][a-zA-Z0-9_]*, got ${JSON.stringify(iss.input)}` }),
  label: z.string().optional(),
  values: promql.describe("Selector whose values of the label named like the variable are offered, e.g. node_uname_info."),
  multi: z.boolean().default(true),
});

export const DashboardFile = z.strictObject({
  title: z.string().min(1, { error: "expected a dashboard title" }),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  /**
   * Exporter metrics this dashboard reads that no SLO or alert names. Listing
   * them is deliberate: a query reading any other unknown name is a typo.
   */
  metrics: z.array(z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: (iss) => `expected a metric name, got ${JSON.stringify(iss.input)}` }))
    .optional()
    .describe("Exporter metrics read here that no slos/ or alerts/ spec names; queries may read only known series."),
  variables: z.array(DashboardVariable).optional(),
  rows: z.array(DashboardRow).min(1, { error: "expected at least one row" }),
});

export type DashboardFileSpec = z.output<typeof DashboardFile>;
export type DashboardPanelSpec = z.output<typeof DashboardPanel>;
export type PanelUnit = (typeof PANEL_UNITS)[number];
export type PanelKind = (typeof PANEL_KINDS)[number];
