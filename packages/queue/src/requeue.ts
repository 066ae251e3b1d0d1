import type { PrismaClient } from "@bytelab/db/runtime";
import { addTrainJobs, type EnqueueOptions } from "./enqueue";
import { jobItemsFor, RUN_JOB_FIELDS } from "./job-items";
import type { TrainQueue } from "./train-queue";

export interface RequeueOptions extends EnqueueOptions {
  /** Only runs QUEUED at least this long ago (default 0). A periodic reconciler can pass ~a minute. */
  olderThanMs?: number;
  /** At most this many runs per call (default 1000), oldest first. */
  limit?: number;
}

export interface RequeueResult {
  /** QUEUED runs looked at. */
  checked: number;
  /** Runs that had no job: added. */
  added: string[];
  /** Runs whose job had already finished (completed / failed) while the run is QUEUED: replaced. */
  replaced: string[];
}

/**
 * Reconciler: every QUEUED run must have a live job (waiting, prioritized, delayed, active). Runs without
 * one get a job again: after a submission whose Redis write failed, a Redis that lost data (no AOF), or a
 * run handed back (RUNNING -> QUEUED) whose job had already finished. Idempotent (jobId = runId) and safe
 * to run concurrently with submissions and workers: an existing live job is never touched.
 */
export async function requeueOrphans(
  prisma: PrismaClient,
  trainQueue: TrainQueue,
  opts: RequeueOptions = {},
): Promise<RequeueResult> {
  const runs = await prisma.run.findMany({
    where: { status: "QUEUED", queuedAt: { lte: new Date(Date.now() - (opts.olderThanMs ?? 0)) } },
    orderBy: { queuedAt: "asc" },
    take: opts.limit ?? 1000,
    select: RUN_JOB_FIELDS,
  });
  const added: string[] = [];
  const replaced: string[] = [];
  const orphans: typeof runs = [];
  for (const run of runs) {
    const state = await trainQueue.queue.getJobState(run.id);
    if (state === "unknown") {
      added.push(run.id);
      orphans.push(run);
    } else if (state === "completed" || state === "failed") {
      // The old job would make the add a no-op; remove it first (0 when it is locked: leave it then).
      if ((await trainQueue.queue.remove(run.id)) === 1) {
        replaced.push(run.id);
        orphans.push(run);
      }
    }
  }
  await addTrainJobs(trainQueue, await jobItemsFor(prisma, orphans, "requeue"), opts);
  return { checked: runs.length, added, replaced };
}
