import { z } from "zod";

const INT32_MAX = 2_147_483_647;
const INT64_MAX = 9_223_372_036_854_775_807n;

/** Postgres text cannot hold NUL; names and ids are otherwise free-form. */
const noNul = (s: string) => !s.includes("\u0000");

/**
 * One metric value as a worker reports it. `value` may be NaN or ±Infinity (a diverging loss is data worth
 * keeping: divergence detection reads it); everything else must be finite.
 */
export const MetricPointInputSchema = z.object({
  runId: z.string().min(1).refine(noNul, "must not contain NUL characters"),
  /** e.g. "train/loss", "eval/bpb", "hnet/boundary_fraction/stage0". */
  name: z.string().min(1).max(200).refine(noNul, "must not contain NUL characters"),
  /** Optimizer step, 0-based; stored as INTEGER. */
  step: z.number().int().min(0).max(INT32_MAX),
  value: z.custom<number>((v) => typeof v === "number", "expected a number (NaN and ±Infinity are allowed)"),
  /** Training bytes consumed up to this step; number or bigint (stored as BIGINT). */
  bytesSeen: z
    .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.bigint().min(0n).max(INT64_MAX)])
    .nullish(),
  /** Cumulative training FLOPs up to this step. */
  flops: z.number().min(0).nullish(),
  /** Seconds since the run started. */
  wallTime: z.number().min(0).nullish(),
});
export type MetricPointInput = z.input<typeof MetricPointInputSchema>;

export interface MetricValidationIssue {
  /** Index of the point in the array given to ingestMetrics. */
  index: number;
  /** Field name, e.g. "step"; "(point)" when the point itself is not an object. */
  field: string;
  message: string;
}

/** Some points were invalid; nothing of the batch was written. */
export class MetricValidationError extends Error {
  override readonly name = "MetricValidationError";
  constructor(readonly issues: MetricValidationIssue[]) {
    const shown = issues
      .slice(0, 5)
      .map((i) => `points[${i.index}].${i.field}: ${i.message}`)
      .join("; ");
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
    super(`invalid metric points, nothing was written: ${shown}${more}`);
  }
}

/** Validates every point; throws MetricValidationError naming each bad point's index and field. */
export function validateMetricPoints(points: readonly unknown[]): MetricPointInput[] {
  const issues: MetricValidationIssue[] = [];
  for (let index = 0; index < points.length; index++) {
    const parsed = MetricPointInputSchema.safeParse(points[index]);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      issues.push({ index, field: issue.path.map(String).join(".") || "(point)", message: issue.message });
    }
    if (issues.length >= 100) break;
  }
  if (issues.length) throw new MetricValidationError(issues);
  return points as MetricPointInput[];
}
