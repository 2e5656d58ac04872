// Threshold alerts alike up to a label value share the evaluation that checks
// a reused solution (threshold-relabel.ts argues why that is sound). Here:
// which problems count as alike, that alike problems do evaluate alike on the
// engine, and that sharing changes no generated test.
import { afterEach, describe, expect, it, vi } from "vitest";
import { allMatchers, walk, type Expr } from "../../src/promql/ast.js";
import { Engine } from "../../src/promql/engine.js";
import { Labels } from "../../src/promql/labels.js";
import { SeriesStore } from "../../src/promql/storage.js";
import { parseExpression } from "../../src/promql/syntax.js";
import { THRESHOLD_TEST_STEP_MS } from "../../src/compile/rule-tests/index.js";
import { newGenerationContext } from "../../src/compile/rule-tests/generation-context.js";
import { labelsMatching, type LabelSet } from "../../src/compile/rule-tests/synthetic-labels.js";
import { relabelView } from "../../src/compile/rule-tests/threshold-relabel.js";
import { seriesText } from "../../src/compile/rule-tests/rule-test-file.js";
import { thresholdTests } from "../../src/compile/rule-tests/threshold-tests.js";
import { modelFrom } from "../support/workspace.js";

const MINUTE = 60_000;

/** The expression and the generator's synthetic series labels for it (one per distinct selector). */
function problem(text: string): { expr: Expr; series: LabelSet[] } {
  const expr = parseExpression(text);
  if (!expr) throw new Error(`does not parse: ${text}`);
  const series: LabelSet[] = [];
  walk(expr, (node) => {
    if (node.type !== "VectorSelector") return;
    const labels = labelsMatching(allMatchers(node), { instance: "test-instance" });
    if (labels && !series.some((s) => seriesText(s) === seriesText(labels))) series.push(labels);
  });
  return { expr, series };
}

function key(text: string): string | undefined {
  const p = problem(text);
  return relabelView(p.expr, p.series)?.key;
}

/** Evaluates on the series, the i-th growing by a non-round step per minute. */
function evaluate(p: { expr: Expr; series: LabelSet[] }, atMs: number) {
  const store = new SeriesStore();
  p.series.forEach((labels, i) => {
    const l = Labels.from(labels);
    for (let k = 0; k <= 30; k++) store.append(l, k * MINUTE, k * (0.37 + i * 1.13));
  });
  try {
    const r = new Engine(store).instantQuery(p.expr, atMs).value;
    if (r.type === "scalar") return [{ labels: {}, value: r.v }];
    if (r.type !== "vector") return "not a vector";
    return r.samples.map((s) => ({ labels: Object.fromEntries(s.metric.entries()) as Record<string, string>, value: s.v }));
  } catch (e) {
    return `error: ${(e as Error).message.split(":")[0]}`;
  }
}

describe("problems alike up to label values", () => {
  it("are alike when only equality-matched values differ, one-to-one", () => {
    const cpu = (g: string) => `100 * avg by (instance) (rate(node_cpu_seconds_total{mode="idle", group="${g}"}[5m]))`;
    expect(key(cpu("0-0"))).toBeDefined();
    expect(key(cpu("0-0"))).toBe(key(cpu("17-3")));
    expect(key('x{g="a"} / y{g="b"}')).toBe(key('x{g="c"} / y{g="d"}'));
    expect(key('x{g="a"} / y{g="a"}')).toBe(key('x{g="c"} / y{g="c"}'));
    // The same value twice is not two values.
    expect(key('x{g="a"} / y{g="a"}')).not.toBe(key('x{g="a"} / y{g="b"}'));
    expect(key('sum by (g) (x{g="a"} or x{g="b"})')).not.toBe(key('sum by (g) (x{g="c"} or x{g="c"})'));
    // Values of different labels are renamed separately: no label's value meets another's.
    expect(key('x{g="a", h="a"}')).toBe(key('x{g="a", h="b"}'));
  });

  it("are not alike when anything else differs", () => {
    expect(key('rate(x{g="a"}[5m])')).not.toBe(key('rate(x{g="b"}[10m])'));
    expect(key('x{g="a"} > 1')).not.toBe(key('x{g="b"} > 2'));
    expect(key('x{g="a"} / 0')).not.toBe(key('x{g="a"} / -0'));
    expect(key('x{g="a"} * NaN')).not.toBe(key('x{g="a"} * Inf'));
    expect(key('sum by (g) (x{g="a"})')).not.toBe(key('sum by (h) (x{g="a"})'));
    expect(key('x{g="a", h=~"1|2"}')).not.toBe(key('x{g="a", h=~"1|3"}'));
    expect(key('x{g="a"}')).not.toBe(key('y{g="a"}'));
  });

  it("are not looked for when a label value is read otherwise than by an equality", () => {
    // g is also matched by != and by a regex: its values matter beyond selecting.
    expect(key('x{g="a"} / ignoring(g) x{g!="b"}')).toBeUndefined();
    expect(key('x{g="a"} or x{g=~"a|b"}')).toBeUndefined();
    // Empty is "absent", not a value.
    expect(key('x{g=""}')).toBeUndefined();
    // le is parsed as a number; metric names are not renamed.
    expect(key('x{le="0.5"}')).toBeUndefined();
    expect(key('{__name__="x"}')).toBeUndefined();
    // String literals build or read label values.
    expect(key('label_replace(x{g="a"}, "h", "$1", "g", "(.)")')).toBeUndefined();
    expect(key('count_values("v", x{g="a"})')).toBeUndefined();
    // The key joins labels with \xff: values holding it could collide.
    expect(key('x{g="a\xffb"}')).toBeUndefined();
  });

  // The claim the sharing rests on, checked on the engine: alike problems
  // evaluate to the same floats in the same order, labels renamed.
  const pairs: [string, string][] = [
    ['100 * avg by (instance) (rate(node_cpu_seconds_total{mode="idle", group="0-0"}[5m]))', '100 * avg by (instance) (rate(node_cpu_seconds_total{mode="busy", group="9-9"}[5m]))'],
    ['sum by (g) (x{g="b"} or x{g="a"} or y{g="c"})', 'sum by (g) (x{g="y"} or x{g="z"} or y{g="a"})'],
    ['x{g="b"} or x{g="a"} or x{g="c"}', 'x{g="z"} or x{g="y"} or x{g="a"}'],
    ['sum(x{g="b"} or x{g="a"} or y{g="c"}) / count(x{g="b"} or y{g="c"})', 'sum(x{g="2"} or x{g="10"} or y{g="1"}) / count(x{g="2"} or y{g="1"})'],
    ['x{g="a"} / on(g) y{g="a"}', 'x{g="q"} / on(g) y{g="q"}'],
    ['x{g="a"} / on(g) y{g="b"}', 'x{g="q"} / on(g) y{g="p"}'],
    ['x{g="a"} / ignoring(g) y{g="b"}', 'x{g="q"} / ignoring(g) y{g="p"}'],
    ['x{g="a", h="1"} * on(g) group_left(h) y{g="a"}', 'x{g="b", h="0"} * on(g) group_left(h) y{g="b"}'],
    ['topk(2, x{g="b"} or x{g="a"} or x{g="c"})', 'topk(2, x{g="c"} or x{g="a"} or x{g="b"})'],
    ['absent(x{g="a"}) or vector(1)', 'absent(x{g="zz"}) or vector(1)'],
    ['x{g="a"} unless y{g="a"}', 'x{g="b"} unless y{g="b"}'],
    ['max without (instance) (x{g="a", h="b"} + y{g="a", h="c"})', 'max without (instance) (x{g="c", h="a"} + y{g="c", h="b"})'],
    ['x{g="a"} + x{g="b"}', 'x{g="c"} + x{g="d"}'],
  ];
  it.each(pairs)("%s evaluates as %s, relabelled", (a, b) => {
    const pa = problem(a);
    const pb = problem(b);
    const va = relabelView(pa.expr, pa.series)!;
    const vb = relabelView(pb.expr, pb.series)!;
    expect(va).toBeDefined();
    expect(vb.key).toBe(va.key);
    for (const atMs of [5 * MINUTE, 20 * MINUTE]) {
      const ra = evaluate(pa, atMs);
      const rb = evaluate(pb, atMs);
      if (typeof ra === "string") {
        expect(rb).toBe(ra);
        continue;
      }
      const mapped = ra.map((s) => ({ labels: vb.fromCanonical(va.toCanonical(s.labels)!), value: s.value }));
      expect(rb).toEqual(mapped);
      // Bit for bit, not merely close.
      expect(Array.isArray(rb) && rb.every((s, i) => Object.is(s.value, mapped[i]!.value))).toBe(true);
    }
  });
});

describe("shared re-check evaluations", () => {
  afterEach(() => vi.restoreAllMocks());

  const ALERTS = `service: infra
team: shop
alerts:
${[
  ...["0-0", "0-1", "7-3", "a", "b"].map((g, i) => ({ name: `Cpu${i}`, expr: `100 * avg by (instance) (rate(node_cpu_seconds_total{mode="idle", group="${g}"}[5m]))` })),
  // Alike in shape, not in values: the second selects both series, the first one.
  { name: "NotEqualA", expr: 'sum(x{g="a"}) + sum(x{g!="b"})' },
  { name: "NotEqualB", expr: 'sum(x{g="b"}) + sum(x{g!="b"})' },
  // Alike if a regex were a value to rename, but the third's regex selects both series.
  { name: "RegexA", expr: 'sum(x{g="a"}) + sum(x{g=~"b|c"})' },
  { name: "RegexB", expr: 'sum(x{g="p"}) + sum(x{g=~"q|r"})' },
  { name: "RegexC", expr: 'sum(x{g="d"}) + sum(x{g=~"e|d"})' },
  // The same value twice, then two values: one series, then two.
  { name: "TwiceA", expr: 'sum(x{g="a"} or y{g="a"}) * 3.7' },
  { name: "TwiceB", expr: 'sum(x{g="a"} or y{g="b"}) * 3.7' },
  { name: "GroupA", expr: 'max(sum by (g) (rate(x{g="a"}[5m]) or rate(y{g="b"}[5m])))' },
  { name: "GroupB", expr: 'max(sum by (g) (rate(x{g="c"}[5m]) or rate(y{g="d"}[5m])))' },
]
  .map((a) => `  - name: ${a.name}\n    expr: '${a.expr}'\n    warning: 80\n    critical: 90\n    for: 5m\n    description: "{{ $value }} {{ $labels }}"`)
  .join("\n")}
`;

  it("generates exactly what checking each reuse by its own evaluation generates", async () => {
    const model = modelFrom({ "alerts/infra.yaml": ALERTS });
    expect(model.thresholds.length).toBe(14);
    const shared = newGenerationContext();
    for (const alert of model.thresholds) {
      // The same solutions to reuse, but a new context: no evaluation to share, every reuse evaluated.
      const own = { ...newGenerationContext(), thresholdSolutions: new Map(shared.thresholdSolutions) };
      const evaluated = await thresholdTests(alert, THRESHOLD_TEST_STEP_MS, own);
      const together = await thresholdTests(alert, THRESHOLD_TEST_STEP_MS, shared);
      expect([alert.name, together]).toEqual([alert.name, evaluated]);
      expect([alert.name, together.notes]).toEqual([alert.name, []]);
      expect(together.groups.length).toBe(3);
    }
  });

  it("evaluates a reused solution once for all alerts alike", async () => {
    const model = modelFrom({ "alerts/infra.yaml": ALERTS });
    const cpu = model.thresholds.filter((a) => a.name.startsWith("Cpu"));
    const ctx = newGenerationContext();
    const spy = vi.spyOn(Engine.prototype, "instantQuery");
    const calls: number[] = [];
    for (const alert of cpu) {
      const before = spy.mock.calls.length;
      const r = await thresholdTests(alert, THRESHOLD_TEST_STEP_MS, ctx);
      expect(r.groups.length).toBe(3);
      calls.push(spy.mock.calls.length - before);
    }
    // Solved by the first, checked by evaluation for the second, shared by the rest.
    expect(calls[0]).toBeGreaterThan(3);
    expect(calls[1]).toBe(3);
    expect(calls.slice(2)).toEqual([0, 0, 0]);
  });
});
