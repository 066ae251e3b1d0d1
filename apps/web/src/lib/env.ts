import { z } from "zod";
import { ApiError } from "./errors";

const serverEnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set: point it at Postgres (postgres://user:pass@host:5432/db)" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://"),
  REDIS_URL: z
    .string({ error: "REDIS_URL is not set: point it at Redis (redis://host:6379)" })
    .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://"),
  /** A worker counts as alive when its last heartbeat is at most this old. */
  BYTELAB_WORKER_ALIVE_MS: z.coerce.number().int().positive().default(15_000),
});
export type ServerEnv = z.infer<typeof serverEnvSchema>;

/**
 * The server's environment, validated when a request needs it (not at import: `next build` imports route
 * modules without a database). A bad value answers 503 with the variable named and how to fix it.
 */
export function serverEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const parsed = serverEnvSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join("."),
      issue: i.message,
    }));
    throw new ApiError(
      "UNAVAILABLE",
      "The server is misconfigured: fix the environment and restart.",
      details,
    );
  }
  return parsed.data;
}
