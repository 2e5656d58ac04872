import { describe, expect, it } from "vitest";
import { parsePromQL, PromQLParseError, tryParsePromQL } from "../../src/promql/parser.js";
import { printPromQL } from "../../src/promql/printer.js";

function roundTrip(src: string): string {
  return printPromQL(parsePromQL(src));
}

function parseError(src: string): PromQLParseError {
  const r = tryParsePromQL(src);
  if (r.ok) throw new Error(`expected ${src} to fail`);
  return r.error;
}

describe("parsePromQL", () => {
  it.each([
    ["1", "1"],
    ["-1.5e3", "-1500"],
    ["0x1f", "31"],
    ["010", "8"],
    ["+Inf", "Inf"],
    ["-inf", "-Inf"],
    ["nan", "NaN"],
    ["1m", "1m"],
    ['"a\\nb"', '"a\\nb"'],
    ["`raw\\n`", '"raw\\\\n"'],
    ["'single'", '"single"'],
    ["foo", "foo"],
    ['foo{b="2",a=~"x.*"}', 'foo{a=~"x.*",b="2"}'],
    ['{__name__="foo"}', '{__name__="foo"}'],
    ['{"utf8.metric"}', '{__name__="utf8.metric"}'],
    ["foo[5m]", "foo[5m]"],
    ["foo[90s]", "foo[1m30s]"],
    ["foo[5]", "foo[5s]"],
    ["foo offset 5m", "foo offset 5m"],
    ["foo offset -5m", "foo offset -5m"],
    ["foo @ 100", "foo @ 100.000"],
    ["foo @ start()", "foo @ start()"],
    ["foo[5m] @ end() offset 1h", "foo[5m] @ end() offset 1h"],
    ["foo offset 1h @ 10", "foo @ 10.000 offset 1h"],
    ["rate(foo[5m])[30m:1m]", "rate(foo[5m])[30m:1m]"],
    ["foo[30m:]", "foo[30m:]"],
    ["foo[30m:] offset 2m @ 5", "foo[30m:] @ 5.000 offset 2m"],
    ["-foo", "-foo"],
    ["a + b * c", "a + b * c"],
    ["(a + b) * c", "(a + b) * c"],
    ["a > bool 1", "a > bool 1"],
    ["1 == bool 2", "1 == bool 2"],
    ["a / on(x, y) group_left(z) b", "a / on (x, y) group_left (z) b"],
    ["a - ignoring(x) group_right b", "a - ignoring (x) group_right () b"],
    ["a and b", "a and b"],
    ["a or on() b", "a or on () b"],
    ["a unless ignoring(x) b", "a unless ignoring (x) b"],
    ["sum(foo)", "sum(foo)"],
    ["sum by (job) (foo)", "sum by (job) (foo)"],
    ["sum(foo) by (job)", "sum by (job) (foo)"],
    ["avg without (a, b) (foo)", "avg without (a, b) (foo)"],
    ["topk(3, foo)", "topk(3, foo)"],
    ['count_values("v", foo)', 'count_values("v", foo)'],
    ["quantile(0.9, foo)", "quantile(0.9, foo)"],
    ['label_replace(foo, "a", "$1", "b", "(.*)")', 'label_replace(foo, "a", "$1", "b", "(.*)")'],
    ["time()", "time()"],
    ["round(foo)", "round(foo)"],
    ["round(foo, 5)", "round(foo, 5)"],
    ["histogram_quantile(0.9, rate(x_bucket[5m]))", "histogram_quantile(0.9, rate(x_bucket[5m]))"],
    ["foo[5m+1m]", "foo[5m + 1m]"],
    ["foo offset (1m*2)", "foo offset (1m * 2)"],
    ["2 ^ 3 ^ 2", "2 ^ 3 ^ 2"],
    ["sum(x) # comment", "sum(x)"],
  ])("%s prints as %s", (src, printed) => {
    expect(roundTrip(src)).toBe(printed);
  });

  it("builds the expected AST shape", () => {
    const e = parsePromQL('sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m))');
    expect(e.type).toBe("AggregateExpr");
    if (e.type !== "AggregateExpr") return;
    expect(e.op).toBe("sum");
    expect(e.grouping).toEqual(["job"]);
    const call = e.expr;
    expect(call.type).toBe("Call");
    if (call.type !== "Call") return;
    const ms = call.args[0]!;
    expect(ms.type).toBe("MatrixSelector");
    if (ms.type !== "MatrixSelector") return;
    expect(ms.range).toBe(300_000);
    expect(ms.selector.offset).toBe(60_000);
    expect(ms.selector.matchers).toEqual([{ name: "code", op: "=~", value: "5.." }]);
  });

  it("folds the sign into number literals like Prometheus", () => {
    expect(parsePromQL("-5")).toMatchObject({ type: "NumberLiteral", value: -5 });
    expect(parsePromQL("-(5)")).toMatchObject({ type: "UnaryExpr", op: "-" });
  });

  it("computes durations with units", () => {
    const e = parsePromQL("x[1h30m]");
    expect(e).toMatchObject({ type: "MatrixSelector", range: 5_400_000 });
  });
});

describe("parse errors", () => {
  it.each([
    ["rate(foo[])", 1, 10, 'unexpected "]", expected a duration'],
    ["foo{a}", 1, 6, "unexpected \"}\", expected a label matching operator (=, !=, =~, !~)"],
    ["sum(foo", 1, 8, "unexpected end of input"],
    ["foo bar", 1, 5, 'unexpected "bar"'],
    ["rate(foo)", 1, 6, 'expected type range vector in call to function "rate", got instant vector'],
    ["abs(foo[5m])", 1, 5, 'expected type instant vector in call to function "abs", got range vector'],
    ["foo[5m] + 1", 1, 1, "binary expression must contain only scalar and instant vector types"],
    ["1 > 2", 1, 2, "comparisons between scalars must use BOOL modifier"],
    ["a + bool b", 1, 2, "bool modifier can only be used on comparison operators"],
    ["1 and foo", 1, 1, 'set operator "and" not allowed in binary scalar expression'],
    ["a and on(x) group_left b", 1, 1, 'no grouping allowed for "and" operation'],
    ["1 + on(x) foo", 1, 1, "vector matching only allowed between instant vectors"],
    ['{a=""}', 1, 1, "vector selector must contain at least one non-empty matcher"],
    ['foo{__name__="bar"}', 1, 1, 'metric name must not be set twice: "foo" or "bar"'],
    ["foo offset 1m offset 2m", 1, 1, "offset may not be set multiple times"],
    ["foo @ 1 @ 2", 1, 1, "@ <timestamp> may not be set multiple times"],
    ["(foo + bar) offset 1m", 1, 1, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"],
    ["nosuchfn(foo)", 1, 1, 'unknown function with name "nosuchfn"'],
    ["round()", 1, 1, 'expected at least 1 argument(s) in call to "round", got 0'],
    ["round(a, 1, 2)", 1, 1, 'expected at most 2 argument(s) in call to "round", got 3'],
    ["topk(foo)", 1, 1, "wrong number of arguments for aggregate expression provided, expected 2, got 1"],
    ['topk("a", foo)', 1, 6, "expected type scalar in aggregation parameter, got string"],
    ["sum(foo[5m])", 1, 5, "expected type instant vector in aggregation expression, got range vector"],
    ["foo[5m][5m:]", 1, 1, "subquery is only allowed on instant vector, got matrix instead"],
    ['"abc', 1, 1, "unterminated quoted string"],
    ['foo{a=~"("}', 1, 8, 'invalid regular expression'],
    ["foo[0s]", 1, 1, "duration must be greater than 0"],
    ["\n  sum(foo[]) ", 2, 11, 'unexpected "]", expected a duration'],
    ["", 1, 1, "unexpected end of input, expected an expression"],
  ])("%j fails at %i:%i", (src, line, column, reason) => {
    const err = parseError(src);
    expect(err).toBeInstanceOf(PromQLParseError);
    expect(err.reason).toContain(reason);
    expect([err.line, err.column]).toEqual([line, column]);
    expect(err.message).toBe(`${line}:${column}: ${err.reason}`);
  });

  it("parsePromQL throws the error", () => {
    expect(() => parsePromQL("sum(")).toThrow(PromQLParseError);
  });
});

describe("lezer grammar quirks", () => {
  // The lezer grammar attaches postfix modifiers to the whole preceding
  // expression; the converter must restore PromQL's binding.
  it.each([
    ["a + b @ 1 * 2", "a + b @ 1.000 * 2"],
    ["a @ 1 + b @ 2 * 0", "a @ 1.000 + b @ 2.000 * 0"],
    ["a * b offset 5m", "a * b offset 5m"],
    ["-a offset 5m", "-a offset 5m"],
    ["a / b offset 1m @ 2", "a / b @ 2.000 offset 1m"],
  ])("%s", (src, printed) => {
    expect(roundTrip(src)).toBe(printed);
  });

  it("binds the modifier to the rightmost operand", () => {
    const e = parsePromQL("a + b @ 1 * 2");
    expect(e).toMatchObject({
      type: "BinaryExpr",
      op: "+",
      lhs: { type: "VectorSelector", name: "a" },
      rhs: { type: "BinaryExpr", op: "*", lhs: { type: "VectorSelector", name: "b", at: { kind: "timestamp", ms: 1000 } } },
    });
  });

  it("rejects a range applied to a binary expression's vector operand only", () => {
    expect(() => parsePromQL("a * b[5m]")).toThrow("binary expression must contain only scalar and instant vector types");
  });

  it("accepts Go float syntax the grammar lacks", () => {
    expect(parsePromQL("2. + 1")).toMatchObject({ lhs: { value: 2 } });
  });

  it("treats aggregation keywords case-insensitively", () => {
    expect(parsePromQL("SUM BY (a) (x)")).toMatchObject({ type: "AggregateExpr", op: "sum", grouping: ["a"] });
  });
});
