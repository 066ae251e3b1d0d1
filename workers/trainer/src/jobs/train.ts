import { mkdirSync } from "node:fs";
import {
  type RunStatus,
  RunTransitionConflictError,
  type TransitionExtra,
  transitionRun,
} from "@bytelab/db/runtime";
import { JOB_NAMES, type TrainJobPayload, trainJobPayloadSchema } from "@bytelab/queue";
import { UnrecoverableError, WaitingError } from "bullmq";
import { lastMetricFlops } from "../early-stop";
import { claimRun } from "../runs/claim";
import { withDbRetry } from "../runs/db-retry";
import { prepareRunMetrics } from "../runs/prepare-metrics";
import { latestCheckpointStep, runFolder } from "../runs/run-folder";
import { defineJob, type JobContext } from "./registry";
import type { TrainServices } from "./train-services";
import { type SessionResult, TrainingSession } from "./train-session";

/** What a train job returns to BullMQ (visible on the completed job). */
export interface TrainJobResult {
  runId: string;
  /** The run's status when the job ended. */
  status: RunStatus;
  /** Optimizer steps done (null when nothing was trained). */
  step: number | null;
}

/**
 * The `train` job: one attempt at a run (packages/queue: payload, options, cancel and early-stop protocols).
 *
 *   claim QUEUED -> RUNNING (a cancelled or finished run returns without training; a RUNNING run whose
 *   worker was lost is taken over) -> align Postgres metrics with the run folder's last checkpoint ->
 *   train in a child process (resuming from that checkpoint) -> decide:
 *     completed                -> COMPLETED (final metrics in Postgres, summary event)
 *     diverged                 -> DIVERGED with the reason
 *     ASHA stop                -> COMPLETED after the final val/test evaluation at the step it stopped
 *                                 at, EARLY_STOP event with rung and reason
 *     cancelled                -> nothing: the run is CANCELLED already
 *     worker shutting down     -> RUNNING -> QUEUED, job moved back to wait (not a failed attempt)
 *     lock lost                -> nothing: another worker owns the job now
 *     exception / crash        -> last attempt: FAILED with the error and the log tail;
 *                                 earlier: RUNNING -> QUEUED and throw, BullMQ retries after its backoff
 *     invalid config           -> FAILED, no retry
 */
export function createTrainJob(s: TrainServices) {
  return defineJob({
    name: JOB_NAMES.train,
    schema: trainJobPayloadSchema,
    handler: (data, ctx) => trainRun(s, data, ctx),
  });
}

async function trainRun(
  s: TrainServices,
  payload: TrainJobPayload,
  ctx: JobContext,
): Promise<TrainJobResult> {
  const { runId } = payload;
  const log = ctx.log;
  const dbWait = { waitMs: s.env.WORKER_DB_WAIT_MS, log };
  if (await s.cancels.isCancelled(runId).catch(() => null)) {
    log.info(`run ${runId} was cancelled before it started`);
    return { runId, status: "CANCELLED", step: null };
  }
  const claim = await withDbRetry(`run ${runId}: claim`, () => claimRun(s.prisma, runId, s.workerId), dbWait);
  if (!claim.claimed) {
    log.info(`run ${runId} is ${claim.status}; nothing to train`);
    return { runId, status: claim.status, step: null };
  }
  if (claim.tookOverFrom) log.info(`run ${runId}: taking over from lost worker ${claim.tookOverFrom}`);

  const runDir = runFolder(s.home, runId);
  const session = new TrainingSession(s, payload, runDir);
  s.sessions.set(runId, session);
  try {
    let result: SessionResult;
    try {
      mkdirSync(runDir, { recursive: true });
      const checkpointStep = latestCheckpointStep(runDir);
      const rewritten = await withDbRetry(
        `run ${runId}: align metrics`,
        () =>
          prepareRunMetrics({
            prisma: s.prisma,
            target: s.metricsTarget,
            runId,
            runDir,
            checkpointStep,
            maxPoints: s.env.WORKER_METRICS_BATCH,
          }),
        dbWait,
      );
      if (checkpointStep !== null)
        log.info(
          `run ${runId}: resuming from checkpoint step ${checkpointStep} (${rewritten} points rewritten)`,
        );
      const initialFlops = payload.earlyStopping
        ? await withDbRetry(
            `run ${runId}: rungs`,
            () => lastMetricFlops(s.prisma, runId, payload.earlyStopping!.metric),
            dbWait,
          )
        : 0;
      result = await session.run({
        resume: checkpointStep !== null,
        initialFlops,
        attempt: claim.run.attempts,
      });
    } catch (error) {
      // A shutdown that caught us between the claim and the child (no new children then) is no failure.
      if (session.stopReason === "shutdown" || s.draining) return await handBack(s, ctx, runId, null);
      return await failAttempt(s, ctx, runId, error as Error, []);
    }
    return await conclude(s, ctx, runId, result);
  } finally {
    s.sessions.delete(runId);
  }
}

async function conclude(
  s: TrainServices,
  ctx: JobContext,
  runId: string,
  r: SessionResult,
): Promise<TrainJobResult> {
  const { outcome, stopReason } = r;
  if (outcome.kind === "failed") {
    const error = new Error(outcome.failed.message);
    if (outcome.failed.stack) error.stack = outcome.failed.stack;
    if (outcome.failed.kind === "config") return failRun(s, ctx, runId, error, r.logTail, { final: true });
    return failAttempt(s, ctx, runId, error, r.logTail);
  }
  const step = outcome.kind === "done" ? outcome.done.step : null;
  // Stops we asked for: the child checkpointed and returned (done, CANCELLED), or never got the run
  // (not-started), or was killed by a forced shutdown (exited).
  if (stopReason && !(outcome.kind === "done" && outcome.done.status !== "CANCELLED")) {
    if (stopReason === "cancel") return { runId, status: "CANCELLED", step };
    if (stopReason === "lock-lost") {
      ctx.log.warn(`run ${runId}: stopped at step ${step ?? "?"}: this worker lost the job's lock`);
      return { runId, status: "RUNNING", step };
    }
    if (stopReason === "shutdown") return handBack(s, ctx, runId, step);
    if (stopReason === "early-stop" && outcome.kind === "done" && r.earlyStop)
      // A child from before finish-on-early-stop returns CANCELLED: no final evaluation then.
      return finishRun(s, ctx, runId, r, "COMPLETED", { message: earlyStopMessage(r, step) });
  }
  if (outcome.kind === "exited") {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
    return failAttempt(s, ctx, runId, new Error(`the training process ${how}`), r.logTail);
  }
  if (outcome.kind === "not-started")
    return failAttempt(s, ctx, runId, new Error("training did not start"), []);
  const done = outcome.done;
  if (done.status === "COMPLETED") {
    // Finished on our early-stop request: evaluated where it stopped, and the message says why it stopped.
    if (done.summary.stoppedBy === "finish-request" && r.earlyStop)
      return finishRun(s, ctx, runId, r, "COMPLETED", { message: earlyStopMessage(r, done.step) });
    const test = done.summary.test ? `, test bpb ${done.summary.test.bpb.toFixed(4)}` : "";
    const budget = done.summary.flopBudget;
    const flops = budget
      ? `, ${budget.reached.toExponential(4)} of its ${budget.budget.toExponential(4)} training-FLOP budget${budget.reachedBudget ? "" : ` (not reached: ${done.message ?? "stopped before it"})`}`
      : "";
    return finishRun(s, ctx, runId, r, "COMPLETED", {
      message: `RUNNING -> COMPLETED at step ${done.step}${test}${flops}`,
    });
  }
  if (done.status === "DIVERGED")
    return finishRun(s, ctx, runId, r, "DIVERGED", {
      error: done.message ?? `diverged at step ${done.step}`,
    });
  // CANCELLED without a stop from us: the trainer stopped on its own, which it only does when asked.
  return failAttempt(s, ctx, runId, new Error(done.message ?? "training stopped unexpectedly"), r.logTail);
}

/** The COMPLETED message of a run that ASHA stopped: where, why, and its final test bpb there. */
function earlyStopMessage(r: SessionResult, step: number | null): string {
  const decision = r.earlyStop!;
  const summary = r.outcome.kind === "done" ? r.outcome.done.summary : null;
  const test = summary?.test ? `; final test bpb ${summary.test.bpb.toFixed(4)} at that step` : "";
  return `RUNNING -> COMPLETED: early stopped at step ${step} (ASHA rung ${decision.rung}): ${decision.reason}${test}`;
}

/** COMPLETED / DIVERGED, once every metric is in Postgres; a concurrent cancel wins (no retry). */
async function finishRun(
  s: TrainServices,
  ctx: JobContext,
  runId: string,
  r: SessionResult,
  to: "COMPLETED" | "DIVERGED",
  extra: Pick<TransitionExtra, "message" | "error">,
): Promise<TrainJobResult> {
  const step = r.outcome.kind === "done" ? r.outcome.done.step : null;
  if (!r.metricsInDb)
    // Thrown, so BullMQ tries again: the next attempt resumes from the final checkpoint and rewrites the metrics.
    throw new Error(
      `run ${runId} finished training but its metrics could not reach Postgres within ${s.env.WORKER_DB_WAIT_MS} ms`,
    );
  const dbWait = { waitMs: s.env.WORKER_DB_WAIT_MS, log: ctx.log };
  if (r.outcome.kind === "done") {
    const { summary } = r.outcome.done;
    await withDbRetry(
      `run ${runId}: summary`,
      () =>
        s.prisma.runEvent.create({
          data: {
            runId,
            kind: "SYSTEM",
            level: "INFO",
            message: `summary: ${summary.steps} steps, ${summary.bytesSeen} bytes, ${summary.flops.toExponential(3)} training FLOPs, ${summary.wallTime.toFixed(1)} s`,
            data: JSON.parse(JSON.stringify({ step, summary })),
          },
        }),
      dbWait,
    ).catch((e: unknown) => ctx.log.warn(`run ${runId}: summary event: ${(e as Error).message}`));
  }
  try {
    await withDbRetry(
      `run ${runId}: ${to}`,
      () => transitionRun(s.prisma, runId, to, { from: "RUNNING", workerId: s.workerId, ...extra }),
      dbWait,
    );
  } catch (error) {
    if (error instanceof RunTransitionConflictError) return { runId, status: error.actual, step };
    throw error;
  }
  ctx.log.info(`run ${runId}: ${to} at step ${step}`);
  return { runId, status: to, step };
}

/**
 * Worker shutting down: RUNNING -> QUEUED, then the job goes back to the queue with `moveToWait` and
 * WaitingError, BullMQ's way to give an active job back without counting a failed attempt (its priority
 * is kept; the next worker resumes from the checkpoint just written).
 */
async function handBack(
  s: TrainServices,
  ctx: JobContext,
  runId: string,
  step: number | null,
): Promise<TrainJobResult> {
  try {
    await transitionRun(s.prisma, runId, "QUEUED", {
      from: "RUNNING",
      message: `RUNNING -> QUEUED: handed back by ${s.workerId} (shutting down)${step !== null ? ` at step ${step}` : ""}; the next worker resumes from the last checkpoint`,
    });
  } catch (error) {
    if (error instanceof RunTransitionConflictError) return { runId, status: error.actual, step };
    // Postgres away: the run stays RUNNING, and the next worker takes it over as from a lost worker.
    ctx.log.warn(`run ${runId}: could not mark it QUEUED: ${(error as Error).message}`);
  }
  if (ctx.token) {
    try {
      await ctx.job.moveToWait(ctx.token);
    } catch (error) {
      // Redis away or the lock gone: the job comes back through stalled-job recovery instead.
      ctx.log.warn(`run ${runId}: could not move its job back to wait: ${(error as Error).message}`);
    }
  }
  ctx.log.info(`run ${runId}: handed back${step !== null ? ` at step ${step}` : ""}`);
  throw new WaitingError();
}

function isFinalAttempt(ctx: JobContext): boolean {
  return ctx.job.attemptsMade + 1 >= (ctx.job.opts.attempts ?? 1);
}

/** An exception in this attempt: FAILED on the last one, else back to QUEUED and rethrown for BullMQ's retry. */
function failAttempt(
  s: TrainServices,
  ctx: JobContext,
  runId: string,
  error: Error,
  logTail: string[],
): Promise<TrainJobResult> {
  return failRun(s, ctx, runId, error, logTail, { final: isFinalAttempt(ctx) });
}

async function failRun(
  s: TrainServices,
  ctx: JobContext,
  runId: string,
  error: Error,
  logTail: string[],
  opts: { final: boolean },
): Promise<TrainJobResult> {
  const attempts = ctx.job.opts.attempts ?? 1;
  const attempt = ctx.job.attemptsMade + 1;
  const dbWait = { waitMs: s.env.WORKER_DB_WAIT_MS, log: ctx.log };
  const to = opts.final ? "FAILED" : "QUEUED";
  const message = opts.final
    ? `${error.message}`
    : `attempt ${attempt} of ${attempts} failed: ${error.message}; BullMQ retries it after its backoff`;
  try {
    await withDbRetry(
      `run ${runId}: ${to}`,
      () => transitionRun(s.prisma, runId, to, { from: "RUNNING", error: message }),
      dbWait,
    );
  } catch (transitionError) {
    if (transitionError instanceof RunTransitionConflictError)
      return { runId, status: transitionError.actual, step: null };
    ctx.log.error(`run ${runId}: could not record the failure: ${(transitionError as Error).message}`);
  }
  await s.prisma.runEvent
    .create({
      data: {
        runId,
        kind: "LOG",
        level: opts.final ? "ERROR" : "WARN",
        message: `attempt ${attempt} of ${attempts} failed on ${s.workerId}: ${error.message.split("\n")[0]}`,
        data: { error: error.message, stack: error.stack ?? null, logTail },
      },
    })
    .catch(() => {});
  ctx.log.warn(`run ${runId}: ${opts.final ? "FAILED" : "will be retried"}: ${error.message.split("\n")[0]}`);
  if (opts.final && !isFinalAttempt(ctx)) throw new UnrecoverableError(error.message);
  throw error;
}
