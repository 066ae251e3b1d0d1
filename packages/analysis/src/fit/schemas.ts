import { z } from "zod";
import { seedSchema } from "../random";

/**
 * One training run as the scaling-law fit sees it: the compute it was trained with and its final
 * held-out bits per byte. Runs that diverged or were excluded stay in the input (status) so the fit
 * can say how many it lost and where: a ladder whose largest models diverged is a biased ladder.
 */
export const scalingRunSchema = z.object({
  runId: z.string().min(1, "runId must be a non-empty string"),
  architecture: z.string().min(1, "architecture must be a non-empty string, e.g. 'hnet'"),
  compute: z
    .number({ error: "compute must be a finite number (cumulative training FLOPs)" })
    .positive("compute must be > 0 (cumulative training FLOPs); drop runs that never trained"),
  bitsPerByte: z
    .number({
      error: "bitsPerByte must be a finite number or null (a NaN loss means: mark the run diverged)",
    })
    .positive("bitsPerByte must be > 0")
    .nullable(),
  status: z.enum(["completed", "diverged", "excluded"]).default("completed"),
  /**
   * The compute the run was planned at (e.g. its FLOP budget). Runs with the same budget count as one
   * compute value of the design (distinct values, bootstrap cells), whatever each measured: seeds of an
   * H-Net at one budget measure slightly different FLOPs and must not pass for a 3-point ladder. Default:
   * `compute`.
   */
  budget: z.number().positive("budget must be > 0 (FLOPs)").optional(),
  seed: z.number().int().optional(),
});
export type ScalingRunInput = z.input<typeof scalingRunSchema>;
export type ScalingRun = z.output<typeof scalingRunSchema>;

export const BOOTSTRAP_UNITS = ["auto", "runs", "seeds-within-compute"] as const;

export const powerLawFitOptionsSchema = z
  .object({
    /** Bootstrap resamples for the intervals; 0 skips the bootstrap (no intervals). */
    resamples: z.number().int().min(0).max(100_000).default(1000),
    seed: seedSchema.default(0),
    /** Central interval level, e.g. 0.95. */
    level: z.number().gt(0).lt(1).default(0.95),
    /**
     * What a resample draws. "runs": runs with replacement from all runs (resamples left with fewer than
     * 3 compute values are drawn again). "seeds-within-compute": runs with replacement within each compute
     * value (deviations from the cell mean scaled by sqrt(m / (m - 1)) for m runs), so every resample keeps
     * the ladder's design. "auto": runs with 5 or more compute values, else seeds-within-compute when
     * every compute value has at least two runs, else runs.
     */
    unit: z.enum(BOOTSTRAP_UNITS).default("auto"),
    /** Compute values at which to report the fitted curve with its interval. */
    predictAt: z.array(z.number().positive("predictAt values must be > 0 (FLOPs)")).default([]),
    /** A fit on fewer distinct compute values than this is provisional (3 parameters need 3 at least). */
    minDistinctCompute: z.number().int().min(3).default(4),
  })
  .strict();
export type PowerLawFitOptions = z.input<typeof powerLawFitOptionsSchema>;
