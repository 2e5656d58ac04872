// `monac lint`: an offline linter for Prometheus rule files, the workspace's
// specs and an Alertmanager configuration. See lint.ts.
export { lint, loadLintConfig, LintIOError, type LintOptions, type LintResult } from "./lint.js";
export { DEFAULT_LINT_CONFIG, LINT_CONFIG_FILE, parseLintConfig, LintConfigError, type LintConfig } from "./config.js";
export { CHECKS, SEVERITY_RANK, compareFindings, isCheckName, type CheckName, type Finding, type Severity } from "./finding.js";
export { formatGithub, formatJunit, formatSarif, formatText, failsAt, type LintFormat } from "./format.js";
