import type { Job } from "bullmq";
import type { z } from "zod";
import type { Logger } from "../logger";

export interface JobContext {
  job: Job;
  /** The worker's lock token for this job (moveToWait / moveToDelayed need it). */
  token?: string;
  workerId: string;
  log: Logger;
}

/** One kind of job: its name on the queue, the zod schema of its data, and what the worker does with it. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  handler(data: z.infer<S>, ctx: JobContext): Promise<unknown>;
}

/** Typed helper: the handler's `data` is inferred from the schema. */
export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

export type JobRegistry = ReadonlyMap<string, JobDefinition>;

/** name -> definition; a name defined twice is a programming error. */
export function createJobRegistry(definitions: readonly JobDefinition[]): JobRegistry {
  const registry = new Map<string, JobDefinition>();
  for (const definition of definitions) {
    if (registry.has(definition.name)) throw new Error(`job "${definition.name}" is defined twice`);
    registry.set(definition.name, definition);
  }
  return registry;
}
