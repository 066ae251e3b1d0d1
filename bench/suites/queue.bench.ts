import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { createPrismaClient, migrate, type PrismaClient } from "../../packages/db/src";
import { openTrainQueue, submitSweep, type TrainQueue } from "../../packages/queue/src";
import type { MetricRecord } from "../../packages/train/src/metrics/record";
import { startEmbeddedPostgres } from "../../scripts/services/embedded-postgres";
import { freePort } from "../../scripts/services/free-port";
import { startRedisServer } from "../../scripts/services/redis-server";
import { createLogger } from "../../workers/trainer/src/logger";
import { DbMetricSink } from "../../workers/trainer/src/metrics/db-sink";
import { SpillFile } from "../../workers/trainer/src/metrics/spill-file";
import type { BenchReport, BenchSuite } from "../lib";

// Orchestration: what a sweep costs besides training, on its own Postgres (default durability) and Redis
// (append-only, as `npm start` runs it), with one real trainer worker process (workers/trainer, 1 slot):
//  1. submit -> start latency with an idle worker: submitSweep of a one-run sweep, then the job going
//     active (BullMQ processedOn) and the run turning RUNNING (runs.started_at, set by the worker's claim);
//  2. jobs/s: no-op `ping` jobs through the real worker (queue + dispatch cost), and tiny `train` jobs
//     (1 step: claim, child process, train, final eval, COMPLETED) submitted as one sweep;
//  3. metric points/s into Postgres through the worker's DbMetricSink (its batching + COPY ingestion, the
//     worker's default flush settings), 1 and 4 concurrent runs, checked by counting rows; and a real train
//     job's points/s (child -> IPC -> sink -> Postgres, bounded by training speed), for scale.

const ROOT = resolve(import.meta.dirname, "../..");
const LATENCY_SAMPLES = 20;
const PING_JOBS = 2_000;
const TINY_TRAIN_JOBS = 8;
const SINK_POINTS = 400_000;
/** The worker's WORKER_METRICS_BATCH default, and a larger batch for comparison. */
const SINK_BATCHES = [5_000, 20_000];
const METRICS_PER_RECORD = 12; // a train record: loss, bpb, aux, lr, grad norm, throughput, memory, H-Net stages
const LATENCY_TARGET_MS = 250;
const POINTS_TARGET = 50_000;

const TINY_MODEL = { n_layer: 1, n_head: 2, n_embd: 32, block_size: 32 };
const QUICK_EVAL = { interval: 0, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } };

/** A one-architecture sweep of tiny transformer runs (one per seed) of `steps` steps. */
function tinySweep(name: string, seeds: number[], steps: number, extra: Record<string, unknown> = {}) {
  return {
    name,
    modelDefaults: "reference",
    base: { dataset: "brown", seqLen: 32, batchSize: 2, eval: QUICK_EVAL, logInterval: 1, ...extra },
    architectures: [{ architecture: "transformer", model: TINY_MODEL }],
    seeds,
    budget: { steps },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1)! };
}

/**
 * CPU seconds used so far by this process and the Postgres cluster (postmaster + its live children), from
 * /proc; null off Linux. On a shared machine, points per CPU-second is the rate idle cores would reach.
 */
function cpuSeconds(pgDataDir: string): number | null {
  const stat = (pid: string) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    } catch {
      return null;
    }
  };
  const pidFile = join(pgDataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const postmaster = readFileSync(pidFile, "utf8").split("\n")[0]!;
  const own = stat(postmaster);
  if (!own) return null;
  const ticks = (f: string[], withChildren: boolean) =>
    Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
  let total = ticks(own, true);
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const f = stat(pid);
    if (f && f[1] === postmaster) total += ticks(f, false);
  }
  const self = process.cpuUsage();
  return total / 100 + (self.user + self.system) / 1e6;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>, everyMs = 5) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The trainer worker as `npm start` runs it; resolves once it listens on the queue. */
async function startWorker(env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; log: () => string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", join(ROOT, "workers/trainer/src/main.ts")], {
    cwd: join(ROOT, "workers/trainer"),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  proc.stdout!.on("data", (c: Buffer) => (text += c));
  proc.stderr!.on("data", (c: Buffer) => (text += c));
  await until(
    "the worker to listen",
    60_000,
    async () => {
      if (proc.exitCode !== null) throw new Error(`the trainer worker exited:\n${text}`);
      return /listening on queue/.test(text) ? true : null;
    },
    50,
  );
  return { proc, log: () => text };
}

interface Env {
  prisma: PrismaClient;
  trainQueue: TrainQueue;
  databaseUrl: string;
  pgDataDir: string;
}

async function runStatus(prisma: PrismaClient, id: string) {
  return prisma.run.findUniqueOrThrow({
    where: { id },
    select: { status: true, startedAt: true, finishedAt: true },
  });
}

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "DIVERGED"]);

/** Part 1: per sample, submit a fresh one-run sweep to the idle worker and time each stage. */
async function measureLatency({ prisma, trainQueue }: Env) {
  const samples: Array<{ submit: number; toActive: number; toRunning: number; total: number }> = [];
  for (let i = -1; i < LATENCY_SAMPLES; i++) {
    const t0 = Date.now();
    const result = await submitSweep(prisma, trainQueue, tinySweep(`latency-${i}`, [100 + i], 1));
    const t1 = Date.now();
    const runId = result.created[0]!.runId;
    const running = await until(`run ${runId} to start`, 30_000, async () => {
      const r = await runStatus(prisma, runId);
      return r.startedAt ? r : null;
    });
    const job = await trainQueue.queue.getJob(runId);
    await until(
      `run ${runId} to finish`,
      60_000,
      async () => {
        const r = await runStatus(prisma, runId);
        return TERMINAL.has(r.status) ? r : null;
      },
      20,
    );
    if (i < 0) continue; // warm-up: the worker forks its training child on the first job
    const started = running.startedAt!.getTime();
    samples.push({
      submit: t1 - t0,
      // job.timestamp: when submitSweep added the job (BullMQ, producer clock; all clocks are this machine's).
      toActive: (job?.processedOn ?? Number.NaN) - (job?.timestamp ?? Number.NaN),
      toRunning: started - (job?.timestamp ?? Number.NaN),
      total: started - t0,
    });
    await sleep(50); // the worker is idle again (blocked on Redis) before the next submission
  }
  if (samples.some((s) => Number.isNaN(s.toActive))) throw new Error("a job was gone before it was measured");
  return {
    submit: stats(samples.map((s) => s.submit)),
    toActive: stats(samples.map((s) => s.toActive)),
    toRunning: stats(samples.map((s) => s.toRunning)),
    total: stats(samples.map((s) => s.total)),
  };
}

/** Part 2a: no-op ping jobs through the real worker: the queue's own cost per job. */
async function measurePings({ trainQueue }: Env) {
  const jobs = Array.from({ length: PING_JOBS }, (_, i) => ({
    name: "ping",
    data: { message: `p${i}` } as never,
    opts: { removeOnComplete: true, removeOnFail: true },
  }));
  const t0 = performance.now();
  await trainQueue.queue.addBulk(jobs);
  await until(
    "the ping jobs to drain",
    120_000,
    async () => {
      const left = await trainQueue.queue.getJobCountByTypes("waiting", "prioritized", "active");
      return left === 0 ? true : null;
    },
    10,
  );
  const seconds = (performance.now() - t0) / 1000;
  return { jobs: PING_JOBS, seconds, perSecond: PING_JOBS / seconds };
}

/** Part 2b: tiny train jobs (1 step) submitted as one sweep, until every run is COMPLETED. */
async function measureTinyTrains({ prisma, trainQueue }: Env) {
  const seeds = Array.from({ length: TINY_TRAIN_JOBS }, (_, i) => 1000 + i);
  const t0 = performance.now();
  const result = await submitSweep(prisma, trainQueue, tinySweep("tiny-train-jobs", seeds, 1));
  const ids = result.created.map((c) => c.runId);
  await until(
    "the tiny runs to finish",
    300_000,
    async () => {
      const done = await prisma.run.count({
        where: { id: { in: ids }, status: { in: [...TERMINAL] as never } },
      });
      return done === ids.length ? true : null;
    },
    20,
  );
  const seconds = (performance.now() - t0) / 1000;
  const completed = await prisma.run.count({ where: { id: { in: ids }, status: "COMPLETED" } });
  return { jobs: ids.length, completed, seconds, perSecond: ids.length / seconds };
}

/** Synthetic trainer records for `runs` runs, METRICS_PER_RECORD metrics each, interleaved like live runs. */
function* records(steps: number): Generator<{ step: number; record: MetricRecord }> {
  for (let step = 1; step <= steps; step++) {
    const metrics: Record<string, number> = {};
    for (let m = 0; m < METRICS_PER_RECORD; m++)
      metrics[`train/metric_${m}`] = 3 * Math.exp(-step / 5000) + m;
    yield {
      step,
      record: {
        kind: "train",
        step,
        bytesSeen: step * 4096,
        flops: step * 1e9,
        wallTime: step * 0.01,
        metrics,
      },
    };
  }
}

/** Part 3a: the worker's DbMetricSink writing into Postgres, `runs` sinks at once, batches of `batch` points. */
async function measureSink(
  { prisma, databaseUrl, pgDataDir }: Env,
  dir: string,
  runs: number,
  batch: number,
) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: runs + 1 });
  const rows = await Promise.all(
    Array.from({ length: runs }, (_, i) =>
      prisma.run.create({
        data: {
          name: `sink-${runs}-${i}`,
          architecture: "transformer",
          config: {},
          configHash: `sink-${runs}-${i}`,
          seed: i,
        },
      }),
    ),
  );
  const stepsPerRun = Math.ceil(SINK_POINTS / runs / METRICS_PER_RECORD);
  const log = createLogger("bench");
  const cpu0 = cpuSeconds(pgDataDir);
  const t0 = performance.now();
  await Promise.all(
    rows.map(async (row) => {
      const runDir = join(dir, `sink-${row.id}`);
      mkdirSync(runDir, { recursive: true });
      const sink = new DbMetricSink({
        runId: row.id,
        target: pool,
        spill: new SpillFile(runDir),
        flushMs: 1_000,
        maxPoints: batch,
        log,
      });
      // The training child sends a record per step; the parent hands them to the sink as they arrive.
      let n = 0;
      for (const { record } of records(stepsPerRun)) {
        sink.write(record);
        if (++n % 100 === 0) await new Promise((r) => setImmediate(r));
      }
      await sink.close();
      if (sink.stats.spilledRecords > 0)
        throw new Error(`run ${row.id}: ${sink.stats.spilledRecords} records spilled`);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(pgDataDir);
  const { rows: counted } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM metric_points WHERE run_id = ANY($1)",
    [rows.map((r) => r.id)],
  );
  await pool.end();
  const points = Number(counted[0]!.n);
  const expected = runs * stepsPerRun * METRICS_PER_RECORD;
  if (points !== expected) throw new Error(`expected ${expected} points in Postgres, found ${points}`);
  const cpu = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
  return {
    runs,
    batch,
    points,
    seconds,
    perSecond: points / seconds,
    perCpuSecond: cpu ? points / cpu : null,
  };
}

/** Part 3b: one real train job logging every step; points in Postgres per second of its training. */
async function measureTrainJobPoints({ prisma, trainQueue }: Env) {
  const result = await submitSweep(prisma, trainQueue, tinySweep("points-train-job", [7], 150));
  const runId = result.created[0]!.runId;
  const run = await until(
    "the points run to finish",
    300_000,
    async () => {
      const r = await runStatus(prisma, runId);
      return TERMINAL.has(r.status) ? r : null;
    },
    50,
  );
  const points = await prisma.metricPoint.count({ where: { runId } });
  const seconds = (run.finishedAt!.getTime() - run.startedAt!.getTime()) / 1000;
  return { status: run.status, points, seconds, perSecond: points / seconds };
}

const suite: BenchSuite = {
  name: "queue",
  description: `orchestration: submit->start latency (${LATENCY_SAMPLES} samples, idle worker), jobs/s (${PING_JOBS} ping, ${TINY_TRAIN_JOBS} tiny train), metric points/s into Postgres through the worker's sink (${SINK_POINTS.toLocaleString()} pts)`,
  async run(): Promise<BenchReport> {
    const dir = mkdtempSync(join(tmpdir(), "bytelab-bench-queue-"));
    chmodSync(dir, 0o755); // the postgres OS user must reach its data folder when we run as root
    const pgDataDir = join(dir, "pg");
    const server = await startEmbeddedPostgres({
      dataDir: pgDataDir,
      port: await freePort(),
      persistent: true,
    });
    const redis = await startRedisServer({ port: await freePort(), dataDir: join(dir, "redis") });
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query("CREATE DATABASE bench_queue");
    await admin.end();
    const databaseUrl = server.urlFor("bench_queue");
    await migrate(databaseUrl);
    const prisma = createPrismaClient(databaseUrl);
    const trainQueue = openTrainQueue({ redisUrl: redis.url });
    const env: Env = { prisma, trainQueue, databaseUrl, pgDataDir };
    const worker = await startWorker({
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      BYTELAB_HOME: join(dir, "home"),
      WORKER_SLOTS: "1",
      BYTELAB_BACKEND: "cpu",
    });
    try {
      const latency = await measureLatency(env);
      const pings = await measurePings(env);
      const trains = await measureTinyTrains(env);
      const trainPoints = await measureTrainJobPoints(env);
      const sinks: Array<Awaited<ReturnType<typeof measureSink>>> = [];
      for (const batch of SINK_BATCHES)
        for (const runs of [1, 4]) sinks.push(await measureSink(env, dir, runs, batch));

      const ms = (n: number) => Math.round(n * 10) / 10;
      const verdict = (ok: boolean, text: string) => `${text}: ${ok ? "ok" : "MISSED"}`;
      const latencyRow = (what: string, s: { p50: number; p95: number; max: number }, note = "") => [
        what,
        ms(s.p50),
        ms(s.p95),
        ms(s.max),
        "",
        note,
      ];
      const rows: Array<Array<string | number>> = [
        latencyRow("submitSweep call (expand + transaction + enqueue), ms", latency.submit),
        latencyRow("job added -> job active (BullMQ processedOn), ms", latency.toActive),
        latencyRow("job added -> run RUNNING (worker claim), ms", latency.toRunning),
        latencyRow(
          "submit -> run RUNNING (end to end), ms",
          latency.total,
          verdict(latency.total.p95 < LATENCY_TARGET_MS, `p95 < ${LATENCY_TARGET_MS}`),
        ),
        [
          "ping jobs through the worker, jobs/s",
          Math.round(pings.perSecond),
          "",
          "",
          "",
          `${pings.jobs} in ${pings.seconds.toFixed(1)} s`,
        ],
        [
          "tiny train jobs (1 step + final eval), jobs/s",
          ms(trains.perSecond),
          "",
          "",
          "",
          `${trains.completed}/${trains.jobs} COMPLETED in ${trains.seconds.toFixed(1)} s`,
        ],
        ...sinks.map((k) => [
          `points/s, worker sink -> Postgres, ${k.runs} run${k.runs === 1 ? "" : "s"}, batch ${k.batch.toLocaleString()}`,
          Math.round(k.perSecond),
          "",
          "",
          k.perCpuSecond === null ? "-" : Math.round(k.perCpuSecond),
          verdict(k.perSecond >= POINTS_TARGET, `>= ${POINTS_TARGET.toLocaleString()}/s`),
        ]),
        [
          "points/s, real train job logging every step",
          Math.round(trainPoints.perSecond),
          "",
          "",
          "",
          `${trainPoints.points} pts in ${trainPoints.seconds.toFixed(1)} s (training-bound), ${trainPoints.status}`,
        ],
      ];
      const sink = (runs: number, batch: number) => sinks.find((k) => k.runs === runs && k.batch === batch)!;
      const [small, large] = SINK_BATCHES as [number, number];
      const best = sinks.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      return {
        title: "Orchestration: one trainer worker (1 slot), Postgres default durability, Redis AOF",
        columns: ["measure", "p50 / value", "p95", "max", "per CPU-s", "note"],
        rows,
        summary: [
          `submit -> RUNNING p95 ${ms(latency.total.p95)} ms (target < ${LATENCY_TARGET_MS}); queue + claim alone p95 ${ms(latency.toRunning.p95)} ms, the submitSweep call p95 ${ms(latency.submit.p95)} ms`,
          `no-op jobs: ${Math.round(pings.perSecond)} jobs/s through one worker; tiny train jobs: ${ms(trains.perSecond)} jobs/s (${ms(1 / trains.perSecond)} s each, child training and final eval included)`,
          `metric points via the worker's sink, batch ${small.toLocaleString()} (worker default): ${Math.round(sink(1, small).perSecond).toLocaleString()}/s for 1 run, ${Math.round(sink(4, small).perSecond).toLocaleString()}/s for 4 runs (${(sink(4, small).perSecond / sink(1, small).perSecond).toFixed(2)}x); batch ${large.toLocaleString()} is ${(sink(1, large).perSecond / sink(1, small).perSecond).toFixed(2)}x (1 run) and ${(sink(4, large).perSecond / sink(4, small).perSecond).toFixed(2)}x (4 runs) the default`,
          `best: ${Math.round(best.perSecond).toLocaleString()} points/s (${best.runs} runs, batch ${best.batch.toLocaleString()}); target >= ${POINTS_TARGET.toLocaleString()}/s; per CPU-second (this process + Postgres) is what idle cores would reach on a shared machine`,
          `a real tiny train job logging every step lands ${Math.round(trainPoints.perSecond).toLocaleString()} points/s, ${(sink(1, small).perSecond / trainPoints.perSecond).toFixed(0)}x below one sink's capacity: ingestion is not what limits a run`,
        ],
        data: {
          latency,
          pings,
          trains,
          trainPoints,
          sinks,
          loadAverage: loadavg(),
          targets: { latencyP95Ms: LATENCY_TARGET_MS, pointsPerSecond: POINTS_TARGET },
        },
      };
    } finally {
      const exited = new Promise((r) => worker.proc.once("exit", r));
      worker.proc.kill("SIGTERM");
      await Promise.race([exited, sleep(30_000)]);
      await trainQueue.close();
      await prisma.$disconnect();
      await redis.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
