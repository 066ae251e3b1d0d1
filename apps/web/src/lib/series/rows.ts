import type { ChartLine, Scale } from "./types";

/** One row of the merged chart data: x, then y of line i under `y<i>` and its band under `b<i>` ([lo, hi]). */
export type ChartRow = { x: number } & Record<string, number | [number, number] | null>;

export const yKey = (i: number) => `y${i}`;
export const bandKey = (i: number) => `b${i}`;

/** A value drawable on the scale: finite, and > 0 on a log scale. */
export function drawable(v: number | null | undefined, scale: Scale): v is number {
  return v !== null && v !== undefined && Number.isFinite(v) && (scale === "linear" || v > 0);
}

/**
 * The lines merged into one row per distinct x (ascending): what a Recharts chart with one data array wants.
 * Lines on the service's shared grid share their x values, so 100 runs x 500 buckets make 500 rows. Points
 * that the axes cannot show (x or y <= 0 on a log scale, NaN) are left out; a line missing at some x has no
 * key there (the chart connects across such holes).
 */
export function mergeRows(lines: readonly ChartLine[], xScale: Scale, yScale: Scale): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  lines.forEach((line, i) => {
    const yk = yKey(i);
    const bk = bandKey(i);
    for (let j = 0; j < line.x.length; j++) {
      const x = line.x[j]!;
      if (!drawable(x, xScale)) continue;
      const y = line.y[j];
      const lo = line.lo?.[j];
      const hi = line.hi?.[j];
      const hasY = drawable(y, yScale);
      const hasBand = drawable(lo, yScale) && drawable(hi, yScale);
      if (!hasY && !hasBand) continue;
      let row = rows.get(x);
      if (!row) {
        row = { x } as ChartRow;
        rows.set(x, row);
      }
      if (hasY) row[yk] = y;
      if (hasBand) row[bk] = [lo, hi];
    }
  });
  return [...rows.values()].sort((a, b) => a.x - b.x);
}

/**
 * [min, max] of the drawable y values and band edges of the lines (null when there is none); only points with
 * x >= fromX when given (a "focus" range that leaves out the first steps' high loss).
 */
export function yExtent(
  lines: readonly ChartLine[],
  yScale: Scale,
  fromX = -Infinity,
): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  for (const l of lines)
    for (const arr of [l.y, l.lo, l.hi])
      if (arr)
        for (let i = 0; i < arr.length; i++) {
          const v = arr[i];
          if (!drawable(v, yScale) || !((l.x[i] ?? -Infinity) >= fromX)) continue;
          if (v < min) min = v;
          if (v > max) max = v;
        }
  return min <= max ? [min, max] : null;
}

/** The x from which a "focus" y range counts: 10% into the x range (on the axis' scale). */
export function focusFrom(domain: [number, number], xScale: Scale): number {
  const [a, b] = domain;
  if (xScale === "log" && a > 0) return Math.exp(Math.log(a) + 0.1 * (Math.log(b) - Math.log(a)));
  return a + 0.1 * (b - a);
}

/** The distinct drawable x values of the lines, ascending (where the tooltip can snap to). */
export function distinctX(lines: readonly ChartLine[], xScale: Scale, yScale: Scale): number[] {
  const set = new Set<number>();
  for (const l of lines)
    for (let i = 0; i < l.x.length; i++) {
      const x = l.x[i]!;
      if (drawable(x, xScale) && drawable(l.y[i], yScale)) set.add(x);
    }
  return [...set].sort((a, b) => a - b);
}

/** One row of the lines at exactly x (y<i> for each line that has a value there), for the tooltip. */
export function rowAt(lines: readonly ChartLine[], x: number): ChartRow {
  const row = { x } as ChartRow;
  lines.forEach((l, i) => {
    // x values of a line ascend: binary search.
    let lo = 0;
    let hi = l.x.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = l.x[mid]!;
      if (v === x) {
        const y = l.y[mid];
        if (y !== null && y !== undefined && Number.isFinite(y)) row[yKey(i)] = y;
        return;
      }
      if (v < x) lo = mid + 1;
      else hi = mid - 1;
    }
  });
  return row;
}
