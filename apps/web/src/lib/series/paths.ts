import type { Scale } from "./types";

/**
 * SVG geometry of line charts, computed straight from columnar series: one path string per line (and per
 * band), so 100 lines x 500 points cost one pass over 50,000 numbers instead of a component per point.
 */

/** A data -> pixel mapping of one axis: domain [d0, d1] onto pixels [p0, p1], linear or log. */
export interface AxisMap {
  d0: number;
  d1: number;
  p0: number;
  p1: number;
  scale: Scale;
}

export function axisMap(
  domain: readonly [number, number],
  pixels: readonly [number, number],
  scale: Scale,
): AxisMap {
  return { d0: domain[0], d1: domain[1], p0: pixels[0], p1: pixels[1], scale };
}

/** The pixel of a value (NaN when the axis cannot show it: a value <= 0 on a log axis). */
export function project(m: AxisMap, v: number): number {
  if (m.scale === "log") {
    if (!(v > 0) || !(m.d0 > 0)) return Number.NaN;
    const t = (Math.log(v) - Math.log(m.d0)) / (Math.log(m.d1) - Math.log(m.d0));
    return m.p0 + t * (m.p1 - m.p0);
  }
  const span = m.d1 - m.d0;
  return m.p0 + (span === 0 ? 0.5 : (v - m.d0) / span) * (m.p1 - m.p0);
}

/** The value at a pixel (the inverse of project). */
export function unproject(m: AxisMap, p: number): number {
  const t = m.p1 === m.p0 ? 0 : (p - m.p0) / (m.p1 - m.p0);
  if (m.scale === "log") return Math.exp(Math.log(m.d0) + t * (Math.log(m.d1) - Math.log(m.d0)));
  return m.d0 + t * (m.d1 - m.d0);
}

const r = (v: number) => Math.round(v * 10) / 10;

/**
 * "M x y L x y ..." through the drawable points, in order; points with no value are skipped, so the line
 * connects across them (as the service's shared grid leaves holes where a run has no bucket). Empty string
 * when nothing is drawable.
 */
export function linePath(
  x: readonly number[],
  y: readonly (number | null)[],
  mx: AxisMap,
  my: AxisMap,
): string {
  let d = "";
  for (let i = 0; i < x.length; i++) {
    const v = y[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const px = project(mx, x[i]!);
    const py = project(my, v);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    d += `${d ? "L" : "M"}${r(px)} ${r(py)}`;
  }
  return d;
}

/**
 * The band between lo and hi as closed polygons: along hi forwards, along lo backwards; a point where either
 * edge is missing ends one polygon and the next drawable point starts another.
 */
export function bandPath(
  x: readonly number[],
  lo: readonly (number | null)[],
  hi: readonly (number | null)[],
  mx: AxisMap,
  my: AxisMap,
): string {
  let out = "";
  let top: string[] = [];
  let bottom: string[] = [];
  const flush = () => {
    if (top.length > 1) out += `M${top.join("L")}L${bottom.reverse().join("L")}Z`;
    top = [];
    bottom = [];
  };
  for (let i = 0; i < x.length; i++) {
    const a = lo[i];
    const b = hi[i];
    const px = project(mx, x[i]!);
    const pa = a === null || a === undefined ? Number.NaN : project(my, a);
    const pb = b === null || b === undefined ? Number.NaN : project(my, b);
    if (!Number.isFinite(px) || !Number.isFinite(pa) || !Number.isFinite(pb)) {
      flush();
      continue;
    }
    top.push(`${r(px)} ${r(pb)}`);
    bottom.push(`${r(px)} ${r(pa)}`);
  }
  flush();
  return out;
}

/** Index of the value in sorted `xs` nearest to `x` (-1 for an empty list). */
export function nearestIndex(xs: readonly number[], x: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo]! - x) <= Math.abs(xs[hi]! - x) ? lo : hi;
}
