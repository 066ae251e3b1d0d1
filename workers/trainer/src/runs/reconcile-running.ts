import {
  type PrismaClient,
  RunTransitionConflictError,
  StaleAttemptError,
  transitionRun,
} from "@bytelab/db/runtime";
import type { TrainQueue } from "@bytelab/queue";

/** Job states in which some worker has, or will get, the run's job. */
const LIVE = new Set(["active", "waiting", "waiting-children", "delayed", "prioritized"]);

/**
 * RUNNING runs whose job is gone from Redis (a Redis that lost its last writes: AOF everysec loses up to a
 * second) or already finished there, while Postgres says a worker trains them: no worker ever will, and no
 * stalled check can see a job that does not exist. Each goes back to QUEUED (fenced by its current attempt,
 * so a claim racing us wins), and the requeue check then adds its job again. Only runs started at least
 * `olderThanMs` ago. Returns the run ids moved.
 */
export async function requeueLostRunningRuns(
  prisma: PrismaClient,
  trainQueue: TrainQueue,
  opts: { olderThanMs: number; limit?: number },
): Promise<string[]> {
  const runs = await prisma.run.findMany({
    where: { status: "RUNNING", startedAt: { lte: new Date(Date.now() - opts.olderThanMs) } },
    orderBy: { startedAt: "asc" },
    take: opts.limit ?? 500,
    select: { id: true, attempts: true, workerId: true },
  });
  const moved: string[] = [];
  for (const run of runs) {
    const state = await trainQueue.queue.getJobState(run.id);
    if (LIVE.has(state)) continue;
    try {
      await transitionRun(prisma, run.id, "QUEUED", {
        from: "RUNNING",
        attempt: run.attempts,
        error:
          `its job is ${state === "unknown" ? "missing from" : `${state} in`} Redis while the run was RUNNING ` +
          `(worker ${run.workerId ?? "?"}); queued again, the next worker resumes it from the last checkpoint`,
      });
      moved.push(run.id);
    } catch (error) {
      if (error instanceof RunTransitionConflictError || error instanceof StaleAttemptError) continue;
      throw error;
    }
  }
  return moved;
}
