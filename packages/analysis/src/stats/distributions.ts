import { AnalysisError } from "../errors";
import { logGamma, regularizedGammaQ, regularizedIncompleteBeta } from "./special";

/**
 * Student t and standard normal distributions: CDFs from the incomplete beta / gamma functions and
 * quantiles by safeguarded Newton iteration on the upper tail, which keeps far-tail quantiles accurate.
 * Degrees of freedom may be any positive real; above 1e7 the t distribution is the normal one to
 * better than 1e-7.
 */

const NORMAL_DF = 1e7;

function checkProbability(p: number, where: string): void {
  if (!(p > 0 && p < 1))
    throw new AnalysisError("invalid_input", where, [
      { path: "p", issue: `must be a probability strictly between 0 and 1, got ${p}` },
    ]);
}

function checkDf(df: number, where: string): void {
  if (!(df > 0))
    throw new AnalysisError("invalid_input", where, [
      { path: "df", issue: `degrees of freedom must be > 0 (n - 1 for n values), got ${df}` },
    ]);
}

/** P(Z > z) for z >= 0. */
function normalUpperTail(z: number): number {
  return 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
}

function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** P(T > t) for t >= 0, computed from whichever incomplete beta form is accurate at t. */
function tUpperTail(t: number, df: number): number {
  if (df > NORMAL_DF) return normalUpperTail(t);
  // One form for every t: I_x picks its accurate side itself, so a tail of 1e-23 is not lost to 0.5 - 0.5.
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

function tDensity(t: number, df: number): number {
  if (df > NORMAL_DF) return normalDensity(t);
  const logNorm = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

export function normalCdf(z: number): number {
  return z >= 0 ? 1 - normalUpperTail(z) : normalUpperTail(-z);
}

export function studentTCdf(t: number, df: number): number {
  checkDf(df, "studentTCdf");
  return t >= 0 ? 1 - tUpperTail(t, df) : tUpperTail(-t, df);
}

/** Solves upperTail(x) = q for x >= 0 (q in (0, 0.5]) by Newton steps kept inside a shrinking bracket. */
function invertUpperTail(
  q: number,
  upperTail: (x: number) => number,
  density: (x: number) => number,
): number {
  if (q === 0.5) return 0;
  let lo = 0;
  let hi = 1;
  while (upperTail(hi) > q) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Number.POSITIVE_INFINITY;
  }
  let x = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = upperTail(x) - q; // decreasing in x
    if (f > 0) lo = x;
    else hi = x;
    const slope = -density(x);
    let next = slope !== 0 ? x - f / slope : Number.NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x)) || hi - lo <= 1e-15 * Math.max(1, hi))
      return next;
    x = next;
  }
  return x;
}

/** The p-quantile of the standard normal distribution. */
export function normalQuantile(p: number): number {
  checkProbability(p, "normalQuantile");
  const z = invertUpperTail(Math.min(p, 1 - p), normalUpperTail, normalDensity);
  return p < 0.5 ? -z : z;
}

/** The p-quantile of Student's t distribution with `df` degrees of freedom (e.g. p = 0.975 for a 95% CI). */
export function studentTQuantile(p: number, df: number): number {
  checkProbability(p, "studentTQuantile");
  checkDf(df, "studentTQuantile");
  const t = invertUpperTail(
    Math.min(p, 1 - p),
    (x) => tUpperTail(x, df),
    (x) => tDensity(x, df),
  );
  return p < 0.5 ? -t : t;
}
