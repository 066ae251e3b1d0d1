import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ingestMetrics } from "@bytelab/db";
import type { PrismaClient } from "@bytelab/db/runtime";
import { METRICS_FILE, readMetricsFile } from "@bytelab/train/metrics";
import { SpillFile } from "../metrics/spill-file";
import { chunkRecords, recordToPoints } from "../metrics/points";

/**
 * Before a run (re)starts, make its metric points in Postgres match the lineage it continues:
 *  - resuming from checkpoint step c: points after c are deleted (they will be produced again), and the
 *    records up to c in metrics.jsonl are written again (idempotent), which recovers whatever a killed
 *    worker had not written yet (its in-memory batch, its spill file);
 *  - starting fresh: every point of the run and the local metrics files are deleted.
 * The spill file is then obsolete either way. Returns the points rewritten.
 */
export async function prepareRunMetrics(opts: {
  prisma: PrismaClient;
  target: Parameters<typeof ingestMetrics>[0];
  runId: string;
  runDir: string;
  checkpointStep: number | null;
  maxPoints: number;
}): Promise<number> {
  const { prisma, runId, runDir, checkpointStep } = opts;
  const metricsFile = join(runDir, METRICS_FILE);
  const spill = new SpillFile(runDir);
  if (checkpointStep === null) {
    await prisma.metricPoint.deleteMany({ where: { runId } });
    rmSync(metricsFile, { force: true });
    spill.remove();
    return 0;
  }
  await prisma.metricPoint.deleteMany({ where: { runId, step: { gt: checkpointStep } } });
  const kept = existsSync(metricsFile)
    ? readMetricsFile(metricsFile).filter((r) => r.step <= checkpointStep)
    : [];
  let written = 0;
  for (const chunk of chunkRecords(kept, opts.maxPoints)) {
    const result = await ingestMetrics(
      opts.target,
      chunk.flatMap((r) => recordToPoints(runId, r)),
    );
    written += result.received;
  }
  spill.remove();
  return written;
}
