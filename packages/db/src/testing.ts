import { createEmptyDatabase } from "../../../tests/helpers/db";
import { createPrismaClient } from "./client";
import type { PrismaClient } from "./generated/prisma/client";
import { migrate } from "./migrations/migrate";

export interface TestDatabase {
  url: string;
  /** A Prisma client of its own (not the process singleton), closed by `drop`. */
  prisma: PrismaClient;
  /** Disconnects `prisma` and drops the database. */
  drop: () => Promise<void>;
}

/**
 * For vitest only (uses `inject("pgAdminUrl")`): a fresh database on the test cluster with all migrations
 * applied. Call in beforeAll, `drop()` in afterAll.
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
