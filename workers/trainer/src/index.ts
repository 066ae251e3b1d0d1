// @bytelab/trainer: the worker process and its job registry (for tests and for producers that need the names).
export { defaultSlots, detectDevices, parseNvidiaSmi, visibleGpus } from "./devices";
export { loadWorkerEnv, type WorkerEnv, WorkerEnvError, WorkerEnvSchema } from "./env";
export { pingJob } from "./jobs/ping";
export {
  createJobRegistry,
  defineJob,
  InvalidJobDataError,
  type JobContext,
  type JobDefinition,
  type JobRegistry,
} from "./jobs/registry";
export { createProcessor } from "./processor";
export { type RunningTrainerWorker, startTrainerWorker, TRAIN_QUEUE } from "./worker";
