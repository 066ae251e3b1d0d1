import { createHash } from "node:crypto";
import { ingestMetrics } from "@bytelab/db";
import type { TestDatabase } from "@bytelab/db/testing";

// Runs and metric points written straight into a test database, the way workers leave them: what
// `runs list`, `runs show` and `verdict` read. Four sweeps of the same three hnet configs (seeds 0-2) at
// different git commits, plus a sweep of runs in other states and with another config.

export const COMMITS = { base: "c0ffee0", good: "c0ffee1", bad: "c0ffee2", wide: "c0ffee3" } as const;

/** test/bpb per seed of each hnet sweep. */
export const TEST_BPB = {
  base: [2.0, 2.002, 1.998],
  good: [2.004, 1.998, 2.002],
  bad: [2.2, 2.21, 2.19],
  wide: [1.9, 2.1, 2.05],
} as const;

export type HnetSweep = keyof typeof TEST_BPB;

export interface SeededRuns {
  sweeps: Record<HnetSweep | "other", string>;
  /** Run ids per hnet sweep, by seed. */
  hnet: Record<HnetSweep, [string, string, string]>;
  other: { failed: string; running: string; queued: string };
}

const HOUR = 3600_000;

/** A config hash as the experiments package makes them (sha256 hex), from a readable label. */
export const hashOf = (label: string) => createHash("sha256").update(label).digest("hex");

function config(arch: string, seed: number, lr: number, dim: number) {
  return { architecture: arch, seed, steps: 10, seqLen: 32, batchSize: 2, optimizer: { lr }, model: { dim } };
}

/**
 * Seeds the database. Finish times order the commits bad < wide < base < good, so "the latest finished run
 * of the same config at another commit" is base for good, and good for bad.
 */
export async function seedRuns(db: TestDatabase): Promise<SeededRuns> {
  const now = Date.now();
  const finishedAt: Record<HnetSweep, number> = {
    bad: now - 5 * HOUR,
    wide: now - 4 * HOUR,
    base: now - 3 * HOUR,
    good: now - 2 * HOUR,
  };
  const sweeps = {} as SeededRuns["sweeps"];
  const hnet = {} as SeededRuns["hnet"];
  const points: Array<Record<string, unknown>> = [];
  for (const name of ["base", "bad", "wide", "good"] as const) {
    const sweep = await db.prisma.sweep.create({
      data: { name, spec: { kind: "sweep" }, createdAt: new Date(finishedAt[name] - HOUR) },
    });
    sweeps[name] = sweep.id;
    const ids: string[] = [];
    for (const seed of [0, 1, 2]) {
      const run = await db.prisma.run.create({
        data: {
          name: `${name}/hnet/s${seed}`,
          sweepId: sweep.id,
          status: "COMPLETED",
          architecture: "hnet",
          config: config("hnet", seed, 0.003, 128),
          configHash: hashOf(`hnet-s${seed}`),
          seed,
          paramCount: 120_000n,
          flopsPerByte: 7.5e5,
          gitCommit: COMMITS[name],
          backend: "cpu",
          queuedAt: new Date(finishedAt[name] - HOUR + seed),
          startedAt: new Date(finishedAt[name] - HOUR / 2),
          finishedAt: new Date(finishedAt[name] + seed),
        },
      });
      ids.push(run.id);
      const test = TEST_BPB[name][seed]!;
      for (let step = 1; step <= 10; step++)
        points.push(
          { runId: run.id, name: "train/bpb", step, value: test + 1 - step / 10, bytesSeen: 64 * step },
          { runId: run.id, name: "throughput/bytes_per_s", step, value: 1000 + seed },
        );
      points.push(
        { runId: run.id, name: "val/bpb", step: 5, value: test + 0.1 },
        { runId: run.id, name: "val/bpb", step: 10, value: test + 0.02 },
        { runId: run.id, name: "test/bpb", step: 10, value: test },
      );
    }
    hnet[name] = ids as [string, string, string];
  }

  const other = await db.prisma.sweep.create({ data: { name: "other", spec: { kind: "sweep" } } });
  sweeps.other = other.id;
  const mk = (arch: string, status: "FAILED" | "RUNNING" | "QUEUED", extra: object = {}) =>
    db.prisma.run.create({
      data: {
        name: `other/${arch}/s0`,
        sweepId: other.id,
        status,
        architecture: arch,
        config: config(arch, 0, 0.001, 64),
        configHash: hashOf(`${arch}-lr0.001`),
        seed: 0,
        gitCommit: COMMITS.good,
        ...extra,
      },
    });
  const failed = await mk("transformer", "FAILED", {
    error: "RangeError: out of memory",
    startedAt: new Date(now - 60_000),
    finishedAt: new Date(now - 30_000),
  });
  const running = await mk("megabyte", "RUNNING", { startedAt: new Date(now - 60_000) });
  const queued = await mk("hourglass", "QUEUED");
  points.push({ runId: running.id, name: "val/bpb", step: 3, value: 3.5 });
  await ingestMetrics(db.url, points);
  return { sweeps, hnet, other: { failed: failed.id, running: running.id, queued: queued.id } };
}
