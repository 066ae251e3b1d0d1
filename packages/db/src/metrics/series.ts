import pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";

export interface SeriesPoint {
  step: number;
  value: number;
  bytesSeen: bigint | null;
  flops: number | null;
  wallTime: number | null;
}

export interface SeriesOptions {
  /** Inclusive. */
  fromStep?: number;
  /** Inclusive. */
  toStep?: number;
  /** At most this many points (the first ones by step). */
  limit?: number;
}

const SERIES_SQL = `SELECT step, value, bytes_seen, flops, wall_time FROM metric_points
WHERE run_id = $1 AND name = $2 AND step >= $3 AND step <= $4 ORDER BY step LIMIT $5`;

function bounds(opts: SeriesOptions): { from: number; to: number; limit: number | null } {
  for (const key of ["fromStep", "toStep", "limit"] as const) {
    const v = opts[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
      throw new Error(`metricSeries: ${key} must be a non-negative integer, got ${v}`);
    }
  }
  return { from: opts.fromStep ?? 0, to: opts.toStep ?? 2_147_483_647, limit: opts.limit ?? null };
}

/**
 * The points of metric `name` of run `runId`, ordered by step (served by the (run_id, name, step) primary key).
 * Works with a Prisma client or a pg pool.
 */
export async function metricSeries(
  source: PrismaClient | pg.Pool,
  runId: string,
  name: string,
  opts: SeriesOptions = {},
): Promise<SeriesPoint[]> {
  const { from, to, limit } = bounds(opts);
  if (source instanceof pg.Pool) {
    const { rows } = await source.query<{
      step: number;
      value: number;
      bytes_seen: string | null;
      flops: number | null;
      wall_time: number | null;
    }>(SERIES_SQL, [runId, name, from, to, limit]);
    return rows.map((r) => ({
      step: r.step,
      value: r.value,
      bytesSeen: r.bytes_seen === null ? null : BigInt(r.bytes_seen),
      flops: r.flops,
      wallTime: r.wall_time,
    }));
  }
  return source.metricPoint.findMany({
    where: { runId, name, step: { gte: from, lte: to } },
    orderBy: { step: "asc" },
    select: { step: true, value: true, bytesSeen: true, flops: true, wallTime: true },
    ...(limit === null ? {} : { take: limit }),
  });
}
