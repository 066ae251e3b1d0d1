import { z } from "zod";
import { isoDateTime, runStatusSchema } from "./common";

/** One row of the runs table (dashboard, GET /api/v1/runs, `bytelab runs list --json`). */
export const runRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The name without its sweep's prefix. */
  label: z.string(),
  sweep: z.object({ id: z.string(), name: z.string() }).nullable(),
  status: runStatusSchema,
  architecture: z.string(),
  seed: z.int(),
  configHash: z.string(),
  /** The run's full training config (model config nested under `model`). */
  config: z.record(z.string(), z.unknown()),
  paramCount: z.number().nullable(),
  /** Training FLOPs per byte (H-Net: from its measured compression once it trains). */
  flopsPerByte: z.number().nullable(),
  /** Latest step with a recorded metric; null before the first one. */
  step: z.int().nullable(),
  totalSteps: z.int().nullable(),
  /** Bytes trained on and cumulative training FLOPs at the latest recorded step. */
  bytesSeen: z.number().nullable(),
  flops: z.number().nullable(),
  /** Held-out bits per byte: the latest evaluation and the best (lowest) one. */
  lastValBpb: z.number().nullable(),
  bestValBpb: z.number().nullable(),
  lastTrainBpb: z.number().nullable(),
  /** Final test bits per byte (recorded when the run finishes). */
  testBpb: z.number().nullable(),
  bytesPerSecond: z.number().nullable(),
  worker: z.object({ id: z.string(), host: z.string() }).nullable(),
  backend: z.string().nullable(),
  device: z.string().nullable(),
  gitCommit: z.string().nullable(),
  attempts: z.int(),
  error: z.string().nullable(),
  queuedAt: isoDateTime,
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
  /** Training time so far: finishedAt (or now) - startedAt; null before it starts. */
  durationSeconds: z.number().nullable(),
});
export type RunRow = z.infer<typeof runRowSchema>;

export const RUN_SORT_KEYS = [
  "queuedAt",
  "startedAt",
  "finishedAt",
  "name",
  "status",
  "architecture",
  "seed",
  "paramCount",
  "flopsPerByte",
  "step",
  "bytesSeen",
  "bestValBpb",
  "lastValBpb",
  "lastTrainBpb",
  "testBpb",
  "bytesPerSecond",
  "durationSeconds",
] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];

/** A comma-separated list in a query string, or repeated parameters: both become an array. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => {
    if (v === undefined || v === null || v === "") return undefined;
    const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(","));
    return parts.map((p) => p.trim()).filter(Boolean);
  }, z.array(item).min(1).optional());
}

/** `key=value` on a dotted config key, e.g. `optimizer.lr=0.003` or `model.dim=128`. */
export const configFilterSchema = z
  .string()
  .regex(
    /^[A-Za-z_][\w]*(\.[\w]+)*=.*$/,
    'use key=value with a dotted config key, e.g. "optimizer.lr=0.003" or "model.dim=128"',
  )
  .refine(
    (filter) => !jsonHoldsNul(filter.slice(filter.indexOf("=") + 1)),
    "a config value cannot hold a NUL character (\\u0000): no stored config does",
  );

/** Whether `text` is JSON holding a string with a NUL character (which Postgres refuses in jsonb). */
function jsonHoldsNul(text: string): boolean {
  let found = false;
  try {
    JSON.stringify(JSON.parse(text), (_, v: unknown) => {
      if (typeof v === "string" && v.includes("\u0000")) found = true;
      return v;
    });
  } catch {
    return false;
  }
  return found;
}

/** Filters, sorting and pagination of the runs list. */
export const runListQuerySchema = z.object({
  sweep: z.string().trim().min(1).max(200).optional(),
  status: listOf(runStatusSchema),
  architecture: listOf(z.string().min(1).max(50)),
  /** Config filters, all must hold: `config=optimizer.lr=0.003&config=model.dim=128`. */
  config: listOf(configFilterSchema),
  /** Case-insensitive substring of the run name. */
  q: z.string().max(200).optional(),
  sort: z.enum(RUN_SORT_KEYS).default("queuedAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().min(1).max(1000).optional(),
});
export type RunListQuery = z.input<typeof runListQuerySchema>;
export type RunListQueryParsed = z.output<typeof runListQuerySchema>;

export const runListSchema = z.object({
  format: z.literal("bytelab.run-list/1"),
  runs: z.array(runRowSchema),
  /** Runs matching the filters (all pages). */
  total: z.int().min(0),
  nextCursor: z.string().nullable(),
});
export type RunList = z.infer<typeof runListSchema>;

/** One recorded metric of a run (from the metric summaries). */
export const metricSummarySchema = z.object({
  name: z.string(),
  count: z.int(),
  firstStep: z.int(),
  lastStep: z.int(),
  last: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
export type MetricSummary = z.infer<typeof metricSummarySchema>;

/** What the run ran on: recorded by the worker when it starts the run. */
export const runEnvironmentSchema = z
  .object({
    node: z.string().nullable(),
    tfjs: z.string().nullable(),
    backend: z.string().nullable(),
    /** The device that ran the kernels: a GPU's name only when a GPU backend was verified (deviceKind "gpu"). */
    device: z.string().nullable(),
    /** "gpu" when a GPU executed the backend's verification probe faster than the CPU path, else "cpu". */
    deviceKind: z.enum(["gpu", "cpu"]).nullable(),
    /** NVIDIA driver version (GPU runs). */
    driver: z.string().nullable(),
    /** Highest CUDA version the NVIDIA driver supports (GPU runs). */
    cuda: z.string().nullable(),
    /** GFLOP/s of the float32 matmul probe that verified the GPU backend. */
    probeGflops: z.number().nullable(),
    host: z.string().nullable(),
    gitCommit: z.string().nullable(),
    workerVersion: z.string().nullable(),
  })
  .partial();
export type RunEnvironment = z.infer<typeof runEnvironmentSchema>;

/** GET /api/v1/runs/{id}: the row plus what the run detail page shows. */
export const runDetailSchema = z.object({
  format: z.literal("bytelab.run/1"),
  run: runRowSchema,
  /** Config keys whose value varies across the run's sweep, with this run's value (what makes it this run). */
  varying: z.array(z.object({ key: z.string(), value: z.unknown() })),
  environment: runEnvironmentSchema,
  metrics: z.array(metricSummarySchema),
  /** H-Net: stages with boundary-fraction telemetry (stage<s>/boundary_fraction). */
  stages: z.array(z.int()),
  earlyStop: z.object({ rung: z.int().nullable(), reason: z.string() }).nullable(),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export const runEventSchema = z.object({
  /** Increasing; pass the last one as `after` to get only newer events. */
  id: z.string(),
  at: isoDateTime,
  level: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]),
  kind: z.enum(["STATUS", "LOG", "CHECKPOINT", "EARLY_STOP", "SYSTEM"]),
  message: z.string(),
  data: z.unknown().nullable(),
});
export type RunEventJson = z.infer<typeof runEventSchema>;

export const runEventsQuerySchema = z.object({
  /** Only events with a larger id (live tailing). */
  after: z
    .string()
    .regex(/^\d{1,19}$/, "after is an event id (digits)")
    // zod runs every check even after the regex failed: BigInt only of digits.
    .refine(
      (v) => !/^\d+$/.test(v) || BigInt(v) <= 9223372036854775807n,
      "after is an event id (at most 9223372036854775807)",
    )
    .optional(),
  kind: listOf(z.enum(["STATUS", "LOG", "CHECKPOINT", "EARLY_STOP", "SYSTEM"])),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type RunEventsQuery = z.input<typeof runEventsQuerySchema>;

export const runEventsSchema = z.object({
  format: z.literal("bytelab.run-events/1"),
  runId: z.string(),
  /** Oldest first. */
  events: z.array(runEventSchema),
});
export type RunEvents = z.infer<typeof runEventsSchema>;

/** The run's log: LOG events and the output lines kept with its last failure. */
export const runLogSchema = z.object({
  format: z.literal("bytelab.run-log/1"),
  runId: z.string(),
  lines: z.array(z.object({ at: isoDateTime.nullable(), level: z.string(), text: z.string() })),
});
export type RunLog = z.infer<typeof runLogSchema>;

export const artifactSchema = z.object({
  id: z.string(),
  kind: z.enum(["CHECKPOINT", "WEIGHTS", "SAMPLES", "LOG", "OTHER"]),
  step: z.int().nullable(),
  uri: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  createdAt: isoDateTime,
});
export type ArtifactJson = z.infer<typeof artifactSchema>;

export const runArtifactsSchema = z.object({
  format: z.literal("bytelab.run-artifacts/1"),
  runId: z.string(),
  artifacts: z.array(artifactSchema),
});
export type RunArtifacts = z.infer<typeof runArtifactsSchema>;

/** GET /api/v1/runs/{id}/wait: the run once it has finished, or at the timeout. */
export const runWaitSchema = z.object({
  format: z.literal("bytelab.run-wait/1"),
  finished: z.boolean(),
  waitedSeconds: z.number(),
  run: runDetailSchema,
});
export type RunWait = z.infer<typeof runWaitSchema>;
