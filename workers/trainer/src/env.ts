import { z } from "zod";

/** The trainer worker's environment: every variable, its default, and why. */
export const WorkerEnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set; export DATABASE_URL=postgres://user:pass@host:5432/bytelab" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://"),
  REDIS_URL: z
    .string({ error: "REDIS_URL is not set; export REDIS_URL=redis://host:6379" })
    .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://"),
  /** Runs trained at once. Default: one per GPU, or 1 on CPU (TF.js already uses every core for one run). */
  WORKER_SLOTS: z.coerce
    .number({ error: "WORKER_SLOTS must be a whole number >= 1" })
    .int("WORKER_SLOTS must be a whole number >= 1")
    .min(1, "WORKER_SLOTS must be a whole number >= 1")
    .max(256, "WORKER_SLOTS must be at most 256")
    .optional(),
  /** Registry id of this worker. Default `<host>-<pid>`; set it to keep one row across restarts. */
  WORKER_ID: z.string().trim().min(1).max(200).optional(),
  /** How often the worker writes its heartbeat; the dashboard calls it dead after a few missed ones. */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100, "WORKER_HEARTBEAT_MS must be >= 100").default(5_000),
  /** Milliseconds a graceful shutdown waits for the running jobs before closing without them. */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(20_000),
  /** GPUs this worker may use (CUDA convention: "0,1"; "" or "-1" for none). */
  CUDA_VISIBLE_DEVICES: z.string().optional(),
  /** TF.js backend to report (and, later, to train with). */
  BYTELAB_BACKEND: z.enum(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]).optional(),
});
export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

export class WorkerEnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid worker environment:\n${issues.map((i) => `  ${i}`).join("\n")}`);
    this.name = "WorkerEnvError";
  }
}

/**
 * An empty value means "use the default" (docker-compose passes `WORKER_SLOTS: ${WORKER_SLOTS:-}`), except
 * for CUDA_VISIBLE_DEVICES, where "" means "no GPU".
 */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([key, value]) => value !== "" || key === "CUDA_VISIBLE_DEVICES"),
  );
}

/** Parses the environment; the error lists every bad variable by name with the fix. */
export function loadWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = WorkerEnvSchema.safeParse(withoutEmpty(env));
  if (parsed.success) return parsed.data;
  throw new WorkerEnvError(parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
}
