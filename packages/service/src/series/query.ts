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

interface BucketRow {
  run_id: string;
  name: string;
  b: number;
  /** Points in the bucket (NaN included). */
  n: number;
  /** Sum and count of the finite values (the mean is sum / finite). */
  sum: number | null;
  finite: number;
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

/**
 * Runs a bucketing query with settings that suit it: the planner cannot estimate how many chunks or points a
 * key array joins to (it guesses one row), so it would group by sorting (spilling to disk past work_mem);
 * hashing the few hundred thousand rows in memory is 2-3x faster.
 */
async function aggregateQuery(pool: pg.Pool, text: string, values: unknown[]): Promise<BucketRow[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL enable_sort = off");
    await client.query("SET LOCAL work_mem = '64MB'");
    const { rows } = await client.query<BucketRow>(text, values);
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
  read: (part: readonly SegmentKey[]) => Promise<BucketRow[]>,
): Promise<BucketRow[]> {
  const parts = keys.length >= PARALLEL_FROM_KEYS ? slices(keys, 2) : [keys];
  return (await Promise.all(parts.map(read))).flat();
}

/** One segment of one series to read: (run, metric, level or 0 for points, steps from..to). */
type SegmentKey = [runId: string, name: string, level: number, fromStep: number, toStep: number];

function segmentArrays(keys: readonly SegmentKey[]): unknown[] {
  return [0, 1, 2, 3, 4].map((i) => keys.map((k) => k[i]));
}

/**
 * Stored points in the steps of each segment, bucketed on the grid. Buckets of one series that several
 * segments feed are merged afterwards (mergeBuckets).
 */
async function bucketedPoints(
  pool: pg.Pool,
  keys: readonly SegmentKey[],
  x: XAxis,
  grid: Grid,
): Promise<BucketRow[]> {
  if (keys.length === 0) return [];
  const xe = X_COLUMNS[x].point;
  const [lo, hi] = axisBounds(grid);
  const rows = await aggregateQuery(
    pool,
    `SELECT p.run_id, p.name, ${bucketExpr(xe, grid, "$6", "$7", "$8")} AS b, count(*)::int AS n,
        sum(p.value) FILTER (WHERE p.${FINITE}) AS sum, (count(*) FILTER (WHERE p.${FINITE}))::int AS finite,
        min(p.value) FILTER (WHERE p.${FINITE}) AS mn, max(p.value) FILTER (WHERE p.${FINITE}) AS mx,
        max(p.step) AS step
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[]) AS k(run_id, name, level, s0, s1)
     JOIN metric_points p ON p.run_id = k.run_id AND p.name = k.name AND p.step BETWEEN k.s0 AND k.s1
     WHERE ${xe} BETWEEN $9 AND $10
     GROUP BY p.run_id, p.name, b`,
    [...segmentArrays(keys), lo, hi, grid.buckets, grid.min, grid.max],
  );
  return rows;
}

/** Rollup chunks of each segment (chunks starting in its steps), bucketed by the centre of their x range. */
async function bucketedRollups(
  pool: pg.Pool,
  keys: readonly SegmentKey[],
  x: XAxis,
  grid: Grid,
): Promise<BucketRow[]> {
  if (keys.length === 0) return [];
  const { first, last } = X_COLUMNS[x];
  const mid = `((r.${first} + r.${last}) / 2)`;
  const [lo, hi] = axisBounds(grid);
  const finite = "r.sum_value <> 'NaN'::float8";
  const rows = await aggregateQuery(
    pool,
    `SELECT r.run_id, r.name, ${bucketExpr(mid, grid, "$6", "$7", "$8")} AS b, sum(r.count)::int AS n,
        sum(r.sum_value) FILTER (WHERE ${finite}) AS sum, (sum(r.count) FILTER (WHERE ${finite}))::int AS finite,
        min(r.min_value) AS mn, max(r.max_value) FILTER (WHERE r.max_value <> 'NaN'::float8) AS mx,
        max(r.last_step) AS step
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[]) AS k(run_id, name, level, s0, s1)
     JOIN metric_rollups r ON r.run_id = k.run_id AND r.name = k.name AND r.level = k.level
       AND r.chunk BETWEEN k.s0 / k.level AND k.s1 / k.level
     WHERE ${mid} BETWEEN $9 AND $10
     GROUP BY r.run_id, r.name, b`,
    [...segmentArrays(keys), lo, hi, grid.buckets, grid.min, grid.max],
  );
  return rows;
}

/** Buckets of one series fed by several segments (a log grid's points, then rollups) merged into one. */
function mergeBuckets(rows: readonly BucketRow[]): BucketRow[] {
  const merged = new Map<string, BucketRow>();
  for (const r of rows) {
    const key = `${r.run_id}\u0000${r.name}\u0000${r.b}`;
    const m = merged.get(key);
    if (!m) {
      merged.set(key, { ...r, finite: r.finite ?? 0 });
      continue;
    }
    m.n += r.n;
    m.finite += r.finite ?? 0;
    m.sum = m.sum === null ? r.sum : r.sum === null ? m.sum : m.sum + r.sum;
    m.mn = m.mn === null ? r.mn : r.mn === null ? m.mn : Math.min(m.mn, r.mn);
    m.mx = m.mx === null ? r.mx : r.mx === null ? m.mx : Math.max(m.mx, r.mx);
    m.step = Math.max(m.step, r.step);
  }
  return [...merged.values()].sort((a, b) => a.b - b.b);
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

  const plans = new Map<string, ReturnType<typeof planSeriesRead>>();
  const rawKeys: Array<[string, string]> = [];
  const pointSegments: SegmentKey[] = [];
  const rollupSegments: SegmentKey[] = [];
  if (grid)
    for (const s of stats) {
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
      plans.set(`${s.run_id}\u0000${s.name}`, plan);
      if (plan.raw) {
        rawKeys.push([s.run_id, s.name]);
        continue;
      }
      for (const seg of plan.segments as Segment[])
        (seg.kind === "points" ? pointSegments : rollupSegments).push([
          s.run_id,
          s.name,
          seg.kind === "points" ? 0 : seg.level,
          seg.fromStep,
          seg.toStep,
        ]);
    }
  const [points, fromPoints, fromRollups] = grid
    ? await Promise.all([
        rawPoints(pool, rawKeys, q.x, grid),
        inParallel(pointSegments, (part) => bucketedPoints(pool, part, q.x, grid)),
        inParallel(rollupSegments, (part) => bucketedRollups(pool, part, q.x, grid)),
      ])
    : [[], [], []];

  const byKey = new Map<string, Series>();
  for (const runId of runIds)
    for (const metric of metrics) {
      if (!known.has(runId)) continue;
      const key = `${runId}\u0000${metric}`;
      const plan = plans.get(key);
      const levels = [
        ...new Set(plan?.segments.flatMap((seg) => (seg.kind === "rollup" ? [seg.level] : [])) ?? []),
      ];
      const hasPoints = !plan || plan.segments.some((seg) => seg.kind === "points");
      const source = [...(hasPoints ? ["points"] : []), ...levels.map((l) => `rollup-${l}`)].join("+");
      const series = emptySeries(runId, metric, stored.get(key) ?? 0, source);
      series.downsampled = plan !== undefined && !plan.raw;
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
  for (const r of mergeBuckets([...fromPoints, ...fromRollups])) {
    const s = byKey.get(`${r.run_id}\u0000${r.name}`);
    if (!s || !grid) continue;
    s.x.push(bucketCentre(grid, r.b));
    s.y.push(r.finite > 0 && r.sum !== null ? finiteOrNull(r.sum / r.finite) : null);
    s.min.push(finiteOrNull(r.mn));
    s.max.push(finiteOrNull(r.mx));
    s.n.push(r.n);
    s.step.push(r.step);
  }
  const omitted = (["y", "min", "max", "n", "step"] as const).filter((f) => !q.fields.includes(f));
  if (omitted.length) for (const series of byKey.values()) for (const f of omitted) series[f] = [];
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
