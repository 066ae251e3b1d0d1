import { z } from "zod";
import { AnalysisError, insufficientData, parseInput } from "../errors";
import { createRandom, hashString } from "../random";
import { type Interval, percentileInterval } from "../stats/descriptive";
import { bootstrapPowerLaw, type ResampleUnit } from "./bootstrap";
import { predictCurve } from "./curve";
import { boundsHit, solvePowerLaw } from "./power-law-solver";
import {
  type PowerLawFitOptions,
  powerLawFitOptionsSchema,
  type ScalingRun,
  type ScalingRunInput,
  scalingRunSchema,
} from "./schemas";

/** L(C) = E + A * C^(-alpha); logA = ln A is exact where A itself would over- or underflow. */
export interface PowerLawParams {
  /** Irreducible loss (bits per byte at infinite compute). */
  E: number;
  A: number;
  logA: number;
  alpha: number;
}

/** The fitted loss at `compute` FLOPs. */
export function powerLawLoss(params: Pick<PowerLawParams, "E" | "logA" | "alpha">, compute: number): number {
  return params.E + Math.exp(params.logA - params.alpha * Math.log(compute));
}

export interface CurvePoint {
  compute: number;
  estimate: number;
  /** Percentile bootstrap interval; null when the fit has no bootstrap. */
  lower: number | null;
  upper: number | null;
  level: number;
  /** True outside the compute range the fit saw. */
  extrapolated: boolean;
}

export type BoundName = "E >= 0" | "alpha <= 2" | "alpha > 0";

export interface PowerLawFit {
  architecture: string;
  params: PowerLawParams;
  /** Percentile bootstrap intervals of the parameters; null when `resamples` was 0. */
  intervals: { level: number; E: Interval; A: Interval; logA: Interval; alpha: Interval } | null;
  /** True when the fit should not be trusted at face value; `reasons` says why. */
  provisional: boolean;
  reasons: string[];
  data: {
    runIds: string[];
    points: number;
    distinctCompute: number;
    computeMin: number;
    computeMax: number;
  };
  excluded: Array<{ runId: string; reason: string }>;
  quality: {
    rmse: number;
    r2: number | null;
    iterations: number;
    converged: boolean;
    boundsHit: BoundName[];
  };
  bootstrap: {
    resamples: number;
    unit: ResampleUnit;
    seed: number;
    redrawn: number;
    failed: number;
    boundHits: number;
    /** One entry per successful resample (what curve bands and crossings are computed from). */
    samples: { E: number[]; logA: number[]; alpha: number[] };
  } | null;
  predictions: CurvePoint[];
}

const WHERE = "fitPowerLaw";
/** A bootstrap that puts more than this share of resamples on a bound makes the fit provisional. */
const BOOTSTRAP_BOUND_SHARE = 0.1;
/**
 * "auto" resamples runs (the better calibrated choice: 90% intervals covered the truth in 86-88% of
 * synthetic trials) unless the ladder has so few compute values that resampling runs would often drop
 * one; then it resamples seeds within each compute value.
 */
const AUTO_RUNS_FROM_COMPUTE = 5;

function exclusionReason(run: ScalingRun): string | null {
  if (run.status === "diverged") return "diverged";
  if (run.status === "excluded") return "excluded";
  if (run.bitsPerByte === null) return "no held-out bits per byte";
  return null;
}

function formatCompute(c: number): string {
  return c.toExponential(2);
}

/**
 * Fits L(C) = E + A * C^(-alpha) to one architecture's runs (held-out bits per byte against training
 * compute) and bootstraps it over runs for percentile intervals. Throws AnalysisError when fewer than
 * 3 distinct compute values hold a usable run; marks the fit provisional (with reasons) when it rests
 * on few compute values, ends on a bound, or lost runs to divergence or exclusion.
 */
export function fitPowerLaw(runs: ScalingRunInput[], options: PowerLawFitOptions = {}): PowerLawFit {
  const parsed = parseInput(z.array(scalingRunSchema).min(1, "needs at least one run"), runs, WHERE, "runs");
  const opts = parseInput(powerLawFitOptionsSchema, options, WHERE, "options");
  const architectures = [...new Set(parsed.map((r) => r.architecture))];
  if (architectures.length > 1)
    throw new AnalysisError("invalid_input", WHERE, [
      {
        path: "runs",
        issue: `runs hold ${architectures.length} architectures (${architectures.join(", ")}); fit one at a time or use fitScalingLaws`,
      },
    ]);
  return fitArchitecture(architectures[0]!, parsed, opts);
}

/** The fit for already-validated runs of one architecture (fitScalingLaws calls this per architecture). */
export function fitArchitecture(
  architecture: string,
  runs: ScalingRun[],
  opts: z.output<typeof powerLawFitOptionsSchema>,
): PowerLawFit {
  const usable: ScalingRun[] = [];
  const excluded: PowerLawFit["excluded"] = [];
  for (const run of runs) {
    const reason = exclusionReason(run);
    if (reason) excluded.push({ runId: run.runId, reason });
    else usable.push(run);
  }
  // Design points: runs planned at one budget are one compute value of the design, whatever each measured
  // (H-Net's seeds spend their budget plus a different fraction of a step).
  const cellOf = (r: ScalingRun): number => r.budget ?? r.compute;
  const computes = [...new Set(usable.map(cellOf))].sort((a, b) => a - b);
  const measured = usable.map((r) => r.compute);
  if (computes.length < 3)
    throw insufficientData(
      WHERE,
      "runs",
      `${architecture}: a power law has 3 parameters and needs completed runs at 3 or more distinct compute values; ` +
        `got ${computes.length} (${usable.length} usable of ${runs.length} runs). Add runs at more compute budgets.`,
    );

  const n = usable.length;
  const logC = usable.map((r) => Math.log(r.compute));
  const logComputeRef = logC.reduce((a, b) => a + b, 0) / n;
  const x = Float64Array.from(logC, (l) => l - logComputeRef);
  const y = Float64Array.from(usable, (r) => r.bitsPerByte!);
  const ones = new Float64Array(n).fill(1);
  const solved = solvePowerLaw(x, y, ones);
  const logA = solved.b + solved.alpha * logComputeRef;
  const params: PowerLawParams = { E: solved.E, A: Math.exp(logA), logA, alpha: solved.alpha };

  const hit: BoundName[] = boundsHit(solved, Math.min(...y));

  const yMean = y.reduce((a, b) => a + b, 0) / n;
  const sst = y.reduce((a, v) => a + (v - yMean) ** 2, 0);

  const reasons: string[] = [];
  if (computes.length < opts.minDistinctCompute)
    reasons.push(
      `only ${computes.length} distinct compute values (fewer than ${opts.minDistinctCompute}); 3 parameters leave almost no residual to judge the fit by`,
    );
  if (!solved.decreasing)
    reasons.push("the held-out loss does not fall with compute; no decreasing power law fits");
  if (hit.includes("E >= 0"))
    reasons.push("E hit its bound 0: the irreducible loss is not identified by this compute range");
  if (hit.includes("alpha <= 2"))
    reasons.push("alpha hit its upper bound 2: the loss falls implausibly fast");
  if (hit.includes("alpha > 0") && solved.decreasing)
    reasons.push("alpha hit its lower bound (about 0): the loss hardly falls with compute");
  if (!solved.converged)
    reasons.push(`the least-squares fit did not converge in ${solved.iterations} iterations`);
  if (excluded.length > 0) {
    const counts = new Map<string, number>();
    for (const e of excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
    const summary = [...counts].map(([reason, count]) => `${count} ${reason}`).join(", ");
    reasons.push(`${excluded.length} of ${runs.length} runs left out (${summary})`);
    const lostCells = [...new Set(runs.map(cellOf))].filter((c) => !computes.includes(c));
    if (lostCells.length > 0)
      reasons.push(
        `no usable run at compute ${lostCells.map(formatCompute).join(", ")}: the fit cannot see what happened there`,
      );
  }

  let bootstrap: PowerLawFit["bootstrap"] = null;
  let intervals: PowerLawFit["intervals"] = null;
  if (opts.resamples > 0) {
    const groupOf = new Map(computes.map((c, i) => [c, i]));
    const group = Int32Array.from(usable, (r) => groupOf.get(cellOf(r))!);
    const perCompute = computes.map((c) => usable.filter((r) => cellOf(r) === c).length);
    const unit: ResampleUnit =
      opts.unit !== "auto"
        ? opts.unit
        : computes.length < AUTO_RUNS_FROM_COMPUTE && perCompute.every((k) => k >= 2)
          ? "seeds-within-compute"
          : "runs";
    const random = createRandom(opts.seed, hashString(architecture));
    const draws = bootstrapPowerLaw(
      x,
      y,
      logComputeRef,
      group,
      computes.length,
      unit,
      opts.resamples,
      random,
    );
    bootstrap = {
      resamples: opts.resamples,
      unit,
      seed: opts.seed,
      redrawn: draws.redrawn,
      failed: draws.failed,
      boundHits: draws.boundHits,
      samples: { E: draws.E, logA: draws.logA, alpha: draws.alpha },
    };
    if (draws.E.length > 0) {
      const logAInterval = percentileInterval(draws.logA, opts.level);
      intervals = {
        level: opts.level,
        E: percentileInterval(draws.E, opts.level),
        A: { level: opts.level, lower: Math.exp(logAInterval.lower), upper: Math.exp(logAInterval.upper) },
        logA: logAInterval,
        alpha: percentileInterval(draws.alpha, opts.level),
      };
    }
    const share = draws.boundHits / Math.max(1, draws.E.length);
    if (share > BOOTSTRAP_BOUND_SHARE)
      reasons.push(
        `${Math.round(share * 100)}% of bootstrap resamples ended on a bound: the parameters are weakly identified`,
      );
    if (draws.failed > 0)
      reasons.push(
        `${draws.failed} of ${opts.resamples} bootstrap resamples had too few compute values to fit`,
      );
  }

  const fit: PowerLawFit = {
    architecture,
    params,
    intervals,
    provisional: reasons.length > 0,
    reasons,
    data: {
      runIds: usable.map((r) => r.runId),
      points: n,
      distinctCompute: computes.length,
      computeMin: Math.min(...measured),
      computeMax: Math.max(...measured),
    },
    excluded,
    quality: {
      rmse: Math.sqrt(solved.sse / n),
      r2: sst > 0 ? 1 - solved.sse / sst : null,
      iterations: solved.iterations,
      converged: solved.converged,
      boundsHit: hit,
    },
    bootstrap,
    predictions: [],
  };
  fit.predictions = predictCurve(fit, opts.predictAt, opts.level);
  return fit;
}
