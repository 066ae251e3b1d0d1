/**
 * Number and time formatting of the sweeps side. `sci`, `fixed`, `compact` and `duration` print exactly as
 * the HTML report of `bytelab report` (@bytelab/analysis report/html/format.ts), so the scaling page and the
 * report read the same digits. Null (not recorded) renders as an em dash.
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

/** An ETA in words: "about 3m 05s left", "done", "unknown". */
export function eta(seconds: number | null | undefined, finished: boolean): string {
  if (finished) return "done";
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "ETA unknown";
  return `~${duration(seconds)} left`;
}

/** 37%; a dash without a fraction. */
export function percent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return DASH;
  return `${Math.floor(fraction * 100)}%`;
}

/** Bytes per second as 12.3k B/s. */
export function throughput(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond))
    return DASH;
  return `${compact(bytesPerSecond)} B/s`;
}

/** How long ago `iso` was, relative to `now` (ms): "12s ago", "5m ago", "3h ago", "2d ago". */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return DASH;
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.round(seconds)}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** A timestamp as YYYY-MM-DD HH:MM (UTC, so server and browser render the same text). */
export function timestamp(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
