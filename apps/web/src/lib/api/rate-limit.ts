import type { Redis } from "ioredis";
import { ApiError } from "../errors";

const WINDOW_S = 60;

/** INCR, and on the window's first request EXPIRE, in one command (a MULTI is four round-trip commands). */
const HIT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

type WithHit = Redis & { bytelabRateHit(key: string, ttlSeconds: number): Promise<number> };

/** The connection with the hit command defined (once per connection; ioredis sends it by SHA after that). */
function withHit(redis: Redis): WithHit {
  const r = redis as WithHit;
  if (typeof r.bytelabRateHit !== "function")
    redis.defineCommand("bytelabRateHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
  return r;
}

/**
 * Fixed one-minute windows per client (API key, or address without one) in Redis, so every web process
 * shares the count. Over the limit: 429 with Retry-After (seconds to the next window). When Redis does not
 * answer, requests pass (the routes that need Redis fail on their own, with 503).
 */
export async function enforceRateLimit(redis: Redis, client: string, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  const now = Math.floor(Date.now() / 1000);
  const window = Math.floor(now / WINDOW_S);
  const key = `bytelab:ratelimit:${client}:${window}`;
  let count: number;
  try {
    count = await withHit(redis).bytelabRateHit(key, WINDOW_S * 2);
  } catch {
    return;
  }
  if (count > perMinute) {
    const retryAfter = (window + 1) * WINDOW_S - now;
    throw new ApiError(
      "RATE_LIMITED",
      `More than ${perMinute} requests in a minute from this client; retry after ${retryAfter} s.`,
      [
        {
          path: "",
          issue: `limit ${perMinute} per minute`,
          fix: "poll less often, or raise BYTELAB_RATE_LIMIT on the server",
        },
      ],
      { "retry-after": String(Math.max(1, retryAfter)) },
    );
  }
}
