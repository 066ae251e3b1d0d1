import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrismaClient, migrate, type PrismaClient } from "@bytelab/db";
import { openTrainQueue, type TrainQueue } from "@bytelab/queue";
import { inject } from "vitest";
import { createEmptyDatabase } from "../../helpers/db";

export interface ReliabilityEnv {
  databaseUrl: string;
  redisUrl: string;
  prisma: PrismaClient;
  trainQueue: TrainQueue;
  queueName: string;
  /** BYTELAB_HOME of the workers (run folders in home/runs). */
  home: string;
  close(): Promise<void>;
}

/**
 * A migrated database of its own (on the test cluster unless `databaseUrl` is given), a queue of its own
 * (on the test Redis unless `redisUrl` is given) and a BYTELAB_HOME folder.
 */
export async function openReliabilityEnv(
  label: string,
  opts: { databaseUrl?: string; redisUrl?: string } = {},
): Promise<ReliabilityEnv> {
  const db = opts.databaseUrl ? null : await createEmptyDatabase(label);
  const databaseUrl = opts.databaseUrl ?? db!.url;
  await migrate(databaseUrl);
  const prisma = createPrismaClient(databaseUrl);
  const redisUrl = opts.redisUrl ?? inject("redisUrl");
  const queueName = `rel-${label}-${randomBytes(3).toString("hex")}`;
  const trainQueue = openTrainQueue({ redisUrl, name: queueName });
  const home = mkdtempSync(join(tmpdir(), `bytelab-${label}-`));
  return {
    databaseUrl,
    redisUrl,
    prisma,
    trainQueue,
    queueName,
    home,
    async close() {
      await trainQueue.queue.obliterate({ force: true }).catch(() => {});
      await trainQueue.close();
      await prisma.$disconnect();
      await db?.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The environment a worker process of `env` needs. */
export function workerVars(env: ReliabilityEnv): Record<string, string> {
  return {
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    WORKER_QUEUE: env.queueName,
    BYTELAB_HOME: env.home,
  };
}
