import { bucketOf, bucketRanges, type XGrid } from "./grid";

/**
 * Indices kept by min/max bucketing: the first and last points, and in every bucket the points with
 * the lowest and highest y (so spikes and dips survive at any zoom). Ascending, without repeats.
 */
export function minMaxIndices(x: ArrayLike<number>, y: ArrayLike<number>, grid: XGrid): number[] {
  const n = x.length;
  if (n === 0) return [];
  const keep = new Set<number>([0, n - 1]);
  for (const [start, end] of bucketRanges(x, 0, n, bucketOf(grid))) {
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (y[i]! < y[lo]!) lo = i;
      if (y[i]! > y[hi]!) hi = i;
    }
    keep.add(lo);
    keep.add(hi);
  }
  return [...keep].sort((a, b) => a - b);
}
