import { randomBytes } from "node:crypto";
import { type PrismaClient, transitionRun } from "@bytelab/db";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CancelSignal,
  cancelKey,
  cancelRequested,
  cancelRun,
  cancelSweep,
  openTrainQueue,
  SweepNotFoundError,
  submitSweep,
  watchCancellations,
} from "../src";
import { openTestEnv, type QueueTestEnv, smallSweep } from "./helpers";

let env: QueueTestEnv;
let subscriber: Redis;
const received: CancelSignal[] = [];
let unsubscribe: () => Promise<void>;
beforeAll(async () => {
  env = await openTestEnv("queue_cancel");
  subscriber = new Redis(env.redisUrl);
  unsubscribe = await watchCancellations(subscriber, (s) => received.push(s));
});
afterAll(async () => {
  await unsubscribe?.();
  await subscriber?.quit();
  await env?.close();
});

const waitFor = async (predicate: () => boolean) => {
  for (let i = 0; i < 100 && !predicate(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe("cancelRun", () => {
  it("cancels a waiting run: CANCELLED via the status machine, job removed, key set, signal published", async () => {
    const { created } = await submitSweep(env.prisma, env.trainQueue, {
      ...smallSweep("c1", [1e-3, 2e-3]),
      seeds: [0],
    });
    const runId = created[0]!.runId;
    expect(await cancelRequested(env.trainQueue.redis, runId)).toBeNull();

    const result = await cancelRun(env.prisma, env.trainQueue, runId, { reason: "not needed" });
    expect(result).toEqual({
      runId,
      previous: "QUEUED",
      status: "CANCELLED",
      cancelled: true,
      jobRemoved: true,
      signalled: true,
    });
    expect(await env.trainQueue.queue.getJobState(runId)).toBe("unknown");
    const run = await env.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("CANCELLED");
    expect(run.finishedAt).toBeInstanceOf(Date);
    const event = await env.prisma.runEvent.findFirstOrThrow({ where: { runId, kind: "STATUS" } });
    expect(event.message).toBe("QUEUED -> CANCELLED: not needed");
    expect(await cancelRequested(env.trainQueue.redis, runId)).toMatchObject({ runId, reason: "not needed" });
    expect(await env.trainQueue.redis.ttl(cancelKey(runId))).toBeGreaterThan(6 * 24 * 3600);
    await waitFor(() => received.some((s) => s.runId === runId));
    expect(received.find((s) => s.runId === runId)).toMatchObject({ reason: "not needed" });
    // The other runs of the sweep keep their jobs.
    for (const c of created.slice(1))
      expect(await env.trainQueue.queue.getJobState(c.runId)).toBe("prioritized");
  });

  it("signals a RUNNING run (the worker stops it) and leaves finished runs alone", async () => {
    const { created } = await submitSweep(env.prisma, env.trainQueue, {
      ...smallSweep("c2", [3e-3, 4e-3]),
      seeds: [0],
    });
    const [running, finished] = created.map((c) => c.runId) as [string, string];
    await transitionRun(env.prisma, running, "RUNNING", { from: "QUEUED" });
    const r = await cancelRun(env.prisma, env.trainQueue, running);
    expect(r).toMatchObject({ previous: "RUNNING", status: "CANCELLED", cancelled: true, signalled: true });
    expect(await cancelRequested(env.trainQueue.redis, running)).toMatchObject({
      runId: running,
      reason: null,
    });

    await transitionRun(env.prisma, finished, "RUNNING");
    await transitionRun(env.prisma, finished, "COMPLETED");
    const f = await cancelRun(env.prisma, env.trainQueue, finished);
    expect(f).toMatchObject({
      previous: "COMPLETED",
      status: "COMPLETED",
      cancelled: false,
      signalled: false,
    });
    expect(await cancelRequested(env.trainQueue.redis, finished)).toBeNull();
    // Cancelling twice is a no-op.
    expect((await cancelRun(env.prisma, env.trainQueue, running)).cancelled).toBe(false);
  });

  it("leaves a run alone that its worker completes between the cancel's read and its write", async () => {
    const { created } = await submitSweep(env.prisma, env.trainQueue, {
      ...smallSweep("c5", [8e-3]),
      seeds: [0],
    });
    const runId = created[0]!.runId;
    await transitionRun(env.prisma, runId, "RUNNING", { from: "QUEUED" });
    // The worker's COMPLETED lands right after cancelRun read RUNNING (forced: on a loaded machine it happens
    // by itself now and then).
    let reads = 0;
    const racing = env.prisma.$extends({
      query: {
        run: {
          async findUnique({ args, query }) {
            const row = await query(args);
            if (reads++ === 0) await transitionRun(env.prisma, runId, "COMPLETED", { from: "RUNNING" });
            return row;
          },
        },
      },
    }) as unknown as PrismaClient;
    const r = await cancelRun(racing, env.trainQueue, runId, { reason: "too late" });
    expect(r).toMatchObject({ previous: "RUNNING", status: "COMPLETED", cancelled: false, signalled: false });
    expect((await env.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("COMPLETED");
    expect(await cancelRequested(env.trainQueue.redis, runId)).toBeNull();
  });
});

describe("cancelling a run a worker holds", () => {
  it("leaves the active job (locked by its worker) in place and signals the worker", async () => {
    const q = openTrainQueue({ redisUrl: env.redisUrl, name: `active-${randomBytes(3).toString("hex")}` });
    const spec = { ...smallSweep("c4", [7e-3]), seeds: [0] };
    spec.architectures = spec.architectures.slice(0, 1);
    const { created } = await submitSweep(env.prisma, q, spec);
    const runId = created[0]!.runId;
    let release = () => {};
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const worker = new Worker(
      q.queue.name,
      async (job) => {
        await transitionRun(env.prisma, job.id!, "RUNNING", { from: "QUEUED" });
        started();
        // Trains until told to stop (a real worker polls cancelRequested at each log interval).
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return (await cancelRequested(q.redis, job.id!)) ? "cancelled" : "done";
      },
      { connection: { url: env.redisUrl, maxRetriesPerRequest: null } },
    );
    try {
      await running;
      const r = await cancelRun(env.prisma, q, runId, { reason: "stop" });
      expect(r).toMatchObject({
        previous: "RUNNING",
        status: "CANCELLED",
        jobRemoved: false,
        signalled: true,
      });
      expect(await q.queue.getJobState(runId)).toBe("active");
      release();
      for (let i = 0; i < 100 && (await q.queue.getJobState(runId)) === "active"; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect((await q.queue.getJob(runId))!.returnvalue).toBe("cancelled");
    } finally {
      release();
      await worker.close();
      await q.queue.obliterate({ force: true });
      await q.close();
    }
  });
});

describe("cancelSweep", () => {
  it("cancels every waiting or running run of the sweep and removes their waiting jobs", async () => {
    const { sweep, created } = await submitSweep(env.prisma, env.trainQueue, smallSweep("c3", [5e-3, 6e-3]));
    const results = await cancelSweep(env.prisma, env.trainQueue, sweep.id, { reason: "superseded" });
    expect(results).toHaveLength(created.length);
    expect(results.every((r) => r.cancelled && r.jobRemoved)).toBe(true);
    expect(await env.prisma.run.count({ where: { sweepId: sweep.id, status: { not: "CANCELLED" } } })).toBe(
      0,
    );
    for (const c of created) expect(await env.trainQueue.queue.getJobState(c.runId)).toBe("unknown");
    await expect(cancelSweep(env.prisma, env.trainQueue, "nope")).rejects.toBeInstanceOf(SweepNotFoundError);
  });

  it("a cancelled config is not reused: submitting it again creates a new run", async () => {
    const again = await submitSweep(env.prisma, env.trainQueue, smallSweep("c3", [5e-3, 6e-3]));
    expect(again.existing).toBe(false);
    expect(again.created).toHaveLength(8);
  });
});
