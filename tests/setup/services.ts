import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../scripts/services/embedded-postgres";
import { freePort } from "../../scripts/services/free-port";
import { startRedisServer } from "../../scripts/services/redis-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the throwaway Postgres cluster (database `postgres`). */
    pgAdminUrl: string;
    /** URL of the throwaway Redis server. */
    redisUrl: string;
  }
}

/**
 * Starts one hermetic Postgres cluster and one Redis server for the whole test run.
 * Tests get their own database from `createTestDatabase()` (@bytelab/db/testing).
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "bytelab-test-"));
  chmodSync(dir, 0o755); // the postgres OS user must be able to reach its data folder
  const pg = await startEmbeddedPostgres({
    dataDir: join(dir, "pg"),
    port: await freePort(),
    persistent: false,
  });
  const redis = await startRedisServer({ port: await freePort(), dataDir: null });
  project.provide("pgAdminUrl", pg.adminUrl);
  project.provide("redisUrl", redis.url);
  process.env.BYTELAB_TEST_PG_ADMIN_URL = pg.adminUrl;
  process.env.BYTELAB_TEST_REDIS_URL = redis.url;
  return async () => {
    await redis.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
