import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { resolveRedisUrl } from "./env";
import { QUEUE_NAMES } from "./names";
import type { TrainJobPayload } from "./payloads";

/**
 * The producer side of training: the BullMQ queue, plus a plain Redis connection for cancel signals
 * (SET + PUBLISH, which BullMQ's client abstraction does not expose).
 */
export interface TrainQueue {
  readonly queue: Queue<TrainJobPayload>;
  readonly redis: Redis;
  /** Closes the queue, then the signal connection. */
  close(): Promise<void>;
}

export interface OpenTrainQueueOptions {
  /** Default: REDIS_URL. */
  redisUrl?: string;
  /** Queue name (default QUEUE_NAMES.train); tests use their own. */
  name?: string;
  /** Called with connection errors (default: ignored; commands then fail and callers see the error). */
  onError?: (error: Error) => void;
}

/**
 * Opens the training queue. Commands fail fast while Redis is down (no offline queue, one retry) instead
 * of hanging a request: submitSweep has then already committed its rows, and requeueOrphans adds the jobs
 * once Redis is back.
 */
export function openTrainQueue(opts: OpenTrainQueueOptions = {}): TrainQueue {
  const url = resolveRedisUrl(opts.redisUrl);
  const onError = opts.onError ?? (() => {});
  const queue = new Queue<TrainJobPayload>(opts.name ?? QUEUE_NAMES.train, {
    connection: { url, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  });
  queue.on("error", onError);
  const redis = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on("error", onError);
  return {
    queue,
    redis,
    async close() {
      await queue.close().catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
