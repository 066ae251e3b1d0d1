/** An applied migration's migration.sql was edited afterwards; the database no longer matches the files. */
export class MigrationChecksumMismatchError extends Error {
  override readonly name = "MigrationChecksumMismatchError";
  constructor(
    readonly migration: string,
    readonly appliedChecksum: string,
    readonly fileChecksum: string,
  ) {
    super(
      `migration "${migration}" was already applied with checksum ${appliedChecksum}, but its migration.sql now ` +
        `hashes to ${fileChecksum}. Applied migrations must never be edited: restore the original file ` +
        `(git checkout prisma/migrations/${migration}/migration.sql) and put the change in a new migration.`,
    );
  }
}

/** A row in _prisma_migrations says a migration started but neither finished nor was rolled back. */
export class MigrationFailedPreviouslyError extends Error {
  override readonly name = "MigrationFailedPreviouslyError";
  constructor(readonly migration: string) {
    super(
      `migration "${migration}" is recorded as started but not finished in _prisma_migrations (a previous ` +
        `non-transactional run, e.g. \`prisma migrate deploy\`, failed halfway). Fix the database by hand, then ` +
        `mark it with \`npx prisma migrate resolve --applied ${migration}\` or \`--rolled-back ${migration}\`.`,
    );
  }
}

/** The SQL of a migration failed; its transaction was rolled back, so nothing of it was applied. */
export class MigrationApplyError extends Error {
  override readonly name = "MigrationApplyError";
  constructor(
    readonly migration: string,
    override readonly cause: unknown,
  ) {
    super(
      `migration "${migration}" failed and was rolled back (nothing of it was applied): ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
