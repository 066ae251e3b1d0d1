import { z } from "zod";

/** Run states as the database stores them (prisma/schema.prisma, enum RunStatus). */
export const REPORT_RUN_STATUSES = [
  "QUEUED",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "DIVERGED",
] as const;
export type ReportRunStatus = (typeof REPORT_RUN_STATUSES)[number];

const when = z.coerce.date({ error: "must be a date or an ISO 8601 string" });
/** bigint columns (param_count, bytes_seen) arrive as bigint from Prisma; the report works in numbers. */
const bigNumber = z.union([z.number(), z.bigint().transform((v) => Number(v))]);

/** One stored metric point; `value` may be NaN or ±Infinity (a diverged loss is data). */
export const reportPointSchema = z.object({
  step: z.number().int().min(0),
  value: z.custom<number>(
    (v) => typeof v === "number",
    "value must be a number (NaN and ±Infinity are allowed)",
  ),
  bytesSeen: bigNumber.nullable().default(null),
  flops: z.number().nullable().default(null),
  wallTime: z.number().nullable().default(null),
});
export type ReportPoint = z.output<typeof reportPointSchema>;

export const reportRunSchema = z.object({
  id: z.string().min(1, "run id must be a non-empty string"),
  name: z.string(),
  status: z.enum(REPORT_RUN_STATUSES),
  architecture: z.string().min(1, "architecture must be a non-empty string"),
  seed: z.number().int(),
  /** The run's training config (runs.config). */
  config: z.record(z.string(), z.unknown()),
  configHash: z.string().nullable().default(null),
  paramCount: bigNumber.nullable().default(null),
  /** runs.flops_per_byte as stored (training FLOPs per byte at the run's sequence length). */
  flopsPerByte: z.number().nullable().default(null),
  gitCommit: z.string().nullable().default(null),
  backend: z.string().nullable().default(null),
  device: z.string().nullable().default(null),
  worker: z
    .object({ id: z.string(), host: z.string().nullable().default(null), version: z.string() })
    .nullable()
    .default(null),
  error: z.string().nullable().default(null),
  /**
   * The ASHA decision that stopped the run early (its latest EARLY_STOP event), when the loader has it;
   * the comparison says so for the budgets the run did not reach. Without it, a completed run that stopped
   * before its config.flopBudget is still reported as stopped before its budget.
   */
  earlyStop: z
    .object({ rung: z.number().int().nullable().default(null), reason: z.string() })
    .nullable()
    .default(null),
  queuedAt: when.nullable().default(null),
  startedAt: when.nullable().default(null),
  finishedAt: when.nullable().default(null),
});
export type ReportRunInput = z.input<typeof reportRunSchema>;
export type ReportRun = z.output<typeof reportRunSchema>;

export const reportSweepSchema = z.object({
  id: z.string().min(1, "sweep id must be a non-empty string"),
  name: z.string(),
  description: z.string().nullable().default(null),
  spec: z.unknown(),
  createdAt: when.nullable().default(null),
});

/**
 * What a sweep report is built from: the sweep row, its runs and, per run id, the stored metric series by
 * metric name (points in step order; a series the database does not have is simply absent).
 */
export const reportInputSchema = z.object({
  sweep: reportSweepSchema,
  runs: z.array(reportRunSchema),
  series: z.record(z.string(), z.record(z.string(), z.array(reportPointSchema))).default({}),
});
export type ReportInput = z.input<typeof reportInputSchema>;
export type ParsedReportInput = z.output<typeof reportInputSchema>;

export const reportOptionsSchema = z
  .object({
    /** Held-out metric the scaling fits and the compute-matched table use. */
    heldOutMetric: z.string().min(1).default("val/bpb"),
    testMetric: z.string().min(1).default("test/bpb"),
    /** Metric drawn as the learning curve of every run (with the held-out metric as markers). */
    trainMetric: z.string().min(1).default("train/bpb"),
    /** Training-FLOP budgets of the compute-matched table; default: `budgetCount` log-spaced within the data. */
    budgets: z.array(z.number().positive("budgets must be > 0 (training FLOPs)")).min(1).optional(),
    budgetCount: z.number().int().min(1).max(20).default(5),
    /** Bootstrap resamples per fit (intervals, bands, crossing intervals); 0 = none. */
    resamples: z.number().int().min(0).max(100_000).default(1000),
    seed: z.number().int().min(0).default(0),
    level: z.number().gt(0).lt(1).default(0.95),
    /** The fitted curves are drawn out to this multiple of the largest compute in the sweep. */
    extrapolateFactor: z.number().min(1).max(1e6).default(10),
    /** LTTB buckets per learning-curve chart (points kept per run ~ buckets + 2). */
    curveBuckets: z.number().int().min(10).max(10_000).default(200),
    /** Time stamp printed on the report. */
    generatedAt: when.optional(),
  })
  .strict();
export type ReportOptions = z.input<typeof reportOptionsSchema>;
export type ParsedReportOptions = z.output<typeof reportOptionsSchema>;
