// `monac backfill`: history for new SLOs' recorded series, as OpenMetrics
// that `promtool tsdb create-blocks-from openmetrics` turns into TSDB blocks.
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { backfill, BackfillError } from "../backfill/backfill.js";
import { openMetricsChunks } from "../backfill/openmetrics.js";
import { BackfillPlanError, recordingGroups } from "../backfill/plan.js";
import { PrometheusAPIError } from "../backfill/prometheus-api.js";
import { RULES_DIR, sloRulesPath, compileWorkspace } from "../compile/bundle.js";
import { parsePrometheusDuration } from "../go/duration.js";
import { parseTestTimestamp } from "../go/time.js";
import { parseRuleFile } from "../ruletest/rule-files.js";
import { formatDiagnostic, isError } from "../workspace/diagnostics.js";
import { EXIT, type CliIO } from "./io.js";
import { COMMAND_USAGE } from "./usage.js";
import { openWorkspace } from "./workspace-dir.js";

export const BACKFILL_FILE = "monac-backfill.om";

export async function backfillCommand(args: string[], io: CliIO, now: () => number = Date.now): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: "string", default: "." },
      prometheus: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      out: { type: "string", default: "backfill" },
      slo: { type: "string", multiple: true, default: [] },
      header: { type: "string", multiple: true, default: [] },
      quiet: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const usage = (msg: string) => {
    io.err(`monac backfill: ${msg}\n\n${COMMAND_USAGE.backfill}`);
    return EXIT.usage;
  };
  if (values.prometheus === undefined) return usage("--prometheus URL is required");
  if (values.from === undefined || values.to === undefined) return usage("--from and --to are required");
  try {
    const u = new URL(values.prometheus);
    if (u.protocol !== "http:" && u.protocol !== "https:") return usage(`--prometheus must be an http(s) URL, got ${JSON.stringify(values.prometheus)}`);
  } catch {
    return usage(`--prometheus must be an http(s) URL, got ${JSON.stringify(values.prometheus)}`);
  }
  const at = now();
  const from = parseTime(values.from, at);
  const to = parseTime(values.to, at);
  if (from === undefined) return usage(`--from: expected RFC 3339 (2026-11-01T00:00:00Z), Unix seconds, now or now-DURATION, got ${JSON.stringify(values.from)}`);
  if (to === undefined) return usage(`--to: expected RFC 3339 (2026-11-01T00:00:00Z), Unix seconds, now or now-DURATION, got ${JSON.stringify(values.to)}`);
  if (from > to) return usage(`--from (${new Date(from).toISOString()}) is after --to (${new Date(to).toISOString()})`);
  const headers: Record<string, string> = {};
  for (const h of values.header!) {
    const i = h.indexOf(":");
    if (i <= 0) return usage(`--header must be NAME: VALUE, got ${JSON.stringify(h)}`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }

  const loaded = await openWorkspace(values.dir!, io);
  if (typeof loaded === "number") return loaded;
  for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
  if (!loaded.model) {
    io.err(`${loaded.diagnostics.filter(isError).length} spec errors; nothing backfilled`);
    return EXIT.findings;
  }
  const model = loaded.model;
  const wanted = new Set<string>();
  for (const s of values.slo!) {
    const slo = model.slos.find((x) => `${x.service}/${x.name}` === s);
    if (slo === undefined) return usage(`--slo ${s}: no such SLO; the workspace has ${model.slos.map((x) => `${x.service}/${x.name}`).join(", ")}`);
    wanted.add(sloRulesPath(slo.service, slo.name));
  }
  // Exactly the rules `monac build` writes, parsed as Prometheus loads them.
  const ruleFiles = compileWorkspace(model, { dashboards: false, targets: false }).filter(
    (a) => a.path.startsWith(`${RULES_DIR}/`) && (wanted.size === 0 || wanted.has(a.path)),
  );
  const groups = recordingGroups(ruleFiles.flatMap((a) => parseRuleFile(a.path, a.content)));
  if (groups.length === 0) {
    io.err("monac backfill: no recording rules to backfill");
    return EXIT.findings;
  }

  const outFile = path.join(values.out!, BACKFILL_FILE);
  const progress = values.quiet ? undefined : (line: string) => io.err(line);
  let result;
  try {
    result = await backfill({
      groups,
      client: { url: values.prometheus, headers },
      from,
      to,
      defaultInterval: model.evaluationIntervalMs,
      progress,
    });
  } catch (e) {
    if (e instanceof PrometheusAPIError) {
      io.err(`monac backfill: cannot read from Prometheus: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof BackfillPlanError || e instanceof BackfillError) {
      io.err(`monac backfill: ${e.message}`);
      return EXIT.findings;
    }
    throw e;
  }

  const tmp = `${outFile}.tmp-${process.pid}`;
  try {
    await mkdir(values.out!, { recursive: true });
    await writeChunks(tmp, openMetricsChunks(result.series));
    await rename(tmp, outFile);
  } catch (e) {
    await rm(tmp, { force: true });
    io.err(`monac backfill: cannot write ${outFile}: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const samples = result.groups.reduce((a, g) => a + g.samples, 0);
  for (const g of result.groups) {
    io.out(`${g.name}: ${g.rules} rules × ${g.evaluations} evaluations every ${g.interval / 1000}s → ${g.series} series, ${g.samples} samples`);
  }
  io.out(
    `wrote ${outFile}: ${result.series.length} series, ${samples} samples from ${new Date(from).toISOString()} to ${new Date(to).toISOString()} ` +
      `(read ${result.input.samples} samples of ${result.input.series} series in ${(result.input.fetchMs / 1000).toFixed(1)}s, evaluated in ${(result.evalMs / 1000).toFixed(1)}s)`,
  );
  io.out(
    `next: promtool tsdb create-blocks-from openmetrics ${outFile} ${path.join(values.out!, "blocks")}\n` +
      `      then move the blocks in ${path.join(values.out!, "blocks")} into Prometheus's --storage.tsdb.path`,
  );
  return EXIT.ok;
}

/**
 * A time as promtool takes one (RFC 3339, or Unix seconds with up to
 * millisecond decimals, read exactly), or `now` / `now-DURATION`. ms, or
 * undefined when it is none of these.
 */
export function parseTime(text: string, now: number): number | undefined {
  const t = text.trim();
  if (t === "now") return now;
  const rel = /^now-(.+)$/.exec(t);
  if (rel !== null) {
    try {
      return now - parsePrometheusDuration(rel[1]!);
    } catch {
      return undefined;
    }
  }
  const unix = /^(\d+)(?:\.(\d{1,3}))?$/.exec(t);
  if (unix !== null) return Number(unix[1]) * 1000 + Number((unix[2] ?? "").padEnd(3, "0"));
  if (/^\d+\.\d+$/.test(t)) return undefined; // finer than a millisecond: no timestamp Prometheus stores
  if (/^\d/.test(t) && !t.includes("-")) return undefined;
  return parseTestTimestamp(t);
}

async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const stream = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
  });
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise<void>((resolve, reject) => {
      stream.once("drain", resolve);
      stream.once("error", reject);
    });
  }
  stream.end();
  await done;
}
