import { listWorkers } from "@bytelab/db/runtime";
import type { ServiceContext } from "../context";
import { latestStep, loadStats } from "../metrics/stats";
import { runShape } from "../run-config";
import { type QueueDepth, type WorkersOverview, workersOverviewSchema } from "../schemas/workers";

type WorkerRow = Awaited<ReturnType<typeof listWorkers>>[number];

/** A worker row as plain JSON: who it is, where, its slots and devices, and its heartbeat times. */
export function workerJson(w: WorkerRow) {
  return {
    id: w.id,
    host: w.host,
    pid: w.pid,
    slots: w.slots,
    status: w.status,
    version: w.version,
    devices: w.devices,
    startedAt: w.startedAt.toISOString(),
    lastHeartbeatAt: w.lastHeartbeatAt.toISOString(),
  };
}

export interface WorkersOverviewOptions {
  /** A worker is alive when its last heartbeat is at most this old (default 15 s). */
  aliveWithinMs?: number;
  /** Workers stopped longer ago than this are left out (default 1 h). */
  stoppedWithinMs?: number;
}

async function queueDepths(ctx: ServiceContext): Promise<{ queues: QueueDepth[]; error: string | null }> {
  try {
    const { queue } = await ctx.trainQueue();
    const [counts, paused] = await Promise.all([
      queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed", "completed"),
      queue.isPaused(),
    ]);
    return {
      queues: [
        {
          name: queue.name,
          waiting: counts.waiting ?? 0,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          prioritized: counts.prioritized ?? 0,
          failed: counts.failed ?? 0,
          completed: counts.completed ?? 0,
          paused,
        },
      ],
      error: null,
    };
  } catch (error) {
    return { queues: [], error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Workers (alive, stale and recently stopped; liveness by the database clock) with heartbeat age, devices,
 * slots and the runs they train,
 * and the queue depths (waiting, active, delayed, prioritized, failed) when Redis answers.
 */
export async function workersOverview(
  ctx: ServiceContext,
  opts: WorkersOverviewOptions = {},
): Promise<WorkersOverview> {
  const aliveWithinMs = opts.aliveWithinMs ?? 15_000;
  const stoppedWithinMs = opts.stoppedWithinMs ?? 3_600_000;
  const now = Date.now();
  const [workers, depth] = await Promise.all([
    listWorkers(ctx.prisma, { aliveWithinMs, includeDead: true }),
    queueDepths(ctx),
  ]);
  const recent = workers.filter(
    (w) => w.status !== "STOPPED" || (w.stoppedAt && now - w.stoppedAt.getTime() < stoppedWithinMs),
  );
  const running = await ctx.prisma.run.findMany({
    where: { status: "RUNNING", workerId: { in: recent.map((w) => w.id) } },
    select: { id: true, name: true, workerId: true, config: true },
  });
  const stats = await loadStats(
    ctx.prisma,
    running.map((r) => r.id),
  );
  return workersOverviewSchema.parse({
    format: "bytelab.workers/1",
    workers: recent.map((w) => {
      return {
        ...workerJson(w),
        heartbeatAgeSeconds: w.heartbeatAgeMs / 1000,
        alive: w.alive,
        stale: w.status !== "STOPPED" && !w.alive,
        runs: running
          .filter((r) => r.workerId === w.id)
          .map((r) => ({
            id: r.id,
            name: r.name,
            step: latestStep(stats.get(r.id)),
            totalSteps: runShape(r.config).totalSteps,
          })),
      };
    }),
    aliveWithinMs,
    queues: depth.queues,
    queueError: depth.error,
    at: new Date(now).toISOString(),
  });
}
