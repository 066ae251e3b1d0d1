import { z } from "zod";
import { isoDateTime, runStatusSchema, specIssueSchema, statusCountsSchema } from "./common";

/**
 * running: some run is QUEUED or RUNNING; passed: every run COMPLETED (ASHA early stops included);
 * failed: some run FAILED or DIVERGED; cancelled: every run finished, some CANCELLED, none failed.
 */
export const SWEEP_OUTCOMES = ["running", "passed", "failed", "cancelled"] as const;
export type SweepOutcome = (typeof SWEEP_OUTCOMES)[number];
export const sweepOutcomeSchema = z.enum(SWEEP_OUTCOMES);

/** How far a sweep (or a run) has come and how long the rest should take. */
export const progressSchema = z.object({
  /** Optimizer steps done over all runs (latest recorded step of each). */
  stepsDone: z.int().min(0),
  /** Steps all runs train in total (from their configs); 0 when no config says. */
  stepsTotal: z.int().min(0),
  /** stepsDone / stepsTotal in [0, 1]; null when stepsTotal is 0. */
  fraction: z.number().min(0).max(1).nullable(),
  /**
   * Seconds until every run has finished, estimated from the measured throughput of the sweep's runs and the
   * number training at once; null when nothing has trained yet or nothing is left.
   */
  etaSeconds: z.number().min(0).nullable(),
});
export type Progress = z.infer<typeof progressSchema>;

/** One run as `bytelab sweep status --json` reports it. */
export const runProgressSchema = z.object({
  id: z.string(),
  /** The run's name (`<sweep name>/<label>`). */
  name: z.string(),
  /** The run's label within this sweep (its name without the sweep's prefix). */
  label: z.string(),
  architecture: z.string(),
  seed: z.int(),
  status: runStatusSchema,
  /** true for a run of an earlier sweep that this sweep reuses (same config hash). */
  reused: z.boolean(),
  /** Latest optimizer step with a recorded metric; null before the first one. */
  step: z.int().nullable(),
  /** Steps the run trains (its config's `steps`); null when the config does not say. */
  totalSteps: z.int().nullable(),
  /** Latest held-out bits per byte (val/bpb). */
  valBpb: z.number().nullable(),
  /** Latest training bits per byte (train/bpb). */
  trainBpb: z.number().nullable(),
  /** Latest training throughput (throughput/bytes_per_s). */
  bytesPerSecond: z.number().nullable(),
  worker: z.object({ id: z.string(), host: z.string() }).nullable(),
  /** Why the run failed / diverged / was handed back (runs.error, else its last ERROR event). */
  error: z.string().nullable(),
  /** Set when ASHA stopped the run early (it is then COMPLETED). */
  earlyStop: z.object({ rung: z.int().nullable(), reason: z.string() }).nullable(),
  attempts: z.int(),
  queuedAt: isoDateTime,
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
});
export type RunProgress = z.infer<typeof runProgressSchema>;

export const sweepHeaderSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** sweep | ablation | ladder; null for a sweep row not written by submitSweep. */
  kind: z.string().nullable(),
  createdAt: isoDateTime,
});

/** `bytelab sweep status ID --json`, GET /api/v1/sweeps/{id}: the state of a sweep, for CI. */
export const sweepStatusSchema = z.object({
  format: z.literal("bytelab.sweep-status/1"),
  sweep: sweepHeaderSchema,
  outcome: sweepOutcomeSchema,
  /** Number of runs per status (every status present, 0 when none). */
  counts: statusCountsSchema,
  total: z.int().min(0),
  progress: progressSchema,
  runs: z.array(runProgressSchema),
  /** When this snapshot was read. */
  at: isoDateTime,
});
export type SweepStatus = z.infer<typeof sweepStatusSchema>;

/** One sweep of a list: its header, counts per status, outcome and progress. */
export const sweepSummarySchema = sweepHeaderSchema.extend({
  total: z.int().min(0),
  counts: statusCountsSchema,
  outcome: sweepOutcomeSchema,
  progress: progressSchema,
});
export type SweepSummary = z.infer<typeof sweepSummarySchema>;

/** `bytelab sweep list --json`, GET /api/v1/sweeps: newest first. */
export const sweepListSchema = z.object({
  format: z.literal("bytelab.sweep-list/1"),
  sweeps: z.array(sweepSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type SweepList = z.infer<typeof sweepListSchema>;

export const sweepListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().min(1).max(1000).optional(),
});
export type SweepListQuery = z.input<typeof sweepListQuerySchema>;

const rangeSchema = z.tuple([z.number(), z.number()]).nullable();

/** One run a spec expands into, and what submitting would do with it. */
export const planRunSchema = z.object({
  label: z.string(),
  /** The spec's architectures entry it came from (its name, or the architecture). */
  entry: z.string(),
  architecture: z.string(),
  seed: z.int(),
  paramCount: z.number().nullable(),
  steps: z.int(),
  /** Training bytes (steps x batch x sequence length). */
  bytes: z.number(),
  /** Estimated training FLOPs (H-Net at its ratio-loss targets). */
  flops: z.number().nullable(),
  budget: z.object({ kind: z.enum(["flops", "bytes", "steps"]), value: z.number() }),
  configHash: z.string(),
  /** The existing run this config would reuse instead of training again; null: a new run. */
  reuses: z.object({ runId: z.string(), status: runStatusSchema }).nullable(),
});
export type PlanRun = z.infer<typeof planRunSchema>;

/** The dry run of a spec: what `sweep submit --dry-run` prints and POST /api/v1/sweeps/plan answers. */
export const sweepPlanSchema = z.object({
  format: z.literal("bytelab.sweep-plan/1"),
  kind: z.enum(["sweep", "ablation", "ladder"]),
  name: z.string(),
  description: z.string().nullable(),
  /** sha256 of the canonical spec: the same submission has the same hash. */
  specHash: z.string(),
  priority: z.int(),
  runs: z.array(planRunSchema),
  architectures: z.array(
    z.object({
      entry: z.string(),
      architecture: z.string(),
      runs: z.int(),
      paramCount: rangeSchema,
      steps: rangeSchema,
      bytes: rangeSchema,
      flops: rangeSchema,
    }),
  ),
  totals: z.object({
    runs: z.int(),
    /** Runs that would be created (the rest reuse earlier runs). */
    new: z.int(),
    reused: z.int(),
    /** Estimated training FLOPs and bytes of the new runs. */
    flops: z.number(),
    bytes: z.number(),
  }),
  /** false when no database was consulted (reuse unknown: every run counted as new). */
  reuseChecked: z.boolean(),
  duplicates: z.array(z.object({ label: z.string(), sameAs: z.string() })),
  warnings: z.array(specIssueSchema),
});
export type SweepPlan = z.infer<typeof sweepPlanSchema>;

/** POST /api/v1/sweeps, `bytelab sweep submit --json`. */
export const submitResultSchema = z.object({
  format: z.literal("bytelab.sweep-submit/1"),
  sweepId: z.string(),
  /** true: an earlier sweep with this exact spec covers every config; nothing new was created. */
  existing: z.boolean(),
  created: z.array(z.object({ runId: z.string(), label: z.string() })),
  reused: z.array(z.object({ runId: z.string(), label: z.string(), status: runStatusSchema })),
  /** Jobs added to the queue. */
  enqueued: z.int(),
  /** Set when Redis did not take the jobs (the runs are saved QUEUED; they are re-added automatically). */
  enqueueError: z.string().nullable(),
  plan: sweepPlanSchema,
});
export type SubmitResultJson = z.infer<typeof submitResultSchema>;

/** What a cancel or re-run did to each run. */
export const runActionResultSchema = z.object({
  runId: z.string(),
  label: z.string(),
  previous: runStatusSchema,
  status: runStatusSchema,
  /** false: nothing to do (already finished, or not in a state this action applies to). */
  changed: z.boolean(),
  /** What happened, in words (job removed, worker signalled, resumes from step N...). */
  note: z.string(),
});
export type RunActionResult = z.infer<typeof runActionResultSchema>;

export const sweepActionResultSchema = z.object({
  format: z.literal("bytelab.sweep-action/1"),
  sweepId: z.string(),
  action: z.enum(["cancel", "rerun"]),
  changed: z.int(),
  runs: z.array(runActionResultSchema),
});
export type SweepActionResult = z.infer<typeof sweepActionResultSchema>;

/** GET /api/v1/sweeps/{id}/wait: the status once every run has finished, or at the timeout. */
export const sweepWaitSchema = z.object({
  format: z.literal("bytelab.sweep-wait/1"),
  /** false: the timeout came first; call again. */
  finished: z.boolean(),
  waitedSeconds: z.number(),
  status: sweepStatusSchema,
});
export type SweepWait = z.infer<typeof sweepWaitSchema>;

/**
 * POST /api/v1/sweeps/check: the dry run for an editor that validates as the user types. A spec with problems
 * is an answer here (200, valid: false, one issue per field), not an error: the form shows each at its field.
 */
export const sweepCheckSchema = z.object({
  format: z.literal("bytelab.sweep-check/1"),
  valid: z.boolean(),
  /** What is wrong, in one sentence (null when valid). */
  message: z.string().nullable(),
  issues: z.array(z.object({ path: z.string(), issue: z.string(), fix: z.string().optional() })),
  /** The plan of a valid spec; null otherwise. */
  plan: sweepPlanSchema.nullable(),
});
export type SweepCheck = z.infer<typeof sweepCheckSchema>;
