// One build's out/ as the diff reads it: the Prometheus rule files and the
// Alertmanager configuration, parsed (comments, ordering and whitespace gone).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseRuleFile, RuleFileError, type LoadedAlertingRule, type LoadedRecordingRule, type LoadedRuleGroup } from "../ruletest/rule-files.js";
import { ConfigError, parseConfig, type AlertmanagerConfig } from "../routetest/index.js";
import { ioReason } from "../yaml/safe.js";

export const RULES_SUBDIR = path.join("prometheus", "rules");
export const ALERTMANAGER_FILE = path.join("alertmanager", "alertmanager.yml");

export interface BuildRule<R> {
  rule: R;
  /** The group's evaluation interval, ms (0: Prometheus's global one). */
  interval: number;
  /** Rule file name, relative to prometheus/rules. */
  file: string;
}

export interface BuildSnapshot {
  /** The out/ directory read. */
  dir: string;
  groups: number;
  alerts: BuildRule<LoadedAlertingRule>[];
  records: BuildRule<LoadedRecordingRule>[];
  alertmanager: AlertmanagerConfig;
}

/** An out/ directory that cannot be read as a build (missing files, invalid YAML or rules). */
export class DiffInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiffInputError";
  }
}

/** Rule files parsed, by name and content (see loadBuild). */
export type ParsedRuleFiles = Map<string, LoadedRuleGroup[]>;

/**
 * Reads DIR/prometheus/rules/*.rules.yaml and DIR/alertmanager/alertmanager.yml.
 * `parsed`, shared by the two builds of a diff, remembers each rule file by
 * name and content: a file the pull request left alone (nearly all of them) is
 * parsed once, and both snapshots hold the same rules (whose `file` then names
 * the first build's copy).
 */
export function loadBuild(dir: string, parsed: ParsedRuleFiles = new Map()): BuildSnapshot {
  const rulesDir = path.join(dir, RULES_SUBDIR);
  let names: string[];
  try {
    names = readdirSync(rulesDir)
      .filter((n) => n.endsWith(".rules.yaml"))
      .sort();
  } catch (e) {
    throw new DiffInputError(`${rulesDir}: cannot read: ${ioReason(e)} (is ${dir} a monac build's out/ directory?)`);
  }
  const snapshot: BuildSnapshot = { dir, groups: 0, alerts: [], records: [], alertmanager: undefined as unknown as AlertmanagerConfig };
  for (const name of names) {
    const file = path.join(rulesDir, name);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new DiffInputError(`${file}: cannot read: ${ioReason(e)}`);
    }
    const key = `${name}\u0000${createHash("sha1").update(bytes).digest("hex")}`;
    let groups = parsed.get(key);
    if (groups === undefined) {
      try {
        groups = parseRuleFile(file, bytes);
      } catch (e) {
        if (e instanceof RuleFileError) throw new DiffInputError(e.message);
        throw e;
      }
      parsed.set(key, groups);
    }
    for (const g of groups) {
      snapshot.groups++;
      for (const rule of g.rules) {
        if (rule.kind === "alert") snapshot.alerts.push({ rule, interval: g.interval, file: name });
        else snapshot.records.push({ rule, interval: g.interval, file: name });
      }
    }
  }
  const amFile = path.join(dir, ALERTMANAGER_FILE);
  let amBytes: Uint8Array;
  try {
    amBytes = readFileSync(amFile);
  } catch (e) {
    throw new DiffInputError(`${amFile}: cannot read: ${ioReason(e)}`);
  }
  try {
    snapshot.alertmanager = parseConfig(amBytes);
  } catch (e) {
    if (e instanceof ConfigError) throw new DiffInputError(`${amFile}: ${e.message}`);
    throw e;
  }
  return snapshot;
}
