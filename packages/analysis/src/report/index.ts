/**
 * @bytelab/analysis/report: a sweep report as data (buildSweepReport, pure) and as one self-contained HTML
 * page with inline SVG charts (renderReportHtml); reportCharts gives the same charts as standalone SVG.
 *
 *   const report = buildSweepReport({ sweep, runs, series }, { budgets: [1e15, 1e16] });
 *   writeFileSync("report.html", renderReportHtml(report));
 */
export { type RenderedChart, renderReportHtml, reportCharts } from "./html/render";
export { escapeHtml } from "./html/safe-html";
export { buildSweepReport } from "./model";
export { type FinalValue, type RunValues, runValues } from "./run-values";
export {
  type ParsedReportInput,
  REPORT_RUN_STATUSES,
  type ReportInput,
  type ReportOptions,
  type ReportPoint,
  type ReportRun,
  type ReportRunInput,
  type ReportRunStatus,
  reportInputSchema,
  reportOptionsSchema,
} from "./schema";
export type * from "./types";
