/** BullMQ queue names. Producers (web, CLI, reconciler) and the trainer worker must agree on them. */
export const QUEUE_NAMES = Object.freeze({
  /** Training runs: one job per run, jobId = runId. */
  train: "bytelab-train",
} as const);
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Job names (BullMQ's `job.name`) inside their queue. */
export const JOB_NAMES = Object.freeze({
  train: "train",
  /** Queue -> worker -> reply without training anything: health checks and tests. */
  ping: "ping",
} as const);
export type JobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];
