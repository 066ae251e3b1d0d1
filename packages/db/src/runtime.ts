// @bytelab/db/runtime: what a server process needs at run time (Prisma client, JSON column schemas, worker
// registry, run status machine), without the tooling in the main entry (migrator, Prisma client generator).
// apps/web imports this entry: Next's bundler follows the tooling's `new URL("…", import.meta.url)` folder
// references and the Prisma CLI it spawns, and fails on both. Add runtime modules here as they land.

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
export { databaseUrlSchema, resolveDatabaseUrl } from "./env";
export { metricSeries, type SeriesOptions, type SeriesPoint } from "./metrics/series";
export * from "./json";

export {
  canTransition,
  IllegalRunTransitionError,
  isTerminalRunStatus,
  RERUNNABLE_RUN_STATUSES,
  RUN_TRANSITIONS,
  RunNotFoundError,
  RunTransitionConflictError,
  TERMINAL_RUN_STATUSES,
} from "./runs/status-machine";
export { type TransitionExtra, transitionRun } from "./runs/transition-run";
export {
  type Fence,
  fenceSetting,
  isStaleAttemptError,
  SET_FENCE_SQL,
  STALE_ATTEMPT_SQLSTATE,
  StaleAttemptError,
  withFence,
} from "./runs/fence";

export {
  heartbeatWorker,
  type ListWorkersOptions,
  listWorkers,
  markWorkerStopped,
  type RegisterWorkerInput,
  RegisterWorkerInputSchema,
  registerWorker,
  setWorkerStatus,
  type WorkerInfo,
  WorkerNotFoundError,
} from "./workers/registry";
