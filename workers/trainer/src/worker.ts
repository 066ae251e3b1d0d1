import { ArtifactStoreConfigError, openArtifactStore } from "@bytelab/artifacts";
import { bytelabHome } from "@bytelab/data/env";
import { getPool, getPrisma, markWorkerStopped, registerWorker } from "@bytelab/db/runtime";
import { JOB_NAMES, openTrainQueue, QUEUE_NAMES, requeueOrphans } from "@bytelab/queue";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { CancelWatcher } from "./cancel-watch";
import { ChildPool } from "./child/pool";
import { childPlacements, defaultSlots, resolveDevices } from "./devices";
import { type WorkerEnv, WorkerEnvError } from "./env";
import { startHeartbeat } from "./heartbeat";
import { workerIdentity, workerVersion } from "./identity";
import { pingJob } from "./jobs/ping";
import { createJobRegistry, type JobRegistry } from "./jobs/registry";
import { createTrainJob } from "./jobs/train";
import type { TrainServices } from "./jobs/train-services";
import { createLogger, type Logger } from "./logger";
import { createProcessor } from "./processor";
import { waitForLostRuns } from "./runs/lost-runs";
import { requeueLostRunningRuns } from "./runs/reconcile-running";
import { removeStaleWorkFolders } from "./runs/run-folder";
import { failStalledOutRun, STALLED_OUT_REASON } from "./runs/stalled-out";

/** The queue training jobs arrive on (QUEUE_NAMES.train; WORKER_QUEUE overrides it). */
export const TRAIN_QUEUE = QUEUE_NAMES.train;

export interface RunningTrainerWorker {
  id: string;
  slots: number;
  /**
   * Graceful stop: take no new jobs; ask every training child to checkpoint and hand its run back
   * (RUNNING -> QUEUED, job back to wait); then close the BullMQ worker, queues and Redis, and mark the
   * worker STOPPED. Children still busy after WORKER_SHUTDOWN_TIMEOUT_MS are killed (their jobs come back
   * through stalled-job recovery).
   */
  stop(): Promise<void>;
}

/** Registers in Postgres, heartbeats, and consumes the train queue until `stop()`. */
export async function startTrainerWorker(
  env: WorkerEnv,
  opts: { registry?: JobRegistry; log?: Logger; queueName?: string } = {},
): Promise<RunningTrainerWorker> {
  const identity = workerIdentity(env.WORKER_ID);
  const log = opts.log ?? createLogger(identity.id);
  const home = bytelabHome({ BYTELAB_HOME: env.BYTELAB_HOME });
  let store: ReturnType<typeof openArtifactStore>;
  try {
    store = openArtifactStore(env.BYTELAB_ARTIFACTS, { home });
  } catch (error) {
    if (error instanceof ArtifactStoreConfigError)
      throw new WorkerEnvError([`BYTELAB_ARTIFACTS: ${error.message}`]);
    throw error;
  }
  // Slots follow what really runs: each visible GPU is verified by a probe process pinned to it.
  const detected = await resolveDevices(env);
  const slots = env.WORKER_SLOTS ?? defaultSlots(detected);
  for (const note of detected.gpuNotes) log.warn(`GPU not used: ${note}`);
  const prisma = getPrisma(env.DATABASE_URL);
  const register = async () => {
    await registerWorker(prisma, { ...identity, devices: detected.devices, slots, version: workerVersion() });
  };
  await register();
  const device = detected.devices.map((d) => d.name).join(", ");
  log.info(
    `registered (pid ${identity.pid}, ${slots} slot${slots === 1 ? "" : "s"}, ${device}; artifacts in ${store.url})`,
  );
  // Work folders of attempts that ended without this worker (it was killed) go now.
  await removeStaleWorkFolders(prisma, home, log).catch((e: unknown) =>
    log.warn(`could not clean old work folders: ${(e as Error).message}`),
  );
  const heartbeat = startHeartbeat({
    prisma,
    workerId: identity.id,
    intervalMs: env.WORKER_HEARTBEAT_MS,
    reregister: register,
    log,
  });

  const queueName = opts.queueName ?? env.WORKER_QUEUE;
  const cancels = await CancelWatcher.start(env.REDIS_URL, env.WORKER_CANCEL_POLL_MS, log);
  // WORKER_SLOTS tells the native kernels of each child how many runs share the cores (threads = cores / slots).
  const children = new ChildPool(
    log,
    childPlacements(detected).map((p) => ({ ...p, env: { ...p.env, WORKER_SLOTS: String(slots) } })),
  );
  const services: TrainServices = {
    workerId: identity.id,
    prisma,
    metricsTarget: getPool(env.DATABASE_URL),
    home,
    store,
    children,
    cancels,
    sessions: new Map(),
    draining: false,
    env,
    log,
  };
  const registry = opts.registry ?? createJobRegistry([pingJob, createTrainJob(services)]);

  // BullMQ needs maxRetriesPerRequest: null on the connection of a blocking worker.
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on("error", (error) => log.warn(`redis: ${error.message}`));
  const worker = new Worker(queueName, createProcessor(registry, identity.id, log), {
    connection,
    concurrency: slots,
    autorun: false, // started below, once runs lost by dead workers are back in the queue
    lockDuration: env.WORKER_LOCK_DURATION_MS,
    stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: env.WORKER_MAX_STALLED_COUNT,
  });
  worker.on("failed", (job, error) => {
    log.warn(`job ${job?.id} (${job?.name}) failed: ${error.message}`);
    if (job?.name === JOB_NAMES.train && error.message === STALLED_OUT_REASON && job.id)
      void failStalledOutRun(prisma, job.id, env.WORKER_MAX_STALLED_COUNT).catch((e: unknown) =>
        log.error(`run ${job.id}: could not mark it FAILED: ${(e as Error).message}`),
      );
  });
  worker.on("error", (error) => log.error(`worker: ${error.message}`));
  // Our lock is gone (Redis lost it, or we were frozen past it): another worker may own the job now.
  worker.on("lockRenewalFailed", (jobIds: string[]) => {
    for (const id of jobIds) services.sessions.get(id)?.requestStop("lock-lost");
  });
  await worker.waitUntilReady();
  if (env.WORKER_PREWARM) void children.prewarm(slots);
  // Let the stalled check give back the runs of dead workers first: this worker (often their replacement)
  // then resumes them instead of starting fresh runs while they wait for a free slot.
  // The stalled check runs from now, not from worker.run(): a lone replacement worker is the one that must
  // notice the lost runs' expired locks, or it waits out maxWaitMs for a check nobody runs.
  await worker.startStalledCheckTimer();
  const lostQueue = openTrainQueue({ redisUrl: env.REDIS_URL, name: queueName });
  const lost = await waitForLostRuns(prisma, lostQueue, {
    silentForMs: Math.max(3 * env.WORKER_HEARTBEAT_MS, 3_000),
    maxWaitMs: env.WORKER_LOCK_DURATION_MS + 2 * env.WORKER_STALLED_INTERVAL_MS + 1_000,
  })
    .catch(() => 0)
    .finally(() => lostQueue.close().catch(() => {}));
  if (lost > 0) log.info(`${lost} run(s) of workers that stopped heartbeating are back in the queue`);
  void worker.run().catch((error: unknown) => log.error(`worker: ${(error as Error).message}`));
  log.info(`listening on queue "${queueName}"`);

  /** Queues this worker produces to: the reconciler's handle on the train queue. */
  const queues: { close(): Promise<void> }[] = [];
  let reconciler: NodeJS.Timeout | undefined;
  if (env.WORKER_REQUEUE_INTERVAL_MS > 0) {
    const trainQueue = openTrainQueue({ redisUrl: env.REDIS_URL, name: queueName });
    queues.push(trainQueue);
    let failing = 0;
    reconciler = setInterval(() => {
      requeueLostRunningRuns(prisma, trainQueue, { olderThanMs: env.WORKER_REQUEUE_INTERVAL_MS })
        .then((moved) => {
          if (moved.length) log.warn(`queued again ${moved.length} RUNNING run(s) whose job Redis had lost`);
          return requeueOrphans(prisma, trainQueue, { olderThanMs: env.WORKER_REQUEUE_INTERVAL_MS });
        })
        .then((r) => {
          if (failing > 0) log.info(`requeue check works again (after ${failing} failed tick(s))`);
          failing = 0;
          const n = r.added.length + r.replaced.length;
          if (n > 0) log.info(`re-added the missing jobs of ${n} QUEUED run(s)`);
        })
        .catch((error: unknown) => {
          // Postgres or Redis away, or a bug: say so (QUEUED runs without a job wait meanwhile); the next
          // tick tries again.
          failing += 1;
          log.warn(
            `requeue check failed (QUEUED runs whose job is missing are not re-added until it works; ` +
              `next try in ${env.WORKER_REQUEUE_INTERVAL_MS} ms): ${oneLine(error)}`,
          );
        });
    }, env.WORKER_REQUEUE_INTERVAL_MS);
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const running = services.sessions.size;
      log.info(`shutting down${running ? `: handing back ${running} running job(s)` : ""}`);
      clearInterval(reconciler);
      services.draining = true;
      const closed = worker.close(); // takes no new job from here on; resolves when the processors return
      for (const session of services.sessions.values()) session.requestStop("shutdown");
      const within = (ms: number) =>
        Promise.race([
          closed.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
        ]);
      if (!(await within(env.WORKER_SHUTDOWN_TIMEOUT_MS))) {
        log.warn(
          `jobs still running after ${env.WORKER_SHUTDOWN_TIMEOUT_MS} ms; killing their training processes`,
        );
        for (const child of children.busy()) child.kill();
        if (!(await within(5_000))) await worker.close(true);
      }
      await children.close();
      await cancels.close();
      await Promise.all(queues.map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
      await store.close().catch(() => {});
      await heartbeat.stop();
      await markWorkerStopped(prisma, identity.id).catch((error: unknown) =>
        log.warn(`could not mark the worker stopped: ${error instanceof Error ? error.message : error}`),
      );
      log.info("stopped");
    })();
    return stopping;
  };
  return { id: identity.id, slots, stop };
}

/** An error as one log line: its non-empty message lines joined (Prisma's begin with an empty line). */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const joined = lines.join(" / ");
  return joined.length > 400 ? `${joined.slice(0, 400)}…` : joined;
}
