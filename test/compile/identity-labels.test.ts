import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { identityLabels, outputLabels } from "../../src/compile/identity-labels.js";
import { inhibitRules, thresholdIdentity } from "../../src/compile/alertmanager.js";
import { parsePromQL } from "../../src/promql/parser.js";
import { modelFrom, REPO_ROOT } from "../support/workspace.js";

const labelsOf = (q: string) => {
  const o = outputLabels(parsePromQL(q));
  return o.closed ? { closed: [...o.labels].sort() } : { named: [...o.named].sort(), dropped: [...o.dropped].sort() };
};

describe("output labels of an expression", () => {
  it.each([
    ['avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', { closed: ["instance"] }],
    ["100 * (1 - avg by (instance) (rate(x[5m]))) > 80", { closed: ["instance"] }],
    ["sum(rate(x[5m]))", { closed: [] }],
    ["vector(1)", { closed: [] }],
    ['count_values("version", build_info)', { closed: ["version"] }],
    ["sum without (cpu, mode) (rate(x[5m]))", { named: [], dropped: ["cpu", "mode"] }],
    ['topk(3, x{job="a"})', { named: ["job"], dropped: [] }],
    ["a / on (job) b", { closed: ["job"] }],
    ["a / ignoring (code) b", { named: [], dropped: ["code"] }],
    ["a * on (instance) group_left (team) b", { named: ["team"], dropped: [] }],
    ["sum by (instance) (a) * on (instance) group_right (owner) sum by (instance, owner) (b)", { closed: ["instance", "owner"] }],
    ["histogram_quantile(0.99, sum by (le, route) (rate(h_bucket[5m])))", { closed: ["route"] }],
    ['label_replace(sum by (pod) (x), "app", "$1", "pod", "(.*)-.*")', { closed: ["app", "pod"] }],
    ['absent(up{job="api", instance=~"a.*"})', { closed: ["job"] }],
    ["sum by (a) (x) or sum by (b) (y)", { closed: ["a", "b"] }],
    ["sum by (a) (x) unless sum by (b) (y)", { closed: ["a"] }],
    ["scalar(sum(x)) > bool 1", { closed: [] }],
  ])("%s", (q, expected) => {
    expect(labelsOf(q)).toEqual(expected);
  });

  it("an open result names the conventional identity labels, minus the dropped ones", () => {
    expect(identityLabels(parsePromQL("sum without (instance) (x)"))).not.toContain("instance");
    expect(identityLabels(parsePromQL("x"))).toEqual(expect.arrayContaining(["device", "instance", "job", "mountpoint"]));
  });
});

describe("inhibition scoped to an alert's series", () => {
  const node = readFileSync(path.join(REPO_ROOT, "alerts", "node.yaml"), "utf8");
  const { thresholds } = modelFrom({ "monac.yaml": readFileSync(path.join(REPO_ROOT, "monac.yaml"), "utf8"), "alerts/node.yaml": node });
  const alert = (name: string) => thresholds.find((t) => t.name === name)!;

  it("DiskSpaceRunningOut (per filesystem): a critical on / leaves the warning on /data alone", () => {
    expect(thresholdIdentity(alert("DiskSpaceRunningOut"))).toEqual(expect.arrayContaining(["alertname", "service", "device", "mountpoint", "fstype", "instance", "job"]));
  });

  it("HighCpuUsage (avg by instance): exactly the instance", () => {
    expect(thresholdIdentity(alert("HighCpuUsage"))).toEqual(["alertname", "service", "instance"]);
  });

  it("one rule per alert and pair of its severities, after the SLO rules", () => {
    const rules = inhibitRules(thresholds) as { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    expect(rules.slice(0, 2).map((r) => r.equal.join(","))).toEqual(["alertname,service,slo", "alertname,service,slo"]);
    const cpu = rules.filter((r) => r.source_matchers.includes('alertname="HighCpuUsage"'));
    expect(cpu).toEqual([
      {
        source_matchers: ['alertname="HighCpuUsage"', 'service="node"', 'severity="critical"'],
        target_matchers: ['alertname="HighCpuUsage"', 'service="node"', 'severity="warning"'],
        equal: ["alertname", "service", "instance"],
      },
    ]);
    // A condition with one severity (InstanceDown) has nothing to mute.
    expect(rules.some((r) => r.source_matchers.includes('alertname="InstanceDown"'))).toBe(false);
  });
});
