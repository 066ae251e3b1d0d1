import { Redis } from "ioredis";
import { serverEnv } from "./env";

const globalForRedis = globalThis as unknown as { bytelabRedis?: Redis };

/**
 * One ioredis connection per server process (kept on globalThis so `next dev` reloads reuse it).
 * Fails fast instead of queueing forever: the API answers 503 while Redis is down.
 */
export function getRedis(): Redis {
  if (globalForRedis.bytelabRedis) return globalForRedis.bytelabRedis;
  const redis = new Redis(serverEnv().REDIS_URL, {
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  redis.on("error", () => {
    // Reported by the health probe; without a listener ioredis prints every reconnect attempt.
  });
  globalForRedis.bytelabRedis = redis;
  return redis;
}
