import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPrismaClient } from "./client";
import type { PrismaClient } from "./generated/prisma/client";
import { migrate } from "./migrations/migrate";

/**
 * Test helpers (`@bytelab/db/testing`), for vitest runs only: they read `inject("pgAdminUrl")`, the admin URL
 * of the throwaway cluster that the suite's global setup (tests/setup/services.ts) starts.
 */

/**
 * Creates an empty database on the test cluster, named after the calling suite, and returns its URL.
 * Each test file gets its own database, so files can run in parallel without sharing rows.
 */
export async function createEmptyDatabase(label = "t"): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject("pgAdminUrl");
  const name = `${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestDatabase {
  url: string;
  /** A Prisma client of its own (not the process singleton), closed by `drop`. */
  prisma: PrismaClient;
  /** Disconnects `prisma` and drops the database. */
  drop: () => Promise<void>;
}

/**
 * A fresh database on the test cluster with all migrations applied. Call in beforeAll, `drop()` in afterAll.
 */
export async function createTestDatabase(label = "db"): Promise<TestDatabase> {
  const db = await createEmptyDatabase(label);
  await migrate(db.url);
  const prisma = createPrismaClient(db.url);
  return {
    url: db.url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
