// `monac import`: other tools' SLO specs (Sloth, Pyrra, OpenSLO) as monac
// spec files, one per service. Every finding points at the node of the source
// file it is about: an error is a construct that cannot be imported (its SLO
// is left out), a warning one imported with an approximation (also written as
// a comment above the SLO). Every file returned loads cleanly through monac's
// own loader.
import { compareDiagnostics, type Diagnostic } from "../workspace/diagnostics.js";
import { assemble, type ImportedSlo } from "./common.js";
import { importOpenSloDoc, indexOpenSlo } from "./openslo.js";
import { importPyrraDoc } from "./pyrra.js";
import { importSlothDoc, readSlothWindows, type SlothWindows } from "./sloth.js";
import { Findings, isObj, readDocuments, type SourceDoc } from "./source.js";

export type ImportFormat = "sloth" | "pyrra" | "openslo";
/** A source file; `path` is how findings name it. */
export interface ImportSource {
  path: string;
  text: string;
}
/** A generated spec file: "<service>.yaml", relative to the output slos/ directory. */
export interface ImportedFile {
  path: string;
  text: string;
}
export interface ImportOptions {
  /** The monac team of every imported service; otherwise taken from owner/team labels. */
  team?: string;
  /** A Sloth AlertWindows file (sloth only). */
  windows?: ImportSource;
}
export interface ImportResult {
  files: ImportedFile[];
  findings: Diagnostic[];
}

const TOOL_NAMES: Record<ImportFormat, string> = { sloth: "Sloth", pyrra: "Pyrra", openslo: "OpenSLO" };

/** What a document is, by its version/apiVersion and kind. */
type DocKind = "sloth" | "sloth-crd" | "sloth-windows" | "pyrra" | "openslo-slo" | "openslo-other" | "unknown";

function kindOf(data: Record<string, unknown>): DocKind {
  const api = data.apiVersion;
  if (data.version !== undefined && api === undefined) return "sloth";
  if (api === "sloth.slok.dev/v1") return data.kind === "PrometheusServiceLevel" ? "sloth-crd" : data.kind === "AlertWindows" ? "sloth-windows" : "unknown";
  if (api === "pyrra.dev/v1alpha1") return data.kind === "ServiceLevelObjective" ? "pyrra" : "unknown";
  if (api === "openslo/v1" || api === "openslo/v1alpha") return data.kind === "SLO" ? "openslo-slo" : "openslo-other";
  return "unknown";
}

export function importSpecs(format: ImportFormat, sources: readonly ImportSource[], options: ImportOptions = {}): ImportResult {
  const f = new Findings();
  let team: string | undefined;
  if (options.team !== undefined) {
    team = /^[a-z0-9][a-z0-9_-]*$/.test(options.team) ? options.team : undefined;
    if (team === undefined) {
      f.list.push({ file: "--team", position: { line: 1, column: 1 }, path: "", message: `team ${JSON.stringify(options.team)} is not a monac team name (lowercase letters, digits, "-" or "_")` });
      return { files: [], findings: f.list };
    }
  }
  let windows: SlothWindows | undefined;
  if (options.windows) {
    if (format !== "sloth") {
      f.list.push({ file: options.windows.path, position: { line: 1, column: 1 }, path: "", message: "an AlertWindows file is Sloth's: it applies to sloth imports only" });
      return { files: [], findings: f.list };
    }
    windows = readSlothWindows(options.windows.path, options.windows.text, f);
    // Without the windows the user asked for, every SLO would get other alerts: import nothing.
    if (windows === undefined) return { files: [], findings: sorted(f.list) };
  }

  const docs: SourceDoc[] = [];
  for (const s of sources) {
    const read = readDocuments(s.path, s.text, f);
    if (read.length === 0 && !f.list.some((d) => d.file === s.path)) {
      f.list.push({ file: s.path, position: { line: 1, column: 1 }, path: "", message: "the file holds no YAML document: nothing to import" });
    }
    docs.push(...read);
  }
  const openslo = indexOpenSlo(docs.filter((d) => isObj(d.data) && kindOf(d.data) === "openslo-other"));
  const slos: ImportedSlo[] = [];
  const tool = TOOL_NAMES[format];
  for (const doc of docs) {
    if (!isObj(doc.data)) {
      f.error(doc, [], `expected ${article(tool)} spec (a mapping), got ${Array.isArray(doc.data) ? "a list" : `${typeof doc.data} ${JSON.stringify(doc.data)}`}; nothing imported from this document`);
      continue;
    }
    const kind = kindOf(doc.data);
    const expected = expectedKinds(format);
    if (kind === "unknown") {
      const at = doc.data.kind !== undefined && (doc.data.apiVersion === "sloth.slok.dev/v1" || doc.data.apiVersion === "pyrra.dev/v1alpha1") ? ["kind"] : doc.data.apiVersion !== undefined ? ["apiVersion"] : [];
      f.error(doc, at, `not ${article(tool)} spec: expected ${expected}; nothing imported from this document`);
      continue;
    }
    if (kind === "openslo-other") {
      if (format !== "openslo") f.error(doc, ["kind"], `an OpenSLO ${String(doc.data.kind)} is not ${article(tool)} spec: import OpenSLO files with \`monac import openslo\``);
      else if (!["SLI", "Service", "DataSource"].includes(String(doc.data.kind))) {
        f.warn(doc, ["kind"], `OpenSLO ${String(doc.data.kind)} objects are not imported: monac alerts with its own burn-rate tiers and routes by team and severity (monac.yaml)`);
      }
      continue;
    }
    if (kind === "sloth-windows") {
      f.error(doc, ["kind"], "an AlertWindows file is not an SLO spec: pass it with --windows");
      continue;
    }
    const owner = kind === "pyrra" ? "pyrra" : kind === "openslo-slo" ? "openslo" : "sloth";
    // Sloth reads OpenSLO v1alpha SLOs itself, so a sloth import takes them too.
    const accepted = owner === format || (format === "sloth" && kind === "openslo-slo" && doc.data.apiVersion === "openslo/v1alpha");
    if (!accepted) {
      f.error(doc, doc.data.apiVersion !== undefined ? ["apiVersion"] : ["version"], `this is ${article(TOOL_NAMES[owner])} spec, not ${article(tool)} one: import it with \`monac import ${owner}\`; nothing imported from this document`);
      continue;
    }
    if (owner === "sloth") slos.push(...importSlothDoc(doc, { team, windows, tool }, f));
    else if (owner === "pyrra") {
      const slo = importPyrraDoc(doc, team, f);
      if (slo) slos.push(slo);
    } else slos.push(...importOpenSloDoc(doc, openslo, team, f));
  }
  const files = assemble({ tool, slos }, f);
  return { files, findings: sorted(f.list) };
}

function expectedKinds(format: ImportFormat): string {
  switch (format) {
    case "sloth":
      return 'version: "prometheus/v1", or apiVersion: sloth.slok.dev/v1 with kind: PrometheusServiceLevel';
    case "pyrra":
      return "apiVersion: pyrra.dev/v1alpha1 with kind: ServiceLevelObjective";
    case "openslo":
      return "apiVersion: openslo/v1 (kinds SLO, SLI, Service, DataSource) or openslo/v1alpha (kind SLO)";
  }
}

function sorted(list: Diagnostic[]): Diagnostic[] {
  // Stable: the order of findings at one position is the order they were made in.
  return list.map((d, i) => ({ d, i })).sort((a, b) => compareDiagnostics(a.d, b.d) || a.i - b.i).map(({ d }) => d);
}

function article(tool: string): string {
  return `${/^[AEIOU]/.test(tool) ? "an" : "a"} ${tool}`;
}
