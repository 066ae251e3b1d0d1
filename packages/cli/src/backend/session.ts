import type { PrismaClient } from "@bytelab/db/runtime";
import type { TrainQueue } from "@bytelab/queue";
import pg from "pg";
import {
  type ConnectionFlags,
  ConnectionError,
  describeUrl,
  type ResolvedUrl,
  resolveServiceUrl,
  unreachable,
} from "./connection";

/** How long a first connection may take before we call the service unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface SweepSession {
  prisma: PrismaClient;
  database: ResolvedUrl;
  /** Open when the command needs Redis (submit, cancel). */
  trainQueue: TrainQueue | null;
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Connects once with a timeout and checks that the schema is there: clear errors before any real work. */
async function checkPostgres(database: ResolvedUrl): Promise<void> {
  const client = new pg.Client({
    connectionString: database.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    throw unreachable("postgres", database, error);
  }
  try {
    const { rows } = await client.query<{ t: string | null }>("SELECT to_regclass('runs')::text AS t");
    if (!rows[0]?.t)
      throw new ConnectionError(
        `the database at ${describeUrl(database.url)} has no bytelab tables.\n` +
          "  Fix: apply the migrations with `npm run db:migrate` (npm start does it for you).",
      );
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Opens what a sweep command needs: Postgres (always) and the training queue on Redis (`redis: true`),
 * each checked up front so a missing or unreachable service is reported as such, with the fix.
 */
export async function openSweepSession(
  flags: ConnectionFlags,
  opts: { redis: boolean },
): Promise<SweepSession> {
  const database = resolveServiceUrl("postgres", flags);
  const redisUrl = opts.redis ? resolveServiceUrl("redis", flags) : null;
  await checkPostgres(database);

  let trainQueue: TrainQueue | null = null;
  if (redisUrl) {
    const { openTrainQueue } = await import("@bytelab/queue");
    trainQueue = openTrainQueue({ redisUrl: redisUrl.url });
    try {
      await withTimeout(trainQueue.redis.ping(), CONNECT_TIMEOUT_MS, "Redis");
    } catch (error) {
      await trainQueue.close();
      throw unreachable("redis", redisUrl, error);
    }
  }
  const db = await import("@bytelab/db/runtime");
  const prisma = db.getPrisma(database.url);
  return {
    prisma,
    database,
    trainQueue,
    async close() {
      await trainQueue?.close();
      await db.disconnectPrisma();
    },
  };
}
