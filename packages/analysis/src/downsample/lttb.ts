import { bucketOf, bucketRanges, toAxis, type XGrid } from "./grid";

/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013) on a shared x-grid: the first and last points are
 * kept, and each non-empty bucket of the interior keeps the one point that makes the largest triangle
 * with the point kept before it and the mean of the next bucket. Areas are taken on the chart's x-axis
 * (log x for a log axis); the choice does not depend on the axes' aspect ratio.
 */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, grid: XGrid): number[] {
  const n = x.length;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const ranges = bucketRanges(x, 1, n - 1, bucketOf(grid));
  const ax = (i: number) => toAxis(grid.scale, x[i]!);
  const kept = [0];
  for (let j = 0; j < ranges.length; j++) {
    const [start, end] = ranges[j]!;
    let nextX: number;
    let nextY: number;
    const next = ranges[j + 1];
    if (next) {
      nextX = 0;
      nextY = 0;
      for (let i = next[0]; i < next[1]; i++) {
        nextX += ax(i);
        nextY += y[i]!;
      }
      nextX /= next[1] - next[0];
      nextY /= next[1] - next[0];
    } else {
      nextX = ax(n - 1);
      nextY = y[n - 1]!;
    }
    const a = kept[kept.length - 1]!;
    const aX = ax(a);
    const aY = y[a]!;
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((ax(i) - aX) * (nextY - aY) - (nextX - aX) * (y[i]! - aY));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
  }
  kept.push(n - 1);
  return kept;
}
