// Every command's usage text, in one place so that `monac help COMMAND`,
// `monac COMMAND --help` and a usage error print the same words without
// loading the command (and the compiler or test runner behind it).

export const EXIT_STATUS = "Exit status: 0 ok, 1 findings or failed tests, 2 usage or I/O error.";

export const COMMAND_USAGE = {
  init: `usage: monac init [DIR]

Starts a workspace in DIR (default: .; created if missing): a commented
monac.yaml (one team, a Slack receiver), slos/api.yaml (an availability and a
latency SLO), alerts/node.yaml (a threshold alert and a condition alert) and
the editor schemas in schemas/. Writes nothing if DIR already has monac.yaml or
any of these files.

Exit status: 0 written, 2 DIR is a workspace already, a file is in the way, or an I/O error.`,

  build: `usage: monac build [--dir DIR] [--out DIR] [--check | --watch] [--no-tests] [--no-dashboards]

Validates every spec, compiles, and writes out/ (atomically; only what changed;
removes files monac wrote that no spec produces any more). Files in out/ that
monac did not write are left in place and reported; one in the way of a file
monac writes stops the build.

  --dir DIR         workspace with monac.yaml, slos/, alerts/ and dashboards/ (default: .)
  --out DIR         output directory (default: DIR/out)
  --check           write nothing; exit 1 listing every stale, missing or orphaned file (for CI)
  --no-tests        do not generate rule tests (out/prometheus/tests is left untouched)
  --no-dashboards   do not generate Grafana dashboards (out/grafana is left untouched)
  --watch           build, then build again each time a spec file changes, until
                    Ctrl-C (one process: a rebuild skips the JIT's warm-up)

Exit status: 0 ok; 1 spec errors, a hand-written file in the way, or (--check) out/
out of date, and nothing written; 2 usage or I/O error, or DIR has no monac.yaml.
With --watch: 0 once stopped, whatever the builds found; 2 when DIR has no monac.yaml.`,

  validate: `usage: monac validate [--dir DIR] [--watch]

Validates and compiles every spec, writes nothing.

  --dir DIR   workspace with monac.yaml, slos/, alerts/ and dashboards/ (default: .)
  --watch     validate again each time a spec file changes, until Ctrl-C

Exit status: 0 ok, 1 spec errors, 2 usage or I/O error. With --watch: 0 once
stopped; 2 when DIR has no monac.yaml.`,

  schema: `usage: monac schema [--out DIR] [--check]

Writes the spec files' JSON Schemas, for editor completion.

  --out DIR   where to write them (default: schemas)
  --check     write nothing; exit 1 if a schema is stale or missing

Exit status: 0 ok, 1 (--check) stale, 2 usage or I/O error.`,

  test: `usage: monac test [--dir DIR] [--run REGEX]... [--junit FILE] [--verbose] [--exact] [--coverage] [--min PCT] [--coverage-file FILE] [--jobs N] [--cache] [FILE|DIR...]

Runs rule unit-test files in promtool's format, and Alertmanager routing test
files (*.routing.test.yaml: config + cases; each case counts as a group).
Directories are searched recursively for *.yml / *.yaml test files.

  --dir DIR     workspace whose tests run when no FILE|DIR is given (default: .)
  --run REGEX   only test groups (routing cases) whose name matches (may be repeated, like promtool's --run)
  --junit FILE  also write the results as JUnit XML
  --verbose     list passing groups too, with time and evaluation strategy
  --exact       always use promtool's step-by-step loop (slower; for cross-checking)
  --coverage    also report rule coverage: per rule file, covered/total and the rules never exercised
                (an alert never pending or firing, a recording rule whose expression never returned data)
  --min PCT     exit 1 when the total rule coverage is below PCT (0-100, e.g. 80 or 92.5%), even if every test passed; implies --coverage
  --coverage-file FILE
                also write the rule coverage as JSON (per-rule entries); implies --coverage
  -j, --jobs N  rule-test files run at once, each on a thread of its own (default: one per core,
                with at least 16 files each); the report is in file order whatever N is
  --cache       do not run again a rule-test file that passed before with the same content, rule
                files, options and monac (its result is reported, marked "cached"); keeps the passes
                in ~/.cache/monac (or $XDG_CACHE_HOME/monac)

Without FILE|DIR: DIR/out/prometheus/tests/, DIR/out/alertmanager/tests/ and
DIR/test/rules/ (each if present).
FILE|DIR paths are relative to the current directory, not to --dir.

Exit status: 0 all test groups passed, 1 some failed or the coverage is below --min, 2 a test file is unreadable or invalid, or bad usage.`,

  lint: `usage: monac lint [--dir DIR] [--format text|github|sarif|junit] [--fail-on bug|warning|info] [--output FILE] [PATH...]

Lints Prometheus rule files, the workspace's specs and its Alertmanager
configuration, offline: PromQL mistakes, alerts that always fire or page on
noise, recorded series nothing records, routes no alert reaches. Each finding
is file:line:col, a severity (bug, warning, info), a message and its check.

  --dir DIR          workspace (default: .); its monac-lint.yaml sets severities and thresholds
  --format FORMAT    text (default), github (workflow annotations), sarif (SARIF 2.1.0), junit
  --fail-on LEVEL    exit 1 on a finding at or above LEVEL: bug (default), warning or info
  --output FILE      write the report to FILE instead of standard output

Without PATH: DIR's specs (if DIR has monac.yaml), DIR/out/prometheus/rules/*.yaml
and DIR/out/alertmanager/alertmanager.yml. A PATH is a rule file, an
Alertmanager configuration (a top-level route: or receivers:) or a directory
(searched recursively for *.yml / *.yaml rule files and Alertmanager configs).
Silence a check for one rule with \`# monac-lint disable CHECK[,CHECK]\` on the
line before it, for a file with \`# monac-lint disable-file CHECK\`.

Exit status: 0 no finding at or above --fail-on, 1 some, 2 unreadable input or bad usage.`,

  diff: `usage: monac diff BASE_OUT [HEAD_OUT] [--format markdown|json] [--output FILE] [--scrape-interval DURATION]
       monac diff --base-ref GIT_REF [--dir DIR] [--format markdown|json] [--output FILE] [--scrape-interval DURATION]

Compares two builds and reports, for review: alerts added, removed and changed
(expression, thresholds, for, severity, labels, annotations: old → new), who
each team × severity and each alert notifies before and after, SLO objectives,
error budgets and burn-rate thresholds, and rule counts with an estimate of
the samples one evaluation reads. Generated noise (header comments, ordering,
whitespace) never shows; identical builds print "No changes to alerts,
routing or SLOs.".

  BASE_OUT [HEAD_OUT]         two out/ directories (HEAD_OUT default: ./out)
  --base-ref GIT_REF          build DIR as it was at GIT_REF and as it is now (both into
                              temporary directories, with this monac) and compare them
  --dir DIR                   workspace for --base-ref (default: .)
  --format markdown|json      markdown (default; for a pull-request comment) or json
  --output FILE               write the report to FILE instead of standard output
  --scrape-interval DURATION  assumed scrape interval for the cost estimate (default: 1m)

Exit status: 0 the report was written, changes or not; 1 (--base-ref) a build has
spec errors; 2 usage error, or an unreadable or invalid out/ directory or git ref.`,

  backfill: `usage: monac backfill --prometheus URL --from TIME --to TIME [--dir DIR] [--out DIR] [--slo SERVICE/NAME]... [--header "NAME: VALUE"]... [--quiet]

Writes the series the workspace's recording rules would have recorded from
--from to --to, had Prometheus been running them: reads the raw series the
rules need from Prometheus's HTTP API (Prometheus, Thanos Query, Mimir, Cortex
or VictoriaMetrics), evaluates every group at its interval on monac's engine
(all layers in one pass, later rules reading earlier ones), and writes
OUT/monac-backfill.om (OpenMetrics). Turn it into TSDB blocks and hand them to
Prometheus:

  promtool tsdb create-blocks-from openmetrics OUT/monac-backfill.om OUT/blocks
  mv OUT/blocks/* PROMETHEUS_DATA_DIR/    (then restart Prometheus, or wait for its next block reload)

  --prometheus URL  base URL of the Prometheus API (credentials in it are sent as basic auth)
  --from TIME       first evaluation: RFC 3339, Unix seconds, now or now-DURATION (e.g. now-30d)
  --to TIME         last evaluation at or before TIME
  --dir DIR         workspace with monac.yaml (default: .)
  --out DIR         where to write monac-backfill.om (default: backfill)
  --slo S/N         only this SLO (SERVICE/NAME; may be repeated; default: every SLO)
  --header H        an extra request header, e.g. "X-Scope-OrgID: team-a" (may be repeated)
  --quiet           no progress lines on stderr

Evaluations fall on --from, --from + interval, …: pass a time your Prometheus
evaluated the group at to line them up with its own samples.

Exit status: 0 written; 1 spec errors or a rule the engine cannot evaluate, nothing written;
2 usage error, Prometheus unreachable or answering an error, or I/O error.`,

  import: `usage: monac import sloth|pyrra|openslo FILE... [--dir DIR] [--out DIR] [--team NAME] [--windows FILE] [--force] [--partial]

Turns another tool's SLO specs into monac spec files, one per service
(<service>.yaml), commented where a choice was made. Sloth: prometheus/v1 specs
and PrometheusServiceLevel resources. Pyrra: ServiceLevelObjective resources.
OpenSLO: v1 SLO, SLI and Service documents (and Sloth's v1alpha SLO). A file
may hold several YAML documents. What cannot be expressed in monac is a
finding at its file:line:col, never dropped silently. The new specs are
checked by monac's loader next to the workspace's own before anything is
written.

  --dir DIR       the workspace the specs are for (default: .); its monac.yaml must declare the team
  --out DIR       where to write the specs (default: DIR/slos)
  --team NAME     the owning team (default: Sloth's owner/team label, the resource's team label)
  --windows FILE  a Sloth AlertWindows file: its period and alert windows become the SLOs' tiers
  --force         replace spec files that exist
  --partial       write the SLOs that import cleanly even when others cannot be imported

Exit status: 0 written; 1 findings that stop the import (nothing written, or with
--partial only what imported cleanly) or a spec file in the way; 2 usage or I/O error.`,

  instrument: `usage: monac instrument [--dir DIR] [--out DIR] [--service NAME]

Writes the instrumentation contract of each service with SLOs: a typed
prom-client module (<service>.ts) declaring exactly the counters, histograms
and gauges its SLIs and threshold alerts read, with their label names and
histogram buckets that contain every latency threshold, and the contract as
data for checkExposition() in the service's own tests. monac build writes the
same modules to out/instrument/.

  --dir DIR        workspace with monac.yaml and slos/ (default: .)
  --out DIR        where to write the modules (default: DIR/out/instrument)
  --service NAME   only this service

Exit status: 0 written, 1 spec errors (nothing written), 2 usage or I/O error.`,

  promqltest: `usage: monac promqltest [--verbose] FILE...

Runs Prometheus's PromQL test scripts (load/eval/expect) on monac's engine.

  --verbose   list every failed and skipped eval

Exit status: 0 all evals passed (skips allowed), 1 some eval failed, 2 a file is unreadable, or bad usage.`,

  help: `usage: monac help [COMMAND]

Prints the usage of monac, or of one command (the same as monac COMMAND --help).

Exit status: 0 ok, 2 unknown command.`,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_USAGE, name);
}

export const USAGE = `monac — monitoring as code for the Prometheus stack

Usage:
  monac init [DIR]                                start a workspace: commented monac.yaml, slos/, alerts/
  monac build [--dir DIR] [--out DIR] [--check | --watch] [--no-tests] [--no-dashboards]
                                                  validate specs and write out/
  monac validate [--dir DIR]                      validate specs, write nothing
  monac test [--dir DIR] [--run REGEX] [--junit FILE] [--coverage [--min PCT]] [PATH...]
                                                  run promtool rule unit tests (default: out/prometheus/tests, test/rules under DIR)
  monac lint [--format text|github|sarif|junit] [--fail-on LEVEL] [PATH...]
                                                  lint rule files, specs and the Alertmanager config, offline
  monac diff BASE_OUT [HEAD_OUT] | --base-ref GIT_REF [--format markdown|json]
                                                  what a change does to alerts, routing and SLOs, for review
  monac backfill --prometheus URL --from T --to T [--slo S/N]... [--out DIR]
                                                  recorded-series history for new SLOs, as OpenMetrics for promtool
  monac import sloth|pyrra|openslo FILE... [--team NAME] [--out DIR]
                                                  turn Sloth, Pyrra or OpenSLO specs into monac specs
  monac instrument [--out DIR] [--service NAME]   typed prom-client modules declaring what the specs read
  monac schema [--out DIR] [--check]              write the spec files' JSON Schemas (default: schemas/)
  monac promqltest [--verbose] FILE...            run Prometheus PromQL test scripts on monac's engine
  monac help [COMMAND]                            this text, or a command's options

Every command takes --help (-h). ${EXIT_STATUS}
`;

/**
 * True when the arguments ask for help: `--help` or `-h` anywhere before a
 * `--` terminator. Checked before parsing, so that help wins over any other
 * (possibly wrong) option, as in git and most CLIs.
 */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}
