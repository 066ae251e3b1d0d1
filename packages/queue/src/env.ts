import { z } from "zod";

const RedisUrlSchema = z
  .string({ error: "REDIS_URL is not set; export REDIS_URL=redis://host:6379" })
  .trim()
  .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://");

/** The Redis URL to use: the argument if given, else REDIS_URL from the environment (validated). */
export function resolveRedisUrl(redisUrl?: string): string {
  const parsed = RedisUrlSchema.safeParse(redisUrl ?? process.env.REDIS_URL);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid REDIS_URL");
  return parsed.data;
}
