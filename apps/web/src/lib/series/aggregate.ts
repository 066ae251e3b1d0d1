import type { BandMode } from "./types";

/** One member series of a group: values at x (null = nothing there). */
export interface MemberSeries {
  x: readonly number[];
  y: readonly (number | null)[];
}

export interface Aggregate {
  x: number[];
  /** Mean of the members that have a finite value at x (null when none has). */
  mean: (number | null)[];
  /** Band edges: min / max of the members, or mean ± standard error; null where there is no band. */
  lo: (number | null)[];
  hi: (number | null)[];
  /** Members with a finite value at x. */
  n: number[];
}

/**
 * Aggregates the series of a group on their shared x grid (the service buckets every compared run on one
 * grid, so members line up on exactly the same x values): at each x, the mean of the members that have a
 * value there, and a band: min-max of those values, or mean ± standard error (sample standard deviation /
 * sqrt(n); no band where only one member has a value). x values are the union of the members', ascending.
 */
export function aggregateSeries(members: readonly MemberSeries[], band: BandMode): Aggregate {
  const acc = new Map<number, { sum: number; sumSq: number; n: number; min: number; max: number }>();
  for (const m of members) {
    for (let i = 0; i < m.x.length; i++) {
      const x = m.x[i]!;
      const v = m.y[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        if (!acc.has(x)) acc.set(x, { sum: 0, sumSq: 0, n: 0, min: Infinity, max: -Infinity });
        continue;
      }
      const a = acc.get(x);
      if (a) {
        a.sum += v;
        a.sumSq += v * v;
        a.n++;
        a.min = Math.min(a.min, v);
        a.max = Math.max(a.max, v);
      } else acc.set(x, { sum: v, sumSq: v * v, n: 1, min: v, max: v });
    }
  }
  const xs = [...acc.keys()].sort((a, b) => a - b);
  const out: Aggregate = { x: xs, mean: [], lo: [], hi: [], n: [] };
  for (const x of xs) {
    const a = acc.get(x)!;
    out.n.push(a.n);
    if (a.n === 0) {
      out.mean.push(null);
      out.lo.push(null);
      out.hi.push(null);
      continue;
    }
    const mean = a.sum / a.n;
    out.mean.push(mean);
    if (band === "minmax") {
      out.lo.push(a.min);
      out.hi.push(a.max);
    } else if (band === "stderr" && a.n > 1) {
      // Sample variance from the sums; clamp the rounding noise of equal values at 0.
      const variance = Math.max(0, (a.sumSq - a.n * mean * mean) / (a.n - 1));
      const se = Math.sqrt(variance / a.n);
      out.lo.push(mean - se);
      out.hi.push(mean + se);
    } else {
      out.lo.push(null);
      out.hi.push(null);
    }
  }
  return out;
}
