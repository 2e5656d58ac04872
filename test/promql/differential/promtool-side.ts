/**
 * The oracle: promtool 3.5's rule unit tests. Each input group becomes one
 * test group whose `promql_expr_test` entries expect monac's results;
 * promtool reports every entry it disagrees with (an evaluation error, or
 * `exp:`/`got:` with its own result), and stays silent on exact agreement.
 *
 * promtool compares with plain float equality, so NaN never "matches": such
 * entries are always reported, and the reported `got:` is compared here with
 * the tolerance of the differential test. Failures are read from the JUnit
 * report (`--junit`), which attributes them to test groups; within a group
 * an entry is identified by its expression and eval time, which the
 * generator keeps unique.
 *
 * promtool loads input samples lazily, only up to the last multiple of
 * `evaluation_interval` (1m here) that is <= the group's largest eval_time:
 * samples after that are invisible to every query of the group. Each group
 * therefore gets a sentinel entry (`vector(1234.5)`) at an eval_time past
 * its last sample, so all samples are loaded, as monac loads them.
 *
 * Output format (cmd/promtool/unittest.go, v3.5):
 *   `    expr: %q, time: %s, err: %s`
 *   `    expr: %q, time: %s,\n        exp: %v\n        got: %v`
 * where a sample list is `nil` or `{labels} value, {labels} value` with the
 * value in strconv.FormatFloat(v, 'E', -1, 64).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runTool } from "../../support/tools.js";
import type { InputGroup } from "./inputs.js";
import { canonicalLabels, type Outcome, type ResultSample } from "./monac-side.js";

export interface ExprTest {
  expr: string;
  evalMs: number;
  /** monac's result: the expected samples (an error expects none). */
  expected: Outcome;
}

export interface OracleGroup {
  group: InputGroup;
  tests: ExprTest[];
}

/** What promtool said about one entry. */
export type Verdict =
  | { kind: "silent" } // exactly equal to the expected samples
  | { kind: "got"; samples: ResultSample[]; exp: string; got: string }
  | { kind: "error"; message: string };

/** Prometheus's model.Duration.String() (enough of it for test durations). */
export function formatModelDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, mult] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
  ] as const) {
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}

/** A float as YAML 1.1 (go-yaml v2) reads it back into a float64 exactly. */
function yamlFloat(v: number): string {
  if (Number.isNaN(v)) return ".nan";
  if (v === Infinity) return ".inf";
  if (v === -Infinity) return "-.inf";
  const s = Object.is(v, -0) ? "0" : String(v);
  // Large integral values would otherwise be read as (u)int; exponent form stays a float.
  return /^-?\d+$/.test(s) && Math.abs(v) >= 1e15 ? v.toExponential() : s;
}

function yamlSingle(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** An expression the generator never produces; its entry makes promtool load every sample. */
export const SENTINEL_EXPR = "vector(1234.5)";
const EVALUATION_INTERVAL_MS = 60_000;

function sentinelTime(group: InputGroup): number {
  const lastSample = (group.steps - 1) * group.intervalMs;
  return Math.ceil(lastSample / EVALUATION_INTERVAL_MS) * EVALUATION_INTERVAL_MS;
}

function testKey(expr: string, evalMs: number): string {
  return `${expr}\u0000${formatModelDuration(evalMs)}`;
}

export function renderTestFile(groups: readonly OracleGroup[]): string {
  const lines: string[] = ["rule_files: []", `evaluation_interval: ${formatModelDuration(EVALUATION_INTERVAL_MS)}`, "tests:"];
  groups.forEach(({ group, tests }) => {
    lines.push(`  - name: ${JSON.stringify(group.name)}`);
    lines.push(`    interval: ${formatModelDuration(group.intervalMs)}`);
    lines.push("    input_series:");
    for (const s of group.series) {
      lines.push(`      - series: ${yamlSingle(s.series)}`);
      lines.push(`        values: ${yamlSingle(s.values)}`);
    }
    lines.push("    promql_expr_test:");
    const seen = new Set<string>();
    const sentinel: ExprTest = { expr: SENTINEL_EXPR, evalMs: sentinelTime(group), expected: { kind: "ok", samples: [{ labels: "{}", value: 1234.5 }] } };
    for (const t of [sentinel, ...tests]) {
      const key = testKey(t.expr, t.evalMs);
      if (seen.has(key)) throw new Error(`duplicate test in group ${group.name}: ${t.expr} at ${t.evalMs}`);
      seen.add(key);
      lines.push(`      - expr: ${JSON.stringify(t.expr)}`);
      lines.push(`        eval_time: ${formatModelDuration(t.evalMs)}`);
      const samples = t.expected.kind === "ok" ? t.expected.samples : [];
      if (samples.length === 0) {
        lines.push("        exp_samples: []");
        continue;
      }
      lines.push("        exp_samples:");
      for (const s of samples) {
        lines.push(`          - labels: ${yamlSingle(s.labels)}`);
        if (s.histogram !== undefined) lines.push(`            histogram: ${yamlSingle(s.histogram)}`);
        else lines.push(`            value: ${yamlFloat(s.value)}`);
      }
    }
  });
  return `${lines.join("\n")}\n`;
}

// -- reading promtool's report ---------------------------------------------------

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, ent: string) => {
    if (ent.startsWith("#x")) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith("#")) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[ent] ?? "";
  });
}

/** Reads a Go double-quoted literal starting at `text[start]`; returns the value and the end index. */
export function readGoQuoted(text: string, start: number): { value: string; end: number } {
  if (text[start] !== '"') throw new Error(`expected a Go string at ${JSON.stringify(text.slice(start, start + 40))}`);
  let out = "";
  let i = start + 1;
  const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return { value: out, end: i + 1 };
    if (ch !== "\\") {
      out += ch;
      i++;
      continue;
    }
    const esc = text[i + 1] ?? "";
    if (esc in simple) {
      out += simple[esc];
      i += 2;
    } else if (esc === "x" || esc === "u" || esc === "U") {
      const n = esc === "x" ? 2 : esc === "u" ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + n);
      // \xNN is a byte; bytes of invalid UTF-8 cannot occur in generated labels.
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 2 + n;
    } else if (/[0-7]/.test(esc)) {
      out += String.fromCodePoint(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
    } else throw new Error(`unknown escape \\${esc} in Go string`);
  }
  throw new Error("unterminated Go string");
}

function parseGoFloat(tok: string): number {
  if (tok === "NaN") return NaN;
  if (tok === "+Inf") return Infinity;
  if (tok === "-Inf") return -Infinity;
  const v = Number(tok);
  if (tok === "" || Number.isNaN(v)) throw new Error(`not a float: ${JSON.stringify(tok)}`);
  return v;
}

/** Parses promtool's parsedSamplesString: `nil` or `{a="b"} 1E+00, {} NaN, {} {{count:1 …}}`. */
export function parseSampleList(text: string): ResultSample[] {
  const s = text.trim();
  if (s === "nil") return [];
  const out: ResultSample[] = [];
  let i = 0;
  const skipSpaces = (): void => {
    while (s[i] === " ") i++;
  };
  while (i < s.length) {
    if (s[i] !== "{") throw new Error(`expected "{" at ${JSON.stringify(s.slice(i, i + 40))}`);
    i++;
    const pairs: Array<[string, string]> = [];
    skipSpaces();
    while (s[i] !== "}") {
      let name: string;
      if (s[i] === '"') {
        const q = readGoQuoted(s, i);
        name = q.value;
        i = q.end;
      } else {
        const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s.slice(i));
        if (!m) throw new Error(`expected a label name at ${JSON.stringify(s.slice(i, i + 40))}`);
        name = m[0];
        i += name.length;
      }
      if (s[i] !== "=") throw new Error(`expected "=" at ${JSON.stringify(s.slice(i, i + 40))}`);
      const q = readGoQuoted(s, i + 1);
      pairs.push([name, q.value]);
      i = q.end;
      if (s[i] === ",") i++;
      skipSpaces();
    }
    i++; // "}"
    skipSpaces();
    if (s.startsWith("{{", i)) {
      // A native histogram (TestExpression): up to the closing "}}".
      const end = s.indexOf("}}", i);
      if (end < 0) throw new Error(`unterminated histogram at ${JSON.stringify(s.slice(i, i + 40))}`);
      out.push({ labels: canonicalLabels(pairs), value: 0, histogram: s.slice(i, end + 2) });
      i = end + 2;
      if (s[i] === ",") i++;
      skipSpaces();
      continue;
    }
    const m = /^[^,\s]+/.exec(s.slice(i));
    if (!m) throw new Error(`expected a value at ${JSON.stringify(s.slice(i, i + 40))}`);
    out.push({ labels: canonicalLabels(pairs), value: parseGoFloat(m[0]) });
    i += m[0].length;
    if (s[i] === ",") i++;
    skipSpaces();
  }
  return out;
}

interface ParsedFailure {
  key: string;
  verdict: Verdict;
}

export function parseFailure(text: string): ParsedFailure | undefined {
  const start = text.indexOf('expr: "');
  if (start < 0 || text.slice(0, start).trim() !== "") return undefined;
  const q = readGoQuoted(text, start + "expr: ".length);
  const rest = text.slice(q.end);
  const head = /^, time: (\S+?),/.exec(rest);
  if (!head) return undefined;
  const key = `${q.value}\u0000${head[1]}`;
  const tail = rest.slice(head[0].length);
  if (tail.startsWith(" err: ")) return { key, verdict: { kind: "error", message: tail.slice(" err: ".length) } };
  const m = /^\n\s*exp: (.*)\n\s*got: (.*)$/s.exec(tail);
  if (!m) return undefined;
  const exp = m[1]!;
  const got = m[2]!;
  return { key, verdict: { kind: "got", samples: parseSampleList(got), exp, got } };
}

export interface OracleRun {
  /** Per group, per test (same order as given): what promtool said. */
  verdicts: Verdict[][];
  /** promtool output nobody could attribute to a test (a harness problem). */
  unattributed: string[];
  millis: number;
}

/** Runs promtool once over all groups. */
export async function runOracle(groups: readonly OracleGroup[]): Promise<OracleRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "monac-diff-"));
  const started = Date.now();
  try {
    const testFile = path.join(dir, "differential.test.yml");
    const junitFile = path.join(dir, "junit.xml");
    writeFileSync(testFile, renderTestFile(groups));
    // Prometheus 3.14's engine (what monac follows) always delays name removal.
    const res = await runTool("promtool", ["--enable-feature=promql-delayed-name-removal", "test", "rules", `--junit=${junitFile}`, testFile], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    if (res.code !== 0 && res.code !== 1) {
      throw new Error(`promtool exited with ${res.code}\n${res.stdout}\n${res.stderr}`);
    }
    const xml = readFileSync(junitFile, "utf8");
    const unattributed: string[] = [];
    const byGroup = new Map<string, { failures: string[]; error?: string }>();
    for (const m of xml.matchAll(/<testcase name="([^"]*)"(?:\/>|>(.*?)<\/testcase>)/gs)) {
      const body = m[2] ?? "";
      const failures = [...body.matchAll(/<failure>(.*?)<\/failure>/gs)].map((f) => unescapeXml(f[1]!));
      const err = /<error>(.*?)<\/error>/s.exec(body);
      byGroup.set(unescapeXml(m[1]!), { failures, ...(err ? { error: unescapeXml(err[1]!) } : {}) });
    }
    const suiteError = /<testsuite [^>]*errors="([1-9]\d*)"/.exec(xml);
    if (suiteError) unattributed.push(`promtool aborted the test file:\n${res.stderr}`);

    const verdicts = groups.map(({ group, tests }) => {
      const report = byGroup.get(group.name);
      const byKey = new Map<string, Verdict>();
      const groupErrors: string[] = [];
      if (report === undefined) unattributed.push(`no JUnit entry for group ${group.name}`);
      for (const f of report?.failures ?? []) {
        const parsed = parseFailure(f);
        if (parsed === undefined) groupErrors.push(f);
        else byKey.set(parsed.key, parsed.verdict);
      }
      if (report?.error !== undefined) groupErrors.push(report.error);
      // A failure that is not about one expression (e.g. loading the series) fails every entry.
      if (groupErrors.length > 0) {
        const message = `group-level failure: ${groupErrors.join("\n")}`;
        return tests.map((): Verdict => ({ kind: "error", message }));
      }
      const out = tests.map((t): Verdict => byKey.get(testKey(t.expr, t.evalMs)) ?? { kind: "silent" });
      const used = new Set(tests.map((t) => testKey(t.expr, t.evalMs)));
      for (const k of byKey.keys()) if (!used.has(k)) unattributed.push(`${group.name}: unmatched failure for ${JSON.stringify(k)}`);
      return out;
    });
    return { verdicts, unattributed, millis: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
