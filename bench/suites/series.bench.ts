import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createPrismaClient, ingestMetrics, type MetricPointInput, migrate } from "../../packages/db/src";
import { listRuns, querySeries } from "../../packages/service/src";
import { startEmbeddedPostgres } from "../../scripts/services/embedded-postgres";
import { freePort } from "../../scripts/services/free-port";
import type { BenchReport, BenchSuite } from "../lib";

// The dashboard's and the API's read paths at scale, on one fresh Postgres, in one run:
//  - the compare query (querySeries): 100 runs x 100,000 points each onto one shared grid of 500 buckets,
//    read from the rollup chunks, against the naive read of every point + downsampling in JS (on 10 runs:
//    the naive read of all 100 takes minutes);
//  - the runs table (listRuns) at 10,000 runs: sorted by best val/bpb, filtered by a config key, page 20.
// Targets (issue 9): compare query under 300 ms; the runs table "fast" (well under 100 ms a page).

const RUNS = 100;
const STEPS = 100_000;
const TABLE_RUNS = 10_000;
const BUCKETS = 500;
const REPEATS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Median and max of REPEATS calls after one warm-up call. */
async function repeat<T>(fn: () => Promise<T>): Promise<{ median: number; max: number; value: T }> {
  let value: T = await fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = await timed(fn);
    times.push(t.ms);
    value = t.value;
  }
  return { median: median(times), max: Math.max(...times), value };
}

function curve(run: number, step: number): number {
  return 1.2 + 3 * Math.exp(-step / (8000 + run * 50)) + 0.02 * Math.sin(step / 37 + run);
}

async function seedCompareRuns(
  prisma: ReturnType<typeof createPrismaClient>,
  pool: pg.Pool,
): Promise<string[]> {
  const ids = Array.from({ length: RUNS }, (_, r) => `cmp-${String(r).padStart(3, "0")}`);
  await prisma.run.createMany({
    data: ids.map((id, r) => ({
      id,
      name: id,
      architecture: "transformer",
      config: { seed: r },
      configHash: id,
      seed: r,
    })),
  });
  const BATCH = 50_000;
  for (const [r, runId] of ids.entries())
    for (let from = 0; from < STEPS; from += BATCH) {
      const points: MetricPointInput[] = [];
      for (let step = from; step < Math.min(STEPS, from + BATCH); step++)
        points.push({
          runId,
          name: "train/loss",
          step,
          value: curve(r, step),
          bytesSeen: step * 2048,
          flops: step * 4.2e9,
          wallTime: step * 0.05,
        });
      await ingestMetrics(pool, points);
    }
  return ids;
}

async function seedTableRuns(prisma: ReturnType<typeof createPrismaClient>, pool: pg.Pool): Promise<void> {
  const archs = ["transformer", "hourglass", "hnet", "megabyte"];
  const rows = Array.from({ length: TABLE_RUNS }, (_, i) => ({
    id: `tab-${String(i).padStart(5, "0")}`,
    name: `table/${archs[i % 4]}/lr=${[1e-3, 3e-3, 1e-2][i % 3]}/s${i % 7}`,
    architecture: archs[i % 4]!,
    status: (i % 10 === 0 ? "RUNNING" : "COMPLETED") as "RUNNING" | "COMPLETED",
    config: {
      steps: 1000,
      seqLen: 128,
      batchSize: 16,
      optimizer: { lr: [1e-3, 3e-3, 1e-2][i % 3] },
      seed: i % 7,
    },
    configHash: `tab-${i}`,
    seed: i % 7,
    paramCount: BigInt(500_000 + i),
    startedAt: new Date(Date.now() - 3_600_000),
  }));
  for (let i = 0; i < rows.length; i += 2000) await prisma.run.createMany({ data: rows.slice(i, i + 2000) });
  const points: MetricPointInput[] = [];
  for (const [i, r] of rows.entries())
    for (let k = 0; k <= 10; k++) {
      const step = k * 100;
      const value = 2 + ((i * 7919) % 1000) / 1000 + (10 - k) * 0.1;
      points.push({
        runId: r.id,
        name: "val/bpb",
        step,
        value,
        bytesSeen: step * 2048,
        flops: step * 1e9,
        wallTime: step * 0.1,
      });
      if (k === 10)
        points.push({
          runId: r.id,
          name: "train/bpb",
          step,
          value: value - 0.05,
          bytesSeen: step * 2048,
          flops: step * 1e9,
          wallTime: step * 0.1,
        });
    }
  for (let i = 0; i < points.length; i += 50_000) await ingestMetrics(pool, points.slice(i, i + 50_000));
}

/** The naive compare read: every point of the runs, then min/max per bucket in JS. */
async function naiveCompare(pool: pg.Pool, runIds: string[]): Promise<number> {
  const { rows } = await pool.query<{ run_id: string; step: number; value: number }>(
    "SELECT run_id, step, value FROM metric_points WHERE run_id = ANY($1::text[]) AND name = 'train/loss' ORDER BY run_id, step",
    [runIds],
  );
  const width = STEPS / BUCKETS;
  const buckets = new Map<string, { min: number; max: number }>();
  for (const r of rows) {
    const key = `${r.run_id}:${Math.min(BUCKETS - 1, Math.floor(r.step / width))}`;
    const b = buckets.get(key);
    if (!b) buckets.set(key, { min: r.value, max: r.value });
    else {
      b.min = Math.min(b.min, r.value);
      b.max = Math.max(b.max, r.value);
    }
  }
  return buckets.size;
}

const suite: BenchSuite = {
  name: "series",
  description: `compare query (${RUNS} runs x ${STEPS.toLocaleString()} points, ${BUCKETS} buckets) and runs table (${TABLE_RUNS.toLocaleString()} runs) on Postgres`,
  async run(): Promise<BenchReport> {
    const dir = mkdtempSync(join(tmpdir(), "bytelab-bench-series-"));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir: join(dir, "pg"),
      port: await freePort(),
      persistent: false,
    });
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query("CREATE DATABASE bench_series");
    await admin.end();
    const url = server.urlFor("bench_series");
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on("error", (e) => console.error(`bench pool: ${e.message}`));
    const prisma = createPrismaClient(url);
    try {
      await migrate(url);
      const seeding = await timed(() => seedCompareRuns(prisma, pool));
      const ids = seeding.value;
      console.log(
        `  seeded ${(RUNS * STEPS).toLocaleString()} points in ${(seeding.ms / 1000).toFixed(0)} s`,
      );
      await seedTableRuns(prisma, pool);
      await pool.query("VACUUM ANALYZE");

      const q =
        (runs: string[], extra: Record<string, unknown> = {}) =>
        () =>
          querySeries(pool, { runs, metrics: ["train/loss"], points: BUCKETS, ...extra });
      const all = await repeat(q(ids));
      const flopsLog = await repeat(q(ids, { x: "flops", scale: "log" }));
      const zoom = await repeat(q(ids, { from: 40_000, to: 60_000 }));
      const ten = await repeat(q(ids.slice(0, 10)));
      const naiveTen = await repeat(() => naiveCompare(pool, ids.slice(0, 10)));
      const lines = all.value.series.filter((s) => s.x.length > 0).length;
      const maxPoints = Math.max(...all.value.series.map((s) => s.x.length));
      const sources = [...new Set(all.value.series.map((s) => s.source))].join(", ");

      const sorted = await repeat(() => listRuns(pool, { sort: "bestValBpb", order: "asc", limit: 50 }));
      const byDate = await repeat(() => listRuns(pool, { limit: 50 }));
      const filtered = await repeat(() =>
        listRuns(pool, {
          config: "optimizer.lr=0.003",
          architecture: "hnet",
          status: "COMPLETED",
          sort: "lastValBpb",
          limit: 50,
        }),
      );
      let cursor: string | null = null;
      for (let page = 0; page < 19; page++)
        cursor = (await listRuns(pool, { sort: "bestValBpb", limit: 50, ...(cursor ? { cursor } : {}) }))
          .nextCursor;
      const page20 = await repeat(() => listRuns(pool, { sort: "bestValBpb", limit: 50, cursor: cursor! }));

      const row = (name: string, m: { median: number; max: number }, note = "") => [
        name,
        m.median,
        m.max,
        note,
      ];
      return {
        title: `Dashboard / API read paths (median and max of ${REPEATS} after a warm-up)`,
        columns: ["query", "median ms", "max ms", "note"],
        rows: [
          row(
            `compare: ${RUNS} runs x ${STEPS / 1000}k points, step axis`,
            all,
            `${lines} lines, <= ${maxPoints} points each, ${sources}`,
          ),
          row(`compare: ${RUNS} runs, FLOPs on a log grid`, flopsLog),
          row(`compare: ${RUNS} runs, zoom to 20% of the steps`, zoom),
          row("compare: 10 runs (rollups)", ten),
          row(
            "compare: 10 runs, naive (every point + JS min/max)",
            naiveTen,
            `${(naiveTen.median / ten.median).toFixed(0)}x slower`,
          ),
          row(
            `runs table: ${TABLE_RUNS / 1000}k runs by best val bpb, page 1`,
            sorted,
            `total ${sorted.value.total}`,
          ),
          row(`runs table: ${TABLE_RUNS / 1000}k runs by date, page 1`, byDate),
          row(
            "runs table: filtered by config key + arch + status",
            filtered,
            `total ${filtered.value.total}`,
          ),
          row("runs table: page 20 by best val bpb (cursor)", page20),
        ],
        summary: [
          `compare query for ${RUNS} runs x ${STEPS.toLocaleString()} points: ${all.median.toFixed(0)} ms median (target < 300 ms)`,
          `rollups vs reading every point: ${(naiveTen.median / ten.median).toFixed(0)}x faster on 10 runs`,
          `runs table at ${TABLE_RUNS.toLocaleString()} runs sorted by best val bpb: ${sorted.median.toFixed(0)} ms a page`,
        ],
        data: {
          runs: RUNS,
          stepsPerRun: STEPS,
          buckets: BUCKETS,
          seedSeconds: seeding.ms / 1000,
          compare: Object.fromEntries(
            Object.entries({ all, flopsLog, zoom, ten, naiveTen }).map(([k, m]) => [
              k,
              { medianMs: m.median, maxMs: m.max },
            ]),
          ),
          table: Object.fromEntries(
            Object.entries({ sorted, byDate, filtered, page20 }).map(([k, m]) => [
              k,
              { medianMs: m.median, maxMs: m.max },
            ]),
          ),
        },
      };
    } finally {
      await pool.end();
      await prisma.$disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
