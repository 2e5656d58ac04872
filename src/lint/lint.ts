// `monac lint` as a library: find the files, read each once, run the checks,
// apply monac-lint.yaml's severities and the files' suppression comments.
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { loadWorkspace, WorkspaceIOError, WORKSPACE_FILE } from "../workspace/workspace.js";
import { isWarning } from "../workspace/diagnostics.js";
import { ioReason, readYaml, toData } from "../yaml/safe.js";
import { lintAlertmanagerConfig, looksLikeAlertmanagerConfig } from "./alertmanager.js";
import { DEFAULT_LINT_CONFIG, LINT_CONFIG_FILE, LintConfigError, parseLintConfig, type LintConfig } from "./config.js";
import { CHECKS, compareFindings, type Finding } from "./finding.js";
import { BundleChecks, lintGroup, loadRuleFileForLint } from "./rules.js";
import { isSuppressed, parseSuppressions, type Suppressions } from "./suppress.js";

/** An input that cannot be read (exit status 2), as opposed to a finding in it. */
export class LintIOError extends Error {}

export interface LintOptions {
  /** The workspace: where monac-lint.yaml, monac.yaml and out/ are. */
  dir: string;
  /** Rule files, Alertmanager configs or directories; empty: the workspace's specs and out/. */
  paths: readonly string[];
  /** Overrides DIR/monac-lint.yaml. */
  config?: LintConfig;
}

export interface LintResult {
  findings: Finding[];
  /** Every file linted, in order (for JUnit's testcases and the summary). */
  files: string[];
}

type Kind = "rules" | "alertmanager";

/** Reads DIR/monac-lint.yaml, or the defaults when there is none. */
export async function loadLintConfig(dir: string): Promise<LintConfig> {
  const file = path.join(dir, LINT_CONFIG_FILE);
  if (!existsSync(file)) return DEFAULT_LINT_CONFIG;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new LintIOError(`${file}: cannot read: ${ioReason(e)}`);
  }
  try {
    return parseLintConfig(file, text);
  } catch (e) {
    if (e instanceof LintConfigError) throw new LintIOError(e.message);
    throw e;
  }
}

/** The files to lint when no paths are given: out/prometheus/rules/*.yaml and out/alertmanager/alertmanager.yml. */
async function defaultInputs(dir: string): Promise<Array<{ file: string; kind: Kind }>> {
  const out: Array<{ file: string; kind: Kind }> = [];
  const rules = path.join(dir, "out", "prometheus", "rules");
  if (existsSync(rules)) {
    const names = (await readdir(rules)).filter((n) => n.endsWith(".yaml") || n.endsWith(".yml")).sort();
    for (const n of names) out.push({ file: path.join(rules, n), kind: "rules" });
  }
  const am = path.join(dir, "out", "alertmanager", "alertmanager.yml");
  if (existsSync(am)) out.push({ file: am, kind: "alertmanager" });
  return out;
}

async function walkDir(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new LintIOError(`${dir}: cannot read: ${ioReason(e)}`);
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkDir(p)));
    else if (e.name.endsWith(".yml") || e.name.endsWith(".yaml")) out.push(p);
  }
  return out;
}

/**
 * A file's bytes, read at once: a few hundred microseconds of asynchronous
 * round trips per file were a tenth of linting 1,100 rule files, all of
 * them waiting.
 */
function readInput(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new LintIOError(`${file}: cannot read: ${ioReason(e)}`);
  }
}

/** What a YAML file is: an Alertmanager config (top-level route: or receivers:), a rule file (groups:), or neither. */
function classify(content: Uint8Array): Kind | undefined {
  const y = readYaml(content, { name: "YAML file", tooDeepIsNot: "a YAML file to lint" });
  if (!y.ok) return undefined;
  const d = toData(y.doc);
  if (d.problem) return undefined;
  if (looksLikeAlertmanagerConfig(d.data)) return "alertmanager";
  if (typeof d.data === "object" && d.data !== null && "groups" in d.data) return "rules";
  return undefined;
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const config = options.config ?? (await loadLintConfig(options.dir));
  // Files found with their content are held until linted; the rest (out/'s rule files) are read then.
  const inputs: Array<{ file: string; kind: Kind; content?: Uint8Array }> = [];
  const findings: Finding[] = [];
  const files: string[] = [];

  if (options.paths.length === 0) {
    inputs.push(...(await defaultInputs(options.dir)));
    if (existsSync(path.join(options.dir, WORKSPACE_FILE))) {
      let diagnostics;
      try {
        ({ diagnostics } = await loadWorkspace(options.dir));
      } catch (e) {
        if (e instanceof WorkspaceIOError) throw new LintIOError(e.message);
        throw e;
      }
      for (const d of diagnostics) {
        const check = isWarning(d) ? "spec/warning" : "spec/invalid";
        const file = path.join(options.dir, d.file);
        findings.push({ file, line: d.position.line, column: d.position.column, check, severity: CHECKS[check].severity, message: d.path ? `${d.path}: ${d.message}` : d.message });
        if (!files.includes(file)) files.push(file);
      }
    }
    if (inputs.length === 0 && !existsSync(path.join(options.dir, WORKSPACE_FILE))) {
      throw new LintIOError(`nothing to lint in ${options.dir}: no ${WORKSPACE_FILE}, out/prometheus/rules/ or out/alertmanager/alertmanager.yml`);
    }
  } else {
    for (const p of options.paths) {
      let st;
      try {
        st = await stat(p);
      } catch (e) {
        throw new LintIOError(`${p}: cannot read: ${ioReason(e)}`);
      }
      if (st.isDirectory()) {
        for (const file of await walkDir(p)) {
          const content = readInput(file);
          const kind = classify(content);
          // Files in a directory that are neither (rule tests, specs, other YAML) are not ours to judge.
          if (kind !== undefined) inputs.push({ file, kind, content });
        }
      } else {
        const content = readInput(p);
        inputs.push({ file: p, kind: classify(content) ?? "rules", content });
      }
    }
  }

  // One file at a time: its own checks at once, and what the bundle's checks need kept (not its rules, nor its text).
  const bundle = new BundleChecks();
  const suppressions = new Map<string, Suppressions>();
  for (const input of inputs) {
    const content = input.content ?? readInput(input.file);
    input.content = undefined;
    files.push(input.file);
    suppressions.set(input.file, parseSuppressions(Buffer.from(content).toString("utf8")));
    if (input.kind === "alertmanager") findings.push(...lintAlertmanagerConfig(input.file, content));
    else {
      const loaded = loadRuleFileForLint(input.file, content);
      findings.push(...loaded.findings);
      for (const g of loaded.groups) {
        findings.push(...lintGroup(g, config));
        bundle.add(g);
      }
    }
  }
  findings.push(...bundle.findings());

  const kept: Finding[] = [];
  for (const f of findings) {
    const s = suppressions.get(f.file);
    if (s && isSuppressed(f, s)) continue;
    const level = config.severity[f.check];
    if (level === "off") continue;
    const { anchorLine: _anchor, ...rest } = f;
    kept.push(level === undefined ? rest : { ...rest, severity: level });
  }
  return { findings: kept.sort(compareFindings), files };
}
