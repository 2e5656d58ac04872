// Grid positions. Grafana's grid is 24 columns wide; panels flow left to right
// and wrap when the next one does not fit. Positions and panel ids are a pure
// function of the panel order, so a rebuild never moves a panel and a
// reviewer's diff shows only real changes.
//
// The SDK's builders can place panels themselves, but they let a panel run
// past column 24 instead of wrapping it; computing the grid here keeps that
// guarantee ours.
import type { GridPos } from "@grafana/grafana-foundation-sdk/dashboard";

export const GRID_COLUMNS = 24;

export interface Sized {
  width: number;
  height: number;
}

export interface Section<P extends Sized> {
  /** Row title; undefined for panels above the first row. */
  title: string | undefined;
  panels: P[];
}

export type Placed<P> =
  | { kind: "row"; title: string; id: number; gridPos: GridPos }
  | { kind: "panel"; panel: P; id: number; gridPos: GridPos };

export function layoutSections<P extends Sized>(sections: readonly Section<P>[]): Placed<P>[] {
  const placed: Placed<P>[] = [];
  let id = 1;
  let y = 0;
  for (const section of sections) {
    if (section.title !== undefined) {
      placed.push({ kind: "row", title: section.title, id: id++, gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 } });
      y += 1;
    }
    let x = 0;
    let lineHeight = 0;
    for (const panel of section.panels) {
      const w = Math.min(Math.max(1, panel.width), GRID_COLUMNS);
      if (x + w > GRID_COLUMNS) {
        x = 0;
        y += lineHeight;
        lineHeight = 0;
      }
      placed.push({ kind: "panel", panel, id: id++, gridPos: { x, y, w, h: panel.height } });
      x += w;
      lineHeight = Math.max(lineHeight, panel.height);
    }
    y += lineHeight;
  }
  return placed;
}
