import { ashaConfigSchema } from "@bytelab/experiments";
import { z } from "zod";

/**
 * Data of a training job. The run row in Postgres is the source of truth; the payload carries what the
 * worker needs to start without a query, and is validated on both sides (producer before add, worker on
 * receipt).
 *
 * Attempts: BullMQ counts them (job.attemptsMade, job.opts.attempts) and the worker's QUEUED -> RUNNING
 * transition increments runs.attempts, so the payload only says why the job was (re)added.
 */
export const trainJobPayloadSchema = z.strictObject({
  runId: z.string().min(1),
  sweepId: z.string().min(1).nullable(),
  /** sha256 of the canonical config: the worker may check configHash(parse(config)) against it. */
  configHash: z.string().regex(/^[0-9a-f]{64}$/, "configHash must be a sha256 hex digest"),
  /**
   * The full training config (@bytelab/train TrainConfig, model config included, defaults filled in). Kept
   * as JSON here so that producers need not load the training stack; the worker parses it with
   * trainConfigSchema (parseTrainConfig) before building anything.
   */
  config: z.record(z.string(), z.json()),
  /** ASHA schedule of the sweep (rungs in training FLOPs), or null: train to the budget. */
  earlyStopping: ashaConfigSchema.nullable(),
  enqueue: z.strictObject({
    /**
     * submit: first add; requeue: re-added by requeueOrphans (Redis lost it or the job had finished);
     * rerun: a user re-ran a FAILED / CANCELLED run (it resumes from its last checkpoint).
     */
    reason: z.enum(["submit", "requeue", "rerun"]),
    at: z.iso.datetime(),
  }),
});

export type TrainJobPayload = z.output<typeof trainJobPayloadSchema>;

/** Data of a ping job: echoed back, so a caller can match the reply to its request. */
export const pingJobPayloadSchema = z.object({
  message: z.string().max(1_000).default("ping"),
});
export type TrainJobPayloadInput = z.input<typeof trainJobPayloadSchema>;
