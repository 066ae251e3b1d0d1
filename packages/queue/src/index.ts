/**
 * @bytelab/queue: queue names, the job registry (zod payload schemas + frozen default options), and the
 * producer side of training: submitSweep (Postgres rows + BullMQ jobs), requeueOrphans (reconciler),
 * cancelRun / cancelSweep with the cancel-signal protocol the worker implements (see cancel.ts).
 *
 *   const trainQueue = openTrainQueue();                        // REDIS_URL
 *   const result = await submitSweep(getPrisma(), trainQueue, specObject);
 *   await requeueOrphans(getPrisma(), trainQueue);              // periodically, or after a Redis outage
 *   await cancelSweep(getPrisma(), trainQueue, result.sweep.id, { reason: "superseded" });
 */
export {
  CANCEL_CHANNEL,
  CANCEL_KEY_TTL_S,
  type CancelResult,
  type CancelSignal,
  cancelKey,
  cancelRequested,
  cancelRun,
  cancelSignalSchema,
  cancelSweep,
  SweepNotFoundError,
  signalCancel,
  watchCancellations,
} from "./cancel";
export { addTrainJobs, EnqueueError, type EnqueueOptions } from "./enqueue";
export { redisUrlSchema, resolveRedisUrl } from "./env";
export { jobItemsFor, RUN_JOB_FIELDS } from "./job-items";
export { JOB_NAMES, type JobName, QUEUE_NAMES, type QueueName } from "./names";
export { DEFAULT_JOB_OPTIONS, RUN_PRIORITY_RANGE, toBullPriority, trainJobOptions } from "./options";
export {
  pingJobPayloadSchema,
  type TrainJobPayload,
  type TrainJobPayloadInput,
  trainJobPayloadSchema,
} from "./payloads";
export { JOB_KINDS, type JobKind, type JobKinds } from "./registry";
export { type RequeueOptions, type RequeueResult, requeueOrphans } from "./requeue";
export { type RequeueRunResult, requeueRun } from "./rerun";
export {
  SUBMIT_LOCK_KEY,
  type SubmitOptions,
  type SubmitResult,
  type SubmittedRun,
  submitSweep,
} from "./submit";
export { parseSweepRecord, type SweepRecord, sweepRecordSchema, sweepRunIds } from "./sweep-record";
export { type OpenTrainQueueOptions, openTrainQueue, type TrainQueue } from "./train-queue";
export { decideEarlyStop, recordEarlyStop } from "./early-stop";
