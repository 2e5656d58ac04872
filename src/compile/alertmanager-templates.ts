// The notification templates alertmanager.yml's receivers call, as one file
// (out/alertmanager/templates/monac.tmpl) loaded through `templates:`.
//
// Why our own: Alertmanager's defaults title a notification with the group's
// label values only, and read `.CommonAnnotations`, which is empty as soon as a
// group holds alerts with different summaries (two disks of one host). Every
// template here stays meaningful for a grouped notification: it falls back
// from the common value to the single alert's, then to a count.
//
// Template data is Alertmanager's (template/template.go: Data, Alert, KV):
// `.Alerts` are sorted by job, then instance, then labels.

import { withHeader } from "./header.js";

/** Where the file lands, relative to out/, and how alertmanager.yml names it. */
export const TEMPLATES_FILE = "alertmanager/templates/monac.tmpl";
/** Alertmanager resolves relative template paths against the config file's directory. */
export const TEMPLATES_REF = "templates/monac.tmpl";

/** A field value that calls one of the templates below. */
export const call = (name: string): string => `{{ template "${name}" . }}`;

// PagerDuty `details` values are templates whose output Alertmanager parses
// as YAML (template.DeepCopyWithTemplate): "checkout availability: burning"
// would arrive as an object. monac.flat neutralizes what makes a text a YAML
// map or list — a colon before a space or a line end, a "- " or "? " opening a
// line — by putting a no-break space after it; readers see the same text.
const FLAT = String.raw`{{ define "monac.flat" }}{{ . | reReplaceAll "(?m):([ \t]|$)" ":\u00a0" | reReplaceAll "(?m)^([ \t]*)([-?])( |$)" "$1$2\u00a0" }}{{ end }}`;

const COMMON = String.raw`{{/* What fails: "[CRITICAL] DiskSpaceRunningOut on node", with the SLO when there is one. */}}
{{ define "monac.severity" }}{{ with .CommonLabels.severity }}[{{ toUpper . }}] {{ end }}{{ end }}
{{ define "monac.what" }}{{ or .CommonLabels.alertname "Several alerts" }} on {{ or .CommonLabels.service "several services" }}{{ with .CommonLabels.slo }}/{{ . }}{{ end }}{{ end }}
{{ define "monac.status" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}]{{ end }}

{{/* The group's summary: the common one, the single alert's, or a count. Never empty. */}}
{{ define "monac.summary" }}{{ with .CommonAnnotations.summary }}{{ . }}{{ else }}{{ if eq (len .Alerts) 1 }}{{ with index .Alerts 0 }}{{ or .Annotations.summary "1 alert" }}{{ end }}{{ else }}{{ if eq .Status "firing" }}{{ $n := len .Alerts.Firing }}{{ $n }} alert{{ if ne $n 1 }}s{{ end }}{{ else }}{{ len .Alerts }} alerts resolved{{ end }}{{ end }}{{ end }}{{ end }}

{{/* The distinct instance (or probe target) labels of the firing alerts, in Alertmanager's order (by job, then instance). */}}
{{ define "monac.targets" }}{{ $prev := "" }}{{ range .Alerts.Firing }}{{ $t := or .Labels.instance .Labels.target }}{{ if and $t (ne $t $prev) }}{{ if $prev }}, {{ end }}{{ $t }}{{ $prev = $t }}{{ end }}{{ end }}{{ end }}

{{/* Labels that tell one alert of the group from the others (mountpoint, instance...). */}}
{{ define "monac.alert.labels" }}{{ range $i, $p := .SortedPairs }}{{ if $i }} {{ end }}{{ $p.Name }}={{ $p.Value }}{{ end }}{{ end }}

{{/* The first runbook and dashboard of the group, for one-link fields. */}}
{{ define "monac.runbook" }}{{ with .CommonAnnotations.runbook_url }}{{ . }}{{ else }}{{ range .Alerts }}{{ with .Annotations.runbook_url }}{{ . }}{{ break }}{{ end }}{{ end }}{{ end }}{{ end }}
{{ define "monac.dashboard" }}{{ with .CommonAnnotations.dashboard_url }}{{ . }}{{ else }}{{ range .Alerts }}{{ with .Annotations.dashboard_url }}{{ . }}{{ break }}{{ end }}{{ end }}{{ end }}{{ end }}`;

const SLACK = String.raw`{{/* Slack: one block per alert, links in Slack's <url|text> form. */}}
{{ define "monac.slack.title" }}{{ template "monac.status" . }} {{ template "monac.severity" . }}{{ template "monac.what" . }}{{ end }}
{{/* The attachment's bar: red for critical, amber for warning, blue for info, green once resolved. */}}
{{ define "monac.slack.color" }}{{ if eq .Status "resolved" }}good{{ else if eq .CommonLabels.severity "critical" }}danger{{ else if eq .CommonLabels.severity "warning" }}warning{{ else }}#439FE0{{ end }}{{ end }}
{{ define "monac.slack.text" }}{{ range .Alerts }}{{ if ne .Status $.Status }}[{{ .Status | toUpper }}] {{ end }}*{{ or .Annotations.summary .Labels.alertname }}*
{{ with .Annotations.description }}{{ . }}
{{ end }}{{ with .Labels.Remove $.CommonLabels.Names }}_{{ template "monac.alert.labels" . }}_
{{ end }}{{ if or .Annotations.runbook_url .Annotations.dashboard_url }}{{ with .Annotations.runbook_url }}<{{ . }}|Runbook>{{ end }}{{ if and .Annotations.runbook_url .Annotations.dashboard_url }} · {{ end }}{{ with .Annotations.dashboard_url }}<{{ . }}|Dashboard>{{ end }}
{{ end }}{{ end }}{{ end }}`;

const PAGERDUTY = String.raw`{{/* PagerDuty: the incident title; details are flat strings (see monac.flat). */}}
{{ define "monac.pagerduty.title" }}{{ template "monac.severity" . }}{{ template "monac.what" . }}: {{ template "monac.summary" . }}{{ end }}
{{ define "monac.pagerduty.detail.summary" }}{{ template "monac.flat" (or .CommonAnnotations.summary "differs per alert, see firing") }}{{ end }}
{{ define "monac.pagerduty.detail.description" }}{{ template "monac.flat" (or .CommonAnnotations.description "differs per alert, see firing") }}{{ end }}
{{ define "monac.pagerduty.alerts" }}{{ range . }}• {{ template "monac.flat" (or .Annotations.summary .Labels.alertname) }} ({{ template "monac.flat" (.Labels.Remove (stringSlice "alertname" "severity" "team" "service" "slo" "tier")).SortedPairs.Values | join " " }})
{{ else }}none{{ end }}{{ end }}
{{ define "monac.pagerduty.detail.firing" }}{{ template "monac.pagerduty.alerts" .Alerts.Firing }}{{ end }}
{{ define "monac.pagerduty.detail.resolved" }}{{ template "monac.pagerduty.alerts" .Alerts.Resolved }}{{ end }}
{{ define "monac.pagerduty.detail.service" }}{{ template "monac.flat" (or .CommonLabels.service "several") }}{{ end }}
{{ define "monac.pagerduty.detail.slo" }}{{ template "monac.flat" (or .CommonLabels.slo "none") }}{{ end }}
{{ define "monac.pagerduty.detail.team" }}{{ template "monac.flat" (or .CommonLabels.team "several") }}{{ end }}
{{/* The burn-rate tiers an SLO alert stands for (annotation tier, e.g. "page-fast or page-slow"). */}}
{{ define "monac.pagerduty.detail.tier" }}{{ template "monac.flat" (or .CommonAnnotations.tier .CommonLabels.tier "none") }}{{ end }}
{{/* An empty detail would arrive as null: say "none". */}}
{{ define "monac.pagerduty.detail.runbook" }}{{ $n := 0 }}{{ range .Alerts }}{{ if .Annotations.runbook_url }}{{ $n = 1 }}{{ end }}{{ end }}{{ if $n }}{{ template "monac.runbook" . }}{{ else }}none{{ end }}{{ end }}
{{ define "monac.pagerduty.detail.dashboard" }}{{ $n := 0 }}{{ range .Alerts }}{{ if .Annotations.dashboard_url }}{{ $n = 1 }}{{ end }}{{ end }}{{ if $n }}{{ template "monac.dashboard" . }}{{ else }}none{{ end }}{{ end }}`;

const EMAIL = String.raw`{{/* Email: the subject names what fails and where; a text part and an HTML part. */}}
{{ define "monac.email.subject" }}{{ template "monac.status" . }} {{ template "monac.severity" . }}{{ template "monac.what" . }}{{ $t := "" }}{{ range .Alerts.Firing }}{{ if or .Labels.instance .Labels.target }}{{ $t = "some" }}{{ end }}{{ end }}{{ if $t }} ({{ template "monac.targets" . }}){{ end }}{{ end }}
{{ define "monac.email.text" }}{{ template "monac.email.subject" . }}

{{ range .Alerts }}{{ if ne .Status $.Status }}[{{ .Status | toUpper }}] {{ end }}{{ or .Annotations.summary .Labels.alertname }}
{{ with .Annotations.description }}  {{ . }}
{{ end }}{{ with .Annotations.tier }}  Tier: {{ . }}
{{ end }}  Labels: {{ template "monac.alert.labels" .Labels }}
{{ with .Annotations.runbook_url }}  Runbook: {{ . }}
{{ end }}{{ with .Annotations.dashboard_url }}  Dashboard: {{ . }}
{{ end }}{{ with .GeneratorURL }}  Source: {{ . }}
{{ end }}
{{ end }}Alertmanager: {{ .ExternalURL }}
{{ end }}
{{ define "monac.email.html" }}<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>{{ template "monac.email.subject" . }}</title></head>
<body style="font-family: sans-serif">
<h2>{{ template "monac.email.subject" . }}</h2>
{{ range .Alerts }}<div style="margin: 0 0 1em 0; padding: 0.5em; border-left: 4px solid {{ if eq .Status "firing" }}#d00{{ else }}#090{{ end }}">
<p><strong>{{ if ne .Status $.Status }}[{{ .Status | toUpper }}] {{ end }}{{ or .Annotations.summary .Labels.alertname }}</strong></p>
{{ with .Annotations.description }}<p>{{ . }}</p>
{{ end }}<p style="color: #555">{{ template "monac.alert.labels" .Labels }}</p>
<p>{{ with .Annotations.runbook_url }}<a href="{{ . }}">Runbook</a> {{ end }}{{ with .Annotations.dashboard_url }}<a href="{{ . }}">Dashboard</a> {{ end }}{{ with .GeneratorURL }}<a href="{{ . }}">Source</a>{{ end }}</p>
</div>
{{ end }}<p><a href="{{ .ExternalURL }}">Alertmanager</a></p>
</body></html>
{{ end }}`;

/**
 * The whole template file. It starts with the usual `# Generated by monac`
 * lines (how write.ts knows the file is monac's): text outside `define`
 * belongs to a template Alertmanager never executes.
 */
export function notificationTemplates(header: string[]): string {
  return withHeader(header, [FLAT, COMMON, SLACK, PAGERDUTY, EMAIL].join("\n\n") + "\n");
}
