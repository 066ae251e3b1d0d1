import { metricRecordSchema } from "@bytelab/train/metrics";
import { runMetaSchema, runSummarySchema } from "@bytelab/train/run-meta";
import { z } from "zod";

/*
 * Messages between the worker process (parent) and its training child, over the IPC channel of
 * child_process.fork. Both sides validate what they receive with these schemas.
 *
 *   parent                                  child
 *     <- ready                                 (TF.js stack loaded)
 *     -> train {runId, runDir, config, resume}
 *     <- started {meta}                        (run.json written, training begins)
 *     <- record {record}       (every metric record, in order)
 *     <- checkpoint {step,dir} (after each atomic checkpoint save)
 *     -> stop {reason}         (checkpoint now and return: cancel, shutdown, lost lock; an early stop
 *                               ends training as finished: final val/test evaluation at that step)
 *     <- done {result} | failed {error}
 *
 * The child trains one run at a time and is reused for the next one; it exits when the channel closes
 * (the worker is gone), so an orphaned child never keeps training.
 */

export const STOP_REASONS = ["cancel", "early-stop", "shutdown", "lock-lost"] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const trainRequestSchema = z.strictObject({
  type: z.literal("train"),
  runId: z.string().min(1),
  runDir: z.string().min(1),
  /** The job's TrainConfig (JSON); the child parses it with @bytelab/train's schema. */
  config: z.record(z.string(), z.unknown()),
  /** Continue from checkpoints/latest in runDir (the run's earlier attempt) instead of starting fresh. */
  resume: z.boolean(),
});
export type TrainRequest = z.infer<typeof trainRequestSchema>;

export const parentMessageSchema = z.discriminatedUnion("type", [
  trainRequestSchema,
  z.strictObject({ type: z.literal("stop"), reason: z.enum(STOP_REASONS) }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

export const childMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ready"), pid: z.int() }),
  z.strictObject({
    type: z.literal("started"),
    runId: z.string(),
    startStep: z.int().min(0),
    totalSteps: z.int().min(0),
    /** run.json as the trainer wrote it: config, backend, git commit, param count, FLOPs per byte... */
    meta: runMetaSchema,
    backendReason: z.string(),
    warnings: z.array(z.string()),
    versions: z.record(z.string(), z.string()),
  }),
  z.strictObject({ type: z.literal("record"), runId: z.string(), record: metricRecordSchema }),
  z.strictObject({ type: z.literal("checkpoint"), runId: z.string(), step: z.int().min(0), dir: z.string() }),
  z.strictObject({
    type: z.literal("done"),
    runId: z.string(),
    status: z.enum(["COMPLETED", "DIVERGED", "CANCELLED"]),
    message: z.string().optional(),
    step: z.int().min(0),
    summary: runSummarySchema,
  }),
  z.strictObject({
    type: z.literal("failed"),
    runId: z.string(),
    /** config: the config can never train (no retry); training: an exception while training. */
    kind: z.enum(["config", "training"]),
    message: z.string(),
    stack: z.string().optional(),
  }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;
export type DoneMessage = Extract<ChildMessage, { type: "done" }>;
export type FailedMessage = Extract<ChildMessage, { type: "failed" }>;
export type StartedMessage = Extract<ChildMessage, { type: "started" }>;
