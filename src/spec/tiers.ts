// Multi-window, multi-burn-rate alert tiers (Google SRE workbook, ch. 5).
//
// A tier alerts when both its long and short window burn error budget faster
// than `factor` times the sustainable rate. The workbook's table is for a 30d
// period; for any other period the factor is derived from the same budget share
// (factor = share × period / long window) rather than rescaling the windows,
// so "2% of the budget in one hour" keeps meaning exactly that.
import { Decimal } from "./decimal.js";
import { parseDuration } from "./duration.js";
import type { Severity, TierName } from "./schema.js";

export interface TierDefaults {
  name: TierName;
  budgetPercent: number;
  longWindow: string;
  shortWindow: string;
  severity: Severity;
  for: string;
}

export const DEFAULT_TIERS: readonly TierDefaults[] = [
  { name: "page-fast", budgetPercent: 2, longWindow: "1h", shortWindow: "5m", severity: "critical", for: "2m" },
  { name: "page-slow", budgetPercent: 5, longWindow: "6h", shortWindow: "30m", severity: "critical", for: "15m" },
  { name: "ticket-fast", budgetPercent: 10, longWindow: "1d", shortWindow: "2h", severity: "warning", for: "1h" },
  { name: "ticket-slow", budgetPercent: 10, longWindow: "3d", shortWindow: "6h", severity: "warning", for: "3h" },
];

/** Decimal places a derived factor keeps when share × period / window does not terminate. */
export const FACTOR_PLACES = 4;

export function burnRateFactor(budgetPercent: Decimal, periodMs: number, longWindowMs: number): Decimal {
  const exact = budgetPercent.div(Decimal.of(100)).times(Decimal.fraction(BigInt(periodMs), BigInt(longWindowMs)));
  return exact.terminates ? exact : exact.round(FACTOR_PLACES);
}

export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`invalid duration ${text}`);
  return ms;
}
