// Runs a routing test file on monac's own implementation of Alertmanager's
// routing, inhibition and time intervals.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ioReason } from "../yaml/safe.js";
import { ConfigError, inhibitedBy, matchRoutes, parseConfig, routeMuted, type AlertmanagerConfig } from "./config.js";
import { parseRoutingTestFile, RoutingTestFileError, type RoutingCase } from "./test-file.js";

export interface CaseResult {
  name: string;
  line: number;
  status: "passed" | "failed";
  /** One line per expectation that does not hold. */
  failures: string[];
}

export interface RoutingFileResult {
  file: string;
  status: "ok" | "failed" | "invalid";
  cases: CaseResult[];
  errors: string[];
  durationMs: number;
}

export interface RoutingRunOptions {
  /** Only cases whose name matches. */
  run?: RegExp;
}

const fmt = (xs: readonly string[]) => `[${xs.join(", ")}]`;
const labelsText = (l: Readonly<Record<string, string>>) =>
  `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(", ")}}`;

/** The outcome of one case's expectations against a configuration. */
export function runCase(cfg: AlertmanagerConfig, c: RoutingCase): CaseResult {
  const failures: string[] = [];
  const routes = matchRoutes(cfg.route, c.alert);
  if (c.receivers !== undefined) {
    const got = routes.map((r) => r.receiver);
    const a = [...got].sort();
    const b = [...c.receivers].sort();
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) failures.push(`receivers: expected ${fmt(c.receivers)}, got ${fmt(got)}`);
  }
  if (c.inhibited !== undefined) {
    const by = inhibitedBy(cfg, c.alert, c.firing);
    if (c.inhibited && by === undefined) failures.push(`inhibited: expected true, got false (no inhibit rule with a matching firing alert)`);
    if (!c.inhibited && by !== undefined) failures.push(`inhibited: expected false, got true (inhibit_rules[${by.rule}], by ${labelsText(by.source)})`);
  }
  if (c.muted !== undefined) {
    const states = routes.map((r) => ({ r, muted: routeMuted(cfg, r, c.atMs!) }));
    const muted = states.every((s) => s.muted);
    if (muted !== c.muted) {
      const detail = states.map((s) => `${s.r.receiver} ${s.muted ? "muted" : "notified"}`).join(", ");
      failures.push(`muted at ${c.at}: expected ${c.muted}, got ${muted} (${detail})`);
    }
  }
  return { name: c.name, line: c.line, status: failures.length ? "failed" : "passed", failures };
}

export async function runRoutingTestFile(file: string, opts: RoutingRunOptions = {}): Promise<RoutingFileResult> {
  const started = performance.now();
  const result: RoutingFileResult = { file, status: "ok", cases: [], errors: [], durationMs: 0 };
  const done = () => {
    result.durationMs = performance.now() - started;
    if (result.status === "ok" && result.cases.some((c) => c.status !== "passed")) result.status = "failed";
    return result;
  };
  let tf;
  try {
    tf = parseRoutingTestFile(file, await readFile(file));
  } catch (e) {
    result.status = "invalid";
    result.errors.push(e instanceof RoutingTestFileError ? e.message : `${file}: cannot read: ${ioReason(e)}`);
    return done();
  }
  const configFile = path.resolve(path.dirname(file), tf.config);
  let cfg: AlertmanagerConfig;
  try {
    cfg = parseConfig(await readFile(configFile));
  } catch (e) {
    result.status = "invalid";
    const shown = path.join(path.dirname(file), tf.config);
    result.errors.push(e instanceof ConfigError ? `${shown}: ${e.message}` : `${shown}: cannot read: ${ioReason(e)}`);
    return done();
  }
  for (const c of tf.cases) {
    if (opts.run && !opts.run.test(c.name)) continue;
    result.cases.push(runCase(cfg, c));
  }
  return done();
}
