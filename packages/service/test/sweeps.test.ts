import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  cancelRun,
  cancelSweep,
  createServiceContext,
  getSweepStatus,
  InvalidInputError,
  listSweeps,
  NotFoundError,
  planSweep,
  rerunRun,
  rerunSweep,
  submitSweep,
  submitResultSchema,
  sweepListSchema,
  sweepPlanSchema,
  sweepStatusSchema,
  UnavailableError,
} from "../src";
import { openServiceEnv, type ServiceTestEnv } from "./helpers";

let env: ServiceTestEnv;

beforeAll(async () => {
  env = await openServiceEnv("sweeps");
}, 60_000);
afterAll(async () => {
  await env?.close();
});

/** 2 architectures x 2 seeds = 4 runs of 3 steps. */
function tinySpec(name: string) {
  return {
    name,
    base: { dataset: "brown", seqLen: 32, batchSize: 2 },
    architectures: [
      { architecture: "transformer", model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 32 } },
      {
        architecture: "megabyte",
        model: { dim: [32, 16], depth: [1, 1], max_seq_len: [8, 4], heads: 2, dim_head: 16 },
      },
    ],
    seeds: [0, 1],
    budget: { steps: 3 },
  };
}

const YAML = `
name: yaml-sweep
base: { dataset: brown, seqLen: 32, batchSize: 2 }
architectures:
  - architecture: transformer
    model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 32 }
budget: { steps: 2 }
`;

describe("plan, submit, status, list", () => {
  let sweepId: string;

  it("plans a spec without writing anything: runs, budgets, totals", async () => {
    const plan = sweepPlanSchema.parse(await planSweep(env.ctx.prisma, { spec: tinySpec("tiny") }));
    expect(plan.runs.map((r) => r.label)).toEqual([
      "transformer/s0",
      "transformer/s1",
      "megabyte/s0",
      "megabyte/s1",
    ]);
    expect(plan.totals).toMatchObject({ runs: 4, new: 4, reused: 0 });
    expect(plan.reuseChecked).toBe(true);
    expect(plan.runs.every((r) => r.steps === 3 && r.bytes === 3 * 2 * 32)).toBe(true);
    expect(await env.db.prisma.run.count()).toBe(0);
    const fromYaml = await planSweep(null, { text: YAML, format: "yaml" });
    expect(fromYaml).toMatchObject({ name: "yaml-sweep", reuseChecked: false, totals: { runs: 1 } });
  });

  it("refuses an invalid spec with one detail per field, path and fix, and writes nothing", async () => {
    const bad = { ...tinySpec("bad"), seeds: [0, 0], budget: { steps: -1 } };
    const error = await submitSweep(env.ctx, { spec: bad }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const paths = (error as InvalidInputError).details.map((d) => d.path).sort();
    expect(paths).toEqual(["budget.steps", "seeds"]);
    expect((error as InvalidInputError).details.every((d) => d.fix && d.issue)).toBe(true);
    const yamlError = await planSweep(null, { text: "name: [unclosed" }).catch((e) => e);
    expect(yamlError).toBeInstanceOf(InvalidInputError);
    expect((yamlError as InvalidInputError).details[0]?.issue).toMatch(/not valid YAML \(line 1/);
    expect(await env.db.prisma.sweep.count()).toBe(0);
  });

  it("refuses to submit when Redis does not answer, before writing anything", async () => {
    const offline = createServiceContext({
      databaseUrl: env.db.url,
      redisUrl: "redis://127.0.0.1:1",
      redisTimeoutMs: 1000,
    });
    const error = await submitSweep(offline, { spec: tinySpec("offline") }).catch((e) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/cannot reach Redis/);
    expect(await env.db.prisma.sweep.count()).toBe(0);
  });

  it("submits: a sweep, 4 QUEUED runs, 4 jobs; the same spec again creates nothing", async () => {
    const result = submitResultSchema.parse(await submitSweep(env.ctx, { spec: tinySpec("tiny") }));
    sweepId = result.sweepId;
    expect(result).toMatchObject({ existing: false, enqueued: 4, enqueueError: null });
    expect(result.created).toHaveLength(4);
    const queue = await env.ctx.trainQueue();
    expect(await queue.queue.getJobCountByTypes("waiting", "prioritized")).toBe(4);
    const again = await submitSweep(env.ctx, { spec: tinySpec("tiny") });
    expect(again).toMatchObject({ sweepId, existing: true, created: [] });
    expect(again.plan.totals).toMatchObject({ new: 0, reused: 4 });
  });

  it("reports status: counts, outcome running, progress with steps from the configs", async () => {
    const status = sweepStatusSchema.parse(await getSweepStatus(env.ctx.prisma, sweepId));
    expect(status.counts.QUEUED).toBe(4);
    expect(status.outcome).toBe("running");
    expect(status.progress).toEqual({ stepsDone: 0, stepsTotal: 12, fraction: 0, etaSeconds: null });
    expect(status.runs.map((r) => r.label)).toEqual([
      "transformer/s0",
      "transformer/s1",
      "megabyte/s0",
      "megabyte/s1",
    ]);
    await expect(getSweepStatus(env.ctx.prisma, "nope")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists sweeps newest first, a page at a time, with a cursor that walks them all", async () => {
    await submitSweep(env.ctx, { text: YAML });
    const first = sweepListSchema.parse(await listSweeps(env.ctx.prisma, { limit: 1 }));
    expect(first.sweeps.map((s) => s.name)).toEqual(["yaml-sweep"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await listSweeps(env.ctx.prisma, { limit: 1, cursor: first.nextCursor! });
    expect(second.sweeps.map((s) => s.name)).toEqual(["tiny"]);
    expect(second.sweeps[0]?.counts.QUEUED).toBe(4);
    expect(second.nextCursor).toBeNull();
    const bad = await listSweeps(env.ctx.prisma, { cursor: "garbage" }).catch((e) => e);
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).details[0]?.path).toBe("cursor");
  });
});

describe("cancel and re-run", () => {
  let sweepId: string;
  let runIds: string[];

  beforeAll(async () => {
    // Other steps than "tiny": new configs (the same ones would reuse tiny's runs).
    const result = await submitSweep(env.ctx, { spec: { ...tinySpec("actions"), budget: { steps: 4 } } });
    sweepId = result.sweepId;
    runIds = result.created.map((c) => c.runId);
  });

  it("cancels one run, then the rest of the sweep; a finished run is a conflict", async () => {
    const one = await cancelRun(env.ctx, runIds[0]!, { reason: "test" });
    expect(one).toMatchObject({ previous: "QUEUED", status: "CANCELLED", changed: true });
    const again = await cancelRun(env.ctx, runIds[0]!).catch((e) => e);
    expect(again).toBeInstanceOf(ConflictError);
    const rest = await cancelSweep(env.ctx, sweepId);
    expect(rest).toMatchObject({ action: "cancel", changed: 3 });
    const queue = await env.ctx.trainQueue();
    for (const id of runIds) expect(await queue.queue.getJobState(id)).toBe("unknown");
    await expect(cancelSweep(env.ctx, "nope")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("re-runs FAILED runs: back to QUEUED with the same id, error cleared, cancel key gone, a rerun job", async () => {
    const queue = await env.ctx.trainQueue();
    await env.db.prisma.run.update({
      where: { id: runIds[1]! },
      data: { status: "FAILED", error: "out of memory", finishedAt: new Date() },
    });
    const result = await rerunSweep(env.ctx, sweepId);
    expect(result).toMatchObject({ action: "rerun", changed: 1 });
    expect(result.runs[0]).toMatchObject({ runId: runIds[1], previous: "FAILED", status: "QUEUED" });
    expect(result.runs[0]?.note).toMatch(/starts from step 0/);
    const run = await env.db.prisma.run.findUniqueOrThrow({ where: { id: runIds[1]! } });
    expect(run).toMatchObject({ status: "QUEUED", error: null, finishedAt: null });
    expect(await queue.redis.exists(`bytelab:cancel:${runIds[1]}`)).toBe(0);
    const job = await queue.queue.getJob(runIds[1]!);
    expect(job?.data.enqueue.reason).toBe("rerun");
    // CANCELLED runs only with includeCancelled; COMPLETED and DIVERGED never.
    const cancelled = await rerunRun(env.ctx, runIds[2]!);
    expect(cancelled).toMatchObject({ previous: "CANCELLED", status: "QUEUED" });
    await env.db.prisma.run.update({ where: { id: runIds[3]! }, data: { status: "COMPLETED" } });
    const refused = await rerunRun(env.ctx, runIds[3]!).catch((e) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/repeat: true/);
  });
});
