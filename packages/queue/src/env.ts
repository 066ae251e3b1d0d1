import { z } from "zod";

/**
 * REDIS_URL, checked the same way by every process that reads it (the worker, the web app, `npm start`, the
 * CLI): a redis:// or rediss:// URL. Errors name the variable and show a value that works.
 */
export const redisUrlSchema = z
  .string({ error: "REDIS_URL is not set; export REDIS_URL=redis://host:6379" })
  .trim()
  .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss:// (e.g. redis://host:6379)");

/** The Redis URL to use: the argument if given, else REDIS_URL from the environment (validated). */
export function resolveRedisUrl(redisUrl?: string): string {
  const parsed = redisUrlSchema.safeParse(redisUrl ?? process.env.REDIS_URL);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid REDIS_URL");
  return parsed.data;
}
