import { randomBytes } from "node:crypto";
import { disconnectPrisma, ingestMetrics, type PrismaClient } from "@bytelab/db";
import { inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { closeKeyCaches, createServiceContext, type OwnedServiceContext } from "../src";

export interface ServiceTestEnv {
  db: TestDatabase;
  ctx: OwnedServiceContext;
  queueName: string;
  close(): Promise<void>;
}

/** A migrated database of its own and a service context on it, with a queue name of its own. */
export async function openServiceEnv(label: string): Promise<ServiceTestEnv> {
  const db = await createTestDatabase(label);
  const queueName = `test-${label}-${randomBytes(3).toString("hex")}`;
  const ctx = createServiceContext({
    databaseUrl: db.url,
    redisUrl: inject("redisUrl"),
    queueName,
    dashboardUrl: "http://dashboard.test",
  });
  return {
    db,
    ctx,
    queueName,
    async close() {
      const queue = await ctx.trainQueue().catch(() => null);
      await queue?.queue.obliterate({ force: true }).catch(() => {});
      await ctx.close();
      await closeKeyCaches();
      await disconnectPrisma();
      await db.drop();
    },
  };
}

export interface SeedRun {
  id: string;
  name?: string;
  sweepId?: string | null;
  status?: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "DIVERGED" | "CANCELLED";
  architecture?: string;
  seed?: number;
  config?: Record<string, unknown>;
  configHash?: string;
  gitCommit?: string | null;
  paramCount?: number;
  queuedAt?: Date;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

/** Inserts runs straight into the database (no queue, no training): for read-model tests. */
export async function seedRuns(prisma: PrismaClient, runs: readonly SeedRun[]): Promise<void> {
  await prisma.run.createMany({
    data: runs.map((r) => ({
      id: r.id,
      name: r.name ?? r.id,
      sweepId: r.sweepId ?? null,
      status: r.status ?? "COMPLETED",
      architecture: r.architecture ?? "transformer",
      seed: r.seed ?? 0,
      config: (r.config ?? { steps: 100, batchSize: 4, seqLen: 32, optimizer: { lr: 0.001 } }) as object,
      configHash: r.configHash ?? r.id,
      gitCommit: r.gitCommit ?? null,
      paramCount: r.paramCount === undefined ? null : BigInt(r.paramCount),
      queuedAt: r.queuedAt ?? new Date(),
      startedAt: r.startedAt === undefined ? new Date(Date.now() - 60_000) : r.startedAt,
      finishedAt:
        r.finishedAt === undefined && (r.status ?? "COMPLETED") === "COMPLETED"
          ? new Date()
          : (r.finishedAt ?? null),
    })),
  });
}

/** A metric series for a run: value(step) at each step, bytes = 128 per step, FLOPs = 1e6 per step. */
export async function seedSeries(
  url: string,
  runId: string,
  name: string,
  steps: readonly number[],
  value: (step: number) => number,
): Promise<void> {
  for (let i = 0; i < steps.length; i += 50_000)
    await ingestMetrics(
      url,
      steps.slice(i, i + 50_000).map((step) => ({
        runId,
        name,
        step,
        value: value(step),
        bytesSeen: step * 128,
        flops: step * 1e6,
        wallTime: step * 0.01,
      })),
    );
}

export const range = (from: number, to: number, by = 1) =>
  Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);
