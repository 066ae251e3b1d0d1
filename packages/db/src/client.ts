import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { resolveDatabaseUrl } from "./env";
import { PrismaClient } from "./generated/prisma/client";

export type { PrismaClient };

/** One pg pool and one Prisma client per database URL, shared by the whole process. */
interface Connection {
  pool: pg.Pool;
  prisma: PrismaClient;
}

// Kept on globalThis so Next.js dev-mode module reloads reuse connections instead of leaking pools.
const globalForDb = globalThis as unknown as { __bytelabDb?: Map<string, Connection> };
globalForDb.__bytelabDb ??= new Map();
const connections: Map<string, Connection> = globalForDb.__bytelabDb;

function connect(url: string): Connection {
  let conn = connections.get(url);
  if (!conn) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle client losing its server (restart, network) must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    // A client checked out when its server goes away (restart, a session killed by a timeout while this
    // process was frozen) emits "error" too; its query rejects anyway, so the event must not crash the process.
    pool.on("connect", (client) => client.on("error", () => {}));
    conn = { pool, prisma: new PrismaClient({ adapter: new PrismaPg(pool) }) };
    connections.set(url, conn);
  }
  return conn;
}

/**
 * The process-wide Prisma client for `databaseUrl` (default: DATABASE_URL), talking to Postgres through
 * @prisma/adapter-pg over the same pg pool that `getPool` returns (so raw COPY ingestion and Prisma share it).
 */
export function getPrisma(databaseUrl?: string): PrismaClient {
  return connect(resolveDatabaseUrl(databaseUrl)).prisma;
}

/** The process-wide pg pool for `databaseUrl` (default: DATABASE_URL). */
export function getPool(databaseUrl?: string): pg.Pool {
  return connect(resolveDatabaseUrl(databaseUrl)).pool;
}

/**
 * A fresh Prisma client with its own pool, not shared: for tests and scripts that need several isolated
 * clients. `$disconnect()` also closes its pool.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const url = resolveDatabaseUrl(databaseUrl);
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

/** Disconnects every client made by `getPrisma` and ends every pool made by `getPool` (call on shutdown). */
export async function disconnectPrisma(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(
    all.map(async ({ prisma, pool }) => {
      await prisma.$disconnect();
      await pool.end();
    }),
  );
}
