// `monac import` on the command line: what it writes, when it refuses, and
// that what it writes builds.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run, snapshotDir } from "../support/cli.js";
import { REPO_ROOT } from "../support/workspace.js";

const SLOTH = `version: "prometheus/v1"
service: "myservice"
labels:
  owner: "shop"
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Availability of HTTP requests."
    sli:
      events:
        error_query: sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        labels:
          severity: warning
`;

const PYRRA_NATIVE = `apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: connect-latency
  labels:
    team: shop
spec:
  target: "99"
  window: 2w
  indicator:
    latencyNative:
      latency: 200ms
      total:
        metric: connect_server_requests_duration_seconds{job="pyrra",code="ok"}
`;

let dir: string;
let specs: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "monac-import-"));
  cpSync(path.join(REPO_ROOT, "test", "fixtures", "base"), path.join(dir, "ws"), { recursive: true });
  specs = path.join(dir, "specs");
  writeFileSync(path.join(dir, "sloth.yml"), SLOTH);
  writeFileSync(path.join(dir, "native.yaml"), PYRRA_NATIVE);
  writeFileSync(path.join(dir, "bad.yaml"), PYRRA_NATIVE.replace("latency: 200ms", "latency: soon"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ws = () => path.join(dir, "ws");

describe("monac import", () => {
  it("writes one spec per service into the workspace's slos/, and the workspace builds", async () => {
    const r = await run("import", "sloth", path.join(dir, "sloth.yml"), "--dir", ws());
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${path.join(ws(), "slos", "myservice.yaml")}: 1 SLO from 1 sloth file`);
    const text = readFileSync(path.join(ws(), "slos", "myservice.yaml"), "utf8");
    expect(text).toMatch(/^# yaml-language-server: \$schema=/);
    expect(text).toContain("objective: 99.9");
    const build = await run("build", "--dir", ws());
    expect(build.err).toBe("");
    expect(build.code).toBe(0);
    expect(existsSync(path.join(ws(), "out", "prometheus", "rules", "myservice.requests-availability.slo.rules.yaml"))).toBe(true);
  });

  it("refuses a team monac.yaml does not declare, at the imported file, and writes nothing", async () => {
    const before = await snapshotDir(ws());
    const r = await run("import", "sloth", path.join(dir, "sloth.yml"), "--dir", ws(), "--team", "payments");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/slos\/myservice\.yaml:\d+:\d+: team: .*payments/);
    expect(r.err).toContain("nothing written");
    expect(await snapshotDir(ws())).toEqual(before);
  });

  it("reports what cannot be imported at its source position, writes nothing, exits 1", async () => {
    const before = await snapshotDir(ws());
    const r = await run("import", "pyrra", path.join(dir, "bad.yaml"), "--dir", ws());
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(dir, "bad.yaml")}:12:16: spec.indicator.latencyNative.latency: latency must be a duration above zero such as 200ms, got string "soon"; not imported`);
    expect(await snapshotDir(ws())).toEqual(before);
  });

  it("imports Pyrra's latencyNative as a latency SLI on a native histogram, and the workspace builds", async () => {
    const r = await run("import", "pyrra", path.join(dir, "native.yaml"), "--dir", ws());
    expect(r.code).toBe(0);
    expect(r.err).toContain("warning: metadata.name: Pyrra's absent alert becomes monac's noData alert");
    const text = readFileSync(path.join(ws(), "slos", "connect-latency.yaml"), "utf8");
    expect(text).toContain(`nativeHistogram: 'connect_server_requests_duration_seconds{job="pyrra",code="ok"}'`);
    expect(text).toContain("threshold: 200ms");
    const build = await run("build", "--dir", ws());
    expect([build.code, build.err]).toEqual([0, ""]);
  });

  it("never replaces an existing spec without --force", async () => {
    writeFileSync(path.join(ws(), "slos", "myservice.yaml"), "# mine\n");
    const r = await run("import", "sloth", path.join(dir, "sloth.yml"), "--dir", ws());
    expect(r.code).toBe(1);
    expect(r.err).toContain("myservice.yaml exists; nothing written (--force replaces it)");
    expect(readFileSync(path.join(ws(), "slos", "myservice.yaml"), "utf8")).toBe("# mine\n");
    const forced = await run("import", "sloth", path.join(dir, "sloth.yml"), "--dir", ws(), "--force");
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(ws(), "slos", "myservice.yaml"), "utf8")).toContain("requests-availability");
  });

  it("--out writes elsewhere; outside a workspace the team is not checked", async () => {
    const r = await run("import", "sloth", path.join(dir, "sloth.yml"), "--dir", specs, "--out", specs);
    expect(r.code).toBe(0);
    expect(Object.keys(await snapshotDir(specs))).toEqual(["myservice.yaml"]);
    expect(r.out).toContain("add the team to monac.yaml");
  });

  it.each([
    [["import"], "expected a format"],
    [["import", "nagios", "x.yml"], 'unknown format "nagios"'],
    [["import", "sloth"], "expected at least one FILE"],
    [["import", "pyrra", "x.yml", "--windows", "w.yml"], "--windows is a Sloth AlertWindows file"],
  ])("usage error: monac %j", async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it("an unreadable FILE is an I/O error (2)", async () => {
    const r = await run("import", "sloth", path.join(dir, "missing.yml"), "--dir", ws());
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot read");
  });
});
