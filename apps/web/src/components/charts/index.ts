/**
 * The dashboard's chart toolkit (client components; Recharts 3 underneath). See README.md in this folder.
 *
 * - LineChart: lines over a numeric x on linear / log axes, optional bands, legend with N, tooltip.
 * - ScatterChart: points per group + fitted curve + band + vertical markers, log-log by default (scaling).
 * - ChartFrame: title, PNG / SVG / CSV export buttons, note and footer around any Recharts chart.
 * - Data shapes and transforms live in lib/series (ChartLine, runLines, groupLines, emaSmooth, formatters).
 */
export { ChartFrame, type ChartFrameProps } from "./chart-frame";
export { chartSvg, downloadBlob, fileSlug, type LegendItem, svgToPng } from "./export";
export { ChartLegend, type LegendEntry } from "./legend";
export { ChartMessage, LineChart, type LineChartProps } from "./line-chart";
export { AXIS_STYLE, seriesColor, seriesDash } from "./palette";
export {
  type ScatterChartProps,
  ScatterChart,
  type ScatterGroup,
  type ScatterPoint,
  type XMarker,
} from "./scatter-chart";
