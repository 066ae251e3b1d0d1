import type { PrismaClient } from "../generated/prisma/client";
import { RunStatus } from "../generated/prisma/enums";
import type { Prisma, Run } from "../generated/prisma/client";
import type { StatusEventData } from "../json";
import { type Fence, fenceSetting, isStaleAttemptError, SET_FENCE_SQL, StaleAttemptError } from "./fence";
import {
  canTransition,
  IllegalRunTransitionError,
  isTerminalRunStatus,
  RunNotFoundError,
  RunTransitionConflictError,
} from "./status-machine";

export interface TransitionExtra {
  /**
   * Only move when the run is currently in one of these states (e.g. a worker claiming a run passes
   * ["QUEUED"]); otherwise RunTransitionConflictError. Default: any state from which `to` is legal.
   */
  from?: RunStatus | readonly RunStatus[];
  /** RUNNING: the worker that took the run. */
  workerId?: string;
  /** FAILED / DIVERGED / QUEUED (handed back): why. Stored in runs.error and in the event. */
  error?: string;
  /** Event message; default "QUEUED -> RUNNING" etc. */
  message?: string;
  /** Extra columns to set in the same update (e.g. paramCount, flopsPerByte, backend, device, gitCommit). */
  set?: Pick<
    Prisma.RunUpdateManyMutationInput,
    "paramCount" | "flopsPerByte" | "backend" | "device" | "gitCommit" | "environment"
  >;
  /**
   * The attempt (runs.attempts) the caller claimed the run with: a worker's status changes carry it, and
   * Postgres refuses the move (StaleAttemptError, nothing written) when another claim came since.
   */
  attempt?: number;
}

/**
 * Moves run `runId` to status `to` atomically and records a STATUS RunEvent, in one transaction.
 *
 * The update is conditional (`UPDATE runs ... WHERE id = $1 AND status = $from`), so when two processes
 * race (e.g. COMPLETED vs CANCELLED from RUNNING) exactly one wins and the row keeps the winner's state.
 * Illegal moves throw IllegalRunTransitionError and change nothing. A caller that races others passes the
 * status it saw as `extra.from`: the loser then always gets RunTransitionConflictError (with the status the
 * winner left). Without `from`, a loser that reads the row only after the winner committed is judged on what
 * it found (RUNNING -> COMPLETED, then CANCELLED: IllegalRunTransitionError).
 *
 * Side effects: RUNNING sets startedAt, workerId and attempts += 1 and clears error; QUEUED (hand-back) clears
 * workerId and keeps queuedAt so the run keeps its place (a re-run of a FAILED / CANCELLED run also clears
 * finishedAt and error); terminal states set finishedAt; `error` is stored.
 */
export async function transitionRun(
  prisma: PrismaClient,
  runId: string,
  to: RunStatus,
  extra: TransitionExtra = {},
): Promise<Run> {
  const current = await prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
  if (!current) throw new RunNotFoundError(runId);
  const from = current.status;
  const expected =
    extra.from === undefined ? null : typeof extra.from === "string" ? [extra.from] : extra.from;
  if (expected && !expected.includes(from)) throw new RunTransitionConflictError(runId, expected, from, to);
  if (!canTransition(from, to)) throw new IllegalRunTransitionError(runId, from, to);

  const now = new Date();
  const data: Prisma.RunUncheckedUpdateManyInput = { ...extra.set, status: to };
  if (to === RunStatus.RUNNING) {
    Object.assign(data, { startedAt: now, finishedAt: null, error: null, attempts: { increment: 1 } });
    if (extra.workerId !== undefined) data.workerId = extra.workerId;
  } else if (to === RunStatus.QUEUED) {
    Object.assign(data, { workerId: null, startedAt: null });
    // A re-run of a finished run: it is unfinished again, and its old error no longer applies.
    if (isTerminalRunStatus(from)) Object.assign(data, { finishedAt: null, error: null });
  } else if (isTerminalRunStatus(to)) {
    data.finishedAt = now;
  }
  if (extra.error !== undefined) data.error = extra.error;

  const eventData: StatusEventData = {
    from,
    to,
    workerId: extra.workerId ?? null,
    error: extra.error ?? null,
  };
  const fence: Fence | null = extra.attempt === undefined ? null : { runId, attempt: extra.attempt };
  try {
    return await transact(prisma, runId, from, to, data, now, extra, eventData, fence);
  } catch (error) {
    if (fence && isStaleAttemptError(error) && !(error instanceof StaleAttemptError))
      throw new StaleAttemptError(
        fence,
        /stale attempt: [^\n`]*/.exec(String((error as Error).message))?.[0],
      );
    throw error;
  }
}

function transact(
  prisma: PrismaClient,
  runId: string,
  from: RunStatus,
  to: RunStatus,
  data: Prisma.RunUncheckedUpdateManyInput,
  now: Date,
  extra: TransitionExtra,
  eventData: StatusEventData,
  fence: Fence | null,
): Promise<Run> {
  return prisma.$transaction(async (tx) => {
    if (fence) await tx.$executeRawUnsafe(SET_FENCE_SQL, fenceSetting(fence));
    const updated = await tx.run.updateMany({ where: { id: runId, status: from }, data });
    if (updated.count !== 1) {
      const now = await tx.run.findUnique({ where: { id: runId }, select: { status: true } });
      if (!now) throw new RunNotFoundError(runId);
      throw new RunTransitionConflictError(runId, [from], now.status, to);
    }
    await tx.runEvent.create({
      data: {
        runId,
        at: now,
        level: to === RunStatus.FAILED || to === RunStatus.DIVERGED ? "ERROR" : "INFO",
        kind: "STATUS",
        message: extra.message ?? `${from} -> ${to}${extra.error ? `: ${extra.error}` : ""}`,
        data: eventData,
      },
    });
    return tx.run.findUniqueOrThrow({ where: { id: runId } });
  });
}
