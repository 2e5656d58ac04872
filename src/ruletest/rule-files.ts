/**
 * Rule files as the rule manager loads them for promtool: `rule_files`
 * globs resolved relative to the test file (filepath.Glob semantics), each
 * file parsed and validated like model/rulefmt (strict fields, parseable
 * expressions, valid names, parseable alert templates, unique group names),
 * and group labels merged into every rule's labels.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Node } from "yaml";
import { allMatchers, type Expr, type VectorSelector } from "../promql/ast.js";
import { matcherPredicate } from "../promql/storage.js";
import { parsePromQL, PromQLParseError } from "../promql/parser.js";
import { alertTemplateParseError } from "../template/index.js";
import { ioReason } from "../yaml/safe.js";
import { YamlFileError, YamlReader, type Position } from "./yaml-nodes.js";

export interface LoadedRuleGroup {
  file: string;
  name: string;
  /** The group's `interval`, ms; 0 when unset (Prometheus then uses its global evaluation_interval). */
  interval: number;
  /** ms subtracted from the evaluation time of every query of the group. */
  queryOffset: number;
  /** 0 means unlimited. */
  limit: number;
  rules: LoadedRule[];
}

interface RuleBase {
  name: string;
  expr: Expr;
  exprText: string;
  /** Group labels overridden by rule labels, in file order. */
  labels: Array<[string, string]>;
  file: string;
  line: number;
}

export interface LoadedRecordingRule extends RuleBase {
  kind: "record";
}

export interface LoadedAlertingRule extends RuleBase {
  kind: "alert";
  /** `for`, ms. */
  holdDuration: number;
  keepFiringFor: number;
  annotations: Array<[string, string]>;
}

export type LoadedRule = LoadedRecordingRule | LoadedAlertingRule;

/** All the errors found in one rule file, each with file:line:col where known. */
export class RuleFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "RuleFileError";
  }
}

/**
 * Resolves rule_files patterns. Patterns matching nothing are reported as
 * warnings (promtool prints "WARNING: no file match pattern"), not errors.
 */
export function resolveRuleFiles(testFile: string, patterns: readonly string[]): { files: string[]; warnings: string[] } {
  const base = path.dirname(testFile);
  const files: string[] = [];
  const warnings: string[] = [];
  for (const p of patterns) {
    const pattern = p !== "" && !path.isAbsolute(p) ? path.join(base, p) : p;
    const matches = glob(pattern);
    if (matches.length === 0) warnings.push(`no file match pattern ${pattern}`);
    for (const m of matches) if (!files.includes(m)) files.push(m);
  }
  return { files, warnings };
}

/** Go's filepath.Glob: `*`, `?`, `[...]` within one path segment; sorted per directory. */
function glob(pattern: string): string[] {
  if (!/[*?[\\]/.test(pattern)) {
    try {
      statSync(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const dir = path.dirname(pattern);
  const last = path.basename(pattern);
  const dirs = /[*?[\\]/.test(dir) && dir !== pattern ? glob(dir) : [dir];
  const re = globSegment(last);
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const n of names) if (re.test(n)) out.push(path.join(d, n));
  }
  return out;
}

function globSegment(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\" && i + 1 < segment.length) re += escapeRegex(segment[++i]!);
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let cls = segment.slice(i + 1, end);
        if (cls.startsWith("^")) cls = "^" + cls.slice(1).replace(/[\]\\]/g, "\\$&");
        else cls = cls.replace(/[\]\\^]/g, "\\$&");
        re += `[${cls}]`;
        i = end;
      }
    } else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`, "u");
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const GROUP_FIELDS = ["name", "interval", "query_offset", "limit", "rules", "labels"] as const;
const RULE_FIELDS = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"] as const;

/** Reads and validates one rule file; throws RuleFileError listing every problem. */
export function loadRuleFile(file: string): LoadedRuleGroup[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new RuleFileError([`${file}: cannot read: ${ioReason(e)}`]);
  }
  return parseRuleFile(file, bytes);
}

/** Parses a rule file, bytes from disk (which must be UTF-8) or text; throws RuleFileError listing every problem. */
export function parseRuleFile(file: string, content: string | Uint8Array): LoadedRuleGroup[] {
  return readRuleFile(file, content).groups;
}

/** parseRuleFile, with the YAML it read (where its nodes are, for a linter). */
export function readRuleFile(file: string, content: string | Uint8Array): { groups: LoadedRuleGroup[]; yaml: YamlReader } {
  let y: YamlReader;
  try {
    // rulefmt uses yaml.v3 (YAML 1.2 scalars).
    y = new YamlReader(file, content, "rules");
  } catch (e) {
    if (e instanceof YamlFileError) throw new RuleFileError([e.message]);
    throw e;
  }
  const problems: string[] = [];
  const at = (node: Node | null | undefined, msg: string): void => {
    problems.push(y.error(node, msg).message);
  };
  const groups: LoadedRuleGroup[] = [];
  try {
    const top = y.fields(y.root, ["groups"], "rule file");
    const seen = new Set<string>();
    for (const gNode of y.items(top.get("groups")?.value, "groups")) {
      const g = y.fields(gNode, GROUP_FIELDS, "rule group");
      const name = y.string(g.get("name")?.value, "name");
      if (name === "") at(gNode, "Groupname must not be empty");
      if (seen.has(name)) at(gNode, `groupname: "${name}" is repeated in the same file`);
      seen.add(name);
      const interval = y.duration(g.get("interval")?.value, "interval");
      const groupLabels = y.stringMap(g.get("labels")?.value, "labels");
      for (const [k, v, keyNode] of groupLabels) for (const p of labelProblems(k, v)) at(keyNode, p);
      const rules: LoadedRule[] = [];
      y.items(g.get("rules")?.value, "rules").forEach((rNode, i) => {
        const rule = parseRule(y, rNode, groupLabels, (node, msg, ruleName) =>
          at(node ?? rNode, `group "${name}", rule ${i + 1}, "${ruleName}": ${msg}`),
        );
        if (rule !== undefined) rules.push(rule);
      });
      groups.push({
        file,
        name,
        interval,
        queryOffset: y.duration(g.get("query_offset")?.value, "query_offset"),
        limit: y.int(g.get("limit")?.value, "limit"),
        rules,
      });
    }
  } catch (e) {
    if (e instanceof YamlFileError) problems.push(e.message);
    else throw e;
  }
  if (problems.length > 0) throw new RuleFileError(problems);
  return { groups, yaml: y };
}

type Report = (node: Node | null | undefined, message: string, ruleName: string) => void;

function parseRule(y: YamlReader, node: Node, groupLabels: Array<[string, string, Node]>, report: Report): LoadedRule | undefined {
  const f = y.fields(node, RULE_FIELDS, "rule");
  return checkedRule<Node | null>(
    {
      record: y.string(f.get("record")?.value, "record"),
      alert: y.string(f.get("alert")?.value, "alert"),
      exprText: y.string(f.get("expr")?.value, "expr"),
      holdDuration: y.duration(f.get("for")?.value, "for"),
      keepFiringFor: y.duration(f.get("keep_firing_for")?.value, "keep_firing_for"),
      ruleLabels: y.stringMap(f.get("labels")?.value, "labels"),
      annotations: y.stringMap(f.get("annotations")?.value, "annotations"),
      node,
      recordNode: f.get("record")?.value ?? f.get("alert")?.value ?? node,
      exprNode: f.get("expr")?.value,
      file: y.file,
      line: y.positionOf(node)?.line ?? 0,
    },
    groupLabels,
    report,
  );
}

/** A rule's fields as read (from YAML nodes, or from data: then N locates nothing). */
export interface RuleFields<N> {
  record: string;
  alert: string;
  exprText: string;
  holdDuration: number;
  keepFiringFor: number;
  ruleLabels: Array<[string, string, N]>;
  annotations: Array<[string, string, N]>;
  /** Where the rule, its record/alert name and its expr are (for messages). */
  node: N;
  recordNode: N;
  exprNode: N | undefined;
  file: string;
  line: number;
}

/** rulefmt's checks of one rule, and the rule as loaded when they pass (each problem goes to `report`). */
export function checkedRule<N>(
  r: RuleFields<N>,
  groupLabels: ReadonlyArray<readonly [string, string, N]>,
  report: (node: N | undefined, message: string, ruleName: string) => void,
): LoadedRule | undefined {
  const { record, alert, exprText, holdDuration, keepFiringFor, ruleLabels, annotations, node, recordNode } = r;
  const name = alert !== "" ? alert : record;
  let ok = true;
  const fail = (n: N | undefined, msg: string): void => {
    ok = false;
    report(n, msg, name);
  };

  if (record !== "" && alert !== "") fail(recordNode, "only one of 'record' and 'alert' must be set");
  if (record === "" && alert === "") fail(node, "one of 'record' or 'alert' must be set");
  let expr: Expr | undefined;
  if (exprText === "") fail(r.exprNode ?? node, "field 'expr' must be set in rule");
  else {
    try {
      expr = parsePromQL(exprText);
    } catch (e) {
      if (!(e instanceof PromQLParseError) && !(e instanceof Error)) throw e;
      fail(r.exprNode, `could not parse expression: ${(e as Error).message}`);
    }
  }
  if (record !== "") {
    if (annotations.length > 0) fail(recordNode, "invalid field 'annotations' in recording rule");
    if (holdDuration !== 0) fail(recordNode, "invalid field 'for' in recording rule");
    if (keepFiringFor !== 0) fail(recordNode, "invalid field 'keep_firing_for' in recording rule");
    if (!isValidUTF8(record)) fail(recordNode, `invalid recording rule name: ${record}`);
    // A valid UTF-8 name, but almost always a PromQL selector pasted by mistake.
    if (record.includes("{") || record.includes("}")) {
      fail(recordNode, `braces present in the recording rule name; should it be in expr?: ${record}`);
    }
  }
  for (const [k, v, keyNode] of ruleLabels) for (const p of labelProblems(k, v)) fail(keyNode, p);
  for (const [k, , keyNode] of annotations) if (!isValidUTF8(k) || k === "") fail(keyNode, `invalid annotation name: ${k}`);
  if (alert !== "") {
    for (const [k, v, keyNode] of ruleLabels) {
      const err = templateParseError(alert, v);
      if (err !== undefined) fail(keyNode, `label "${k}": ${err}`);
    }
    for (const [k, v, keyNode] of annotations) {
      const err = templateParseError(alert, v);
      if (err !== undefined) fail(keyNode, `annotation "${k}": ${err}`);
    }
  }
  if (!ok || expr === undefined) return undefined;

  // FromMaps(group labels, rule labels): the rule's value wins.
  const merged = new Map<string, string>(groupLabels.map(([k, v]) => [k, v]));
  for (const [k, v] of ruleLabels) merged.set(k, v);
  const base = { name, expr, exprText, labels: [...merged], file: r.file, line: r.line };
  if (alert !== "") {
    return { ...base, kind: "alert", holdDuration, keepFiringFor, annotations: annotations.map(([k, v]) => [k, v]) };
  }
  return { ...base, kind: "record" };
}

export function labelProblems(name: string, value: string): string[] {
  const out: string[] = [];
  // Prometheus 3 validates names as UTF-8: anything non-empty and well formed.
  if (name === "" || !isValidUTF8(name) || name === "__name__") out.push(`invalid label name: ${name}`);
  if (!isValidUTF8(value)) out.push(`invalid label value: ${value}`);
  return out;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isValidUTF8(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** rulefmt's testTemplateParsing: the template with the alert header must parse. */
function templateParseError(alertName: string, text: string): string | undefined {
  const e = alertTemplateParseError(text, alertName);
  return e && `error parsing template __alert_${alertName}: ${e.message}`;
}

export type { Position };

/**
 * Whether a selector could match series a rule writes, judged by what is
 * fixed about them: the metric name, alertname, and the rule's labels
 * without templates (the rule manager sets those on every output series).
 */
export function mayRead(sel: VectorSelector, rule: LoadedRule): boolean {
  // Asked for every pair of selector and earlier rule, by the fast path's checks and the demand analysis.
  let byRule = MAY_READ.get(sel);
  if (byRule === undefined) MAY_READ.set(sel, (byRule = new WeakMap()));
  let known = byRule.get(rule);
  if (known === undefined) byRule.set(rule, (known = computeMayRead(sel, rule)));
  return known;
}

const MAY_READ = new WeakMap<VectorSelector, WeakMap<LoadedRule, boolean>>();

function computeMayRead(sel: VectorSelector, rule: LoadedRule): boolean {
  const matchers = allMatchers(sel);
  const fixed = new Map<string, string>(rule.labels.filter(([, v]) => !v.includes("{{")));
  const names = rule.kind === "record" ? [rule.name] : ["ALERTS", "ALERTS_FOR_STATE"];
  if (rule.kind === "alert") fixed.set("alertname", rule.name);
  return names.some((name) =>
    matchers.every((m) => {
      if (m.name === "__name__") return matcherPredicate(m)(name);
      const v = fixed.get(m.name);
      return v === undefined || matcherPredicate(m)(v);
    }),
  );
}
