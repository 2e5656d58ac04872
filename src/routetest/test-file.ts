// monac's routing test format (`*.routing.test.yaml`), for Alertmanager
// configurations:
//
//   config: ../alertmanager.yml        # relative to this file
//   cases:
//     - name: payments critical pages   # unique in the file
//       alert: { team: payments, severity: critical }
//       at: "2026-03-02T10:00:00+01:00"   # RFC 3339; needed by `muted`
//       firing: [{ ... }, ...]           # other alerts firing (for `inhibited`)
//       receivers: [payments-pagerduty, payments-slack, sre-email]   # order-insensitive
//       inhibited: false
//       muted: false                     # every route the alert takes is muted at `at`
//
// Each case states at least one of receivers, inhibited and muted.
import { readYaml, toData, type YamlFileKind } from "../yaml/safe.js";

export interface RoutingCase {
  name: string;
  line: number;
  alert: Record<string, string>;
  atMs?: number;
  at?: string;
  firing: Record<string, string>[];
  receivers?: string[];
  inhibited?: boolean;
  muted?: boolean;
}

export interface RoutingTestFile {
  config: string;
  cases: RoutingCase[];
}

export class RoutingTestFileError extends Error {}

const KIND: YamlFileKind = { name: "routing test file", tooDeepIsNot: "a routing test file" };
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const CASE_KEYS = ["name", "alert", "at", "firing", "receivers", "inhibited", "muted"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether parsed YAML data looks like a routing test file (top-level `config` and `cases`). */
export function isRoutingTestData(data: unknown): boolean {
  return isObj(data) && "cases" in data && "config" in data;
}

function labelSet(v: unknown, where: string): Record<string, string> {
  if (!isObj(v)) throw new RoutingTestFileError(`${where} must be a mapping of label names to values`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) throw new RoutingTestFileError(`${where}: invalid label name ${JSON.stringify(k)}`);
    if (typeof val !== "string" && typeof val !== "number" && typeof val !== "boolean") throw new RoutingTestFileError(`${where}.${k} must be a string`);
    // An empty value is no label, as in Alertmanager.
    if (String(val) !== "") out[k] = String(val);
  }
  return out;
}

export function parseRoutingTestFile(file: string, content: string | Uint8Array): RoutingTestFile {
  const y = readYaml(content, KIND);
  if (!y.ok) throw new RoutingTestFileError(`${file}:${y.position.line}:${y.position.column}: ${y.message}`);
  const d = toData(y.doc);
  if (d.problem) throw new RoutingTestFileError(`${file}: ${d.problem.message}`);
  const data = d.data;
  const fail = (line: number | undefined, msg: string) => new RoutingTestFileError(`${file}${line === undefined ? "" : `:${line}`}: ${msg}`);
  if (!isObj(data)) throw fail(undefined, "a routing test file must be a mapping with `config` and `cases`");
  for (const k of Object.keys(data)) if (k !== "config" && k !== "cases") throw fail(undefined, `unknown field ${k}`);
  if (typeof data.config !== "string" || data.config === "") throw fail(undefined, "config must name the Alertmanager configuration file");
  if (!Array.isArray(data.cases)) throw fail(undefined, "cases must be a list");
  const names = new Set<string>();
  const cases = data.cases.map((raw: unknown, i): RoutingCase => {
    const node = y.doc.getIn(["cases", i], true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? y.lineCounter.linePos(node.range[0]).line : 0;
    const where = `cases[${i}]`;
    try {
      if (!isObj(raw)) throw new RoutingTestFileError(`${where} must be a mapping`);
      for (const k of Object.keys(raw)) if (!CASE_KEYS.includes(k)) throw new RoutingTestFileError(`${where}: unknown field ${k}`);
      if (typeof raw.name !== "string" || raw.name === "") throw new RoutingTestFileError(`${where} needs a name`);
      if (names.has(raw.name)) throw new RoutingTestFileError(`${where}: duplicate case name ${JSON.stringify(raw.name)}`);
      names.add(raw.name);
      const c: RoutingCase = { name: raw.name, line, alert: labelSet(raw.alert, `${where}.alert`), firing: [] };
      if (raw.at != null) {
        if (typeof raw.at !== "string" || !RFC3339.test(raw.at) || Number.isNaN(Date.parse(raw.at))) throw new RoutingTestFileError(`${where}.at must be an RFC 3339 time, e.g. 2026-03-02T10:00:00+01:00`);
        c.at = raw.at;
        c.atMs = Date.parse(raw.at);
      }
      if (raw.firing != null) {
        if (!Array.isArray(raw.firing)) throw new RoutingTestFileError(`${where}.firing must be a list of label sets`);
        c.firing = raw.firing.map((f: unknown, j) => labelSet(f, `${where}.firing[${j}]`));
      }
      if (raw.receivers != null) {
        if (!Array.isArray(raw.receivers) || raw.receivers.some((r) => typeof r !== "string")) throw new RoutingTestFileError(`${where}.receivers must be a list of receiver names`);
        c.receivers = raw.receivers as string[];
      }
      for (const k of ["inhibited", "muted"] as const) {
        if (raw[k] == null) continue;
        if (typeof raw[k] !== "boolean") throw new RoutingTestFileError(`${where}.${k} must be true or false`);
        c[k] = raw[k];
      }
      if (c.receivers === undefined && c.inhibited === undefined && c.muted === undefined) throw new RoutingTestFileError(`${where} (${c.name}) states nothing: give receivers, inhibited or muted`);
      if (c.muted !== undefined && c.atMs === undefined) throw new RoutingTestFileError(`${where} (${c.name}): muted needs at (the time to check)`);
      return c;
    } catch (e) {
      if (e instanceof RoutingTestFileError) throw fail(line || undefined, e.message);
      throw e;
    }
  });
  return { config: data.config, cases };
}
