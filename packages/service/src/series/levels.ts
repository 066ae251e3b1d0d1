/**
 * Chunk widths (optimizer steps) of metric_rollups, finest first: the same list as the SQL function
 * metric_rollup_levels() of migration 20261202010000_metric_summaries_idempotency.
 */
export const ROLLUP_LEVELS = [8, 64, 512, 4096] as const;

/** Each bucket should get at least this many chunks, so a chunk straddling a bucket edge moves little. */
export const CHUNKS_PER_BUCKET = 2;

/** Steps [fromStep, toStep] of one series, read from its points or from one rollup level. */
export type Segment =
  | { kind: "points"; fromStep: number; toStep: number }
  | { kind: "rollup"; level: number; fromStep: number; toStep: number };

export interface SeriesExtent {
  count: number;
  firstStep: number;
  lastStep: number;
  /** x at the first and last step (null when not recorded). */
  xFirst: number | null;
  xLast: number | null;
}

export interface GridShape {
  min: number;
  max: number;
  buckets: number;
  scale: "linear" | "log";
}

export interface ReadPlan {
  /** Returned as stored: the series has no more points than buckets. */
  raw: boolean;
  segments: Segment[];
}

const alignUp = (step: number, level: number) => Math.ceil(step / level) * level;

/**
 * How to read one series onto the grid with as few rows as the grid can show. x is taken as linear in step
 * between the series' first and last point (exact for bytes; FLOPs and wall time are close). A rollup level
 * is usable where a bucket spans at least CHUNKS_PER_BUCKET chunks of it: on a linear grid that is one level
 * for the whole series; on a log grid buckets widen with x, so the series is read in segments: points where
 * buckets are narrow, then ever coarser levels (boundaries aligned so chunks tile the steps exactly).
 */
export function planSeriesRead(s: SeriesExtent, grid: GridShape): ReadPlan {
  const all: ReadPlan = {
    raw: false,
    segments: [{ kind: "points", fromStep: s.firstStep, toStep: s.lastStep }],
  };
  if (s.count <= grid.buckets) return { ...all, raw: true };
  const span = s.lastStep - s.firstStep;
  if (s.xFirst === null || s.xLast === null || !(s.xLast > s.xFirst) || span <= 0) return all;
  const k = (s.xLast - s.xFirst) / span; // x per step
  const stepAt = (x: number) => s.firstStep + (x - s.xFirst!) / k;
  const from = Math.max(s.firstStep, Math.floor(stepAt(grid.min)));
  const to = Math.min(s.lastStep, Math.ceil(stepAt(grid.max)));
  if (to <= from) return all;

  if (grid.scale === "linear") {
    const stepsPerBucket = (grid.max - grid.min) / grid.buckets / k;
    const level = [...ROLLUP_LEVELS].reverse().find((l) => l * CHUNKS_PER_BUCKET <= stepsPerBucket);
    if (!level) return { raw: false, segments: [{ kind: "points", fromStep: from, toStep: to }] };
    const start = Math.floor(from / level) * level;
    return { raw: false, segments: [{ kind: "rollup", level, fromStep: start, toStep: to }] };
  }

  // Log grid: bucket b spans x in [min r^(b-1), min r^b], i.e. x (1 - 1/r) wide at x. Level L is usable from
  // the step where that width reaches CHUNKS_PER_BUCKET x L steps.
  const r = (grid.max / grid.min) ** (1 / grid.buckets);
  const usableFrom = (level: number) => stepAt((CHUNKS_PER_BUCKET * level * k) / (1 - 1 / r));
  const segments: Segment[] = [];
  let cursor = from;
  let kind: Segment = { kind: "points", fromStep: from, toStep: to };
  for (const level of ROLLUP_LEVELS) {
    // Aligned to the level: its chunks tile the segment exactly, and the finer level before it ends on a
    // multiple of its own chunk width too (levels divide each other).
    const start = Math.max(cursor, alignUp(Math.max(usableFrom(level), 0), level));
    if (start > to) break;
    if (start > cursor) segments.push({ ...kind, fromStep: cursor, toStep: start - 1 });
    kind = { kind: "rollup", level, fromStep: start, toStep: to };
    cursor = start;
  }
  segments.push({ ...kind, fromStep: cursor, toStep: to });
  return { raw: false, segments };
}
