// Every check of `monac lint` against its fixtures: test/fixtures/lint/fail/<check>.yaml
// (the check's name with "/" as "_", optionally .<variant>) must report it, and
// test/fixtures/lint/pass/<check>.yaml must not.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKS, DEFAULT_LINT_CONFIG, lint, type Finding, type LintConfig } from "../../src/lint/index.js";
import { REPO_ROOT } from "../support/tools.js";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "lint");
const CONFIG: LintConfig = { ...DEFAULT_LINT_CONFIG, forRange: { min: 60_000, max: 3_600_000 } };

function checkOf(file: string): string {
  return file.replace(/\.ya?ml$/, "").split(".")[0]!.replace("_", "/");
}

async function lintFile(file: string, config = CONFIG): Promise<Finding[]> {
  return (await lint({ dir: FIXTURES, paths: [file], config })).findings;
}

const failing = readdirSync(path.join(FIXTURES, "fail")).sort();
const passing = readdirSync(path.join(FIXTURES, "pass")).sort();

describe("each check has a failing and a passing fixture", () => {
  it("covers every check (spec/* through a workspace, see cli.test.ts)", () => {
    const covered = new Set(failing.map(checkOf));
    const passCovered = new Set(passing.map(checkOf));
    for (const check of Object.keys(CHECKS)) {
      if (check.startsWith("spec/")) continue;
      expect(covered, `fail fixture for ${check}`).toContain(check);
      expect(passCovered, `pass fixture for ${check}`).toContain(check);
    }
  });

  for (const file of failing) {
    it(`fail/${file} reports ${checkOf(file)}`, async () => {
      const findings = await lintFile(path.join(FIXTURES, "fail", file));
      const hits = findings.filter((f) => f.check === checkOf(file));
      expect(hits.length, JSON.stringify(findings, null, 1)).toBeGreaterThan(0);
      for (const f of hits) {
        expect(f.line).toBeGreaterThan(0);
        expect(f.column).toBeGreaterThan(0);
        expect(f.severity).toBe(CHECKS[f.check as keyof typeof CHECKS].severity);
        expect(f.message.length).toBeGreaterThan(20);
      }
    });
  }

  for (const file of passing) {
    it(`pass/${file} does not report ${checkOf(file)}`, async () => {
      const findings = await lintFile(path.join(FIXTURES, "pass", file));
      expect(findings.filter((f) => f.check === checkOf(file))).toEqual([]);
    });
  }
});

describe("findings say where and what", () => {
  const at = (fs: Finding[], check: string) => fs.filter((f) => f.check === check).map((f) => `${f.line}:${f.column}: ${f.message}`);

  it("places PromQL findings inside literal blocks and one-line expressions", async () => {
    expect(at(await lintFile(path.join(FIXTURES, "fail", "promql_rate-window.yaml")), "promql/rate-window")).toEqual([
      '7:18: record "job:http_requests:rate1m": rate() over [1m], less than twice the scrape interval (1m): use at least [2m]',
    ]);
    expect(at(await lintFile(path.join(FIXTURES, "fail", "promql_regex-static.yaml")), "promql/regex-static")).toEqual([
      'record "job:http_requests:rate5m": job=~"api" is a regex on a plain string; use job="api"',
    ].map((m) => `5:34: ${m}`));
  });

  it("reports each aggregated-away label", async () => {
    expect(at(await lintFile(path.join(FIXTURES, "fail", "promql_aggregated-away.yaml")), "promql/aggregated-away")).toEqual([
      '5:15: record "job:http_errors:ratio_rate5m": on(instance): the left side has no "instance" (it keeps only "job"), so every series matches on an empty value',
      '7:15: record "instance:http_requests:rate5m": sum by (instance): "instance" is no longer there (the inner expression keeps only "job")',
      '9:15: record "job:http_requests:info": group_left(version): the right side has no "version" (it keeps only "job"), so nothing is copied',
    ]);
  });

  it("reports every kind of always-firing alert, and rulefmt's own errors at their position", async () => {
    expect(at(await lintFile(path.join(FIXTURES, "fail", "alert_always-firing.yaml")), "alert/always-firing").map((s) => s.slice(0, 6))).toEqual(["5:15: ", "11:15:"]);
    expect(at(await lintFile(path.join(FIXTURES, "fail", "promql_syntax.yaml")), "promql/syntax")[0]).toMatch(/^5:15: group "g", rule 1, "job:x:sum": could not parse expression/);
    expect(at(await lintFile(path.join(FIXTURES, "fail", "promql_syntax.type.yaml")), "promql/syntax")).toEqual([
      '5:15: record "job:x:range": the expression is a range vector; a rule needs an instant vector or a scalar',
    ]);
  });

  it("names the route that hides another", async () => {
    expect(at(await lintFile(path.join(FIXTURES, "fail", "alertmanager_shadowed-route.yml")), "alertmanager/shadowed-route")).toEqual([
      '6:7: route.routes[1] (receiver "team-a-critical") is never reached: route.routes[0] before it matches every alert this one matches (team="a") and has no `continue: true`',
      '10:7: route.routes[3] (receiver "default") is never reached: route.routes[2] before it matches every alert this one matches (severity=~"warning|critical") and has no `continue: true`',
    ]);
  });

  it("judges recorded series read across files and groups, and duplicates, over the whole bundle", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "monac-lint-bundle-"));
    try {
      const rule = (record: string, expr: string) => `      - record: ${record}\n        expr: ${expr}\n`;
      // a.yaml: g1 reads job:x:rate5m before recording it, and job:v:rate5m after;
      // g2 reads job:y:rate5m (recorded in g3 of this file and in b.yaml), job:z:rate5m (only in b.yaml) and job:w:rate5m (nowhere).
      writeFileSync(
        path.join(dir, "a.yaml"),
        "groups:\n  - name: g1\n    rules:\n" +
          rule("job:v:rate5m", "sum by (job) (rate(v_total[5m]))") +
          rule("job:u:ratio", "job:x:rate5m / job:v:rate5m") +
          rule("job:x:rate5m", "sum by (job) (rate(x_total[5m]))") +
          "  - name: g2\n    rules:\n" +
          rule("job:t:sum", "job:y:rate5m + job:z:rate5m + job:w:rate5m") +
          "  - name: g3\n    rules:\n" +
          rule("job:y:rate5m", "sum by (job) (rate(y_total[5m]))"),
      );
      writeFileSync(
        path.join(dir, "b.yaml"),
        "groups:\n  - name: h1\n    rules:\n" + rule("job:y:rate5m", "sum by (job) (rate(y_total[5m]))") + rule("job:z:rate5m", "sum by (job) (rate(z_total[5m]))") +
          "  - name: h2\n    rules:\n" + rule("job:v:rate5m", "sum by (job) (rate(v_total[5m]))"),
      );
      const { findings } = await lint({ dir, paths: [dir], config: CONFIG });
      const bundle = findings.filter((f) => f.check.startsWith("rules/")).map((f) => `${path.basename(f.file)}:${f.line}:${f.column}: ${f.check}: ${f.message}`);
      expect(bundle).toEqual([
        'a.yaml:7:15: rules/recording-other-group: record "job:u:ratio" reads job:x:rate5m, recorded later in the same group: it sees the previous evaluation\'s value',
        `a.yaml:13:15: rules/recording-other-group: record "job:t:sum" reads job:y:rate5m, recorded in group "g3" (${path.join(dir, "a.yaml")}): it can lag by up to an evaluation interval`,
        `a.yaml:13:30: rules/recording-other-group: record "job:t:sum" reads job:z:rate5m, recorded in group "h1" (${path.join(dir, "b.yaml")}): it can lag by up to an evaluation interval`,
        'a.yaml:13:45: rules/undefined-recording: record "job:t:sum" reads job:w:rate5m, which no linted rule records (a typo, or a rule file missing from the lint)',
        `b.yaml:4:9: rules/duplicate: record "job:y:rate5m" duplicates the rule at ${path.join(dir, "a.yaml")}:16 (same name, labels and expression)`,
        `b.yaml:10:9: rules/duplicate: record "job:v:rate5m" duplicates the rule at ${path.join(dir, "a.yaml")}:4 (same name, labels and expression)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lints a directory as one bundle: a recorded series defined in another file is found", async () => {
    const { findings, files } = await lint({ dir: FIXTURES, paths: [path.join(FIXTURES, "pass")], config: CONFIG });
    expect(files.length).toBe(passing.length);
    expect(findings.filter((f) => f.severity === "bug")).toEqual([]);
  });
});

describe("suppression and configuration", () => {
  it("disable comments silence a rule's checks; disable-file a file's", async () => {
    const findings = await lintFile(path.join(FIXTURES, "suppress", "rules.yaml"));
    expect(findings.map((f) => `${f.line}:${f.check}`)).toEqual(["11:promql/rate-gauge"]);
  });

  it("monac-lint.yaml sets severities, turns checks off and sets thresholds", async () => {
    const { loadLintConfig } = await import("../../src/lint/lint.js");
    const config = await loadLintConfig(FIXTURES);
    expect(config).toEqual({
      severity: { "naming/alert": "warning", "group/too-many-rules": "off" },
      scrapeInterval: 30_000,
      maxGroupSize: 10,
      requireAnnotations: ["summary"],
      forRange: { min: 60_000, max: 3_600_000 },
    });
    const naming = await lintFile(path.join(FIXTURES, "fail", "naming_alert.yaml"), config);
    expect(naming.map((f) => [f.check, f.severity])).toEqual([["naming/alert", "warning"]]);
    expect(await lintFile(path.join(FIXTURES, "fail", "group_too-many-rules.yaml"), config)).toEqual([]);
    // 30s scrapes: [1m] is enough.
    expect((await lintFile(path.join(FIXTURES, "fail", "promql_rate-window.yaml"), config)).map((f) => f.check)).toEqual([]);
    // Only summary is required.
    expect(await lintFile(path.join(FIXTURES, "fail", "alert_missing-annotation.yaml"), config)).toEqual([]);
  });
});
