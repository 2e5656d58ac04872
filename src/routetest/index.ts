// Offline Alertmanager routing tests: monac's implementation of Alertmanager's
// route tree (dispatch/route.go Match), inhibition (inhibit/inhibit.go Mutes)
// and time intervals (timeinterval/timeinterval.go ContainsTime), and the
// `*.routing.test.yaml` format that states what each alert must reach.
export { parseMatcherLine, matches, matchesAll, newMatcher, formatMatcher, MatcherError, type Matcher, type MatchType, type Labels } from "./matchers.js";
export { containsTime, anyContains, parseTimeInterval, TimeIntervalError, type TimeInterval } from "./timeinterval.js";
export { wallClock, type WallClock } from "../go/time.js";
export {
  parseConfig,
  configFromData,
  matchRoutes,
  receiversOf,
  routeMuted,
  inhibitedBy,
  ConfigError,
  type AlertmanagerConfig,
  type Route,
  type InhibitRule,
} from "./config.js";
export { parseRoutingTestFile, isRoutingTestData, RoutingTestFileError, type RoutingCase, type RoutingTestFile } from "./test-file.js";
export { runRoutingTestFile, runCase, type CaseResult, type RoutingFileResult, type RoutingRunOptions } from "./runner.js";
