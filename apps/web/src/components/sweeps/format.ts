/**
 * Number and time formatting of the sweeps side. `sci`, `fixed`, `compact` and `duration` are the HTML
 * report's own (@bytelab/analysis/format), so the scaling page and `bytelab report` read the same digits. Null (not recorded) renders as an em dash.
 */

import { compact, DASH, duration } from "@bytelab/analysis/format";

export { compact, DASH, duration, fixed, sci } from "@bytelab/analysis/format";

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
