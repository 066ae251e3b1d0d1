import { z } from "zod";
import { parseInput } from "../errors";
import { mean, minMax, sampleStd } from "../stats/descriptive";
import { interpolateLogLinear, normaliseCurve } from "./interpolate";

export const learningCurveSchema = z.object({
  runId: z.string().min(1, "runId must be a non-empty string"),
  architecture: z.string().min(1, "architecture must be a non-empty string"),
  points: z
    .array(
      z.object({
        x: z
          .number({ error: "x must be a finite number (compute in FLOPs or bytes seen)" })
          .positive("x must be > 0 on a log axis; drop the step-0 point (no compute yet)"),
        value: z.number({
          error: "value must be a finite number; cut a diverged run's curve at its last finite value",
        }),
      }),
    )
    .min(1, "a learning curve needs at least one point"),
});
export type LearningCurveInput = z.input<typeof learningCurveSchema>;

const optionsSchema = z
  .object({
    /** The budgets (same unit as x) at which to compare, e.g. logSpaced(1e15, 1e18, 7). */
    budgets: z.array(z.number().positive("budgets must be > 0")).min(1, "give at least one budget"),
  })
  .strict();
export type ComputeMatchedOptions = z.input<typeof optionsSchema>;

export interface ArchitectureAtBudget {
  architecture: string;
  /** Runs that reached the budget. */
  n: number;
  mean: number | null;
  /** Sample standard deviation; null for fewer than two runs. */
  std: number | null;
  min: number | null;
  max: number | null;
  /** Runs left out at this budget and why: never extrapolated past a run's last point. */
  notReached: number;
  beforeFirstPoint: number;
  runs: Array<{ runId: string; value: number | null; excluded: "not-reached" | "before-first-point" | null }>;
}

export interface ComputeMatchedComparison {
  budgets: Array<{ budget: number; architectures: ArchitectureAtBudget[] }>;
}

/**
 * Compares architectures at equal budgets: every run's learning curve is interpolated (log-linear in x)
 * to each budget, runs that did not reach a budget are left out there and counted, and the values are
 * summarised per architecture (mean, std, N, min, max). Architectures keep their order of appearance.
 */
export function compareAtBudgets(
  curves: LearningCurveInput[],
  options: ComputeMatchedOptions,
): ComputeMatchedComparison {
  const parsed = parseInput(
    z.array(learningCurveSchema).min(1, "needs at least one run"),
    curves,
    "compareAtBudgets",
    "curves",
  );
  const opts = parseInput(optionsSchema, options, "compareAtBudgets", "options");
  const prepared = parsed.map((c) => ({
    runId: c.runId,
    architecture: c.architecture,
    curve: normaliseCurve(c.points),
  }));
  const architectures = [...new Set(parsed.map((c) => c.architecture))];
  const budgets = [...opts.budgets].sort((a, b) => a - b);
  return {
    budgets: budgets.map((budget) => ({
      budget,
      architectures: architectures.map((architecture) => {
        const runs = prepared
          .filter((p) => p.architecture === architecture)
          .map((p) => ({ runId: p.runId, ...interpolateLogLinear(p.curve, budget) }));
        const values = runs.flatMap((r) => (r.value === null ? [] : [r.value]));
        const range = values.length > 0 ? minMax(values) : null;
        return {
          architecture,
          n: values.length,
          mean: values.length > 0 ? mean(values) : null,
          std: sampleStd(values),
          min: range?.min ?? null,
          max: range?.max ?? null,
          notReached: runs.filter((r) => r.excluded === "not-reached").length,
          beforeFirstPoint: runs.filter((r) => r.excluded === "before-first-point").length,
          runs,
        };
      }),
    })),
  };
}
