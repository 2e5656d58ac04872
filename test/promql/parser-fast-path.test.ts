/**
 * parsePromQL reads the commonest expressions with a hand-written parser
 * (parseSimplePromQL) and leaves everything else to the lezer grammar. The
 * fast path must build exactly the tree lezer builds (positions and key order
 * included) and must never accept what lezer rejects: every text here is
 * parsed both ways and the outcomes compared.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parsePromQL, parsePromQLWithLezer, PromQLParseError } from "../../src/promql/parser.js";
import { parseSimplePromQL } from "../../src/promql/parser-fast.js";
import { sharedPath, itWithShared } from "../support/shared.js";
import { REPO_ROOT } from "../support/tools.js";
import { randomEdits } from "../support/random.js";

type Outcome = { tree: string } | { error: string };

/** JSON with NaN, infinities and undefined spelled out, keys in insertion order. */
function serialize(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) return `<${String(v)}>`;
    if (typeof v === "number" && Object.is(v, -0)) return "<-0>";
    if (v === undefined) return "<undefined>";
    return v;
  });
}

function outcome(parse: (s: string) => unknown, text: string): Outcome {
  try {
    return { tree: serialize(parse(text)) };
  } catch (e) {
    if (e instanceof PromQLParseError) return { error: `${e.message} ${serialize(e.pos)}` };
    return { error: `throws ${String(e)}` };
  }
}

/** Compares both paths on every text; returns how many took the fast path. */
function compareAll(texts: Iterable<string>): { fast: number; total: number; mismatches: string[] } {
  let fast = 0;
  let total = 0;
  const mismatches: string[] = [];
  for (const text of new Set(texts)) {
    total++;
    if (parseSimplePromQL(text) !== undefined) fast++;
    const a = outcome(parsePromQL, text);
    const b = outcome(parsePromQLWithLezer, text);
    if (serialize(a) !== serialize(b)) mismatches.push(`${JSON.stringify(text)}\n  fast:  ${serialize(a)}\n  lezer: ${serialize(b)}`);
  }
  return { fast, total, mismatches };
}

const EDGE_CASES = [
  "foo",
  "foo:bar:baz",
  ":foo",
  "_",
  "foo{}",
  "{}",
  'foo{a="b"}',
  'foo{a="b",}',
  'foo{a="b" , c!="d" ,}',
  'foo { a = "b" }',
  ' foo{a="b"} ',
  '\n\tfoo{a="b"}\n',
  'foo{a="b"}[5m]',
  'foo{a="b"} [5m]',
  'foo{a="b"}[ 5m ]',
  'foo{a="b"}[1h30m]',
  'foo{a="b"}[5m:1m]',
  "foo[5m : 1m ]",
  "foo[ 5m:1m]",
  "rate(foo[5m])[30m:1m]",
  "(foo + bar)[5m:]",
  "sum(foo)[1h:5m]",
  "foo[5m][5m:]",
  "foo[5m:1m][5m:]",
  "foo[5m:1m] offset 5m",
  "1[5m:]",
  '"a"[5m:]',
  "foo[5m:1m:1m]",
  "foo[5m::]",
  "foo[:5m]",
  "a * b[5m:]",
  "a * b[5m:1m] + c",
  "-a[5m:]",
  "foo[5m:0s]",
  "foo[0s:1m]",
  "foo[5m:1m]@100",
  "foo[5m:1]",
  "foo[5m:-1m]",
  "foo[5m:1m",
  "foo offset 5m[5m:]",
  "max_over_time(rate(foo[5m])[1h:])",
  "sum_over_time(x[30d:5m]) / sum_over_time(y[30d:5m])",
  'foo{a="b"}[5m:]',
  'foo{a="b"}[5m][5m]',
  "foo[5]",
  "foo[0s]",
  "foo[5m] offset 1m",
  "foo offset 5m",
  "foo offset 5m offset 1m",
  "foo offset 1h30m",
  "foo offset 0s",
  "foo offset 5",
  "foo offset -5m",
  "foo offset 5m[5m]",
  "foo offset 5m [5m]",
  "foo[5m] offset 5m",
  "rate(foo[5m] offset 1w)",
  "foo OFFSET 5m",
  "foo Offset 5m",
  "foo offset5m",
  "foo offset",
  "foo offset 5m @ 100",
  "foo @ 100 offset 5m",
  "sum(foo) offset 5m",
  "rate(foo[5m]) offset 5m",
  "(foo) offset 5m",
  "1 offset 5m",
  "foo offset 5m + bar offset 1h",
  "2 * foo offset 5m",
  "foo{a=\"b\"} offset 5m or 2 * foo",
  "foo offset 5m.5",
  "foo offset 5m:",
  "foo offset 5m5s5ms",
  "foo[5m:1m] offset 5m",
  "foo @ 100",
  "foo @ start()",
  "foo[5m] @ end()",
  "foo[5m5s]",
  "foo[5ms]",
  "foo[1y2w3d4h5m6s7ms]",
  "foo[5m1h]",
  "foo[99999999999999999y]",
  "foo[$window]",
  "foo[5m",
  "foo[]",
  'foo{a="b\\"c"}',
  'foo{a="b\\nc"}',
  'foo{a="\\u00e9"}',
  'foo{a="\\\\"}',
  'foo{a="\\x41\\377\\101"}',
  'foo{a="\\xff"}',
  'foo{a="\\q"}',
  'foo{a="\\"}',
  'foo{a="a\\',
  'foo{a="\\\n"}',
  "foo{a='\\''}",
  "foo{a='\\\"'}",
  'foo{le=~"0\\\\.10*"}',
  'foo{le=~"1(\\\\.0+)?"}',
  'foo{le=~"\\\\"}',
  'foo{le=~"\\\\d+"}',
  'foo{le=~"\\\\p{L}"}',
  'foo{a="\\U0001F600"}',
  'foo{a="\\ud800"}',
  "foo{a='b'}",
  "foo{a='b\"c'}",
  "foo{a=`b`}",
  "foo{a=`b\\`}",
  'foo{a="é"}',
  'foo{a="日本"}',
  'foo{a="b}',
  'foo{a="b\nc"}',
  'foo{a=~"5.."}',
  'foo{a=~"("}',
  'foo{a!~"x|y"}',
  'foo{a=~""}',
  'foo{a!=""}',
  'foo{a=""}',
  '{a=""}',
  '{a!=""}',
  '{__name__="foo"}',
  '{__name__=~"foo|bar"}',
  'foo{__name__="bar"}',
  '{"my.metric"}',
  '{"my.metric", a="b"}',
  '{"a.b"="c"}',
  'foo{"a.b"="c"}',
  'foo{offset="1"}',
  'foo{on="1", bool="2", by="3", without="4", sum="5", rate="6", and="7", inf="8", nan="9", start="x", end="y"}',
  'foo{ignoring="a", group_left="b", group_right="c", atan2="d", unless="e", or="f", anchored="g", smoothed="h"}',
  'foo{le="0.5"}',
  'foo{a:b="c"}',
  'foo{1a="c"}',
  'foo{a="b" c="d"}',
  'foo{a=="b"}',
  'foo{a~"b"}',
  "foo{a}",
  "foo{,}",
  'foo{a="b"}{c="d"}',
  "offset",
  "bool",
  "on",
  "by",
  "without",
  "sum",
  "SUM",
  "rate",
  "inf",
  "Inf",
  "NaN",
  "nan",
  "start",
  "end",
  "step",
  "range",
  "atan2",
  "anchored",
  "smoothed",
  "fill",
  "and",
  "or",
  "unless",
  "group_left",
  "Offset{a=\"b\"}",
  'rate{a="b"}',
  'sum{a="b"}',
  'by{a="b"}',
  'on{a="b"}',
  "foo_bar()",
  "foo ()",
  "rate",
  "rate()",
  "rate(foo)",
  "rate(foo[5m])",
  "rate(foo[5m],)",
  "rate ( foo [5m] )",
  "rate(foo[5m]) offset 1m",
  "RATE(foo[5m])",
  "time()",
  "time( )",
  "vector(1)",
  "scalar(foo)",
  "abs(foo)",
  "abs(foo[5m])",
  "histogram_quantile(0.99, sum by (le) (rate(foo_bucket[5m])))",
  "histogram_quantile(0.99, sum(rate(foo_bucket[5m])) by (le))",
  "clamp(foo, 0, 1)",
  "clamp_min(foo, 0)",
  "round(foo)",
  "round(foo, 0.5)",
  "quantile_over_time(0.9, foo[5m])",
  "absent(foo)",
  "absent_over_time(foo[5m])",
  "label_replace(foo, \"a\", \"b\", \"c\", \"d\")",
  "sum(foo)",
  "sum (foo)",
  "sum by (a) (foo)",
  "sum by(a,b)(foo)",
  "sum by (a,) (foo)",
  "sum by () (foo)",
  "sum without (a) (foo)",
  "sum(foo) by (a)",
  "sum(foo) without (a)",
  "sum by (a) (foo) by (b)",
  "sum(foo) by (a) + 1",
  "sum by (le, job) (rate(foo[5m])) / sum by (job) (rate(bar[5m]))",
  "sum by (\"a.b\") (foo)",
  "sum by (a:b) (foo)",
  "sum by (on, bool, offset) (foo)",
  "sum(foo, bar)",
  "sum()",
  "sum(1)",
  "sum(foo[5m])",
  "sum(\"a\")",
  "count(foo)",
  "group(foo)",
  "stddev(foo)",
  "stdvar(foo)",
  "avg(foo)",
  "min(foo)",
  "max(foo)",
  "topk(3, foo)",
  "quantile(0.9, foo)",
  "count_values(\"a\", foo)",
  "Sum(foo)",
  "sum BY (a) (foo)",
  "1",
  "0",
  "0.5",
  "01",
  "1.",
  ".5",
  "1e3",
  "1_000",
  "0x1f",
  "5m",
  "100 * foo",
  "100*foo",
  "foo * 100",
  "1 + 2",
  "1 + 2 * 3",
  "1 * 2 + 3",
  "2 ^ 3 ^ 2",
  "(2 ^ 3) ^ 2",
  "2 ^ 3 * 4",
  "2 * 3 ^ 4",
  "1 - 2 - 3",
  "1 / 2 / 3",
  "1 % 2",
  "1 > 2",
  "1 > bool 2",
  "foo > 2",
  "foo > bool 2",
  "foo >= 2",
  "foo <= 2",
  "foo < 2",
  "foo == 2",
  "foo != 2",
  "foo == bool 2",
  "foo > 2 < 3",
  "foo + bar * baz - qux / quux",
  "foo + bar > 3 * baz",
  "foo and bar",
  "foo and bar or baz",
  "foo or bar and baz",
  "foo unless bar and baz or qux unless quux",
  "a > 1 and b < 2 or c",
  "a > 1 and b < 2 or c / 2 > 3",
  "foo AND bar",
  "foo Or bar",
  "foo andx",
  "foo and",
  "and foo",
  "foo or or",
  "foo and on() bar",
  "foo and ignoring(a) bar",
  "foo or bool bar",
  "foo or vector(0)",
  "(sum(increase(foo{code=~\"5..\"}[1h])) or vector(0)) / sum(increase(foo[1h]))",
  "1 and foo",
  "foo and 1",
  "1 or 2",
  "foo and(bar)",
  "foo or(bar)",
  "foo unless(bar)",
  "foo or-1",
  "foo{a=\"b\"}or bar",
  "foo[5m] or bar",
  "rate(foo[5m]) and on bar",
  "foo or bar",
  "foo unless bar",
  "foo + on (a) bar",
  "foo + ignoring (a) bar",
  "foo * on (a) group_left bar",
  "foo atan2 bar",
  "foo </ bar",
  "foo >/ bar",
  "foo - -1",
  "foo - - 1",
  "foo + -bar",
  "foo * +1",
  "-foo",
  "-1",
  "+1",
  "- 1",
  "-1 ^ 2",
  "1 - 1",
  "1 -1",
  "foo -1",
  "foo-1",
  "foo- 1",
  "(foo)",
  "((foo))",
  "( foo )",
  "(foo",
  "foo)",
  "(foo)[5m]",
  "(foo[5m])",
  "(1 + 2) * 3",
  "1 + (2 * 3)",
  "(foo + bar) / baz",
  "foo + bar[5m]",
  "rate(foo[5m]) + bar[5m]",
  "foo[5m] + 1",
  "foo # comment",
  "foo # comment\n+ bar",
  "foo{a=\"#\"}",
  "foo\u00a0+ bar",
  "foo\r\n+ bar",
  "foo\t+\tbar",
  "",
  " ",
  "#",
  "foo bar",
  "foo +",
  "+ foo",
  "foo ++ bar",
  "foo{a=\"b\"} foo",
  "foo,",
  "sum(rate(e_total{job=\"svc-000\"}[5m])) / sum(rate(r_total{job=\"svc-000\"}[5m]))",
  "sum(rate(e_total{job=\"svc-000\"}[7777777s])) / sum(rate(r_total{job=\"svc-000\"}[7777777s]))",
  "100 * avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\", group=\"0-0\"}[5m]))",
  "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))",
  "http_requests_total{job=\"svc-000\", handler=\"/h0\", code=~\"5..\"}",
  "rate(foo[5m]) > 0.5",
  "1 > 2 > 3",
  "foo > 1 == 2",
  "rate(foo[1m]) * 60",
  "scalar(foo) + 1",
  "time() - foo",
  "vector(1) and foo",
  "foo{a=\"b\"}[5m] * 2",
  "sum(foo[5m]) by (a)",
  "sum_over_time(foo[5m]) / count_over_time(foo[5m])",
];

/** Selector texts built from parts, every way they combine. */
function generated(): string[] {
  const names = ["", "foo", "http_requests_total", "a:b", "_x1", "job:rate5m"];
  const labels = ["job", "code", "le", "_a", "x1", "instance"];
  const ops = ["=", "!=", "=~", "!~"];
  const values = ["", "svc-000", "5..", "/h0", "a|b", ".*", "é", "a b", "{x}", "(", "a'b", "#", "a\\\\.b", "\\\"q\\\"", "\\n"];
  const spaces = ["", " ", "\n"];
  const out: string[] = [];
  let k = 0;
  for (const name of names) {
    for (let n = 0; n <= 3; n++) {
      for (const sp of spaces) {
        const ms: string[] = [];
        for (let j = 0; j < n; j++) {
          const v = values[(k + j * 5) % values.length]!;
          ms.push(`${labels[(k + j) % labels.length]}${sp}${ops[(k + 2 * j) % ops.length]}${sp}"${v}"`);
        }
        k++;
        const sel = n === 0 && name !== "" && k % 2 === 0 ? name : `${name}{${sp}${ms.join(`,${sp}`)}${sp}}`;
        out.push(sel, `${sel}[5m]`, `rate(${sel}[5m])`, `sum by (job) (rate(${sel}[1h]))`, `${sel} > 0`, `1 - ${sel} / 2`, `${sel} or vector(0)`, `${sel} > 1 and ${sel} unless ${sel}`, `${sel} offset 5m`, `rate(${sel}[5m] offset 1h)`, `sum_over_time(${sel}[1d:5m])`);
      }
    }
  }
  return out;
}

/** Expressions from the PromQL conformance scripts. */
function conformanceExpressions(): string[] {
  const dir = sharedPath("conformance", "promql");
  const out: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".test"))) {
    for (const line of readFileSync(path.join(dir, file), "utf8").split("\n")) {
      const m = /^\s*eval(?:_\w+)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/.exec(line);
      if (m) out.push(m[1]!);
    }
  }
  return out;
}

/** Every string in the example workspace's specs, with `$window` read both ways validation reads it. */
function exampleStrings(): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") out.push(v, v.trim(), v.split("$window").join("5m"), v.split("$window").join("7777777s"));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(visit);
  };
  for (const dir of ["slos", "alerts"]) {
    for (const file of readdirSync(path.join(REPO_ROOT, dir))) {
      if (/\.ya?ml$/.test(file)) visit(parseYaml(readFileSync(path.join(REPO_ROOT, dir, file), "utf8")));
    }
  }
  return out;
}

describe("parsePromQL fast path", () => {
  it("builds the lezer tree, or the lezer error, for edge cases", () => {
    const r = compareAll(EDGE_CASES);
    expect(r.mismatches).toEqual([]);
    expect(r.fast).toBeGreaterThan(80);
  });

  it("reads subqueries and on/ignoring matching itself (monac's SLO rules are made of them)", () => {
    const texts = [
      'sum_over_time(slo:sli_errors:increase5m{service="a", slo="b"}[30d:5m])',
      "foo[1h30m:]",
      "a > 1 and on() b",
      "a / on(job, instance) b",
      "a + ignoring(le) b",
      "a and on () sum(increase(x[1h])) > 10",
    ];
    for (const t of texts) expect(parseSimplePromQL(t), t).toBeDefined();
    expect(compareAll(texts).mismatches).toEqual([]);
  });

  it("builds the lezer tree for generated selectors and expressions", () => {
    const texts = generated();
    const r = compareAll(texts);
    expect(r.mismatches).toEqual([]);
    expect(r.fast).toBeGreaterThan(r.total / 2);
  });

  it("builds the lezer tree for the example workspace's expressions", () => {
    const r = compareAll(exampleStrings());
    expect(r.mismatches).toEqual([]);
    expect(r.fast).toBeGreaterThan(10);
  });

  it("builds the lezer tree for every prefix and cut of some expressions", () => {
    const seeds = [
      'sum by (job) (rate(http_requests_total{job="api", code=~"5.."}[5m])) / 100 > 0.5',
      "histogram_quantile(0.99, sum(rate(foo_bucket{a='b'}[1h30m])) by (le))",
      "(1 + 2) * 3 ^ 2 - clamp(foo, 0, 1)",
      "x / 0.5 > 14.4 and y > 1 or (sum(z) or vector(0)) unless w",
    ];
    const texts: string[] = [];
    for (const s of seeds) {
      for (let i = 0; i <= s.length; i++) {
        texts.push(s.slice(0, i), s.slice(i), s.slice(0, i) + s.slice(i + 1));
      }
    }
    const r = compareAll(texts);
    expect(r.mismatches).toEqual([]);
  });

  it("builds the lezer tree, or the lezer error, for random edits of fast-path expressions", () => {
    const seeds = [...EDGE_CASES, ...generated()].filter((t) => parseSimplePromQL(t) !== undefined);
    const texts = randomEdits(seeds, ' \n()[]{},:"\'`\\=!~<>+-*/^%#@.0123456789abdmorsy_', 6000, 12345);
    const r = compareAll(texts);
    expect(r.mismatches).toEqual([]);
    expect(r.fast).toBeGreaterThan(1000);
  });

  itWithShared(sharedPath("conformance", "promql"), "builds the lezer tree for the PromQL conformance scripts' expressions", () => {
    const texts = conformanceExpressions();
    const r = compareAll(texts);
    expect(r.mismatches).toEqual([]);
    expect(r.total).toBeGreaterThan(500);
    expect(r.fast).toBeGreaterThan(100);
  });
});
