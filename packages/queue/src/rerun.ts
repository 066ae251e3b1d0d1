import type { PrismaClient } from "@bytelab/db/runtime";
import { cancelKey } from "./cancel";
import { addTrainJobs, type EnqueueOptions } from "./enqueue";
import { jobItemsFor, RUN_JOB_FIELDS } from "./job-items";
import type { TrainQueue } from "./train-queue";

export interface RequeueRunResult {
  /** A job was added now. false: the run's previous job is still active (its worker is stopping); the
   * reconciler (requeueOrphans) adds the new one once that job has finished. */
  added: boolean;
}

/**
 * Queue side of a user's re-run, for a run already moved back to QUEUED in Postgres: forget its cancel
 * signal (a worker would otherwise skip the job), remove its finished job (a job with the same id would
 * make the add a no-op), and add a new job (jobId = runId, reason "rerun").
 */
export async function requeueRun(
  prisma: PrismaClient,
  trainQueue: TrainQueue,
  runId: string,
  opts: EnqueueOptions = {},
): Promise<RequeueRunResult> {
  await trainQueue.redis.del(cancelKey(runId));
  const state = await trainQueue.queue.getJobState(runId);
  if (state === "completed" || state === "failed") {
    if ((await trainQueue.queue.remove(runId)) !== 1) return { added: false };
  } else if (state !== "unknown") {
    // waiting / delayed / prioritized: that job trains the run; active: its worker has not let go yet.
    return { added: state !== "active" };
  }
  const rows = await prisma.run.findMany({ where: { id: runId, status: "QUEUED" }, select: RUN_JOB_FIELDS });
  const added = await addTrainJobs(trainQueue, await jobItemsFor(prisma, rows, "rerun"), opts);
  return { added: added > 0 };
}
