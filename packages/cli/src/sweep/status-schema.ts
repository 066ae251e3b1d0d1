import { z } from "zod";

/** Run statuses, in the order tables and counts show them. */
export const RUN_STATUSES = ["QUEUED", "RUNNING", "COMPLETED", "FAILED", "DIVERGED", "CANCELLED"] as const;
export type RunStatusName = (typeof RUN_STATUSES)[number];

const isoOrNull = z.iso.datetime().nullable();

/** One run as `bytelab sweep status --json` reports it. */
export const runProgressSchema = z.object({
  id: z.string(),
  /** The run's name (`<sweep name>/<label>`). */
  name: z.string(),
  /** The run's label within this sweep (its name without the sweep's prefix). */
  label: z.string(),
  architecture: z.string(),
  seed: z.int(),
  status: z.enum(RUN_STATUSES),
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
  queuedAt: z.iso.datetime(),
  startedAt: isoOrNull,
  finishedAt: isoOrNull,
});
export type RunProgress = z.infer<typeof runProgressSchema>;

/**
 * running: some run is QUEUED or RUNNING; passed: every run COMPLETED (ASHA early stops included);
 * failed: some run FAILED or DIVERGED; cancelled: every run finished, some CANCELLED, none failed.
 */
export const SWEEP_OUTCOMES = ["running", "passed", "failed", "cancelled"] as const;
export type SweepOutcome = (typeof SWEEP_OUTCOMES)[number];

/** `bytelab sweep status ID --json`: the machine-readable state of a sweep, for CI. */
export const sweepStatusSchema = z.object({
  format: z.literal("bytelab.sweep-status/1"),
  sweep: z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    /** sweep | ablation | ladder; null for a sweep row not written by submitSweep. */
    kind: z.string().nullable(),
    createdAt: z.iso.datetime(),
  }),
  outcome: z.enum(SWEEP_OUTCOMES),
  /** Number of runs per status (every status present, 0 when none). */
  counts: z.record(z.enum(RUN_STATUSES), z.int().min(0)),
  total: z.int().min(0),
  runs: z.array(runProgressSchema),
  /** When this snapshot was read. */
  at: z.iso.datetime(),
});
export type SweepStatus = z.infer<typeof sweepStatusSchema>;
