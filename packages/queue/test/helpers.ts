import { randomBytes } from "node:crypto";
import { createPrismaClient, migrate, type PrismaClient } from "@bytelab/db";
import { inject } from "vitest";
import { createEmptyDatabase } from "@bytelab/db/testing";
import { openTrainQueue, type TrainQueue } from "../src";

export interface QueueTestEnv {
  prisma: PrismaClient;
  trainQueue: TrainQueue;
  redisUrl: string;
  close(): Promise<void>;
}

/** A migrated database of its own and a training queue with a name of its own on the test Redis. */
export async function openTestEnv(label: string): Promise<QueueTestEnv> {
  const db = await createEmptyDatabase(label);
  await migrate(db.url);
  const prisma = createPrismaClient(db.url);
  const redisUrl = inject("redisUrl");
  const trainQueue = openTrainQueue({ redisUrl, name: `test-${label}-${randomBytes(3).toString("hex")}` });
  return {
    prisma,
    trainQueue,
    redisUrl,
    async close() {
      await trainQueue.queue.obliterate({ force: true }).catch(() => {});
      await trainQueue.close();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

/** A small sweep: 2 architectures x 2 learning rates x 2 seeds = 8 runs of 5 steps. */
export function smallSweep(name: string, lrs: number[] = [1e-3, 3e-3]) {
  return {
    name,
    base: { dataset: "brown", seqLen: 32, batchSize: 2 },
    architectures: [
      {
        architecture: "hourglass",
        model: { dim: 32, heads: 2, dim_head: 16, depth: [1, 1, 1], shorten_factor: 2 },
      },
      {
        architecture: "megabyte",
        model: { dim: [32, 16], depth: [1, 1], max_seq_len: [8, 4], heads: 2, dim_head: 16 },
      },
    ],
    parameters: { grid: { "optimizer.lr": lrs } },
    seeds: [0, 1],
    budget: { steps: 5 },
    priority: "high",
  };
}
