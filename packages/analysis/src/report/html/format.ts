/**
 * Number formatting shared by the HTML report's tables and chart labels and by the dashboard
 * (@bytelab/analysis/format: client-safe, no imports), so both read the same digits. Null and undefined
 * (not recorded) render as an em dash.
 */

export const DASH = "—";

/** 1.23e17-style for FLOPs and other quantities spanning decades. */
export function sci(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value === 0) return "0";
  const [mantissa, exponent] = value.toExponential(digits).split("e");
  return `${mantissa}e${Number(exponent)}`;
}

/** Bits per byte and similar O(1) values. */
export function fixed(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toFixed(digits);
}

/** 1.2M, 350k, 12 (parameter counts, bytes). */
export function compact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const units: Array<[number, string]> = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, unit] of units)
    if (Math.abs(value) >= size) return `${(value / size).toPrecision(3).replace(/\.?0+$/, "")}${unit}`;
  return String(Math.round(value));
}

/** 1h 02m, 3m 05s, 12.3s. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(rest).padStart(2, "0")}s`;
}

/** "[lo, hi]" for an interval, or "" when there is none. */
export function interval(
  lower: number | null | undefined,
  upper: number | null | undefined,
  fmt: (v: number) => string,
): string {
  if (lower === null || lower === undefined || upper === null || upper === undefined) return "";
  return `[${fmt(lower)}, ${fmt(upper)}]`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
