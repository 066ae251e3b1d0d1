import { z } from "zod";
import { AnalysisError, parseInput } from "../errors";
import { fitArchitecture, type PowerLawFit } from "./power-law";
import {
  type PowerLawFitOptions,
  powerLawFitOptionsSchema,
  type ScalingRunInput,
  scalingRunSchema,
} from "./schemas";

export interface ScalingLawFits {
  /** One fit per architecture that had enough data, in order of first appearance. */
  fits: PowerLawFit[];
  /** Architectures that could not be fitted, with the reason (e.g. too few compute values). */
  skipped: Array<{ architecture: string; reason: string }>;
}

/**
 * Fits L(C) = E + A * C^(-alpha) separately for every architecture in `runs`. An architecture
 * without enough data is listed in `skipped` instead of failing the others; malformed input throws.
 * Each architecture's bootstrap stream depends on (seed, architecture name) only, so adding an
 * architecture does not change the others' intervals.
 */
export function fitScalingLaws(runs: ScalingRunInput[], options: PowerLawFitOptions = {}): ScalingLawFits {
  const parsed = parseInput(
    z.array(scalingRunSchema).min(1, "needs at least one run"),
    runs,
    "fitScalingLaws",
    "runs",
  );
  const opts = parseInput(powerLawFitOptionsSchema, options, "fitScalingLaws", "options");
  const byArchitecture = new Map<string, typeof parsed>();
  for (const run of parsed) {
    const list = byArchitecture.get(run.architecture) ?? [];
    list.push(run);
    byArchitecture.set(run.architecture, list);
  }
  const result: ScalingLawFits = { fits: [], skipped: [] };
  for (const [architecture, list] of byArchitecture) {
    try {
      result.fits.push(fitArchitecture(architecture, list, opts));
    } catch (error) {
      if (error instanceof AnalysisError && error.code === "insufficient_data")
        result.skipped.push({ architecture, reason: error.details.map((d) => d.issue).join("; ") });
      else throw error;
    }
  }
  return result;
}
