/**
 * Ticks of a log axis over [min, max] (min > 0): the powers of ten inside, plus 2x and 5x steps when the range
 * spans fewer than three decades; at least the two ends when no power of ten falls inside.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const decades = hi - lo;
  const mantissas = decades <= 1 ? [1, 1.5, 2, 3, 5, 7] : decades <= 3 ? [1, 2, 5] : [1];
  const step = decades > 12 ? Math.ceil(decades / 8) : 1;
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += step)
    for (const m of mantissas) {
      // 10 ** e is exact for integers, m x that rounded to 12 significant digits drops float noise (3e-7...).
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
    }
  if (ticks.length >= 2) return ticks;
  return [...new Set([min, ...ticks, max])].sort((a, b) => a - b);
}

/** The log-axis domain that shows [min, max] with a little room: widened by 3% of the log range each side. */
export function logDomain(min: number, max: number): [number, number] {
  if (min === max) return [min / 1.1, max * 1.1];
  const pad = (Math.log10(max) - Math.log10(min)) * 0.03;
  return [min / 10 ** pad, max * 10 ** pad];
}

/** A linear domain with 4% room each side (a flat line gets ±1 or ±5%). */
export function linearDomain(min: number, max: number): [number, number] {
  if (min === max) {
    const d = min === 0 ? 1 : Math.abs(min) * 0.05;
    return [min - d, max + d];
  }
  const pad = (max - min) * 0.04;
  return [min - pad, max + pad];
}

/** Ticks of a linear axis at "nice" values (1, 2, 5 x 10^k steps) inside [min, max], about `target` of them. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)) === 0 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}
