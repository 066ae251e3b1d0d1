import type { SweepReport } from "@bytelab/analysis/report";
import type { ServiceContext } from "../context";
import { loadSweepForReport } from "./load";

export interface SweepReportOptions {
  /** Held-out metric of the fits and comparisons (default val/bpb). */
  metric?: string;
  /** Training-FLOP budgets of the compute-matched table (default: chosen from the runs). */
  budgets?: number[];
  /** Bootstrap resamples per fit (default 1000; 0: no intervals). */
  resamples?: number;
  /** Bootstrap seed (default 0): the same sweep gives the same report. */
  seed?: number;
}

/**
 * The analysis of a sweep (@bytelab/analysis buildSweepReport): scaling fits with bootstrap bands and
 * crossings, the compute-matched table, seed aggregation, learning curves, runs, environment. The one source
 * of `bytelab report`, the dashboard's scaling page and GET /api/v1/sweeps/{id}/report, so they agree to the
 * digit. Plain JSON.
 */
export async function sweepReport(
  ctx: ServiceContext,
  sweepId: string,
  opts: SweepReportOptions = {},
): Promise<SweepReport> {
  const metric = opts.metric ?? "val/bpb";
  const input = await loadSweepForReport(ctx, sweepId, [...new Set([metric, "test/bpb", "train/bpb"])]);
  const { buildSweepReport } = await import("@bytelab/analysis/report");
  return buildSweepReport(input, {
    heldOutMetric: metric,
    resamples: opts.resamples ?? 1000,
    seed: opts.seed ?? 0,
    ...(opts.budgets ? { budgets: opts.budgets } : {}),
  });
}
