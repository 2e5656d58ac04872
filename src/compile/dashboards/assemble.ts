// Puts a dashboard together from laid-out sections: the one place that turns
// drafts into a DashboardBuilder, so every monac dashboard shares the same
// variables, time settings and grid rules.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { layoutSections, type Section } from "./layout.js";
import { datasourceVariable, type PanelDraft } from "./panels.js";

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** Default time range start, e.g. now-30d. */
  timeFrom: string;
  sections: Section<PanelDraft>[];
  variables?: cog.Builder<dashboard.VariableModel>[];
  annotations?: dashboard.AnnotationQueryBuilder[];
  links?: dashboard.DashboardLinkBuilder[];
}

/** A built dashboard: the classic JSON model as the SDK emits it. */
export interface DashboardDraft {
  uid: string;
  title: string;
  json: dashboard.Dashboard;
}

export function assembleDashboard(spec: DashboardSpec): DashboardDraft {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(spec.tags)
    .editable()
    .timezone("browser")
    .time({ from: spec.timeFrom, to: "now" })
    .refresh("1m")
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables([datasourceVariable(), ...(spec.variables ?? [])]);
  for (const a of spec.annotations ?? []) builder.annotation(a);
  if (spec.links?.length) builder.links(spec.links);
  for (const placed of layoutSections(spec.sections)) {
    if (placed.kind === "row") builder.withRow(new dashboard.RowBuilder(placed.title).id(placed.id).gridPos(placed.gridPos));
    else builder.withPanel(placed.panel.builder.id(placed.id).gridPos(placed.gridPos));
  }
  return { uid: spec.uid, title: spec.title, json: builder.build() };
}

/** Pretty-printed, with the trailing newline editors and `git diff` expect. */
export function dashboardJson(draft: DashboardDraft): string {
  return `${JSON.stringify(draft.json, null, 2)}\n`;
}

/** Every PromQL query a dashboard runs, with the title of the panel (or annotation) running it. */
export function dashboardQueries(json: dashboard.Dashboard): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  for (const panel of json.panels ?? []) {
    if (panel.type === "row") continue;
    const p = panel as dashboard.Panel;
    for (const target of p.targets ?? []) {
      const expr = (target as { expr?: unknown }).expr;
      if (typeof expr === "string") out.push({ panel: p.title ?? "(untitled)", expr });
    }
  }
  for (const a of json.annotations?.list ?? []) if (a.expr) out.push({ panel: `annotation "${a.name}"`, expr: a.expr });
  return out;
}
