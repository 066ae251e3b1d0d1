import { getPool, getPrisma, type PrismaClient } from "@bytelab/db/runtime";
import type { TrainQueue } from "@bytelab/queue";
import type pg from "pg";
import { UnavailableError } from "./errors";

/**
 * What every operation of the service runs against. Reads need Postgres only; Redis (the training queue)
 * is opened on first use, so a dashboard page or a CLI listing works while Redis is down.
 */
export interface ServiceContext {
  readonly prisma: PrismaClient;
  /** The pg pool Prisma runs on, for the few queries written in SQL (series, latest points). */
  readonly pool: pg.Pool;
  /** The training queue; UnavailableError when Redis is not configured or does not answer. */
  trainQueue(): Promise<TrainQueue>;
  /** The dashboard's origin (e.g. http://127.0.0.1:3000) for links in answers; null when unknown. */
  readonly dashboardUrl: string | null;
}

export interface ServiceContextOptions {
  databaseUrl: string;
  /** Without it, operations that need the queue fail with UnavailableError naming REDIS_URL. */
  redisUrl?: string | null;
  dashboardUrl?: string | null;
  /** BullMQ queue name (tests use their own); default the training queue. */
  queueName?: string;
  /** How long the first Redis PING may take (default 5 s). */
  redisTimeoutMs?: number;
}

export interface OwnedServiceContext extends ServiceContext {
  /** Closes the training queue if it was opened (Prisma and the pool are process-wide: disconnectPrisma). */
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A context on the process-wide Prisma client and pool of `databaseUrl`. */
export function createServiceContext(opts: ServiceContextOptions): OwnedServiceContext {
  const prisma = getPrisma(opts.databaseUrl);
  const pool = getPool(opts.databaseUrl);
  let opening: Promise<TrainQueue> | undefined;
  const timeoutMs = opts.redisTimeoutMs ?? 5_000;

  async function open(): Promise<TrainQueue> {
    const url = opts.redisUrl;
    if (!url)
      throw new UnavailableError(
        "no Redis configured: set REDIS_URL (or --redis-url), or start the local stack with `npm start`",
      );
    const { openTrainQueue } = await import("@bytelab/queue");
    // The connection's own error (ECONNREFUSED host:port) says more than the failed PING ("max retries").
    let connectionError: Error | null = null;
    const queue = openTrainQueue({
      redisUrl: url,
      ...(opts.queueName ? { name: opts.queueName } : {}),
      onError: (error) => {
        connectionError = error;
      },
    });
    try {
      await withTimeout(queue.redis.ping(), timeoutMs, "Redis");
      return queue;
    } catch (error) {
      await queue.close();
      const cause = (connectionError as Error | null) ?? error;
      const reason = cause instanceof Error ? cause.message.split("\n")[0] || cause.name : String(cause);
      throw new UnavailableError(`cannot reach Redis: ${reason}; start it, or check REDIS_URL`);
    }
  }

  return {
    prisma,
    pool,
    dashboardUrl: opts.dashboardUrl ?? null,
    trainQueue() {
      opening ??= open().catch((error) => {
        opening = undefined; // the next call tries again (Redis may be back)
        throw error;
      });
      return opening;
    },
    async close() {
      const queue = await opening?.catch(() => undefined);
      opening = undefined;
      await queue?.close();
    },
  };
}
