import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { getPool } from "../client";
import {
  type Fence,
  fenceSetting,
  isStaleAttemptError,
  SET_FENCE_SQL,
  StaleAttemptError,
} from "../runs/fence";
import { copyTextChunks } from "./copy-text";
import { validateMetricPoints } from "./point-schema";

/**
 * Per-connection staging table: temporary (never WAL-logged, invisible to other sessions) and emptied at
 * every commit, so a pooled connection can reuse it for the next batch without catalog churn.
 */
const STAGING = "bytelab_metric_staging";
const CREATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (
  ord integer NOT NULL, run_id text NOT NULL, name text NOT NULL, step integer NOT NULL, value double precision NOT NULL,
  bytes_seen bigint, flops double precision, wall_time double precision
) ON COMMIT DELETE ROWS`;

const UNIQUE_VIOLATION = "23505";

const COPY_STAGING = `COPY ${STAGING} (ord, run_id, name, step, value, bytes_seen, flops, wall_time) FROM STDIN`;

/**
 * Fast path: a plain INSERT ... SELECT, for the common case of new steps. It is ~2.5x cheaper than
 * ON CONFLICT (no speculative insertion per row) and runs under a savepoint: if any point already exists
 * (unique violation), we roll back to the savepoint and take MERGE instead.
 */
const INSERT_NEW = `INSERT INTO metric_points (run_id, name, step, value, bytes_seen, flops, wall_time)
SELECT run_id, name, step, value, bytes_seen, flops, wall_time FROM ${STAGING}`;

/**
 * Merge path, for batches where some points already exist (or repeat within the batch: the last one wins,
 * by `ord`, as ON CONFLICT cannot touch a row twice in one statement).
 * Merge policy: ON CONFLICT DO UPDATE (last write wins). A run resumed from a checkpoint recomputes the steps
 * after it, and the newest lineage must win; re-delivering an identical point matches the IS DISTINCT FROM
 * guard and rewrites nothing, so re-delivery always leaves the same rows (NaN = NaN in Postgres, so a
 * re-delivered NaN is also "unchanged").
 */
const MERGE = `WITH merged AS (
  INSERT INTO metric_points AS m (run_id, name, step, value, bytes_seen, flops, wall_time)
  SELECT DISTINCT ON (run_id, name, step) run_id, name, step, value, bytes_seen, flops, wall_time
  FROM ${STAGING} ORDER BY run_id, name, step, ord DESC
  ON CONFLICT (run_id, name, step) DO UPDATE SET
    value = EXCLUDED.value, bytes_seen = EXCLUDED.bytes_seen, flops = EXCLUDED.flops, wall_time = EXCLUDED.wall_time
  WHERE (m.value, m.bytes_seen, m.flops, m.wall_time)
    IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.bytes_seen, EXCLUDED.flops, EXCLUDED.wall_time)
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
FROM merged`;

export interface IngestResult {
  /** Points given. */
  received: number;
  /** New rows. */
  inserted: number;
  /** Existing rows whose values changed (last write wins). */
  updated: number;
  /** Points identical to the stored row, or superseded by a later point with the same key in this call. */
  unchanged: number;
}

/** The database refused the batch (e.g. unknown run id); the transaction was rolled back, nothing written. */
export class MetricIngestError extends Error {
  override readonly name = "MetricIngestError";
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** Moves the staged rows into metric_points: plain INSERT when all are new, else ON CONFLICT merge. */
async function insertOrMerge(client: pg.PoolClient): Promise<{ inserted: number; updated: number }> {
  await client.query("SAVEPOINT bytelab_ingest_fast");
  try {
    const result = await client.query(INSERT_NEW);
    await client.query("RELEASE SAVEPOINT bytelab_ingest_fast");
    return { inserted: result.rowCount ?? 0, updated: 0 };
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await client.query("ROLLBACK TO SAVEPOINT bytelab_ingest_fast");
  }
  const merged = await client.query<{ inserted: number; updated: number }>(MERGE);
  return { inserted: merged.rows[0]?.inserted ?? 0, updated: merged.rows[0]?.updated ?? 0 };
}

function explain(error: unknown): MetricIngestError {
  const e = error as { code?: string; detail?: string; message?: string };
  if (e.code === "23503") {
    const runId = /\(run_id\)=\((.*)\)/.exec(e.detail ?? "")?.[1];
    return new MetricIngestError(
      `metric points refer to run ${runId ?? "(unknown)"} which does not exist; create the run first. ` +
        "Nothing of this batch was written.",
      error,
    );
  }
  return new MetricIngestError(
    `metric ingestion failed, nothing was written: ${e.message ?? String(error)}`,
    error,
  );
}

/**
 * Writes metric points fast and idempotently: validate (zod) -> COPY into a temp staging table -> INSERT ...
 * SELECT (all new) or INSERT ... SELECT ... ON CONFLICT (run_id, name, step) DO UPDATE (some exist), all in
 * one transaction, so a failing call writes nothing. Pass a pg pool or a database URL (uses the shared pool of getPool(url)).
 * Batches of ~1k-50k points are the sweet spot; one call is one transaction whatever its size.
 */
export async function ingestMetrics(
  target: pg.Pool | string,
  points: readonly unknown[],
  opts: {
    /**
     * The writer's claim of the run (a worker's attempt): the batch is refused (StaleAttemptError, nothing
     * written) when another claim came since. Every point must then belong to that run.
     */
    fence?: Fence;
  } = {},
): Promise<IngestResult> {
  const rows = validateMetricPoints(points);
  const received = rows.length;
  if (received === 0) return { received, inserted: 0, updated: 0, unchanged: 0 };

  const pool = typeof target === "string" ? getPool(target) : target;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      if (opts.fence) await client.query(SET_FENCE_SQL, [fenceSetting(opts.fence)]);
      await client.query(CREATE_STAGING);
      await pipeline(Readable.from(copyTextChunks(rows)), client.query(copyFrom(COPY_STAGING)));
      const { inserted, updated } = await insertOrMerge(client);
      await client.query("COMMIT");
      return { received, inserted, updated, unchanged: received - inserted - updated };
    } catch (error) {
      await client.query("ROLLBACK").catch((e: Error) => {
        broken = e; // the connection is unusable; do not return it to the pool
      });
      if (opts.fence && isStaleAttemptError(error))
        throw new StaleAttemptError(opts.fence, (error as Error).message);
      throw explain(error);
    }
  } finally {
    client.release(broken);
  }
}
