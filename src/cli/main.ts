// The `monac` command. Thin: parse flags, call a stage, print, pick an exit code
// (0 ok, 1 findings or failures, 2 usage or I/O error).
// Commands are imported when run: `monac test` need not load the compiler,
// nor `monac build` the rule-test runner.
import { parseArgs } from "node:util";
import { EXIT, processIO, type CliIO } from "./io.js";

const USAGE = `monac — monitoring as code for the Prometheus stack

Usage:
  monac build [--dir DIR] [--out DIR] [--check] [--no-tests] [--no-dashboards]
                                                  validate specs and write out/
  monac validate [--dir DIR]                      validate specs, write nothing
  monac schema [--out DIR] [--check]              write the spec files' JSON Schemas (default: schemas/)
  monac promqltest [--verbose] FILE...            run Prometheus PromQL test scripts on monac's engine
  monac test [--run REGEX] [--junit FILE] [PATH...]  run promtool rule unit tests (default: out/prometheus/tests, test/rules)
  monac help                                      this text

Options:
  --dir DIR   workspace with monac.yaml, slos/ and alerts/ (default: .)
  --out DIR   output directory (default: DIR/out)
  --check     write nothing; exit 1 listing every stale, missing or orphaned file
  --no-tests  do not generate rule tests (out/prometheus/tests is left untouched)
  --no-dashboards  do not generate Grafana dashboards (out/grafana is left untouched)
`;

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
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
          },
          strict: true,
          allowPositionals: false,
        });
        return await (await import("./build.js")).buildCommand(
          { dir: values.dir!, out: values.out, check: values.check!, noTests: values["no-tests"]!, noDashboards: values["no-dashboards"]!, write: command === "build" },
          io,
        );
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
      case "promqltest":
        return await (await import("./promqltest.js")).promqltestCommand(rest, io);
      case "test":
        return await (await import("./test.js")).testCommand(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        io.err(`monac: unknown command "${command}"\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (e) {
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`monac ${command}: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
}
