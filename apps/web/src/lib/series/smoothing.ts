// Exponential moving average smoothing as TensorBoard (and W&B's "exponential moving average") applies it:
// last = last * w + (1 - w) * value, divided by the debias factor 1 - w^k (k = finite values seen so far) so
// the curve does not start pulled towards 0. Non-finite and missing values pass through untouched and do not
// enter the average. w = 0 leaves the series as it is; w is clamped to [0, 0.999].

export const MAX_SMOOTHING = 0.999;

export function clampSmoothing(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0) return 0;
  return Math.min(weight, MAX_SMOOTHING);
}

/** The debiased EMA of `values` with smoothing weight `weight` (0 = none, 0.99 = very smooth). */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = clampSmoothing(weight);
  if (w === 0) return values.slice();
  let last = 0;
  let seen = 0;
  // A constant series stays exactly constant (no floating-point drift from the debias division).
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length > 0 && finite.every((v) => v === finite[0])) return values.slice();
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    seen++;
    return last / (1 - w ** seen);
  });
}
