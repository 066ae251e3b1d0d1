import type { RunListQueryParsed, RunSortKey } from "../schemas/run";

/** SQL text plus its positional parameters, built together so a placeholder can never drift from its value. */
export class SqlBuilder {
  readonly params: unknown[] = [];
  /** Adds a parameter and returns its placeholder ($1, $2, ...). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/**
 * Every sortable column as a non-null SQL expression (nulls go last whatever the direction: they become
 * +/-infinity) and the type its cursor value is cast back to.
 */
type JoinName = "val" | "trn" | "tst" | "thr" | "agg";

function sortColumn(key: RunSortKey, order: "asc" | "desc"): { expr: string; type: string; join?: JoinName } {
  const inf = order === "asc" ? "'Infinity'::float8" : "'-Infinity'::float8";
  const tinf = order === "asc" ? "'infinity'::timestamptz" : "'-infinity'::timestamptz";
  const num = (e: string) => ({ expr: `COALESCE((${e})::float8, ${inf})`, type: "float8" });
  const time = (e: string) => ({ expr: `COALESCE(${e}, ${tinf})`, type: "timestamptz" });
  switch (key) {
    case "queuedAt":
      return { expr: "r.queued_at", type: "timestamptz" };
    case "startedAt":
      return time("r.started_at");
    case "finishedAt":
      return time("r.finished_at");
    case "name":
      return { expr: "r.name", type: "text" };
    case "status":
      return { expr: "r.status", type: "run_status" };
    case "architecture":
      return { expr: "r.architecture", type: "text" };
    case "seed":
      return { expr: "r.seed", type: "int" };
    case "paramCount":
      return num("r.param_count");
    case "flopsPerByte":
      return num("r.flops_per_byte");
    case "step":
      return { ...num("agg.step"), join: "agg" };
    case "bytesSeen":
      return { ...num("agg.bytes"), join: "agg" };
    case "bestValBpb":
      return { ...num("val.min_value"), join: "val" };
    case "lastValBpb":
      return { ...num("val.last_value"), join: "val" };
    case "lastTrainBpb":
      return { ...num("trn.last_value"), join: "trn" };
    case "testBpb":
      return { ...num("tst.last_value"), join: "tst" };
    case "bytesPerSecond":
      return { ...num("thr.last_value"), join: "thr" };
    case "durationSeconds":
      return num("EXTRACT(EPOCH FROM (COALESCE(r.finished_at, now()) - r.started_at))");
  }
}

/** A config filter value: JSON when it parses (numbers, booleans, lists), else the plain string. */
function jsonValue(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return JSON.stringify(text);
  }
}

const JOINS: Record<JoinName, string> = {
  val: "LEFT JOIN metric_stats val ON val.run_id = r.id AND val.name = 'val/bpb'",
  trn: "LEFT JOIN metric_stats trn ON trn.run_id = r.id AND trn.name = 'train/bpb'",
  tst: "LEFT JOIN metric_stats tst ON tst.run_id = r.id AND tst.name = 'test/bpb'",
  thr: "LEFT JOIN metric_stats thr ON thr.run_id = r.id AND thr.name = 'throughput/bytes_per_s'",
  agg: `LEFT JOIN LATERAL (
    SELECT max(ms.last_step) AS step, max(ms.last_bytes)::float8 AS bytes, max(ms.last_flops) AS flops
    FROM metric_stats ms WHERE ms.run_id = r.id
  ) agg ON true`,
};

const BASE_FROM = "FROM runs r LEFT JOIN sweeps s ON s.id = r.sweep_id";

/** Everything a row shows, for the runs of one page (ids). */
const ROW_SQL = `SELECT r.id, r.name, r.sweep_id, s.name AS sweep_name, r.status::text AS status, r.architecture,
      r.seed, r.config_hash, r.config, r.param_count::float8 AS param_count, r.flops_per_byte, r.attempts,
      r.error, r.backend, r.device, r.git_commit, r.queued_at, r.started_at, r.finished_at,
      r.worker_id, w.host AS worker_host,
      val.last_value AS last_val_bpb, val.min_value AS best_val_bpb, trn.last_value AS last_train_bpb,
      tst.last_value AS test_bpb, thr.last_value AS bytes_per_second,
      agg.step, agg.bytes AS bytes_seen, agg.flops,
      EXTRACT(EPOCH FROM (COALESCE(r.finished_at, now()) - r.started_at))::float8 AS duration_seconds
    ${BASE_FROM}
    LEFT JOIN workers w ON w.id = r.worker_id
    ${Object.values(JOINS).join("\n    ")}
    WHERE r.id = ANY($1::text[])`;

/** WHERE clauses of the filters (shared by the page query and the count). */
function filters(q: RunListQueryParsed, sql: SqlBuilder, ids: readonly string[] | null): string[] {
  const where: string[] = [];
  if (ids) where.push(`r.id = ANY(${sql.param(ids)}::text[])`);
  if (q.sweep) {
    const p = sql.param(q.sweep);
    where.push(`(r.sweep_id = ${p} OR s.name = ${p})`);
  }
  if (q.status) where.push(`r.status::text = ANY(${sql.param(q.status)}::text[])`);
  if (q.architecture) where.push(`r.architecture = ANY(${sql.param(q.architecture)}::text[])`);
  if (q.q) where.push(`r.name ILIKE ${sql.param(`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  for (const filter of q.config ?? []) {
    const eq = filter.indexOf("=");
    const path = filter.slice(0, eq).split(".");
    where.push(
      `r.config #> ${sql.param(path)}::text[] = ${sql.param(jsonValue(filter.slice(eq + 1)))}::jsonb`,
    );
  }
  return where;
}

export interface RunListSql {
  /** The ids of one page in order, with each one's sort value (for the next cursor). */
  page: { text: string; values: unknown[] };
  count: { text: string; values: unknown[] };
}

/**
 * The page query (keyset on the sort expression and id; joins only what the sort needs, so 10,000 runs sort
 * by a metric through one index probe each) and the count of all matching runs. The rows of the page come
 * from runRowsSql.
 */
export function runListSql(
  q: RunListQueryParsed,
  after: { v: string; id: string } | null,
  ids: readonly string[] | null = null,
): RunListSql {
  const { expr, type, join } = sortColumn(q.sort, q.order);
  const dir = q.order === "asc" ? "ASC" : "DESC";

  const countSql = new SqlBuilder();
  const countWhere = filters(q, countSql, ids);
  const count = {
    text: `SELECT count(*)::int AS total ${BASE_FROM} ${countWhere.length ? `WHERE ${countWhere.join(" AND ")}` : ""}`,
    values: countSql.params,
  };

  const sql = new SqlBuilder();
  const where = filters(q, sql, ids);
  if (after)
    where.push(
      `(${expr}, r.id) ${q.order === "asc" ? ">" : "<"} (${sql.param(after.v)}::${type}, ${sql.param(after.id)})`,
    );
  const limit = sql.param(q.limit + 1);
  const text = `SELECT r.id, (${expr})::text AS sort_value
    ${BASE_FROM} ${join ? JOINS[join] : ""}
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY ${expr} ${dir}, r.id ${dir}
    LIMIT ${limit}`;
  return { page: { text, values: sql.params }, count };
}

/** The rows of the given runs (any order). */
export function runRowsSql(ids: readonly string[]): { text: string; values: unknown[] } {
  return { text: ROW_SQL, values: [ids] };
}
