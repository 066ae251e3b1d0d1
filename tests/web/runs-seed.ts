import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { ingestMetrics, type PrismaClient, registerWorker } from "@bytelab/db";
import type pg from "pg";

// Synthetic sweeps written straight into a database, the way workers leave them (runs rows, metric points,
// status events, environment), for the dashboard's browser tests and the dashboard bench: learning curves
// that fall like real ones (per architecture and learning rate, seeds scattered), val/bpb every evalEvery
// steps, H-Net compression telemetry. Deterministic for a given seed.

export interface SeedSweepOptions {
  name: string;
  architectures: readonly string[];
  lrs: readonly number[];
  seeds: readonly number[];
  /** Steps each run has trained (metrics at every `trainEvery` step up to it). */
  steps: number;
  trainEvery?: number;
  /** val/bpb every this many steps (and at the last step). */
  evalEvery: number;
  /** Also record lr, throughput, stage compression (H-Net): default true. */
  extraMetrics?: boolean;
  /** Status of run i (default COMPLETED); RUNNING runs have trained half their steps. */
  status?: (i: number) => "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "DIVERGED" | "CANCELLED";
  /** Points per ingest batch. */
  batch?: number;
  /** The worker that ran the runs (registered once). */
  workerId?: string;
  rng?: number;
}

export interface SeededSweep {
  sweepId: string;
  runIds: string[];
  /** Run config per run id. */
  configs: Map<string, Record<string, unknown>>;
  points: number;
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A cuid-shaped id (c + 24 base-36 characters). */
export function fakeId(): string {
  return `c${BigInt(`0x${randomBytes(16).toString("hex")}`)
    .toString(36)
    .padStart(24, "0")
    .slice(0, 24)}`;
}

const FLOOR: Record<string, number> = { transformer: 1.62, hourglass: 1.55, hnet: 1.48, megabyte: 1.66 };
const FLOPS_PER_BYTE: Record<string, number> = {
  transformer: 2.4e6,
  hourglass: 1.6e6,
  hnet: 1.3e6,
  megabyte: 1.1e6,
};
const SEQ = 64;
const BATCH = 4;

export function seedConfig(arch: string, lr: number, seed: number, steps: number, evalEvery: number) {
  return {
    architecture: arch,
    seed,
    steps,
    seqLen: SEQ,
    batchSize: BATCH,
    dataset: "brown",
    optimizer: { lr, beta2: 0.95 },
    eval: { interval: evalEvery },
    model: arch === "hnet" ? { d_model: [64, 96], stages: 1 } : { d_model: 96, n_layers: 4 },
  };
}

export async function ensureSeedWorker(
  prisma: PrismaClient,
  id = `seed-worker-${hostname()}`,
): Promise<string> {
  await registerWorker(prisma, {
    id,
    host: hostname(),
    pid: process.pid,
    devices: [{ backend: "tensorflow", name: "cpu: seed", kind: "cpu" }],
    slots: 1,
    version: "seed",
  });
  return id;
}

/**
 * Creates one sweep of architectures x lrs x seeds runs and their metrics. Points go in through
 * ingestMetrics (COPY), so metric_stats and the rollups are kept by the triggers as for a real run.
 */
export async function seedSweep(
  prisma: PrismaClient,
  pool: pg.Pool,
  opts: SeedSweepOptions,
): Promise<SeededSweep> {
  const rand = prng(opts.rng ?? 1);
  const now = Date.now();
  const sweep = await prisma.sweep.create({
    data: { name: opts.name, spec: { kind: "sweep", name: opts.name }, createdAt: new Date(now - 3_600_000) },
  });
  const runs: Array<{
    id: string;
    arch: string;
    lr: number;
    seed: number;
    status: string;
    trained: number;
    config: Record<string, unknown>;
  }> = [];
  let i = 0;
  for (const arch of opts.architectures)
    for (const lr of opts.lrs)
      for (const seed of opts.seeds) {
        const status = opts.status?.(i) ?? "COMPLETED";
        const trained =
          status === "QUEUED" ? 0 : status === "RUNNING" ? Math.floor(opts.steps / 2) : opts.steps;
        runs.push({
          id: fakeId(),
          arch,
          lr,
          seed,
          status,
          trained,
          config: seedConfig(arch, lr, seed, opts.steps, opts.evalEvery),
        });
        i++;
      }
  const wall = 0.05;
  for (let c = 0; c < runs.length; c += 1000) {
    await prisma.run.createMany({
      data: runs.slice(c, c + 1000).map((r, j) => {
        const started = r.status === "QUEUED" ? null : new Date(now - 3_000_000 + (c + j) * 10);
        const finished =
          r.status === "QUEUED" || r.status === "RUNNING"
            ? null
            : new Date((started?.getTime() ?? now) + r.trained * wall * 1000);
        return {
          id: r.id,
          name: `${opts.name}/${r.arch}-lr${r.lr}-s${r.seed}`,
          sweepId: sweep.id,
          status: r.status as never,
          architecture: r.arch,
          config: r.config as never,
          configHash: `h-${r.arch}-${r.lr}-${r.seed}-${opts.steps}`,
          seed: r.seed,
          paramCount: BigInt(Math.round(400_000 + (r.arch === "hnet" ? 150_000 : 0))),
          flopsPerByte: FLOPS_PER_BYTE[r.arch] ?? 2e6,
          attempts: r.status === "QUEUED" ? 0 : 1,
          workerId: r.status === "QUEUED" ? null : (opts.workerId ?? null),
          backend: r.status === "QUEUED" ? null : "tensorflow",
          device: r.status === "QUEUED" ? null : "cpu: seed",
          gitCommit: "abc1234",
          error: r.status === "FAILED" ? "Error: worker lost (seeded failure)" : null,
          environment:
            r.status === "QUEUED"
              ? undefined
              : {
                  node: "v22.0.0",
                  tfjs: "4.22.0",
                  backend: "tensorflow",
                  device: "cpu: seed",
                  host: hostname(),
                  gitCommit: "abc1234",
                },
          queuedAt: new Date(now - 3_600_000 + c + j),
          startedAt: started,
          finishedAt: finished,
        };
      }),
    });
  }
  // Metric points, streamed in batches.
  let buffer: Array<Record<string, unknown>> = [];
  let total = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    total += buffer.length;
    await ingestMetrics(pool, buffer);
    buffer = [];
  };
  const batch = opts.batch ?? 50_000;
  const trainEvery = opts.trainEvery ?? 1;
  for (const r of runs) {
    if (r.trained === 0) continue;
    const floor = (FLOOR[r.arch] ?? 1.6) + 0.25 * Math.abs(Math.log10(r.lr / 0.003)) + (rand() - 0.5) * 0.02;
    const tau = opts.steps * 0.08;
    const fpb = FLOPS_PER_BYTE[r.arch] ?? 2e6;
    const at = (step: number) => ({
      bytesSeen: step * SEQ * BATCH,
      flops: step * SEQ * BATCH * fpb,
      wallTime: step * wall,
    });
    const curve = (step: number) => floor + (8 - floor) * Math.exp(-step / tau);
    const diverged = r.status === "DIVERGED";
    for (let step = trainEvery; step <= r.trained; step += trainEvery) {
      const x = at(step);
      const nan = diverged && step > r.trained * 0.9;
      buffer.push({
        runId: r.id,
        name: "train/bpb",
        step,
        value: nan ? Number.NaN : curve(step) + (rand() - 0.5) * 0.1,
        ...x,
      });
      if (opts.extraMetrics !== false && step % (trainEvery * 10) === 0) {
        buffer.push(
          { runId: r.id, name: "lr", step, value: r.lr * Math.min(1, step / (opts.steps * 0.05)), ...x },
          { runId: r.id, name: "throughput/bytes_per_s", step, value: 5000 + rand() * 500, ...x },
        );
        if (r.arch === "hnet")
          buffer.push(
            {
              runId: r.id,
              name: "stage0/compression",
              step,
              value: 2 + 2.5 * (1 - Math.exp(-step / tau)),
              ...x,
            },
            {
              runId: r.id,
              name: "stage0/boundary_fraction",
              step,
              value: 1 / (2 + 2.5 * (1 - Math.exp(-step / tau))),
              ...x,
            },
          );
      }
      if (buffer.length >= batch) await flush();
    }
    for (let step = opts.evalEvery; step <= r.trained; step += opts.evalEvery) {
      buffer.push({
        runId: r.id,
        name: "val/bpb",
        step,
        value: curve(step) + 0.03 + (rand() - 0.5) * 0.01,
        ...at(step),
      });
      if (buffer.length >= batch) await flush();
    }
    if (r.trained % opts.evalEvery !== 0)
      buffer.push({
        runId: r.id,
        name: "val/bpb",
        step: r.trained,
        value: curve(r.trained) + 0.03,
        ...at(r.trained),
      });
    if (r.status === "COMPLETED")
      buffer.push({
        runId: r.id,
        name: "test/bpb",
        step: r.trained,
        value: curve(r.trained) + 0.035,
        ...at(r.trained),
      });
  }
  await flush();
  // Status history: queued, started, finished.
  const events: Array<{ runId: string; kind: "STATUS"; message: string; at: Date; level?: "ERROR" }> = [];
  for (const r of runs) {
    events.push({ runId: r.id, kind: "STATUS", message: "created -> QUEUED", at: new Date(now - 3_600_000) });
    if (r.status !== "QUEUED")
      events.push({
        runId: r.id,
        kind: "STATUS",
        message: "QUEUED -> RUNNING",
        at: new Date(now - 3_000_000),
      });
    if (r.status !== "QUEUED" && r.status !== "RUNNING")
      events.push({
        runId: r.id,
        kind: "STATUS",
        message: `RUNNING -> ${r.status}`,
        at: new Date(now - 1_000_000),
        ...(r.status === "FAILED" ? { level: "ERROR" as const } : {}),
      });
  }
  for (let c = 0; c < events.length; c += 5000)
    await prisma.runEvent.createMany({ data: events.slice(c, c + 5000) });
  return {
    sweepId: sweep.id,
    runIds: runs.map((r) => r.id),
    configs: new Map(runs.map((r) => [r.id, r.config])),
    points: total,
  };
}
