/**
 * promtool-compatible rule unit tests: `monac test`. Reads promtool's test
 * files, evaluates the rules on monac's engine (one range query per rule
 * where that is provably the same as promtool's step-by-step loop), and
 * reports differences.
 */
export { buildPlan, loadTestFile, runTestFile, type FileResult, type GroupResult, type RunOptions } from "./runner.js";
export { exitCode, formatFileResult, formatSummary, summarize, type Summary } from "./report.js";
export { junitXML } from "./junit.js";
export {
  belowMinimum,
  coverageJSON,
  formatBelowMinimum,
  formatCoverage,
  mergeCoverage,
  parseMinPercent,
  type CoverageReport,
  type FileCoverage,
  type RuleCoverage,
} from "./coverage.js";
export { alertExprValue, evaluate, fastPathBlocker, type AlertSteps, type EvalMode, type EvalPlan, type EvalResult } from "./evaluator.js";
export { parseTestFile, type TestFile, type TestGroup } from "./test-file.js";
export { loadRuleFile, parseRuleFile, resolveRuleFiles, RuleFileError, type LoadedAlertingRule, type LoadedRule, type LoadedRuleGroup } from "./rule-files.js";
export { parseInputSeries } from "./input.js";
export {
  ruleGroupsFromData,
  testFileFromData,
  type ExpectedAlertData,
  type RuleData,
  type RuleGroupData,
  type TestFileData,
  type TestGroupData,
} from "./in-memory.js";
