import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createPrismaClient, disconnectPrisma, migrate, type PrismaClient } from "@bytelab/db";
import { expandSpec } from "@bytelab/experiments";
import { openTrainQueue, submitSweep, type TrainQueue } from "@bytelab/queue";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "@bytelab/db/testing";
import { type RunningTrainerWorker, startTrainerWorker } from "../src/worker";
import { memoryLog, metricSteps, range, testWorkerEnv, TINY_MODEL, tinySweep, waitFor } from "./helpers";

// The train job end to end in one worker (in this process; training in its child process), on a migrated
// database of its own and a queue of its own in the test run's Redis.

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let prisma: PrismaClient;
let trainQueue: TrainQueue;
let worker: RunningTrainerWorker;
let home: string;
const log = memoryLog();

beforeAll(async () => {
  db = await createEmptyDatabase("trainer_train_job");
  await migrate(db.url);
  prisma = createPrismaClient(db.url);
  home = mkdtempSync(join(tmpdir(), "bytelab-train-job-"));
  const queueName = `train-job-${randomBytes(4).toString("hex")}`;
  trainQueue = openTrainQueue({ redisUrl: inject("redisUrl"), name: queueName });
  worker = await startTrainerWorker(
    testWorkerEnv({
      DATABASE_URL: db.url,
      REDIS_URL: inject("redisUrl"),
      WORKER_ID: "train-job-worker",
      WORKER_QUEUE: queueName,
      WORKER_SLOTS: "1",
      BYTELAB_HOME: home,
      WORKER_CANCEL_POLL_MS: "200",
      WORKER_METRICS_FLUSH_MS: "100",
    }),
    { log },
  );
});

afterAll(async () => {
  await worker?.stop();
  await trainQueue?.queue.obliterate({ force: true }).catch(() => {});
  await trainQueue?.close();
  await prisma?.$disconnect();
  await disconnectPrisma();
  await db?.drop();
  rmSync(home, { recursive: true, force: true });
});

async function runInStatus(runId: string, statuses: string[], timeoutMs = 60_000) {
  return waitFor(
    `run ${runId} to reach ${statuses.join(" or ")}`,
    async () => {
      const run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return statuses.includes(run.status) ? run : null;
    },
    timeoutMs,
  );
}

/** Adds a train job by hand (for configs submitSweep would refuse, and for custom attempts/backoff). */
async function addRunWithJob(
  config: Record<string, unknown>,
  jobOpts: { attempts: number; backoffMs: number },
) {
  const run = await prisma.run.create({
    data: {
      name: "hand-made",
      status: "QUEUED",
      architecture: String(config.architecture),
      config: config as object,
      configHash: "0".repeat(64),
      seed: 0,
    },
  });
  await trainQueue.queue.add(
    "train",
    {
      runId: run.id,
      sweepId: null,
      configHash: "0".repeat(64),
      config: config as never,
      earlyStopping: null,
      enqueue: { reason: "submit", at: new Date().toISOString() },
    },
    { jobId: run.id, attempts: jobOpts.attempts, backoff: { type: "fixed", delay: jobOpts.backoffMs } },
  );
  return run.id;
}

describe("train job", () => {
  it("trains a run to COMPLETED: every metric step once, metadata, checkpoints as artifacts, summary", async () => {
    const { created } = await submitSweep(prisma, trainQueue, tinySweep("complete", { steps: 25 }));
    const runId = created[0]!.runId;
    const run = await runInStatus(runId, ["COMPLETED", "FAILED", "DIVERGED"]);
    expect(run.status, run.error ?? "").toBe("COMPLETED");
    expect(run).toMatchObject({ attempts: 1, workerId: "train-job-worker" });
    expect(Number(run.paramCount)).toBeGreaterThan(1000);
    expect(run.flopsPerByte).toBeGreaterThan(0);
    expect(run.backend).toMatch(/^(wasm|cpu|tensorflow)/);
    expect(run.device).toMatch(/^cpu: /);
    // "wasm, CPU": the environment says where the kernels ran, verified (no GPU here).
    expect(run.environment).toMatchObject({
      deviceKind: "cpu",
      device: run.device,
      cuda: null,
      probeGflops: null,
    });

    expect(await metricSteps(prisma, runId, "train/loss")).toEqual(range(1, 25));
    expect(await metricSteps(prisma, runId, "val/bpb")).toEqual([10, 20, 25]);
    expect(await metricSteps(prisma, runId, "test/bpb")).toEqual([25]);
    const losses = await prisma.metricPoint.findMany({
      where: { runId, name: "train/loss" },
      orderBy: { step: "asc" },
    });
    // bytes seen = step x 32 bytes (2 x 16); cumulative FLOPs grow with them at a fixed rate per byte.
    for (const p of losses) expect(Number(p.bytesSeen)).toBe(p.step * 32);
    const perByte = losses.map((p) => p.flops! / Number(p.bytesSeen));
    for (const r of perByte) expect(r).toBeCloseTo(perByte[0]!, 6);
    expect(losses.every((p) => p.wallTime !== null && p.wallTime >= 0)).toBe(true);

    // Checkpoints (keep: 2) and the run's artifacts in the store (default: a file store at BYTELAB_HOME), each
    // written by attempt 1; the attempt's local work folder is gone.
    const artifacts = await prisma.artifact.findMany({
      where: { runId },
      orderBy: [{ kind: "asc" }, { step: "asc" }, { uri: "asc" }],
    });
    expect(artifacts.map((a) => [a.kind, a.step, a.attempt])).toEqual([
      ["CHECKPOINT", 20, 1],
      ["CHECKPOINT", 25, 1],
      ["OTHER", 25, 1],
      ["OTHER", 25, 1],
    ]);
    expect(artifacts.map((a) => a.uri.slice(pathToFileURL(home).href.length))).toEqual([
      `/runs/${runId}/checkpoints/step-000000020-a1`,
      `/runs/${runId}/checkpoints/step-000000025-a1`,
      `/runs/${runId}/a1/metrics.jsonl`,
      `/runs/${runId}/a1/run.json`,
    ]);
    for (const a of artifacts) expect(existsSync(fileURLToPath(a.uri))).toBe(true);
    expect(readFileSync(join(home, "runs", runId, "checkpoints", "latest"), "utf8")).toBe(
      "step-000000025-a1\n",
    );
    // Nothing else in the store, no work folder left.
    expect(readdirSync(join(home, "runs", runId, "checkpoints")).sort()).toEqual([
      "latest",
      "step-000000020-a1",
      "step-000000025-a1",
    ]);
    expect(existsSync(join(home, "work", `${runId}-a1`))).toBe(false);

    const events = await prisma.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    const messages = events.map((e) => e.message);
    expect(messages).toContainEqual(
      expect.stringMatching(/^training started \(attempt 1, 25 steps\) on train-job-worker/),
    );
    expect(messages).toContainEqual(expect.stringMatching(/^summary: 25 steps, 800 bytes/));
    expect(messages.at(-1)).toMatch(/^RUNNING -> COMPLETED at step 25, test bpb \d/);
    const started = events.find((e) => e.message.startsWith("training started"))!.data as Record<
      string,
      unknown
    >;
    expect(started).toMatchObject({ workerId: "train-job-worker", startStep: 0, totalSteps: 25 });
    expect(started.versions).toMatchObject({ node: process.version });

    const job = await trainQueue.queue.getJob(runId);
    expect(job?.returnvalue).toEqual({ runId, status: "COMPLETED", step: 25 });
  });

  it("records a divergence as DIVERGED with the reason, and does not retry it", async () => {
    const { created } = await submitSweep(
      prisma,
      trainQueue,
      tinySweep("diverge", { steps: 20, base: { divergence: { maxLoss: 1 } } }),
    );
    const runId = created[0]!.runId;
    const run = await runInStatus(runId, ["DIVERGED", "COMPLETED", "FAILED"]);
    expect(run.status).toBe("DIVERGED");
    expect(run.error).toMatch(/exceeds divergence\.maxLoss = 1\.000.*lower optimizer\.lr/);
    expect(await metricSteps(prisma, runId, "train/loss")).toEqual([1]);
    await waitFor(
      "the job to complete",
      async () => (await trainQueue.queue.getJobState(runId)) === "completed",
    );
  });

  it("fails a run whose config can never train at once, without retries", async () => {
    const runId = await addRunWithJob(
      { architecture: "transformer", steps: 0 },
      { attempts: 3, backoffMs: 100 },
    );
    const run = await runInStatus(runId, ["FAILED", "COMPLETED"]);
    expect(run.error).toMatch(/config of run .* is invalid:\n\s+steps: /);
    await waitFor("the job to fail", async () => (await trainQueue.queue.getJobState(runId)) === "failed");
    expect((await trainQueue.queue.getJob(runId))?.attemptsMade).toBe(1);
  });

  it("hands a run that throws back to QUEUED for BullMQ's retry, and fails it with the error on the last attempt", async () => {
    // Valid as a training config; the model refuses it when the trainer builds it (inside training).
    const config = {
      architecture: "transformer",
      model: { ...TINY_MODEL, n_head: 3 },
      dataset: "brown",
      seqLen: 16,
      batchSize: 2,
      steps: 5,
    };
    const runId = await addRunWithJob(config, { attempts: 2, backoffMs: 200 });
    const run = await runInStatus(runId, ["FAILED", "COMPLETED"]);
    expect(run.error).toMatch(/n_embd 16 is not divisible by n_head 3/);
    expect(run.attempts).toBe(2);
    const events = await prisma.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    const statuses = events.filter((e) => e.kind === "STATUS").map((e) => e.message.split(":")[0]);
    expect(statuses).toEqual([
      "QUEUED -> RUNNING",
      "RUNNING -> QUEUED",
      "QUEUED -> RUNNING",
      "RUNNING -> FAILED",
    ]);
    const handedBack = events.find((e) => e.message.startsWith("RUNNING -> QUEUED"))!;
    expect(handedBack.message).toMatch(/attempt 1 of 2 failed: [\s\S]*not divisible/);
    const logs = events.filter((e) => e.kind === "LOG");
    expect(logs.map((e) => e.level)).toEqual(["WARN", "ERROR"]);
    expect(logs[1]!.data).toMatchObject({
      error: expect.stringMatching(/not divisible/),
      logTail: expect.any(Array),
    });
    await waitFor("the job to fail", async () => (await trainQueue.queue.getJobState(runId)) === "failed");
    expect((await trainQueue.queue.getJob(runId))?.attemptsMade).toBe(2);
  });

  it("stops a run that crosses an ASHA rung behind the others: COMPLETED early with its final val and test bpb, EARLY_STOP event", async () => {
    // Rung 0 halfway between steps 10 and 11 (32 bytes per step); eta 3: of 2 runs at the rung, 1 goes on.
    const probe = await expandSpec(tinySweep("probe", { steps: 120 }));
    const flopsPerStep = probe.runs[0]!.flopsPerByte!.training * 32;
    const spec = tinySweep("asha", {
      steps: 120,
      lrs: [1e-2, 1e-6], // the good run first; the second learns nothing and ranks last at the rung
      base: { eval: { interval: 0, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } } },
      earlyStopping: { metric: "train/loss", minFlops: flopsPerStep * 10.5, eta: 3 },
    });
    const { created } = await submitSweep(prisma, trainQueue, spec);
    const [good, bad] = created.map((c) => c.runId) as [string, string];
    const goodRun = await runInStatus(good, ["COMPLETED", "FAILED"]);
    const badRun = await runInStatus(bad, ["COMPLETED", "FAILED"]);
    expect(goodRun.status).toBe("COMPLETED");
    expect(await metricSteps(prisma, good, "train/loss")).toEqual(range(1, 120));
    expect(badRun.status).toBe("COMPLETED");
    const badSteps = await metricSteps(prisma, bad, "train/loss");
    expect(badSteps.at(-1)!).toBeGreaterThanOrEqual(11);
    // Stopped some (millisecond) steps past the rung, well before its 120: how many depends on the machine's
    // load (the decision waits for the batch in Postgres, then travels back to the child).
    expect(badSteps.at(-1)!).toBeLessThan(100);
    // Still comparable: held-out and test bpb evaluated at the step where it stopped.
    const stoppedAt = badSteps.at(-1)!;
    expect(await metricSteps(prisma, bad, "val/bpb")).toEqual([stoppedAt]);
    expect(await metricSteps(prisma, bad, "test/bpb")).toEqual([stoppedAt]);
    const [testPoint] = await prisma.metricPoint.findMany({ where: { runId: bad, name: "test/bpb" } });
    const [lastLoss] = await prisma.metricPoint.findMany({
      where: { runId: bad, name: "train/loss", step: stoppedAt },
    });
    expect(testPoint!.flops).toBe(lastLoss!.flops);
    expect(Number.isFinite(testPoint!.value)).toBe(true);
    const stop = await prisma.runEvent.findFirstOrThrow({ where: { runId: bad, kind: "EARLY_STOP" } });
    expect(stop.data).toMatchObject({ rung: 0, rank: 1, competitors: 2, promotable: 1 });
    expect(badRun.error).toBeNull();
    const last = await prisma.runEvent.findFirstOrThrow({
      where: { runId: bad, kind: "STATUS" },
      orderBy: { id: "desc" },
    });
    expect(last.message).toMatch(
      /^RUNNING -> COMPLETED: early stopped at step \d+ \(ASHA rung 0\): ASHA: train\/loss .*; final test bpb \d+\.\d+ at that step$/,
    );
    const summary = await prisma.runEvent.findFirstOrThrow({
      where: { runId: bad, kind: "SYSTEM", message: { startsWith: "summary:" } },
    });
    expect(summary.data).toMatchObject({
      step: stoppedAt,
      summary: { stoppedBy: "finish-request", finishReason: "early-stop", test: { bpb: expect.any(Number) } },
    });
    expect(await prisma.runEvent.count({ where: { runId: good, kind: "EARLY_STOP" } })).toBe(0);
  });
});
