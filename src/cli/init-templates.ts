// The workspace `monac init` writes: small (its generated tests run in
// seconds on monac), complete (it builds with no finding and its tests pass on
// promtool; test/cli/init.test.ts proves both), and commented for someone who
// has not read the README yet. Replace the names and selectors with yours.

export const INIT_MONAC_YAML = `# yaml-language-server: $schema=schemas/monac.schema.json
# Who gets told, where, and when. Every alert monac generates carries a \`team\`
# label (from the spec file it comes from) and a \`severity\` label (critical,
# warning or info); this file decides whom each combination notifies, and
# \`monac build\` turns it into out/alertmanager/alertmanager.yml.
#
# Secrets never appear in specs: receivers name files that Alertmanager reads
# at run time (mount them from your secret store).

# How often Prometheus evaluates the SLO rule groups; must divide 5m. The
# generated SLO tests step at it too. Default 1m.
evaluationInterval: 1m

# The Grafana that serves out/grafana: set it and every alert links to its
# dashboard there (annotation dashboard_url, shown in every notification).
# grafana:
#   url: https://grafana.example.com

alertmanager:
  # Where an alert goes when no team route below matches it.
  defaultReceiver: my-team-slack
  # Alerts with the same values of these labels share one notification.
  groupBy: [alertname, service, slo]
  slack:
    # A file holding the Slack incoming-webhook URL, for every Slack receiver.
    apiUrlFile: /etc/alertmanager/secrets/slack-webhook-url

# Where notifications go. Each receiver is exactly one of email, slack or
# pagerduty; a pager for critical alerts would be, for example:
#   my-team-pager:
#     pagerduty: { routingKeyFile: /etc/alertmanager/secrets/my-team-pagerduty-key }
receivers:
  my-team-slack:
    slack: { channel: "#my-team-alerts" }

# Routing: for each team (spec files name theirs with \`team:\`), the receivers
# of each severity. SLOs page (critical) on a fast burn of the error budget and
# open a ticket (warning) on a slow one.
teams:
  my-team:
    critical: [my-team-slack]
    warning: [my-team-slack]
`;

export const INIT_SLOS_YAML = `# yaml-language-server: $schema=../schemas/slos.schema.json
# The SLOs of one service: what it promises its users, measured from metrics
# it already exports. One file per service. For each SLO, \`monac build\`
# writes recording rules and multi-window burn-rate alerts (SRE workbook) to
# out/prometheus/rules/, rule tests to out/prometheus/tests/, and a Grafana
# dashboard to out/grafana/.

# Every rule and alert of this file carries the label service="api".
service: api
# Who is notified: a team declared in monac.yaml.
team: my-team
slos:
  # Availability: the share of requests served without a server error.
  - name: availability          # the \`slo\` label; lowercase letters, digits, - and _
    description: API requests served without a server error (5xx).
    # The target, in percent of events over the period. 99.9% over 30 days
    # leaves an error budget of 0.1%: about 43 minutes of full outage.
    objective: 99.9
    period: 30d                 # any Prometheus duration; 30d is the default
    sli:
      # A ratio SLI counts failed events (errors:, or good: for the good ones)
      # against all events (total:). Both are counters; monac sums their
      # increase() over each alert window.
      ratio:
        errors: http_requests_total{job="api", code=~"5.."}
        total: http_requests_total{job="api"}
    alerting:
      # Linked from every alert and notification of this SLO.
      runbook: https://runbooks.example.com/api/availability
      # No page unless the alert's long window saw this many requests: two
      # failures out of three requests at 4am are not an outage.
      minEvents: 100
      # Four tiers alert by default: page-fast (2% of the budget spent in 1h)
      # and page-slow (5% in 6h) are critical, ticket-fast (10% in 1d) and
      # ticket-slow (10% in 3d) warnings. Each can be tuned or turned off:
      # tiers:
      #   page-slow: { budgetPercent: 4, longWindow: 4h, shortWindow: 20m }
      #   ticket-slow: false

  # Latency: the share of requests served faster than a threshold.
  - name: latency
    description: 99% of API requests complete within 300ms.
    objective: 99
    sli:
      latency:
        # A classic Prometheus histogram, with or without the _bucket suffix.
        # For a native histogram, write nativeHistogram: instead; its
        # threshold need not be a bucket boundary.
        histogram: http_request_duration_seconds{job="api"}
        # Requests faster than this are good. It must be one of the
        # histogram's bucket boundaries (here the bucket le="0.3").
        threshold: 300ms
    alerting:
      runbook: https://runbooks.example.com/api/latency
      minEvents: 100
`;

export const INIT_ALERTS_YAML = `# yaml-language-server: $schema=../schemas/alerts.schema.json
# Threshold alerts: a value compared with fixed limits, for what no SLO covers
# (a resource running out, a target down). One file per service or system;
# \`monac build\` writes their rules to out/prometheus/rules/ and tests that
# cross each threshold to out/prometheus/tests/.

# Every alert of this file carries the labels service="node" and team="my-team".
service: node
team: my-team
alerts:
  # An expression and thresholds: one alerting rule per level, both named
  # HighCpuUsage, labelled severity="warning" and severity="critical".
  - name: HighCpuUsage
    expr: 100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))
    # How $value and the thresholds are shown: none, percent, ratio, seconds,
    # bytes or days.
    unit: percent
    warning: 80               # fires above 80 (direction: below fires under it)
    critical: 90
    for: 15m                  # the value must stay above the threshold this long
    # {{ $threshold }} is the level's threshold in the alert's unit (80%, 90%).
    summary: "CPU on {{ $labels.instance }} at {{ $value | printf \\"%.1f\\" }}% (threshold {{ $threshold }})"
    runbook: https://runbooks.example.com/node/high-cpu

  # A condition: a full PromQL comparison instead of expr and thresholds,
  # with one severity.
  - name: InstanceDown
    condition: up{job="node"} == 0
    severity: critical
    for: 5m
    summary: "{{ $labels.job }} target {{ $labels.instance }} is down"
    runbook: https://runbooks.example.com/node/instance-down
`;

/** The spec files `monac init` writes, by workspace-relative path (the schemas come from the schema writer). */
export const INIT_FILES: readonly { path: string; content: string }[] = [
  { path: "monac.yaml", content: INIT_MONAC_YAML },
  { path: "slos/api.yaml", content: INIT_SLOS_YAML },
  { path: "alerts/node.yaml", content: INIT_ALERTS_YAML },
];
