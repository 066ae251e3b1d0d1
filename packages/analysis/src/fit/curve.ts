import { z } from "zod";
import { parseInput } from "../errors";
import { percentileInterval } from "../stats/descriptive";
import type { CurvePoint, PowerLawFit } from "./power-law";

/** `count` values spaced evenly in log between `min` and `max` (both included). */
export function logSpaced(min: number, max: number, count: number): number[] {
  if (count === 1) return [min];
  const a = Math.log(min);
  const step = (Math.log(max) - a) / (count - 1);
  return Array.from({ length: count }, (_, i) =>
    i === 0 ? min : i === count - 1 ? max : Math.exp(a + i * step),
  );
}

function lossAt(E: number, logA: number, alpha: number, logC: number): number {
  return E + Math.exp(logA - alpha * logC);
}

/**
 * The fitted curve at each compute value, with the percentile interval over the bootstrap fits
 * (at `level`, default the fit's own). Points outside the fitted compute range are marked extrapolated.
 */
export function predictCurve(
  fit: Pick<PowerLawFit, "params" | "bootstrap" | "data" | "intervals">,
  computes: number[],
  level: number = fit.intervals?.level ?? 0.95,
): CurvePoint[] {
  const samples = fit.bootstrap?.samples;
  const count = samples?.E.length ?? 0;
  const values = new Float64Array(count);
  return computes.map((compute) => {
    const logC = Math.log(compute);
    const estimate = lossAt(fit.params.E, fit.params.logA, fit.params.alpha, logC);
    let lower: number | null = null;
    let upper: number | null = null;
    if (samples && count > 0) {
      for (let b = 0; b < count; b++)
        values[b] = lossAt(samples.E[b]!, samples.logA[b]!, samples.alpha[b]!, logC);
      ({ lower, upper } = percentileInterval(values, level));
    }
    const extrapolated = compute < fit.data.computeMin || compute > fit.data.computeMax;
    return { compute, estimate, lower, upper, level, extrapolated };
  });
}

const bandOptionsSchema = z
  .object({
    /** Where the band ends (FLOPs), typically beyond the largest run. */
    to: z.number().positive("to must be > 0 (FLOPs)"),
    /** Where it starts; default the smallest compute the fit saw. */
    from: z.number().positive("from must be > 0 (FLOPs)").optional(),
    points: z.number().int().min(2).max(10_000).default(64),
    level: z.number().gt(0).lt(1).optional(),
  })
  .strict();
export type ExtrapolationBandOptions = z.input<typeof bandOptionsSchema>;

/** The fitted curve and its bootstrap band on a log grid from the data out to `to` (for charts). */
export function extrapolationBand(
  fit: Pick<PowerLawFit, "params" | "bootstrap" | "data" | "intervals">,
  options: ExtrapolationBandOptions,
): CurvePoint[] {
  const opts = parseInput(bandOptionsSchema, options, "extrapolationBand", "options");
  const from = opts.from ?? fit.data.computeMin;
  const [lo, hi] = from <= opts.to ? [from, opts.to] : [opts.to, from];
  return predictCurve(fit, logSpaced(lo, hi, opts.points), opts.level);
}
