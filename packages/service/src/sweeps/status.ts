import type { PrismaClient } from "@bytelab/db/runtime";
import { latestStep, loadStats, METRICS } from "../metrics/stats";
import { runShape } from "../run-config";
import { isoOrNull, type RunStatusName, zeroCounts } from "../schemas/common";
import { type RunProgress, type SweepStatus, sweepStatusSchema } from "../schemas/sweep";
import { earlyStops, lastErrors } from "./errors-of-runs";
import { findSweep, reusedRunIds, sweepRecordFields } from "./load";
import { sweepOutcome } from "./outcome";
import { estimateProgress } from "./progress";

/**
 * A sweep and its runs (its own and the runs of earlier sweeps it reuses), each with its latest step,
 * val/train bpb, throughput, worker and error; counts, outcome, progress and ETA. NotFoundError when the
 * sweep does not exist. What `bytelab sweep status`, GET /api/v1/sweeps/{id} and the sweep page show.
 */
export async function getSweepStatus(prisma: PrismaClient, sweepId: string): Promise<SweepStatus> {
  const sweep = await findSweep(prisma, sweepId);
  const record = sweepRecordFields(sweep);
  const runs = await prisma.run.findMany({
    where: { OR: [{ sweepId }, { id: { in: reusedRunIds(sweep) } }] },
    include: { worker: { select: { id: true, host: true } } },
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
  });
  const ids = runs.map((r) => r.id);
  const [stats, stops, errors] = await Promise.all([
    loadStats(prisma, ids),
    earlyStops(prisma, ids),
    lastErrors(
      prisma,
      runs.filter((r) => !r.error && (r.status === "FAILED" || r.status === "DIVERGED")).map((r) => r.id),
    ),
  ]);

  const prefix = `${sweep.name}/`;
  const shapes = new Map(runs.map((r) => [r.id, runShape(r.config)]));
  const progress: RunProgress[] = runs.map((run) => {
    const byName = stats.get(run.id);
    const last = (name: string) => byName?.get(name)?.last ?? null;
    const own = run.sweepId === sweepId;
    return {
      id: run.id,
      name: run.name,
      label: own && run.name.startsWith(prefix) ? run.name.slice(prefix.length) : run.name,
      architecture: run.architecture,
      seed: run.seed,
      status: run.status,
      reused: !own,
      step: latestStep(byName),
      totalSteps: shapes.get(run.id)?.totalSteps ?? null,
      valBpb: last(METRICS.valBpb),
      trainBpb: last(METRICS.trainBpb),
      bytesPerSecond: last(METRICS.bytesPerSecond),
      worker: run.worker,
      error: run.error ?? errors.get(run.id) ?? null,
      earlyStop: stops.get(run.id) ?? null,
      attempts: run.attempts,
      queuedAt: run.queuedAt.toISOString(),
      startedAt: isoOrNull(run.startedAt),
      finishedAt: isoOrNull(run.finishedAt),
    };
  });
  const counts = zeroCounts();
  for (const r of progress) counts[r.status]++;
  return sweepStatusSchema.parse({
    format: "bytelab.sweep-status/1",
    sweep: {
      id: sweep.id,
      name: sweep.name,
      description: sweep.description,
      kind: record.kind ?? null,
      createdAt: sweep.createdAt.toISOString(),
    },
    outcome: sweepOutcome(progress.map((r) => r.status as RunStatusName)),
    counts,
    total: progress.length,
    progress: estimateProgress(
      progress.map((r) => ({
        status: r.status,
        step: r.step,
        totalSteps: r.totalSteps,
        bytesPerStep: shapes.get(r.id)?.bytesPerStep ?? null,
        bytesPerSecond: r.bytesPerSecond,
      })),
    ),
    runs: progress,
    at: new Date().toISOString(),
  });
}
