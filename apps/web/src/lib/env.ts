import { databaseUrlSchema } from "@bytelab/db/env";
import { redisUrlSchema } from "@bytelab/queue/env";
import { z } from "zod";
import { ApiError } from "./errors";

export const serverEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema,
  REDIS_URL: redisUrlSchema,
  /** A worker counts as alive when its last heartbeat is at most this old. */
  BYTELAB_WORKER_ALIVE_MS: z.coerce.number().int().positive().default(15_000),
  /** The BullMQ queue runs are submitted to (workers consume WORKER_QUEUE; both default to bytelab-train). */
  BYTELAB_QUEUE: z.string().trim().min(1).optional(),
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

export const apiEnvSchema = z.object({
  /**
   * The address the server listens on (npm start passes its --hostname; the Docker image's HOSTNAME). Unset
   * means every interface. It decides the default auth mode: open reads on loopback, keys elsewhere.
   */
  BYTELAB_HOST: z.string().trim().min(1).optional(),
  HOSTNAME: z.string().trim().min(1).optional(),
  /**
   * auto (default): keys required unless the server listens on loopback only; required: keys for every
   * route but health and the OpenAPI document; off: no keys (refused on a non-loopback address).
   */
  BYTELAB_AUTH: z
    .enum(["auto", "required", "off"], {
      error: "BYTELAB_AUTH must be auto, required or off",
    })
    .default("auto"),
  /** Requests per minute per API key (or per client address without one); 0 turns limiting off. */
  BYTELAB_RATE_LIMIT: z.coerce.number().int().min(0, "BYTELAB_RATE_LIMIT must be >= 0").default(3000),
  /** Largest request body accepted (bytes): a sweep spec is a few KB. */
  BYTELAB_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1 << 20),
  /**
   * Folders (separated by ":") that file: and dir: datasets of specs submitted over the API may read;
   * default: the project's data/ folder. Relative entries start at the project root.
   */
  BYTELAB_DATA_ROOTS: z.string().trim().min(1).optional(),
  /** Limits of one submission over the API: runs, total optimizer steps, total training FLOPs. */
  BYTELAB_MAX_SWEEP_RUNS: z.coerce.number().int().min(1).default(1000),
  BYTELAB_MAX_SWEEP_STEPS: z.coerce.number().int().min(1).default(10_000_000),
  BYTELAB_MAX_SWEEP_FLOPS: z.coerce.number().positive().default(1e19),
});
export type ApiEnv = z.infer<typeof apiEnvSchema>;

/** The REST API's settings (auth, rate limit, body size); a bad value answers 503 naming the variable. */
export function apiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new ApiError(
      "UNAVAILABLE",
      "The server is misconfigured: fix the environment and restart.",
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), issue: i.message })),
    );
  return parsed.data;
}
