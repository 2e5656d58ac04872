/**
 * The function map Prometheus adds to alert and console templates
 * (prometheus/template/template.go, NewTemplateExpander).
 */
import { queryEscape } from "./funcs.js";
import { compile, matchString, mustCompileMessage, RegexpSyntaxError, replaceAllString } from "../go/regexp.js";
import { isIP, joinHostPort, parseURL, splitHostPort } from "../go/net.js";
import { goTitle, goToLower, goToUpper } from "../go/strings.js";
import { DurationError, parsePrometheusDurationNs } from "../go/duration.js";
import { goFloatToInt64 } from "../go/math.js";
import { formatTime } from "../go/time.js";
import { GoDuration, GoPointer, GoTimeValue } from "./go-time.js";
import {
  convertToFloat,
  floatToTimeNs,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  NaNOrInfError,
} from "./humanize.js";
import { sprintf } from "./gofmt.js";
import { anyMap, compareGoStrings, GoCallError, GoFunc, GoMap, GoObject, GoSlice, GoStruct, stringMap, type Value } from "./values.js";

/** One element of an instant vector, as the injected query function returns it. */
export interface TemplateSample {
  labels: Record<string, string>;
  value: number;
}

export type QueryFn = (expr: string) => Promise<TemplateSample[]> | TemplateSample[];

export interface PrometheusFuncsOptions {
  query?: QueryFn;
  /** Evaluation time in milliseconds since the epoch (what `now` returns, in seconds). */
  timestampMs: number;
  /** The server's external URL, as given to --web.external-url. */
  externalURL: string;
}

const QUERY_RESULT = "template.queryResult";
const SAMPLE_PTR = "*template.sample";

/** Prometheus converts a promql.Vector to []*sample{Labels, Value} for templates. */
export function queryResult(samples: readonly TemplateSample[]): GoSlice {
  return new GoSlice(
    QUERY_RESULT,
    samples.map(
      (s) =>
        new GoPointer(
          new GoStruct(
            "template.sample",
            new Map<string, Value>([
              ["Labels", stringMap(s.labels)],
              ["Value", s.value],
            ]),
          ),
        ),
    ),
  );
}

function sampleField(s: Value, field: "Labels" | "Value"): Value {
  // A nil *sample panics in Go; safeCall reports the runtime error.
  if (!(s instanceof GoObject)) throw new GoCallError("runtime error: invalid memory address or nil pointer dereference");
  return s.field(field) as Value;
}

function sampleLabel(s: Value, name: string): string {
  const labels = sampleField(s, "Labels") as GoMap;
  return (labels.entries.get(name) as string | undefined) ?? "";
}

function items(v: Value): Value[] {
  return v instanceof GoSlice ? v.items : []; // a nil queryResult is empty
}

function stripPort(hostPort: string): string {
  return splitHostPort(hostPort)?.host ?? hostPort;
}

function stripDomain(hostPort: string): string {
  const split = splitHostPort(hostPort);
  let host = split?.host ?? hostPort;
  const port = split?.port ?? "";
  if (isIP(host)) return hostPort;
  host = host.split(".")[0]!;
  return port !== "" ? joinHostPort(host, port) : host;
}

function toTime(v: Value): Value {
  const f = convertToFloat(v);
  return new GoPointer(new GoTimeValue(floatToTimeNs(f)));
}

/** time.Duration(f * 1e9): Go's float64 -> int64 conversion, MinInt64 out of range on amd64. */
function durationFromSeconds(f: number): bigint {
  return goFloatToInt64(f * 1e9);
}

/** model.ParseDurationAllowNegative in seconds; its errors are the template call's. */
function parseDurationSeconds(s: string): number {
  try {
    return Number(parsePrometheusDurationNs(s)) / 1e9;
  } catch (e) {
    if (e instanceof DurationError) throw new GoCallError(e.message);
    throw e;
  }
}

const str = (a: Value[], i: number) => a[i] as string;

export function prometheusFuncs(opts: PrometheusFuncsOptions): Map<string, GoFunc> {
  const url = parseURL(opts.externalURL);
  return new Map<string, GoFunc>([
    [
      "query",
      new GoFunc(["string"], async ([q]) => {
        if (!opts.query) throw new GoCallError("no query function available");
        return queryResult(await opts.query(q as string));
      }),
    ],
    [
      "first",
      new GoFunc([QUERY_RESULT], ([v]) => {
        const xs = items(v);
        if (xs.length === 0) throw new GoCallError("first() called on vector with no elements");
        return xs[0];
      }),
    ],
    ["label", new GoFunc(["string", SAMPLE_PTR], ([l, s]) => sampleLabel(s, l as string))],
    ["value", new GoFunc([SAMPLE_PTR], ([s]) => sampleField(s, "Value"))],
    ["strvalue", new GoFunc([SAMPLE_PTR], ([s]) => sampleLabel(s, "__value__"))],
    [
      "args",
      new GoFunc([], (a) => anyMap(new Map(a.map((v, i) => [`arg${i}`, v] as const))), "any"),
    ],
    [
      "reReplaceAll",
      new GoFunc(["string", "string", "string"], (a) => {
        try {
          compile(str(a, 0));
        } catch (e) {
          if (e instanceof RegexpSyntaxError) throw new GoCallError(mustCompileMessage(str(a, 0), e));
          throw e;
        }
        return replaceAllString(str(a, 0), str(a, 2), str(a, 1));
      }),
    ],
    ["safeHtml", new GoFunc(["string"], (a) => str(a, 0))],
    [
      "match",
      new GoFunc(["string", "string"], (a) => {
        try {
          return matchString(str(a, 0), str(a, 1));
        } catch (e) {
          if (e instanceof RegexpSyntaxError) throw new GoCallError(e.message);
          throw e;
        }
      }),
    ],
    ["title", new GoFunc(["string"], (a) => goTitle(str(a, 0)))],
    ["toUpper", new GoFunc(["string"], (a) => goToUpper(str(a, 0)))],
    ["toLower", new GoFunc(["string"], (a) => goToLower(str(a, 0)))],
    ["graphLink", new GoFunc(["string"], (a) => `/graph?g0.expr=${queryEscape(str(a, 0))}&g0.tab=0`)],
    ["tableLink", new GoFunc(["string"], (a) => `/graph?g0.expr=${queryEscape(str(a, 0))}&g0.tab=1`)],
    [
      "sortByLabel",
      new GoFunc(["string", QUERY_RESULT], ([label, v]) => {
        // sort.Stable, in place, like Go: callers holding the slice see the new order.
        if (v instanceof GoSlice) {
          v.items.sort((x, y) => compareGoStrings(sampleLabel(x, label as string), sampleLabel(y, label as string)));
        }
        return v;
      }),
    ],
    ["stripPort", new GoFunc(["string"], (a) => stripPort(str(a, 0)))],
    ["stripDomain", new GoFunc(["string"], (a) => stripDomain(str(a, 0)))],
    ["humanize", new GoFunc(["any"], ([v]) => humanize(convertToFloat(v)))],
    ["humanize1024", new GoFunc(["any"], ([v]) => humanize1024(convertToFloat(v)))],
    ["humanizeDuration", new GoFunc(["any"], ([v]) => humanizeDuration(convertToFloat(v)))],
    ["humanizePercentage", new GoFunc(["any"], ([v]) => humanizePercentage(convertToFloat(v)))],
    [
      "humanizeTimestamp",
      new GoFunc(["any"], ([v]) => {
        const f = convertToFloat(v);
        try {
          return formatTime(floatToTimeNs(f), "2006-01-02 15:04:05.999999999 -0700 MST");
        } catch (e) {
          if (e instanceof NaNOrInfError) return sprintf("%.4g", [f]);
          throw e;
        }
      }),
    ],
    ["toTime", new GoFunc(["any"], ([v]) => toTime(v))],
    [
      "toDuration",
      new GoFunc(["any"], ([v]) => new GoPointer(new GoDuration(durationFromSeconds(convertToFloat(v))))),
    ],
    ["now", new GoFunc([], () => opts.timestampMs / 1000)],
    ["pathPrefix", new GoFunc([], () => url.path)],
    ["externalURL", new GoFunc([], () => url.string)],
    ["parseDuration", new GoFunc(["string"], (a) => parseDurationSeconds(str(a, 0)))],
    ["urlQueryEscape", new GoFunc(["string"], (a) => queryEscape(str(a, 0)))],
  ]);
}
