import { extrapolationBand } from "../fit/curve";
import { findCrossing } from "../fit/crossing";
import type { PowerLawFit } from "../fit/power-law";
import { fitScalingLaws } from "../fit/scaling-laws";
import type { ScalingRunInput } from "../fit/schemas";
import { plannedCompute } from "./budgets";
import type { RunValues } from "./run-values";
import type { ParsedReportOptions, ReportRun } from "./schema";
import type { FitUse, ReportCrossing, ReportFit, ScalingArchitecture, ScalingSection } from "./types";

const BAND_POINTS = 80;

/**
 * How a run enters its architecture's fit. Completed runs with a final held-out value and compute are
 * fitted; diverged, failed and cancelled runs are handed to the fit as left out (so it can say what it
 * lost); unfinished runs and runs without FLOPs cannot be placed on the compute axis at all.
 */
export function scalingInput(run: ReportRun, values: RunValues): ScalingRunInput | { skip: string } {
  if (run.status === "QUEUED" || run.status === "RUNNING")
    return { skip: `not finished (${run.status.toLowerCase()})` };
  if (values.compute === null) return { skip: "no training FLOPs recorded" };
  const budget = plannedCompute(run);
  const base = {
    runId: run.id,
    architecture: run.architecture,
    compute: values.compute,
    seed: run.seed,
    // Runs planned at one budget are one compute value of the fit's design, whatever each measured.
    ...(budget !== null ? { budget } : {}),
  };
  if (run.status === "DIVERGED" || (run.status === "COMPLETED" && values.heldOutNonFinite))
    return { ...base, bitsPerByte: null, status: "diverged" };
  if (run.status === "FAILED" || run.status === "CANCELLED")
    return { ...base, bitsPerByte: null, status: "excluded" };
  return { ...base, bitsPerByte: values.heldOut?.value ?? null, status: "completed" };
}

/** Why a run handed to the fit cannot be used by it (null: it can). */
function leftOutReason(run: ReportRun, input: ScalingRunInput, metric: string): string | null {
  if (input.status === "diverged") return "diverged";
  if (input.status === "excluded") return run.status.toLowerCase();
  if (input.bitsPerByte === null || input.bitsPerByte === undefined) return `no final ${metric} recorded`;
  return null;
}

function stripBootstrap(fit: PowerLawFit, band: ReportFit["band"]): ReportFit {
  const { bootstrap, ...rest } = fit;
  return {
    ...rest,
    bootstrap: bootstrap && {
      resamples: bootstrap.resamples,
      unit: bootstrap.unit,
      failed: bootstrap.failed,
      successful: bootstrap.samples.E.length,
    },
    band,
  };
}

/** Fits per architecture, their bands out to the extrapolation limit and the crossings of every pair. */
export function buildScaling(
  runs: ReportRun[],
  values: Map<string, RunValues>,
  opts: ParsedReportOptions,
): { section: Omit<ScalingSection, "direct">; fitUse: Map<string, FitUse> } {
  const fitUse = new Map<string, FitUse>();
  const inputs: ScalingRunInput[] = [];
  for (const run of runs) {
    const input = scalingInput(run, values.get(run.id)!);
    if ("skip" in input) fitUse.set(run.id, { used: false, reason: input.skip });
    else inputs.push(input);
  }
  const { fits, skipped } =
    inputs.length > 0
      ? fitScalingLaws(inputs, { resamples: opts.resamples, seed: opts.seed, level: opts.level })
      : { fits: [] as PowerLawFit[], skipped: [] };

  const computes = inputs.map((r) => r.compute);
  const computeRange: [number, number] | null =
    computes.length > 0 ? [Math.min(...computes), Math.max(...computes)] : null;
  const extrapolateTo = computeRange ? computeRange[1] * opts.extrapolateFactor : null;

  const byRun = new Map(runs.map((r) => [r.id, r]));
  const fitted = new Set(fits.map((f) => f.architecture));
  for (const input of inputs)
    if (!fitted.has(input.architecture))
      fitUse.set(input.runId, {
        used: false,
        reason:
          leftOutReason(byRun.get(input.runId)!, input, opts.heldOutMetric) ??
          "too few compute values to fit",
      });
  for (const fit of fits) {
    for (const id of fit.data.runIds) fitUse.set(id, { used: true });
    for (const e of fit.excluded) {
      const input = inputs.find((i) => i.runId === e.runId)!;
      fitUse.set(e.runId, {
        used: false,
        reason: leftOutReason(byRun.get(e.runId)!, input, opts.heldOutMetric) ?? e.reason,
      });
    }
  }

  const architectures = [...new Set(runs.map((r) => r.architecture))];
  const sections: ScalingArchitecture[] = architectures.map((architecture) => {
    const fit = fits.find((f) => f.architecture === architecture) ?? null;
    const points = inputs
      .filter((i) => i.architecture === architecture)
      .map((i) => {
        const use = fitUse.get(i.runId)!;
        const finite = values.get(i.runId)!.heldOut?.value ?? null;
        return {
          runId: i.runId,
          runName: byRun.get(i.runId)!.name,
          compute: i.compute,
          bitsPerByte: finite,
          used: use.used,
          reason: use.used ? null : use.reason,
          budget: i.budget ?? null,
        };
      });
    const skip = skipped.find((s) => s.architecture === architecture)?.reason ?? null;
    return {
      architecture,
      points,
      fit:
        fit && extrapolateTo
          ? stripBootstrap(fit, extrapolationBand(fit, { to: extrapolateTo, points: BAND_POINTS }))
          : null,
      skipped: fit ? null : (skip ?? "no run with training FLOPs and a final held-out value"),
    };
  });

  const crossings: ReportCrossing[] = [];
  if (computeRange && extrapolateTo)
    for (let i = 0; i < fits.length; i++)
      for (let j = i + 1; j < fits.length; j++) {
        const a = fits[i]!;
        const b = fits[j]!;
        const result = findCrossing(a, b, { range: [computeRange[0], extrapolateTo], level: opts.level });
        // Inside the data only where both fits saw runs: anywhere else one curve is extrapolated.
        const lo = Math.max(a.data.computeMin, b.data.computeMin);
        const hi = Math.min(a.data.computeMax, b.data.computeMax);
        crossings.push({
          ...result,
          extrapolated: result.crossings.map((c) => c.compute < lo || c.compute > hi),
        });
      }

  return {
    section: {
      metric: opts.heldOutMetric,
      level: opts.level,
      computeRange,
      extrapolateTo,
      architectures: sections,
      crossings,
      mode: fits.length > 0 ? "fit" : "direct",
    },
    fitUse,
  };
}
