import { databaseUrlSchema } from "@bytelab/db/env";
import { QUEUE_NAMES, redisUrlSchema } from "@bytelab/queue";
import { z } from "zod";

/** The trainer worker's environment: every variable, its default, and why. */
export const WorkerEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema,
  REDIS_URL: redisUrlSchema,
  /**
   * Runs trained at once. Default: one per GPU whose probe ran on the GPU; on CPU hosts one per core, at most one
   * per 2 GiB of memory (bench/results/slots.json: more aggregate bytes/s than one run on every core).
   */
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
  /**
   * Milliseconds a graceful shutdown waits for the running jobs to checkpoint and hand back; after that the
   * training children are killed and their jobs come back through stalled-job recovery.
   */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(20_000),
  /** GPUs this worker may use (CUDA convention: "0,1"; "" or "-1" for none). */
  CUDA_VISIBLE_DEVICES: z.string().optional(),
  /** TF.js backend the training children use (inherited by them); default: the best available. */
  BYTELAB_BACKEND: z.enum(["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"]).optional(),
  /**
   * Root of bytelab's local state; run folders (checkpoints, metrics.jsonl, the metrics spill file) live in
   * BYTELAB_HOME/runs/<runId>. With several machines this must be shared storage (NFS, a mounted volume):
   * a run handed back or lost resumes from its last checkpoint only where that folder is visible.
   * Default: <project root>/.bytelab (the Docker image sets /data).
   */
  BYTELAB_HOME: z.string().trim().min(1).optional(),
  /**
   * Where checkpoints and run artifacts go, so that whichever worker takes a run over, on any host, resumes it
   * from its last checkpoint: file:///shared/path (a folder every worker mounts at the same path) or
   * s3://bucket/prefix (S3-compatible storage; endpoint and credentials: BYTELAB_S3_ENDPOINT or the URL's
   * ?endpoint=, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_REGION). Default: a file store at BYTELAB_HOME
   * (one machine, or a BYTELAB_HOME on shared storage).
   */
  BYTELAB_ARTIFACTS: z
    .string()
    .trim()
    .regex(
      /^(file:|s3:\/\/|\/)/,
      "BYTELAB_ARTIFACTS must be file:///shared/path, an absolute path, or s3://bucket/prefix",
    )
    .optional(),
  /**
   * Start the training processes (one per slot) when the worker starts, not at its first job: a run taken over
   * from a lost worker starts training seconds sooner (the TF.js stack is loaded). "0" to start them on demand.
   */
  WORKER_PREWARM: z
    .enum(["0", "1", "false", "true"], { error: "WORKER_PREWARM must be 1 or 0" })
    .default("1")
    .transform((v) => v === "1" || v === "true"),
  /** Queue to consume (default bytelab-train); tests and separate fleets use their own. */
  WORKER_QUEUE: z.string().trim().min(1).max(200).default(QUEUE_NAMES.train),
  /**
   * BullMQ lock of an active job, renewed every half of it by the worker process. A worker that dies (SIGKILL,
   * OOM, machine gone) loses its jobs after this long, and another worker resumes them. BullMQ's default (30 s,
   * with a 30 s stalled check) means 30-60 s before a lost run moves again; ours is short because renewal is
   * cheap and always on time: training runs in a child process, so the worker's event loop is idle between
   * IPC messages (training children also run at a lower CPU priority). 5 s still rides out a Redis restart of
   * a couple of seconds (the renewal every 2.5 s retries).
   */
  WORKER_LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1_000, "WORKER_LOCK_DURATION_MS must be >= 1000")
    .default(5_000),
  /**
   * How often workers look for jobs whose lock expired (a lost worker) and put them back in the queue. BullMQ
   * needs two checks to move a job (the first marks it, the next moves it if no renewal came), so a lost run
   * is back in the queue at most lock + 2 x this after its worker died: about 6 s with the defaults. Each check
   * is one small Lua script per worker (two a second).
   */
  WORKER_STALLED_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(250, "WORKER_STALLED_INTERVAL_MS must be >= 250")
    .default(500),
  /**
   * A job may be recovered from lost workers this many times before it fails. Losing a worker (SIGKILL,
   * OOM killer on the worker, a machine gone) is not a failure of the run's code and does not use one of
   * the job's attempts; this only bounds a job that keeps killing its workers.
   */
  WORKER_MAX_STALLED_COUNT: z.coerce.number().int().min(0).default(5),
  /** How often the worker polls the cancel keys of its runs (pub/sub delivers sooner; polling catches misses). */
  WORKER_CANCEL_POLL_MS: z.coerce
    .number()
    .int()
    .min(100, "WORKER_CANCEL_POLL_MS must be >= 100")
    .default(2_000),
  /** Metric points are written to Postgres at least this often... */
  WORKER_METRICS_FLUSH_MS: z.coerce.number().int().min(10).default(1_000),
  /** ...or as soon as this many points are waiting. */
  WORKER_METRICS_BATCH: z.coerce.number().int().min(1).default(5_000),
  /**
   * How long the end of a run waits for an unreachable Postgres (final metrics, status) before giving the
   * job back to BullMQ; meanwhile metrics wait in the run folder's spill file.
   */
  WORKER_DB_WAIT_MS: z.coerce.number().int().min(0).default(600_000),
  /**
   * How often the worker re-adds missing jobs of QUEUED runs (requeueOrphans: a submission whose Redis
   * write failed, a Redis that lost data); 0 turns it off.
   */
  WORKER_REQUEUE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
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
