import type { JobsOptions } from "bullmq";

/**
 * Defaults of every training job (frozen: copy with `trainJobOptions`, never mutate).
 *
 * attempts 3 with exponential backoff from 30 s (30 s, 60 s): a worker lost mid-run or a transient
 * database/Redis error retries; a deterministic failure stops after 3. The worker marks the run FAILED only
 * on the final attempt (`job.attemptsMade + 1 >= job.opts.attempts`) and hands it back (RUNNING -> QUEUED)
 * otherwise; errors that retrying cannot fix (invalid config) throw BullMQ's UnrecoverableError.
 *
 * removeOnComplete / removeOnFail keep recent jobs for inspection and bound Redis memory; the run's
 * history lives in Postgres, so nothing is lost when a job is removed.
 */
export const DEFAULT_JOB_OPTIONS = Object.freeze({
  attempts: 3,
  backoff: Object.freeze({ type: "exponential" as const, delay: 30_000 }),
  removeOnComplete: Object.freeze({ age: 7 * 24 * 3600, count: 1000 }),
  removeOnFail: Object.freeze({ age: 30 * 24 * 3600, count: 5000 }),
});

/**
 * Run priorities (higher = sooner, -100..100, as in the spec and the runs.priority column) map to BullMQ
 * priorities (lower = sooner, 1..2^21). Every job gets an explicit priority: BullMQ runs jobs without one
 * before all prioritized jobs, which would let a priority-less job jump the line.
 */
export const RUN_PRIORITY_RANGE = Object.freeze({ min: -100, max: 100 });
export function toBullPriority(runPriority: number): number {
  const clamped = Math.max(RUN_PRIORITY_RANGE.min, Math.min(RUN_PRIORITY_RANGE.max, Math.round(runPriority)));
  return RUN_PRIORITY_RANGE.max + 1 - clamped; // 100 -> 1, 0 -> 101, -100 -> 201
}

/** Options of the training job of `runId`: the defaults (copied), jobId = runId (idempotent add), priority. */
export function trainJobOptions(runId: string, runPriority: number): JobsOptions {
  return {
    attempts: DEFAULT_JOB_OPTIONS.attempts,
    backoff: { ...DEFAULT_JOB_OPTIONS.backoff },
    removeOnComplete: { ...DEFAULT_JOB_OPTIONS.removeOnComplete },
    removeOnFail: { ...DEFAULT_JOB_OPTIONS.removeOnFail },
    jobId: runId,
    priority: toBullPriority(runPriority),
  };
}
