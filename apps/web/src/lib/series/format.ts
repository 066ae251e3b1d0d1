// Number and axis formatting for tables, chart ticks and tooltips. Pure functions, no locale surprises:
// SI prefixes (1.2k, 3.4M), FLOPs in scientific notation (1.2e15), bytes in decimal units, durations.

const SI = [
  { exp: 15, suffix: "P" },
  { exp: 12, suffix: "T" },
  { exp: 9, suffix: "G" },
  { exp: 6, suffix: "M" },
  { exp: 3, suffix: "k" },
] as const;

/** Trims trailing zeros of a fixed / precision string: "1.50" -> "1.5", "2.000" -> "2". */
function trimZeros(text: string): string {
  if (!text.includes(".") || /e/i.test(text)) return text;
  return text.replace(/\.?0+$/, "");
}

/** A number with `digits` significant digits, trailing zeros dropped: 0.012345 -> "0.0123". */
export function formatSig(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e15) return trimZeros(value.toPrecision(digits));
  return formatSci(value, digits - 1);
}

/** SI prefix: 1234 -> "1.23k", 3.4e6 -> "3.4M", 12 -> "12", 0.5 -> "0.5". */
export function formatSI(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return "–";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  for (const { exp, suffix } of SI) {
    if (abs >= 10 ** exp * 0.9995) return `${trimZeros((value / 10 ** exp).toPrecision(digits))}${suffix}`;
  }
  return formatSig(value, digits);
}

/** Scientific notation without a "+": 1.2e15, 3e-4. */
export function formatSci(value: number | null | undefined, fractionDigits = 1): string {
  if (value === null || value === undefined) return "–";
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const [mantissa = "0", exponent = "0"] = value.toExponential(fractionDigits).split("e");
  return `${trimZeros(mantissa)}e${Number(exponent)}`;
}

/** FLOPs (or FLOPs per byte) as researchers write them: 1.2e15; small counts stay plain (950). */
export function formatFlops(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (Math.abs(value) < 1000) return formatSig(value, 3);
  return formatSci(value, 1);
}

/** Bytes in decimal units: 1.5 kB, 12 MB, 3.1 GB. */
export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (!Number.isFinite(value)) return String(value);
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = Math.abs(value);
  let u = 0;
  while (v >= 999.5 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const shown = u === 0 ? String(Math.round(v)) : trimZeros(v.toPrecision(3));
  return `${value < 0 ? "-" : ""}${shown} ${units[u]}`;
}

/** Bits per byte (and other losses): 4 decimals, the precision comparisons of runs need. */
export function formatBpb(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(4);
}

/** Parameter counts: 1.23M, 850k. */
export function formatParams(value: number | null | undefined): string {
  return formatSI(value, 3);
}

/** Throughput in bytes per second: 12.3 kB/s. */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return `${formatBytes(value)}/s`;
}

/** An integer with thousands separators: 30,001. */
export function formatInt(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (!Number.isFinite(value)) return String(value);
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A duration: 42 s, 3m 05s, 1h 02m, 2d 3h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** The x-axes the service can plot against (mirrors X_AXES of @bytelab/service/schemas). */
export type XAxisKind = "step" | "bytes" | "flops" | "wall";

/** Axis titles of the x-axes. */
export const X_AXIS_LABELS: Record<XAxisKind, string> = {
  step: "step",
  bytes: "bytes seen",
  flops: "training FLOPs",
  wall: "wall time (s)",
};

/** The tick / tooltip formatter that suits an x-axis. */
export function xFormatter(x: XAxisKind): (value: number) => string {
  switch (x) {
    case "step":
      return (v) => formatSI(v, 3);
    case "bytes":
      return (v) => formatBytes(v);
    case "flops":
      return (v) => formatFlops(v);
    case "wall":
      return (v) => formatDuration(v);
  }
}

/** A tick formatter for a value axis: compact, SI for large numbers, scientific for tiny ones. */
export function formatTick(value: number): string {
  if (!Number.isFinite(value)) return "";
  const abs = Math.abs(value);
  if (abs >= 1e15 || (abs > 0 && abs < 1e-3)) return formatSci(value, 1);
  if (abs >= 1000) return formatSI(value, 3);
  return formatSig(value, 4);
}

/** A config value as a short text (numbers compact, strings as they are, objects as JSON). */
export function formatConfigValue(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") return Math.abs(value) >= 1e5 ? formatSI(value, 4) : formatSig(value, 6);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
