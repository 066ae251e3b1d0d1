/**
 * The benchmark contract: every file in bench/suites exports a default `BenchSuite`.
 * `npm run bench [-- name...]` runs them, prints each report as a table and writes
 * bench/results/<name>.json. Compare variants side by side in one run and report ratios:
 * absolute numbers drift between machines, ratios measured together do not.
 */
export interface BenchReport {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** One-line conclusions, e.g. "COPY is 14.2x faster than createMany". */
  summary: string[];
  /** Machine-readable numbers for the JSON file. */
  data: Record<string, unknown>;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(): Promise<BenchReport>;
}

export function formatTable(columns: string[], rows: Array<Array<string | number>>): string {
  const cells = [columns, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r: Array<string | number>) =>
    r.map((c, i) => String(c ?? "").padStart(widths[i]!)).join("  ");
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join(
    "\n",
  );
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 1 ? n.toFixed(2) : n.toPrecision(3);
}
