// The `monac` command. Thin: parse flags, call a stage, print, pick an exit code
// (0 ok, 1 findings or failures, 2 usage or I/O error).
// Commands are imported when run: `monac test` need not load the compiler,
// nor `monac build` the rule-test runner.
import { parseArgs } from "node:util";
import { EXIT, processIO, type CliIO } from "./io.js";
import { COMMAND_USAGE, isCommand, USAGE, wantsHelp } from "./usage.js";
import type { BuildOptions } from "./build.js";

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && isCommand(command) && wantsHelp(rest)) {
    io.out(COMMAND_USAGE[command]);
    return EXIT.ok;
  }
  try {
    switch (command) {
      case "init": {
        const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true });
        if (positionals.length > 1) return usageError(io, command, `expected at most one DIR, got ${positionals.length}`);
        return await (await import("./init.js")).initCommand(positionals[0] ?? ".", io);
      }
      case "build":
      case "validate": {
        const { values } = parseArgs({
          args: rest,
          options: {
            dir: { type: "string", default: "." },
            out: { type: "string" },
            check: { type: "boolean", default: false },
            "no-tests": { type: "boolean", default: false },
            "no-dashboards": { type: "boolean", default: false },
            watch: { type: "boolean", default: false },
          },
          strict: true,
          allowPositionals: false,
        });
        const opts = { dir: values.dir!, out: values.out, check: values.check!, noTests: values["no-tests"]!, noDashboards: values["no-dashboards"]!, write: command === "build" };
        if (!values.watch) return await (await import("./build.js")).buildCommand(opts, io);
        if (opts.check) return usageError(io, command, "--watch and --check do not go together (--check is for CI: one look, an exit status)");
        return await watchUntilSignal(opts, io);
      }
      case "schema": {
        const { values } = parseArgs({
          args: rest,
          options: { out: { type: "string", default: "schemas" }, check: { type: "boolean", default: false } },
          strict: true,
          allowPositionals: false,
        });
        return await (await import("./schema.js")).schemaCommand(values.out!, values.check!, io);
      }
      case "diff":
        return await (await import("./diff.js")).diffCommand(rest, io);
      case "lint":
        return await (await import("./lint.js")).lintCommand(rest, io);
      case "backfill":
        return await (await import("./backfill.js")).backfillCommand(rest, io);
      case "import":
        return await (await import("./import.js")).importCommand(rest, io);
      case "instrument":
        return await (await import("./instrument.js")).instrumentCommand(rest, io);
      case "promqltest":
        return await (await import("./promqltest.js")).promqltestCommand(rest, io);
      case "test":
        return await (await import("./test.js")).testCommand(rest, io);
      case "help": {
        const [topic, ...extra] = rest;
        if (topic === undefined) {
          io.out(USAGE);
          return EXIT.ok;
        }
        if (!isCommand(topic) || extra.length > 0) {
          io.err(`monac help: ${isCommand(topic) ? "expected one COMMAND" : `unknown command "${topic}"`}\n\n${USAGE}`);
          return EXIT.usage;
        }
        io.out(COMMAND_USAGE[topic]);
        return EXIT.ok;
      }
      case undefined:
        io.err(USAGE);
        return EXIT.usage;
      case "--help":
      case "-h":
        io.out(USAGE);
        return EXIT.ok;
      default:
        io.err(`monac: unknown command "${command}"\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (e) {
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      return usageError(io, command!, e.message);
    }
    throw e;
  }
}

/** `--watch` until Ctrl-C (or SIGTERM): a build under way finishes first; a second signal stops at once. */
async function watchUntilSignal(opts: BuildOptions, io: CliIO): Promise<number> {
  const { watchBuilds } = await import("./watch.js");
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await watchBuilds(opts, io, stop.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function usageError(io: CliIO, command: string, message: string): number {
  io.err(`monac ${command}: ${message}\n\n${isCommand(command) ? COMMAND_USAGE[command] : USAGE}`);
  return EXIT.usage;
}
