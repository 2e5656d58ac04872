/**
 * monac as a library: the stable public surface of the package (`import … from "monac"`).
 *
 * - Workspace: load and validate monac.yaml, slos/, alerts/ and dashboards/
 *   into a model, with located findings.
 * - Compile: the model to the files of out/ (rules, Alertmanager config,
 *   dashboards, generated rule unit tests), as data.
 * - PromQL: parse, print and evaluate queries over samples you provide.
 * - Rule tests: run promtool-format rule unit test files and report on them.
 * - Replay: synthetic incident traffic through any rules, read back as alerts.
 *
 * Everything else under src/ (and the CLI) is internal and may change.
 */

// -- Workspace: load and validate ------------------------------------------------

/**
 * Reads and validates a workspace directory (monac.yaml, slos/, alerts/,
 * dashboards/): every finding in `diagnostics`, and `{ model }` unless one of
 * them is an error (warnings, such as a receiver no team uses, leave it).
 * Throws WorkspaceIOError for unreadable directories or files.
 * `loadWorkspaceFromTexts` does the same from in-memory files
 * (`{ rel: "slos/x.yaml", text }`, paths relative to the workspace).
 */
export { loadWorkspace, loadWorkspaceFromTexts, WorkspaceIOError, type LoadResult } from "./workspace/workspace.js";
/**
 * Adds the findings that need the compiled rules (custom dashboards reading
 * series nothing records) to a load result, dropping its model if any is an
 * error: `checkWorkspace(await loadWorkspace(dir))` is what `monac validate` and
 * `monac build` check.
 */
export { checkWorkspace } from "./compile/check.js";
/** A finding located at file:line:column, its one-line text form, and whether it is an error or a warning. */
export { formatDiagnostic, isError, isWarning, type Diagnostic, type DiagnosticSeverity, type SourcePosition } from "./workspace/diagnostics.js";
/** The validated workspace that the compiler reads. */
export type { WorkspaceModel } from "./workspace/model.js";

// -- Compile -----------------------------------------------------------------------

/**
 * The whole compile, pure and deterministic: a model to the files of out/
 * (`{ path, content }`, paths relative to the output directory).
 * Throws DashboardCheckError when a dashboard reads series nothing records.
 */
export { compileWorkspace, type Artifact, type CompileOptions } from "./compile/bundle.js";
/**
 * The same files one at a time, unsorted, each made when asked for: for a
 * caller that writes each out and lets it go (a large workspace's out/ need not
 * fit in memory). Its checks may throw after some files were handed out.
 */
export { compileFiles } from "./compile/bundle.js";
export { DashboardCheckError } from "./compile/dashboards/index.js";
/** Thrown by compileWorkspace when a generated rule reads a series no earlier rule of its group records (a monac bug). */
export { RecordedSeriesCheckError } from "./compile/recorded-series-check.js";
/** The generated promtool rule unit tests (out/prometheus/tests), one file per SLO and per service's alerts. */
export { ruleTestArtifacts } from "./compile/rule-tests/index.js";
/**
 * The same test files one at a time, as they are made (an async generator).
 * Given a TestReuse, each file carries the key of its inputs (`inputs`), and
 * one whose key the TestReuse knows is taken from it instead of made (a
 * rebuild's unchanged SLOs, as `monac build` does from its cache).
 */
export { ruleTestFiles, type TestReuse } from "./compile/rule-tests/index.js";

// -- PromQL ------------------------------------------------------------------------

/** Parse PromQL to an AST (throws PromQLParseError), print an AST back, visit its nodes. */
export { parsePromQL, tryParsePromQL, printPromQL, walk, PromQLParseError, type ParseResult } from "./promql/index.js";
export type { Expr, ValueType } from "./promql/index.js";
/**
 * Evaluate queries: append samples to a SeriesStore (label sets as Labels,
 * times in ms), then `new Engine(store).instantQuery(q, t)` or
 * `.rangeQuery(q, start, end, step)`. `parseSeriesDescription` reads
 * promtool's series notation (`x{a="b"} 0+10x5`).
 */
export { Engine, SeriesStore, Labels, type EngineOptions, type Queryable } from "./promql/index.js";
/** Native histogram samples (`Sample.h`, `SeriesStore.appendHistogram`) and their `{{...}}` notation. */
export { FloatHistogram, parseHistogramNotation, formatHistogram, type FloatHistogramInit } from "./promql/histogram.js";
export { PromQLEvalError, UnsupportedFeatureError, type QueryResult, type QueryValue, type Sample, type Series } from "./promql/index.js";
export { parseSeriesDescription, type SequenceValue, type SeriesDescription } from "./promql/index.js";
/** Prometheus durations ("1h30m") to ms and back. */
export { parseDuration, formatDuration, DurationError } from "./promql/index.js";

// -- Rule unit tests ---------------------------------------------------------------

/** Runs one promtool-format rule test file (`promtool test rules` semantics). */
export { runTestFile, type FileResult, type GroupResult, type RunOptions } from "./ruletest/index.js";
/** Reports: one file's text, the summary over files, the exit code promtool would give, JUnit XML. */
export { formatFileResult, formatSummary, summarize, exitCode, junitXML, type Summary } from "./ruletest/index.js";
/** Prometheus rule files, parsed to the groups the evaluator and replayIncident take. */
export { parseRuleFile, loadRuleFile, RuleFileError, type LoadedRule, type LoadedRuleGroup } from "./ruletest/index.js";

// -- Incident replay ---------------------------------------------------------------

/**
 * `trafficInput` turns a traffic profile (requests a minute, piecewise error
 * ratio) into exact counter series; `replayIncident` runs input through rule
 * groups and returns each alert's firing intervals; `replay` also says how
 * the rules were evaluated and what errors stopped it.
 */
export {
  trafficInput,
  replayIncident,
  replay,
  type TrafficProfile,
  type TrafficCounters,
  type TrafficInput,
  type SeriesText,
  type ReplayOptions,
  type ReplayResult,
  type AlertInterval,
} from "./ruletest/incidents.js";

// -- Backfill ------------------------------------------------------------------------

/**
 * `backfill` evaluates recording-rule groups (`recordingGroups` of parsed
 * rule files) over a past range on raw series read from a Prometheus HTTP
 * API, as Prometheus would have recorded them since `from`;
 * `openMetricsChunks` writes the result for `promtool tsdb
 * create-blocks-from openmetrics`.
 */
export { backfill, BackfillError, type BackfillOptions, type BackfillResult, type GroupReport } from "./backfill/backfill.js";
export { recordingGroups, inputSelectors, BackfillPlanError, type InputSelector } from "./backfill/plan.js";
export { fetchRawSeries, PrometheusAPIError, type PrometheusClient, type RawSeries } from "./backfill/prometheus-api.js";
export { openMetricsChunks, type OpenMetricsSeries } from "./backfill/openmetrics.js";

// -- Instrumentation contract ----------------------------------------------------------

/**
 * What each service must expose for its specs: `deriveContracts(model)` (the
 * counters, histograms and gauges its SLIs and threshold alerts read, with
 * label names and bucket bounds), `instrumentModule(contract)` (the typed
 * prom-client module `monac build` writes to out/instrument/<service>.ts),
 * and `checkExposition(contract, text)`: what a /metrics scrape lacks against
 * a contract (the generated module's `contract` constant is one), bucket
 * bounds compared by value (le="1" is le="1.0").
 */
export { deriveContract, deriveContracts, instrumentModule, checkExposition, parseExposition, type InstrumentContract, type MetricContract, type MetricKind, type Problem, type Exposition, type ExpositionSample } from "./instrument/index.js";

// -- Importing other tools' SLO specs --------------------------------------------------

/**
 * `importSpecs("sloth" | "pyrra" | "openslo", sources, { team })`: other
 * tools' SLO specs as monac spec files (one per service, commented where a
 * choice was made), and findings at the source's file:line:col for what
 * cannot be expressed (errors) or was approximated (warnings).
 */
export { importSpecs, type ImportFormat, type ImportSource, type ImportedFile, type ImportOptions, type ImportResult } from "./import/index.js";
