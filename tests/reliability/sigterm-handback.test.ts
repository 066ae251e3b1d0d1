import { submitSweep } from "@bytelab/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricSteps, range, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import {
  fastWorkerEnv,
  processAlive,
  startWorkerProcess,
  type WorkerProcess,
} from "./helpers/worker-process";

// (f) SIGTERM during a run: the worker checkpoints, hands the run back (QUEUED, job back to wait, no failed
// attempt), closes and marks itself STOPPED; a second worker resumes from that checkpoint and completes it.

let env: ReliabilityEnv;
const workers: WorkerProcess[] = [];
const frozen: number[] = [];
const STEPS = 300;

beforeAll(async () => {
  env = await openReliabilityEnv("sigterm");
});
afterAll(async () => {
  for (const pid of frozen) if (processAlive(pid)) process.kill(pid, "SIGCONT");
  await Promise.all(workers.map((w) => w.stop()));
  await env?.close();
});

describe("a worker told to stop mid-run (SIGTERM)", () => {
  it("hands the run back at a fresh checkpoint; the next worker completes it; no attempt is spent", async () => {
    const started = Date.now();
    // A generous hand-back grace: past it the worker kills its training process (no fresh checkpoint), which is
    // another test's case, not a slow machine's.
    const a = await startWorkerProcess(
      "sigterm-a",
      fastWorkerEnv({ ...workerVars(env), WORKER_SHUTDOWN_TIMEOUT_MS: "120000" }),
    );
    workers.push(a);
    const spec = tinySweep("sigterm", { steps: STEPS, base: { checkpoint: { interval: 1000, keep: 2 } } });
    const { created } = await submitSweep(env.prisma, env.trainQueue, spec);
    const runId = created[0]!.runId;
    // Deadlines in these tests only bound waits (a loaded machine starts TF.js slowly); nothing is timed.
    await waitFor(
      "some training steps",
      async () => (await metricSteps(env.prisma, runId, "train/loss")).length >= 5,
      120_000,
    );
    // Freeze the training process before the worker is told to stop: a tiny run trains hundreds of steps a
    // second, so on a loaded machine it could otherwise finish between our look at Postgres and the stop
    // request reaching it (the worker then rightly completes the run, and there is nothing to hand back).
    // Thawed once the worker is shutting down: the stop request waits in its IPC channel and is taken at
    // the next step boundary.
    const startedEvent = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId, message: { startsWith: "training started" } },
    });
    const childPid = (startedEvent.data as { pid: number }).pid;
    process.kill(childPid, "SIGSTOP");
    frozen.push(childPid);

    const signalled = Date.now();
    a.kill("SIGTERM");
    await a.waitForOutput(/shutting down/, 60_000);
    for (const pid of frozen.splice(0)) process.kill(pid, "SIGCONT");
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
      180_000,
    );
    expect(run.status, `${run.error}\n${b.output()}`).toBe("COMPLETED");
    expect(run).toMatchObject({ workerId: "sigterm-b", attempts: 2, error: null });
    const resumed = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId, message: { startsWith: "resumed at step" } },
    });
    expect((resumed.data as { startStep: number }).startStep).toBe(stepAtHandBack);
    expect(await metricSteps(env.prisma, runId, "train/loss")).toEqual(range(1, STEPS));
    // One attempt counted (the completed one): the hand-back cost none. The run is COMPLETED in Postgres
    // before the handler returns and BullMQ finishes the job: wait for BullMQ's side first.
    await waitFor(
      "BullMQ to mark the job completed",
      async () => (await env.trainQueue.queue.getJobState(runId)) === "completed",
      30_000,
    );
    const job = await env.trainQueue.queue.getJob(runId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.stalledCounter).toBe(0);
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `[reliability] sigterm-handback: worker exited ${secs(exitedAt - signalled)} after SIGTERM (step ${stepAtHandBack}), ` +
        `total ${secs(Date.now() - started)}`,
    );
  }, 480_000); // waits above are deadlines for a loaded machine, not timings
});
