import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/workspace/duration.js";

describe("Prometheus durations", () => {
  it.each([
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["30d", 2_592_000_000],
    ["1w", 604_800_000],
    ["1y", 31_536_000_000],
    ["500ms", 500],
    ["1m30s500ms", 90_500],
    ["0", 0],
  ])("parses %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "5", "30days", "1.5h", "5m1h", "-5m", "1h 30m", "5M"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [300_000, "5m"],
    [5_400_000, "1h30m"],
    [2_592_000_000, "30d"],
    [2_419_200_000, "28d"],
    [604_800_000, "7d"],
    [691_200_000, "8d"],
    [31_536_000_000, "365d"],
    [100, "100ms"],
    [0, "0s"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe("the longest duration", () => {
  // promtool check rules: `for: 106751d` loads, `for: 106752d` is "duration out
  // of range" (a time.Duration is int64 nanoseconds); likewise 15250w / 15251w.
  it.each([
    ["106751d", 9_223_286_400_000],
    ["15250w", 9_223_200_000_000],
    ["106752d", undefined],
    ["15251w", undefined],
    ["300y", undefined],
  ])("%s is %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
