// Checking a service's /metrics against its instrumentation contract: a small
// parser of Prometheus's text exposition format (0.0.4: # HELP and # TYPE
// lines, comments, label values with \\ \" \n escapes, optional timestamps,
// and Prometheus 3's quoted metric names) and the checks that every series the
// specs read exists with its labels and bucket bounds. Bucket bounds compare
// by value, exactly: le="1", le="1.0" and le="1e0" are one bound.
import { Decimal } from "../workspace/decimal.js";
import { parseBound, type InstrumentContract, type MetricContract } from "./contract.js";

export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  /** The value as written (a float, NaN, +Inf, -Inf). */
  value: string;
  timestamp?: string;
  line: number;
}

export interface Exposition {
  /** # TYPE per metric family. */
  types: Map<string, string>;
  /** # HELP per metric family, unescaped. */
  help: Map<string, string>;
  samples: ExpositionSample[];
  /** Lines that are not the text format, with their 1-based numbers. */
  errors: { line: number; message: string }[];
}

/** A difference between an exposition and the contract. */
export interface Problem {
  /** The contract metric it is about ("" for the exposition as a whole). */
  metric: string;
  message: string;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;

/** Parses the text exposition format. Never throws: bad lines are listed in `errors`. */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { types: new Map(), help: new Map(), samples: [], errors: [] };
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    const n = i + 1;
    if (line.trim() === "") return;
    if (line.trimStart().startsWith("#")) {
      const m = /^\s*#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const name = m[2]!.startsWith('"') ? unquote(m[2]!) : m[2]!;
      const rest = m[3] ?? "";
      if (m[1] === "HELP") out.help.set(name, unescape(rest, false));
      else {
        const type = rest.trim();
        if (!/^(counter|gauge|histogram|summary|untyped|gaugehistogram|info|stateset|unknown)$/.test(type)) out.errors.push({ line: n, message: `unknown TYPE ${JSON.stringify(type)}` });
        else out.types.set(name, type);
      }
      return;
    }
    try {
      out.samples.push({ ...parseSample(line), line: n });
    } catch (e) {
      out.errors.push({ line: n, message: (e as Error).message });
    }
  });
  return out;
}

function unquote(s: string): string {
  return s.endsWith('"') && s.length >= 2 ? unescape(s.slice(1, -1), true) : s;
}

/** Undoes the format's escapes: \\ and \n everywhere, \" in label values. */
function unescape(s: string, quotes: boolean): string {
  return s.replace(/\\(.)/g, (all, c: string) => (c === "\\" ? "\\" : c === "n" ? "\n" : c === '"' && quotes ? '"' : all));
}

function parseSample(line: string): Omit<ExpositionSample, "line"> {
  let rest = line.trimStart();
  let name: string | undefined;
  const labels: Record<string, string> = {};
  const m = NAME.exec(rest);
  if (m) {
    name = m[0];
    rest = rest.slice(name.length);
  } else if (!rest.startsWith("{")) throw new Error(`expected a metric name: ${JSON.stringify(line)}`);
  rest = rest.replace(/^[ \t]+/, "");
  if (rest.startsWith("{")) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.replace(/^[ \t]+/, "");
      if (rest.startsWith("}")) {
        rest = rest.slice(1);
        break;
      }
      let label: string;
      if (rest.startsWith('"')) {
        const q = quoted(rest);
        rest = q.rest.replace(/^[ \t]+/, "");
        if (!rest.startsWith("=")) {
          // Prometheus 3: a quoted metric name inside the braces.
          if (name !== undefined) throw new Error(`two metric names: ${JSON.stringify(line)}`);
          name = q.value;
          rest = rest.replace(/^,/, "");
          continue;
        }
        label = q.value;
      } else {
        const l = LABEL.exec(rest);
        if (!l) throw new Error(`expected a label name at ${JSON.stringify(rest)}`);
        label = l[0];
        rest = rest.slice(label.length).replace(/^[ \t]+/, "");
      }
      if (!rest.startsWith("=")) throw new Error(`expected = after label ${label}`);
      rest = rest.slice(1).replace(/^[ \t]+/, "");
      if (!rest.startsWith('"')) throw new Error(`expected a quoted value for label ${label}`);
      const v = quoted(rest);
      if (label in labels) throw new Error(`label ${label} given twice`);
      labels[label] = v.value;
      rest = v.rest.replace(/^[ \t]+/, "");
      if (rest.startsWith(",")) rest = rest.slice(1);
      else if (!rest.startsWith("}")) throw new Error(`expected , or } after label ${label}`);
    }
  }
  if (name === undefined) throw new Error(`no metric name: ${JSON.stringify(line)}`);
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields[0] === "" || fields.length > 2) throw new Error(`expected a value and an optional timestamp: ${JSON.stringify(line)}`);
  if (!VALUE.test(fields[0]!)) throw new Error(`not a sample value: ${JSON.stringify(fields[0])}`);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`not a timestamp: ${JSON.stringify(fields[1])}`);
  return { name, labels, value: fields[0]!, ...(fields[1] !== undefined ? { timestamp: fields[1] } : {}) };
}

/** A double-quoted string at the start of `s` (escapes \\ \" \n): its value and what follows. */
function quoted(s: string): { value: string; rest: string } {
  let value = "";
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\") {
      const next = s[i + 1];
      if (next === "\\") value += "\\";
      else if (next === '"') value += '"';
      else if (next === "n") value += "\n";
      else throw new Error(`unknown escape \\${next ?? ""} in a label value`);
      i++;
    } else if (c === '"') return { value, rest: s.slice(i + 1) };
    else value += c;
  }
  throw new Error("unterminated label value");
}

function boundOf(text: string): Decimal | "inf" | undefined {
  if (text === "+Inf" || text === "Inf") return "inf";
  try {
    return parseBound(text);
  } catch {
    return undefined;
  }
}

/**
 * What a scrape of a service lacks against its contract: a metric missing
 * or of another type, a declared label on none of its series, a histogram
 * without one of the contract's bucket bounds (compared by value: "1" is
 * "1.0"), or without its +Inf bucket, _count or _sum. Empty when it holds.
 * Extra metrics, labels and buckets are fine.
 */
export function checkExposition(contract: InstrumentContract, text: string): Problem[] {
  const exp = parseExposition(text);
  const problems: Problem[] = exp.errors.map((e) => ({ metric: "", message: `line ${e.line}: ${e.message}` }));
  for (const m of contract.metrics) problems.push(...checkMetric(m, exp));
  return problems;
}

function checkMetric(m: MetricContract, exp: Exposition): Problem[] {
  const problems: Problem[] = [];
  const say = (message: string) => problems.push({ metric: m.name, message: `${m.name}: ${message}` });
  // OpenMetrics names a counter's family without _total.
  const family = m.type === "counter" && !exp.types.has(m.name) && exp.types.has(m.name.replace(/_total$/, "")) ? m.name.replace(/_total$/, "") : m.name;
  const type = exp.types.get(family);
  const series = (suffix: string) => exp.samples.filter((s) => s.name === `${m.name}${suffix}`);
  const samples = m.type === "histogram" ? [...series("_bucket"), ...series("_count"), ...series("_sum")] : series("");
  if (type === undefined && samples.length === 0) {
    say(`missing: no # TYPE line and no series (expected a ${m.type})`);
    return problems;
  }
  if (type !== m.type) say(`TYPE is ${type ?? "missing (untyped)"}, expected ${m.type}`);
  if (samples.length === 0) {
    say(`no series: the SLIs read nothing until the service initialises its label combinations (inc(labels, 0), zero(labels))`);
    return problems;
  }
  for (const label of m.labels) {
    if (!samples.some((s) => label in s.labels)) say(`label ${label} is on none of its series`);
  }
  if (m.type !== "histogram") return problems;
  const buckets = series("_bucket");
  const bounds: (Decimal | "inf")[] = [];
  for (const s of buckets) {
    const le = s.labels.le;
    const b = le === undefined ? undefined : boundOf(le);
    if (b === undefined) say(`line ${s.line}: bucket without a numeric le label (${le === undefined ? "no le" : `le=${JSON.stringify(le)}`})`);
    else bounds.push(b);
  }
  if (buckets.length === 0) say("no _bucket series");
  else {
    for (const want of m.buckets ?? []) {
      const d = Decimal.of(want);
      if (!bounds.some((b) => b !== "inf" && b.cmp(d) === 0)) say(`missing bucket bound le="${d}"`);
    }
    if (!bounds.includes("inf")) say('missing the le="+Inf" bucket');
  }
  if (series("_count").length === 0) say("missing _count");
  if (series("_sum").length === 0) say("missing _sum");
  return problems;
}
