import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { submitSweep } from "@bytelab/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/services/free-port";
import { type RedisServerHandle, startRedisServer } from "../../scripts/services/redis-server";
import { metricSteps, range, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "./helpers/worker-process";

// (b) Redis (append-only file on) restarts in the middle of a sweep: workers and producers reconnect, no
// job is lost, every run completes with all its metrics.

const RUNS = 6;
const STEPS = 60;
let dir: string;
let port: number;
let redis: RedisServerHandle;
let env: ReliabilityEnv;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bytelab-redis-restart-"));
  port = await freePort();
  redis = await startRedisServer({ port, dataDir: join(dir, "redis") });
  env = await openReliabilityEnv("redis_restart", { redisUrl: redis.url });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await env?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a Redis restart during a sweep", () => {
  it("loses no job: all runs complete", async () => {
    const started = Date.now();
    const vars = fastWorkerEnv(workerVars(env));
    workers.push(...(await Promise.all(["redis-a", "redis-b"].map((id) => startWorkerProcess(id, vars)))));
    const { created } = await submitSweep(
      env.prisma,
      env.trainQueue,
      tinySweep("redis-restart", { steps: STEPS, seeds: range(0, RUNS - 1) }),
    );
    expect(created).toHaveLength(RUNS);
    const runIds = created.map((c) => c.runId);
    await waitFor(
      "both workers to be training",
      async () => (await env.prisma.run.count({ where: { status: "RUNNING" } })) === 2,
    );

    // SIGTERM: Redis writes its append-only file and exits; then the same port and data folder again.
    const down = Date.now();
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    redis = await startRedisServer({ port, dataDir: join(dir, "redis") });
    const downMs = Date.now() - down;
    const inFlight = await env.prisma.run.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } });

    await waitFor(
      "every run to finish",
      async () => (await env.prisma.run.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } })) === 0,
      120_000,
      250,
    );
    const runs = await env.prisma.run.findMany({ select: { id: true, status: true, error: true } });
    expect(
      runs.filter((r) => r.status !== "COMPLETED"),
      workers.map((w) => w.output()).join("\n"),
    ).toEqual([]);
    for (const runId of runIds)
      expect(await metricSteps(env.prisma, runId, "train/loss")).toEqual(range(1, STEPS));
    await waitFor(
      "every job to be completed in BullMQ",
      async () => (await env.trainQueue.queue.getJobCounts("completed")).completed === RUNS,
      10_000,
    );
    expect(await env.trainQueue.queue.getJobCounts("failed", "wait", "active", "delayed")).toEqual({
      failed: 0,
      wait: 0,
      active: 0,
      delayed: 0,
    });
    console.log(
      `[reliability] redis-restart: Redis away ${downMs} ms with ${inFlight} of ${RUNS} runs unfinished; ` +
        `all done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
