import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createPrismaClient, ingestMetrics, type MetricPointInput, migrate } from "../../packages/db/src";
import { startEmbeddedPostgres } from "../../scripts/services/embedded-postgres";
import { freePort } from "../../scripts/services/free-port";
import type { BenchReport, BenchSuite } from "../lib";

// Metric ingestion: packages/db ingestMetrics (COPY -> temp staging -> INSERT, ON CONFLICT merge when points
// exist) versus a naive Prisma `createMany` per batch, on the same fresh Postgres, in one run.
// The cluster keeps Postgres's default durability (fsync, synchronous_commit, full_page_writes on): it is
// started `persistent` in a temp folder that is deleted afterwards, so every batch pays a real commit.
// Besides wall-clock points/s we report points per CPU-second (this process + every Postgres process), which
// stays meaningful when other jobs share the machine's cores.

const COPY_POINTS = 1_000_000;
const CONCURRENT_POINTS = 400_000;
const REDELIVER_POINTS = 100_000;
const CREATE_MANY_POINTS = 50_000;
/** Points written with the metric-summary triggers on and off, side by side (their cost on ingestion). */
const SUMMARY_POINTS = 300_000;
const BATCH = 10_000;
const METRICS_PER_STEP = 10; // train/loss, train/bpb, lr, grad_norm, ... as a trainer reports them
const STEPS_PER_RUN = 10_000;

/** Batch `b` of a synthetic training log: METRICS_PER_STEP points per step, STEPS_PER_RUN steps per run. */
function makeBatch(runIds: string[], b: number): MetricPointInput[] {
  const points: MetricPointInput[] = new Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const n = b * BATCH + i;
    const step = Math.floor(n / METRICS_PER_STEP);
    points[i] = {
      runId: runIds[Math.floor(step / STEPS_PER_RUN) % runIds.length]!,
      name: `train/metric_${n % METRICS_PER_STEP}`,
      step: step % STEPS_PER_RUN,
      value: 3 * Math.exp(-step / 5000) + Math.random() * 0.01,
      bytesSeen: step * 65_536,
      flops: step * 2.5e12,
      wallTime: step * 0.05,
    };
  }
  return points;
}

/** CPU seconds used so far by the Postgres cluster (postmaster, its reaped and live children); null off Linux. */
function postgresCpuSeconds(dataDir: string): number | null {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync("/proc/self/stat") || !existsSync(pidFile)) return null;
  const postmaster = Number.parseInt(readFileSync(pidFile, "utf8"), 10);
  const ticks = 100; // USER_HZ on Linux
  const fields = (pid: string) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    } catch {
      return null; // exited meanwhile
    }
  };
  let total = 0;
  const own = fields(String(postmaster));
  if (!own) return null;
  total += Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]); // utime stime cutime cstime
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const f = fields(pid);
    if (f && Number(f[1]) === postmaster) total += Number(f[11]) + Number(f[12]);
  }
  return total / ticks;
}

interface Measured {
  points: number;
  seconds: number;
  cpuSeconds: number | null;
}

/**
 * Wall and CPU time of writing `batches` synthetic batches starting at batch `first`, `streams` at a time
 * (making the points is not timed: they are made before the clock starts for each round).
 */
async function measure(
  dataDir: string,
  runIds: string[],
  first: number,
  batches: number,
  streams: number,
  write: (points: MetricPointInput[]) => Promise<unknown>,
): Promise<Measured> {
  let seconds = 0;
  let cpuSeconds: number | null = 0;
  for (let b = first; b < first + batches; b += streams) {
    const round = Array.from({ length: Math.min(streams, first + batches - b) }, (_, i) =>
      makeBatch(runIds, b + i),
    );
    const pg0 = postgresCpuSeconds(dataDir);
    const node0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(round.map(write));
    seconds += (performance.now() - t0) / 1000;
    const node = process.cpuUsage(node0);
    const pg1 = postgresCpuSeconds(dataDir);
    cpuSeconds =
      cpuSeconds === null || pg0 === null || pg1 === null
        ? null
        : cpuSeconds + pg1 - pg0 + (node.user + node.system) / 1e6;
  }
  return { points: batches * BATCH, seconds, cpuSeconds };
}

const suite: BenchSuite = {
  name: "ingest",
  description: `metric ingestion: ingestMetrics COPY (${COPY_POINTS.toLocaleString()} pts) vs Prisma createMany (${CREATE_MANY_POINTS.toLocaleString()} pts), batches of ${BATCH.toLocaleString()}, default durability`,
  async run(): Promise<BenchReport> {
    const dir = mkdtempSync(join(tmpdir(), "bytelab-bench-ingest-"));
    chmodSync(dir, 0o755); // the postgres OS user must reach its data folder when we run as root
    const dataDir = join(dir, "pg");
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: true });
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query("CREATE DATABASE bench_ingest");
    await admin.end();
    const url = server.urlFor("bench_ingest");
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on("error", (e) => console.error(`bench pool: ${e.message}`));
    const prisma = createPrismaClient(url);
    try {
      await migrate(url);
      const totalBatches = (COPY_POINTS + CONCURRENT_POINTS) / BATCH;
      const runCount = Math.ceil((totalBatches * BATCH) / METRICS_PER_STEP / STEPS_PER_RUN);
      const runIds: string[] = [];
      for (let r = 0; r < runCount; r++) {
        const run = await prisma.run.create({
          data: { name: `bench-${r}`, architecture: "hnet", config: {}, configHash: `h${r}`, seed: r },
        });
        runIds.push(run.id);
      }
      const count = async () =>
        Number((await pool.query("SELECT count(*) AS n FROM metric_points")).rows[0].n);
      const expectRows = async (n: number, what: string) => {
        const rows = await count();
        if (rows !== n) throw new Error(`${what}: ${rows} rows, expected ${n}`);
      };
      const copy = (points: MetricPointInput[]) => ingestMetrics(pool, points);
      const fresh = async () => {
        await pool.query("TRUNCATE metric_points");
        await pool.query("VACUUM ANALYZE metric_points");
      };

      const copy1 = await measure(dataDir, runIds, 0, COPY_POINTS / BATCH, 1, copy);
      await expectRows(COPY_POINTS, "COPY");
      const copy2 = await measure(dataDir, runIds, COPY_POINTS / BATCH, CONCURRENT_POINTS / BATCH, 2, copy);
      await expectRows(COPY_POINTS + CONCURRENT_POINTS, "COPY, 2 streams");
      const redeliver = await measure(dataDir, runIds, 0, REDELIVER_POINTS / BATCH, 1, copy);
      await expectRows(COPY_POINTS + CONCURRENT_POINTS, "re-delivery");

      await fresh();
      const createMany = await measure(dataDir, runIds, 0, CREATE_MANY_POINTS / BATCH, 1, (points) =>
        prisma.metricPoint.createMany({
          data: points.map((p) => ({ ...p, bytesSeen: p.bytesSeen == null ? null : BigInt(p.bytesSeen) })),
          skipDuplicates: true,
        }),
      );
      await expectRows(CREATE_MANY_POINTS, "createMany");
      await fresh();
      const copySmall = await measure(dataDir, runIds, 0, CREATE_MANY_POINTS / BATCH, 1, copy);
      await expectRows(CREATE_MANY_POINTS, "COPY, small");

      // metric_stats / metric_rollups are kept by statement triggers on metric_points: their cost, measured
      // as the same writes with those triggers disabled, alternating rounds so both see the same machine.
      const summaryTriggers = ["metric_points_summaries_insert", "metric_points_summaries_update"];
      const setSummaries = (on: boolean) =>
        pool.query(
          summaryTriggers
            .map((t) => `ALTER TABLE metric_points ${on ? "ENABLE" : "DISABLE"} TRIGGER ${t}`)
            .join(";"),
        );
      const withSummaries: Measured[] = [];
      const withoutSummaries: Measured[] = [];
      for (let round = 0; round < 2; round++)
        for (const on of round === 0 ? [true, false] : [false, true]) {
          await fresh();
          await pool.query("TRUNCATE metric_stats, metric_rollups");
          await setSummaries(on);
          (on ? withSummaries : withoutSummaries).push(
            await measure(dataDir, runIds, 0, SUMMARY_POINTS / BATCH / 2, 1, copy),
          );
        }
      await setSummaries(true);
      const sum = (ms: Measured[]): Measured => ({
        points: ms.reduce((a, m) => a + m.points, 0),
        seconds: ms.reduce((a, m) => a + m.seconds, 0),
        cpuSeconds: ms.some((m) => m.cpuSeconds === null) ? null : ms.reduce((a, m) => a + m.cpuSeconds!, 0),
      });
      const summariesOn = sum(withSummaries);
      const summariesOff = sum(withoutSummaries);

      const rate = (m: Measured) => m.points / m.seconds;
      const cpuRate = (m: Measured) => (m.cpuSeconds ? m.points / m.cpuSeconds : "n/a");
      const base = rate(createMany);
      const row = (name: string, m: Measured) => [
        name,
        m.points,
        m.seconds,
        rate(m),
        cpuRate(m),
        rate(m) / base,
      ];
      const ratio = rate(copySmall) / base;
      return {
        title: `Metric ingestion, batches of ${BATCH.toLocaleString()}, Postgres default durability (fsync on)`,
        columns: ["variant", "points", "seconds", "points/s", "points/CPU-s", "vs createMany"],
        rows: [
          row("ingestMetrics, 1 stream, 0 -> 1M rows", copy1),
          row("ingestMetrics, 2 streams, 1M -> 1.4M rows", copy2),
          row("ingestMetrics re-delivery (all unchanged)", redeliver),
          row(`ingestMetrics, empty table, ${CREATE_MANY_POINTS / 1000}k`, copySmall),
          row(`Prisma createMany, empty table, ${CREATE_MANY_POINTS / 1000}k`, createMany),
          row(`ingestMetrics, ${SUMMARY_POINTS / 1000}k, summary triggers on`, summariesOn),
          row(`ingestMetrics, ${SUMMARY_POINTS / 1000}k, summary triggers off`, summariesOff),
        ],
        summary: [
          `ingestMetrics: ${Math.round(rate(copy1)).toLocaleString()} points/s over 1M points with one stream, ` +
            `${Math.round(rate(copy2)).toLocaleString()} points/s with two (target >= 100,000)`,
          `ingestMetrics is ${ratio.toFixed(1)}x faster than Prisma createMany on the same ${CREATE_MANY_POINTS / 1000}k points`,
          `re-delivering ${REDELIVER_POINTS / 1000}k existing points: ${Math.round(rate(redeliver)).toLocaleString()} points/s, rows unchanged`,
          "points/CPU-s counts this process and all Postgres processes: the rate a machine with idle cores reaches",
          `metric summaries (stats + rollups, kept by triggers) cost ${((1 - rate(summariesOn) / rate(summariesOff)) * 100).toFixed(0)}% of ingestion throughput ` +
            `(${Math.round(rate(summariesOn)).toLocaleString()} vs ${Math.round(rate(summariesOff)).toLocaleString()} points/s, same writes, alternating rounds)`,
        ],
        data: {
          batch: BATCH,
          oneStream: { ...copy1, pointsPerSecond: rate(copy1), pointsPerCpuSecond: cpuRate(copy1) },
          twoStreams: { ...copy2, pointsPerSecond: rate(copy2), pointsPerCpuSecond: cpuRate(copy2) },
          redelivery: {
            ...redeliver,
            pointsPerSecond: rate(redeliver),
            pointsPerCpuSecond: cpuRate(redeliver),
          },
          copyEmptyTable: {
            ...copySmall,
            pointsPerSecond: rate(copySmall),
            pointsPerCpuSecond: cpuRate(copySmall),
          },
          createMany: { ...createMany, pointsPerSecond: base, pointsPerCpuSecond: cpuRate(createMany) },
          copyVsCreateMany: ratio,
          summaries: {
            on: {
              ...summariesOn,
              pointsPerSecond: rate(summariesOn),
              pointsPerCpuSecond: cpuRate(summariesOn),
            },
            off: {
              ...summariesOff,
              pointsPerSecond: rate(summariesOff),
              pointsPerCpuSecond: cpuRate(summariesOff),
            },
            throughputRatio: rate(summariesOn) / rate(summariesOff),
          },
          durability: "postgres defaults (fsync=on, synchronous_commit=on, full_page_writes=on)",
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
