/** Axis scales and tick positions for the report's SVG charts. */

export interface Scale {
  /** Data value -> pixel. */
  (value: number): number;
  domain: [number, number];
  log: boolean;
}

export function makeScale(domain: [number, number], range: [number, number], log: boolean): Scale {
  const [d0, d1] = log ? [Math.log10(domain[0]), Math.log10(domain[1])] : domain;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => {
    const v = log ? Math.log10(value) : value;
    return range[0] + ((v - d0) / span) * (range[1] - range[0]);
  }) as Scale;
  scale.domain = domain;
  scale.log = log;
  return scale;
}

export interface Tick {
  value: number;
  /** Labelled (major) or grid-only (minor). */
  major: boolean;
  /** Label parts: mantissa text and an optional power of ten shown as a superscript. */
  label: { text: string; power: number | null } | null;
}

/** A "nice" step (1, 2, 2.5 or 5 times a power of ten) for about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * power;
}

/** Decimals needed to print multiples of `step` exactly (0.25 -> 2, 5 -> 0). */
function decimalsOf(step: number): number {
  const text = String(Number(step.toPrecision(3)));
  if (text.includes("e")) return Math.min(10, Math.max(0, 1 - Math.floor(Math.log10(step))));
  return text.includes(".") ? text.split(".")[1]!.length : 0;
}

/** Ticks of a linear axis (about `count` labelled ones). */
export function linearTicks(domain: [number, number], count = 6): Tick[] {
  const step = niceStep(domain[1] - domain[0], count);
  const decimals = decimalsOf(step);
  const ticks: Tick[] = [];
  const first = Math.ceil(domain[0] / step - 1e-9);
  for (let i = first; i * step <= domain[1] + step * 1e-9; i++) {
    const value = i * step;
    ticks.push({ value, major: true, label: { text: value.toFixed(decimals), power: null } });
  }
  return ticks;
}

/** Ticks of a log10 axis: decades labelled as 10^k, 2..9 multiples as grid; within one decade, 1-2-5 labels. */
export function logTicks(domain: [number, number]): Tick[] {
  const lo = Math.floor(Math.log10(domain[0]));
  const hi = Math.ceil(Math.log10(domain[1]));
  const decadesInside = hi - lo;
  const ticks: Tick[] = [];
  for (let k = lo; k <= hi; k++)
    for (let m = 1; m <= 9; m++) {
      const value = m * 10 ** k;
      if (value < domain[0] * (1 - 1e-9) || value > domain[1] * (1 + 1e-9)) continue;
      const major = m === 1 || (decadesInside <= 2 && (m === 2 || m === 5));
      ticks.push({
        value,
        major,
        label: major ? { text: m === 1 ? "10" : `${m}×10`, power: k } : null,
      });
    }
  if (ticks.filter((t) => t.major).length < 2)
    // Less than a decade: label every tick inside.
    for (const t of ticks) {
      const k = Math.floor(Math.log10(t.value) + 1e-9);
      const m = Math.round(t.value / 10 ** k);
      t.major = true;
      t.label = { text: m === 1 ? "10" : `${m}×10`, power: k };
    }
  return ticks;
}

/** Domain of `values` widened by `pad` of its span on both sides (log-aware), never empty. */
export function paddedDomain(values: number[], log: boolean, pad = 0.05): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (finite.length === 0) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (log) {
    let a = Math.log10(lo);
    let b = Math.log10(hi);
    if (b - a < 1e-9) {
      a -= 0.5;
      b += 0.5;
    }
    const p = (b - a) * pad;
    return [10 ** (a - p), 10 ** (b + p)];
  }
  if (hi - lo < 1e-12) {
    const d = Math.abs(lo) * 0.05 || 0.5;
    lo -= d;
    hi += d;
  }
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}
