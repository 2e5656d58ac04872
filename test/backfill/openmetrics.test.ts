// The OpenMetrics writer: what promtool reads back must be the same samples,
// bit for bit (checked with the real promtool: create blocks, dump them).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatTimestamp, formatValue, openMetricsChunks } from "../../src/backfill/openmetrics.js";
import { Labels } from "../../src/promql/labels.js";
import { parseOpenMetricsSamples } from "../support/openmetrics.js";
import { describeWithTool, runTool } from "../support/tools.js";

const T = 1_764_000_000_000; // 2025-11-24T16:00:00Z
const VALUES = [0, -0, 1, -1.5, 0.1 + 0.2, 1 / 3, 1e-300, 5e-324, 1.7976931348623157e308, 123456789012345680, NaN, Infinity, -Infinity];

function series() {
  return [
    {
      labels: Labels.from({ __name__: "slo:sli_error:ratio_rate5m", service: "checkout", slo: "availability" }),
      t: VALUES.map((_, i) => T + i * 15_001 + (i % 3)),
      v: VALUES,
    },
    {
      labels: Labels.from({ __name__: "a_metric", path: 'C:\\dir "quoted"\nnext line', z: "ü ✓" }),
      t: [T, T + 1, T + 999, T + 1000],
      v: [1, 2, 3, 4],
    },
    { labels: Labels.from({ __name__: "empty" }), t: [], v: [] },
  ];
}

describe("OpenMetrics writer", () => {
  it("formats values and timestamps in forms that read back exactly", () => {
    expect(VALUES.map(formatValue)).toEqual(["0", "-0", "1", "-1.5", "0.30000000000000004", "0.3333333333333333", "1e-300", "5e-324", "1.7976931348623157e+308", "123456789012345680", "NaN", "+Inf", "-Inf"]);
    expect(formatTimestamp(T + 123)).toBe("1764000000.123");
    expect(formatTimestamp(T)).toBe("1764000000");
    expect(() => formatTimestamp(1.5)).toThrow(/integer/);
    // Every ms of a stretch reads back as itself when multiplied back (Go: int64(float * 1000) after ParseFloat).
    const wrong: number[] = [];
    for (let ms = T; ms < T + 1_000_000; ms++) if (Math.trunc(Number(formatTimestamp(ms)) * 1000) !== ms) wrong.push(ms);
    expect(wrong).toEqual([]);
  });

  it("groups series by name, orders them, escapes label values, ends with # EOF, leaves empty series out", () => {
    const text = [...openMetricsChunks(series(), 3)].join("");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("# TYPE a_metric gauge");
    expect(lines[1]).toBe('a_metric{path="C:\\\\dir \\"quoted\\"\\nnext line",z="ü ✓"} 1 1764000000');
    expect(lines.at(-1)).toBe("# EOF");
    expect(text).not.toContain("empty");
    const parsed = parseOpenMetricsSamples(text);
    expect(parsed.filter((s) => s.name === "a_metric")[0]!.labels.path).toBe('C:\\dir "quoted"\nnext line');
    expect(parsed).toHaveLength(VALUES.length + 4);
  });

  it("refuses samples out of time order", () => {
    const bad = [{ labels: Labels.from({ __name__: "x" }), t: [2, 1], v: [1, 1] }];
    expect(() => [...openMetricsChunks(bad)]).toThrow(/out of order/);
  });
});

describeWithTool(["promtool"], "OpenMetrics writer, read back by promtool tsdb create-blocks-from openmetrics", () => {
  it("promtool stores exactly the samples written", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "monac-om-"));
    try {
      const file = path.join(dir, "in.om");
      writeFileSync(file, [...openMetricsChunks(series())].join(""));
      const created = await runTool("promtool", ["tsdb", "create-blocks-from", "openmetrics", file, path.join(dir, "blocks")], { timeoutMs: 60_000 });
      expect(created.code, created.stderr).toBe(0);
      mkdirSync(path.join(dir, "blocks", "wal")); // dump reads a WAL too; a data directory of blocks alone has none
      const dumped = await runTool("promtool", ["tsdb", "dump-openmetrics", path.join(dir, "blocks")], { timeoutMs: 60_000 });
      expect(dumped.code, dumped.stderr).toBe(0);
      const got = parseOpenMetricsSamples(dumped.stdout);
      const want = parseOpenMetricsSamples([...openMetricsChunks(series())].join(""));
      const key = (s: { series: string; t: number }) => `${s.series}@${s.t}`;
      expect(new Map(got.map((s) => [key(s), s.value]))).toEqual(new Map(want.map((s) => [key(s), s.value])));
      // Bit for bit, signed zero included.
      const bits = (v: number) => Buffer.from(new Float64Array([v]).buffer).toString("hex");
      const gotBits = new Map(got.map((s) => [key(s), bits(s.value)]));
      for (const s of want) if (!Number.isNaN(s.value)) expect(gotBits.get(key(s)), key(s)).toBe(bits(s.value));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
