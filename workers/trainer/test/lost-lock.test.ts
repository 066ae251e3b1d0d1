import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrismaClient, disconnectPrisma, migrate, type PrismaClient } from "@bytelab/db";
import { openTrainQueue, submitSweep, type TrainQueue } from "@bytelab/queue";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "@bytelab/db/testing";
import { type RunningTrainerWorker, startTrainerWorker } from "../src/worker";
import { memoryLog, metricSteps, range, testWorkerEnv, tinySweep, waitFor } from "./helpers";

// A worker whose job lock disappears (Redis lost it, or the worker froze past it) must stop training at
// once: BullMQ will give the job to someone else. Stalled-job recovery brings the job back; the run is taken
// over and resumed from the checkpoint written on the way out. A job that stalls more often than
// WORKER_MAX_STALLED_COUNT fails, and so does its run.

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let prisma: PrismaClient;
let trainQueue: TrainQueue;
let queueName: string;
let home: string;
let worker: RunningTrainerWorker | undefined;

beforeAll(async () => {
  db = await createEmptyDatabase("trainer_lost_lock");
  await migrate(db.url);
  prisma = createPrismaClient(db.url);
  home = mkdtempSync(join(tmpdir(), "bytelab-lost-lock-"));
  queueName = `lost-lock-${randomBytes(4).toString("hex")}`;
  trainQueue = openTrainQueue({ redisUrl: inject("redisUrl"), name: queueName });
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  await trainQueue?.queue.obliterate({ force: true }).catch(() => {});
  await trainQueue?.close();
  await prisma?.$disconnect();
  await disconnectPrisma();
  await db?.drop();
  rmSync(home, { recursive: true, force: true });
});

async function start(maxStalled: number, log = memoryLog()) {
  worker = await startTrainerWorker(
    testWorkerEnv({
      DATABASE_URL: db.url,
      REDIS_URL: inject("redisUrl"),
      WORKER_ID: `lost-lock-${maxStalled}`,
      WORKER_QUEUE: queueName,
      WORKER_SLOTS: "1",
      BYTELAB_HOME: home,
      WORKER_LOCK_DURATION_MS: "2000",
      WORKER_STALLED_INTERVAL_MS: "500",
      WORKER_MAX_STALLED_COUNT: String(maxStalled),
      WORKER_METRICS_FLUSH_MS: "100",
    }),
    { log },
  );
  return log;
}

/** Deletes the job's lock in Redis, as a Redis that lost it would. */
async function dropLock(runId: string) {
  await trainQueue.redis.del(`bull:${queueName}:${runId}:lock`);
}

async function finished(runId: string) {
  return waitFor(
    `run ${runId} to finish`,
    async () => {
      const r = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return ["QUEUED", "RUNNING"].includes(r.status) ? null : r;
    },
    60_000,
  );
}

describe("a worker that loses its job's lock", () => {
  it("stops training; the job comes back as stalled and the run resumes and completes", async () => {
    const log = await start(1);
    const { created } = await submitSweep(prisma, trainQueue, tinySweep("lost-lock", { steps: 300 }));
    const runId = created[0]!.runId;
    await waitFor(
      "some training steps",
      async () => (await metricSteps(prisma, runId, "train/loss")).length >= 5,
    );
    await dropLock(runId);
    const run = await finished(runId);
    expect(run.status, log.lines.join("\n")).toBe("COMPLETED");
    expect(log.lines.join("\n")).toMatch(/stopped at step \d+: this worker lost the job's lock/);
    const events = await prisma.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.message)).toContainEqual(expect.stringMatching(/lost this run .*resumes it/));
    expect(events.map((e) => e.message)).toContainEqual(expect.stringMatching(/^resumed at step [1-9]/));
    expect(await metricSteps(prisma, runId, "train/loss")).toEqual(range(1, 300));
    expect((await trainQueue.queue.getJob(runId))?.stalledCounter).toBe(1);
  });

  it("fails the run when its job stalled more often than WORKER_MAX_STALLED_COUNT allows", async () => {
    await start(0);
    const { created } = await submitSweep(
      prisma,
      trainQueue,
      tinySweep("stalled-out", { steps: 300, seeds: [1] }),
    );
    const runId = created[0]!.runId;
    await waitFor(
      "some training steps",
      async () => (await metricSteps(prisma, runId, "train/loss")).length >= 5,
    );
    await dropLock(runId);
    const run = await finished(runId);
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatch(/the workers training this run were lost more than 0 times/);
    expect(await trainQueue.queue.getJobState(runId)).toBe("failed");
  });
});
