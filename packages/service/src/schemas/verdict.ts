import { z } from "zod";
import { isoDateTime, runStatusSchema } from "./common";
import { metricNameSchema } from "./series";

const idField = z.string().trim().min(1).max(200);

/**
 * POST /api/v1/verdicts, `bytelab verdict`: is the candidate (a run, or every run of a sweep) worse than a
 * baseline on a metric by more than the tolerance?
 */
export const verdictRequestSchema = z
  .object({
    /** Exactly one of run / sweep: what is judged. */
    candidate: z.union([z.strictObject({ run: idField }), z.strictObject({ sweep: idField })]),
    /**
     * What it is compared to: a run (id or exact name); `previousCommit: true` = for each candidate run, the
     * latest COMPLETED run with the same config hash at another git commit; or a fixed value.
     */
    baseline: z.union([
      z.strictObject({ run: idField }),
      z.strictObject({ previousCommit: z.literal(true) }),
      z.strictObject({ value: z.number().finite() }),
    ]),
    /** The metric compared (its final value per run). Default test/bpb. */
    metric: metricNameSchema.default("test/bpb"),
    /** Lower is better (losses, bpb: the default) or higher is better. */
    direction: z.enum(["lower", "higher"]).default("lower"),
    /** How much worse the candidate may be and still pass, in the metric's units (default 0.02). */
    tolerance: z.number().min(0).max(1e6).default(0.02),
    /** Confidence level of the interval on the difference (default 0.95). */
    confidence: z.number().gt(0.5).lt(1).default(0.95),
  })
  .strict();
export type VerdictRequest = z.input<typeof verdictRequestSchema>;
export type VerdictRequestParsed = z.output<typeof verdictRequestSchema>;

export const VERDICTS = ["pass", "regression", "inconclusive"] as const;
export type VerdictName = (typeof VERDICTS)[number];

const verdictRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  seed: z.int(),
  status: runStatusSchema,
  gitCommit: z.string().nullable(),
  /** The run's final value of the metric; null when it has none (failed, not finished, not recorded). */
  value: z.number().nullable(),
});

export const verdictSchema = z.object({
  format: z.literal("bytelab.verdict/1"),
  verdict: z.enum(VERDICTS),
  /** Why, in one sentence. */
  reason: z.string(),
  metric: z.string(),
  direction: z.enum(["lower", "higher"]),
  tolerance: z.number(),
  candidate: z.object({
    kind: z.enum(["run", "sweep"]),
    id: z.string(),
    runs: z.array(verdictRunSchema),
    /** Mean of the finite values; null when there is none. */
    mean: z.number().nullable(),
    n: z.int(),
  }),
  baseline: z.object({
    kind: z.enum(["run", "previousCommit", "value"]),
    description: z.string(),
    runs: z.array(verdictRunSchema),
    mean: z.number().nullable(),
    n: z.int(),
  }),
  effect: z
    .object({
      /** candidate - baseline (positive = higher metric). */
      difference: z.number(),
      /** difference / |baseline|. */
      relative: z.number().nullable(),
      /** How much worse the candidate is (difference signed so that positive = worse). */
      worseBy: z.number(),
      /** Interval on worseBy; null when the seeds allow none (a single value on both sides). */
      interval: z.object({ level: z.number(), lower: z.number(), upper: z.number() }).nullable(),
      method: z.enum(["welch-t", "one-sample-t", "single-values"]),
    })
    .nullable(),
  /** The dashboard's compare page for the runs involved; null when the server's address is unknown. */
  compareUrl: z.string().nullable(),
  at: isoDateTime,
});
export type Verdict = z.infer<typeof verdictSchema>;
