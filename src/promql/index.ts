/**
 * Public surface of the PromQL stage: parse and print queries, store
 * samples, evaluate instant and range queries, run Prometheus test scripts.
 */
export type * from "./ast.js";
export { walk } from "./ast.js";
export { parsePromQL, tryParsePromQL, typeOf, PromQLParseError, type ParseResult } from "./parser.js";
export { printPromQL } from "./printer.js";
// The public API (src/index.ts) names these parseDuration/formatDuration: in PromQL, the Prometheus ones.
export { parsePrometheusDuration as parseDuration, formatPrometheusDuration as formatDuration, DurationError } from "../go/duration.js";
export { Labels, compareLabels } from "./labels.js";
export { SeriesStore, MemorySeries, staleNaN, isStaleNaN, type Queryable } from "./storage.js";
export { Engine, type EngineOptions } from "./engine.js";
export { renderAnnotation, type Annotation } from "./annotations.js";
export { PromQLEvalError, UnsupportedFeatureError, type QueryResult, type QueryValue, type Sample, type Series } from "./value.js";
export { parseSeriesDescription, parseSequence, type SequenceValue, type SeriesDescription } from "./series-notation.js";
export { runPromQLTestScript, type EvalOutcome, type ScriptResult } from "./promqltest.js";
