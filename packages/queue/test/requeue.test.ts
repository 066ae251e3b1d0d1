import { randomBytes } from "node:crypto";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/services/free-port";
import { openTrainQueue, requeueOrphans, submitSweep, trainJobPayloadSchema } from "../src";
import { openTestEnv, type QueueTestEnv, smallSweep } from "./helpers";

let env: QueueTestEnv;
beforeAll(async () => {
  env = await openTestEnv("queue_requeue");
});
afterAll(async () => env?.close());

describe("Redis failing after the database commit", () => {
  it("keeps the runs QUEUED with a warning, and requeueOrphans adds exactly the missing jobs", async () => {
    const down = openTrainQueue({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      name: env.trainQueue.queue.name,
    });
    try {
      const result = await submitSweep(env.prisma, down, smallSweep("outage"), { timeoutMs: 1000 });
      expect(result.created).toHaveLength(8);
      expect(result.enqueued).toBe(0);
      expect(result.enqueueError).toMatch(/could not add 8 training job/);
      const runs = await env.prisma.run.findMany({ where: { sweepId: result.sweep.id } });
      expect(runs.every((r) => r.status === "QUEUED")).toBe(true);
      const warnings = await env.prisma.runEvent.findMany({
        where: { level: "WARN", runId: { in: runs.map((r) => r.id) } },
      });
      expect(warnings).toHaveLength(8);
      expect(warnings[0]!.message).toContain("requeueOrphans");
      for (const run of runs) expect(await env.trainQueue.queue.getJobState(run.id)).toBe("unknown");

      const healed = await requeueOrphans(env.prisma, env.trainQueue);
      expect(healed.checked).toBe(8);
      expect(healed.added.sort()).toEqual(runs.map((r) => r.id).sort());
      expect(healed.replaced).toEqual([]);
      for (const run of runs) {
        const job = (await env.trainQueue.queue.getJob(run.id))!;
        const data = trainJobPayloadSchema.parse(job.data);
        expect(data).toMatchObject({ runId: run.id, sweepId: result.sweep.id, configHash: run.configHash });
        expect(data.enqueue.reason).toBe("requeue");
      }
      const again = await requeueOrphans(env.prisma, env.trainQueue);
      expect(again).toEqual({ checked: 8, added: [], replaced: [] });
    } finally {
      await down.close();
    }
  });

  it("replaces a job that finished while its run is QUEUED (handed back), and skips recent runs when asked", async () => {
    const result = await submitSweep(env.prisma, env.trainQueue, {
      ...smallSweep("handback", [7e-4]),
      seeds: [0],
    });
    const runIds = result.created.map((c) => c.runId);
    expect(runIds).toHaveLength(2);
    // A consumer completes both jobs without touching the runs (as if the worker died after handing back).
    const done = new Set<string>();
    const worker = new Worker(env.trainQueue.queue.name, async (job) => void done.add(job.id!), {
      connection: { url: env.redisUrl, maxRetriesPerRequest: null },
      name: `w-${randomBytes(2).toString("hex")}`,
    });
    // The queue also holds the 8 jobs of the previous test; wait until ours are done.
    for (let i = 0; i < 200 && !runIds.every((id) => done.has(id)); i++)
      await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    for (const id of runIds) expect(await env.trainQueue.queue.getJobState(id)).toBe("completed");

    expect((await requeueOrphans(env.prisma, env.trainQueue, { olderThanMs: 3_600_000 })).checked).toBe(0);
    const healed = await requeueOrphans(env.prisma, env.trainQueue);
    expect(healed.replaced.sort()).toEqual(expect.arrayContaining(runIds.sort()));
    for (const id of runIds) expect(await env.trainQueue.queue.getJobState(id)).toBe("prioritized");
  });
});
