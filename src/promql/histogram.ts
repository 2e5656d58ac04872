/**
 * Native histograms: the value (FloatHistogram), the operations PromQL's
 * engine needs, the estimates of the histogram_* functions, and the `{{...}}`
 * test notation. A port of Prometheus 3.x (model/histogram, promql/quantile.go,
 * promql/parser's histogram descriptions, promqltest's comparison).
 *
 * Convention: FloatHistogram is immutable; every operation returns a new
 * histogram (see histogram/float-histogram.ts). Errors Prometheus returns
 * from Add/Sub come back as `{ ok: false, error }` with a HistogramError
 * whose `kind` the engine maps to an annotation; the warnings it signals
 * alongside a result are flags on `{ ok: true }`.
 */
export {
  CUSTOM_BUCKETS_SCHEMA,
  EXPONENTIAL_SCHEMA_MAX,
  EXPONENTIAL_SCHEMA_MIN,
  customBucketBoundsMatch,
  getBound,
  getBoundExponential,
  HISTOGRAM_ERROR_MESSAGES,
  HistogramError,
  type HistogramErrorKind,
  isCustomBucketsSchema,
  isExponentialSchema,
  isValidSchema,
  type Span,
  spansMatch,
} from "./histogram/buckets.js";
export {
  type Bucket,
  type CounterResetHint,
  FloatHistogram,
  type FloatHistogramInit,
  type HistogramKahanResult,
  type HistogramOpResult,
} from "./histogram/float-histogram.js";
export {
  fractionBelow,
  goExp2,
  type HistogramEstimate,
  type HistogramEstimateInfo,
  histogramAvg,
  histogramCount,
  histogramFraction,
  histogramQuantile,
  histogramStdDev,
  histogramStdVar,
  histogramSum,
} from "./histogram/estimates.js";
export {
  expandHistogramSeries,
  formatHistogram,
  HistogramNotationError,
  histogramsMatch,
  histogramString,
  type ParsedHistogram,
  parseHistogramNotation,
  PROMQLTEST_EPSILON,
} from "./histogram/notation.js";
