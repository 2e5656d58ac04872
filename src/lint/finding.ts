// What `monac lint` reports: one finding per problem, at file:line:col, named
// by its check, with a severity a CI job can gate on (--fail-on).

export type Severity = "bug" | "warning" | "info";

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, bug: 2 };

export interface Finding {
  file: string;
  line: number;
  column: number;
  check: string;
  severity: Severity;
  message: string;
  /**
   * The first line of the rule (or route, receiver, ...) the finding is
   * about: a `# monac-lint disable CHECK` comment there or on the line before
   * suppresses it. Defaults to `line`.
   */
  anchorLine?: number;
}

export interface CheckInfo {
  severity: Severity;
  /** One line for SARIF's rule descriptions and the README. */
  description: string;
}

/** Every check, with its default severity. Keys are the names users suppress and configure. */
export const CHECKS = {
  "rulefmt/invalid": { severity: "bug", description: "The file is not a rule file Prometheus loads (YAML, fields, names)." },
  "promql/syntax": { severity: "bug", description: "The expression does not parse or has the wrong type." },
  "template/syntax": { severity: "bug", description: "A label or annotation template does not parse." },
  "promql/regex-static": { severity: "warning", description: "A regex matcher on a plain string: use = or != (faster, clearer)." },
  "promql/regex-anchored": { severity: "warning", description: "A regex matcher anchored with ^...$: PromQL regexes are always fully anchored." },
  "promql/rate-gauge": { severity: "warning", description: "rate/irate/increase over a gauge-looking or recorded series; they need a counter." },
  "promql/rate-window": { severity: "warning", description: "A rate window shorter than twice the scrape interval sees fewer than two samples." },
  "promql/aggregated-away": { severity: "bug", description: "Matching or grouping on a label an inner aggregation already removed." },
  "promql/topk-in-alert": { severity: "warning", description: "topk/bottomk/limitk in an alert: the alerting series change between evaluations." },
  "alert/always-firing": { severity: "warning", description: "An alert whose expression has no condition fires for every series it selects." },
  "alert/absent-without-for": { severity: "warning", description: "absent() without `for` fires on every scrape gap or restart." },
  "alert/value-in-labels": { severity: "bug", description: "$value in a label changes the alert's identity at every evaluation." },
  "alert/missing-annotation": { severity: "info", description: "An alert lacks a required annotation (summary, runbook_url by default)." },
  "alert/for-range": { severity: "info", description: "An alert's `for` is outside the configured range." },
  "rules/undefined-recording": { severity: "warning", description: "A recorded series (name with ':') is read but no linted rule records it." },
  "rules/recording-other-group": { severity: "info", description: "A recorded series is read in a different group than it is recorded in (evaluation lag)." },
  "rules/duplicate": { severity: "warning", description: "Two rules with the same name, labels and expression." },
  "group/interval-long": { severity: "warning", description: "A group interval over 5m: series go stale between evaluations." },
  "group/too-many-rules": { severity: "info", description: "A group with more rules than the configured limit." },
  "naming/record": { severity: "info", description: "A recording rule name not in the form level:metric:operations." },
  "naming/alert": { severity: "info", description: "An alert name not in CamelCase." },
  "alertmanager/invalid": { severity: "bug", description: "The Alertmanager configuration does not load." },
  "alertmanager/unused-receiver": { severity: "warning", description: "A receiver no route sends to." },
  "alertmanager/shadowed-route": { severity: "bug", description: "A route no alert can reach: an earlier sibling without `continue` catches all it matches." },
  "alertmanager/inhibit-without-equal": { severity: "warning", description: "An inhibit rule without `equal`: any source alert mutes every target alert everywhere." },
  "alertmanager/undefined-time-interval": { severity: "bug", description: "A route refers to a time interval that is not defined." },
  "spec/invalid": { severity: "bug", description: "A spec file does not validate (monac validate's errors)." },
  "spec/warning": { severity: "warning", description: "A spec file's warnings (monac validate's warnings)." },
} as const satisfies Record<string, CheckInfo>;

export type CheckName = keyof typeof CHECKS;

export function isCheckName(name: string): name is CheckName {
  return Object.hasOwn(CHECKS, name);
}

/** Sorted by file, line, column, check: output is the same on every run. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.check < b.check ? -1 : a.check > b.check ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
