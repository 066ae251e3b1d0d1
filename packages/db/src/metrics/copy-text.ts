import type { MetricPointInput } from "./point-schema";

// Rows in Postgres COPY text format: tab-separated, \N for NULL, backslash escapes in text.
// Doubles are written with JS's shortest round-trip representation, so Postgres reads back the same double.

const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function escapeCopyText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

function nullable(v: number | bigint | null | undefined): string {
  return v === null || v === undefined ? "\\N" : String(v);
}

/** Column order of the staging table: ord, run_id, name, step, value, bytes_seen, flops, wall_time. */
export function copyRow(p: MetricPointInput, ord: number): string {
  // String(NaN) = "NaN", String(Infinity) = "Infinity": both are valid float8 input.
  return `${ord}\t${escapeCopyText(p.runId)}\t${escapeCopyText(p.name)}\t${p.step}\t${p.value}\t${nullable(p.bytesSeen)}\t${nullable(p.flops)}\t${nullable(p.wallTime)}\n`;
}

/** The rows as COPY text (ord = index in `points`), in chunks of `rowsPerChunk` rows (so a big batch never becomes one huge string). */
export function* copyTextChunks(
  points: readonly MetricPointInput[],
  rowsPerChunk = 2_000,
): Generator<string> {
  for (let start = 0; start < points.length; start += rowsPerChunk) {
    let chunk = "";
    const end = Math.min(points.length, start + rowsPerChunk);
    for (let i = start; i < end; i++) chunk += copyRow(points[i]!, i);
    yield chunk;
  }
}
