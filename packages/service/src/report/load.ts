import type { ReportInput, ReportRunInput } from "@bytelab/analysis/report";
import { metricSeries, type SeriesPoint } from "@bytelab/db/runtime";
import type { ServiceContext } from "../context";
import { asRecord } from "../run-config";
import { earlyStops, lastErrors } from "../sweeps/errors-of-runs";
import { findSweep, reusedRunIds } from "../sweeps/load";

/**
 * Everything a sweep report is built from: the sweep, its runs (its own and the earlier runs it reuses, with
 * their worker) and, per run, the stored series of `metrics`. A failed run without runs.error gets the error
 * of its last ERROR event or FAILED status change. NotFoundError for an unknown sweep.
 */
export async function loadSweepForReport(
  ctx: ServiceContext,
  sweepId: string,
  metrics: readonly string[],
): Promise<ReportInput> {
  const sweep = await findSweep(ctx.prisma, sweepId);
  const runs = await ctx.prisma.run.findMany({
    where: { OR: [{ sweepId }, { id: { in: reusedRunIds(sweep) } }] },
    include: { worker: true },
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
  });
  const [eventErrors, stops] = await Promise.all([
    lastErrors(
      ctx.prisma,
      runs.filter((r) => r.status === "FAILED" && !r.error).map((r) => r.id),
    ),
    earlyStops(
      ctx.prisma,
      runs.map((r) => r.id),
    ),
  ]);
  const series: Record<string, Record<string, SeriesPoint[]>> = {};
  await Promise.all(
    runs.flatMap((run) =>
      metrics.map(async (name) => {
        const points = await metricSeries(ctx.pool, run.id, name);
        if (points.length === 0) return;
        series[run.id] ??= {};
        series[run.id]![name] = points;
      }),
    ),
  );
  const reportRuns: ReportRunInput[] = runs.map((run) => ({
    id: run.id,
    name: run.name,
    status: run.status,
    architecture: run.architecture,
    seed: run.seed,
    config: asRecord(run.config),
    configHash: run.configHash,
    paramCount: run.paramCount,
    flopsPerByte: run.flopsPerByte,
    gitCommit: run.gitCommit,
    backend: run.backend,
    device: run.device,
    worker: run.worker ? { id: run.worker.id, host: run.worker.host, version: run.worker.version } : null,
    error: run.error ?? eventErrors.get(run.id) ?? null,
    // ASHA stopped it: the report tells "stopped early" from "did not reach its budget".
    earlyStop: stops.get(run.id) ?? null,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  }));
  return {
    sweep: {
      id: sweep.id,
      name: sweep.name,
      description: sweep.description,
      spec: sweep.spec,
      createdAt: sweep.createdAt,
    },
    runs: reportRuns,
    series,
  };
}
