import {
  type PrismaClient,
  type Run,
  type RunStatus,
  RunTransitionConflictError,
  transitionRun,
} from "@bytelab/db/runtime";

export type Claim =
  | { claimed: true; run: Run; tookOverFrom: string | null }
  | { claimed: false; status: RunStatus };

/**
 * Moves run `runId` QUEUED -> RUNNING for this worker. A run found RUNNING belongs to a worker that lost
 * the job (BullMQ gave it to us because its lock expired: a killed or frozen worker): it is handed back
 * (RUNNING -> QUEUED, with the lost worker named) and claimed, so the event log tells the story. Any
 * other status (CANCELLED, COMPLETED, ...) means there is nothing to train: `claimed: false`.
 */
export async function claimRun(prisma: PrismaClient, runId: string, workerId: string): Promise<Claim> {
  let tookOverFrom: string | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const run = await transitionRun(prisma, runId, "RUNNING", { from: "QUEUED", workerId });
      return { claimed: true, run, tookOverFrom };
    } catch (error) {
      if (!(error instanceof RunTransitionConflictError) || attempt > 0) {
        if (error instanceof RunTransitionConflictError) return { claimed: false, status: error.actual };
        throw error;
      }
      if (error.actual !== "RUNNING") return { claimed: false, status: error.actual };
      const lost = await prisma.run.findUnique({ where: { id: runId }, select: { workerId: true } });
      tookOverFrom = lost?.workerId ?? "(unknown)";
      try {
        await transitionRun(prisma, runId, "QUEUED", {
          from: "RUNNING",
          error: `worker ${tookOverFrom} lost this run (its job's lock expired); ${workerId} resumes it from the last checkpoint`,
        });
      } catch (handBack) {
        if (!(handBack instanceof RunTransitionConflictError)) throw handBack;
        if (handBack.actual !== "QUEUED") return { claimed: false, status: handBack.actual };
      }
    }
  }
}
