import { describe, expect, it } from "vitest";
import { anyMap, type TemplateSample, type Value } from "../../src/template/index.js";
import { floats, ints, run, strings } from "./helpers.js";

interface Case {
  text: string;
  data?: Value;
  query?: TemplateSample[];
  out?: string;
  err?: string;
}

const metricA: TemplateSample = { labels: { __name__: "metric", instance: "a" }, value: 11 };
const metricB: TemplateSample = { labels: { __name__: "metric", instance: "b" }, value: 21 };

// Expectations follow Go's behaviour as pinned by prometheus/template/template_test.go.
const cases: Record<string, Case> = {
  "plain text": { text: "plain text", out: "plain text" },
  "int literal": { text: "{{ 1 }}", out: "1" },
  "no HTML escaping in text mode": { text: '{{ "<b>" }}', out: "<b>" },
  "args to a defined template": {
    text: '{{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}}',
    out: "1 2",
  },
  "args missing entry": { text: "{{ (args 1).arg3 }}", out: "<no value>" },
  "query | first | value": { text: '{{ query "1.5" | first | value }}', query: [{ labels: {}, value: 1.5 }], out: "1.5" },
  "query label": { text: "{{ query \"metric{instance='a'}\" | first | label \"instance\" }}", query: [metricA], out: "a" },
  "strvalue": {
    text: '{{ query "x" | first | strvalue }}',
    query: [{ labels: { __name__: "metric", __value__: "a" }, value: 11 }],
    out: "a",
  },
  "missing label via label": { text: '{{ query "x" | first | label "foo" }}', query: [metricA], out: "" },
  "missing label via field": { text: '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}', query: [metricA], out: "" },
  "range over sortByLabel": {
    text: '{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}',
    query: [metricB, metricA],
    out: "a:11: b:21: ",
  },
  "sortByLabel sorts in place": {
    text: '{{ $r := query "m" }}{{ $_ := sortByLabel "instance" $r }}{{ range $r }}{{ .Labels.instance }}{{ end }}',
    query: [metricB, metricA],
    out: "ab",
  },
  "a sample prints as its struct": { text: '{{ query "m" | first }}', query: [metricA], out: "{map[__name__:metric instance:a] 11}" },
  "first on empty vector": {
    text: '{{ query "missing" | first }}',
    err: 'error executing template test: template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements',
  },
  "field of a query result": {
    text: '{{ (query "missing").banana }}',
    err: 'error executing template test: template: test:1:10: executing "test" at <"missing">: can\'t evaluate field banana in type template.queryResult',
  },
  "missing field of data is <no value>": { text: "{{ .Foo }}", out: "<no value>" },
  "unparsable": { text: "{{", err: "error parsing template test: template: test:1: unclosed action" },
  "non-ASCII space in action": {
    text: "{{\u00a0}}",
    err: "error parsing template test: template: test:1: unrecognized character in action: U+00A0",
  },
  "reReplaceAll": { text: '{{ reReplaceAll "(a)b" "x$1" "ab" }}', out: "xa" },
  "reReplaceAll $1x is a named group": { text: '{{ reReplaceAll "(a)b" "$1x" "ab" }}', out: "" },
  "reReplaceAll ${1}x": { text: '{{ reReplaceAll "(a)b" "${1}x" "ab" }}', out: "ax" },
  "reReplaceAll empty matches": { text: '{{ reReplaceAll "a*" "-" "baaac" }}', out: "-b-c-" },
  "reReplaceAll bad regexp": {
    text: '{{ reReplaceAll "(" "" "" }}',
    err: 'error executing template test: template: test:1:3: executing "test" at <reReplaceAll "(" "" "">: error calling reReplaceAll: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`',
  },
  "humanize floats": { text: "{{ range . }}{{ humanize . }}:{{ end }}", data: floats(0, 1, 1234567, 0.12), out: "0:1:1.235M:120m:" },
  "humanize strings": {
    text: "{{ range . }}{{ humanize . }}:{{ end }}",
    data: strings("0.0", "1.0", "1234567.0", ".12"),
    out: "0:1:1.235M:120m:",
  },
  "humanize ints": {
    text: "{{ range . }}{{ humanize . }}:{{ end }}",
    data: ints(0n, -1n, 1n, 1234567n, 9223372036854775807n),
    out: "0:-1:1:1.235M:9.223E:",
  },
  "humanize micro is u": { text: "{{ humanize 0.000123 }}", out: "123u" },
  "humanize rounds half to even": { text: "{{ humanize 1234.5 }}", out: "1.234k" },
  "humanize bad string": {
    text: '{{ humanize "one" }}',
    err: 'error executing template test: template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  "humanize bool": {
    text: "{{ humanize true }}",
    err: 'error executing template test: template: test:1:3: executing "test" at <humanize true>: error calling humanize: can\'t convert bool to float',
  },
  "humanize1024 floats": {
    text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
    data: floats(0, 1, 1048576, 0.12),
    out: "0:1:1Mi:0.12:",
  },
  "humanize1024 ints": {
    text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
    data: ints(0n, -1n, 1n, 1234567n, 9223372036854775807n),
    out: "0:-1:1:1.177Mi:8Ei:",
  },
  "humanizeDuration": {
    text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
    data: floats(0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99),
    out: "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:",
  },
  "humanizeDuration days": { text: "{{ humanizeDuration 90061 }}", out: "1d 1h 1m 1s" },
  "humanizeDuration fractions": {
    text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
    data: floats(0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345),
    out: "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
  },
  "humanizeDuration ints": {
    text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
    data: ints(0n, -1n, 1n, 1234567n),
    out: "0s:-1s:1s:14d 6h 56m 7s:",
  },
  "Inf and NaN": {
    text: "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}",
    data: floats(Infinity, -Infinity, NaN),
    out: "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:",
  },
  "Inf and NaN strings": {
    text: "{{ range . }}{{ humanize . }}:{{ end }}",
    data: strings("+Inf", "-Inf", "NaN"),
    out: "+Inf:-Inf:NaN:",
  },
  "humanizePercentage": {
    text: "{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}",
    out: "-22.22%:0%:12.35%:123.5%",
  },
  "humanizePercentage ints": {
    text: "{{ range . }}{{ humanizePercentage . }}:{{ end }}",
    data: ints(0n, -1n, 1n, 1234567n, 9223372036854775807n),
    out: "0%:-100%:100%:1.235e+08%:9.223e+20%:",
  },
  "humanizePercentage error at the pipe stage": {
    text: '{{ "one" | humanizePercentage }}',
    err: 'error executing template test: template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  "humanizeTimestamp ints": {
    text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
    data: ints(0n, -1n, 1n, 1234567n, 9223372036n),
    out: "1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:",
  },
  "humanizeTimestamp overflow": {
    text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
    data: ints(-9223372036854775808n, 9223372036854775807n),
    err: 'error executing template test: template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64',
  },
  "humanizeTimestamp millis": { text: "{{ 1435065584.128 | humanizeTimestamp }}", out: "2015-06-23 13:19:44.128 +0000 UTC" },
  "humanizeTimestamp string": { text: '{{ "1435065584.128" | humanizeTimestamp }}', out: "2015-06-23 13:19:44.128 +0000 UTC" },
  "toTime Format": { text: '{{ (1435065584.128 | toTime).Format "2006" }}', out: "2015" },
  "toDuration String": { text: "{{ (1800 | toDuration).String }}", out: "30m0s" },
  "toDuration prints via String": { text: '{{ "90.5" | toDuration }}', out: "1m30.5s" },
  "now": { text: "{{ now }}", out: "1.353755652e+09" },
  "now formatted": { text: '{{ (now | toTime).Format "Mon Jan 2 15:04:05 2006" }}', out: "Sat Nov 24 11:14:12 2012" },
  "time arithmetic": {
    text: '{{ ("-30m" | parseDuration | toDuration | (now | toTime).Add).UnixMilli }}',
    out: "1353753852000",
  },
  "title": { text: '{{ "aa bb CC" | title }}', out: "Aa Bb CC" },
  "title keeps mid-word separators": { text: `{{ "it's foo-bar x.y" | title }}`, out: "It's Foo-Bar X.y" },
  "toUpper": { text: '{{ "aa bb CC" | toUpper }}', out: "AA BB CC" },
  "toUpper uses simple case mapping": { text: '{{ "straße" | toUpper }}', out: "STRAßE" },
  "toLower": { text: '{{ "aA bB CC" | toLower }}', out: "aa bb cc" },
  "match": { text: '{{ match "a+" "aa" }} {{ match "a+" "b" }}', out: "true false" },
  "match bad regexp": {
    text: '{{ match "a(" "b" }}',
    err: 'error executing template test: template: test:1:3: executing "test" at <match "a(" "b">: error calling match: error parsing regexp: missing closing ): `a(`',
  },
  "graphLink": { text: '{{ graphLink "up" }}', out: "/graph?g0.expr=up&g0.tab=0" },
  "tableLink escapes": { text: '{{ tableLink "rate(x{a=\\"b c\\"}[5m])" }}', out: "/graph?g0.expr=rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29&g0.tab=1" },
  "pathPrefix": { text: "{{ pathPrefix }}", out: "/path/prefix" },
  "externalURL": { text: "{{ externalURL }}", out: "http://testhost:9090/path/prefix" },
  "parseDuration": { text: '{{ printf "%0.2f" (parseDuration "1h2m10ms") }}', out: "3720.01" },
  "parseDuration negative": { text: '{{ printf "%0.2f" (parseDuration "-1h2m10ms") }}', out: "-3720.01" },
  "parseDuration bad": {
    text: '{{ parseDuration "1m1h" }}',
    err: 'error executing template test: template: test:1:3: executing "test" at <parseDuration "1m1h">: error calling parseDuration: not a valid duration string: "1m1h"',
  },
  "urlQueryEscape": { text: '{{ urlQueryEscape "a b&c" }}', out: "a+b%26c" },
  "safeHtml": { text: '{{ "<b>" | safeHtml }}', out: "<b>" },
};

const hostCases: [string, string, string][] = [
  ["foo.example.com", "foo.example.com", "foo"],
  ["foo.example.com:12345", "foo.example.com", "foo:12345"],
  ["192.0.2.1", "192.0.2.1", "192.0.2.1"],
  ["192.0.2.1:12345", "192.0.2.1", "192.0.2.1:12345"],
  ["2001:0DB8::1", "2001:0DB8::1", "2001:0DB8::1"],
  ["[2001:0DB8::1]:12345", "2001:0DB8::1", "[2001:0DB8::1]:12345"],
  ["[2001:0DB8::1]::12345", "[2001:0DB8::1]::12345", "[2001:0DB8::1]::12345"],
];

describe("Prometheus template functions", () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const got = await run(c.text, c.data, c.query);
      expect(got).toEqual(c.err !== undefined ? { err: c.err } : { out: c.out });
    });
  }

  for (const [input, port, domain] of hostCases) {
    it(`stripPort/stripDomain ${input}`, async () => {
      expect(await run(`{{ "${input}" | stripPort }}|{{ "${input}" | stripDomain }}`)).toEqual({ out: `${port}|${domain}` });
    });
  }

  it("args builds a map[string]interface {}", async () => {
    expect(await run("{{ range $k, $v := args 1 2.5 \"x\" }}{{ $k }}={{ $v }};{{ end }}")).toEqual({ out: "arg0=1;arg1=2.5;arg2=x;" });
    expect(anyMap(new Map()).typeName).toBe("map[string]interface {}");
  });
});
