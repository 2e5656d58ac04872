import { describe, expect, it } from "vitest";
import { ALERT_TEMPLATE_HEADER, expandAlertTemplate, type AlertTemplateInput } from "../../src/template/index.js";

const input: AlertTemplateInput = {
  alertName: "HighLatency",
  labels: { instance: "web-1:9090", job: "api", severity: "page" },
  externalLabels: { cluster: "eu-1" },
  externalURL: "https://prom.example.com",
  value: 0.4567,
  timestampMs: 1700000000000,
  query: (expr) => (expr === "up" ? [{ labels: { __name__: "up", instance: "a" }, value: 1 }] : []),
};

const DATA_TYPE =
  "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }";

const cases: [name: string, text: string, want: string][] = [
  ["label", "{{ $labels.instance }} is down", "web-1:9090 is down"],
  ["labels via data", "{{ .Labels.job }}", "api"],
  ["missing label is empty (missingkey=zero)", "[{{ $labels.nope }}]", "[]"],
  ["external label", "{{ $externalLabels.cluster }}", "eu-1"],
  ["external URL", "{{ $externalURL }}", "https://prom.example.com"],
  ["value prints like Go's %v", "{{ $value }}", "0.4567"],
  ["humanizePercentage", "{{ $value | humanizePercentage }}", "45.67%"],
  ["printf", '{{ printf "%.1f" $value }}', "0.5"],
  ["query", '{{ with query "up" }}{{ . | first | value }}{{ end }}', "1"],
  ["empty query takes else", '{{ with query "nothing" }}x{{ else }}none{{ end }}', "none"],
  ["now", "{{ now }}", "1.7e+09"],
  ["comparison with a float literal", "{{ if gt $value 0.4 }}high{{ end }}", "high"],
  ["stripPort of a label", "{{ $labels.instance | stripPort }}", "web-1"],
  ["title of a label", "{{ $labels.severity | title }}", "Page"],
  ["range over labels", "{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}", "instance=web-1:9090,job=api,severity=page,"],
];

describe("expandAlertTemplate", () => {
  it("prepends the rule manager's variables", () => {
    expect(ALERT_TEMPLATE_HEADER).toBe(
      "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}",
    );
    expect(ALERT_TEMPLATE_HEADER.length).toBe(112);
  });

  for (const [name, text, want] of cases) {
    it(name, async () => {
      expect(await expandAlertTemplate(text, input)).toBe(want);
    });
  }

  it("reports execution errors the way Prometheus does, columns counting the header", async () => {
    expect(await expandAlertTemplate("{{ .Nope }}", input)).toBe(
      "<error expanding template: error executing template __alert_HighLatency: template: __alert_HighLatency:1:115: " +
        `executing "__alert_HighLatency" at <.Nope>: can't evaluate field Nope in type ${DATA_TYPE}>`,
    );
  });

  it("reports the int/float comparison gotcha", async () => {
    expect(await expandAlertTemplate("{{ if gt $value 1 }}x{{ end }}", input)).toBe(
      "<error expanding template: error executing template __alert_HighLatency: template: __alert_HighLatency:1:118: " +
        'executing "__alert_HighLatency" at <gt $value 1>: error calling gt: incompatible types for comparison: float64 and int>',
    );
  });

  it("reports parse errors", async () => {
    expect(await expandAlertTemplate("{{ humanise $value }}", input)).toBe(
      '<error expanding template: error parsing template __alert_HighLatency: template: __alert_HighLatency:1: function "humanise" not defined>',
    );
  });

  it("reports query errors", async () => {
    const failing = { ...input, query: () => Promise.reject(new Error("query timed out")) };
    expect(await expandAlertTemplate('{{ query "up" }}', failing)).toContain(
      'at <query "up">: error calling query: query timed out>',
    );
  });
});
