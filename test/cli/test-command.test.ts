// `monac test`'s paths: the default test folders under --dir, explicit paths
// relative to the current directory.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../support/cli.js";


const RULES = `groups:
  - name: example
    rules:
      - alert: Down
        expr: up == 0
`;

const TEST = (rules: string) => `rule_files: [${rules}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: up{job="a"}
        values: 0x5
    alert_rule_test:
      - eval_time: 2m
        alertname: Down
        exp_alerts:
          - exp_labels: { job: a }
`;

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "monac-test-dir-"));
  await mkdir(path.join(ws, "test", "rules"), { recursive: true });
  await mkdir(path.join(ws, "out", "prometheus", "rules"), { recursive: true });
  await mkdir(path.join(ws, "out", "prometheus", "tests"), { recursive: true });
  await writeFile(path.join(ws, "test", "rules", "rules.yaml"), RULES);
  await writeFile(path.join(ws, "test", "rules", "down.test.yaml"), TEST("rules.yaml"));
  await writeFile(path.join(ws, "out", "prometheus", "rules", "example.rules.yaml"), RULES);
  await writeFile(path.join(ws, "out", "prometheus", "tests", "example.test.yaml"), TEST("../rules/example.rules.yaml"));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("monac test --dir", () => {
  it("runs DIR/out/prometheus/tests and DIR/test/rules", async () => {
    const r = await run("test", "--dir", ws);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain(`ok   ${path.join(ws, "out", "prometheus", "tests", "example.test.yaml")}`);
    expect(r.out).toContain(`ok   ${path.join(ws, "test", "rules", "down.test.yaml")}`);
    expect(r.out).toMatch(/^2 passed, 0 failed$/m);
  });

  it("runs only those that exist", async () => {
    await rm(path.join(ws, "test"), { recursive: true });
    const r = await run("test", "--dir", ws);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1 passed, 0 failed$/m);
  });

  it("leaves explicit paths relative to the current directory", async () => {
    const file = path.relative(process.cwd(), path.join(ws, "test", "rules", "down.test.yaml"));
    const r = await run("test", "--dir", path.join(ws, "elsewhere"), file);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain(`ok   ${file}`);
    expect(r.out).toMatch(/^1 passed, 0 failed$/m);
  });

  it("exits 2 when DIR has no tests, naming where it looked", async () => {
    const empty = path.join(ws, "empty");
    await mkdir(empty);
    const r = await run("test", "--dir", empty);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`monac test: no test files given and none of ${path.join(empty, "out/prometheus/tests")}, ${path.join(empty, "out/alertmanager/tests")}, ${path.join(empty, "test/rules")} exists\n`);
    // In a workspace that was never built, say how to get the tests.
    await writeFile(path.join(empty, "monac.yaml"), "");
    expect((await run("test", "--dir", empty)).err).toContain(`exists; run \`monac build --dir ${empty}\` to generate the tests`);
  });
});
