// Apache ECharts, only the parts the console draws (canvas renderer: no inline styles or SVG
// markup built from data).
import * as echarts from "echarts/core";
import { BarChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
export function chart(el: HTMLElement): Chart {
  const c = echarts.init(el, undefined, { renderer: "canvas" });
  new ResizeObserver(() => c.resize()).observe(el);
  return c;
}
export const PACE_COLOURS: Record<string, string> = { AHEAD: "#2e7d32", BEHIND: "#f9a825", LAGGING: "#c62828" };
export const PENDING_COLOUR = "#ffcc80";  // 已申请未审核: reserved, not yet allocated or paid
