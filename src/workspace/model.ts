// The validated, defaulted model every compile stage reads. Specs are parsed
// once into this shape; compile functions never look at YAML again.
import type { Decimal } from "./decimal.js";
import type { PanelKind, PanelUnit, Severity, TierName } from "./schema.js";
import type { LabelMatcher } from "../promql/syntax.js";

export interface SourceRef {
  file: string;
  /** Field path of the SLO or alert in its file, e.g. "slos[1]". */
  path: string;
}

/**
 * A field of a spec file, e.g. `rows[0].panels[1].queries[0].expr` of
 * dashboards/shop.yaml, for findings that later stages make about it (a
 * workspace's SpecLocator turns it into a line and column).
 */
export interface FieldRef {
  file: string;
  path: readonly (string | number)[];
}

/** How an SLI counts events over a window, in the terms the compiler needs. */
export type SliModel =
  | {
      kind: "ratio";
      /** Instant-vector expressions counting events over `$window` (already wrapped in increase()). */
      errors?: string;
      good?: string;
      total: string;
    }
  | {
      kind: "latency";
      /** A native histogram (one series per label set) rather than classic `_bucket`/`_count` series. */
      native: boolean;
      metric: string; // histogram base name, without _bucket/_count; a native histogram's series name
      matchers: LabelMatcher[];
      thresholdSeconds: Decimal;
    }
  | { kind: "boolGauge"; selector: string }
  | { kind: "raw"; errorRatio: string };

export interface TierModel {
  name: TierName;
  longWindowMs: number;
  shortWindowMs: number;
  budgetPercent: Decimal;
  /** Burn-rate factor: how many times faster than "exactly exhaust the budget in one period". */
  factor: Decimal;
  severity: Severity;
  /** `for` of the tier's alert; 0 = none. Tiers of one severity share it. */
  forMs: number;
  keepFiringForMs: number;
}

export interface SloModel {
  service: string;
  team: string;
  name: string;
  description: string;
  /** Objective as a ratio (0.9995 for 99.95%). */
  objective: Decimal;
  /** Allowed error ratio, 1 - objective. */
  errorBudget: Decimal;
  periodMs: number;
  /** How often Prometheus evaluates the SLO's rule group (monac.yaml evaluationInterval). */
  evaluationIntervalMs: number;
  /** monac.yaml grafana.url without a trailing slash, when set: alerts link to the SLO's dashboard there. */
  grafanaUrl?: string;
  /** File labels merged with SLO labels (SLO wins). */
  labels: Record<string, string>;
  sli: SliModel;
  /** The spec's `instrumentation:` section, when written: the metrics contract of the SLI. */
  instrumentation?: InstrumentationModel;
  alerting: {
    enabled: boolean;
    name: string;
    summary: string | undefined;
    description: string | undefined;
    runbook: string | undefined;
    labels: Record<string, string>;
    minEvents: number | undefined;
    noData: { forMs: number; severity: Severity } | undefined;
    tiers: TierModel[];
  };
  source: SourceRef;
}

/** What an SLO's spec declares about the metrics its SLI reads (`instrumentation:`). */
export interface InstrumentationModel {
  /** Histogram bucket upper bounds in seconds, strictly increasing (latency SLIs only). */
  buckets?: Decimal[];
  /** Label names the service sets on the metric(s), in the order written. */
  labels?: string[];
  help?: string;
}

export type ThresholdUnit = "none" | "percent" | "ratio" | "seconds" | "bytes" | "days";

export interface ThresholdLevel {
  severity: Severity;
  /** The full alert condition, e.g. `(expr) > 80`. */
  expr: string;
  /** The threshold as written in PromQL, for summaries ("80"); absent for conditions. */
  threshold: string | undefined;
  forMs: number;
}

export interface ThresholdAlertModel {
  /** monac.yaml grafana.url without a trailing slash, when set: alerts link to their alerts file's dashboard there. */
  grafanaUrl?: string;
  service: string;
  team: string;
  name: string;
  /** The watched value (without the comparison), when the alert has thresholds. */
  valueExpr: string | undefined;
  direction: "above" | "below";
  unit: ThresholdUnit;
  levels: ThresholdLevel[];
  keepFiringForMs: number | undefined;
  summary: string | undefined;
  description: string | undefined;
  runbook: string | undefined;
  labels: Record<string, string>;
  source: SourceRef;
}

export interface ReceiverModel {
  name: string;
  email?: { to: string; sendResolved: boolean };
  slack?: { channel: string; apiUrlFile: string | undefined; sendResolved: boolean };
  /** url: the Events API endpoint, when the receiver overrides the global one. */
  pagerduty?: { routingKeyFile: string; sendResolved: boolean; url?: string | undefined };
}

export interface SeverityRouteModel {
  severity: Severity;
  receivers: string[];
  during: string[];
}

export interface RoutingModel {
  resolveTimeoutMs: number;
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  smtp:
    | {
        from: string;
        smarthost: string;
        authUsername: string | undefined;
        authPasswordFile: string | undefined;
        requireTls: boolean;
        hello?: string | undefined;
        tls?: { caFile?: string | undefined; serverName?: string | undefined; insecureSkipVerify?: boolean | undefined } | undefined;
      }
    | undefined;
  slackApiUrlFile: string | undefined;
  /** Alertmanager's global pagerduty_url, when monac.yaml overrides it. */
  pagerdutyUrl?: string | undefined;
  defaultReceiver: string;
  receivers: ReceiverModel[];
  teams: { name: string; routes: SeverityRouteModel[] }[];
  timeIntervals: {
    name: string;
    /** Alertmanager's time_intervals entries; ranges as written ("monday:friday", "1:15", "-1"). */
    intervals: {
      weekdays?: string[];
      times?: { start: string; end: string }[];
      daysOfMonth?: string[];
      months?: string[];
      years?: string[];
      location?: string;
    }[];
  }[];
}

/** Deploy targets besides plain Prometheus (monac.yaml `targets`); absent means not written. */
export interface TargetsModel {
  operator?: { namespace: string; labels: Record<string, string>; alertmanager: "alertmanager-config" | "secret"; secretName: string; dashboardLabels: Record<string, string> };
  mimir?: { namespace: string | undefined; maxRulesPerGroup: number; maxGroupsPerTenant: number; maxQueryLengthMs: number | undefined };
  thanos?: { partialResponseStrategy: "abort" | "warn" };
  /** Services and service/slo pairs left out of out/vmalert. */
  vmalert?: { exclude: string[] };
}

export interface WorkspaceModel {
  /** Deploy targets besides plain Prometheus (absent in models built by hand: none). */
  targets?: TargetsModel;
  /** How often Prometheus evaluates the rules (monac.yaml evaluationInterval); generated tests step at it. */
  evaluationIntervalMs: number;
  slos: SloModel[];
  thresholds: ThresholdAlertModel[];
  routing: RoutingModel;
  /** Custom dashboards from dashboards/*.yaml, in file order (absent in models built by hand). */
  dashboards?: DashboardModel[];
}

export interface PanelThresholdsModel {
  warning: number | undefined;
  critical: number | undefined;
  direction: "above" | "below";
}

export interface PanelModel {
  title: string;
  kind: PanelKind;
  description: string | undefined;
  unit: PanelUnit;
  min: number | undefined;
  max: number | undefined;
  thresholds: PanelThresholdsModel | undefined;
  width: number | undefined;
  queries: { expr: string; legend: string | undefined }[];
}

export interface DashboardModel {
  title: string;
  description: string | undefined;
  tags: string[];
  /** Exporter metrics the file declares it reads (see series-check.ts). */
  metrics: string[];
  variables: { name: string; label: string | undefined; values: string; multi: boolean }[];
  rows: { title: string; panels: PanelModel[] }[];
  source: SourceRef;
  /** Where the title is written: the compile stage rejects titles that give the same uid. */
  titleAt: FieldRef;
  /**
   * Every PromQL text of the file (variable values, then panel queries, in
   * file order), trimmed, with where it is written: the compile stage checks
   * them against the series the compiled rules record.
   */
  queries: { expr: string; at: FieldRef }[];
}

/**
 * What validation built, findings or not: the SLOs and alerts that passed,
 * and every dashboards/ file of a valid shape. The compile stage checks the
 * dashboards' queries against the series the SLOs' rules record, so that a
 * workspace's findings are all reported in one run.
 */
export interface PartialModel {
  slos: SloModel[];
  thresholds: ThresholdAlertModel[];
  dashboards: DashboardModel[];
}
