import { pingJob } from "./ping";
import { createJobRegistry, type JobDefinition } from "./registry";

/**
 * The jobs that need nothing from a running worker. The `train` job (jobs/train.ts) needs the worker's
 * connections and training children, so startTrainerWorker adds it to these with createTrainJob(services).
 */
export const trainerJobs = createJobRegistry([pingJob as JobDefinition]);
