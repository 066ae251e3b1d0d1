import {
  IllegalRunTransitionError,
  type PrismaClient,
  RunNotFoundError,
  RunTransitionConflictError,
  transitionRun,
} from "@bytelab/db/runtime";
import type { ServiceContext } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { RERUNNABLE_STATUSES, type RunStatusName } from "../schemas/common";
import type { RunActionResult } from "../schemas/sweep";

export interface ActionOptions {
  /** Recorded on the run's status event. */
  reason?: string;
}

interface RunHead {
  id: string;
  name: string;
  status: RunStatusName;
  sweep: { name: string } | null;
}

async function runHead(prisma: PrismaClient, runId: string): Promise<RunHead> {
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: { id: true, name: true, status: true, sweep: { select: { name: true } } },
  });
  if (!run) throw new NotFoundError("run", runId);
  return run;
}

export function labelOf(run: { name: string; sweep: { name: string } | null }): string {
  const prefix = run.sweep ? `${run.sweep.name}/` : "";
  return prefix && run.name.startsWith(prefix) ? run.name.slice(prefix.length) : run.name;
}

/**
 * Cancels a QUEUED or RUNNING run: CANCELLED in Postgres, then the Redis signal (a running worker stops at its
 * next step, keeping its last checkpoint and metrics) and the waiting job removed. ConflictError when the
 * run has already finished; NotFoundError when it does not exist.
 */
export async function cancelRun(
  ctx: ServiceContext,
  runId: string,
  opts: ActionOptions = {},
): Promise<RunActionResult> {
  const head = await runHead(ctx.prisma, runId);
  if (head.status !== "QUEUED" && head.status !== "RUNNING")
    throw new ConflictError(
      `run ${runId} has already finished (${head.status}); there is nothing to cancel`,
      [
        {
          path: "status",
          issue: `the run is ${head.status}`,
          fix: "only QUEUED or RUNNING runs can be cancelled",
        },
      ],
    );
  const trainQueue = await ctx.trainQueue();
  const { cancelRun: cancel } = await import("@bytelab/queue");
  let result: Awaited<ReturnType<typeof cancel>>;
  try {
    result = await cancel(ctx.prisma, trainQueue, runId, opts.reason ? { reason: opts.reason } : {});
  } catch (error) {
    if (error instanceof RunNotFoundError) throw new NotFoundError("run", runId);
    throw error;
  }
  if (!result.cancelled)
    throw new ConflictError(`run ${runId} finished (${result.status}) before it could be cancelled`, [
      { path: "status", issue: `the run is ${result.status}` },
    ]);
  return {
    runId,
    label: labelOf(head),
    previous: result.previous,
    status: result.status,
    changed: true,
    note:
      result.previous === "RUNNING"
        ? "its worker was signalled and stops at the next step"
        : result.jobRemoved
          ? "its job was removed from the queue"
          : "its job was not waiting (a worker had it); the worker skips it",
  };
}

function rerunRefusal(runId: string, status: RunStatusName): ConflictError {
  const why: Record<RunStatusName, string> = {
    QUEUED: "it is already queued",
    RUNNING: "it is running",
    COMPLETED: "it completed; submit its spec again with `repeat: true` to train the config again",
    DIVERGED:
      "it diverged, and the same config and seed would diverge again; change the config (e.g. a lower optimizer.lr) and submit it",
    FAILED: "",
    CANCELLED: "",
  };
  return new ConflictError(`run ${runId} cannot be re-run: ${why[status]}`, [
    { path: "status", issue: `the run is ${status}`, fix: "only FAILED or CANCELLED runs can be re-run" },
  ]);
}

/**
 * Re-runs a FAILED or CANCELLED run: back to QUEUED (same id, history kept), its cancel signal cleared and a
 * new job added; the worker that takes it resumes from its last checkpoint (or step 0 without one).
 * ConflictError for any other status, NotFoundError for an unknown id. Needs Redis (checked first).
 */
export async function rerunRun(
  ctx: ServiceContext,
  runId: string,
  opts: ActionOptions = {},
): Promise<RunActionResult> {
  const head = await runHead(ctx.prisma, runId);
  if (!RERUNNABLE_STATUSES.includes(head.status)) throw rerunRefusal(runId, head.status);
  const trainQueue = await ctx.trainQueue();
  try {
    await transitionRun(ctx.prisma, runId, "QUEUED", {
      from: [...RERUNNABLE_STATUSES],
      message: `${head.status} -> QUEUED: re-run requested${opts.reason ? `: ${opts.reason}` : ""}`,
    });
  } catch (error) {
    if (error instanceof RunTransitionConflictError) throw rerunRefusal(runId, error.actual);
    if (error instanceof IllegalRunTransitionError) throw rerunRefusal(runId, head.status);
    throw error;
  }
  const { requeueRun } = await import("@bytelab/queue");
  // The run is QUEUED now: if Redis fails us here, the workers' reconciler (requeueOrphans) adds its job.
  let added = false;
  let queueProblem: string | null = null;
  try {
    ({ added } = await requeueRun(ctx.prisma, trainQueue, runId));
  } catch (error) {
    queueProblem = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  }
  const checkpoint = await ctx.prisma.artifact.findFirst({
    where: { runId, kind: "CHECKPOINT" },
    orderBy: { step: "desc" },
    select: { step: true },
  });
  const from =
    checkpoint?.step != null
      ? `resumes from its checkpoint at step ${checkpoint.step}`
      : "starts from step 0 (no checkpoint)";
  return {
    runId,
    label: labelOf(head),
    previous: head.status,
    status: "QUEUED",
    changed: true,
    note: queueProblem
      ? `queued again, but Redis did not take its job (${queueProblem}); a worker re-adds it within a minute; ${from}`
      : added
        ? `queued again; ${from}`
        : `queued again; its job is added once its previous attempt has stopped (within a minute); ${from}`,
  };
}
