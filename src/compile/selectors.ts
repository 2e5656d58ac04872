// Selectors for series monac itself records. Identity labels are only
// `service` and `slo`, so renaming a team or adding a label never breaks the
// continuity of an SLI's history.
import { quote } from "../promql/syntax.js";

export interface SloIdentity {
  service: string;
  name: string;
}

export function sloMatchers(slo: SloIdentity): string {
  return `service=${quote(slo.service)}, slo=${quote(slo.name)}`;
}

export function sloSeries(metric: string, slo: SloIdentity): string {
  return `${metric}{${sloMatchers(slo)}}`;
}
