import type pg from "pg";
import { detailsFromZodIssues, InvalidInputError } from "../errors";
import { finiteOrNull } from "../schemas/common";
import {
  type Series,
  type SeriesQuery,
  type SeriesQueryParsed,
  type SeriesResponse,
  seriesQuerySchema,
  type XAxis,
} from "../schemas/series";
import { BucketMerger, type BucketRow } from "./buckets";
import { planSeriesRead, type Segment } from "./levels";

/** The SQL expression of each x-axis on metric_points, and the pair of columns on the summaries. */
const X_COLUMNS: Record<XAxis, { point: string; first: string; last: string }> = {
  step: { point: "p.step::float8", first: "first_step::float8", last: "last_step::float8" },
  bytes: { point: "p.bytes_seen::float8", first: "first_bytes::float8", last: "last_bytes::float8" },
  flops: { point: "p.flops", first: "first_flops", last: "last_flops" },
  wall: { point: "p.wall_time", first: "first_wall", last: "last_wall" },
};

interface StatRow {
  run_id: string;
  name: string;
  count: number;
  first_step: number;
  last_step: number;
  x_first: number | null;
  x_last: number | null;
}

interface Grid {
  min: number;
  max: number;
  buckets: number;
  scale: "linear" | "log";
}

/** The bucket edges as SQL arguments: ln() of both ends on a log grid. */
function axisBounds(grid: Grid): [number, number] {
  return grid.scale === "log" ? [Math.log(grid.min), Math.log(grid.max)] : [grid.min, grid.max];
}

/** Centre of bucket b (1-based, as width_bucket numbers them) in data units. */
function bucketCentre(grid: Grid, b: number): number {
  const [lo, hi] = axisBounds(grid);
  const t = lo + ((b - 0.5) * (hi - lo)) / grid.buckets;
  return grid.scale === "log" ? Math.exp(t) : t;
}

/**
 * The shared grid: from the smallest first x to the largest last x of the series (clipped to from / to); on a
 * log scale only x > 0 counts. null when no series has an x in range.
 */
function sharedGrid(stats: StatRow[], q: SeriesQueryParsed): Grid | null {
  const positive = (v: number | null) => v !== null && Number.isFinite(v) && (q.scale === "linear" || v > 0);
  const firsts = stats.flatMap((s) =>
    positive(s.x_first) ? [s.x_first!] : positive(s.x_last) ? [s.x_last!] : [],
  );
  const lasts = stats.flatMap((s) => (positive(s.x_last) ? [s.x_last!] : []));
  if (firsts.length === 0 || lasts.length === 0) return null;
  let min = Math.min(...firsts);
  let max = Math.max(...lasts);
  if (q.scale === "log" && min <= 0) return null;
  if (q.from !== undefined) min = Math.max(min, q.from);
  if (q.to !== undefined) max = Math.min(max, q.to);
  if (q.scale === "log" && min <= 0) min = Math.min(...firsts.filter((v) => v > 0));
  if (!(max >= min)) return null;
  if (max === min) max = q.scale === "log" ? min * 1.000001 : min + 1; // one x value: one non-empty bucket
  return { min, max, buckets: q.points, scale: q.scale };
}

interface PointRow {
  run_id: string;
  name: string;
  x: number;
  value: number;
  step: number;
}

const FINITE = "value <> 'NaN'::float8";

function bucketExpr(xExpr: string, grid: Grid, lo: string, hi: string, n: string): string {
  const x = grid.scale === "log" ? `ln(${xExpr})` : xExpr;
  return `LEAST(GREATEST(width_bucket(${x}, ${lo}, ${hi}, ${n}), 1), ${n})`;
}

/**
 * Runs a bucketing query with settings that suit it: the planner cannot estimate how many chunks or points a
 * key array joins to (it guesses one row), so it would group by sorting (spilling to disk past work_mem);
 * hashing the few hundred thousand rows in memory is 2-3x faster.
 */
async function aggregateQuery<Row extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN READ ONLY; SET LOCAL enable_sort = off; SET LOCAL work_mem = '64MB'");
    const { rows } = await client.query<Row>(text, values);
    await client.query("COMMIT");
    return rows;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Splits keys into `parts` slices of about equal size (contiguous, so a series stays in one slice). */
function slices<T>(keys: readonly T[], parts: number): T[][] {
  const size = Math.ceil(keys.length / parts);
  return Array.from({ length: parts }, (_, i) => keys.slice(i * size, (i + 1) * size)).filter(
    (s) => s.length,
  );
}

/** Many series read as two queries on two connections at once (each uses one core of the database). */
const PARALLEL_FROM_KEYS = 16;

async function inParallel(
  keys: readonly SegmentKey[],
  read: (part: readonly SegmentKey[]) => Promise<SegmentBuckets>,
): Promise<SegmentBuckets[]> {
  if (keys.length === 0) return [];
  const parts = keys.length >= PARALLEL_FROM_KEYS ? slices(keys, 2) : [keys];
  return Promise.all(parts.map(read));
}

/**
 * One segment of one series to read: (run, metric, level or 0 for points, steps from..to), and the series'
 * index in the answer.
 */
type SegmentKey = [
  runId: string,
  name: string,
  level: number,
  fromStep: number,
  toStep: number,
  series: number,
];

function segmentArrays(keys: readonly SegmentKey[]): unknown[] {
  return [0, 1, 2, 3, 4].map((i) => keys.map((k) => k[i]));
}

/**
 * The rows of each segment, one key at a time: a LATERAL subquery behind OFFSET 0 (which the planner may not
 * flatten into a join) so every key is one index range scan. As a plain join the planner, which guesses one
 * row for the key array, sometimes hashes the keys and scans the whole table instead (2 s instead of 20 ms on
 * 10M points). Grouped by the key's ordinal (an int, not the run id and metric name): half the hashing and
 * half the bytes to parse.
 */
const SEGMENTS = `unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
       WITH ORDINALITY AS k(run_id, name, level, s0, s1, i)`;

/** Buckets read for a list of segments: row i of the query is about segment keys[i - 1]. */
interface SegmentBuckets {
  keys: readonly SegmentKey[];
  rows: BucketRow[];
}

/**
 * Stored points in the steps of each segment, bucketed on the grid. Buckets of one series that several
 * segments feed are merged afterwards (BucketMerger).
 */
async function bucketedPoints(
  pool: pg.Pool,
  keys: readonly SegmentKey[],
  x: XAxis,
  grid: Grid,
): Promise<SegmentBuckets> {
  const xe = X_COLUMNS[x].point;
  const [lo, hi] = axisBounds(grid);
  const rows = await aggregateQuery<BucketRow>(
    pool,
    `SELECT k.i::int AS i, ${bucketExpr(xe, grid, "$6", "$7", "$8")} AS b, count(*)::int AS n,
        sum(p.value) FILTER (WHERE p.${FINITE}) AS sum, (count(*) FILTER (WHERE p.${FINITE}))::int AS finite,
        min(p.value) FILTER (WHERE p.${FINITE}) AS mn, max(p.value) FILTER (WHERE p.${FINITE}) AS mx,
        max(p.step) AS step
     FROM ${SEGMENTS}
     CROSS JOIN LATERAL (
       SELECT * FROM metric_points p
       WHERE p.run_id = k.run_id AND p.name = k.name AND p.step BETWEEN k.s0 AND k.s1 OFFSET 0
     ) p
     WHERE ${xe} BETWEEN $9 AND $10
     GROUP BY k.i, b`,
    [...segmentArrays(keys), lo, hi, grid.buckets, grid.min, grid.max],
  );
  return { keys, rows };
}

/** Rollup chunks of each segment (chunks starting in its steps), bucketed by the centre of their x range. */
async function bucketedRollups(
  pool: pg.Pool,
  keys: readonly SegmentKey[],
  x: XAxis,
  grid: Grid,
): Promise<SegmentBuckets> {
  const { first, last } = X_COLUMNS[x];
  const mid = `((r.${first} + r.${last}) / 2)`;
  const [lo, hi] = axisBounds(grid);
  const finite = "r.sum_value <> 'NaN'::float8";
  const rows = await aggregateQuery<BucketRow>(
    pool,
    `SELECT k.i::int AS i, ${bucketExpr(mid, grid, "$6", "$7", "$8")} AS b, sum(r.count)::int AS n,
        sum(r.sum_value) FILTER (WHERE ${finite}) AS sum, (sum(r.count) FILTER (WHERE ${finite}))::int AS finite,
        min(r.min_value) AS mn, max(r.max_value) FILTER (WHERE r.max_value <> 'NaN'::float8) AS mx,
        max(r.last_step) AS step
     FROM ${SEGMENTS}
     CROSS JOIN LATERAL (
       SELECT * FROM metric_rollups r
       WHERE r.run_id = k.run_id AND r.name = k.name AND r.level = k.level
         AND r.chunk BETWEEN k.s0 / k.level AND k.s1 / k.level OFFSET 0
     ) r
     WHERE ${mid} BETWEEN $9 AND $10
     GROUP BY k.i, b`,
    [...segmentArrays(keys), lo, hi, grid.buckets, grid.min, grid.max],
  );
  return { keys, rows };
}

/** Stored points as they are (series with no more points than buckets). */
async function rawPoints(
  pool: pg.Pool,
  keys: Array<[string, string]>,
  x: XAxis,
  grid: Grid,
): Promise<PointRow[]> {
  if (keys.length === 0) return [];
  const xe = X_COLUMNS[x].point;
  const { rows } = await pool.query<PointRow>(
    `SELECT k.run_id, k.name, ${xe} AS x, p.value, p.step
     FROM unnest($1::text[], $2::text[]) AS k(run_id, name)
     CROSS JOIN LATERAL (
       SELECT * FROM metric_points p WHERE p.run_id = k.run_id AND p.name = k.name OFFSET 0
     ) p
     WHERE ${xe} BETWEEN $3 AND $4
     ORDER BY k.run_id, k.name, p.step`,
    [keys.map((k) => k[0]), keys.map((k) => k[1]), grid.min, grid.max],
  );
  return rows;
}

/** Where a series was read from: "points", "rollup-64", "points+rollup-8+rollup-64", ... */
function sourceOf(segments: readonly Segment[]): string {
  const levels = [...new Set(segments.flatMap((seg) => (seg.kind === "rollup" ? [seg.level] : [])))];
  const hasPoints = segments.some((seg) => seg.kind === "points");
  return [...(hasPoints ? ["points"] : []), ...levels.map((l) => `rollup-${l}`)].join("+");
}

function emptySeries(runId: string, metric: string, stored: number, source: string): Series {
  return {
    runId,
    metric,
    stored,
    downsampled: false,
    source,
    x: [],
    y: [],
    min: [],
    max: [],
    n: [],
    step: [],
  };
}

export function parseSeriesQuery(query: SeriesQuery): SeriesQueryParsed {
  const parsed = seriesQuerySchema.safeParse(query);
  if (!parsed.success)
    throw new InvalidInputError("invalid series query", detailsFromZodIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * On a log grid x must be > 0, and most series start at x = 0 (step 0, no bytes or FLOPs yet): their smallest
 * positive x, read from the first such point (x grows with step, so it is one index probe per series).
 */
async function smallestPositiveX(pool: pg.Pool, stats: StatRow[], x: XAxis): Promise<void> {
  const need = stats.filter((s) => s.x_first !== null && s.x_first <= 0 && s.x_last !== null && s.x_last > 0);
  if (need.length === 0) return;
  const xe = X_COLUMNS[x].point;
  const { rows } = await pool.query<{ run_id: string; name: string; x: number; step: number }>(
    `SELECT k.run_id, k.name, q.x, q.step FROM unnest($1::text[], $2::text[]) AS k(run_id, name)
     CROSS JOIN LATERAL (
       SELECT ${xe} AS x, p.step FROM metric_points p
       WHERE p.run_id = k.run_id AND p.name = k.name AND ${xe} > 0 ORDER BY p.step LIMIT 1
     ) q`,
    [need.map((s) => s.run_id), need.map((s) => s.name)],
  );
  for (const r of rows) {
    const s = need.find((n) => n.run_id === r.run_id && n.name === r.name);
    if (s) Object.assign(s, { x_first: r.x, first_step: r.step });
  }
}

/**
 * Metric series of several runs on one shared x grid (step, bytes, FLOPs or wall time; linear or log buckets),
 * downsampled on the server to at most `points` buckets per series with min / max kept. Long series are read
 * from the rollup chunks (metric_rollups) at the coarsest level the buckets allow (planSeriesRead), short ones
 * from their points; a series that fits in the buckets comes back as stored. One query per source kind,
 * whatever the number of runs.
 */
export async function querySeries(pool: pg.Pool, query: SeriesQuery): Promise<SeriesResponse> {
  const q = parseSeriesQuery(query);
  const runIds = [...new Set(q.runs)];
  const metrics = [...new Set(q.metrics)];
  const { first, last } = X_COLUMNS[q.x];
  const [existing, statsResult] = await Promise.all([
    pool.query<{ id: string }>("SELECT id FROM runs WHERE id = ANY($1::text[])", [runIds]),
    pool.query<StatRow>(
      `SELECT run_id, name, count, first_step, last_step, ${first} AS x_first, ${last} AS x_last
       FROM metric_stats WHERE run_id = ANY($1::text[]) AND name = ANY($2::text[])`,
      [runIds, metrics],
    ),
  ]);
  const known = new Set(existing.rows.map((r) => r.id));
  const stats = statsResult.rows;
  const stored = new Map(stats.map((s) => [`${s.run_id}\u0000${s.name}`, s.count]));
  if (q.scale === "log") await smallestPositiveX(pool, stats, q.x);
  const grid = sharedGrid(stats, q);

  // The answer's series, in the order asked (runs x metrics), each with its index for the bucket queries.
  const answer: Series[] = [];
  const indexOf = new Map<string, number>();
  for (const runId of runIds)
    for (const metric of metrics) {
      if (!known.has(runId)) continue;
      const key = `${runId}\u0000${metric}`;
      indexOf.set(key, answer.length);
      answer.push(emptySeries(runId, metric, stored.get(key) ?? 0, "points"));
    }

  const rawKeys: Array<[string, string]> = [];
  const pointSegments: SegmentKey[] = [];
  const rollupSegments: SegmentKey[] = [];
  if (grid)
    for (const s of stats) {
      const index = indexOf.get(`${s.run_id}\u0000${s.name}`);
      if (index === undefined) continue;
      const plan = planSeriesRead(
        {
          count: s.count,
          firstStep: s.first_step,
          lastStep: s.last_step,
          xFirst: s.x_first,
          xLast: s.x_last,
        },
        grid,
      );
      answer[index]!.source = sourceOf(plan.segments);
      answer[index]!.downsampled = !plan.raw;
      if (plan.raw) {
        rawKeys.push([s.run_id, s.name]);
        continue;
      }
      for (const seg of plan.segments)
        (seg.kind === "points" ? pointSegments : rollupSegments).push([
          s.run_id,
          s.name,
          seg.kind === "points" ? 0 : seg.level,
          seg.fromStep,
          seg.toStep,
          index,
        ]);
    }
  const [points, fromPoints, fromRollups] = grid
    ? await Promise.all([
        rawPoints(pool, rawKeys, q.x, grid),
        inParallel(pointSegments, (part) => bucketedPoints(pool, part, q.x, grid)),
        inParallel(rollupSegments, (part) => bucketedRollups(pool, part, q.x, grid)),
      ])
    : [[], [], []];

  for (const p of points) {
    const s = answer[indexOf.get(`${p.run_id}\u0000${p.name}`) ?? -1];
    if (!s) continue;
    const y = finiteOrNull(p.value);
    s.x.push(p.x);
    s.y.push(y);
    s.min.push(y);
    s.max.push(y);
    s.n.push(1);
    s.step.push(p.step);
  }
  if (grid && (fromPoints.length || fromRollups.length)) {
    const merger = new BucketMerger(answer.length, grid.buckets);
    for (const { keys, rows } of [...fromPoints, ...fromRollups])
      for (const row of rows) merger.add(keys[row.i - 1]![5], row);
    const centres = Array.from({ length: grid.buckets + 1 }, (_, b) => bucketCentre(grid, b));
    answer.forEach((series, index) => {
      if (series.downsampled) merger.emit(index, series, (b) => centres[b]!);
    });
  }
  const omitted = (["y", "min", "max", "n", "step"] as const).filter((f) => !q.fields.includes(f));
  if (omitted.length) for (const series of answer) for (const f of omitted) series[f] = [];
  // Built to the schema's types; not re-validated here (100 runs x 500 points would cost more than the query):
  // the tests validate answers with seriesResponseSchema.
  return {
    format: "bytelab.series/1",
    x: q.x,
    scale: q.scale,
    grid: grid ? { min: grid.min, max: grid.max, buckets: grid.buckets } : null,
    series: answer,
    missingRuns: runIds.filter((id) => !known.has(id)),
  };
}
