/**
 * Alert template expansion exactly as Prometheus's rule manager does it
 * (rules/alerting.go and template.Expander.Expand).
 */
import { ExecError, type FuncMap } from "./exec.js";
import { builtins } from "./funcs.js";
import { parsePrefix, parseTemplates, TemplateParseError } from "./parser.js";
import { prometheusFuncs, type QueryFn } from "./prometheus-funcs.js";
import { Template } from "./template.js";
import { GoStruct, stringMap, type Value } from "./values.js";

export interface AlertTemplateInput {
  /** The alert's labels (the sample's labels without __name__, plus the rule's). */
  labels: Readonly<Record<string, string>>;
  externalLabels?: Readonly<Record<string, string>>;
  /** The sample value that triggered the alert. */
  value: number;
  externalURL?: string;
  query?: QueryFn;
  /** Rule evaluation time in milliseconds since the epoch (for `now`). */
  timestampMs?: number;
  /** The alerting rule's name; the template is named "__alert_<name>" in errors. */
  alertName?: string;
}

/**
 * The convenience variables the rule manager prepends. They are part of the
 * template text, so error columns on line 1 count them too, as in Prometheus.
 */
export const ALERT_TEMPLATE_HEADER =
  "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

// The header parsed once: texts after it are parsed on from its end state.
const HEADER_PREFIX = parsePrefix(ALERT_TEMPLATE_HEADER);

const ALERT_DATA_TYPE =
  "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }";

/** template.AlertTemplateData. */
export function alertTemplateData(input: AlertTemplateInput): Value {
  return new GoStruct(
    ALERT_DATA_TYPE,
    new Map<string, Value>([
      ["Labels", stringMap(input.labels)],
      ["ExternalLabels", stringMap(input.externalLabels ?? {})],
      ["ExternalURL", input.externalURL ?? ""],
      ["Value", input.value],
    ]),
  );
}

/** Expander.Expand: the expanded text, or an Error carrying Prometheus's message. */
export async function expandTemplate(name: string, text: string, data: Value, input: AlertTemplateInput): Promise<string> {
  let tmpl: Template;
  try {
    tmpl = parsed(name, text, input);
  } catch (e) {
    if (e instanceof TemplateParseError) throw new Error(`error parsing template ${name}: ${e.message}`);
    throw e;
  }
  try {
    return await tmpl.execute(data);
  } catch (e) {
    if (e instanceof ExecError) throw new Error(`error executing template ${name}: ${e.message}`);
    throw e;
  }
}

// Prometheus's functions, for parsing (which only asks which names exist).
const parseTestFuncs = prometheusFuncs({ timestampMs: 0, externalURL: "" });

// A rule's templates are checked once and expanded at every evaluation with
// new data and a function map bound to it (`now`, `query`); the function names
// are always Prometheus's, so the parse depends only on the name and text and
// is reused. Texts that do not parse are not kept.
const cache = new Map<string, Template>();

/** The template `name` with Prometheus's functions (not bound to an evaluation); throws TemplateParseError. */
function parsedAlertTemplate(name: string, text: string): Template {
  const key = `${name}\u0000${text}`;
  let tmpl = cache.get(key);
  if (tmpl === undefined) {
    // Prometheus's default option is missingkey=zero.
    tmpl = Template.parse(name, text, { funcs: parseTestFuncs, missingKey: "zero", prefix: HEADER_PREFIX });
    if (cache.size >= 10_000) cache.clear();
    cache.set(key, tmpl);
  }
  return tmpl;
}

function parsed(name: string, text: string, input: AlertTemplateInput): Template {
  return parsedAlertTemplate(name, text).withFuncs(funcsFor(input));
}

// The function maps of recent evaluations without a query function, by time
// and external URL: expansions come in runs at the same evaluation.
const funcMaps = new Map<string, FuncMap>();

function funcsFor(input: AlertTemplateInput): FuncMap {
  const opts = { query: input.query, timestampMs: input.timestampMs ?? 0, externalURL: input.externalURL ?? "" };
  if (opts.query !== undefined) return prometheusFuncs(opts);
  const key = `${opts.timestampMs}\u0000${opts.externalURL}`;
  let funcs = funcMaps.get(key);
  if (funcs === undefined) {
    funcs = prometheusFuncs(opts);
    if (funcMaps.size >= 1_000) funcMaps.clear();
    funcMaps.set(key, funcs);
  }
  return funcs;
}

/**
 * Text without "{{" is one text node after the header: it parses and calls
 * nothing, so checks need not parse it (most runbooks and label values).
 */
function isPlainText(text: string): boolean {
  return !text.includes("{{");
}

/**
 * What `promtool check rules` checks of an alerting rule's label or
 * annotation value (rulefmt's testTemplateParsing and Expander.ParseTest):
 * that it parses, after the alert header, with Prometheus's functions. It is
 * not executed, so a template that would fail on every value still passes.
 * Undefined when it parses; otherwise Go's error, its offset counted in
 * `text` (without the header).
 */
export function alertTemplateParseError(text: string, alertName = ""): TemplateParseError | undefined {
  if (isPlainText(text)) return undefined;
  try {
    parsedAlertTemplate(`__alert_${alertName}`, ALERT_TEMPLATE_HEADER + text);
    return undefined;
  } catch (e) {
    if (!(e instanceof TemplateParseError)) throw e;
    const offset = Math.max(0, e.offset - ALERT_TEMPLATE_HEADER.length);
    return new TemplateParseError(e.message, e.reason, offset, e.detail);
  }
}

/**
 * Template functions of Prometheus 3.14 that Prometheus 3.5 (the oldest
 * release monac's rule files are checked against) does not have: a rule file
 * calling one does not load there.
 */
export const FUNCTIONS_NEWER_THAN_PROMETHEUS_3_5: ReadonlySet<string> = new Set(["now", "toDuration", "urlQueryEscape"]);

/** Which of FUNCTIONS_NEWER_THAN_PROMETHEUS_3_5 an alert template calls (none when it does not parse). */
export function newerFunctionsCalled(text: string): string[] {
  if (isPlainText(text)) return [];
  const called = new Set<string>();
  try {
    parseTemplates("__alert", ALERT_TEMPLATE_HEADER + text, (fn) => {
      if (FUNCTIONS_NEWER_THAN_PROMETHEUS_3_5.has(fn)) called.add(fn);
      return parseTestFuncs.has(fn) || builtins.has(fn);
    }, HEADER_PREFIX);
  } catch (e) {
    if (!(e instanceof TemplateParseError)) throw e;
    return [];
  }
  return [...called].sort();
}

/** Every function an alert template may call: Go's builtins and Prometheus's. */
export function alertTemplateFunctionNames(): string[] {
  return [...new Set([...builtins.keys(), ...parseTestFuncs.keys()])].sort();
}

/**
 * Expands one alert label or annotation value. Like Prometheus, a failing
 * template doesn't fail the rule: its output is "<error expanding template: ...>".
 */
export async function expandAlertTemplate(text: string, input: AlertTemplateInput): Promise<string> {
  const name = `__alert_${input.alertName ?? ""}`;
  try {
    return await expandTemplate(name, ALERT_TEMPLATE_HEADER + text, alertTemplateData(input), input);
  } catch (e) {
    return `<error expanding template: ${(e as Error).message}>`;
  }
}
