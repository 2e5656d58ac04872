// `monac diff`'s library: two builds' out/ read (load.ts), compared (diff.ts)
// and printed for a pull request (markdown.ts).
export { loadBuild, DiffInputError, RULES_SUBDIR, ALERTMANAGER_FILE, type BuildSnapshot, type ParsedRuleFiles } from "./load.js";
export {
  diffBuilds,
  hasReviewChanges,
  percent,
  type BuildDiff,
  type DiffOptions,
  type AlertRef,
  type AlertSummary,
  type ChangedAlert,
  type FieldChange,
  type ReceiverChange,
  type AlertReceiverChange,
  type SloChange,
  type SloFacts,
  type BuildStats,
} from "./diff.js";
export { renderMarkdown, NO_CHANGES } from "./markdown.js";
