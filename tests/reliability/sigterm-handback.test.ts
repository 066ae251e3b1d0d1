import { submitSweep } from "@bytelab/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricSteps, range, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "./helpers/worker-process";

// (f) SIGTERM during a run: the worker checkpoints, hands the run back (QUEUED, job back to wait, no failed
// attempt), closes and marks itself STOPPED; a second worker resumes from that checkpoint and completes it.

let env: ReliabilityEnv;
const workers: WorkerProcess[] = [];
const STEPS = 150;

beforeAll(async () => {
  env = await openReliabilityEnv("sigterm");
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await env?.close();
});

describe("a worker told to stop mid-run (SIGTERM)", () => {
  it("hands the run back at a fresh checkpoint; the next worker completes it; no attempt is spent", async () => {
    const started = Date.now();
    const a = await startWorkerProcess("sigterm-a", fastWorkerEnv(workerVars(env)));
    workers.push(a);
    const spec = tinySweep("sigterm", { steps: STEPS, base: { checkpoint: { interval: 1000, keep: 2 } } });
    const { created } = await submitSweep(env.prisma, env.trainQueue, spec);
    const runId = created[0]!.runId;
    await waitFor(
      "some training steps",
      async () => (await metricSteps(env.prisma, runId, "train/loss")).length >= 5,
    );

    const signalled = Date.now();
    a.kill("SIGTERM");
    const exit = await a.exited;
    const exitedAt = Date.now();
    expect(exit, a.output()).toEqual({ code: 0, signal: null });
    expect(a.output()).toMatch(/handing back 1 running job/);

    // Handed back: QUEUED, its job waiting again, the worker STOPPED.
    const queued = await env.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(queued.status).toBe("QUEUED");
    expect(queued.workerId).toBeNull();
    const handBack = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId, message: { startsWith: "RUNNING -> QUEUED" } },
    });
    const stepAtHandBack = Number(/at step (\d+)/.exec(handBack.message)?.[1]);
    expect(handBack.message).toMatch(/handed back by sigterm-a \(shutting down\) at step \d+/);
    expect(stepAtHandBack).toBeGreaterThan(0);
    expect(stepAtHandBack).toBeLessThan(STEPS);
    // No checkpoint interval was due (every 1000 steps): this one was written on the way out.
    const checkpoint = await env.prisma.artifact.findFirstOrThrow({ where: { runId, kind: "CHECKPOINT" } });
    expect(checkpoint.step).toBe(stepAtHandBack);
    expect(["wait", "prioritized"]).toContain(await env.trainQueue.queue.getJobState(runId));
    expect((await env.trainQueue.queue.getJob(runId))?.attemptsMade).toBe(0);
    expect(await env.prisma.worker.findUniqueOrThrow({ where: { id: "sigterm-a" } })).toMatchObject({
      status: "STOPPED",
    });

    const b = await startWorkerProcess("sigterm-b", fastWorkerEnv(workerVars(env)));
    workers.push(b);
    const run = await waitFor(
      "the run to finish on worker B",
      async () => {
        const r = await env.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return ["COMPLETED", "FAILED", "DIVERGED", "CANCELLED"].includes(r.status) ? r : null;
      },
      90_000,
    );
    expect(run.status, `${run.error}\n${b.output()}`).toBe("COMPLETED");
    expect(run).toMatchObject({ workerId: "sigterm-b", attempts: 2, error: null });
    const resumed = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId, message: { startsWith: "resumed at step" } },
    });
    expect((resumed.data as { startStep: number }).startStep).toBe(stepAtHandBack);
    expect(await metricSteps(env.prisma, runId, "train/loss")).toEqual(range(1, STEPS));
    // One attempt counted (the completed one): the hand-back cost none.
    const job = await env.trainQueue.queue.getJob(runId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.stalledCounter).toBe(0);
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `[reliability] sigterm-handback: worker exited ${secs(exitedAt - signalled)} after SIGTERM (step ${stepAtHandBack}), ` +
        `total ${secs(Date.now() - started)}`,
    );
  });
});
