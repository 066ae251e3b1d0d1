/**
 * @bytelab/service: the operations every surface calls. The `bytelab` CLI, the REST routes under /api/v1
 * and the dashboard's server components all go through these functions, so they show the same numbers;
 * none of them writes its own SQL. Answers are plain JSON described by the zod schemas in ./schemas
 * (`@bytelab/service/schemas`, importable from client components). Errors are ServiceErrors whose code
 * each surface maps once (HTTP status, exit code).
 *
 *   const ctx = createServiceContext({ databaseUrl, redisUrl });
 *   const plan = await planSweep(ctx.prisma, { text: yaml });          // dry run
 *   const submitted = await submitSweep(ctx, { spec });                 // rows + jobs
 *   const status = await getSweepStatus(ctx.prisma, submitted.sweepId); // counts, progress, ETA
 *   const runs = await listRuns(ctx.pool, { sweep: submitted.sweepId, sort: "bestValBpb", order: "asc" });
 *   const chart = await querySeries(ctx.pool, { runs: [...], metrics: ["val/bpb"], x: "flops" });
 *   const verdict = await computeVerdict(ctx, { candidate: { sweep: id }, baseline: { value: 2.1 } });
 */
export {
  type OwnedServiceContext,
  type ServiceContext,
  type ServiceContextOptions,
  createServiceContext,
} from "./context";
export {
  ConflictError,
  detailsFromZodIssues,
  type EntityKind,
  InvalidInputError,
  NotFoundError,
  ServiceError,
  type ServiceErrorCode,
  type ServiceErrorDetail,
  UnavailableError,
} from "./errors";
export {
  type Authentication,
  authenticateApiKey,
  createApiKey,
  hasScope,
  hashSecret,
  listApiKeys,
  revokeApiKey,
} from "./keys/keys";
export {
  closeKeyCaches,
  KEY_CACHE_FALLBACK_MS,
  KEY_CACHE_LISTENING_MS,
  KeyCache,
  keyCacheFor,
} from "./keys/key-cache";
export { loadStats, METRICS } from "./metrics/stats";
export type { ReportInput } from "@bytelab/analysis/report";
export { loadSweepForReport } from "./report/load";
export { type SweepReportOptions, sweepReport } from "./report/sweep-report";
export { type ActionOptions, cancelRun, rerunRun } from "./runs/actions";
export { runBoundaries, runBoundariesQuerySchema } from "./runs/boundaries";
export { getRun } from "./runs/detail";
export { listRunArtifacts, listRunEvents, runLog } from "./runs/events";
export { listRuns, parseRunListQuery, runRowsByIds } from "./runs/list";
export { type WaitOptions, type WaitReaders, type WaitResult, waitForRun, waitForSweep } from "./runs/wait";
export * from "./schemas";
export { planSeriesRead, ROLLUP_LEVELS } from "./series/levels";
export { parseSeriesQuery, querySeries } from "./series/query";
export { cancelSweep, rerunSweep, type SweepActionOptions } from "./sweeps/actions";
export { enforceUntrustedPolicy, type UntrustedSpecPolicy } from "./sweeps/limits";
export { listSweeps } from "./sweeps/list";
export { sweepOutcome } from "./sweeps/outcome";
export { checkSweep, type PlanOptions, planJson, planSweep, previewReuse } from "./sweeps/plan";
export { estimateProgress } from "./sweeps/progress";
export { MAX_SPEC_TEXT_BYTES, type SpecSource, type ValidatedSpec, validateSpec } from "./sweeps/spec-input";
export { getSweepStatus } from "./sweeps/status";
export { type SubmitOptions, submitSweep } from "./sweeps/submit";
export { computeVerdict } from "./verdict/verdict";
export { type WorkersOverviewOptions, workerJson, workersOverview } from "./workers/overview";
