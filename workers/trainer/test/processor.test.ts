import { randomBytes } from "node:crypto";
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { pingJob } from "../src/jobs/ping";
import { createJobRegistry, defineJob } from "../src/jobs/registry";
import type { Logger } from "../src/logger";
import { createProcessor } from "../src/processor";

// The processor on a real BullMQ queue in the test run's Redis.

const warnings: string[] = [];
const log: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
const queueName = `processor-test-${randomBytes(4).toString("hex")}`;
let connection: Redis;
let queue: Queue;
let events: QueueEvents;
let worker: Worker;

const doubled: number[] = [];
const doubleJob = defineJob({ name: "double", payload: z.object({ n: z.number().int() }) }, async (data) => {
  doubled.push(data.n);
  return data.n * 2;
});

beforeAll(async () => {
  connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  queue = new Queue(queueName, { connection });
  events = new QueueEvents(queueName, { connection: { url: inject("redisUrl") } });
  const registry = createJobRegistry([pingJob, doubleJob]);
  worker = new Worker(queueName, createProcessor(registry, "worker-under-test", log), { connection });
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
});

afterAll(async () => {
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

async function failure(jobId: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const poll = async () => {
      const job = jobId ? await queue.getJob(jobId) : undefined;
      if (job?.failedReason) resolve(job.failedReason);
      else setTimeout(poll, 50);
    };
    void poll();
  });
}

describe("job processor", () => {
  it("runs the ping placeholder and returns its reply", async () => {
    const job = await queue.add("ping", { message: "hello" });
    const result = await job.waitUntilFinished(events, 10_000);
    expect(result).toMatchObject({ pong: "hello", workerId: "worker-under-test" });
  });

  it("validates data with the job's schema before the handler sees it", async () => {
    const job = await queue.add("double", { n: 21 });
    expect(await job.waitUntilFinished(events, 10_000)).toBe(42);
    const bad = await queue.add("double", { n: "21" }, { attempts: 3 });
    expect(await failure(bad.id)).toMatch(/invalid data for job "double": n: /);
    const stored = await queue.getJob(bad.id!);
    expect(stored?.attemptsMade, "no retries for data that can never be valid").toBe(1);
    expect(doubled).toEqual([21]);
  });

  it("drops unknown job names with a warning, without retries", async () => {
    const job = await queue.add("train-v0", { x: 1 }, { attempts: 5 });
    expect(await failure(job.id)).toMatch(/unknown job name "train-v0"; this worker knows: ping, double/);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
    expect(warnings.some((w) => w.includes(`dropping job ${job.id}: unknown job name "train-v0"`))).toBe(
      true,
    );
  });

  it("refuses a registry with two jobs of the same name", () => {
    expect(() => createJobRegistry([doubleJob, doubleJob])).toThrow(/"double" is defined twice/);
  });
});
