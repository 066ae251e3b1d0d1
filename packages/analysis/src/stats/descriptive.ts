/** Small descriptive statistics over plain number arrays (callers validate that values are finite). */

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 in the denominator); null for fewer than two values. */
export function sampleStd(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n < 2) return null;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

export function minMax(values: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The q-quantile of ascending `sorted` values by linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy). q in [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a === b ? a : a + (h - lo) * (b - a);
}

export function median(values: ArrayLike<number>): number {
  return quantileSorted(sortedCopy(values), 0.5);
}

/** A central interval at `level` (e.g. 0.95) with its bounds. */
export interface Interval {
  level: number;
  lower: number;
  upper: number;
}

/** The central percentile interval of `values` at `level` (bootstrap percentile method). */
export function percentileInterval(values: ArrayLike<number>, level: number): Interval {
  const sorted = sortedCopy(values);
  const tail = (1 - level) / 2;
  return { level, lower: quantileSorted(sorted, tail), upper: quantileSorted(sorted, 1 - tail) };
}
