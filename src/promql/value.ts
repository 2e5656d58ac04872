/** Query results (public) and the per-step values the evaluator passes around. */
import type { Annotation } from "./annotations.js";
import type { Labels } from "./labels.js";
import type { FloatHistogram } from "./histogram.js";
import type { FloatSamples } from "./storage.js";

export interface Sample {
  metric: Labels;
  /** Milliseconds since epoch. */
  t: number;
  /** The float value; NaN when the sample is a native histogram (`h`). */
  v: number;
  /** Set when the sample is a native histogram (a sample is one or the other). */
  h?: FloatHistogram;
}

export interface Series {
  metric: Labels;
  t: number[];
  v: number[];
  /** Present only when some point is a native histogram: h[i] set means point i is one (v[i] is then NaN). */
  h?: Array<FloatHistogram | undefined>;
}

export type QueryValue =
  | { type: "vector"; samples: Sample[] }
  | { type: "matrix"; series: Series[] }
  | { type: "scalar"; t: number; v: number }
  | { type: "string"; t: number; v: string };

export interface QueryResult {
  value: QueryValue;
  annotations: Annotation[];
}

/** An instant-vector element during evaluation. */
export interface StepSample {
  metric: Labels;
  v: number;
  /** Set when the sample is a native histogram (v is then NaN). */
  h?: FloatHistogram | undefined;
  /**
   * Delayed name removal: the series keeps `__name__` while it is still
   * needed for matching and error messages, and drops it at the very end.
   */
  dropName: boolean;
}

/** An instant-vector series over the evaluation steps (points only where present). */
export interface StepSeries {
  metric: Labels;
  dropName: boolean;
  ts: number[];
  vs: number[];
  /**
   * Allocated only for series with native histogram points: hs[i] set means
   * point i is a histogram (vs[i] is then NaN). Float-only series leave it
   * undefined, so the float path never looks at it.
   */
  hs?: Array<FloatHistogram | undefined> | undefined;
}

/** Raw samples of one series, as a range selector or subquery yields them. */
export interface WindowSeries {
  metric: Labels;
  dropName: boolean;
  samples: FloatSamples;
}

export type Evaluated =
  | { kind: "vector"; series: StepSeries[] }
  | { kind: "scalar"; values: Float64Array }
  | { kind: "string"; value: string }
  | { kind: "matrix"; series: WindowSeries[] };

export class PromQLEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromQLEvalError";
  }
}

/** Thrown for valid PromQL this engine does not implement (native histograms, experimental modifiers). */
export class UnsupportedFeatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedFeatureError";
  }
}
