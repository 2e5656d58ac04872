// Linting Prometheus rule files: each file is loaded the way promtool loads
// it (src/ruletest/rule-files.ts: rulefmt's own errors become bug findings),
// then every rule, group and the bundle of all linted files is checked.
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from "yaml";
import { formatPrometheusDuration } from "../go/duration.js";
import { selectorMetricName, walk, type Expr } from "../promql/ast.js";
import { printPromQL } from "../promql/printer.js";
import { readRuleFile, RuleFileError, type LoadedRule, type LoadedRuleGroup } from "../ruletest/rule-files.js";
import { YamlReader, type Position } from "../ruletest/yaml-nodes.js";
import type { LintConfig } from "./config.js";
import { CHECKS, type CheckName, type Finding } from "./finding.js";
import { checkExpr } from "./promql-checks.js";

/** A rule file's text, and the position of an offset in it. */
interface FileText {
  text: string;
  position(offset: number): Position;
}

/** Where a rule's parts are in its file. */
export interface RulePositions {
  rule: Position;
  exprNode?: Scalar;
  expr: Position;
  for?: Position;
  labels: Map<string, Position>;
  annotations?: Position;
}

export interface LintedRule {
  rule: LoadedRule;
  group: LintedGroup;
  pos: RulePositions;
  /** Maps a byte offset in the expression to its position in the file. */
  at(offset: number): Position;
}

export interface LintedGroup {
  group: LoadedRuleGroup;
  file: string;
  pos: Position;
  intervalPos?: Position;
  rules: LintedRule[];
}

export interface RuleFileLint {
  groups: LintedGroup[];
  /** Findings from loading the file (rulefmt, PromQL syntax, templates). */
  findings: Finding[];
}

function finding(check: CheckName, file: string, pos: Position, message: string, anchorLine?: number): Finding {
  return { file, line: pos.line, column: pos.column, check, severity: CHECKS[check].severity, message, anchorLine };
}

/** Loads one rule file for linting. `display` is the path findings name. */
export function loadRuleFileForLint(display: string, content: string | Uint8Array): RuleFileLint {
  let groups: LoadedRuleGroup[];
  let y: YamlReader;
  try {
    ({ groups, yaml: y } = readRuleFile(display, content));
  } catch (e) {
    if (!(e instanceof RuleFileError)) throw e;
    return { groups: [], findings: e.problems.map((p) => loadProblem(display, p)) };
  }
  // What `at` needs of the file, without its YAML document: a lint of thousands of files holds every rule.
  const where: FileText = { text: y.text, position: y.positioner() };
  const top = y.root as YAMLMap<Node, Node | null>;
  const groupNodes = seqItems(mapGet(top, "groups"));
  const linted: LintedGroup[] = groups.map((group, gi) => {
    const gNode = groupNodes[gi] ?? null;
    const lg: LintedGroup = { group, file: display, pos: y.positionOf(gNode) ?? { line: 1, column: 1 }, intervalPos: y.positionOf(mapKey(gNode, "interval")), rules: [] };
    const ruleNodes = seqItems(mapGet(gNode, "rules"));
    lg.rules = group.rules.map((rule, ri) => {
      const rNode = ruleNodes[ri] ?? null;
      const rulePos = y.positionOf(rNode) ?? lg.pos;
      const exprNode = mapGet(rNode, "expr");
      const labels = new Map<string, Position>();
      const labelsNode = mapGet(rNode, "labels");
      if (isMap(labelsNode)) for (const pair of labelsNode.items) if (isScalar(pair.key)) labels.set(String(pair.key.value), y.positionOf(pair.key as Node) ?? rulePos);
      const pos: RulePositions = {
        rule: rulePos,
        exprNode: isScalar(exprNode) ? exprNode : undefined,
        expr: y.positionOf(exprNode) ?? rulePos,
        for: y.positionOf(mapKey(rNode, "for")),
        labels,
        annotations: y.positionOf(mapKey(rNode, "annotations")),
      };
      return { rule, group: lg, pos, at: locator(where, pos) };
    });
    return lg;
  });
  return { groups: linted, findings: [] };
}

const LOAD_PROBLEM = /^(\d+):(\d+): (.*)$/s;

/** rule-files.ts's problems are `file:line:col: message`; sort them into checks. */
function loadProblem(file: string, problem: string): Finding {
  const rest = problem.startsWith(`${file}:`) ? problem.slice(file.length + 1) : problem;
  const m = LOAD_PROBLEM.exec(rest);
  const pos = m ? { line: Number(m[1]), column: Number(m[2]) } : { line: 1, column: 1 };
  const message = m ? m[3]! : rest.replace(/^ /, "");
  const check: CheckName = message.includes("could not parse expression") ? "promql/syntax" : message.includes("error parsing template") ? "template/syntax" : "rulefmt/invalid";
  return finding(check, file, pos, message);
}

function mapGet(node: Node | null | undefined, key: string): Node | null {
  if (!isMap(node)) return null;
  const pair = (node as YAMLMap<Node, Node | null>).items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair?.value ?? null;
}

function mapKey(node: Node | null | undefined, key: string): Node | null {
  if (!isMap(node)) return null;
  const pair = (node as YAMLMap<Node, Node | null>).items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.key as Node | undefined) ?? null;
}

function seqItems(node: Node | null | undefined): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

/** A rule's `at`, made outside loadRuleFileForLint so that it holds the file's text, not its YAML document. */
function locator(where: FileText, pos: RulePositions): (offset: number) => Position {
  return (offset) => exprPosition(where, pos, offset);
}

/** The file position of a byte offset in an expression: exact for one-line and literal-block (`|`) scalars, the scalar's start otherwise. */
function exprPosition(y: FileText, pos: RulePositions, offset: number): Position {
  const node = pos.exprNode;
  if (node === undefined || node.range === undefined || node.range === null) return pos.expr;
  const value = String(node.value);
  const before = value.slice(0, offset);
  const newlines = before.split("\n").length - 1;
  if (node.type === "BLOCK_LITERAL") {
    const header = y.position(node.range[0]).line;
    return { line: header + 1 + newlines, column: blockIndent(y.text, node.range[0]) + 1 + (offset - (before.lastIndexOf("\n") + 1)) };
  }
  if (newlines > 0) return pos.expr;
  if (node.type === "PLAIN") return { line: pos.expr.line, column: pos.expr.column + offset };
  const src = y.text.slice(node.range[0] + 1, node.range[1]);
  // A quoted scalar without escapes is the text as written.
  if (!src.includes("\\") && !src.includes("''") && !src.includes("\n")) return { line: pos.expr.line, column: pos.expr.column + 1 + offset };
  return pos.expr;
}

/** The indentation of a block scalar whose header is at `header`: that of its first line with text (read from there, not from the file's start). */
function blockIndent(text: string, header: number): number {
  for (let start = text.indexOf("\n", header) + 1; start > 0 && start < text.length; ) {
    let i = start;
    while (text[i] === " " || text[i] === "\t") i++;
    if (i < text.length && text[i] !== "\n" && text[i] !== "\r") return i - start;
    start = text.indexOf("\n", i) + 1;
  }
  return 0;
}

// ------------------------------------------------------------ per rule

/** The PromQL checks of promql-checks.ts, placed in the file. */
export function checkRuleExpr(r: LintedRule, config: LintConfig): Finding[] {
  return checkExpr(r.rule.expr, { alert: r.rule.kind === "alert", scrapeInterval: config.scrapeInterval }).map((f) =>
    finding(f.check, r.group.file, r.at(f.offset), `${ruleName(r)}: ${f.message}`, r.pos.rule.line),
  );
}

function ruleName(r: LintedRule): string {
  return `${r.rule.kind} ${JSON.stringify(r.rule.name)}`;
}

/**
 * Whether an expression only returns series when something is wrong: a
 * comparison (not `bool`), absent(), a set-operation filter (`and`,
 * `unless`), and expressions built on them.
 */
export function isConditional(e: Expr): boolean {
  switch (e.type) {
    case "ParenExpr":
    case "UnaryExpr":
      return isConditional(e.expr);
    case "BinaryExpr":
      if (e.op === "==" || e.op === "!=" || e.op === ">" || e.op === "<" || e.op === ">=" || e.op === "<=") return !e.returnBool;
      // `x and y`, `x unless y` are filters: they return series only while the other side (does not) match.
      if (e.op === "and" || e.op === "unless") return true;
      if (e.op === "or") return isConditional(e.lhs) && isConditional(e.rhs);
      // Arithmetic on a filtered vector keeps only the filtered series.
      return isConditional(e.lhs) || isConditional(e.rhs);
    case "AggregateExpr":
      return e.op !== "count_values" && isConditional(e.expr);
    case "Call":
      if (e.func === "absent" || e.func === "absent_over_time") return true;
      return e.args.some(isConditional);
    default:
      return false;
  }
}

/** An alert whose expression is not a condition fires for every series it selects, all the time. */
export function checkAlwaysFiring(r: LintedRule): Finding[] {
  if (r.rule.kind !== "alert" || isConditional(r.rule.expr)) return [];
  return [finding("alert/always-firing", r.group.file, r.pos.expr, `${ruleName(r)}: the expression has no comparison (like \`> 0.05\`) or absent(), so it fires for every series it returns; add the condition`, r.pos.rule.line)];
}

/** absent() is true across a restart or a missed scrape: without `for`, that pages. */
export function checkAbsentWithoutFor(r: LintedRule): Finding[] {
  if (r.rule.kind !== "alert" || r.rule.holdDuration > 0) return [];
  let absentAt: number | undefined;
  walk(r.rule.expr, (n) => {
    if (absentAt === undefined && n.type === "Call" && n.func === "absent") absentAt = n.pos.start;
  });
  if (absentAt === undefined) return [];
  return [finding("alert/absent-without-for", r.group.file, r.at(absentAt), `${ruleName(r)}: absent() without \`for\` fires on any scrape gap or restart; add \`for: 5m\` (or more)`, r.pos.rule.line)];
}

const VALUE_IN_TEMPLATE = /\{\{[^}]*(\$value\b|\.Value\b)/;

/** A label with $value makes a new alert at every evaluation (labels are the alert's identity). */
export function checkValueInLabels(r: LintedRule): Finding[] {
  if (r.rule.kind !== "alert") return [];
  return r.rule.labels
    .filter(([, v]) => VALUE_IN_TEMPLATE.test(v))
    .map(([k]) => finding("alert/value-in-labels", r.group.file, r.pos.labels.get(k) ?? r.pos.rule, `${ruleName(r)}: label "${k}" uses the alert's value; labels are the alert's identity, so each new value is a new alert (and the old one resolves). Put it in an annotation`, r.pos.rule.line));
}

/** Alerts people act on need a summary and a runbook. */
export function checkMissingAnnotations(r: LintedRule, config: LintConfig): Finding[] {
  if (r.rule.kind !== "alert") return [];
  const have = new Set(r.rule.annotations.filter(([, v]) => v.trim() !== "").map(([k]) => k));
  const missing = config.requireAnnotations.filter((a) => !have.has(a));
  if (missing.length === 0) return [];
  return [finding("alert/missing-annotation", r.group.file, r.pos.annotations ?? r.pos.rule, `${ruleName(r)}: no ${missing.join(", ")} annotation${missing.length > 1 ? "s" : ""}`, r.pos.rule.line)];
}

/** `for` outside the team's agreed range (monac-lint.yaml forRange). */
export function checkForRange(r: LintedRule, config: LintConfig): Finding[] {
  if (r.rule.kind !== "alert") return [];
  const { min, max } = config.forRange;
  const f = r.rule.holdDuration;
  const text = f === 0 ? "no `for`" : `for: ${formatPrometheusDuration(f)}`;
  if (min !== undefined && f < min) return [finding("alert/for-range", r.group.file, r.pos.for ?? r.pos.rule, `${ruleName(r)}: ${text} is under the minimum ${formatPrometheusDuration(min)}`, r.pos.rule.line)];
  if (max !== undefined && f > max) return [finding("alert/for-range", r.group.file, r.pos.for ?? r.pos.rule, `${ruleName(r)}: ${text} is over the maximum ${formatPrometheusDuration(max)}`, r.pos.rule.line)];
  return [];
}

const RECORD_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_]+$/;
const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Prometheus's naming conventions: records `level:metric:operations`, alerts in CamelCase. */
export function checkNaming(r: LintedRule): Finding[] {
  if (r.rule.kind === "record" && !RECORD_NAME.test(r.rule.name)) {
    return [finding("naming/record", r.group.file, r.pos.rule, `recording rule "${r.rule.name}" is not named level:metric:operations (like job:http_requests:rate5m)`, r.pos.rule.line)];
  }
  if (r.rule.kind === "alert" && !ALERT_NAME.test(r.rule.name)) {
    return [finding("naming/alert", r.group.file, r.pos.rule, `alert "${r.rule.name}" is not in CamelCase (like HighErrorRate)`, r.pos.rule.line)];
  }
  return [];
}

// ------------------------------------------------------------ per group

const MAX_INTERVAL = 5 * 60_000;

/** Over 5m, a recorded series goes stale (5m lookback) between two evaluations. */
export function checkGroupInterval(g: LintedGroup): Finding[] {
  if (g.group.interval <= MAX_INTERVAL) return [];
  return [finding("group/interval-long", g.file, g.intervalPos ?? g.pos, `group "${g.group.name}": interval ${formatPrometheusDuration(g.group.interval)} is over 5m, so its series are stale (absent) between evaluations`, g.pos.line)];
}

/** Rules in a group run one after another; a long group is slow and hard to read. */
export function checkGroupSize(g: LintedGroup, config: LintConfig): Finding[] {
  if (g.rules.length <= config.maxGroupSize) return [];
  return [finding("group/too-many-rules", g.file, g.pos, `group "${g.group.name}" has ${g.rules.length} rules (limit ${config.maxGroupSize}); split it`, g.pos.line)];
}

// ------------------------------------------------------------ the bundle

/** A group as the bundle checks remember it: its name and file (its rules are not kept). */
interface GroupRef {
  name: string;
  file: string;
}

/**
 * The checks over the bundle of all linted files, fed one file's groups at a
 * time and keeping only what they need (not the rules: a lint of a
 * 10,000-SLO bundle would hold every expression):
 * - recorded series (names with ':') read but recorded nowhere in the linted
 *   files, or in another group (or later in the same one);
 * - the same rule twice: double the work, and for alerts double
 *   notifications or a conflict.
 */
export class BundleChecks {
  /** Where each name is recorded: the first rule of each group recording it, and the first group of each file. */
  private readonly recordedAt = new Map<string, { inGroup: Map<GroupRef, number>; byFile: Map<string, GroupRef>; first: GroupRef }>();
  /** Each recorded series a rule reads (once per rule), judged when every file is in. */
  private readonly reads: Array<{ group: GroupRef; index: number; name: string; rule: string; at: Position; line: number }> = [];
  /** The first rule of each kind, name, labels and expression. */
  private readonly seen = new Map<string, { file: string; line: number }>();
  private readonly duplicates: Finding[] = [];

  add(g: LintedGroup): void {
    const ref: GroupRef = { name: g.group.name, file: g.file };
    g.rules.forEach((r, index) => {
      if (r.rule.kind === "record") {
        let at = this.recordedAt.get(r.rule.name);
        if (at === undefined) this.recordedAt.set(r.rule.name, (at = { inGroup: new Map(), byFile: new Map(), first: ref }));
        if (!at.inGroup.has(ref)) at.inGroup.set(ref, index);
        if (!at.byFile.has(ref.file)) at.byFile.set(ref.file, ref);
      }
      const names = new Set<string>();
      walk(r.rule.expr, (n) => {
        if (n.type !== "VectorSelector") return;
        const name = selectorMetricName(n);
        if (name === undefined || !name.includes(":") || names.has(name)) return;
        names.add(name);
        this.reads.push({ group: ref, index, name, rule: ruleName(r), at: r.at(n.pos.start), line: r.pos.rule.line });
      });
      const labels = [...r.rule.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const key = JSON.stringify([r.rule.kind, r.rule.name, labels, printPromQL(r.rule.expr)]);
      const prev = this.seen.get(key);
      if (prev === undefined) this.seen.set(key, { file: g.file, line: r.pos.rule.line });
      else this.duplicates.push(finding("rules/duplicate", g.file, r.pos.rule, `${ruleName(r)} duplicates the rule at ${prev.file}:${prev.line} (same name, labels and expression)`, r.pos.rule.line));
    });
  }

  /** The findings, once every file's groups were added. */
  findings(): Finding[] {
    const out: Finding[] = [];
    for (const read of this.reads) {
      const { group: g, name } = read;
      const defs = this.recordedAt.get(name);
      if (defs === undefined) {
        out.push(finding("rules/undefined-recording", g.file, read.at, `${read.rule} reads ${name}, which no linted rule records (a typo, or a rule file missing from the lint)`, read.line));
        continue;
      }
      const here = defs.inGroup.get(g);
      if (here !== undefined && here < read.index) continue;
      if (here !== undefined) {
        out.push(finding("rules/recording-other-group", g.file, read.at, `${read.rule} reads ${name}, recorded later in the same group: it sees the previous evaluation's value`, read.line));
      } else {
        const d = defs.byFile.get(g.file) ?? defs.first;
        out.push(finding("rules/recording-other-group", g.file, read.at, `${read.rule} reads ${name}, recorded in group "${d.name}" (${d.file}): it can lag by up to an evaluation interval`, read.line));
      }
    }
    return [...out, ...this.duplicates];
  }
}

/** The checks of one group and its rules (not the bundle's: BundleChecks). */
export function lintGroup(g: LintedGroup, config: LintConfig): Finding[] {
  const out: Finding[] = [...checkGroupInterval(g), ...checkGroupSize(g, config)];
  for (const r of g.rules) {
    out.push(
      ...checkRuleExpr(r, config),
      ...checkAlwaysFiring(r),
      ...checkAbsentWithoutFor(r),
      ...checkValueInLabels(r),
      ...checkMissingAnnotations(r, config),
      ...checkForRange(r, config),
      ...checkNaming(r),
    );
  }
  return out;
}
