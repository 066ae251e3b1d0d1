import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool, ingestMetrics } from "../src";
import { createTestDatabase, type TestDatabase } from "../src/testing";

// metric_stats and metric_rollups are kept by triggers on metric_points. Whatever the writes (batches,
// replays that change values, truncation after a resume, runs deleted), they must equal a recomputation from
// the points themselves.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("metric_summaries");
});
afterAll(async () => {
  await db?.drop();
});

async function createRun(id: string) {
  await db.prisma.run.create({
    data: { id, name: id, architecture: "transformer", config: {}, configHash: id, seed: 0 },
  });
}

function points(runId: string, name: string, steps: number[], value: (s: number) => number) {
  return steps.map((step) => ({
    runId,
    name,
    step,
    value: value(step),
    bytesSeen: step * 1000,
    flops: step * 1e9,
    wallTime: step * 0.5,
  }));
}

const range = (from: number, to: number, by = 1) =>
  Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);

/** Stats and rollups recomputed from scratch, in the tables' column order, for comparison. */
const EXPECTED_ROLLUPS = `
  SELECT p.run_id, p.name, l.level, p.step / l.level AS chunk, count(*)::int AS count, sum(p.value) AS sum_value,
         min(p.value) AS min_value, max(p.value) AS max_value, min(p.step) AS first_step, max(p.step) AS last_step,
         (array_agg(p.value ORDER BY p.step DESC))[1] AS last_value,
         (array_agg(p.bytes_seen ORDER BY p.step))[1] AS first_bytes, (array_agg(p.bytes_seen ORDER BY p.step DESC))[1] AS last_bytes,
         (array_agg(p.flops ORDER BY p.step))[1] AS first_flops, (array_agg(p.flops ORDER BY p.step DESC))[1] AS last_flops,
         (array_agg(p.wall_time ORDER BY p.step))[1] AS first_wall, (array_agg(p.wall_time ORDER BY p.step DESC))[1] AS last_wall
  FROM metric_points p CROSS JOIN unnest(ARRAY[8, 64, 512, 4096]) AS l(level)
  GROUP BY p.run_id, p.name, l.level, p.step / l.level
  ORDER BY 1, 2, 3, 4`;
const ACTUAL_ROLLUPS = `
  SELECT run_id, name, level, chunk, count, sum_value, min_value, max_value, first_step, last_step, last_value,
         first_bytes, last_bytes, first_flops, last_flops, first_wall, last_wall
  FROM metric_rollups ORDER BY 1, 2, 3, 4`;
const EXPECTED_STATS = `
  SELECT run_id, name, count(*)::int AS count, min(step) AS first_step, max(step) AS last_step,
         (array_agg(value ORDER BY step DESC))[1] AS last_value, min(value) AS min_value, max(value) AS max_value,
         (array_agg(bytes_seen ORDER BY step))[1] AS first_bytes, (array_agg(bytes_seen ORDER BY step DESC))[1] AS last_bytes,
         (array_agg(flops ORDER BY step))[1] AS first_flops, (array_agg(flops ORDER BY step DESC))[1] AS last_flops,
         (array_agg(wall_time ORDER BY step))[1] AS first_wall, (array_agg(wall_time ORDER BY step DESC))[1] AS last_wall
  FROM metric_points GROUP BY run_id, name ORDER BY 1, 2`;
const ACTUAL_STATS = `
  SELECT run_id, name, count, first_step, last_step, last_value, min_value, max_value, first_bytes, last_bytes,
         first_flops, last_flops, first_wall, last_wall
  FROM metric_stats ORDER BY 1, 2`;

/** Sums of floats depend on the order they were added in: compare them to 1e-9 relative. */
function normalise(rows: Array<Record<string, unknown>>) {
  return rows.map((r) => ({
    ...r,
    ...(typeof r.sum_value === "number" ? { sum_value: Number(r.sum_value.toPrecision(10)) } : {}),
  }));
}

async function expectSummariesMatchPoints() {
  const pool = getPool(db.url);
  const [er, ar, es, as] = await Promise.all([
    pool.query(EXPECTED_ROLLUPS),
    pool.query(ACTUAL_ROLLUPS),
    pool.query(EXPECTED_STATS),
    pool.query(ACTUAL_STATS),
  ]);
  expect(ar.rows.length).toBeGreaterThan(0);
  expect(normalise(ar.rows)).toEqual(normalise(er.rows));
  expect(as.rows).toEqual(es.rows);
}

describe("metric summaries (triggers on metric_points)", () => {
  it("follow batches that arrive in any order, including chunks split across batches", async () => {
    await createRun("r1");
    await createRun("r2");
    const f = (s: number) => 5 - Math.log1p(s) + (s % 7) * 0.01;
    await ingestMetrics(db.url, points("r1", "train/loss", range(0, 700), f));
    await ingestMetrics(db.url, points("r1", "train/loss", range(1300, 2000), f)); // a gap, filled below
    await ingestMetrics(db.url, points("r1", "train/loss", range(701, 1299), f));
    await ingestMetrics(db.url, [
      ...points("r1", "val/bpb", range(0, 2000, 100), f),
      ...points("r2", "train/loss", range(0, 99), (s) => s),
    ]);
    await expectSummariesMatchPoints();
  });

  it("follow replays that change values (last write wins) and leave identical replays alone", async () => {
    const f = (s: number) => 5 - Math.log1p(s) + (s % 7) * 0.01;
    await ingestMetrics(db.url, points("r1", "train/loss", range(500, 900), f)); // identical: unchanged
    await ingestMetrics(
      db.url,
      points("r1", "train/loss", range(600, 610), () => -1),
    ); // a new minimum
    await expectSummariesMatchPoints();
    await ingestMetrics(db.url, points("r1", "train/loss", range(600, 610), f)); // and back: min recomputed
    await expectSummariesMatchPoints();
  });

  it("follow a truncation after a resume (points after the checkpoint deleted, then written again)", async () => {
    await db.prisma.metricPoint.deleteMany({ where: { runId: "r1", step: { gt: 1234 } } });
    await expectSummariesMatchPoints();
    const stat = await db.prisma.metricStat.findUniqueOrThrow({
      where: { runId_name: { runId: "r1", name: "train/loss" } },
    });
    expect(stat.lastStep).toBe(1234);
    await ingestMetrics(
      db.url,
      points("r1", "train/loss", range(1235, 1500), (s) => 1 / s),
    );
    await expectSummariesMatchPoints();
  });

  it("keep NaN (a diverged loss) as data: last value NaN, min over the finite values", async () => {
    await createRun("r3");
    await ingestMetrics(
      db.url,
      points("r3", "train/loss", range(0, 20), (s) => (s < 15 ? 3 - s * 0.1 : Number.NaN)),
    );
    await expectSummariesMatchPoints();
    const stat = await db.prisma.metricStat.findUniqueOrThrow({
      where: { runId_name: { runId: "r3", name: "train/loss" } },
    });
    expect(stat.lastValue).toBeNaN();
    expect(stat.minValue).toBeCloseTo(1.6, 12);
  });

  it("go with their run when it is deleted", async () => {
    await db.prisma.run.delete({ where: { id: "r2" } });
    expect(await db.prisma.metricStat.count({ where: { runId: "r2" } })).toBe(0);
    expect(await db.prisma.metricRollup.count({ where: { runId: "r2" } })).toBe(0);
    await expectSummariesMatchPoints();
  });
});
