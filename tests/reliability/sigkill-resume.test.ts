import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { submitSweep } from "@bytelab/queue";
import { METRICS_FILE, readMetricsFile, train } from "@bytelab/train";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricSteps, range, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import {
  fastWorkerEnv,
  processAlive,
  startWorkerProcess,
  type WorkerProcess,
} from "./helpers/worker-process";

// (a) A worker process is SIGKILLed mid-run: another worker takes the job over once its lock expires,
// resumes from the last checkpoint, and the run completes with every metric step exactly once and the same
// losses as an uninterrupted run of the same config.

let env: ReliabilityEnv;
const workers: WorkerProcess[] = [];
const STEPS = 100;

beforeAll(async () => {
  env = await openReliabilityEnv("sigkill");
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await env?.close();
});

describe("a worker killed mid-run", () => {
  it("loses nothing: the run resumes elsewhere from its checkpoint and ends as if never interrupted", async () => {
    const started = Date.now();
    const a = await startWorkerProcess("sigkill-a", fastWorkerEnv(workerVars(env)));
    workers.push(a);
    const spec = tinySweep("sigkill", {
      steps: STEPS,
      base: {
        checkpoint: { interval: 20, keep: 2 },
        eval: { interval: 25, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
      },
    });
    const { created } = await submitSweep(env.prisma, env.trainQueue, spec);
    const runId = created[0]!.runId;

    // Kill A once it has a checkpoint and is still far from the end.
    // Deadlines here only bound waits (a loaded machine starts TF.js slowly); nothing is timed.
    const checkpoint = await waitFor(
      "a first checkpoint",
      () => env.prisma.artifact.findFirst({ where: { runId, kind: "CHECKPOINT" } }),
      120_000,
    );
    const startedEvent = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId, message: { startsWith: "training started" } },
    });
    const childPid = (startedEvent.data as { pid: number }).pid;
    a.kill("SIGKILL");
    const stepAtKill = Math.max(0, ...(await metricSteps(env.prisma, runId, "train/loss")));
    expect(stepAtKill, a.output()).toBeLessThan(STEPS);
    // The orphaned training child notices that its worker is gone and exits (it never trains for nobody).
    await waitFor("the orphaned training child to exit", () => !processAlive(childPid), 30_000);

    const killedAt = Date.now();
    const b = await startWorkerProcess("sigkill-b", fastWorkerEnv(workerVars(env)));
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
    expect(run.workerId).toBe("sigkill-b");
    expect(run.attempts).toBe(2);

    // Every step exactly once (the primary key forbids twice; all are there).
    expect(await metricSteps(env.prisma, runId, "train/loss")).toEqual(range(1, STEPS));
    expect(await metricSteps(env.prisma, runId, "val/bpb")).toEqual([25, 50, 75, 100]);
    const events = await env.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    const takeover = events.find((e) => e.message.startsWith("RUNNING -> QUEUED"));
    expect(takeover?.message).toMatch(/worker sigkill-a lost this run .* sigkill-b resumes it/);
    const resumed = events.find((e) => e.message.startsWith("resumed at step"));
    const resumedAt = (resumed!.data as { startStep: number }).startStep;
    expect(resumedAt).toBeGreaterThanOrEqual(checkpoint.step!);
    expect(resumedAt % 20).toBe(0);
    // BullMQ's stalled check recovered the job (A's lock expired; B runs the check once it consumes: its
    // wait for lost runs at start only delays its first fetch, and the requeue check is off here) without
    // counting a failed attempt: the one attempt it counts is the one that completed; the lost worker shows
    // as one stall. The run is COMPLETED in Postgres before the handler returns and BullMQ finishes the job,
    // so wait for BullMQ's side before reading its counters.
    await waitFor(
      "BullMQ to mark the job completed",
      async () => (await env.trainQueue.queue.getJobState(runId)) === "completed",
      30_000,
    );
    const job = await env.trainQueue.queue.getJob(runId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.stalledCounter).toBe(1);
    expect(job?.failedReason ?? null).toBeNull();

    const finishedAt = Date.now();
    // The same config trained without interruption, here in the test process.
    const refDir = mkdtempSync(join(tmpdir(), "bytelab-sigkill-ref-"));
    try {
      await train({ config: run.config, outDir: refDir });
      const reference = readMetricsFile(join(refDir, METRICS_FILE));
      const points = await env.prisma.metricPoint.findMany({ where: { runId } });
      const stored = new Map(points.map((p) => [`${p.name}@${p.step}`, p.value]));
      let compared = 0;
      for (const record of reference)
        for (const name of ["train/loss", "train/bpb", "lr", "grad_norm", "val/bpb", "test/bpb"]) {
          const value = record.metrics[name];
          if (value === undefined || value === null) continue;
          const got = stored.get(`${name}@${record.step}`);
          expect(got, `${name} at step ${record.step}`).toBeDefined();
          expect(
            Math.abs(got! - value),
            `${name} at step ${record.step}: ${got} vs ${value}`,
          ).toBeLessThanOrEqual(1e-6);
          compared++;
        }
      expect(compared).toBeGreaterThan(STEPS * 4);
    } finally {
      rmSync(refDir, { recursive: true, force: true });
    }
    const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    console.log(
      `[reliability] sigkill-resume: killed after ${s(started, killedAt)} (step ${stepAtKill} in Postgres), ` +
        `resumed at step ${resumedAt}, completed ${s(killedAt, finishedAt)} later; reference run ${s(finishedAt, Date.now())}`,
    );
  }, 480_000); // waits above are deadlines for a loaded machine, not timings
});
