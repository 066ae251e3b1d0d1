import type { JobKind } from "@bytelab/queue";
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

/** A job's data does not match its payload schema: retrying cannot help. */
export class InvalidJobDataError extends Error {
  override readonly name = "InvalidJobDataError";
  constructor(
    readonly jobName: string,
    /** "path: message" per problem, joined with "; ". */
    readonly issues: string,
  ) {
    super(`invalid data for job "${jobName}": ${issues}`);
  }
}

/** One kind of job the worker handles: its name on the queue, and how to run it. */
export interface JobDefinition {
  readonly name: string;
  /** Validates `data` with the job's payload schema (InvalidJobDataError), then runs the handler. */
  run(data: unknown, ctx: JobContext): Promise<unknown>;
}

/**
 * A handler for one kind of job, usually a @bytelab/queue JOB_KINDS entry (the producers' description of the
 * job, so both sides read one name and one schema). The handler's `data` is the schema's output type.
 */
export function defineJob<S extends z.ZodType>(
  kind: Pick<JobKind<S>, "name" | "payload">,
  handler: (data: z.output<S>, ctx: JobContext) => Promise<unknown>,
): JobDefinition {
  return {
    name: kind.name,
    async run(data, ctx) {
      const parsed = kind.payload.safeParse(data);
      if (!parsed.success)
        throw new InvalidJobDataError(
          kind.name,
          parsed.error.issues.map((i) => `${i.path.join(".") || "(data)"}: ${i.message}`).join("; "),
        );
      return handler(parsed.data, ctx);
    },
  };
}

/** The jobs a worker runs: name -> definition. */
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
