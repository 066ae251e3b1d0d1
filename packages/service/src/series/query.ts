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
import { chooseSource, type SeriesSource } from "./levels";

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

/** How many of the series' steps fall in the grid's x range (x is monotone in step; linear estimate). */
function stepSpan(s: StatRow, grid: Grid): number {
  const span = s.last_step - s.first_step;
  if (s.x_first === null || s.x_last === null || s.x_last <= s.x_first) return span;
  const inRange = Math.min(s.x_last, grid.max) - Math.max(s.x_first, grid.min);
  return Math.max(0, Math.round((span * inRange) / (s.x_last - s.x_first)));
}

interface BucketRow {
  run_id: string;
  name: string;
  b: number;
  n: number;
  y: number | null;
  mn: number | null;
  mx: number | null;
  step: number;
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

/** Stored points bucketed on the grid, for the series read from points. */
async function bucketedPoints(
  pool: pg.Pool,
  keys: Array<[string, string]>,
  x: XAxis,
  grid: Grid,
): Promise<BucketRow[]> {
  if (keys.length === 0) return [];
  const xe = X_COLUMNS[x].point;
  const [lo, hi] = axisBounds(grid);
  const { rows } = await pool.query<BucketRow>(
    `SELECT p.run_id, p.name, ${bucketExpr(xe, grid, "$3", "$4", "$5")} AS b, count(*)::int AS n,
        avg(p.value) FILTER (WHERE p.${FINITE}) AS y, min(p.value) FILTER (WHERE p.${FINITE}) AS mn,
        max(p.value) FILTER (WHERE p.${FINITE}) AS mx, max(p.step) AS step
     FROM unnest($1::text[], $2::text[]) AS k(run_id, name)
     JOIN metric_points p ON p.run_id = k.run_id AND p.name = k.name
     WHERE ${xe} BETWEEN $6 AND $7
     GROUP BY p.run_id, p.name, b`,
    [keys.map((k) => k[0]), keys.map((k) => k[1]), lo, hi, grid.buckets, grid.min, grid.max],
  );
  return rows;
}

/** Rollup chunks bucketed on the grid by the centre of each chunk's x range. */
async function bucketedRollups(
  pool: pg.Pool,
  keys: Array<[string, string, number]>,
  x: XAxis,
  grid: Grid,
): Promise<BucketRow[]> {
  if (keys.length === 0) return [];
  const { first, last } = X_COLUMNS[x];
  const mid = `((r.${first} + r.${last}) / 2)`;
  const [lo, hi] = axisBounds(grid);
  const { rows } = await pool.query<BucketRow>(
    `SELECT r.run_id, r.name, ${bucketExpr(mid, grid, "$4", "$5", "$6")} AS b, sum(r.count)::int AS n,
        sum(r.sum_value) / sum(r.count) AS y, min(r.min_value) AS mn, max(r.max_value) AS mx,
        max(r.last_step) AS step
     FROM unnest($1::text[], $2::text[], $3::int[]) AS k(run_id, name, level)
     JOIN metric_rollups r ON r.run_id = k.run_id AND r.name = k.name AND r.level = k.level
     WHERE ${mid} BETWEEN $7 AND $8
     GROUP BY r.run_id, r.name, b`,
    [
      keys.map((k) => k[0]),
      keys.map((k) => k[1]),
      keys.map((k) => k[2]),
      lo,
      hi,
      grid.buckets,
      grid.min,
      grid.max,
    ],
  );
  return rows;
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
    `SELECT p.run_id, p.name, ${xe} AS x, p.value, p.step
     FROM unnest($1::text[], $2::text[]) AS k(run_id, name)
     JOIN metric_points p ON p.run_id = k.run_id AND p.name = k.name
     WHERE ${xe} BETWEEN $3 AND $4
     ORDER BY p.run_id, p.name, p.step`,
    [keys.map((k) => k[0]), keys.map((k) => k[1]), grid.min, grid.max],
  );
  return rows;
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
 * Metric series of several runs on one shared x grid (step, bytes, FLOPs or wall time; linear or log buckets),
 * downsampled on the server to at most `points` buckets per series with min / max kept. Long series are read
 * from the rollup chunks (metric_rollups), short ones from their points; a series that fits in the buckets
 * comes back as stored. One query per source kind, whatever the number of runs.
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
  const grid = sharedGrid(stats, q);
  const statOf = new Map(stats.map((s) => [`${s.run_id}\u0000${s.name}`, s]));

  const sources = new Map<string, SeriesSource>();
  const pointKeys: Array<[string, string]> = [];
  const bucketKeys: Array<[string, string]> = [];
  const rollupKeys: Array<[string, string, number]> = [];
  if (grid)
    for (const s of stats) {
      const source = chooseSource(s.count, stepSpan(s, grid), grid.buckets);
      sources.set(`${s.run_id}\u0000${s.name}`, source);
      if (source.kind === "rollup") rollupKeys.push([s.run_id, s.name, source.level]);
      else if (source.bucketed) bucketKeys.push([s.run_id, s.name]);
      else pointKeys.push([s.run_id, s.name]);
    }
  const [points, fromPoints, fromRollups] = grid
    ? await Promise.all([
        rawPoints(pool, pointKeys, q.x, grid),
        bucketedPoints(pool, bucketKeys, q.x, grid),
        bucketedRollups(pool, rollupKeys, q.x, grid),
      ])
    : [[], [], []];

  const byKey = new Map<string, Series>();
  for (const runId of runIds)
    for (const metric of metrics) {
      if (!known.has(runId)) continue;
      const key = `${runId}\u0000${metric}`;
      const source = sources.get(key);
      const label = !source ? "points" : source.kind === "rollup" ? `rollup-${source.level}` : "points";
      const series = emptySeries(runId, metric, statOf.get(key)?.count ?? 0, label);
      series.downsampled = source !== undefined && (source.kind === "rollup" || source.bucketed);
      byKey.set(key, series);
    }
  for (const p of points) {
    const s = byKey.get(`${p.run_id}\u0000${p.name}`);
    if (!s) continue;
    const y = finiteOrNull(p.value);
    s.x.push(p.x);
    s.y.push(y);
    s.min.push(y);
    s.max.push(y);
    s.n.push(1);
    s.step.push(p.step);
  }
  const buckets = [...fromPoints, ...fromRollups].sort((a, b) => a.b - b.b);
  for (const r of buckets) {
    const s = byKey.get(`${r.run_id}\u0000${r.name}`);
    if (!s || !grid) continue;
    s.x.push(bucketCentre(grid, r.b));
    s.y.push(finiteOrNull(r.y));
    s.min.push(finiteOrNull(r.mn));
    s.max.push(finiteOrNull(r.mx));
    s.n.push(r.n);
    s.step.push(r.step);
  }
  // Built to the schema's types; not re-validated here (100 runs x 500 points would cost more than the query):
  // the tests validate answers with seriesResponseSchema.
  return {
    format: "bytelab.series/1",
    x: q.x,
    scale: q.scale,
    grid: grid ? { min: grid.min, max: grid.max, buckets: grid.buckets } : null,
    series: [...byKey.values()],
    missingRuns: runIds.filter((id) => !known.has(id)),
  };
}
