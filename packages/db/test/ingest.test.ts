import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  escapeCopyText,
  ingestMetrics,
  MetricIngestError,
  type MetricPointInput,
  MetricValidationError,
  metricSeries,
} from "../src";
import { createTestDatabase, type TestDatabase } from "../src/testing";
import { createRun } from "./fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let runId: string;
beforeAll(async () => {
  db = await createTestDatabase("db_ingest");
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  runId = (await createRun(db.prisma)).id;
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

function batch(run: string, name: string, steps: number, scale = 1): MetricPointInput[] {
  return Array.from({ length: steps }, (_, step) => ({
    runId: run,
    name,
    step,
    value: Math.exp(-step / 100) * scale + 1 / 3,
    bytesSeen: BigInt(step) * 65_536n,
    flops: step * 1.25e12,
    wallTime: step * 0.1,
  }));
}

async function rowsOf(run: string) {
  const { rows } = await pool.query(
    "SELECT name, step, value, bytes_seen, flops, wall_time FROM metric_points WHERE run_id = $1 ORDER BY name, step",
    [run],
  );
  return rows;
}

describe("ingestMetrics", () => {
  it("writes every point exactly, and re-delivering the same batch changes nothing", async () => {
    const points = [...batch(runId, "train/loss", 500), ...batch(runId, "train/bpb", 300)];
    const first = await ingestMetrics(pool, points);
    expect(first).toEqual({ received: 800, inserted: 800, updated: 0, unchanged: 0 });
    const before = await rowsOf(runId);
    expect(before).toHaveLength(800);

    const again = await ingestMetrics(pool, points);
    expect(again).toEqual({ received: 800, inserted: 0, updated: 0, unchanged: 800 });
    expect(await rowsOf(runId)).toEqual(before);

    // Doubles round-trip bit for bit; bigint and nullable columns too.
    const series = await metricSeries(pool, runId, "train/loss");
    expect(series.map((p) => p.value)).toEqual(points.slice(0, 500).map((p) => p.value));
    expect(series[499]!.bytesSeen).toBe(499n * 65_536n);
    expect(series[499]!.flops).toBe(499 * 1.25e12);
  });

  it("lets the last write win when a resumed run re-sends steps with new values", async () => {
    const run = (await createRun(db.prisma)).id;
    await ingestMetrics(pool, batch(run, "loss", 100, 1));
    const resumed = batch(run, "loss", 100, 2).slice(50); // steps 50..99 recomputed
    expect(await ingestMetrics(pool, resumed)).toEqual({
      received: 50,
      inserted: 0,
      updated: 50,
      unchanged: 0,
    });
    const series = await metricSeries(db.prisma, run, "loss");
    expect(series).toHaveLength(100);
    expect(series[49]!.value).toBe(batch(run, "loss", 100, 1)[49]!.value);
    expect(series[50]!.value).toBe(resumed[0]!.value);

    // A mix of existing and new steps takes the merge path and gets both right.
    const mixed = batch(run, "loss", 150, 3).slice(100 - 25);
    expect(await ingestMetrics(pool, mixed)).toEqual({
      received: 75,
      inserted: 50,
      updated: 25,
      unchanged: 0,
    });
    const after = await metricSeries(pool, run, "loss");
    expect(after.map((p) => p.step)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(after.slice(75).map((p) => p.value)).toEqual(mixed.map((p) => p.value));
  });

  it("gives the same rows when the same batch is delivered twice at the same time", async () => {
    const run = (await createRun(db.prisma)).id;
    const points = batch(run, "loss", 2000);
    const other = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const [a, b] = await Promise.all([ingestMetrics(pool, points), ingestMetrics(other, points)]);
      expect(a.inserted + b.inserted).toBe(2000);
      expect(a.updated + b.updated).toBe(0);
    } finally {
      await other.end();
    }
    expect((await metricSeries(pool, run, "loss")).map((p) => p.value)).toEqual(points.map((p) => p.value));
  });

  it("keeps the last of duplicate points inside one call", async () => {
    const run = (await createRun(db.prisma)).id;
    const p = { runId: run, name: "lr", step: 7 };
    const result = await ingestMetrics(pool, [
      { ...p, value: 1 },
      { ...p, value: 2 },
    ]);
    expect(result).toEqual({ received: 2, inserted: 1, updated: 0, unchanged: 1 });
    expect((await metricSeries(pool, run, "lr")).map((x) => x.value)).toEqual([2]);
  });

  it("stores NaN and ±Infinity values (diverging losses) and awkward names", async () => {
    const run = (await createRun(db.prisma)).id;
    const name = "weird\tname\\with\nescapes\r";
    expect(escapeCopyText(name)).toBe("weird\\tname\\\\with\\nescapes\\r");
    await ingestMetrics(pool, [
      { runId: run, name, step: 0, value: Number.NaN },
      { runId: run, name, step: 1, value: Number.POSITIVE_INFINITY },
      { runId: run, name, step: 2, value: Number.NEGATIVE_INFINITY, bytesSeen: null, flops: null },
      { runId: run, name, step: 3, value: -0.1, bytesSeen: 9_007_199_254_740_993n },
    ]);
    const series = await metricSeries(pool, run, name);
    expect(series.map((p) => p.value)).toEqual([Number.NaN, Infinity, -Infinity, -0.1]);
    expect(series[3]!.bytesSeen).toBe(9_007_199_254_740_993n);
    const again = await ingestMetrics(pool, [{ runId: run, name, step: 0, value: Number.NaN }]);
    expect(again.unchanged).toBe(1);
  });

  it("writes nothing when one point is invalid, and names its index and field", async () => {
    const run = (await createRun(db.prisma)).id;
    const points: unknown[] = batch(run, "loss", 1000);
    points[637] = { ...(points[637] as object), step: 2.5 };
    const error = await ingestMetrics(pool, points).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricValidationError);
    expect((error as MetricValidationError).issues).toEqual([
      { index: 637, field: "step", message: expect.any(String) },
    ]);
    expect((error as Error).message).toMatch(/points\[637\]\.step/);
    expect(await rowsOf(run)).toEqual([]);
  });

  it("rolls back the whole batch when the database refuses a point (unknown run)", async () => {
    const run = (await createRun(db.prisma)).id;
    const points = [...batch(run, "loss", 100), ...batch("no-such-run", "loss", 1)];
    const error = await ingestMetrics(pool, points).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricIngestError);
    expect((error as Error).message).toContain("no-such-run");
    expect(await rowsOf(run)).toEqual([]);
    // The pooled connection is still healthy afterwards.
    expect((await ingestMetrics(pool, batch(run, "loss", 10))).inserted).toBe(10);
  });
});

describe("metricSeries", () => {
  it("returns points ordered by step within bounds, with the same answer from Prisma and from pg", async () => {
    const run = (await createRun(db.prisma)).id;
    const shuffled = batch(run, "eval/bpb", 200).sort(
      (a, b) => ((a.step * 7919) % 200) - ((b.step * 7919) % 200),
    );
    await ingestMetrics(pool, shuffled);
    const viaPool = await metricSeries(pool, run, "eval/bpb", { fromStep: 10, toStep: 49, limit: 30 });
    expect(viaPool.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 10));
    expect(await metricSeries(db.prisma, run, "eval/bpb", { fromStep: 10, toStep: 49, limit: 30 })).toEqual(
      viaPool,
    );
    expect(await metricSeries(pool, run, "no-such-metric")).toEqual([]);
    await expect(metricSeries(pool, run, "eval/bpb", { limit: -1 })).rejects.toThrow(/limit/);
  });
});

describe("metric_points -> runs integrity (statement-level triggers instead of a per-row foreign key)", () => {
  it("deletes a run's points with the run, and a sweep's runs' points with the sweep", async () => {
    const keep = (await createRun(db.prisma)).id;
    const gone = (await createRun(db.prisma)).id;
    const sweep = await db.prisma.sweep.create({ data: { name: "s", spec: {} } });
    const inSweep = (
      await db.prisma.run.create({
        data: { name: "r", architecture: "hnet", config: {}, configHash: "h", seed: 1, sweepId: sweep.id },
      })
    ).id;
    for (const run of [keep, gone, inSweep]) await ingestMetrics(pool, batch(run, "loss", 20));

    await db.prisma.run.delete({ where: { id: gone } });
    expect(await rowsOf(gone)).toEqual([]);
    await db.prisma.sweep.delete({ where: { id: sweep.id } });
    expect(await rowsOf(inSweep)).toEqual([]);
    expect(await rowsOf(keep)).toHaveLength(20);
  });

  it("rejects points of unknown runs from any writer (Prisma, plain SQL, updates) with 23503", async () => {
    const run = (await createRun(db.prisma)).id;
    await expect(
      db.prisma.metricPoint.create({ data: { runId: "ghost", name: "loss", step: 0, value: 1 } }),
    ).rejects.toThrow(/foreign key/i);
    await ingestMetrics(pool, batch(run, "loss", 3));
    const error = await pool
      .query("UPDATE metric_points SET run_id = 'ghost' WHERE run_id = $1", [run])
      .catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe("23503");
    expect(await rowsOf(run)).toHaveLength(3);
  });

  it("makes a run deleted during an ingest wait, then removes the ingested points too", async () => {
    const run = (await createRun(db.prisma)).id;
    const ingester = await pool.connect();
    const deleter = new pg.Client({ connectionString: db.url });
    await deleter.connect();
    try {
      await ingester.query("BEGIN");
      await ingester.query(
        "INSERT INTO metric_points (run_id, name, step, value) SELECT $1, 'loss', g, g FROM generate_series(0, 9) g",
        [run],
      );
      let deleted = false;
      const deleting = deleter.query("DELETE FROM runs WHERE id = $1", [run]).then(() => {
        deleted = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(deleted).toBe(false); // blocked by the FOR KEY SHARE lock, like a foreign key
      await ingester.query("COMMIT");
      await deleting;
      expect(await rowsOf(run)).toEqual([]);
    } finally {
      ingester.release();
      await deleter.end();
    }
  });

  it("refuses to change a run id", async () => {
    const run = (await createRun(db.prisma)).id;
    await expect(pool.query("UPDATE runs SET id = 'renamed' WHERE id = $1", [run])).rejects.toThrow(
      /immutable/,
    );
  });
});
