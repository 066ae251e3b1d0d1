import type { ChartLine } from "./types";

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; null is empty. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: header line, one line per row, CRLF-free ("\n"), ending with a newline. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map(csvCell).join(",")];
  for (const row of rows) lines.push(row.map(csvCell).join(","));
  return `${lines.join("\n")}\n`;
}

/**
 * A chart's data in long format, one row per drawn point: series, id, x, y, band edges (lo, hi) and the
 * runs behind the line (n, groups only). `xName` heads the x column (step, bytes, flops, wall).
 */
export function linesToCsv(lines: readonly ChartLine[], xName: string, yName = "y"): string {
  const rows: unknown[][] = [];
  for (const l of lines)
    for (let i = 0; i < l.x.length; i++)
      rows.push([l.name, l.id, l.x[i], l.y[i] ?? null, l.lo?.[i] ?? null, l.hi?.[i] ?? null, l.n ?? 1]);
  return toCsv(["series", "id", xName, yName, "lo", "hi", "runs"], rows);
}
