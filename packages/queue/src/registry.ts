import type { JobsOptions } from "bullmq";
import type { z } from "zod";
import { JOB_NAMES, QUEUE_NAMES } from "./names";
import { DEFAULT_JOB_OPTIONS } from "./options";
import { trainJobPayloadSchema } from "./payloads";

/** One kind of job: where it goes, what its data must look like, and its default options. */
export interface JobKind<S extends z.ZodType = z.ZodType> {
  queue: string;
  name: string;
  payload: S;
  defaults: Readonly<JobsOptions>;
}

/**
 * Every job bytelab produces: name -> { queue, job name, zod payload schema, default job options }.
 * Producers validate with `payload` before adding; the worker validates with the same schema on receipt
 * and registers a handler per entry.
 */
export const JOB_REGISTRY = Object.freeze({
  train: Object.freeze({
    queue: QUEUE_NAMES.train,
    name: JOB_NAMES.train,
    payload: trainJobPayloadSchema,
    defaults: DEFAULT_JOB_OPTIONS,
  }) satisfies JobKind<typeof trainJobPayloadSchema>,
});
export type JobRegistry = typeof JOB_REGISTRY;
