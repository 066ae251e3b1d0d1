import { getPrisma, markWorkerStopped, registerWorker } from "@bytelab/db/runtime";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { defaultSlots, detectDevices } from "./devices";
import type { WorkerEnv } from "./env";
import { startHeartbeat } from "./heartbeat";
import { workerIdentity, workerVersion } from "./identity";
import { trainerJobs } from "./jobs";
import type { JobRegistry } from "./jobs/registry";
import { createLogger, type Logger } from "./logger";
import { createProcessor } from "./processor";

/** The queue training jobs arrive on. */
export const TRAIN_QUEUE = "bytelab-train";

export interface RunningTrainerWorker {
  id: string;
  slots: number;
  /** Graceful stop: BullMQ worker, then queues, then Redis, then the registry row (STOPPED). */
  stop(): Promise<void>;
}

/** Registers in Postgres, heartbeats, and consumes the train queue until `stop()`. */
export async function startTrainerWorker(
  env: WorkerEnv,
  opts: { registry?: JobRegistry; log?: Logger; queueName?: string } = {},
): Promise<RunningTrainerWorker> {
  const identity = workerIdentity(env.WORKER_ID);
  const log = opts.log ?? createLogger(identity.id);
  const detected = detectDevices(env);
  const slots = env.WORKER_SLOTS ?? defaultSlots(detected);
  const prisma = getPrisma(env.DATABASE_URL);
  const register = async () => {
    await registerWorker(prisma, { ...identity, devices: detected.devices, slots, version: workerVersion() });
  };
  await register();
  log.info(
    `registered (pid ${identity.pid}, ${slots} slot${slots === 1 ? "" : "s"}, ${detected.devices.map((d) => d.name).join(", ")})`,
  );
  const heartbeat = startHeartbeat({
    prisma,
    workerId: identity.id,
    intervalMs: env.WORKER_HEARTBEAT_MS,
    reregister: register,
    log,
  });

  // BullMQ needs maxRetriesPerRequest: null on the connection of a blocking worker.
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on("error", (error) => log.warn(`redis: ${error.message}`));
  const queueName = opts.queueName ?? TRAIN_QUEUE;
  const worker = new Worker(queueName, createProcessor(opts.registry ?? trainerJobs, identity.id, log), {
    connection,
    concurrency: slots,
    autorun: true,
  });
  worker.on("failed", (job, error) => log.warn(`job ${job?.id} (${job?.name}) failed: ${error.message}`));
  worker.on("error", (error) => log.error(`worker: ${error.message}`));
  await worker.waitUntilReady();
  log.info(`listening on queue "${queueName}"`);

  /** Queues this worker produces to (none yet: training will enqueue evaluation/ingestion follow-ups). */
  const queues: { close(): Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info("shutting down: finishing running jobs");
      await heartbeat.stop();
      const closed = worker.close();
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), env.WORKER_SHUTDOWN_TIMEOUT_MS).unref()),
      ]);
      if (timedOut) {
        log.warn(`jobs still running after ${env.WORKER_SHUTDOWN_TIMEOUT_MS} ms; closing without them`);
        await worker.close(true);
      }
      await Promise.all(queues.map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
      await markWorkerStopped(prisma, identity.id).catch((error: unknown) =>
        log.warn(`could not mark the worker stopped: ${error instanceof Error ? error.message : error}`),
      );
      log.info("stopped");
    })();
    return stopping;
  };
  return { id: identity.id, slots, stop };
}
