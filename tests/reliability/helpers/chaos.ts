import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type ArtifactStore, openArtifactStore } from "../../../packages/artifacts/src";
import { createPrismaClient, migrate, type PrismaClient } from "../../../packages/db/src";
import { openTrainQueue, submitSweep, type TrainQueue } from "../../../packages/queue/src";
import { METRICS_FILE, readMetricsFile, train } from "../../../packages/train/src";
import {
  type EmbeddedPostgresHandle,
  startEmbeddedPostgres,
} from "../../../scripts/services/embedded-postgres";
import { freePort } from "../../../scripts/services/free-port";
import { type RedisServerHandle, startRedisServer } from "../../../scripts/services/redis-server";
import { type LocalS3, startLocalS3 } from "../../helpers/s3-server";
import { startWorkerProcess, type WorkerProcess } from "./worker-process";

/*
 * The chaos soak: a sweep on several worker processes (separate local folders, one artifact store, one Redis
 * with AOF everysec, one Postgres) while a driver injects faults at random moments: a worker SIGKILLed (and
 * started again a second later, as a supervisor would), Redis SIGKILLed (a crash: the last second of writes
 * may be lost) and started again on its append-only file, Postgres restarted (fast shutdown, start). Then it
 * checks what must hold whatever happened, against an undisturbed training of each config:
 *   every run COMPLETED exactly once, every metric step present exactly once, every final loss equal to the
 *   undisturbed run's, no job left in Redis but the completed ones, no object in the store that no artifacts
 *   row names, no work folder left on any worker.
 * Used by `npm run bench -- chaos` (10 minutes, 40 runs, 3 workers) and a short CI test.
 */

export type FaultKind = "worker-sigkill" | "redis-sigkill" | "postgres-restart";

export interface ChaosOptions {
  runs: number;
  workers: number;
  /** Optimizer steps per run (tiny transformer, a metrics record every `logInterval` steps). */
  steps: number;
  logInterval: number;
  /** Faults are injected for this long (or until every run finished, when `stopWhenDone`). */
  durationMs: number;
  /** Random pause between two faults, uniform in [min, max] ms. */
  faultGapMs: [number, number];
  /** Relative weights of the fault kinds (random choice)... */
  weights: Record<FaultKind, number>;
  /** ...or this sequence, repeated (a short soak that must see every kind). */
  cycle?: FaultKind[];
  /** file: a shared folder; s3: a local S3-compatible server (s3rver). */
  artifacts: "file" | "s3";
  /** Seed of the fault schedule (which fault, when, which worker). */
  seed: number;
  /** Stop injecting once every run finished (CI); the bench keeps the full duration. */
  stopWhenDone: boolean;
  /** After the faults, how long the runs may take to finish. */
  settleMs: number;
  log: (line: string) => void;
}

export interface FaultRecord {
  kind: FaultKind;
  /** ms since the soak started. */
  at: number;
  target: string;
  /** How long the service was away (kill/stop -> answering again), ms. */
  downMs: number;
  /** Runs the killed worker was training (worker faults): id and the attempt they were at. */
  runs: { runId: string; attempt: number }[];
  /** Worker faults: ms from the kill until each of its runs trained again on some worker (resumed event). */
  resumedAfterMs: (number | null)[];
  /** Worker faults: ms from the kill until each of its runs was claimed again. */
  claimedAfterMs: (number | null)[];
}

export interface ChaosReport {
  faults: FaultRecord[];
  runs: number;
  completed: number;
  completedExactlyOnce: number;
  points: number;
  duplicatePoints: number;
  missingSteps: number;
  /** Max |final train/loss - undisturbed| over runs; and of test/bpb. */
  maxFinalLossDiff: number;
  maxTestBpbDiff: number;
  /** Every metric value of every run compared with the undisturbed run's: the largest difference. */
  maxAnyDiff: number;
  valuesCompared: number;
  resumes: number;
  attemptsTotal: number;
  leftoverJobs: Record<string, number>;
  orphanObjects: string[];
  leftoverWorkFolders: string[];
  spillFiles: number;
  wallSeconds: number;
  referenceSeconds: number;
  problems: string[];
}

/** mulberry32: the fault schedule is reproducible from the seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TINY_MODEL = { n_layer: 1, n_head: 2, n_embd: 16, block_size: 16 };

function chaosSweep(o: ChaosOptions): Record<string, unknown> {
  const lrs = [1e-2, 7e-3, 5e-3, 3e-3, 2e-3, 1.5e-3, 1e-3, 7e-4];
  const perSeed = Math.min(lrs.length, o.runs);
  const seeds = Array.from({ length: Math.ceil(o.runs / perSeed) }, (_, i) => i);
  if (perSeed * seeds.length !== o.runs)
    throw new Error(`runs must be a multiple of ${perSeed} or at most it`);
  return {
    name: "chaos",
    base: {
      dataset: "brown",
      seqLen: 16,
      batchSize: 2,
      logInterval: o.logInterval,
      eval: {
        interval: Math.max(o.logInterval, Math.floor(o.steps / 4)),
        windows: 2,
        testWindows: 2,
        batchSize: 2,
        robustness: { rates: [] },
      },
      checkpoint: { interval: Math.max(10, Math.floor(o.steps / 10)), keep: 2 },
    },
    architectures: [{ architecture: "transformer", model: TINY_MODEL }],
    parameters: { grid: { "optimizer.lr": lrs.slice(0, perSeed) } },
    seeds,
    budget: { steps: o.steps },
  };
}

class Cluster {
  pg!: EmbeddedPostgresHandle;
  redis!: RedisServerHandle;
  s3: LocalS3 | null = null;
  databaseUrl = "";
  redisUrl = "";
  artifacts = "";
  store!: ArtifactStore;
  prisma!: PrismaClient;
  trainQueue!: TrainQueue;
  readonly workers = new Map<string, { proc: WorkerProcess; home: string; generation: number }>();
  /** Workers being started again after a kill. */
  readonly restarts: Promise<void>[] = [];
  private pgPort = 0;
  private redisPort = 0;
  readonly queueName = "chaos-train";

  constructor(
    readonly dir: string,
    readonly o: ChaosOptions,
  ) {}

  async start(): Promise<void> {
    this.pgPort = await freePort();
    this.redisPort = await freePort();
    await this.startPostgres();
    const admin = await import("pg");
    const client = new admin.default.Client({ connectionString: this.pg.adminUrl });
    await client.connect();
    await client.query("CREATE DATABASE chaos");
    await client.end();
    this.databaseUrl = this.pg.urlFor("chaos");
    await migrate(this.databaseUrl);
    await this.startRedis();
    if (this.o.artifacts === "s3") {
      this.s3 = await startLocalS3("bytelab-chaos");
      this.artifacts = this.s3.storeUrl("soak");
    } else {
      const shared = join(this.dir, "shared-store");
      mkdirSync(shared);
      this.artifacts = pathToFileURL(shared).href;
    }
    this.store = openArtifactStore(this.artifacts, { home: this.dir, env: this.s3?.env ?? {} });
    this.prisma = createPrismaClient(this.databaseUrl);
    this.trainQueue = openTrainQueue({ redisUrl: this.redisUrl, name: this.queueName });
    await Promise.all(Array.from({ length: this.o.workers }, (_, i) => this.startWorker(`w${i + 1}`)));
  }

  async startPostgres(): Promise<void> {
    this.pg = await startEmbeddedPostgres({
      dataDir: join(this.dir, "pg"),
      port: this.pgPort,
      persistent: true,
    });
  }

  async startRedis(): Promise<void> {
    this.redis = await startRedisServer({ port: this.redisPort, dataDir: join(this.dir, "redis") });
    this.redisUrl = this.redis.url;
  }

  workerEnv(home: string): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      WORKER_QUEUE: this.queueName,
      BYTELAB_HOME: home,
      BYTELAB_ARTIFACTS: this.artifacts,
      ...(this.s3?.env ?? {}),
      CUDA_VISIBLE_DEVICES: "-1",
      WORKER_SLOTS: "1",
      WORKER_HEARTBEAT_MS: "1000",
      // The defaults (5 s lock, 0.5 s stalled check) are what the recovery target relies on.
      WORKER_LOCK_DURATION_MS: "5000",
      WORKER_STALLED_INTERVAL_MS: "500",
      // Redis crashes may lose the last second of writes: look for runs without a job every 3 s.
      WORKER_REQUEUE_INTERVAL_MS: "3000",
      // Losing its worker is not the run's fault; a long soak kills the same run's workers many times.
      WORKER_MAX_STALLED_COUNT: "1000",
      WORKER_METRICS_FLUSH_MS: "500",
      WORKER_DB_WAIT_MS: "600000",
      WORKER_SHUTDOWN_TIMEOUT_MS: "20000",
    };
  }

  async startWorker(name: string): Promise<void> {
    const existing = this.workers.get(name);
    const home = existing?.home ?? join(this.dir, `home-${name}`);
    mkdirSync(home, { recursive: true });
    let generation = existing?.generation ?? 0;
    // A start can fail while Postgres restarts (registration): try again, as a supervisor would.
    for (let tries = 1; ; tries++) {
      generation += 1;
      const id = `chaos-${name}-${generation}`;
      try {
        const proc = await startWorkerProcess(id, this.workerEnv(home));
        this.workers.set(name, { proc, home, generation });
        return;
      } catch (error) {
        if (tries >= 10) throw error;
        await sleep(2_000);
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.restarts);
    await Promise.all([...this.workers.values()].map((w) => w.proc.stop()));
    await this.trainQueue?.close().catch(() => {});
    await this.prisma?.$disconnect().catch(() => {});
    await this.store?.close().catch(() => {});
    await this.redis?.stop().catch(() => {});
    await this.pg?.stop().catch(() => {});
    await this.s3?.stop().catch(() => {});
  }
}

/** Polls `probe` until truthy or `timeoutMs`; null on timeout. */
async function until<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 200,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => null);
    if (v) return v;
    await sleep(everyMs);
  }
  return null;
}

async function injectWorkerKill(c: Cluster, pick: () => number, t0: number): Promise<FaultRecord | null> {
  // A worker that is up (not one being started again).
  const names = [...c.workers.keys()].filter((n) => c.workers.get(n)!.proc.proc.exitCode === null);
  if (names.length === 0) return null;
  const name = names[Math.floor(pick() * names.length)]!;
  const w = c.workers.get(name)!;
  // What it trains right now (Postgres may be restarting: then we do not know, and say so).
  const runs = await c.prisma.run
    .findMany({ where: { status: "RUNNING", workerId: w.proc.id }, select: { id: true, attempts: true } })
    .catch(() => []);
  const at = Date.now();
  w.proc.kill("SIGKILL");
  await w.proc.exited;
  // A supervisor (systemd, Docker, Kubernetes) starts it again a second later; the driver goes on meanwhile.
  c.restarts.push(sleep(1_000).then(() => c.startWorker(name)));
  return {
    kind: "worker-sigkill",
    at: at - t0,
    target: w.proc.id,
    downMs: Date.now() - at,
    runs: runs.map((r) => ({ runId: r.id, attempt: r.attempts })),
    resumedAfterMs: [],
    claimedAfterMs: [],
  };
}

async function injectRedisKill(c: Cluster, t0: number): Promise<FaultRecord> {
  const at = Date.now();
  c.redis.process.kill("SIGKILL");
  await new Promise((r) => {
    if (c.redis.process.exitCode !== null || c.redis.process.signalCode !== null) r(null);
    else c.redis.process.once("exit", r);
  });
  await sleep(500);
  await c.startRedis();
  return {
    kind: "redis-sigkill",
    at: at - t0,
    target: "redis",
    downMs: Date.now() - at,
    runs: [],
    resumedAfterMs: [],
    claimedAfterMs: [],
  };
}

async function injectPostgresRestart(c: Cluster, t0: number): Promise<FaultRecord> {
  const at = Date.now();
  await c.pg.stop();
  await sleep(500);
  await c.startPostgres();
  return {
    kind: "postgres-restart",
    at: at - t0,
    target: "postgres",
    downMs: Date.now() - at,
    runs: [],
    resumedAfterMs: [],
    claimedAfterMs: [],
  };
}

/** Runs the soak and its checks; never throws for a failed check (see `problems`). */
export async function runChaosSoak(o: ChaosOptions): Promise<ChaosReport> {
  const dir = mkdtempSync(join(tmpdir(), "bytelab-chaos-"));
  chmodSync(dir, 0o755); // the postgres OS user must reach its data folder when we run as root
  const c = new Cluster(dir, o);
  const problems: string[] = [];
  const faults: FaultRecord[] = [];
  const random = rng(o.seed);
  let t0 = Date.now();
  try {
    await c.start();
    const spec = chaosSweep(o);
    const { created } = await submitSweep(c.prisma, c.trainQueue, spec);
    const runIds = created.map((x) => x.runId);
    t0 = Date.now(); // the soak's clock starts with the sweep
    o.log(`submitted ${runIds.length} runs; ${o.workers} workers; artifacts in ${c.artifacts}`);
    const allDone = async () =>
      (await c.prisma.run.count({
        where: { id: { in: runIds }, status: { in: ["COMPLETED", "FAILED", "DIVERGED", "CANCELLED"] } },
      })) === runIds.length;

    // The fault driver.
    const total = Object.values(o.weights).reduce((a, b) => a + b, 0);
    let turn = 0;
    const chooseKind = (): FaultKind => {
      if (o.cycle?.length) return o.cycle[turn++ % o.cycle.length]!;
      let x = random() * total;
      for (const [k, w] of Object.entries(o.weights) as [FaultKind, number][]) {
        x -= w;
        if (x < 0) return k;
      }
      return "worker-sigkill";
    };
    while (Date.now() - t0 < o.durationMs) {
      const gap = o.faultGapMs[0] + random() * (o.faultGapMs[1] - o.faultGapMs[0]);
      await sleep(Math.min(gap, Math.max(0, o.durationMs - (Date.now() - t0))));
      if (Date.now() - t0 >= o.durationMs) break;
      if (o.stopWhenDone && (await allDone().catch(() => false))) break;
      const kind = chooseKind();
      let fault: FaultRecord | null = null;
      try {
        if (kind === "worker-sigkill") fault = await injectWorkerKill(c, random, t0);
        else if (kind === "redis-sigkill") fault = await injectRedisKill(c, t0);
        else fault = await injectPostgresRestart(c, t0);
      } catch (error) {
        problems.push(`injecting ${kind} failed: ${(error as Error).message}`);
      }
      if (fault) {
        faults.push(fault);
        o.log(
          `${(fault.at / 1000).toFixed(1)} s: ${fault.kind} ${fault.target} (back in ${fault.downMs} ms)${fault.runs.length ? `, it trained ${fault.runs.map((r) => r.runId).join(", ")}` : ""}`,
        );
      }
    }
    o.log(
      `faults stopped after ${((Date.now() - t0) / 1000).toFixed(0)} s (${faults.length} injected); waiting for the runs`,
    );
    for (const r of await Promise.allSettled(c.restarts))
      if (r.status === "rejected")
        problems.push(`a worker did not start again: ${(r.reason as Error).message}`);
    const finished = await until(allDone, o.settleMs, 1_000);
    if (!finished) problems.push(`not every run finished within ${o.settleMs} ms after the faults`);
    // Let the last jobs be marked completed in Redis and the workers go idle.
    await sleep(3_000);
    const wallSeconds = (Date.now() - t0) / 1000;

    // Recovery times of killed workers' runs, from the events (resumed / claimed with a later attempt).
    for (const f of faults.filter((x) => x.kind === "worker-sigkill")) {
      const killedAt = t0 + f.at;
      for (const r of f.runs) {
        const events = await c.prisma.runEvent.findMany({
          where: { runId: r.runId, at: { gte: new Date(killedAt) } },
          orderBy: { id: "asc" },
        });
        const later = (e: (typeof events)[number]) =>
          ((e.data as { attempt?: number } | null)?.attempt ?? 0) > r.attempt;
        const started = events.find((e) => /^(resumed at step|training started)/.test(e.message) && later(e));
        const claimed = events.find((e) => e.kind === "STATUS" && /^QUEUED -> RUNNING/.test(e.message));
        f.resumedAfterMs.push(started ? started.at.getTime() - killedAt : null);
        f.claimedAfterMs.push(claimed ? claimed.at.getTime() - killedAt : null);
      }
    }

    for (const f of faults.filter((x) => x.kind === "worker-sigkill"))
      o.log(
        `kill at ${(f.at / 1000).toFixed(1)} s of ${f.target}: runs ${f.runs.map((r) => r.runId).join(", ") || "-"}, ` +
          `claimed again after [${f.claimedAfterMs.join(", ")}] ms, training again after [${f.resumedAfterMs.join(", ")}] ms`,
      );
    // What must hold.
    const runs = await c.prisma.run.findMany({ where: { id: { in: runIds } } });
    const completed = runs.filter((r) => r.status === "COMPLETED");
    for (const r of runs)
      if (r.status !== "COMPLETED") problems.push(`run ${r.id} is ${r.status}: ${r.error}`);
    let completedExactlyOnce = 0;
    let resumes = 0;
    for (const r of runs) {
      const events = await c.prisma.runEvent.findMany({ where: { runId: r.id } });
      const toCompleted = events.filter((e) => e.kind === "STATUS" && /-> COMPLETED/.test(e.message)).length;
      if (toCompleted === 1) completedExactlyOnce++;
      else problems.push(`run ${r.id} moved to COMPLETED ${toCompleted} times`);
      resumes += events.filter((e) => e.message.startsWith("resumed at step")).length;
    }
    // Metric points: the steps each series must have, exactly once (the primary key forbids twice; count).
    const logged = Array.from({ length: o.steps }, (_, i) => i + 1).filter(
      (s) => s % o.logInterval === 0 || s === o.steps,
    );
    let points = 0;
    let missingSteps = 0;
    let duplicatePoints = 0;
    for (const r of runs) {
      const rows = await c.prisma.metricPoint.findMany({
        where: { runId: r.id, name: "train/loss" },
        select: { step: true },
        orderBy: { step: "asc" },
      });
      const steps = rows.map((x) => x.step);
      duplicatePoints += steps.length - new Set(steps).size;
      const have = new Set(steps);
      const missing = logged.filter((s) => !have.has(s));
      const extra = steps.filter((s) => !logged.includes(s));
      missingSteps += missing.length;
      if (missing.length || extra.length)
        problems.push(
          `run ${r.id}: train/loss misses steps [${missing.slice(0, 5)}] and has extra [${extra.slice(0, 5)}]`,
        );
      points += await c.prisma.metricPoint.count({ where: { runId: r.id } });
    }

    // Jobs: every one completed, nothing waiting, active, delayed or failed.
    const counts = await c.trainQueue.queue.getJobCounts(
      "waiting",
      "active",
      "delayed",
      "failed",
      "completed",
      "prioritized",
    );
    const leftoverJobs = Object.fromEntries(
      Object.entries(counts).filter(([k, v]) => k !== "completed" && v > 0),
    );
    if (Object.keys(leftoverJobs).length)
      problems.push(`jobs left in Redis: ${JSON.stringify(leftoverJobs)}`);
    if (counts.completed !== runIds.length)
      problems.push(`${counts.completed} completed jobs for ${runIds.length} runs`);

    // Files: every object in the store named by a row (or a latest pointer); no work folder, no spill file.
    const rows = await c.prisma.artifact.findMany({ where: { runId: { in: runIds } } });
    const named = rows.map((r) => c.store.keyOf(r.uri)).filter((k): k is string => k !== null);
    const objects = (await c.store.list("runs/")).map((x) => x.key);
    const orphanObjects = objects.filter(
      (k) => !k.endsWith("/checkpoints/latest") && !named.some((n) => k === n || k.startsWith(`${n}/`)),
    );
    if (orphanObjects.length)
      problems.push(
        `${orphanObjects.length} objects in the store that no row names, e.g. ${orphanObjects[0]}`,
      );
    const missingObjects = named.filter((n) => !objects.some((k) => k === n || k.startsWith(`${n}/`)));
    if (missingObjects.length)
      problems.push(
        `${missingObjects.length} artifacts rows name nothing in the store, e.g. ${missingObjects[0]}`,
      );
    const leftoverWorkFolders: string[] = [];
    let spillFiles = 0;
    for (const w of c.workers.values()) {
      const work = join(w.home, "work");
      if (!existsSync(work)) continue;
      for (const f of readdirSync(work)) {
        leftoverWorkFolders.push(`${w.proc.id}:${f}`);
        if (existsSync(join(work, f, "metrics-spill.jsonl"))) spillFiles++;
      }
    }
    if (leftoverWorkFolders.length) problems.push(`work folders left: ${leftoverWorkFolders.join(", ")}`);

    // Every value equal to an undisturbed run of the same config (trained here, one after the other).
    const refStarted = Date.now();
    let maxFinalLossDiff = 0;
    let maxTestBpbDiff = 0;
    let maxAnyDiff = 0;
    let valuesCompared = 0;
    for (const r of completed) {
      const refDir = join(dir, `ref-${r.id}`);
      await train({ config: r.config, outDir: refDir });
      const reference = readMetricsFile(join(refDir, METRICS_FILE));
      const stored = new Map(
        (await c.prisma.metricPoint.findMany({ where: { runId: r.id } })).map((p) => [
          `${p.name}@${p.step}`,
          p.value,
        ]),
      );
      for (const record of reference)
        for (const [name, value] of Object.entries(record.metrics)) {
          if (value === null || /^(throughput|memory)\//.test(name)) continue;
          const got = stored.get(`${name}@${record.step}`);
          if (got === undefined) {
            problems.push(`run ${r.id}: ${name}@${record.step} missing`);
            continue;
          }
          const diff = Math.abs(got - value);
          maxAnyDiff = Math.max(maxAnyDiff, diff);
          valuesCompared++;
          if (name === "train/loss" && record.step === o.steps)
            maxFinalLossDiff = Math.max(maxFinalLossDiff, diff);
          if (name === "test/bpb") maxTestBpbDiff = Math.max(maxTestBpbDiff, diff);
        }
      rmSync(refDir, { recursive: true, force: true });
    }
    if (maxAnyDiff > 1e-6) problems.push(`a metric differs from the undisturbed run by ${maxAnyDiff}`);
    return {
      faults,
      runs: runIds.length,
      completed: completed.length,
      completedExactlyOnce,
      points,
      duplicatePoints,
      missingSteps,
      maxFinalLossDiff,
      maxTestBpbDiff,
      maxAnyDiff,
      valuesCompared,
      resumes,
      attemptsTotal: runs.reduce((a, r) => a + r.attempts, 0),
      leftoverJobs,
      orphanObjects,
      leftoverWorkFolders,
      spillFiles,
      wallSeconds,
      referenceSeconds: (Date.now() - refStarted) / 1000,
      problems,
    };
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Summary numbers of a report, for tables and logs. */
export function recoveryStats(report: ChaosReport) {
  const kills = report.faults.filter((f) => f.kind === "worker-sigkill");
  const resumed = kills.flatMap((f) => f.resumedAfterMs).filter((x): x is number => x !== null);
  const claimed = kills.flatMap((f) => f.claimedAfterMs).filter((x): x is number => x !== null);
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const pct = (xs: number[], p: number) =>
    xs.length ? sorted(xs)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]! : null;
  const down = (k: FaultKind) => report.faults.filter((f) => f.kind === k).map((f) => f.downMs);
  return {
    kills: kills.length,
    killedRuns: kills.reduce((a, f) => a + f.runs.length, 0),
    resumed,
    resumeP50: pct(resumed, 50),
    resumeMax: resumed.length ? Math.max(...resumed) : null,
    claimP50: pct(claimed, 50),
    claimMax: claimed.length ? Math.max(...claimed) : null,
    notResumed: kills.flatMap((f) => f.resumedAfterMs).filter((x) => x === null).length,
    redis: down("redis-sigkill"),
    postgres: down("postgres-restart"),
  };
}
