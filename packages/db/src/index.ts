// @bytelab/db: Prisma client, migrator, run status machine, worker registry, fast metric ingestion.
// The Prisma client is generated (never committed): `npm run db:generate` (see src/generate.ts).

// Everything a server process needs at run time lives in ./runtime (Next.js imports that entry alone);
// this entry adds the tooling: the Prisma client generator, the migrator and the COPY ingestion path.
export * from "./runtime";
export { type GenerateResult, generatePrismaClient } from "./generate";

export {
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationFailedPreviouslyError,
} from "./migrations/errors";
export { MIGRATION_LOCK_KEY, type MigrateOptions, type MigrateResult, migrate } from "./migrations/migrate";
export { type MigrationFile, migrationChecksum, readMigrations } from "./migrations/read-migrations";

export { copyRow, escapeCopyText } from "./metrics/copy-text";
export { type IngestResult, ingestMetrics, MetricIngestError } from "./metrics/ingest";
export {
  type MetricPointInput,
  MetricPointInputSchema,
  MetricValidationError,
  type MetricValidationIssue,
  validateMetricPoints,
} from "./metrics/point-schema";
