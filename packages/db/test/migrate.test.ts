import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "@bytelab/db/testing";
import {
  MigrationApplyError,
  MigrationChecksumMismatchError,
  migrate,
  migrationChecksum,
  readMigrations,
} from "../src";
import { defaultMigrationsDir } from "../src/paths";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const drops: Array<() => Promise<void>> = [];
const tmp = mkdtempSync(join(tmpdir(), "bytelab-migrations-"));
afterAll(async () => {
  await Promise.all(drops.map((d) => d()));
  rmSync(tmp, { recursive: true, force: true });
});

async function freshDb(label: string) {
  const db = await createEmptyDatabase(label);
  drops.push(db.drop);
  return db.url;
}

/** A private copy of prisma/migrations that a test may extend or tamper with. */
function copyMigrations(name: string): string {
  const dir = join(tmp, name);
  cpSync(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

describe("migrate", () => {
  const files = readMigrations(defaultMigrationsDir);

  it("applies every migration to a fresh database and records them as Prisma does", async () => {
    const url = await freshDb("mig_fresh");
    const result = await migrate(url);
    expect(result.applied).toEqual(files.map((f) => f.name));
    expect(result.alreadyApplied).toEqual([]);

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      rolled_back_at: Date | null;
      id: string;
    }>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(files[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      "_prisma_migrations",
      "api_keys",
      "artifacts",
      "idempotency_keys",
      "metric_points",
      "metric_rollups",
      "metric_stats",
      "run_events",
      "runs",
      "sweeps",
      "workers",
    ]);
  });

  it("records Prisma's exact _prisma_migrations column types", async () => {
    const url = await freshDb("mig_ddl");
    await migrate(url);
    const cols = await query<{
      column_name: string;
      data_type: string;
      len: number | null;
      is_nullable: string;
    }>(
      url,
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(cols).toEqual([
      { column_name: "id", data_type: "character varying", len: 36, is_nullable: "NO" },
      { column_name: "checksum", data_type: "character varying", len: 64, is_nullable: "NO" },
      { column_name: "finished_at", data_type: "timestamp with time zone", len: null, is_nullable: "YES" },
      { column_name: "migration_name", data_type: "character varying", len: 255, is_nullable: "NO" },
      { column_name: "logs", data_type: "text", len: null, is_nullable: "YES" },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", len: null, is_nullable: "YES" },
      { column_name: "started_at", data_type: "timestamp with time zone", len: null, is_nullable: "NO" },
      { column_name: "applied_steps_count", data_type: "integer", len: null, is_nullable: "NO" },
    ]);
  });

  it("is a no-op when run again", async () => {
    const url = await freshDb("mig_rerun");
    await migrate(url);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(files.map((f) => f.name));
    const [count] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM "_prisma_migrations"`);
    expect(Number(count!.n)).toBe(files.length);
  });

  it("applies each migration exactly once when two processes migrate at the same time", async () => {
    const url = await freshDb("mig_race");
    const dir = copyMigrations("race");
    // A second, slow migration widens the window in which the other process must wait on the lock.
    const slow = join(dir, "29990101000000_slow");
    cpSync(join(dir, files[0]!.name), slow, { recursive: true });
    writeFileSync(join(slow, "migration.sql"), "SELECT pg_sleep(0.5);\nCREATE TABLE race_marker (id INT);\n");
    const logs: string[] = [];
    const [a, b] = await Promise.all([
      migrate(url, { migrationsDir: dir, log: (l) => logs.push(`a: ${l}`) }),
      migrate(url, { migrationsDir: dir, log: (l) => logs.push(`b: ${l}`) }),
    ]);
    const all = [...files.map((f) => f.name), "29990101000000_slow"];
    // One call applied everything, the other found nothing to do.
    expect([a.applied, b.applied].sort((x, y) => y.length - x.length)).toEqual([all, []]);
    const rows = await query<{ migration_name: string; n: string }>(
      url,
      `SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY 1`,
    );
    expect(rows.map((r) => [r.migration_name, Number(r.n)])).toEqual(all.map((n) => [n, 1]));
  });

  it("refuses to run when an applied migration was edited", async () => {
    const url = await freshDb("mig_tamper");
    const dir = copyMigrations("tamper");
    await migrate(url, { migrationsDir: dir });
    const first = files[0]!.name;
    const edited = `${files[0]!.sql}\n-- an innocent-looking edit\n`;
    writeFileSync(join(dir, first, "migration.sql"), edited);
    const attempt = migrate(url, { migrationsDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(
        `migration "${first}" was already applied with checksum ${files[0]!.checksum}.*${migrationChecksum(edited)}`,
      ),
    );
  });

  it("rolls a failing migration back completely and records nothing", async () => {
    const url = await freshDb("mig_fail");
    const dir = copyMigrations("fail");
    const bad = join(dir, "29990101000000_bad");
    cpSync(join(dir, files[0]!.name), bad, { recursive: true });
    writeFileSync(
      join(bad, "migration.sql"),
      "CREATE TABLE half_done (id INT);\nSELECT * FROM no_such_table;\n",
    );
    await expect(migrate(url, { migrationsDir: dir })).rejects.toBeInstanceOf(MigrationApplyError);
    const halfDone = await query(
      url,
      "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'",
    );
    expect(halfDone).toEqual([]);
    const names = await query<{ migration_name: string }>(
      url,
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(names.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  });
});

describe("schema.prisma and the migrations agree", () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDb("mig_schema");
    await migrate(url);
  });

  it("has the metric_points primary key on (run_id, name, step), usable for series by step", async () => {
    const rows = await query<{ indexdef: string }>(
      url,
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'metric_points' AND indexname = 'metric_points_pkey'",
    );
    expect(rows[0]?.indexdef).toContain("(run_id, name, step)");
  });
});
