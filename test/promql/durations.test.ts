import { describe, expect, it } from "vitest";
import { DurationError, formatPrometheusDuration, parsePrometheusDuration } from "../../src/go/duration.js";

describe("durations", () => {
  it.each([
    ["0", 0],
    ["500ms", 500],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1d", 86_400_000],
    ["1w", 604_800_000],
    ["1y", 31_536_000_000],
    ["1y2w3d4h5m6s7ms", 31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000 + 7],
  ])("parses %s", (text, ms) => {
    expect(parsePrometheusDuration(text)).toBe(ms);
  });

  it.each(["", "5", "1m1h", "1.5h", "-5m", "5mm", "1h1h"])("rejects %j", (text) => {
    expect(() => parsePrometheusDuration(text)).toThrow(DurationError);
  });

  it.each([
    [0, "0s"],
    [500, "500ms"],
    [90_000, "1m30s"],
    [604_800_000, "1w"],
    [8 * 86_400_000, "8d"],
    [14 * 86_400_000, "2w"],
    // Years and weeks only when they divide exactly, as Prometheus prints them.
    [31_536_000_000 + 86_400_000, "366d"],
    [31_536_000_000, "1y"],
    [2 * 31_536_000_000, "2y"],
    [400 * 86_400_000, "400d"],
    [53 * 604_800_000, "53w"],
    [-300_000, "-5m"],
  ])("formats %d as %s", (ms, text) => {
    expect(formatPrometheusDuration(ms)).toBe(text);
  });

  it("round-trips", () => {
    for (let ms = 0; ms < 5e9; ms += 12_345_678) expect(parsePrometheusDuration(formatPrometheusDuration(ms))).toBe(ms);
  });
});
