import type { PrismaClient } from "@bytelab/db/runtime";
import { finiteOrNull } from "../schemas/common";
import type { MetricSummary } from "../schemas/run";

/** The metric names the read models show. */
export const METRICS = {
  valBpb: "val/bpb",
  trainBpb: "train/bpb",
  testBpb: "test/bpb",
  bytesPerSecond: "throughput/bytes_per_s",
  trainLoss: "train/loss",
} as const;

export interface StatRow {
  name: string;
  count: number;
  firstStep: number;
  lastStep: number;
  last: number | null;
  min: number | null;
  max: number | null;
  lastBytes: number | null;
  lastFlops: number | null;
  lastWall: number | null;
}

/** Per run, per metric: the summary the database keeps (metric_stats), for the given runs and names. */
export type StatsByRun = Map<string, Map<string, StatRow>>;

/**
 * The metric summaries of `runIds` (all metrics, or only `names`): one primary-key probe per run, however
 * long the series are (metric_stats is kept by triggers on metric_points).
 */
export async function loadStats(
  prisma: PrismaClient,
  runIds: readonly string[],
  names?: readonly string[],
): Promise<StatsByRun> {
  const out: StatsByRun = new Map();
  if (runIds.length === 0) return out;
  const rows = await prisma.metricStat.findMany({
    where: { runId: { in: [...runIds] }, ...(names ? { name: { in: [...names] } } : {}) },
  });
  for (const r of rows) {
    const byName = out.get(r.runId) ?? new Map<string, StatRow>();
    byName.set(r.name, {
      name: r.name,
      count: r.count,
      firstStep: r.firstStep,
      lastStep: r.lastStep,
      last: finiteOrNull(r.lastValue),
      min: finiteOrNull(r.minValue),
      max: finiteOrNull(r.maxValue),
      lastBytes: finiteOrNull(r.lastBytes),
      lastFlops: finiteOrNull(r.lastFlops),
      lastWall: finiteOrNull(r.lastWall),
    });
    out.set(r.runId, byName);
  }
  return out;
}

/** The latest step any metric of the run reached; null before the first point. */
export function latestStep(stats: Map<string, StatRow> | undefined): number | null {
  if (!stats || stats.size === 0) return null;
  let step = -1;
  for (const s of stats.values()) step = Math.max(step, s.lastStep);
  return step;
}

export function toMetricSummary(s: StatRow): MetricSummary {
  return {
    name: s.name,
    count: s.count,
    firstStep: s.firstStep,
    lastStep: s.lastStep,
    last: s.last,
    min: s.min,
    max: s.max,
  };
}
