import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Fence,
  ingestMetrics,
  isStaleAttemptError,
  StaleAttemptError,
  transitionRun,
  withFence,
} from "../src";
import { createTestDatabase, type TestDatabase } from "../src/testing";
import { createRun } from "./fixtures";

// Fenced writes: a worker's writes carry its claim's attempt; Postgres refuses them once the run was claimed
// again (migration 20261203120000_fenced_writes).

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase("db_fence");
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const point = (runId: string, step: number, value = step) => ({
  runId,
  name: "train/loss",
  step,
  value,
  bytesSeen: step * 10,
  flops: step * 100,
  wallTime: step,
});

/** A run claimed once (attempt 1) and then taken over (attempt 2). */
async function takenOver(): Promise<{ runId: string; first: Fence; second: Fence }> {
  const run = await createRun(db.prisma);
  const a = await transitionRun(db.prisma, run.id, "RUNNING", { from: "QUEUED", workerId: undefined });
  expect(a.attempts).toBe(1);
  await ingestMetrics(pool, [point(run.id, 1), point(run.id, 2)], { fence: { runId: run.id, attempt: 1 } });
  await transitionRun(db.prisma, run.id, "QUEUED", { from: "RUNNING" });
  const b = await transitionRun(db.prisma, run.id, "RUNNING", { from: "QUEUED" });
  expect(b.attempts).toBe(2);
  return { runId: run.id, first: { runId: run.id, attempt: 1 }, second: { runId: run.id, attempt: 2 } };
}

async function steps(runId: string): Promise<number[]> {
  const rows = await db.prisma.metricPoint.findMany({ where: { runId }, orderBy: { step: "asc" } });
  return rows.map((r) => r.step);
}

describe("fenced writes", () => {
  it("metric points: the current attempt writes, a stale one is refused and writes nothing", async () => {
    const { runId, first, second } = await takenOver();
    await expect(ingestMetrics(pool, [point(runId, 3)], { fence: first })).rejects.toBeInstanceOf(
      StaleAttemptError,
    );
    await expect(ingestMetrics(pool, [point(runId, 3)], { fence: first })).rejects.toThrow(
      /stale attempt: run .* is at attempt 2, this write comes from attempt 1/,
    );
    // Overwriting an existing point (the merge path) is refused too.
    await expect(ingestMetrics(pool, [point(runId, 2, 99)], { fence: first })).rejects.toBeInstanceOf(
      StaleAttemptError,
    );
    expect(await steps(runId)).toEqual([1, 2]);
    await ingestMetrics(pool, [point(runId, 3)], { fence: second });
    // Unfenced writers (the service, tools) are not affected.
    await ingestMetrics(pool, [point(runId, 4)]);
    expect(await steps(runId)).toEqual([1, 2, 3, 4]);
  });

  it("deletes, artifacts, events and the run row: refused for a stale attempt, allowed for the current one", async () => {
    const { runId, first, second } = await takenOver();
    const stale = (fn: Parameters<typeof withFence>[2]) => withFence(db.prisma, first, fn);
    await expect(stale((tx) => tx.metricPoint.deleteMany({ where: { runId } }))).rejects.toBeInstanceOf(
      StaleAttemptError,
    );
    expect(await steps(runId)).toEqual([1, 2]);
    await expect(
      stale((tx) =>
        tx.artifact.create({
          data: { runId, kind: "CHECKPOINT", step: 2, uri: "file:///x", bytes: 1n, sha256: "0", attempt: 1 },
        }),
      ),
    ).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(
      stale((tx) => tx.runEvent.create({ data: { runId, kind: "LOG", message: "from the past" } })),
    ).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(
      stale((tx) => tx.run.update({ where: { id: runId }, data: { device: "x" } })),
    ).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(
      transitionRun(db.prisma, runId, "COMPLETED", { from: "RUNNING", attempt: 1 }),
    ).rejects.toSatisfy((e: unknown) => e instanceof StaleAttemptError && isStaleAttemptError(e));
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("RUNNING");
    expect(await db.prisma.artifact.count({ where: { runId } })).toBe(0);
    expect(await db.prisma.runEvent.count({ where: { runId, message: "from the past" } })).toBe(0);

    await withFence(db.prisma, second, async (tx) => {
      await tx.metricPoint.deleteMany({ where: { runId, step: { gt: 1 } } });
      await tx.artifact.create({
        data: { runId, kind: "CHECKPOINT", step: 1, uri: "file:///y", bytes: 1n, sha256: "0", attempt: 2 },
      });
    });
    expect(await steps(runId)).toEqual([1]);
    const done = await transitionRun(db.prisma, runId, "COMPLETED", { from: "RUNNING", attempt: 2 });
    expect(done.status).toBe("COMPLETED");
  });

  it("a fenced write touching another run is refused", async () => {
    const { first } = await takenOver();
    const other = await createRun(db.prisma);
    await expect(ingestMetrics(pool, [point(other.id, 1)], { fence: first })).rejects.toBeInstanceOf(
      StaleAttemptError,
    );
  });

  it("a claim waits for a fenced write in flight; the write after the claim is refused", async () => {
    const run = await createRun(db.prisma);
    await transitionRun(db.prisma, run.id, "RUNNING", { from: "QUEUED" });
    const fence = { runId: run.id, attempt: 1 };
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('bytelab.fence', $1, true)", [`${run.id}:1`]);
      await client.query(
        "INSERT INTO metric_points (run_id, name, step, value) VALUES ($1, 'train/loss', 1, 1)",
        [run.id],
      );
      // The takeover (another connection) must wait for this transaction: it holds the run FOR SHARE.
      let claimed = false;
      const takeover = transitionRun(db.prisma, run.id, "QUEUED", { from: "RUNNING" }).then(() => {
        claimed = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(claimed).toBe(false);
      await client.query("COMMIT");
      await takeover;
      await transitionRun(db.prisma, run.id, "RUNNING", { from: "QUEUED" });
    } finally {
      client.release();
    }
    expect(await steps(run.id)).toEqual([1]);
    await expect(ingestMetrics(pool, [point(run.id, 2)], { fence })).rejects.toBeInstanceOf(
      StaleAttemptError,
    );
  });
});
