import type { JobsOptions } from "bullmq";
import type { z } from "zod";
import { JOB_NAMES, QUEUE_NAMES } from "./names";
import { DEFAULT_JOB_OPTIONS } from "./options";
import { pingJobPayloadSchema, trainJobPayloadSchema } from "./payloads";

/** One kind of job: where it goes, what its data must look like, and its default options. */
export interface JobKind<S extends z.ZodType = z.ZodType> {
  queue: string;
  name: string;
  payload: S;
  defaults: Readonly<JobsOptions>;
}

/**
 * Every job bytelab produces: key -> { queue, job name, zod payload schema, default job options }.
 * Producers validate with `payload` before adding; the worker's registry (@bytelab/trainer createJobRegistry)
 * gives each kind a handler with defineJob(JOB_KINDS.x, handler), which validates with the same schema on
 * receipt.
 */
export const JOB_KINDS = Object.freeze({
  train: Object.freeze({
    queue: QUEUE_NAMES.train,
    name: JOB_NAMES.train,
    payload: trainJobPayloadSchema,
    defaults: DEFAULT_JOB_OPTIONS,
  }) satisfies JobKind<typeof trainJobPayloadSchema>,
  ping: Object.freeze({
    queue: QUEUE_NAMES.train,
    name: JOB_NAMES.ping,
    payload: pingJobPayloadSchema,
    defaults: Object.freeze({ attempts: 1, removeOnComplete: 100, removeOnFail: 100 }),
  }) satisfies JobKind<typeof pingJobPayloadSchema>,
});
export type JobKinds = typeof JOB_KINDS;
