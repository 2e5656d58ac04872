import { describe, expect, it } from "vitest";
import { ALERT_TEMPLATE_HEADER, prometheusFuncs } from "../../src/template/index.js";
import { builtins } from "../../src/template/funcs.js";
import { parsePrefix, parseTemplates, TemplateParseError, type Tree } from "../../src/template/parser.js";

const funcs = prometheusFuncs({ timestampMs: 0, externalURL: "" });
const hasFunction = (fn: string) => funcs.has(fn) || builtins.has(fn);

type Outcome = { trees: [string, Tree][] } | { error: { message: string; reason: string; offset: number; detail: unknown } };

function outcome(parse: () => Map<string, Tree>): Outcome {
  try {
    return { trees: [...parse()] };
  } catch (e) {
    if (!(e instanceof TemplateParseError)) throw e;
    return { error: { message: e.message, reason: e.reason, offset: e.offset, detail: e.detail } };
  }
}

const texts: string[] = [
  "",
  "plain text",
  "Alert0 on infra-0: {{ $value | printf \"%.1f\" }}% is above the critical threshold of 90%",
  "{{ $labels.instance }} is down",
  "{{ .Labels.job }} {{ $externalLabels.cluster }} {{ $externalURL }}",
  "{{ humanizePercentage $value }}",
  "{{- $value -}}",
  "{{- $value }}",
  "   {{- $value }}",
  "{{ $value -}}   tail",
  "{{- /* comment */ -}}  x",
  "{{/* comment */}}",
  "{{/* unclosed comment ",
  "{{/* c */ x}}",
  "{{",
  "{{ $value",
  "{{ $value }",
  "{{ $value }}{{",
  "line1\nline2 {{ $value\n more",
  "line1\nline2\n{{ $nope }}",
  "{{ $nope }}",
  "{{ $labels.x | nope }}",
  "{{ nope }}",
  "{{ end }}",
  "{{ else }}",
  "{{ if $value }}a{{ else if gt $value 1.0 }}b{{ else }}c{{ end }}",
  "{{ if $value }}a",
  "{{ range $i, $e := $labels }}{{ $i }}={{ $e }}{{ break }}{{ end }}",
  "{{ break }}",
  "{{ with $x := $value }}{{ $x }}{{ end }}{{ $x }}",
  "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
  "{{ define \"t\" }}T{{ $value }}{{ end }}{{ template \"t\" . }}",
  "{{ define \"t\" }}T{{ end }}{{ template \"t\" }}",
  "{{ define \"__alert_X\" }}T{{ end }}",
  "{{ define \"__alert_X\" }}{{ end }}",
  "{{ block \"b\" . }}B{{ $value }}{{ end }}",
  "{{ define \"t\" }}unterminated",
  "{{ `raw {{ string }}` }}",
  "{{ `raw\nmultiline` | printf \"%s\" }}",
  "{{ \"unterminated }}",
  "{{ 'c' }} {{ 'cc' }}",
  "{{ 1 | 2 }}",
  "{{ $value | 2 }}",
  "{{ | }}",
  "{{ ( $value }}",
  "{{ $value ) }}",
  "{{ (1).x }}",
  "{{ 0x1F }} {{ 1e3 }} {{ 1+2i }} {{ 1_000 }} {{ 08 }} {{ 1.2.3 }}",
  "{{ 99999999999999999999 }}",
  "{{ .Labels.a.b }}{{ $labels.a }}{{ ($labels).a }}",
  "{{ $value := 3 }}{{ $value }}",
  "{{ $labels := 3 }}",
  "{{ $a, $b := 1 }}",
  "{{ nil }}",
  "{{ true | not }}",
  "ünïcödé {{ $labels.ünï }} 😀 {{ $value }}",
  "😀{{ $😀 }}",
  "{{ \u00a0 }}",
  "{{ $value\u00e9x }}",
  "{{ .Value.x9_ }}",
  "{{ $value}x }}",
  "text}} more }}",
  "{{- \n\t$value\n -}}\n\n",
  "\n\n{{ end }}",
  "a\n{{ if }}\n",
  "{{ template }}",
  "{{ template \"x\" | }}",
  "{{ with $value }}{{ else with $labels }}{{ end }}",
  "{{ range $labels }}{{ continue }}{{ else }}none{{ end }}",
  "{{ range $x := 1 }}{{ end }}{{ range $a, $b, $c := 1 }}{{ end }}",
  "{{ query \"up\" | first | value | humanize }}",
  "{{ printf \"%s\" (index $labels \"a\") }}",
  "{{ $labels.instance | reReplaceAll \"(.*):.*\" \"$1\" }}",
  "{{-",
  "{{- ",
  "{{ -}}",
  "{{ $value -}",
  "-}}{{- -}}",
];

/** Texts built from fragments, valid and not, to find what hand-picked ones miss. */
function generated(n: number): string[] {
  const parts = [
    "{{", "}}", "{{- ", " -}}", " ", "\n", "$value", "$labels.a", "$x", ":=", "=", "|", "printf", "\"%d\"", "`raw`",
    "(", ")", "if", "else", "end", "range", "with", "define", "\"t\"", "template", "/*", "*/", "1", "-1", "0x", "'c'",
    ".", ".Labels", "text", "é", "😀", ",", "nope", "break", "humanize", "{{ end }}", "{{ else }}", "{{ if $value }}",
  ];
  let seed = 12345;
  const rand = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = "";
    const len = 1 + rand(12);
    for (let j = 0; j < len; j++) s += parts[rand(parts.length)];
    out.push(s);
  }
  return out;
}

describe("parsing on after a parsed prefix", () => {
  const header = parsePrefix(ALERT_TEMPLATE_HEADER);

  it("accepts the alert header", () => {
    expect(header).toBeDefined();
    expect(header!.vars).toEqual(["$", "$labels", "$externalLabels", "$externalURL", "$value"]);
  });

  it("rejects prefixes whose parse may depend on what follows", () => {
    for (const p of ["", "text", "{{$x := 1}}text", "{{$x := 1 -}}", "{{$x := 1}}{{/* c */ -}}", "{{$x := 1}}\n", "a\nb {{$x := 1}}\n{{/* c */}}", "{{define \"a\"}}{{end}}", "{{humanize 1}}", "{{", "{{/* c */}}"]) {
      expect(parsePrefix(p), p).toBeUndefined();
    }
  });

  const prefixes = [
    ALERT_TEMPLATE_HEADER,
    "{{$x := 1}}",
    "a\nb {{$x := 1}}\n{{/* c */}}{{$y := 2}}",
    "{{$x := 1}}{{- /* c */}}",
    "{{if true}}\n{{$y := 2}}{{end}}{{$z := 3}}",
    "{{- $x := `é😀` }}",
  ];
  const all = [...texts, ...generated(3000)];

  for (const prefixText of prefixes) {
    it(`gives the full parse's trees and errors after ${JSON.stringify(prefixText)}`, () => {
      const prefix = parsePrefix(prefixText);
      expect(prefix).toBeDefined();
      let errors = 0;
      for (const t of all) {
        const text = prefixText + t;
        const full = outcome(() => parseTemplates("__alert_X", text, hasFunction));
        const resumed = outcome(() => parseTemplates("__alert_X", text, hasFunction, prefix));
        expect(resumed, JSON.stringify(t)).toStrictEqual(full);
        if ("error" in full) errors++;
      }
      // Both kinds are covered.
      expect(errors).toBeGreaterThan(100);
      expect(errors).toBeLessThan(all.length - 100);
    });
  }

  it("falls back to the full parse for texts not starting with the prefix", () => {
    const prefix = parsePrefix(ALERT_TEMPLATE_HEADER);
    for (const t of texts) {
      expect(outcome(() => parseTemplates("t", t, hasFunction, prefix))).toStrictEqual(outcome(() => parseTemplates("t", t, hasFunction)));
    }
  });
});
