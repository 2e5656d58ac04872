// Multi-window, multi-burn-rate alert tiers (Google SRE workbook, ch. 5).
//
// A tier alerts when both its long and short window burn error budget faster
// than `factor` times the sustainable rate. The workbook's table is for a 30d
// period; for any other period the factor is derived from the same budget share
// (factor = share × period / long window) rather than rescaling the windows,
// so "2% of the budget in one hour" keeps meaning exactly that.
//
// No tier has a `for` by default: the short window is what keeps a blip from
// paging, and a `for` only delays the page — on a slower tier it makes the
// alert start after the incident is over, when the faster tier (whose firing
// inhibited it) has already resolved.
import { Decimal } from "./decimal.js";
import { parseDuration } from "./duration.js";
import type { Severity, TierName } from "./schema.js";

export interface TierDefaults {
  name: TierName;
  budgetPercent: number;
  longWindow: string;
  shortWindow: string;
  severity: Severity;
}

export const DEFAULT_TIERS: readonly TierDefaults[] = [
  { name: "page-fast", budgetPercent: 2, longWindow: "1h", shortWindow: "5m", severity: "critical" },
  { name: "page-slow", budgetPercent: 5, longWindow: "6h", shortWindow: "30m", severity: "critical" },
  { name: "ticket-fast", budgetPercent: 10, longWindow: "1d", shortWindow: "2h", severity: "warning" },
  { name: "ticket-slow", budgetPercent: 10, longWindow: "3d", shortWindow: "6h", severity: "warning" },
];

/** Decimal places a derived factor keeps when share × period / window does not terminate. */
export const FACTOR_PLACES = 4;

// Every SLO of a workspace asks for the same few factors (the default tiers
// over a 30d period), and exact arithmetic on BigInts is slow: compute each once.
const factors = new Map<string, Decimal>();

// The default tiers pass the same Decimal every time: look those up without
// printing BigInts for a key.
const factorsByBudget = new WeakMap<Decimal, Map<string, Decimal>>();

export function burnRateFactor(budgetPercent: Decimal, periodMs: number, longWindowMs: number): Decimal {
  let mine = factorsByBudget.get(budgetPercent);
  if (mine === undefined) {
    mine = new Map();
    factorsByBudget.set(budgetPercent, mine);
  }
  const windows = `${periodMs} ${longWindowMs}`;
  const hit = mine.get(windows);
  if (hit !== undefined) return hit;
  if (mine.size >= 10_000) mine.clear();
  const key = `${budgetPercent.num}/${budgetPercent.den} ${windows}`;
  let factor = factors.get(key);
  if (factor === undefined) {
    if (factors.size >= 10_000) factors.clear();
    const exact = budgetPercent.div(Decimal.of(100)).times(Decimal.fraction(BigInt(periodMs), BigInt(longWindowMs)));
    factor = exact.terminates ? exact : exact.round(FACTOR_PLACES);
    factors.set(key, factor);
  }
  mine.set(windows, factor);
  return factor;
}

export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`invalid duration ${text}`);
  return ms;
}
