import type { Random } from "../random";
import { boundsHit, solvePowerLaw } from "./power-law-solver";

export type ResampleUnit = "runs" | "seeds-within-compute";

export interface BootstrapDraws {
  /** One entry per successful resample, in the original parametrisation. */
  E: number[];
  logA: number[];
  alpha: number[];
  /** Resamples of unit "runs" drawn again because they held fewer than 3 distinct compute values. */
  redrawn: number;
  /** Resamples given up after 100 redraws (only possible with very few compute values). */
  failed: number;
  /** Resamples whose fit ended on a bound (E = 0 or alpha at either end). */
  boundHits: number;
}

const MAX_REDRAWS = 100;

/**
 * Refits the power law on `resamples` bootstrap resamples of the points. `group[i]` is the index of
 * point i's compute value; resamples are expressed as multiplicity weights, so nothing is copied.
 */
export function bootstrapPowerLaw(
  x: Float64Array,
  y: Float64Array,
  logComputeRef: number,
  group: Int32Array,
  groupCount: number,
  unit: ResampleUnit,
  resamples: number,
  random: Random,
): BootstrapDraws {
  const n = x.length;
  const members: number[][] = Array.from({ length: groupCount }, () => []);
  for (let i = 0; i < n; i++) members[group[i]!]!.push(i);
  const weights = new Float64Array(n);
  const yMin = Math.min(...y);
  const seen = new Uint8Array(groupCount);
  const draws: BootstrapDraws = { E: [], logA: [], alpha: [], redrawn: 0, failed: 0, boundHits: 0 };

  const drawRuns = (): boolean => {
    for (let attempt = 0; attempt <= MAX_REDRAWS; attempt++) {
      weights.fill(0);
      seen.fill(0);
      let distinct = 0;
      for (let k = 0; k < n; k++) {
        const i = random.int(n);
        weights[i]! += 1;
        if (seen[group[i]!] === 0) {
          seen[group[i]!] = 1;
          distinct++;
        }
      }
      if (distinct >= 3) return true;
      draws.redrawn++;
    }
    return false;
  };
  // Within a compute value of m runs, resampled deviations from the cell mean are scaled by
  // sqrt(m / (m - 1)): plain resampling of m values shrinks their variance by (m - 1) / m, which for
  // 2-3 seeds per cell makes the intervals a fifth too narrow (Davison & Hinkley 1997, section 3.2.2).
  const cellMean = members.map((m) => m.reduce((sum, i) => sum + y[i]!, 0) / Math.max(1, m.length));
  const cellInflate = members.map((m) => (m.length > 1 ? Math.sqrt(m.length / (m.length - 1)) : 0));
  const yStar = new Float64Array(n);
  const drawWithinCompute = (): boolean => {
    weights.fill(1);
    members.forEach((m, c) => {
      for (const slot of m) {
        const picked = m[random.int(m.length)]!;
        yStar[slot] = cellMean[c]! + cellInflate[c]! * (y[picked]! - cellMean[c]!);
      }
    });
    return true;
  };

  for (let r = 0; r < resamples; r++) {
    const ok = unit === "runs" ? drawRuns() : drawWithinCompute();
    if (!ok) {
      draws.failed++;
      continue;
    }
    const fit = solvePowerLaw(x, unit === "runs" ? y : yStar, weights);
    draws.E.push(fit.E);
    draws.logA.push(fit.b + fit.alpha * logComputeRef);
    draws.alpha.push(fit.alpha);
    if (boundsHit(fit, yMin).length > 0) draws.boundHits++;
  }
  return draws;
}
