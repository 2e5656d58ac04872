// SLO spec variants for tests that must hold whatever the user configured:
// objectives, periods, SLI kinds, disabled tiers, `for` on ticket tiers,
// user annotations with `{{ $value }}`, the evaluation interval. A fixed
// pseudo-random sample (seeded, so every run builds the same workspaces)
// that still covers every value of the dimensions the generator branches on.
import { loadWorkspaceFromTexts } from "../../src/workspace/workspace.js";
import { formatDiagnostic } from "../../src/workspace/diagnostics.js";
import type { WorkspaceModel } from "../../src/workspace/model.js";
import { BASE_MONAC_YAML } from "../support/workspace.js";
import { mulberry32 as prng } from "../support/random.js";

export const OBJECTIVES = [90, 95, 99, 99.5, 99.9, 99.99, 99.999] as const;
export const PERIODS = ["7d", "28d", "90d"] as const;
export const TIERS = ["page-fast", "page-slow", "ticket-fast", "ticket-slow"] as const;
export type TierName = (typeof TIERS)[number];
export const SLI_KINDS = ["ratio-errors", "ratio-good", "latency", "raw", "boolGauge"] as const;
export type SliKind = (typeof SLI_KINDS)[number];
const TESTED_SLI_KINDS: readonly SliKind[] = ["ratio-errors", "ratio-good", "latency"];

/** Which tiers a variant keeps: all, all but one, or only one. */
export type TierMode = { kind: "all" } | { kind: "without"; tier: TierName } | { kind: "only"; tier: TierName };
export const TIER_MODES: readonly TierMode[] = [
  { kind: "all" },
  ...TIERS.map((tier) => ({ kind: "without" as const, tier })),
  ...TIERS.map((tier) => ({ kind: "only" as const, tier })),
];

export interface SpecVariant {
  objective: number;
  period: string;
  sli: SliKind;
  tiers: TierMode;
  /** `for` on both ticket tiers (tiers of one severity must agree); undefined: none. */
  ticketFor?: string;
  /** keepFiringFor on both page tiers; undefined: none. */
  pageKeepFiringFor?: string;
  /** User summary and description that print `{{ $value }}`. */
  valueAnnotations: boolean;
  minEvents?: number;
  noData: boolean;
  evaluationInterval: "30s" | "1m" | "2m30s" | "5m";
}

/**
 * `count` variants: objectives, periods and tier modes cycle (so each value
 * appears), the other dimensions are drawn from the seeded generator. The
 * first variants pin the cases the generator has special paths for.
 */
export function specVariants(count = 30, seed = 0x5eed): SpecVariant[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: SpecVariant[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      objective: OBJECTIVES[i % OBJECTIVES.length]!,
      period: PERIODS[i % PERIODS.length]!,
      // Raw and boolGauge SLIs get no burn-rate tests (only noData), so two of each suffice.
      sli: i < SLI_KINDS.length ? SLI_KINDS[i]! : i === 17 ? "raw" : i === 23 ? "boolGauge" : pick(TESTED_SLI_KINDS),
      tiers: TIER_MODES[i % TIER_MODES.length]!,
      ticketFor: i % 4 === 1 ? "1h" : pick([undefined, undefined, "30m", "1h"]),
      pageKeepFiringFor: pick([undefined, undefined, "10m"]),
      valueAnnotations: i % 3 === 2 || rnd() < 0.3,
      minEvents: pick([undefined, 100]),
      noData: rnd() < 0.5,
      // 30s doubles the steps every scenario evaluates (and the runtime): one variant in six. Slower
      // evaluations than any scrape (issue 16: the input is still sampled every minute or less): one in twelve each.
      evaluationInterval: i % 6 === 5 ? "30s" : i % 12 === 2 ? "5m" : i % 12 === 8 ? "2m30s" : "1m",
    });
  }
  return out;
}

export function describeVariant(v: SpecVariant): string {
  const tiers = v.tiers.kind === "all" ? "all tiers" : v.tiers.kind === "without" ? `without ${v.tiers.tier}` : `only ${v.tiers.tier}`;
  return [
    `objective ${v.objective}`,
    `period ${v.period}`,
    v.sli,
    tiers,
    v.ticketFor ? `ticket for ${v.ticketFor}` : undefined,
    v.pageKeepFiringFor ? `page keepFiringFor ${v.pageKeepFiringFor}` : undefined,
    v.valueAnnotations ? "$value annotations" : undefined,
    v.minEvents ? `minEvents ${v.minEvents}` : undefined,
    v.noData ? "noData" : undefined,
    `every ${v.evaluationInterval}`,
  ]
    .filter(Boolean)
    .join(", ");
}

const SLI_YAML: Record<SliKind, string> = {
  "ratio-errors": `      ratio:\n        errors: http_requests_total{job="shop", code=~"5.."}\n        total: http_requests_total{job="shop"}`,
  "ratio-good": `      ratio:\n        good: orders_total{status="ok"}\n        total: orders_total`,
  latency: `      latency:\n        histogram: http_request_duration_seconds{job="shop"}\n        threshold: 250ms`,
  raw: `      raw:\n        errorRatio: sum(rate(errors_total{job="shop"}[$window])) / sum(rate(requests_total{job="shop"}[$window]))`,
  boolGauge: `      boolGauge:\n        metric: probe_success{job="shop"}`,
};

/**
 * The variant as an SLO entry (indented for a `slos:` list). `disabled` adds
 * tiers to switch off on top of the variant's mode (see variantModel).
 */
export function sloYaml(v: SpecVariant, name: string, disabled: ReadonlySet<TierName> = new Set()): string {
  const off = new Set<TierName>(disabled);
  if (v.tiers.kind === "without") off.add(v.tiers.tier);
  if (v.tiers.kind === "only") for (const t of TIERS) if (t !== v.tiers.tier) off.add(t);
  const tierLines: string[] = [];
  for (const t of TIERS) {
    if (off.has(t)) {
      tierLines.push(`        ${t}: false`);
      continue;
    }
    const fields: string[] = [];
    if (t.startsWith("ticket") && v.ticketFor) fields.push(`for: ${v.ticketFor}`);
    if (t.startsWith("page") && v.pageKeepFiringFor) fields.push(`keepFiringFor: ${v.pageKeepFiringFor}`);
    if (fields.length) tierLines.push(`        ${t}: { ${fields.join(", ")} }`);
  }
  const alerting = [
    v.valueAnnotations ? `      summary: "{{ $labels.slo }} burns {{ $value }}x"` : undefined,
    v.valueAnnotations ? `      description: "Burn rate {{ $value | humanize }} ({{ $value }}), severity {{ $labels.severity }}."` : undefined,
    v.minEvents !== undefined && v.sli !== "raw" ? `      minEvents: ${v.minEvents}` : undefined,
    v.noData ? `      noData: { for: 10m }` : undefined,
    tierLines.length ? `      tiers:\n${tierLines.join("\n")}` : undefined,
  ].filter((l): l is string => l !== undefined);
  return [
    `  - name: ${name}`,
    `    objective: ${v.objective}`,
    `    period: ${v.period}`,
    `    sli:`,
    SLI_YAML[v.sli],
    ...(alerting.length ? [`    alerting:`, ...alerting] : []),
  ].join("\n");
}

/**
 * The model of a one-SLO workspace for the variant. Tiers the objective and
 * period make impossible ("can never fire": factor × budget ≥ 1, e.g. the
 * page tiers at 90%) are switched off, as a user would have to; the result
 * says which.
 */
export function variantModel(v: SpecVariant, name = "variant"): { model: WorkspaceModel; disabled: TierName[] } {
  const disabled = new Set<TierName>();
  for (let attempt = 0; attempt < TIERS.length + 1; attempt++) {
    const files = {
      "monac.yaml": `evaluationInterval: ${v.evaluationInterval}\n${BASE_MONAC_YAML}`,
      "slos/shop.yaml": `service: shop\nteam: shop\nslos:\n${sloYaml(v, name, disabled)}\n`,
    };
    const result = loadWorkspaceFromTexts(Object.entries(files).map(([rel, text]) => ({ rel, text })));
    if (result.model) return { model: result.model, disabled: [...disabled] };
    const impossible = result.diagnostics.flatMap((d) => {
      const m = /tier (\S+) can never fire/.exec(d.message);
      return m ? [m[1] as TierName] : [];
    });
    if (impossible.length === 0 || impossible.every((t) => disabled.has(t))) {
      throw new Error(`invalid variant (${describeVariant(v)}):\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
    }
    for (const t of impossible) disabled.add(t);
  }
  throw new Error(`invalid variant (${describeVariant(v)})`);
}
