import type { PrismaClient } from "@bytelab/db/runtime";
import {
  type AshaConfig,
  type AshaDecision,
  ashaConfigSchema,
  decideAsha,
  type MetricObservation,
  rungFlops,
  rungReached,
} from "@bytelab/experiments";

/**
 * ASHA for a run of a sweep, from what is in Postgres: the sweep's schedule (sweeps.spec.earlyStopping, or
 * `config`), and the compared metric's points (metric_points.flops = cumulative training FLOPs) of every
 * run of the sweep. Returns null when the sweep has no early stopping.
 *
 * The worker calls it when a metrics batch of the run crosses a rung (experiments' rungsCrossed on the
 * previous and new cumulative FLOPs), after that batch is ingested. On "stop": recordEarlyStop, then end
 * training like a finished run (COMPLETED: the run did what the sweep asked of it; the EARLY_STOP event
 * carries the rung and the reason).
 */
export async function decideEarlyStop(
  prisma: PrismaClient,
  runId: string,
  opts: { config?: AshaConfig } = {},
): Promise<AshaDecision | null> {
  const run = await prisma.run.findUnique({ where: { id: runId }, select: { sweepId: true } });
  if (!run) throw new Error(`run ${runId} does not exist`);
  let config = opts.config ?? null;
  if (!config && run.sweepId) {
    const sweep = await prisma.sweep.findUnique({ where: { id: run.sweepId }, select: { spec: true } });
    const parsed = ashaConfigSchema
      .nullable()
      .safeParse((sweep?.spec as { earlyStopping?: unknown })?.earlyStopping ?? null);
    config = parsed.success ? parsed.data : null;
  }
  if (!config) return null;
  const own = await prisma.metricPoint.aggregate({
    where: { runId, name: config.metric },
    _max: { flops: true },
  });
  const maxFlops = own._max.flops ?? 0;
  const rung = rungReached(config, maxFlops);
  if (rung < 0) return decideAsha(config, runId, { [runId]: [{ flops: maxFlops, value: null }] });
  // Only points at or past this rung matter (each run's first one there is its value at the rung).
  const peers = run.sweepId
    ? (await prisma.run.findMany({ where: { sweepId: run.sweepId }, select: { id: true } })).map((r) => r.id)
    : [runId];
  const points = await prisma.metricPoint.findMany({
    where: { runId: { in: peers }, name: config.metric, flops: { gte: rungFlops(config, rung) } },
    select: { runId: true, flops: true, value: true },
  });
  const histories = new Map<string, MetricObservation[]>();
  for (const p of points) {
    const list = histories.get(p.runId) ?? [];
    list.push({ flops: p.flops!, value: Number.isFinite(p.value) ? p.value : null });
    histories.set(p.runId, list);
  }
  return decideAsha(config, runId, histories);
}

/** Writes the EARLY_STOP event of a stopped run: its rung, the rung's FLOPs, its value, rank and the reason. */
export async function recordEarlyStop(
  prisma: PrismaClient,
  runId: string,
  decision: Extract<AshaDecision, { action: "stop" }>,
): Promise<void> {
  await prisma.runEvent.create({
    data: {
      runId,
      kind: "EARLY_STOP",
      level: "INFO",
      message: decision.reason,
      data: {
        rung: decision.rung,
        rungFlops: decision.rungFlops,
        value: decision.value,
        rank: decision.rank,
        competitors: decision.competitors,
        promotable: decision.promotable,
      },
    },
  });
}
