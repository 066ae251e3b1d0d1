import type { OwnedServiceContext } from "@bytelab/service";
import pg from "pg";
import { CliError, EXIT, UnreachableError } from "../exit";
import {
  type ConnectionFlags,
  describeUrl,
  type ResolvedUrl,
  resolveServiceUrl,
  unreachable,
} from "./connection";

/** How long a first connection may take before we call the service unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

type ServiceModule = typeof import("@bytelab/service");

/**
 * The Prisma client is generated, never committed: a fresh clone has none until something generates it.
 * The CLI generates it on first use (offline, a few seconds, once; a no-op when it is current), with the
 * same function `npm start` and the test setup call, then loads the service (which imports the client).
 */
export async function loadService(): Promise<ServiceModule> {
  const { generatePrismaClient } = await import("@bytelab/db/generate");
  try {
    generatePrismaClient({
      log: (line) => process.stderr.write(`bytelab: ${line}: first use after npm install, done once\n`),
    });
  } catch (error) {
    throw new CliError(
      EXIT.failure,
      `the Prisma client is missing and could not be generated: ${(error as Error).message}\n` +
        "  Fix: run `npm install` (it installs prisma), then `npm run db:generate`.",
    );
  }
  return import("@bytelab/service");
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
      throw new UnreachableError(
        `the database at ${describeUrl(database.url)} has no bytelab tables.\n` +
          "  Fix: apply the migrations with `npm run db:migrate` (npm start does it for you).",
      );
  } finally {
    await client.end().catch(() => {});
  }
}

export interface LocalSession {
  service: ServiceModule;
  ctx: OwnedServiceContext;
  database: ResolvedUrl;
  /** null when no Redis is configured (reads work without it). */
  redis: ResolvedUrl | null;
}

/**
 * Opens what a local command needs: Postgres (found and checked up front, so a missing or unreachable
 * database is reported as such, with the fix) and a service context whose training queue opens on first
 * use. Redis is found too when it can be; `requireRedis` checks it answers.
 */
export async function openLocalSession(flags: ConnectionFlags): Promise<LocalSession> {
  const database = resolveServiceUrl("postgres", flags);
  let redis: ResolvedUrl | null;
  try {
    redis = resolveServiceUrl("redis", flags);
  } catch {
    redis = null;
  }
  await checkPostgres(database);
  const service = await loadService();
  const ctx = service.createServiceContext({
    databaseUrl: database.url,
    redisUrl: redis?.url ?? null,
    dashboardUrl: database.stack?.webUrl ?? null,
    redisTimeoutMs: CONNECT_TIMEOUT_MS,
  });
  return { service, ctx, database, redis };
}

/** Checks that Redis is configured and answers (before a change: nothing is written when it does not). */
export async function requireRedis(session: LocalSession, flags: ConnectionFlags): Promise<void> {
  const redis = session.redis ?? resolveServiceUrl("redis", flags); // throws the "no Redis" error
  try {
    await session.ctx.trainQueue();
  } catch (error) {
    // The service says "cannot reach Redis: <why>; start it, or check REDIS_URL": keep the why.
    const why = /cannot reach Redis: (.*?); start it/.exec((error as Error).message)?.[1];
    throw unreachable("redis", redis, why ? new Error(why) : error);
  }
}

export async function closeLocalSession(session: LocalSession): Promise<void> {
  await session.ctx.close();
  const { disconnectPrisma } = await import("@bytelab/db/runtime");
  await disconnectPrisma();
}
