import { cancelRun, submitSweep } from "@bytelab/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricSteps, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "./helpers/worker-process";

// (e) Cancelling a running run: the worker stops it within seconds (pub/sub, or the key poll), flushes its
// metrics, keeps a checkpoint, completes the job without retry, and the run stays CANCELLED.

let env: ReliabilityEnv;
let worker: WorkerProcess;

beforeAll(async () => {
  env = await openReliabilityEnv("cancel");
  worker = await startWorkerProcess("cancel-worker", fastWorkerEnv(workerVars(env)));
});
afterAll(async () => {
  await worker?.stop();
  await env?.close();
});

describe("cancelling a running run", () => {
  it("stops it within seconds; it stays CANCELLED and its metrics stop", async () => {
    const { created } = await submitSweep(env.prisma, env.trainQueue, tinySweep("cancel", { steps: 20_000 }));
    const runId = created[0]!.runId;
    await waitFor(
      "some training steps",
      async () => (await metricSteps(env.prisma, runId, "train/loss")).length >= 5,
    );

    const asked = Date.now();
    const result = await cancelRun(env.prisma, env.trainQueue, runId, { reason: "test" });
    expect(result).toMatchObject({
      previous: "RUNNING",
      status: "CANCELLED",
      cancelled: true,
      jobRemoved: false,
    });
    await waitFor(
      "the job to complete",
      async () => (await env.trainQueue.queue.getJobState(runId)) === "completed",
      10_000,
      50,
    );
    const stoppedAfterMs = Date.now() - asked;
    expect(stoppedAfterMs).toBeLessThan(5_000);
    const job = await env.trainQueue.queue.getJob(runId);
    const stepAtStop = (job!.returnvalue as { step: number }).step;
    expect(job?.returnvalue).toMatchObject({ runId, status: "CANCELLED" });
    expect(job?.attemptsMade).toBe(1);

    // Metrics were flushed up to the stop and nothing comes after; a checkpoint of the stop is kept.
    const steps = await metricSteps(env.prisma, runId, "train/loss");
    expect(steps.at(-1)).toBe(stepAtStop);
    expect(stepAtStop).toBeLessThan(20_000);
    const checkpoint = await env.prisma.artifact.findFirstOrThrow({
      where: { runId, kind: "CHECKPOINT" },
      orderBy: { step: "desc" },
    });
    expect(checkpoint.step).toBe(stepAtStop);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await metricSteps(env.prisma, runId, "train/loss")).toEqual(steps);
    const run = await env.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("CANCELLED");
    const statuses = await env.prisma.runEvent.findMany({
      where: { runId, kind: "STATUS" },
      orderBy: { id: "asc" },
    });
    expect(statuses.map((e) => e.message)).toEqual(["QUEUED -> RUNNING", "RUNNING -> CANCELLED: test"]);
    console.log(
      `[reliability] cancel-running: job finished ${stoppedAfterMs} ms after cancelRun (step ${stepAtStop})`,
    );
  });
});
