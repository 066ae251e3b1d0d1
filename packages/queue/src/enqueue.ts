import { JOB_NAMES } from "./names";
import { trainJobOptions } from "./options";
import { type TrainJobPayload, type TrainJobPayloadInput, trainJobPayloadSchema } from "./payloads";
import type { TrainQueue } from "./train-queue";

/** Redis did not take the jobs (down, or slower than the timeout). The runs stay QUEUED in Postgres. */
export class EnqueueError extends Error {
  override readonly name = "EnqueueError";
  constructor(
    message: string,
    readonly runIds: readonly string[],
  ) {
    super(message);
  }
}

export interface EnqueueOptions {
  /** Give up after this long (default 10 s): a request must not hang on a Redis that is down. */
  timeoutMs?: number;
}

/**
 * Adds one training job per payload, jobId = runId: adding a job whose id exists (waiting, active, delayed,
 * or kept after finishing) is a no-op in BullMQ, so adding twice never trains a run twice.
 */
export async function addTrainJobs(
  trainQueue: TrainQueue,
  items: ReadonlyArray<{ payload: TrainJobPayloadInput; priority: number }>,
  opts: EnqueueOptions = {},
): Promise<number> {
  if (items.length === 0) return 0;
  const jobs = items.map(({ payload, priority }) => {
    const data: TrainJobPayload = trainJobPayloadSchema.parse(payload);
    return { name: JOB_NAMES.train, data, opts: trainJobOptions(data.runId, priority) };
  });
  const runIds = jobs.map((j) => j.data.runId);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      trainQueue.queue.addBulk(jobs),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new EnqueueError(
      `could not add ${jobs.length} training job(s): ${(error as Error).message}`,
      runIds,
    );
  } finally {
    clearTimeout(timer);
  }
  return jobs.length;
}
