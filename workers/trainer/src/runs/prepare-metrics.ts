import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Fence, ingestMetrics, withFence } from "@bytelab/db";
import type { PrismaClient } from "@bytelab/db/runtime";
import { METRICS_FILE, type MetricRecord, metricRecordSchema } from "@bytelab/train/metrics";
import { chunkRecords, recordToPoints } from "../metrics/points";

/** Metric records from metrics.jsonl text (whole, valid lines only). */
export function parseMetricsText(text: string): MetricRecord[] {
  const out: MetricRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = metricRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // a torn line: not a record
    }
  }
  return out;
}

/**
 * Before an attempt trains, make the run's metric points in Postgres match the lineage it continues. All
 * writes are fenced by the attempt (a stale worker cannot undo them, nor they its successor's):
 *  - resuming from checkpoint step c: points after c are deleted (they will be produced again), and the
 *    records up to c kept with the checkpoint are written again (idempotent), which recovers whatever the
 *    previous attempt had not written (its in-memory batch, its spill file on another host); they also become
 *    the attempt's local metrics.jsonl;
 *  - starting fresh: every point of the run is deleted, and any checkpoint row (none was usable).
 * Returns the points rewritten.
 */
export async function prepareRunMetrics(opts: {
  prisma: PrismaClient;
  target: Parameters<typeof ingestMetrics>[0];
  fence: Fence;
  runDir: string;
  checkpoint: { step: number; metrics: string | null } | null;
  maxPoints: number;
}): Promise<number> {
  const { prisma, fence, checkpoint } = opts;
  const runId = fence.runId;
  if (checkpoint === null) {
    await withFence(prisma, fence, async (tx) => {
      await tx.metricPoint.deleteMany({ where: { runId } });
      await tx.artifact.deleteMany({ where: { runId, kind: "CHECKPOINT" } });
    });
    return 0;
  }
  const c = checkpoint.step;
  await withFence(prisma, fence, async (tx) => {
    await tx.metricPoint.deleteMany({ where: { runId, step: { gt: c } } });
    await tx.artifact.deleteMany({ where: { runId, kind: "CHECKPOINT", step: { gt: c } } });
  });
  const kept = parseMetricsText(checkpoint.metrics ?? "").filter((r) => r.step <= c);
  writeFileSync(join(opts.runDir, METRICS_FILE), kept.map((r) => `${JSON.stringify(r)}\n`).join(""));
  let written = 0;
  for (const chunk of chunkRecords(kept, opts.maxPoints)) {
    const result = await ingestMetrics(
      opts.target,
      chunk.flatMap((r) => recordToPoints(runId, r)),
      { fence },
    );
    written += result.received;
  }
  return written;
}
