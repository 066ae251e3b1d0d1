import { SpecValidationError } from "@bytelab/experiments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseSweepRecord,
  type SubmitResult,
  submitSweep,
  toBullPriority,
  trainJobPayloadSchema,
} from "../src";
import { openTestEnv, type QueueTestEnv, smallSweep } from "./helpers";

let env: QueueTestEnv;
beforeAll(async () => {
  env = await openTestEnv("queue_submit");
});
afterAll(async () => env?.close());

async function counts() {
  return {
    sweeps: await env.prisma.sweep.count(),
    runs: await env.prisma.run.count(),
    jobs: (await env.trainQueue.queue.getJobCountByTypes(
      "waiting",
      "prioritized",
      "delayed",
      "active",
    )) as number,
  };
}

describe("submitSweep", () => {
  let first: SubmitResult;

  it("writes the sweep, one QUEUED run per config and one job per run (jobId = runId), consistently", async () => {
    first = await submitSweep(env.prisma, env.trainQueue, smallSweep("s1"));
    expect(first.existing).toBe(false);
    expect(first.created).toHaveLength(8);
    expect(first.enqueued).toBe(8);
    expect(first.enqueueError).toBeNull();
    expect(await counts()).toEqual({ sweeps: 1, runs: 8, jobs: 8 });

    const record = parseSweepRecord(first.sweep.spec);
    expect(record).toMatchObject({ kind: "sweep", specHash: first.expansion.specHash, reusedRuns: [] });
    expect(record.spec).toEqual(JSON.parse(JSON.stringify(smallSweep("s1"))));

    const runs = await env.prisma.run.findMany({ where: { sweepId: first.sweep.id } });
    for (const run of runs) {
      const spec = first.expansion.runs.find((r) => r.configHash === run.configHash)!;
      expect(run).toMatchObject({
        status: "QUEUED",
        name: `s1/${spec.label}`,
        architecture: spec.architecture,
        seed: spec.seed,
        priority: 50,
        paramCount: BigInt(spec.paramCount!),
        flopsPerByte: spec.flopsPerByte!.training,
      });
      expect(run.config).toEqual(JSON.parse(JSON.stringify(spec.config)));
      const job = (await env.trainQueue.queue.getJob(run.id))!;
      expect(job.id).toBe(run.id);
      expect(await job.getState()).toBe("prioritized");
      expect(job.opts.priority).toBe(toBullPriority(50));
      expect(job.opts.attempts).toBe(3);
      const data = trainJobPayloadSchema.parse(job.data);
      expect(data).toMatchObject({ runId: run.id, sweepId: first.sweep.id, configHash: run.configHash });
      expect(data.config).toEqual(run.config);
      expect(data.enqueue.reason).toBe("submit");
    }
    const events = await env.prisma.runEvent.count({
      where: { kind: "SYSTEM", runId: { in: runs.map((r) => r.id) } },
    });
    expect(events).toBe(8);
  });

  it("is idempotent: the same spec again creates nothing, adds no job, and returns the first sweep", async () => {
    const again = await submitSweep(env.prisma, env.trainQueue, smallSweep("s1"));
    expect(again.existing).toBe(true);
    expect(again.sweep.id).toBe(first.sweep.id);
    expect(again.created).toEqual([]);
    expect(again.reused.map((r) => r.runId).sort()).toEqual(first.created.map((c) => c.runId).sort());
    expect(await counts()).toEqual({ sweeps: 1, runs: 8, jobs: 8 });
  });

  it("reuses existing runs for configs already submitted and creates only the new ones", async () => {
    const wider = await submitSweep(env.prisma, env.trainQueue, smallSweep("s2", [1e-3, 3e-3, 1e-2]));
    expect(wider.existing).toBe(false);
    expect(wider.created).toHaveLength(4);
    expect(wider.reused).toHaveLength(8);
    expect(wider.reused.every((r) => r.status === "QUEUED")).toBe(true);
    expect(await counts()).toEqual({ sweeps: 2, runs: 12, jobs: 12 });
    const record = parseSweepRecord(wider.sweep.spec);
    expect(record.reusedRuns.map((r) => r.runId).sort()).toEqual(first.created.map((c) => c.runId).sort());
    expect(await env.prisma.run.count({ where: { sweepId: wider.sweep.id } })).toBe(4);
  });

  it("creates every run again with repeat: true", async () => {
    const repeated = await submitSweep(env.prisma, env.trainQueue, { ...smallSweep("s1"), repeat: true });
    expect(repeated.existing).toBe(false);
    expect(repeated.created).toHaveLength(8);
    expect(repeated.reused).toEqual([]);
    expect(await counts()).toEqual({ sweeps: 3, runs: 20, jobs: 20 });
  });

  it("refuses an invalid combination before writing anything to the database or the queue", async () => {
    const before = await counts();
    const sweep = smallSweep("bad", [1e-3, 2e-3]);
    const [hourglass, megabyte] = sweep.architectures;
    // MEGABYTE patch 64 > seqLen 32.
    const bad = {
      ...sweep,
      architectures: [hourglass, { ...megabyte, model: { ...megabyte!.model, max_seq_len: [8, 64] } }],
    };
    const error = await submitSweep(env.prisma, env.trainQueue, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues).toEqual([
      expect.objectContaining({
        path: "architectures[1].model.max_seq_len",
        runs: [
          "megabyte/lr=0.001/s0",
          "megabyte/lr=0.001/s1",
          "megabyte/lr=0.002/s0",
          "megabyte/lr=0.002/s1",
        ],
      }),
    ]);
    expect(await counts()).toEqual(before);
  });

  it("serialises concurrent submissions of the same new config: one run, the other reuses it", async () => {
    const spec = { ...smallSweep("race", [5e-4]), seeds: [9] };
    const [a, b] = await Promise.all([
      submitSweep(env.prisma, env.trainQueue, spec),
      submitSweep(env.prisma, env.trainQueue, spec),
    ]);
    expect(a!.created.length + b!.created.length).toBe(2);
    expect([a!.existing, b!.existing].sort()).toEqual([false, true]);
    expect(await env.prisma.run.count({ where: { name: { startsWith: "race/" } } })).toBe(2);
  });
});
