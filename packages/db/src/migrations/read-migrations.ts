import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface MigrationFile {
  /** Folder name, e.g. "20261128135448_init"; applied in lexical (= timestamp) order. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql's bytes: what Prisma stores in _prisma_migrations.checksum. */
  checksum: string;
}

const FOLDER = /^\d{14}_[A-Za-z0-9_]+$/;

export function migrationChecksum(sql: string | Buffer): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Reads prisma/migrations/<timestamp>_<name>/migration.sql in order; rejects folders that break the layout. */
export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new Error(`migrations folder not found: ${dir}`);
  const folders = readdirSync(dir)
    .filter((entry) => statSync(join(dir, entry)).isDirectory())
    .sort();
  return folders.map((name) => {
    if (!FOLDER.test(name)) {
      throw new Error(`migration folder "${name}" in ${dir} must be named <14-digit timestamp>_<name>`);
    }
    const file = join(dir, name, "migration.sql");
    if (!existsSync(file)) throw new Error(`migration "${name}" has no migration.sql (${file})`);
    const bytes = readFileSync(file);
    return { name, sql: bytes.toString("utf8"), checksum: migrationChecksum(bytes) };
  });
}
