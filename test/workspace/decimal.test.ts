import { describe, expect, it } from "vitest";
import { Decimal, numberToPlainString } from "../../src/workspace/decimal.js";
import { burnRateFactor } from "../../src/workspace/tiers.js";

const d = (x: number | string) => Decimal.of(x);

describe("exact decimals", () => {
  it("computes budgets without float noise", () => {
    expect(d(1).minus(d(0.999)).toString()).toBe("0.001");
    expect(1 - 0.999).not.toBe(0.001); // the float trap this class exists for
    expect(d(1).minus(d(99.95).div(d(100))).toString()).toBe("0.0005");
    expect(d(14.4).times(d(0.001)).toString()).toBe("0.0144");
    expect(d(6).times(d(0.0005)).toString()).toBe("0.003");
    expect(d(0.1).plus(d(0.2)).toString()).toBe("0.3");
  });

  it("prints integers and negatives plainly", () => {
    expect(d(100).toString()).toBe("100");
    expect(d("-0.25").toString()).toBe("-0.25");
    expect(d(0).toString()).toBe("0");
    expect(Decimal.fraction(5400000n, 1000n).toString()).toBe("5400");
  });

  it("expands exponent notation", () => {
    expect(numberToPlainString(1e-7)).toBe("0.0000001");
    expect(numberToPlainString(1.5e21)).toBe("1500000000000000000000");
    expect(d(1e-7).toString()).toBe("0.0000001");
  });

  it("rounds non-terminating values half away from zero", () => {
    const third = Decimal.fraction(1n, 3n);
    expect(third.terminates).toBe(false);
    expect(() => third.toString()).toThrow(/non-terminating/);
    expect(third.round(4).toString()).toBe("0.3333");
    expect(Decimal.fraction(2n, 3n).round(4).toString()).toBe("0.6667");
    expect(Decimal.fraction(-2n, 3n).round(4).toString()).toBe("-0.6667");
  });
});

describe("burn-rate factors", () => {
  const day = 24 * 3600 * 1000;
  const hour = 3600 * 1000;
  it("reproduces the SRE workbook table for 30 days", () => {
    expect(burnRateFactor(d(2), 30 * day, hour).toString()).toBe("14.4");
    expect(burnRateFactor(d(5), 30 * day, 6 * hour).toString()).toBe("6");
    expect(burnRateFactor(d(10), 30 * day, day).toString()).toBe("3");
    expect(burnRateFactor(d(10), 30 * day, 3 * day).toString()).toBe("1");
  });

  it("derives factors for other periods from the budget share, not by rescaling windows", () => {
    expect(burnRateFactor(d(2), 28 * day, hour).toString()).toBe("13.44");
    expect(burnRateFactor(d(5), 28 * day, 6 * hour).toString()).toBe("5.6");
    expect(burnRateFactor(d(10), 7 * day, 3 * day).toString()).toBe("0.2333");
  });
});
