/** A learning curve point: x is compute (FLOPs) or bytes seen, value the metric there. */
export interface CurvePointXY {
  x: number;
  value: number;
}

export type Interpolated =
  | { value: number; excluded: null }
  | { value: null; excluded: "not-reached" | "before-first-point" };

/**
 * Sorts a curve by x and collapses repeated x values to the last one logged (a resumed run may log a
 * step twice; the later evaluation is the one that counts).
 */
export function normaliseCurve(points: readonly CurvePointXY[]): { x: Float64Array; value: Float64Array } {
  const order = points.map((_, i) => i).sort((i, j) => points[i]!.x - points[j]!.x || i - j);
  const xs: number[] = [];
  const values: number[] = [];
  for (const i of order) {
    const p = points[i]!;
    if (xs.length > 0 && xs[xs.length - 1] === p.x) values[values.length - 1] = p.value;
    else {
      xs.push(p.x);
      values.push(p.value);
    }
  }
  return { x: Float64Array.from(xs), value: Float64Array.from(values) };
}

/**
 * The curve's value at `budget`, linear in ln(x) between the two points around it (the natural
 * interpolation for learning curves on a log-compute axis). Never extrapolates: a budget past the last
 * point is "not-reached", one before the first point is "before-first-point". x values must be > 0.
 */
export function interpolateLogLinear(
  curve: { x: Float64Array; value: Float64Array },
  budget: number,
): Interpolated {
  const { x, value } = curve;
  const n = x.length;
  if (n === 0 || budget > x[n - 1]!) return { value: null, excluded: "not-reached" };
  if (budget < x[0]!) return { value: null, excluded: "before-first-point" };
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= budget) lo = mid;
    else hi = mid;
  }
  if (x[lo] === budget) return { value: value[lo]!, excluded: null };
  if (x[hi] === budget) return { value: value[hi]!, excluded: null };
  const t = (Math.log(budget) - Math.log(x[lo]!)) / (Math.log(x[hi]!) - Math.log(x[lo]!));
  return { value: value[lo]! + t * (value[hi]! - value[lo]!), excluded: null };
}
