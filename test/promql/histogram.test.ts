/**
 * The native histogram module: bucket bounds, iteration, equality, the
 * estimates and the `{{...}}` notation. Expected values come from Prometheus
 * (commit d15adb9ad7e5): each case names the Go test it is transcribed from;
 * the operation tables (Add, Sub, Mul, ...) are in
 * histogram-prometheus-cases.test.ts, the checks against Prometheus's test
 * scripts in histogram-conformance.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  type Bucket,
  CUSTOM_BUCKETS_SCHEMA,
  expandHistogramSeries,
  FloatHistogram,
  formatHistogram,
  getBound,
  getBoundExponential,
  histogramAvg,
  histogramFraction,
  histogramQuantile,
  histogramsMatch,
  histogramStdDev,
  histogramStdVar,
  HistogramNotationError,
  parseHistogramNotation,
} from "../../src/promql/histogram.js";

const sp = (...pairs: number[]): Array<{ offset: number; length: number }> => {
  const out = [];
  for (let i = 0; i < pairs.length; i += 2) out.push({ offset: pairs[i]!, length: pairs[i + 1]! });
  return out;
};

describe("bucket bounds (generic.go getBound)", () => {
  it("exponential schemas: bucket i's upper bound is 2^(i·2^-schema)", () => {
    expect(getBoundExponential(0, 0)).toBe(1);
    expect(getBoundExponential(1, 0)).toBe(2);
    expect(getBoundExponential(-1, 0)).toBe(0.5);
    expect(getBoundExponential(1, 1)).toBe(0.7071067811865475 * 2);
    expect(getBoundExponential(2, 1)).toBe(2);
    expect(getBoundExponential(1, -2)).toBe(16);
    expect(getBoundExponential(-1, -4)).toBe(2 ** -16);
    expect(getBoundExponential(1, 3)).toBe(0.5452538663326288 * 2);
    // Prometheus's table value; 2 ** (-3 / 256) is 0.9919100824251097.
    expect(getBoundExponential(-3, 8)).toBe(0.9919100824251095);
  });

  it("the largest finite bound is MaxFloat64, beyond it +Inf; tiny ones go subnormal then 0", () => {
    expect(getBoundExponential(1024, 0)).toBe(Number.MAX_VALUE);
    expect(getBoundExponential(1025, 0)).toBe(Infinity);
    expect(getBoundExponential(256, -2)).toBe(Number.MAX_VALUE);
    expect(getBoundExponential(-1074, 0)).toBe(5e-324);
    expect(getBoundExponential(-1075, 0)).toBe(0);
  });

  it("custom buckets: the custom values, -Inf below the first, +Inf past the last", () => {
    expect(getBound(-1, CUSTOM_BUCKETS_SCHEMA, [1, 2])).toBe(-Infinity);
    expect(getBound(0, CUSTOM_BUCKETS_SCHEMA, [1, 2])).toBe(1);
    expect(getBound(2, CUSTOM_BUCKETS_SCHEMA, [1, 2])).toBe(Infinity);
    expect(() => getBound(3, CUSTOM_BUCKETS_SCHEMA, [1, 2])).toThrow(/out of bounds/);
  });
});

describe("bucket iteration", () => {
  const b = (lower: number, upper: number, lowerInclusive: boolean, upperInclusive: boolean, count: number, index: number): Bucket => ({
    lower,
    upper,
    lowerInclusive,
    upperInclusive,
    count,
    index,
  });

  // TestFloatCustomBucketsIterators, both cases.
  it.each([
    {
      customValues: [10, 25, 50, 100, 500],
      exp: [b(-Infinity, 10, true, true, 100, 0), b(10, 25, false, true, 344, 1), b(50, 100, false, true, 123, 3), b(500, Infinity, false, true, 55, 5)],
    },
    {
      customValues: [-10, -5, 0, 10, 25],
      exp: [b(-Infinity, -10, true, true, 100, 0), b(-10, -5, false, true, 344, 1), b(0, 10, false, true, 123, 3), b(25, Infinity, false, true, 55, 5)],
    },
  ])("custom buckets $customValues (TestFloatCustomBucketsIterators)", ({ customValues, exp }) => {
    const h = new FloatHistogram({
      count: 622,
      sum: 10008.4,
      schema: CUSTOM_BUCKETS_SCHEMA,
      positiveSpans: sp(0, 2, 1, 1, 1, 1),
      positiveBuckets: [100, 344, 123, 55],
      customValues,
    });
    expect(h.iterAll()).toEqual(exp);
    expect(h.iterAllReverse()).toEqual([...exp].reverse());
    expect(h.iterPositive()).toEqual(exp);
    expect(h.iterPositiveReverse()).toEqual([...exp].reverse());
    expect(h.iterNegative()).toEqual([]);
    expect(h.iterNegativeReverse()).toEqual([]);
  });

  // TestFloatBucketIteratorTargetSchema, "regular".
  it("merges into a lower target schema (TestFloatBucketIteratorTargetSchema)", () => {
    const h = new FloatHistogram({
      count: 405,
      sum: 1008.4,
      schema: 1,
      positiveSpans: sp(0, 4, 1, 3, 2, 3),
      positiveBuckets: [100, 344, 123, 55, 3, 63, 2, 54, 235, 33],
      negativeSpans: sp(0, 3, 7, 4, 1, 3),
      negativeBuckets: [10, 34, 1230, 54, 67, 63, 2, 554, 235, 33],
    });
    expect(h.iterPositive(-1)).toEqual([b(0.25, 1, false, true, 100, 0), b(1, 4, false, true, 522, 1), b(4, 16, false, true, 68, 2), b(16, 64, false, true, 322, 3)]);
    expect(h.iterNegative(-1)).toEqual([
      b(-1, -0.25, true, false, 10, 0),
      b(-4, -1, true, false, 1264, 1),
      b(-64, -16, true, false, 184, 3),
      b(-256, -64, true, false, 791, 4),
      b(-1024, -256, true, false, 33, 5),
    ]);
  });

  it("iterAll: negative ascending, the zero bucket when populated, positive; bounds clipped to the zero threshold (AllBucketIterator)", () => {
    const h = new FloatHistogram({
      schema: 0,
      zeroThreshold: 0.6,
      zeroCount: 2,
      count: 7,
      positiveSpans: sp(-1, 2),
      positiveBuckets: [1, 2],
      negativeSpans: sp(0, 1),
      negativeBuckets: [2],
    });
    // Positive buckets -1 (0.25,0.5] and 0 (0.5,1]: both lower bounds are raised to 0.6, even past the upper bound.
    expect(h.iterAll()).toEqual([b(-1, -0.6, true, false, 2, 0), b(-0.6, 0.6, true, true, 2, 0), b(0.6, 0.5, false, true, 1, -1), b(0.6, 1, false, true, 2, 0)]);
    expect(h.iterAllReverse()).toEqual([b(0.6, 1, false, true, 2, 0), b(0.6, 0.5, false, true, 1, -1), b(-0.6, 0.6, true, true, 2, 0), b(-1, -0.6, true, false, 2, 0)]);
    expect(new FloatHistogram({ zeroThreshold: 1 }).iterAll()).toEqual([]);
  });
});

describe("equals (TestFloatHistogramEquals)", () => {
  const h1 = new FloatHistogram({ schema: 3, count: 2.2, sum: 9.7, zeroThreshold: 0.1, zeroCount: 1.1, positiveBuckets: [3], negativeBuckets: [4] });
  const eq = (a: FloatHistogram, c: FloatHistogram): void => {
    expect(a.equals(c)).toBe(true);
    expect(c.equals(a)).toBe(true);
  };
  const ne = (a: FloatHistogram, c: FloatHistogram): void => {
    expect(a.equals(c)).toBe(false);
    expect(c.equals(a)).toBe(false);
  };
  it("NaN equals only itself, custom values do not matter for exponential schemas", () => {
    eq(h1, h1.copy());
    for (const change of [{ count: NaN }, { zeroCount: NaN }, { positiveBuckets: [NaN] }, { negativeBuckets: [NaN] }]) {
      const h = h1.with(change);
      ne(h1, h);
      eq(h, h);
    }
    eq(h1, h1.with({ customValues: [1, 2, 3] }));
  });
  it("custom buckets: bounds, negative side and zero bucket matter", () => {
    const cbh1 = new FloatHistogram({ schema: CUSTOM_BUCKETS_SCHEMA, count: 2.2, sum: 9.7, positiveSpans: sp(0, 1), positiveBuckets: [3], customValues: [1, 2, 3] });
    expect(() => cbh1.validate()).not.toThrow();
    eq(cbh1, cbh1.copy());
    ne(cbh1, cbh1.with({ customValues: [1, 2, 3, 4] }));
    ne(cbh1, cbh1.with({ negativeSpans: sp(0, 1), negativeBuckets: [1] }));
    ne(cbh1, cbh1.with({ zeroThreshold: 0.1, zeroCount: 10 }));
  });
  it("empty spans are ignored, the hint is not compared, -0 differs from 0", () => {
    const a = new FloatHistogram({ positiveSpans: sp(0, 1, 0, 0), positiveBuckets: [1], counterResetHint: "gauge" });
    eq(a, new FloatHistogram({ positiveSpans: sp(0, 1), positiveBuckets: [1] }));
    ne(new FloatHistogram({ sum: 0 }), new FloatHistogram({ sum: -0 }));
  });
});

describe("immutability and errors", () => {
  it("operations return new histograms and leave their inputs alone", () => {
    const a = parseHistogramNotation("{{schema:1 count:4 sum:5 buckets:[1 0 3] z_bucket:1 z_bucket_w:0.5}}").histogram;
    const b = parseHistogramNotation("{{schema:0 count:2 sum:1 buckets:[1 1] offset:2}}").histogram;
    const before = JSON.stringify([a.toJSON(), b.toJSON()]);
    const r = a.add(b);
    a.sub(b);
    a.kahanAdd(b);
    a.mul(-2);
    a.div(0);
    a.compact(0);
    a.reduceResolution(0);
    b.detectReset(a);
    expect(JSON.stringify([a.toJSON(), b.toJSON()])).toBe(before);
    expect(r.ok && r.histogram).not.toBe(a);
  });

  it("mul/div by NaN make every count NaN; negative factors make a gauge; 0 divisor drops the buckets (float_histogram.go Mul/Div)", () => {
    const h = parseHistogramNotation("{{count:2 sum:3 z_bucket:1 buckets:[1] counter_reset_hint:not_reset}}").histogram;
    const m = h.mul(NaN);
    expect([m.count, m.sum, m.zeroCount, m.positiveBuckets[0]]).toEqual([NaN, NaN, NaN, NaN]);
    expect(m.counterResetHint).toBe("not-reset");
    expect(h.div(NaN).positiveBuckets).toEqual([NaN]);
    expect(h.mul(-1).counterResetHint).toBe("gauge");
    expect(h.div(-1).counterResetHint).toBe("gauge");
    const z = h.div(0);
    expect([z.count, z.sum, z.zeroCount, z.positiveSpans.length, z.positiveBuckets.length, z.counterResetHint]).toEqual([Infinity, Infinity, Infinity, 0, 0, "not-reset"]);
    expect(new FloatHistogram().div(0).count).toBeNaN();
  });

  it("detectReset: a switch from exponential to custom buckets is a reset", () => {
    const exp = new FloatHistogram({ count: 1 });
    const cb = new FloatHistogram({ schema: CUSTOM_BUCKETS_SCHEMA, count: 1, customValues: [1] });
    expect(cb.detectReset(exp)).toBe(true);
  });

  it("adding exponential and custom buckets is an error the engine turns into an annotation", () => {
    const exp = new FloatHistogram({ count: 1 });
    const cb = new FloatHistogram({ schema: CUSTOM_BUCKETS_SCHEMA, count: 1, customValues: [1] });
    const r = exp.add(cb);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe("incompatible-schema");
      expect(r.error.message).toBe("cannot apply this operation on histograms with a mix of exponential and custom bucket schemas");
    }
    expect(cb.sub(exp).ok).toBe(false);
  });

  it("custom buckets with different bounds are reconciled to the common bounds", () => {
    const a = parseHistogramNotation("{{schema:-53 count:3 sum:3 custom_values:[1 2 3] buckets:[1 1 1]}}").histogram;
    const b = parseHistogramNotation("{{schema:-53 count:2 sum:2 custom_values:[2 4] buckets:[1 1]}}").histogram;
    const r = a.add(b);
    expect(r.ok && r.nhcbBoundsReconciled).toBe(true);
    if (r.ok) expect(formatHistogram(r.histogram)).toBe("{{schema:-53 count:5 sum:5 custom_values:[2] buckets:[3 2]}}");
  });

  it("validate reports Prometheus's errors", () => {
    expect(() => new FloatHistogram({ positiveSpans: sp(0, 2), positiveBuckets: [1] }).validate()).toThrow(
      "positive side: spans need 2 buckets, have 1 buckets: histogram spans specify different number of buckets than provided",
    );
    expect(() => new FloatHistogram({ schema: 9 }).validate()).toThrow(/invalid schema.*got schema 9/);
    expect(() => new FloatHistogram({ schema: -53, customValues: [2, 1] }).validate()).toThrow(/strictly increasing/);
  });
});

describe("estimates", () => {
  // native_histograms.test: "buckets:[1 2 1] means 1 observation in the 1st bucket ..."
  const single = parseHistogramNotation("{{schema:0 sum:5 count:4 buckets:[1 2 1]}}").histogram;

  it("histogram_quantile interpolates exponentially within exponential buckets", () => {
    expect(histogramQuantile(0.5, single).value).toBe(1.414213562373095);
    expect(histogramQuantile(-1, single).value).toBe(-Infinity);
    expect(histogramQuantile(2, single).value).toBe(Infinity);
    expect(histogramQuantile(NaN, single).value).toBeNaN();
    expect(histogramQuantile(0.5, new FloatHistogram()).value).toBeNaN();
  });

  it("NaN observations skew histogram_quantile or make it NaN, with infos", () => {
    // native_histograms.test, histogram_nan: {{schema:0 count:3 sum:NaN}} etc.
    const h = parseHistogramNotation("{{schema:0 count:3 sum:NaN buckets:[1]}}").histogram;
    expect(histogramQuantile(1, h)).toEqual({ value: NaN, infos: ["quantile-nan-result"] });
    const r = histogramQuantile(0.1, h);
    expect(r.infos).toEqual(["quantile-nan-skew"]);
  });

  it("histogram_fraction", () => {
    expect(histogramFraction(1, 2, single).value).toBe(0.5);
    expect(histogramFraction(0, 8, single).value).toBe(1);
    expect(histogramFraction(2, 1, single).value).toBe(0);
    expect(histogramFraction(NaN, 1, single).value).toBeNaN();
  });

  it("histogram_avg, stddev and stdvar", () => {
    expect(histogramAvg(single)).toBe(1.25);
    const h = parseHistogramNotation("{{schema:-53 sum:3 count:3 custom_values:[0 2] buckets:[0 2 1]}}").histogram;
    // Midpoint 1 for the (0,2] bucket: mean 1, but +Inf bucket midpoint is +Inf.
    expect(histogramStdVar(h)).toBe(Infinity);
    const g = parseHistogramNotation("{{schema:0 sum:4 count:2 buckets:[1 1] offset:1}}").histogram;
    // Observations at sqrt(2) and sqrt(8), mean 2.
    const v = ((Math.SQRT2 - 2) ** 2 + (Math.sqrt(8) - 2) ** 2) / 2;
    expect(histogramStdVar(g)).toBeCloseTo(v, 14);
    expect(histogramStdDev(g)).toBeCloseTo(Math.sqrt(v), 14);
  });
});

describe("notation (TestParseHistogramSeries, TestHistogramTestExpression)", () => {
  const parse = (s: string): FloatHistogram => parseHistogramNotation(s).histogram;

  it("defaults: {{}} and {{ }} are all zero values", () => {
    for (const s of ["{{}}", "{{ }}"]) {
      expect(parse(s).toJSON()).toEqual(new FloatHistogram().toJSON());
      expect(parse(s).toJSON()).toMatchObject({ schema: 0, zeroThreshold: 0, counterResetHint: "unknown", positiveSpans: [] });
    }
  });

  it("all properties used", () => {
    const parsed = parseHistogramNotation(
      "{{schema:1 sum:0.3 count:3.1 z_bucket:7.1 z_bucket_w:0.05 buckets:[5.1 10 7] offset:3 n_buckets:[4.1 5] n_offset:5 counter_reset_hint:gauge}}",
    );
    expect(parsed.counterResetHintSet).toBe(true);
    expect(parsed.histogram.toJSON()).toEqual({
      schema: 1,
      sum: 0.3,
      count: 3.1,
      zeroCount: 7.1,
      zeroThreshold: 0.05,
      positiveBuckets: [5.1, 10, 7],
      positiveSpans: sp(3, 3),
      negativeBuckets: [4.1, 5],
      negativeSpans: sp(5, 2),
      counterResetHint: "gauge",
      customValues: [],
    });
    const spaced = parse("{{schema:1  sum:0.3  count:3  z_bucket:7 z_bucket_w:5 buckets:[5 10  7  ] offset:-3  n_buckets:[4 5]  n_offset:5  counter_reset_hint:gauge  }}");
    expect(spaced.toJSON()).toMatchObject({ count: 3, zeroThreshold: 5, positiveBuckets: [5, 10, 7], positiveSpans: sp(-3, 3) });
    const negative = parse(
      "{{schema:1 sum:-0.3 count:-3.1 z_bucket:-7.1 z_bucket_w:0.05 buckets:[-5.1 -10 -7] offset:-3 n_buckets:[-4.1 -5] n_offset:-5 counter_reset_hint:gauge}}",
    );
    expect(negative.toJSON()).toMatchObject({ sum: -0.3, count: -3.1, zeroCount: -7.1, positiveBuckets: [-5.1, -10, -7], negativeSpans: sp(-5, 2) });
  });

  it("counter reset hints", () => {
    expect(parse("{{counter_reset_hint:unknown}}").counterResetHint).toBe("unknown");
    expect(parse("{{counter_reset_hint:reset}}").counterResetHint).toBe("reset");
    expect(parse("{{counter_reset_hint:not_reset}}").counterResetHint).toBe("not-reset");
    expect(parse("{{counter_reset_hint:gauge}}").counterResetHint).toBe("gauge");
    expect(parseHistogramNotation("{{}}").counterResetHintSet).toBe(false);
    expect(parse("{{schema:-53 custom_values:[-2 3]}}").customValues).toEqual([-2, 3]);
  });

  it.each([
    ["{{schema:1 schema:1}}", 'duplicate key "schema" in histogram'],
    ["{{foo:1}}", 'bad histogram descriptor found: "foo"'],
    ["{{schema :1}}", "missing `:` for histogram descriptor"],
    ["{{schema: 1}}", "unexpected"],
    ["{{buckets:[ 1]}}", "unexpected"],
    ["{{ schema:1}}", "unexpected"],
    ["{{counter_reset_hint:foo}}", 'bad histogram descriptor found: "foo"'],
    ["{{schema:1", "missing }}"],
    ["{{sum:abc}}", "error parsing sum"],
  ])("rejects %s like Prometheus", (input, message) => {
    expect(() => parseHistogramNotation(input)).toThrow(HistogramNotationError);
    expect(() => parseHistogramNotation(input)).toThrow(message);
  });

  it("expands series items", () => {
    const vals = (s: string) => expandHistogramSeries(s).map((p) => p.histogram.toJSON());
    const h = (schema: number, buckets: number[]) => ({ ...new FloatHistogram({ schema, positiveBuckets: buckets, positiveSpans: sp(0, buckets.length) }).toJSON() });
    // "static series"
    expect(vals("{{buckets:[5 10 7] schema:1}}x2")).toEqual([h(1, [5, 10, 7]), h(1, [5, 10, 7]), h(1, [5, 10, 7])]);
    expect(vals("{{buckets:[5 10 7] schema:1}}x0")).toEqual([h(1, [5, 10, 7])]);
    // "series with increment - with different schemas"
    expect(vals("{{buckets:[5] schema:0}}+{{buckets:[1 2] schema:1}}x2")).toEqual([h(0, [5]), h(0, [6, 2]), h(0, [7, 4])]);
    // "series with two different increments" (first item)
    expect(vals("{{sum:1}}+{{sum:1}}x2").map((x) => x.sum)).toEqual([1, 2, 3]);
    // "series with decrement"
    expect(vals("{{buckets:[5 10 7] schema:1}}-{{buckets:[1 2 3] schema:1}}x2")).toEqual([h(1, [5, 10, 7]), h(1, [4, 8, 4]), h(1, [3, 6, 1])]);
    expect(vals("{{buckets:[5 10 7] schema:1}}+{{buckets:[1 2 3] schema:1}}x0")).toEqual([h(1, [5, 10, 7])]);
    // "series with different schemas - second one is smaller"
    expect(() => expandHistogramSeries("{{buckets:[5 10 7] schema:1}}+{{buckets:[1 2 3] schema:0}}x2")).toThrow(
      "error combining histograms: cannot merge from schema 0 to 1",
    );
    expect(() => expandHistogramSeries("{{schema:-53 custom_values:[1]}}+{{count:1}}x1")).toThrow(/mix of exponential and custom/);
    // counterResetHintSet comes from the increment in +/- series.
    expect(expandHistogramSeries("{{counter_reset_hint:gauge}}+{{}}x1").map((p) => p.counterResetHintSet)).toEqual([false, false]);
    expect(expandHistogramSeries("{{}}+{{counter_reset_hint:gauge}}x1").map((p) => p.counterResetHintSet)).toEqual([true, true]);
  });

  // TestHistogramTestExpression, all cases.
  it.each([
    {
      name: "single positive and negative span",
      input: { schema: 1, sum: -0.3, count: 3.1, zeroCount: 7.1, zeroThreshold: 0.05, positiveBuckets: [5.1, 10, 7], positiveSpans: sp(-3, 3), negativeBuckets: [4.1, 5], negativeSpans: sp(-5, 2) },
      expected: "{{schema:1 count:3.1 sum:-0.3 z_bucket:7.1 z_bucket_w:0.05 offset:-3 buckets:[5.1 10 7] n_offset:-5 n_buckets:[4.1 5]}}",
    },
    {
      name: "multiple positive and negative spans",
      input: { positiveBuckets: [5.1, 10, 7], positiveSpans: sp(-3, 1, 4, 2), negativeBuckets: [4.1, 5, 7, 8, 9], negativeSpans: sp(-1, 2, 2, 3) },
      expected: "{{offset:-3 buckets:[5.1 0 0 0 0 10 7] n_offset:-1 n_buckets:[4.1 5 0 0 7 8 9]}}",
    },
    {
      name: "known counter reset hint",
      input: {
        schema: 1,
        sum: -0.3,
        count: 3.1,
        zeroCount: 7.1,
        zeroThreshold: 0.05,
        positiveBuckets: [5.1, 10, 7],
        positiveSpans: sp(-3, 3),
        negativeBuckets: [4.1, 5],
        negativeSpans: sp(-5, 2),
        counterResetHint: "reset" as const,
      },
      expected: "{{schema:1 count:3.1 sum:-0.3 z_bucket:7.1 z_bucket_w:0.05 counter_reset_hint:reset offset:-3 buckets:[5.1 10 7] n_offset:-5 n_buckets:[4.1 5]}}",
    },
  ])("formatHistogram: $name", ({ input, expected }) => {
    const text = formatHistogram(new FloatHistogram(input));
    expect(text).toBe(expected);
    expect(formatHistogram(parseHistogramNotation(text).histogram)).toBe(expected);
  });

  it("formats numbers like Go's %g and round-trips the extremes", () => {
    const h = new FloatHistogram({ count: Infinity, sum: 1e-7, zeroCount: 1e21, positiveSpans: sp(0, 2), positiveBuckets: [123456789, NaN], customValues: [] });
    const text = formatHistogram(h);
    expect(text).toBe("{{count:+Inf sum:1e-07 z_bucket:1e+21 buckets:[1.23456789e+08 NaN]}}");
    expect(histogramsMatch(h, parseHistogramNotation(text).histogram, false, 0)).toBe(true);
    const cb = new FloatHistogram({ schema: -53, counterResetHint: "not-reset" });
    expect(formatHistogram(cb)).toBe("{{schema:-53 custom_values:[] counter_reset_hint:not_reset}}");
    expect(parseHistogramNotation(formatHistogram(cb)).histogram.equals(cb)).toBe(true);
  });
});

describe("histogramsMatch (promqltest's compareNativeHistogram)", () => {
  const parse = (s: string) => parseHistogramNotation(s).histogram;
  it("compacts both sides and allows promqltest's relative tolerance", () => {
    expect(histogramsMatch(parse("{{count:3 buckets:[0 1 2 0]}}"), parse("{{count:3.000000001 offset:1 buckets:[1 2]}}"))).toBe(true);
    expect(histogramsMatch(parse("{{count:3}}"), parse("{{count:3.01}}"))).toBe(false);
    expect(histogramsMatch(parse("{{buckets:[1 2]}}"), parse("{{buckets:[1 2] offset:1}}"))).toBe(false);
    expect(histogramsMatch(parse("{{z_bucket_w:1}}"), parse("{{z_bucket_w:1.0000001}}"))).toBe(false);
  });
  it("compares the hint only when the expected literal set it", () => {
    expect(histogramsMatch(parse("{{counter_reset_hint:gauge}}"), parse("{{}}"))).toBe(true);
    expect(histogramsMatch(parse("{{counter_reset_hint:gauge}}"), parse("{{}}"), true)).toBe(false);
  });
});
