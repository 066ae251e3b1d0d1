import { Redis } from "ioredis";
import { serverEnv } from "./env";

// One connection per URL and server process, kept on globalThis so `next dev` reloads reuse it. The last
// errors live there too: Next bundles the page and each route handler separately, each with its own copy of
// this module, and a copy that reuses another's connection must still see why it failed.
const globalForRedis = globalThis as unknown as {
  bytelabRedis?: Map<string, Redis>;
  bytelabRedisErrors?: WeakMap<Redis, Error>;
};
globalForRedis.bytelabRedis ??= new Map();
globalForRedis.bytelabRedisErrors ??= new WeakMap();
const connections: Map<string, Redis> = globalForRedis.bytelabRedis;
/** The last connection error per connection: "max retries reached" alone would not say what is wrong. */
const lastErrors: WeakMap<Redis, Error> = globalForRedis.bytelabRedisErrors;

/**
 * The ioredis connection for REDIS_URL. Gives up on a command after one retry instead of queueing it while Redis is down,
 * so the health probe reports an outage within its timeout; it reconnects in the background.
 */
export function getRedis(url = serverEnv().REDIS_URL): Redis {
  let redis = connections.get(url);
  if (!redis) {
    redis = new Redis(url, {
      connectTimeout: 2_000,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Reported by the health probe; without a listener ioredis prints every reconnect attempt.
    const connection = redis;
    connection.on("error", (error: Error) => lastErrors.set(connection, error));
    connection.on("ready", () => lastErrors.delete(connection));
    connections.set(url, redis);
  }
  return redis;
}

/** PING; on failure the error names the cause (e.g. `connect ECONNREFUSED 127.0.0.1:6379`). */
export async function pingRedis(redis: Redis = getRedis()): Promise<void> {
  // While reconnecting, a PING waits for the next attempt (backoff up to 2 s, as long as the probe's
  // timeout): answer with the known cause at once instead.
  const known = lastErrors.get(redis);
  if (redis.status !== "ready" && known) throw new Error(known.message || known.name);
  try {
    const answer = await redis.ping();
    if (answer !== "PONG") throw new Error(`unexpected PING answer: ${answer}`);
  } catch (error) {
    const cause = lastErrors.get(redis);
    throw cause ? new Error(cause.message || cause.name) : error;
  }
}

/** Closes every connection (tests, graceful shutdown). */
export async function closeRedisConnections(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(all.map((r) => r.quit().catch(() => r.disconnect())));
}
