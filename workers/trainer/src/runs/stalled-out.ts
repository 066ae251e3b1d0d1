import { type PrismaClient, RunTransitionConflictError, transitionRun } from "@bytelab/db/runtime";

/** BullMQ's reason for a job whose workers were lost more than maxStalledCount times. */
export const STALLED_OUT_REASON = "job stalled more than allowable limit";

/**
 * BullMQ failed the job of run `runId` without calling the handler (its workers kept dying): record that
 * on the run, which would otherwise stay RUNNING or QUEUED forever.
 */
export async function failStalledOutRun(
  prisma: PrismaClient,
  runId: string,
  maxStalledCount: number,
): Promise<void> {
  try {
    await transitionRun(prisma, runId, "FAILED", {
      from: ["RUNNING", "QUEUED"],
      error:
        `the workers training this run were lost more than ${maxStalledCount} times (killed, out of memory, ` +
        "machine gone); look at the worker logs, then submit the run again",
    });
  } catch (error) {
    if (!(error instanceof RunTransitionConflictError)) throw error;
  }
}
