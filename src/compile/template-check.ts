// Go templates in what becomes an alerting rule's labels and annotations:
// summaries, descriptions, runbooks and label values. `promtool check rules`
// parses each of them (rulefmt's testTemplateParsing) and rejects the file if
// one does not parse, so monac refuses them first, at the character in the
// spec that is wrong. Prometheus only parses them: a template that parses but
// fails whenever it runs (`{{ template "missing" }}`) passes promtool too.
//
// This lives in the compile stage, not in workspace validation, because it
// needs the template parser (src/template), which workspace may not import,
// and because what reaches Prometheus is compiled text: a threshold alert's
// `{{ $threshold }}` is replaced before Prometheus sees it.
import { alertTemplateFunctionNames, alertTemplateParseError, newerFunctionsCalled, type TemplateParseError } from "../template/index.js";
import { closestName, type Diagnostic } from "../workspace/diagnostics.js";
import type { FieldRef, PartialModel, SloModel, SourceRef, ThresholdAlertModel } from "../workspace/model.js";
import type { SpecLocator } from "../workspace/spec-locator.js";
import { hasSloAlerts } from "./slo-rules.js";
import { thresholdPlaceholder } from "./threshold-rules.js";

/** How monac treats `$threshold` in a field, for explaining an undefined variable. */
type ThresholdUse =
  /** A threshold alert's summary or description: a bare `{{ $threshold }}` is replaced. */
  | "replaced"
  /** The same fields of a condition alert, which has no threshold. */
  | "condition"
  /** Anything else: SLOs, labels, runbooks. */
  | "none";

interface TemplateField {
  at: FieldRef;
  text: string;
  alertName: string;
  threshold: ThresholdUse;
}

/** The findings about templates that would not parse in Prometheus, at the spec's fields. */
export function templateFindings(partial: PartialModel, locator: SpecLocator): Diagnostic[] {
  const fields = [...partial.slos.flatMap((s) => sloFields(s, locator)), ...partial.thresholds.flatMap((a) => thresholdFields(a, locator))];
  const findings: Diagnostic[] = [];
  // A file's labels reach every alert of the file: report each field once.
  const seen = new Set<string>();
  const parsed = new Map<string, TemplateParse>();
  for (const field of fields) {
    const key = `${field.at.file}\u0000${JSON.stringify(field.at.path)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const finding = templateFinding(field, locator, parsed);
    if (finding) findings.push(finding);
  }
  return findings;
}

interface TemplateParse {
  error: TemplateParseError | undefined;
  newer: string[];
}

/**
 * What Prometheus's parser makes of a text, parsed once per workspace: many
 * SLOs and alerts share a summary or a label value. Findings use the error's
 * reason, offset and detail, which depend on the text alone (only its message
 * names the alert).
 */
function parseOnce(text: string, alertName: string, parsed: Map<string, TemplateParse>): TemplateParse {
  let entry = parsed.get(text);
  if (entry === undefined) {
    const error = alertTemplateParseError(text, alertName);
    entry = { error, newer: error ? [] : newerFunctionsCalled(text) };
    parsed.set(text, entry);
  }
  return entry;
}

function templateFinding(field: TemplateField, locator: SpecLocator, parsed: Map<string, TemplateParse>): Diagnostic | undefined {
  let text = field.text;
  // Parse what Prometheus will see. The placeholder becomes spaces of its own
  // length, plain text like the threshold it stands for, so offsets still
  // count in the spec's text.
  if (field.threshold === "replaced") text = text.replace(thresholdPlaceholder(), (m) => " ".repeat(m.length));
  const { error, newer } = parseOnce(text, field.alertName, parsed);
  if (!error) {
    if (newer.length === 0) return undefined;
    const fns = newer.map((n) => `"${n}"`).join(", ");
    const leading = field.text.length - field.text.trimStart().length;
    const at = Math.max(0, text.indexOf(newer[0]!) - leading);
    return {
      ...locator.finding(field.at, `template: ${fns} ${newer.length === 1 ? "is a template function" : "are template functions"} added after Prometheus 3.5: Prometheus 3.5 and older refuse to load this rule file`, at),
      severity: "warning",
    };
  }
  // The locator counts from the value's first non-blank character.
  const leading = field.text.length - field.text.trimStart().length;
  return locator.finding(field.at, `template: ${explain(error, field.threshold, text)}`, Math.max(0, error.offset - leading));
}

let functionNames: string[] | undefined;

/** Go's parse error in words for someone writing a spec, with a suggestion where one is likely. */
export function explain(error: TemplateParseError, threshold: ThresholdUse = "none", text = ""): string {
  const d = error.detail;
  switch (d.kind) {
    case "function": {
      functionNames ??= alertTemplateFunctionNames();
      return `unknown function "${d.name}"${didYouMean(closestName(d.name, functionNames))}`;
    }
    case "variable": {
      if (d.name === "$threshold") {
        if (threshold === "replaced") {
          return 'undefined variable "$threshold": monac replaces only a bare {{ $threshold }} (with the threshold as text, e.g. 80%), which cannot be piped or used inside an action';
        }
        if (threshold === "condition") return 'undefined variable "$threshold": a condition alert has no threshold';
        return 'undefined variable "$threshold": only the summary and description of an alert with warning/critical thresholds have {{ $threshold }}';
      }
      const defined = d.scope.filter((v) => v !== "$");
      const candidates = threshold === "replaced" ? [...defined, "$threshold"] : defined;
      const guess = closestName(d.name, candidates);
      if (guess !== undefined) return `undefined variable "${d.name}"${didYouMean(guess)}`;
      if (defined.length === 0) return `undefined variable "${d.name}" (a {{define}} or {{block}} body sees no variables)`;
      return `undefined variable "${d.name}" (defined here: ${defined.join(", ")})`;
    }
    case "unclosedAction":
      return 'unclosed action: this "{{" has no "}}"';
    case "unmatched":
      if (d.keyword === "end") return "{{end}} without an {{if}}, {{range}}, {{with}} or {{define}} to end";
      if (error.reason.startsWith("expected end")) return "a second {{else}}: expected {{end}}";
      return "{{else}} without an {{if}}, {{range}} or {{with}}";
    case "unterminated":
      return `{{${d.keyword}}} without its {{end}}`;
    case "nonExecutable":
      return `only a function can follow "|" in a pipeline, not a constant (stage ${d.stage})`;
    case "other":
      if (error.reason === "missing value for command") return "empty action: nothing between {{ and }}";
      if (error.reason.startsWith("bad character ")) return badCharacter(error, text);
      return error.reason;
  }
}

/** A name running into a character names cannot have, e.g. a label name with "-" written as a field. */
function badCharacter(error: TemplateParseError, text: string): string {
  const ch = /'(.+)'$/.exec(error.reason)?.[1];
  if (ch === undefined) return error.reason;
  const label = /(?:\.Labels|\$labels)\.([\p{L}\p{Nd}_]*)$/u.exec(text.slice(0, error.offset));
  if (label) {
    const name = label[1]! + (/^[^\s}|)]*/.exec(text.slice(error.offset))?.[0] ?? "");
    return `"${ch}" cannot follow a field name; for the label "${name}" write {{ index $labels "${name}" }}`;
  }
  return `"${ch}" cannot follow a name`;
}

function didYouMean(name: string | undefined): string {
  return name === undefined ? "" : ` (did you mean "${name}"?)`;
}

/** The spec path of an SLO or alert ("slos[1]" is ["slos", 1]). */
function sourcePath(source: SourceRef): (string | number)[] {
  const m = /^(\w+)\[(\d+)\]$/.exec(source.path);
  if (!m) throw new Error(`unexpected source path ${source.path}`);
  return [m[1]!, Number(m[2])];
}

/** The first of `paths` in `file` whose value is `value`: which spec field a merged label came from. */
function origin(locator: SpecLocator, file: string, paths: (string | number)[][], value: string): FieldRef {
  for (const path of paths) {
    const at = { file, path };
    if (locator.value(at) === value) return at;
  }
  return { file, path: paths[0]! };
}

function sloFields(slo: SloModel, locator: SpecLocator): TemplateField[] {
  // Only alerting rules' labels and annotations are templates.
  if (!hasSloAlerts(slo)) return [];
  const file = slo.source.file;
  const base = sourcePath(slo.source);
  const alertName = slo.alerting.name;
  const fields: TemplateField[] = [];
  const add = (path: (string | number)[], text: string | undefined) => {
    if (text !== undefined) fields.push({ at: { file, path }, text, alertName, threshold: "none" });
  };
  add([...base, "alerting", "summary"], slo.alerting.summary);
  add([...base, "alerting", "description"], slo.alerting.description);
  add([...base, "alerting", "runbook"], slo.alerting.runbook);
  const labels = { ...slo.labels, ...slo.alerting.labels };
  for (const [name, value] of Object.entries(labels)) {
    const at = origin(locator, file, [[...base, "alerting", "labels", name], [...base, "labels", name], ["labels", name]], value);
    fields.push({ at, text: value, alertName, threshold: "none" });
  }
  return fields;
}

function thresholdFields(alert: ThresholdAlertModel, locator: SpecLocator): TemplateField[] {
  const file = alert.source.file;
  const base = sourcePath(alert.source);
  const alertName = alert.name;
  const annotations: ThresholdUse = alert.levels.some((l) => l.threshold !== undefined) ? "replaced" : "condition";
  const fields: TemplateField[] = [];
  const add = (path: (string | number)[], text: string | undefined, threshold: ThresholdUse) => {
    if (text !== undefined) fields.push({ at: { file, path }, text, alertName, threshold });
  };
  add([...base, "summary"], alert.summary, annotations);
  add([...base, "description"], alert.description, annotations);
  add([...base, "runbook"], alert.runbook, "none");
  for (const [name, value] of Object.entries(alert.labels)) {
    const at = origin(locator, file, [[...base, "labels", name], ["labels", name]], value);
    fields.push({ at, text: value, alertName, threshold: "none" });
  }
  return fields;
}
