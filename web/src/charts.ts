// Apache ECharts, only the parts the console draws (canvas renderer: no inline styles or SVG
// markup built from data).
import * as echarts from "echarts/core";
import { BarChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
// A chart that follows its box's width, which follows the window's.
export function chart(el: HTMLElement): Chart {
  const c = echarts.init(el, undefined, { renderer: "canvas" });
  new ResizeObserver(() => { if (!c.isDisposed()) c.resize(); }).observe(el);
  return c;
}
// Each pace's colour (the execution bars and their legend items, the table's 进度 column in app.css).
export const PACE_COLOURS: Record<string, string> = { AHEAD: "#2e7d32", BEHIND: "#f9a825", LAGGING: "#c62828" };
export const UNRATED_COLOUR = "#607d8b";  // a fund without a pace (no budget)
export const PENDING_COLOUR = "#ffcc80";  // 已申请未审核: reserved, not yet allocated or paid
