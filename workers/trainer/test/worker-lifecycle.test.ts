import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { migrate } from "@bytelab/db";
import { disconnectPrisma, getPrisma, listWorkers } from "@bytelab/db/runtime";
import { Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "@bytelab/db/testing";
import { loadWorkerEnv } from "../src/env";
import type { Logger } from "../src/logger";
import { startTrainerWorker } from "../src/worker";

// A real worker against a migrated Postgres database and the test run's Redis.

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  db = await createEmptyDatabase("trainer_lifecycle");
  await migrate(db.url);
});

afterAll(async () => {
  await disconnectPrisma();
  await db.drop();
});

describe("trainer worker lifecycle", () => {
  it("registers, heartbeats, serves the queue, and marks itself STOPPED on stop()", async () => {
    const queueName = `lifecycle-${randomBytes(4).toString("hex")}`;
    const running = await startTrainerWorker(
      loadWorkerEnv({
        DATABASE_URL: db.url,
        REDIS_URL: inject("redisUrl"),
        WORKER_ID: "lifecycle-worker",
        WORKER_SLOTS: "2",
        WORKER_HEARTBEAT_MS: "100",
        WORKER_SHUTDOWN_TIMEOUT_MS: "5000",
        CUDA_VISIBLE_DEVICES: "-1",
      }),
      { log: quiet, queueName },
    );
    const prisma = getPrisma(db.url);
    const first = await prisma.worker.findUniqueOrThrow({ where: { id: "lifecycle-worker" } });
    expect(first).toMatchObject({ status: "ONLINE", slots: 2, pid: process.pid });
    expect(first.version).toMatch(/^\d+\.\d+\.\d+/);

    await new Promise((r) => setTimeout(r, 400));
    const later = await prisma.worker.findUniqueOrThrow({ where: { id: "lifecycle-worker" } });
    expect(later.lastHeartbeatAt.getTime()).toBeGreaterThan(first.lastHeartbeatAt.getTime());
    expect((await listWorkers(prisma, { aliveWithinMs: 5_000 })).map((w) => w.id)).toContain(
      "lifecycle-worker",
    );

    const queue = new Queue(queueName, { connection: { url: inject("redisUrl") } });
    const events = new QueueEvents(queueName, { connection: { url: inject("redisUrl") } });
    await events.waitUntilReady();
    const job = await queue.add("ping", { message: "are you there" });
    expect(await job.waitUntilFinished(events, 10_000)).toMatchObject({
      pong: "are you there",
      workerId: "lifecycle-worker",
    });

    await running.stop();
    const stopped = await prisma.worker.findUniqueOrThrow({ where: { id: "lifecycle-worker" } });
    expect(stopped.status).toBe("STOPPED");
    expect(stopped.stoppedAt).not.toBeNull();
    expect(await listWorkers(prisma, { aliveWithinMs: 60_000 })).toEqual([]);
    // Stopped means stopped: a job enqueued now stays waiting.
    await queue.add("ping", {});
    await new Promise((r) => setTimeout(r, 300));
    expect(await queue.getWaitingCount()).toBe(1);

    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it("the process exits 2 with the variables named when its environment is invalid", async () => {
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: "mysql://nope", WORKER_SLOTS: "many" };
    delete env.REDIS_URL;
    const child = spawn(process.execPath, ["--import", "tsx", main], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c));
    child.stderr.on("data", (c: Buffer) => (output += c));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(code).toBe(2);
    expect(output).toContain("DATABASE_URL: DATABASE_URL must start with postgres://");
    expect(output).toContain("REDIS_URL: REDIS_URL is not set");
    expect(output).toContain("WORKER_SLOTS: WORKER_SLOTS must be a whole number >= 1");
  });
});
