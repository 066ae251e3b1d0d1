import {
  isTerminalRunStatus,
  type PrismaClient,
  RunNotFoundError,
  type RunStatus,
  RunTransitionConflictError,
  transitionRun,
} from "@bytelab/db/runtime";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { TrainQueue } from "./train-queue";

/*
 * Cancel protocol (producer side here; the trainer implements the receiving side):
 *
 *  1. Postgres first: the run moves QUEUED|RUNNING -> CANCELLED through the status machine (transitionRun,
 *     conditional update + STATUS event). This is the decision; everything after is delivery.
 *  2. Redis key   `bytelab:cancel:<runId>` = JSON CancelSignal, expiring after 7 days (SET EX), and
 *     Redis message on channel `bytelab:cancel` = the same JSON (PUBLISH).
 *  3. The waiting job is removed from the queue (a no-op for an active job, whose lock prevents it).
 *
 * The worker:
 *  - before training a job: `cancelRequested(redis, runId)`; and the QUEUED -> RUNNING transition
 *    (transitionRun(..., "RUNNING", { from: "QUEUED" })) fails with RunTransitionConflictError when the run is
 *    CANCELLED: either way, return from the job without error (no retry) and do not train;
 *  - while training: subscribe to `bytelab:cancel` with a dedicated connection (`watchCancellations`) for
 *    prompt delivery, AND poll `cancelRequested` every few steps (e.g. at each log interval): pub/sub is
 *    fire-and-forget, so a message sent while the worker was reconnecting is only seen through the key;
 *  - on a signal for a run it trains: stop at the next step boundary, flush metrics, keep the last
 *    checkpoint, dispose tensors, and complete the job normally (return, do not throw: a throw would be
 *    retried). Do NOT move the run to COMPLETED/FAILED: it is already CANCELLED, and a later transition
 *    fails with RunTransitionConflictError (actual status CANCELLED), which the worker treats as "cancelled".
 */

/** The channel cancel signals are published on. */
export const CANCEL_CHANNEL = "bytelab:cancel";
/** How long a cancel key lives: longer than any job waits or trains between polls. */
export const CANCEL_KEY_TTL_S = 7 * 24 * 3600;

/** The Redis key that marks run `runId` as cancelled. */
export function cancelKey(runId: string): string {
  return `bytelab:cancel:${runId}`;
}

export const cancelSignalSchema = z.object({
  runId: z.string().min(1),
  reason: z.string().nullable(),
  at: z.iso.datetime(),
});
export type CancelSignal = z.output<typeof cancelSignalSchema>;

/** Sets the cancel key and publishes the signal. */
export async function signalCancel(
  redis: Redis,
  runId: string,
  reason: string | null,
): Promise<CancelSignal> {
  const signal: CancelSignal = { runId, reason, at: new Date().toISOString() };
  const json = JSON.stringify(signal);
  await redis.set(cancelKey(runId), json, "EX", CANCEL_KEY_TTL_S);
  await redis.publish(CANCEL_CHANNEL, json);
  return signal;
}

/** Worker side, polling: the cancel signal of `runId`, or null when none was sent. */
export async function cancelRequested(redis: Redis, runId: string): Promise<CancelSignal | null> {
  const raw = await redis.get(cancelKey(runId));
  if (raw === null) return null;
  const parsed = cancelSignalSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : { runId, reason: null, at: new Date(0).toISOString() };
}

/**
 * Worker side, push: calls `onCancel` for every cancel signal published from now on. `subscriber` must be
 * a connection of its own (a subscribed ioredis connection cannot send other commands). Resolves once
 * subscribed; the returned function unsubscribes.
 */
export async function watchCancellations(
  subscriber: Redis,
  onCancel: (signal: CancelSignal) => void,
): Promise<() => Promise<void>> {
  const listener = (channel: string, message: string) => {
    if (channel !== CANCEL_CHANNEL) return;
    try {
      const parsed = cancelSignalSchema.safeParse(JSON.parse(message));
      if (parsed.success) onCancel(parsed.data);
    } catch {
      // Not JSON: not ours.
    }
  };
  subscriber.on("message", listener);
  await subscriber.subscribe(CANCEL_CHANNEL);
  return async () => {
    subscriber.off("message", listener);
    await subscriber.unsubscribe(CANCEL_CHANNEL);
  };
}

export interface CancelResult {
  runId: string;
  /** Status before the call. */
  previous: RunStatus;
  /** Status after the call (CANCELLED, or the terminal status the run had already reached). */
  status: RunStatus;
  /** false when the run had already finished (nothing to cancel). */
  cancelled: boolean;
  /** The waiting job was removed from the queue. */
  jobRemoved: boolean;
  /** The cancel key was set and the signal published (for a run a worker may hold). */
  signalled: boolean;
}

/**
 * Cancels run `runId`: CANCELLED in Postgres (status machine), signal in Redis, waiting job removed (see
 * the protocol above). A run already finished is left as it is (`cancelled: false`).
 */
export async function cancelRun(
  prisma: PrismaClient,
  trainQueue: TrainQueue,
  runId: string,
  opts: { reason?: string } = {},
): Promise<CancelResult> {
  const reason = opts.reason ?? null;
  const before = await prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
  if (!before) throw new RunNotFoundError(runId);
  let status = before.status;
  // A worker may move the run between our read and our write (QUEUED -> RUNNING, RUNNING -> COMPLETED):
  // `from` makes that a conflict naming the new status (without it, a run that completed meanwhile would be
  // an IllegalRunTransitionError thrown at the caller), and we retry on it or stop at a finished run.
  for (let attempt = 0; !isTerminalRunStatus(status); attempt++) {
    try {
      const run = await transitionRun(prisma, runId, "CANCELLED", {
        from: status,
        message: `${status} -> CANCELLED${reason ? `: ${reason}` : ""}`,
      });
      status = run.status;
    } catch (error) {
      if (!(error instanceof RunTransitionConflictError) || attempt >= 3) throw error;
      status = error.actual;
    }
  }
  const cancelled = status === "CANCELLED" && before.status !== "CANCELLED";
  if (!cancelled)
    return { runId, previous: before.status, status, cancelled, jobRemoved: false, signalled: false };
  await signalCancel(trainQueue.redis, runId, reason);
  const jobRemoved = (await trainQueue.queue.remove(runId)) === 1;
  return { runId, previous: before.status, status, cancelled, jobRemoved, signalled: true };
}

export class SweepNotFoundError extends Error {
  override readonly name = "SweepNotFoundError";
  constructor(readonly sweepId: string) {
    super(`sweep ${sweepId} does not exist`);
  }
}

/**
 * Cancels every QUEUED or RUNNING run of sweep `sweepId` (its own runs: runs of other sweeps it reuses are
 * left to their sweeps).
 */
export async function cancelSweep(
  prisma: PrismaClient,
  trainQueue: TrainQueue,
  sweepId: string,
  opts: { reason?: string } = {},
): Promise<CancelResult[]> {
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, select: { id: true } });
  if (!sweep) throw new SweepNotFoundError(sweepId);
  const runs = await prisma.run.findMany({
    where: { sweepId, status: { in: ["QUEUED", "RUNNING"] } },
    select: { id: true },
    orderBy: { queuedAt: "asc" },
  });
  const results: CancelResult[] = [];
  for (const run of runs) results.push(await cancelRun(prisma, trainQueue, run.id, opts));
  return results;
}
