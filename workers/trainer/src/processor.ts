import { type Job, UnrecoverableError } from "bullmq";
import { InvalidJobDataError, type JobRegistry } from "./jobs/registry";
import type { Logger } from "./logger";

/**
 * The BullMQ processor: looks the job's name up in the registry, validates its data with the job's schema,
 * runs the handler. Unknown names and invalid data fail at once without retries (UnrecoverableError):
 * trying again cannot help, and the failed job keeps the reason for whoever enqueued it.
 */
export function createProcessor(registry: JobRegistry, workerId: string, log: Logger) {
  return async (job: Job, token?: string): Promise<unknown> => {
    const definition = registry.get(job.name);
    if (!definition) {
      const known = [...registry.keys()].join(", ");
      log.warn(`dropping job ${job.id}: unknown job name "${job.name}" (this worker knows: ${known})`);
      throw new UnrecoverableError(`unknown job name "${job.name}"; this worker knows: ${known}`);
    }
    try {
      return await definition.run(job.data, { job, token, workerId, log });
    } catch (error) {
      if (!(error instanceof InvalidJobDataError)) throw error;
      log.warn(`dropping job ${job.id} (${job.name}): invalid data: ${error.issues}`);
      throw new UnrecoverableError(error.message);
    }
  };
}
