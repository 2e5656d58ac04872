/**
 * `monac lint [--dir DIR] [--format text|github|sarif|junit] [--fail-on bug|warning|info] [--output FILE] [PATH...]`:
 * lints Prometheus rule files, the workspace's specs and an Alertmanager
 * configuration offline (src/lint/). Exit status: 0 no finding at or above
 * --fail-on, 1 some, 2 unreadable input or bad usage.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { failsAt, formatGithub, formatJunit, formatSarif, formatText, lint, LintIOError, type LintFormat, type Severity } from "../lint/index.js";
import { ioReason } from "../yaml/safe.js";
import { COMMAND_USAGE } from "./usage.js";
import { EXIT, type CliIO } from "./io.js";

export const LINT_USAGE = COMMAND_USAGE.lint;

const FORMATS: readonly LintFormat[] = ["text", "github", "sarif", "junit"];
const LEVELS: readonly Severity[] = ["bug", "warning", "info"];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export async function lintCommand(args: string[], io: CliIO): Promise<number> {
  let values: { dir?: string; format?: string; "fail-on"?: string; output?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: {
        dir: { type: "string" },
        format: { type: "string" },
        "fail-on": { type: "string" },
        output: { type: "string", short: "o" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    io.err(`monac lint: ${(e as Error).message}\n\n${LINT_USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(LINT_USAGE);
    return EXIT.ok;
  }
  const format = (values.format ?? "text") as LintFormat;
  if (!FORMATS.includes(format)) {
    io.err(`monac lint: --format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(values.format)}\n\n${LINT_USAGE}`);
    return EXIT.usage;
  }
  const failOn = (values["fail-on"] ?? "bug") as Severity;
  if (!LEVELS.includes(failOn)) {
    io.err(`monac lint: --fail-on must be one of ${LEVELS.join(", ")}, not ${JSON.stringify(values["fail-on"])}\n\n${LINT_USAGE}`);
    return EXIT.usage;
  }

  let result;
  try {
    result = await lint({ dir: values.dir ?? ".", paths: positionals });
  } catch (e) {
    if (e instanceof LintIOError) {
      io.err(`monac lint: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
  const { findings, files } = result;
  const report =
    format === "github" ? formatGithub(findings) : format === "sarif" ? formatSarif(findings, version()) : format === "junit" ? formatJunit(findings, files) : formatText(findings, files.length);
  if (values.output !== undefined) {
    try {
      await writeFile(values.output, report);
    } catch (e) {
      io.err(`monac lint: ${values.output}: cannot write: ${ioReason(e)}`);
      return EXIT.usage;
    }
    if (format !== "text") io.err(formatText(findings, files.length).trimEnd().split("\n").at(-1)!);
  } else if (report !== "") io.out(report);
  return failsAt(findings, failOn) ? EXIT.findings : EXIT.ok;
}
