// The panel vocabulary every monac dashboard is built from: Prometheus
// queries against the dashboard's datasource variable, units, threshold
// colours, and one small function per panel kind. Dashboard files compose
// these; none of them builds JSON by hand.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import type { PanelKind, PanelUnit } from "../../workspace/schema.js";
import type { PanelThresholdsModel, ThresholdUnit } from "../../workspace/model.js";
import type { Sized } from "./layout.js";

/** Every query goes to the datasource the viewer picks in the `datasource` variable. */
export const DATASOURCE_VARIABLE = "datasource";
export const PROMETHEUS_DATASOURCE: common.DataSourceRef = { type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` };

export const COLORS = { ok: "green", warning: "orange", critical: "red", neutral: "blue", objective: "purple" } as const;

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label("Data source").type("prometheus");
}

export interface QuerySpec {
  expr: string;
  legend?: string | undefined;
}

export type QueryMode = "range" | "instant" | "table";

/** refIds A, B, ... in query order, as Grafana assigns them in its editor. */
export function refId(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `Q${index}`;
}

export function promQuery(q: QuerySpec, index: number, mode: QueryMode = "range"): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder().datasource(PROMETHEUS_DATASOURCE).refId(refId(index)).expr(q.expr);
  if (q.legend !== undefined) query.legendFormat(q.legend);
  if (mode === "instant") query.instant();
  if (mode === "table") query.instant().format(prometheus.PromQueryFormat.Table);
  if (mode === "range") query.range();
  return query;
}

/** Grafana's unit ids for monac's unit names (panel and threshold-alert units). */
export function grafanaUnit(unit: PanelUnit | ThresholdUnit): string {
  switch (unit) {
    case "none":
      return "none";
    case "short":
      return "short";
    case "percent":
      return "percent";
    case "ratio":
      return "percentunit";
    case "seconds":
      return "s";
    case "milliseconds":
      return "ms";
    case "bytes":
      return "bytes";
    case "bytesPerSecond":
      return "Bps";
    case "bitsPerSecond":
      return "bps";
    case "requestsPerSecond":
      return "reqps";
    case "operationsPerSecond":
      return "ops";
    case "days":
      return "d";
  }
}

/**
 * Threshold colours in the terms of the alert specs: with direction above,
 * values at or over warning are orange and at or over critical red; with
 * direction below, the scale is mirrored (a hit ratio under critical is red).
 * Grafana's steps are "from this value up", hence the two orders.
 */
export function thresholdSteps(t: PanelThresholdsModel | undefined): dashboard.Threshold[] {
  if (!t || (t.warning === undefined && t.critical === undefined)) return [{ value: null, color: COLORS.ok }];
  if (t.direction === "above") {
    const steps: dashboard.Threshold[] = [{ value: null, color: COLORS.ok }];
    if (t.warning !== undefined) steps.push({ value: t.warning, color: COLORS.warning });
    if (t.critical !== undefined) steps.push({ value: t.critical, color: COLORS.critical });
    return steps;
  }
  const steps: dashboard.Threshold[] = [{ value: null, color: t.critical !== undefined ? COLORS.critical : COLORS.warning }];
  if (t.critical !== undefined && t.warning !== undefined) steps.push({ value: t.critical, color: COLORS.warning });
  steps.push({ value: t.warning ?? t.critical!, color: COLORS.ok });
  return steps;
}

export function thresholdsConfig(steps: dashboard.Threshold[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** A panel builder with everything but its place: layout assigns id and grid position. */
export interface PanelDraft extends Sized {
  builder: PositionedBuilder;
}

export interface PositionedBuilder extends cog.Builder<dashboard.Panel> {
  id(id: number): this;
  gridPos(gridPos: dashboard.GridPos): this;
}

/** What every panel kind shares; the same shape custom dashboard specs describe. */
export interface PanelConfig {
  title: string;
  description?: string | undefined;
  unit: PanelUnit | ThresholdUnit;
  min?: number | undefined;
  max?: number | undefined;
  /** Explicit threshold steps (SLO panels); otherwise derived from `thresholds`. */
  steps?: dashboard.Threshold[];
  thresholds?: PanelThresholdsModel | undefined;
  queries: QuerySpec[];
  width?: number | undefined;
  height?: number | undefined;
  links?: { title: string; url: string }[];
}

export const DEFAULT_SIZE: Record<PanelKind, Sized> = {
  timeseries: { width: 12, height: 8 },
  stat: { width: 6, height: 5 },
  gauge: { width: 6, height: 6 },
  table: { width: 24, height: 8 },
};

export function sized(kind: PanelKind, config: PanelConfig, builder: PositionedBuilder): PanelDraft {
  return { width: config.width ?? DEFAULT_SIZE[kind].width, height: config.height ?? DEFAULT_SIZE[kind].height, builder };
}

/** Settings every SDK panel builder has (they share no base class, hence the structural type). */
interface CommonPanelBuilder<B> {
  title(t: string): B;
  description(d: string): B;
  datasource(d: common.DataSourceRef): B;
  unit(u: string): B;
  min(m: number): B;
  max(m: number): B;
  thresholds(t: cog.Builder<dashboard.ThresholdsConfig>): B;
  withTarget(t: cog.Builder<cog.Dataquery>): B;
  links(l: cog.Builder<dashboard.DashboardLink>[]): B;
}

export function configurePanel<B extends CommonPanelBuilder<B>>(builder: B, config: PanelConfig, mode: QueryMode): B {
  builder
    .title(config.title)
    .datasource(PROMETHEUS_DATASOURCE)
    .unit(grafanaUnit(config.unit))
    .thresholds(thresholdsConfig(config.steps ?? thresholdSteps(config.thresholds)));
  if (config.description) builder.description(config.description);
  if (config.min !== undefined) builder.min(config.min);
  if (config.max !== undefined) builder.max(config.max);
  if (config.links?.length) builder.links(config.links.map(panelLink));
  config.queries.forEach((q, i) => builder.withTarget(promQuery(q, i, mode)));
  return builder;
}

function panelLink(link: { title: string; url: string }): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(link.title).type(dashboard.DashboardLinkType.Link).url(link.url).targetBlank(true);
}

/** A graph over time; thresholds are drawn as dashed lines, so a reader sees how close the series ran to alerting. */
export function timeseriesPanel(config: PanelConfig): PanelDraft {
  const builder = configurePanel(new timeseries.PanelBuilder(), config, "range")
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  const drawn = config.steps ?? thresholdSteps(config.thresholds);
  if (drawn.length > 1) builder.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  return sized("timeseries", config, builder);
}

/** The last value, coloured by its threshold step. */
export function statPanel(config: PanelConfig): PanelDraft {
  const builder = configurePanel(new stat.PanelBuilder(), config, "range")
    .reduceOptions(lastValue())
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area);
  return sized("stat", config, builder);
}

export function gaugePanel(config: PanelConfig): PanelDraft {
  const builder = configurePanel(new gauge.PanelBuilder(), config, "range").reduceOptions(lastValue()).showThresholdMarkers(true);
  return sized("gauge", config, builder);
}

/** One row per series, from instant queries: the current state, not history. */
export function tablePanel(config: PanelConfig): PanelDraft {
  return sized("table", config, configurePanel(new table.PanelBuilder(), config, "table"));
}

export function panelOfKind(kind: PanelKind, config: PanelConfig): PanelDraft {
  switch (kind) {
    case "timeseries":
      return timeseriesPanel(config);
    case "stat":
      return statPanel(config);
    case "gauge":
      return gaugePanel(config);
    case "table":
      return tablePanel(config);
  }
}

/** "Last non-null value": a missing last scrape must not blank a stat. */
function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);
}
