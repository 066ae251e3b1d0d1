import { randomUUID } from "node:crypto";
import pg from "pg";
import { resolveDatabaseUrl } from "../env";
import { defaultMigrationsDir } from "../paths";
import {
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationFailedPreviouslyError,
} from "./errors";
import { type MigrationFile, readMigrations } from "./read-migrations";

/**
 * The advisory lock key `prisma migrate` itself takes, so this migrator and `prisma migrate deploy`
 * also exclude each other.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's own bookkeeping table, byte for byte, so `prisma migrate deploy/status` accept our rows. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  log?: (line: string) => void;
  /** Default: <repo>/prisma/migrations. */
  migrationsDir?: string;
  /** Give up waiting for another process's migration lock after this long (default 5 minutes). */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied before this call. */
  alreadyApplied: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies the pending migrations of prisma/migrations to `databaseUrl` (default DATABASE_URL), oldest first.
 *
 * - Runs under Postgres advisory lock 72707369 (the one Prisma uses): a second process waits, then finds
 *   nothing left to do.
 * - Each migration runs in its own transaction together with its `_prisma_migrations` row, so a failing
 *   migration leaves no trace and the next run retries it. (SQL that cannot run inside a transaction, such
 *   as CREATE INDEX CONCURRENTLY, is therefore not supported in migrations.)
 * - Refuses to run when an applied migration's file was edited (checksum mismatch) or when Prisma recorded
 *   a half-applied migration.
 */
export async function migrate(databaseUrl?: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const files = readMigrations(opts.migrationsDir ?? defaultMigrationsDir);
  const client = new pg.Client({ connectionString: resolveDatabaseUrl(databaseUrl) });
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(opts.lockTimeoutMs ?? 300_000))}`);
    const locked = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
      MIGRATION_LOCK_KEY,
    ]);
    if (!locked.rows[0]?.ok) {
      log("another process is migrating this database; waiting for it to finish");
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    }
    try {
      return await applyPending(client, files, log);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(
  client: pg.Client,
  files: MigrationFile[],
  log: (line: string) => void,
): Promise<MigrateResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
  const applied = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) throw new MigrationFailedPreviouslyError(row.migration_name);
    applied.set(row.migration_name, row);
  }

  const known = new Set(files.map((f) => f.name));
  for (const name of applied.keys()) {
    if (!known.has(name))
      log(`warning: migration "${name}" is applied in the database but missing from the files`);
  }
  for (const file of files) {
    const row = applied.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new MigrationChecksumMismatchError(file.name, row.checksum, file.checksum);
    }
  }

  const result: MigrateResult = {
    applied: [],
    alreadyApplied: files.filter((f) => applied.has(f.name)).map((f) => f.name),
  };
  for (const file of files) {
    if (applied.has(file.name)) continue;
    log(`applying migration ${file.name}`);
    const startedAt = new Date();
    try {
      await client.query("BEGIN");
      await client.query(file.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations"
           (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
        [randomUUID(), file.checksum, file.name, startedAt],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw new MigrationApplyError(file.name, error);
    }
    result.applied.push(file.name);
  }
  log(
    result.applied.length
      ? `applied ${result.applied.length} migration(s); database is up to date`
      : "no pending migrations; database is up to date",
  );
  return result;
}
