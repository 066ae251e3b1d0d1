// @bytelab/db: Prisma client, migrator, run status machine, worker registry, fast metric ingestion.
// The Prisma client is generated (never committed): `npm run db:generate` (see src/generate.ts).

export type {
  ApiKey,
  Artifact,
  MetricPoint,
  Prisma,
  PrismaClient,
  Run,
  RunEvent,
  Sweep,
  Worker,
} from "./generated/prisma/client";
export { ArtifactKind, EventLevel, RunEventKind, RunStatus, WorkerStatus } from "./generated/prisma/enums";

export { createPrismaClient, disconnectPrisma, getPool, getPrisma } from "./client";
export { resolveDatabaseUrl } from "./env";
export { type GenerateResult, generatePrismaClient } from "./generate";
export * from "./json";

export {
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationFailedPreviouslyError,
} from "./migrations/errors";
export { MIGRATION_LOCK_KEY, type MigrateOptions, type MigrateResult, migrate } from "./migrations/migrate";
export { type MigrationFile, migrationChecksum, readMigrations } from "./migrations/read-migrations";

export {
  canTransition,
  IllegalRunTransitionError,
  isTerminalRunStatus,
  RUN_TRANSITIONS,
  RunNotFoundError,
  RunTransitionConflictError,
  TERMINAL_RUN_STATUSES,
} from "./runs/status-machine";
export { type TransitionExtra, transitionRun } from "./runs/transition-run";

export {
  heartbeatWorker,
  type ListWorkersOptions,
  listWorkers,
  markWorkerStopped,
  type RegisterWorkerInput,
  registerWorker,
  RegisterWorkerInputSchema,
  setWorkerStatus,
  type WorkerInfo,
  WorkerNotFoundError,
} from "./workers/registry";

export { copyRow, escapeCopyText } from "./metrics/copy-text";
export { type IngestResult, ingestMetrics, MetricIngestError } from "./metrics/ingest";
export {
  type MetricPointInput,
  MetricPointInputSchema,
  MetricValidationError,
  type MetricValidationIssue,
  validateMetricPoints,
} from "./metrics/point-schema";
export { metricSeries, type SeriesOptions, type SeriesPoint } from "./metrics/series";
