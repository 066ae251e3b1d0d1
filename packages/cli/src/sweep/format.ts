/** Small, dependency-free formatting for the sweep commands' tables and lines. */

const SI = ["", "k", "M", "G", "T", "P", "E"];

/** 1234567 -> "1.23M"; 0.5 -> "0.5". */
export function si(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs < 1000) return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(digits)));
  const k = Math.min(SI.length - 1, Math.floor(Math.log10(abs) / 3));
  return `${Number((n / 1000 ** k).toPrecision(digits))}${SI[k]}`;
}

/** Bytes per second: "45.1 kB/s". */
export function rate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? "-" : `${si(bytesPerSecond)}B/s`.replace(/(\d)([kMGTPE]?B)/, "$1 $2");
}

/** 3.0e12 -> "3e12"; 2.989e12 -> "2.99e12". */
export function sci(n: number | null): string {
  if (n === null) return "-";
  return n
    .toExponential(2)
    .replace(/\.?0+e/, "e")
    .replace("e+", "e");
}

/** Seconds -> "42s", "3m05s", "2h03m". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function fixed(n: number | null, digits = 3): string {
  return n === null ? "-" : n.toFixed(digits);
}

/** Pads/truncates cells into aligned columns (numbers right-aligned when `right[i]`). */
export function table(rows: string[][], right: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows.map((row) =>
    row
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** Cuts a line to `width` columns (terminal redraws must not wrap, or the cursor math breaks). */
export function clip(line: string, width: number | undefined): string {
  if (!width || line.length <= width) return line;
  return `${line.slice(0, Math.max(0, width - 1))}…`;
}
