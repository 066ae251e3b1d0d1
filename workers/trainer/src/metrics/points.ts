import type { MetricPointInput } from "@bytelab/db";
import type { MetricRecord } from "@bytelab/train/metrics";

/**
 * The database points of one metric record: one (name, step, value) per metric, each carrying the record's
 * bytes seen, cumulative training FLOPs and wall time. A non-finite value (null in the record: a diverged
 * loss) is stored as NaN, which Postgres keeps and the divergence/ASHA readers rank last.
 */
export function recordToPoints(runId: string, record: MetricRecord): MetricPointInput[] {
  return Object.entries(record.metrics).map(([name, value]) => ({
    runId,
    name,
    step: record.step,
    value: value ?? Number.NaN,
    bytesSeen: Math.round(record.bytesSeen),
    flops: record.flops,
    wallTime: record.wallTime,
  }));
}

/** Number of points `records` make (one per metric entry). */
export function pointCount(records: readonly MetricRecord[]): number {
  let n = 0;
  for (const r of records) n += Object.keys(r.metrics).length;
  return n;
}

/** Splits records into chunks of about `maxPoints` points (a record is never split). */
export function chunkRecords(records: readonly MetricRecord[], maxPoints: number): MetricRecord[][] {
  const chunks: MetricRecord[][] = [];
  let chunk: MetricRecord[] = [];
  let points = 0;
  for (const r of records) {
    chunk.push(r);
    points += Object.keys(r.metrics).length;
    if (points >= maxPoints) {
      chunks.push(chunk);
      chunk = [];
      points = 0;
    }
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}
