import { solveLinearSystem } from "../linalg";

/**
 * Weighted nonlinear least squares for L(C) = E + A * C^(-alpha), in the well-conditioned form
 *
 *   L = E + exp(b - alpha * x),   x = ln(C) - ln(C_ref),   ln A = b + alpha * ln(C_ref)
 *
 * with ln(C_ref) the mean log compute, so every parameter is O(1) whatever the FLOP scale and A > 0
 * by construction. Bounds: E >= 0 and alpha in [ALPHA_MIN, ALPHA_MAX]. The start is the best point of a
 * grid over alpha where (E, B) come from the linear least-squares solve for that alpha; Levenberg-
 * Marquardt (Marquardt's diagonal scaling, bounds by projection with an active set) refines it.
 * Weights are multiplicities: a bootstrap resample that draws a run twice gives it weight 2.
 */

export const ALPHA_MIN = 1e-3;
export const ALPHA_MAX = 2;
/** B = exp(b) below exp(B_LOG_MIN) is no decrease at all; keeps b finite when the data are flat. */
const B_LOG_MIN = -60;
const ALPHA_GRID = Array.from({ length: 32 }, (_, k) => 0.005 * (ALPHA_MAX / 0.005) ** (k / 31));
const MAX_ITERATIONS = 200;

/** Parameters this close to a bound count as on it (E relative to the smallest loss in the data). */
const BOUND_TOLERANCE = 1e-6;

/** Which bounds the fitted parameters sit on; `yMin` is the smallest loss in the data. */
export function boundsHit(
  p: { E: number; alpha: number },
  yMin: number,
): Array<"E >= 0" | "alpha <= 2" | "alpha > 0"> {
  const hit: Array<"E >= 0" | "alpha <= 2" | "alpha > 0"> = [];
  if (p.E <= BOUND_TOLERANCE * Math.abs(yMin)) hit.push("E >= 0");
  if (p.alpha >= ALPHA_MAX - BOUND_TOLERANCE) hit.push("alpha <= 2");
  if (p.alpha <= ALPHA_MIN + BOUND_TOLERANCE) hit.push("alpha > 0");
  return hit;
}

export interface SolverParams {
  E: number;
  /** ln B with B the amplitude at C = C_ref. */
  b: number;
  alpha: number;
}

export interface SolverResult extends SolverParams {
  sse: number;
  iterations: number;
  converged: boolean;
  /** False when no alpha on the grid gives a curve that falls with compute. */
  decreasing: boolean;
}

function weightedSse(x: Float64Array, y: Float64Array, w: Float64Array, p: SolverParams): number {
  let sse = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const r = y[i]! - p.E - Math.exp(p.b - p.alpha * x[i]!);
    sse += wi * r * r;
  }
  return sse;
}

/** Best (E, B) for a fixed alpha with E >= 0, B > 0; null when no positive B fits. `z` is scratch space. */
function linearSolveAtAlpha(
  x: Float64Array,
  y: Float64Array,
  w: Float64Array,
  alpha: number,
  z: Float64Array,
): { E: number; B: number; sse: number } | null {
  let sw = 0;
  let sz = 0;
  let sy = 0;
  let szz = 0;
  let szy = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i]!;
    const zi = Math.exp(-alpha * x[i]!);
    z[i] = zi;
    sw += wi;
    sz += wi * zi;
    sy += wi * y[i]!;
    szz += wi * zi * zi;
    szy += wi * zi * y[i]!;
  }
  // centred sums from raw ones: z is O(1) on the normalised axis, so cancellation is harmless here
  const covariance = szy - (sz * sy) / sw;
  const variance = szz - (sz * sz) / sw;
  let B = variance > 0 ? covariance / variance : 0;
  let E = (sy - B * sz) / sw;
  if (E < 0) {
    E = 0;
    B = szy / szz;
  }
  if (!(B > 0)) return null;
  let sse = 0;
  for (let i = 0; i < x.length; i++) {
    const r = y[i]! - E - B * z[i]!;
    sse += w[i]! * r * r;
  }
  return { E, B, sse };
}

function initialGuess(
  x: Float64Array,
  y: Float64Array,
  w: Float64Array,
): { start: SolverParams; decreasing: boolean } {
  let best: (SolverParams & { sse: number }) | null = null;
  const z = new Float64Array(x.length);
  for (const alpha of ALPHA_GRID) {
    const solved = linearSolveAtAlpha(x, y, w, alpha, z);
    if (solved && (best === null || solved.sse < best.sse))
      best = { E: solved.E, b: Math.log(solved.B), alpha, sse: solved.sse };
  }
  if (best) return { start: best, decreasing: true };
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    sw += w[i]!;
    sy += w[i]! * y[i]!;
  }
  return { start: { E: Math.max(0, sy / sw), b: B_LOG_MIN, alpha: 1 }, decreasing: false };
}

const LOWER = [0, B_LOG_MIN, ALPHA_MIN] as const;
const UPPER = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, ALPHA_MAX] as const;

function project(theta: Float64Array): void {
  for (let k = 0; k < 3; k++) theta[k] = Math.min(UPPER[k]!, Math.max(LOWER[k]!, theta[k]!));
}

export function solvePowerLaw(x: Float64Array, y: Float64Array, w: Float64Array): SolverResult {
  const { start, decreasing } = initialGuess(x, y, w);
  const theta = Float64Array.of(start.E, start.b, start.alpha);
  const asParams = (t: Float64Array): SolverParams => ({ E: t[0]!, b: t[1]!, alpha: t[2]! });
  let sse = weightedSse(x, y, w, asParams(theta));
  let yScale = 0;
  for (let i = 0; i < y.length; i++) yScale += w[i]! * y[i]! * y[i]!;
  const sseTolerance = 1e-15 * yScale + 1e-300;

  let lambda = 1e-3;
  let converged = false;
  let iterations = 0;
  const jtj = new Float64Array(9);
  const jtr = new Float64Array(3);
  const candidate = new Float64Array(3);
  for (; iterations < MAX_ITERATIONS && !converged; iterations++) {
    jtj.fill(0);
    jtr.fill(0);
    for (let i = 0; i < x.length; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const g = Math.exp(theta[1]! - theta[2]! * x[i]!);
      const r = y[i]! - theta[0]! - g;
      // Jacobian row: [dL/dE, dL/db, dL/dalpha] = [1, g, -x g]
      const j2 = -x[i]! * g;
      jtr[0]! += wi * r;
      jtr[1]! += wi * g * r;
      jtr[2]! += wi * j2 * r;
      jtj[0]! += wi;
      jtj[1]! += wi * g;
      jtj[2]! += wi * j2;
      jtj[4]! += wi * g * g;
      jtj[5]! += wi * g * j2;
      jtj[8]! += wi * j2 * j2;
    }
    jtj[3] = jtj[1]!;
    jtj[6] = jtj[2]!;
    jtj[7] = jtj[5]!;
    // Active set: a parameter sitting on a bound whose descent direction points outward stays put.
    const free: number[] = [];
    for (let k = 0; k < 3; k++) {
      const atLower = theta[k]! <= LOWER[k]! && jtr[k]! <= 0;
      const atUpper = theta[k]! >= UPPER[k]! && jtr[k]! >= 0;
      if (!atLower && !atUpper) free.push(k);
    }
    if (free.length === 0) {
      converged = true;
      break;
    }
    let improved = false;
    while (!improved) {
      const m = free.length;
      const system = new Float64Array(m * m);
      const rhs = new Float64Array(m);
      for (let a = 0; a < m; a++) {
        const ka = free[a]!;
        rhs[a] = jtr[ka]!;
        for (let c = 0; c < m; c++) system[a * m + c] = jtj[ka * 3 + free[c]!]!;
        const diagonal = jtj[ka * 3 + ka]!;
        system[a * m + a]! += lambda * (diagonal > 0 ? diagonal : 1e-12);
      }
      const delta = solveLinearSystem(system, rhs, m);
      candidate.set(theta);
      if (delta) for (let a = 0; a < m; a++) candidate[free[a]!]! += delta[a]!;
      project(candidate);
      const candidateSse = delta ? weightedSse(x, y, w, asParams(candidate)) : Number.POSITIVE_INFINITY;
      let stepSize = 0;
      for (let k = 0; k < 3; k++)
        stepSize = Math.max(stepSize, Math.abs(candidate[k]! - theta[k]!) / (1e-8 + Math.abs(theta[k]!)));
      if (candidateSse < sse) {
        const gain = sse - candidateSse;
        theta.set(candidate);
        sse = candidateSse;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = true;
        if (gain <= 1e-12 * sse + sseTolerance || stepSize < 1e-10) converged = true;
      } else {
        lambda *= 4;
        if (lambda > 1e12 || stepSize < 1e-12 || sse <= sseTolerance) {
          converged = true; // no step lowers the residual: a (bound-constrained) minimum
          break;
        }
      }
    }
  }
  return { E: theta[0]!, b: theta[1]!, alpha: theta[2]!, sse, iterations, converged, decreasing };
}
