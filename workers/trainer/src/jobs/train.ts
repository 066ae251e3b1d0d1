import { createHash } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type Fence,
  type RunStatus,
  RunTransitionConflictError,
  StaleAttemptError,
  type TransitionExtra,
  transitionRun,
  withFence,
} from "@bytelab/db/runtime";
import { JOB_KINDS, type TrainJobPayload } from "@bytelab/queue";
import { METRICS_FILE } from "@bytelab/train/metrics";
import { UnrecoverableError, WaitingError } from "bullmq";
import { lastMetricFlops } from "../early-stop";
import { pruneStoredRun, restoreLatestCheckpoint } from "../runs/checkpoints";
import { claimRun } from "../runs/claim";
import { withDbRetry } from "../runs/db-retry";
import { prepareRunMetrics } from "../runs/prepare-metrics";
import { markWorkFolderOwner, removeStaleWorkFolders, workFolder } from "../runs/run-folder";
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
  return defineJob(JOB_KINDS.train, (data, ctx) => trainRun(s, data, ctx));
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
  // The claim's attempt is this attempt's fencing token: every write below carries it.
  const fence: Fence = { runId, attempt: claim.run.attempts };

  const runDir = workFolder(s.home, runId, fence.attempt);
  const session = new TrainingSession(s, payload, runDir);
  s.sessions.set(runId, session);
  try {
    let result: SessionResult;
    try {
      await removeStaleWorkFolders(s.prisma, s.home, log, { onlyRun: runId, keepAttempt: fence.attempt });
      rmSync(runDir, { recursive: true, force: true });
      mkdirSync(runDir, { recursive: true });
      markWorkFolderOwner(runDir);
      // The newest committed checkpoint, from the artifact store (any host's): the authority is Postgres.
      const checkpoint = await restoreLatestCheckpoint(
        { prisma: s.prisma, store: s.store, log, dbWaitMs: s.env.WORKER_DB_WAIT_MS },
        runId,
        runDir,
      );
      const rewritten = await withDbRetry(
        `run ${runId}: align metrics`,
        () =>
          prepareRunMetrics({
            prisma: s.prisma,
            target: s.metricsTarget,
            fence,
            runDir,
            checkpoint,
            maxPoints: s.env.WORKER_METRICS_BATCH,
          }),
        dbWait,
      );
      if (checkpoint !== null)
        log.info(
          `run ${runId}: resuming from checkpoint step ${checkpoint.step} (${rewritten} points rewritten) from ${checkpoint.uri}`,
        );
      const initialFlops = payload.earlyStopping
        ? await withDbRetry(
            `run ${runId}: rungs`,
            () => lastMetricFlops(s.prisma, runId, payload.earlyStopping!.metric),
            dbWait,
          )
        : 0;
      result = await session.run({
        resume: checkpoint !== null,
        initialFlops,
        fence,
        keep: checkpointKeep(payload.config),
      });
    } catch (error) {
      if (error instanceof StaleAttemptError) return staleAttempt(ctx, runId, fence, null);
      // A shutdown that caught us between the claim and the child (no new children then) is no failure.
      if (session.stopReason === "shutdown" || s.draining) return await handBack(s, ctx, fence, null);
      return await failAttempt(s, ctx, fence, error as Error, []);
    }
    return await conclude(s, ctx, fence, runDir, result);
  } finally {
    s.sessions.delete(runId);
    rmSync(runDir, { recursive: true, force: true });
    // Folders of other attempts this home still holds (e.g. this host's worker was killed, restarted, and
    // another host took its run over since): gone once their attempt is no longer the run's current one.
    await removeStaleWorkFolders(s.prisma, s.home, log).catch((e: unknown) =>
      log.warn(`could not clean old work folders: ${(e as Error).message}`),
    );
  }
}

/** checkpoint.keep of the run's config (how many checkpoints the store keeps), default 2. */
function checkpointKeep(config: Record<string, unknown>): number {
  const keep = (config.checkpoint as { keep?: unknown } | undefined)?.keep;
  return typeof keep === "number" && Number.isInteger(keep) && keep >= 1 ? keep : 2;
}

/** This attempt is stale (Postgres refused its writes): another worker owns the run; leave everything to it. */
function staleAttempt(ctx: JobContext, runId: string, fence: Fence, step: number | null): TrainJobResult {
  ctx.log.warn(
    `run ${runId}: attempt ${fence.attempt} stopped${step !== null ? ` at step ${step}` : ""}: another worker took the run over (its writes were refused)`,
  );
  return { runId, status: "RUNNING", step };
}

async function conclude(
  s: TrainServices,
  ctx: JobContext,
  fence: Fence,
  runDir: string,
  r: SessionResult,
): Promise<TrainJobResult> {
  const runId = fence.runId;
  const { outcome, stopReason } = r;
  if (r.stale) return staleAttempt(ctx, runId, fence, outcome.kind === "done" ? outcome.done.step : null);
  if (outcome.kind === "failed") {
    const error = new Error(outcome.failed.message);
    if (outcome.failed.stack) error.stack = outcome.failed.stack;
    if (outcome.failed.kind === "config") return failRun(s, ctx, fence, error, r.logTail, { final: true });
    return failAttempt(s, ctx, fence, error, r.logTail);
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
    if (stopReason === "shutdown") return handBack(s, ctx, fence, step);
    if (stopReason === "early-stop" && outcome.kind === "done" && r.earlyStop)
      // A child from before finish-on-early-stop returns CANCELLED: no final evaluation then.
      return finishRun(s, ctx, fence, runDir, r, "COMPLETED", { message: earlyStopMessage(r, step) });
  }
  if (outcome.kind === "exited") {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
    return failAttempt(s, ctx, fence, new Error(`the training process ${how}`), r.logTail);
  }
  if (outcome.kind === "not-started")
    return failAttempt(s, ctx, fence, new Error("training did not start"), []);
  const done = outcome.done;
  if (done.status === "COMPLETED") {
    // Finished on our early-stop request: evaluated where it stopped, and the message says why it stopped.
    if (done.summary.stoppedBy === "finish-request" && r.earlyStop)
      return finishRun(s, ctx, fence, runDir, r, "COMPLETED", { message: earlyStopMessage(r, done.step) });
    const test = done.summary.test ? `, test bpb ${done.summary.test.bpb.toFixed(4)}` : "";
    const budget = done.summary.flopBudget;
    const flops = budget
      ? `, ${budget.reached.toExponential(4)} of its ${budget.budget.toExponential(4)} training-FLOP budget${budget.reachedBudget ? "" : ` (not reached: ${done.message ?? "stopped before it"})`}`
      : "";
    return finishRun(s, ctx, fence, runDir, r, "COMPLETED", {
      message: `RUNNING -> COMPLETED at step ${done.step}${test}${flops}`,
    });
  }
  if (done.status === "DIVERGED")
    return finishRun(s, ctx, fence, runDir, r, "DIVERGED", {
      error: done.message ?? `diverged at step ${done.step}`,
    });
  // CANCELLED without a stop from us: the trainer stopped on its own, which it only does when asked.
  return failAttempt(s, ctx, fence, new Error(done.message ?? "training stopped unexpectedly"), r.logTail);
}

/** The COMPLETED message of a run that ASHA stopped: where, why, and its final test bpb there. */
function earlyStopMessage(r: SessionResult, step: number | null): string {
  const decision = r.earlyStop!;
  const summary = r.outcome.kind === "done" ? r.outcome.done.summary : null;
  const test = summary?.test ? `; final test bpb ${summary.test.bpb.toFixed(4)} at that step` : "";
  return `RUNNING -> COMPLETED: early stopped at step ${step} (ASHA rung ${decision.rung}): ${decision.reason}${test}`;
}

/**
 * The run's artifacts when it ends (run.json and the full metrics.jsonl), stored under runs/<id>/a<attempt>/
 * and recorded (kind OTHER, fenced) before the status moves: whoever finishes the run leaves them behind.
 */
async function storeRunArtifacts(
  s: TrainServices,
  fence: Fence,
  runDir: string,
  step: number | null,
): Promise<void> {
  const files = ["run.json", METRICS_FILE].filter((f) => existsSync(join(runDir, f)));
  const rows: { uri: string; bytes: number; sha256: string }[] = [];
  for (const file of files) {
    const body = await readFile(join(runDir, file));
    const key = `runs/${fence.runId}/a${fence.attempt}/${file}`;
    await s.store.put(key, body);
    rows.push({
      uri: s.store.uri(key),
      bytes: body.byteLength,
      sha256: createHash("sha256").update(body).digest("hex"),
    });
  }
  await withFence(s.prisma, fence, async (tx) => {
    await tx.artifact.deleteMany({ where: { runId: fence.runId, kind: "OTHER" } });
    for (const r of rows)
      await tx.artifact.create({
        data: {
          runId: fence.runId,
          kind: "OTHER",
          step,
          uri: r.uri,
          bytes: BigInt(r.bytes),
          sha256: r.sha256,
          attempt: fence.attempt,
        },
      });
  });
}

/** COMPLETED / DIVERGED, once every metric is in Postgres; a concurrent cancel wins (no retry). */
async function finishRun(
  s: TrainServices,
  ctx: JobContext,
  fence: Fence,
  runDir: string,
  r: SessionResult,
  to: "COMPLETED" | "DIVERGED",
  extra: Pick<TransitionExtra, "message" | "error">,
): Promise<TrainJobResult> {
  const runId = fence.runId;
  const step = r.outcome.kind === "done" ? r.outcome.done.step : null;
  if (!r.metricsInDb)
    // Thrown, so BullMQ tries again: the next attempt resumes from the final checkpoint and rewrites the metrics.
    throw new Error(
      `run ${runId} finished training but its metrics could not reach Postgres within ${s.env.WORKER_DB_WAIT_MS} ms`,
    );
  const dbWait = { waitMs: s.env.WORKER_DB_WAIT_MS, log: ctx.log };
  try {
    await withDbRetry(`run ${runId}: run artifacts`, () => storeRunArtifacts(s, fence, runDir, step), dbWait);
  } catch (error) {
    if (error instanceof StaleAttemptError) return staleAttempt(ctx, runId, fence, step);
    ctx.log.warn(`run ${runId}: run artifacts not stored: ${(error as Error).message}`);
  }
  // Finishing: the store keeps only what the rows name (the last checkpoints, the run artifacts).
  await pruneStoredRun(
    { prisma: s.prisma, store: s.store, log: ctx.log, dbWaitMs: s.env.WORKER_DB_WAIT_MS },
    runId,
    fence.attempt,
  ).catch((e: unknown) => ctx.log.warn(`run ${runId}: pruning the store: ${(e as Error).message}`));
  if (r.outcome.kind === "done") {
    const { summary } = r.outcome.done;
    await withDbRetry(
      `run ${runId}: summary`,
      () =>
        withFence(s.prisma, fence, (tx) =>
          tx.runEvent.create({
            data: {
              runId,
              kind: "SYSTEM",
              level: "INFO",
              message: `summary: ${summary.steps} steps, ${summary.bytesSeen} bytes, ${summary.flops.toExponential(3)} training FLOPs, ${summary.wallTime.toFixed(1)} s`,
              data: JSON.parse(JSON.stringify({ step, summary })),
            },
          }),
        ),
      dbWait,
    ).catch((e: unknown) => ctx.log.warn(`run ${runId}: summary event: ${(e as Error).message}`));
  }
  try {
    await withDbRetry(
      `run ${runId}: ${to}`,
      () =>
        transitionRun(s.prisma, runId, to, {
          from: "RUNNING",
          workerId: s.workerId,
          attempt: fence.attempt,
          ...extra,
        }),
      dbWait,
    );
  } catch (error) {
    if (error instanceof RunTransitionConflictError) return { runId, status: error.actual, step };
    if (error instanceof StaleAttemptError) return staleAttempt(ctx, runId, fence, step);
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
  fence: Fence,
  step: number | null,
): Promise<TrainJobResult> {
  const runId = fence.runId;
  try {
    await transitionRun(s.prisma, runId, "QUEUED", {
      from: "RUNNING",
      attempt: fence.attempt,
      message: `RUNNING -> QUEUED: handed back by ${s.workerId} (shutting down)${step !== null ? ` at step ${step}` : ""}; the next worker resumes from the last checkpoint`,
    });
  } catch (error) {
    if (error instanceof RunTransitionConflictError) return { runId, status: error.actual, step };
    if (error instanceof StaleAttemptError) return staleAttempt(ctx, runId, fence, step);
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
  fence: Fence,
  error: Error,
  logTail: string[],
): Promise<TrainJobResult> {
  return failRun(s, ctx, fence, error, logTail, { final: isFinalAttempt(ctx) });
}

async function failRun(
  s: TrainServices,
  ctx: JobContext,
  fence: Fence,
  error: Error,
  logTail: string[],
  opts: { final: boolean },
): Promise<TrainJobResult> {
  const runId = fence.runId;
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
      () => transitionRun(s.prisma, runId, to, { from: "RUNNING", error: message, attempt: fence.attempt }),
      dbWait,
    );
  } catch (transitionError) {
    if (transitionError instanceof RunTransitionConflictError)
      return { runId, status: transitionError.actual, step: null };
    if (transitionError instanceof StaleAttemptError) return staleAttempt(ctx, runId, fence, null);
    ctx.log.error(`run ${runId}: could not record the failure: ${(transitionError as Error).message}`);
  }
  await withFence(s.prisma, fence, (tx) =>
    tx.runEvent.create({
      data: {
        runId,
        kind: "LOG",
        level: opts.final ? "ERROR" : "WARN",
        message: `attempt ${attempt} of ${attempts} failed on ${s.workerId}: ${error.message.split("\n")[0]}`,
        data: { error: error.message, stack: error.stack ?? null, logTail },
      },
    }),
  ).catch(() => {});
  ctx.log.warn(`run ${runId}: ${opts.final ? "FAILED" : "will be retried"}: ${error.message.split("\n")[0]}`);
  if (opts.final && !isFinalAttempt(ctx)) throw new UnrecoverableError(error.message);
  throw error;
}
