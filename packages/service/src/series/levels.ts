/**
 * Chunk widths (optimizer steps) of metric_rollups, finest first: the same list as the SQL function
 * metric_rollup_levels() of migration 20261202010000_metric_summaries_idempotency.
 */
export const ROLLUP_LEVELS = [8, 64, 512, 4096] as const;

/** Each bucket should get at least this many chunks, so a chunk straddling a bucket edge moves little. */
export const CHUNKS_PER_BUCKET = 2;

export type SeriesSource = { kind: "points"; bucketed: boolean } | { kind: "rollup"; level: number };

/**
 * Where to read one series from: its stored points when they are few (returned as they are when they fit in
 * the buckets), else the coarsest rollup level that still gives every bucket CHUNKS_PER_BUCKET chunks.
 * `count` = points stored, `steps` = the step span the request covers.
 */
export function chooseSource(count: number, steps: number, buckets: number): SeriesSource {
  if (count <= buckets) return { kind: "points", bucketed: false };
  for (const level of [...ROLLUP_LEVELS].reverse())
    if (steps / level >= CHUNKS_PER_BUCKET * buckets) return { kind: "rollup", level };
  return { kind: "points", bucketed: true };
}
