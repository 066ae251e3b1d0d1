import type pg from "pg";
import { z } from "zod";
import { decodeCursor, encodeCursor, invalidCursor } from "../cursor";
import { detailsFromZodIssues, InvalidInputError } from "../errors";
import { asRecord, runShape } from "../run-config";
import { finiteOrNull, type RunStatusName } from "../schemas/common";
import {
  type RunList,
  type RunListQuery,
  type RunListQueryParsed,
  type RunRow,
  runListQuerySchema,
  runListSchema,
} from "../schemas/run";
import { runListSql, runRowsSql } from "./list-sql";

interface RunSqlRow {
  id: string;
  name: string;
  sweep_id: string | null;
  sweep_name: string | null;
  status: RunStatusName;
  architecture: string;
  seed: number;
  config_hash: string;
  config: unknown;
  param_count: number | null;
  flops_per_byte: number | null;
  attempts: number;
  error: string | null;
  backend: string | null;
  device: string | null;
  git_commit: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  worker_id: string | null;
  worker_host: string | null;
  last_val_bpb: number | null;
  best_val_bpb: number | null;
  last_train_bpb: number | null;
  test_bpb: number | null;
  bytes_per_second: number | null;
  step: number | null;
  bytes_seen: number | null;
  flops: number | null;
  duration_seconds: number | null;
}

const listCursorSchema = z.object({
  s: z.string(),
  o: z.enum(["asc", "desc"]),
  v: z.string(),
  id: z.string(),
});

export function toRunRow(r: RunSqlRow): RunRow {
  const prefix = r.sweep_name ? `${r.sweep_name}/` : "";
  return {
    id: r.id,
    name: r.name,
    label: prefix && r.name.startsWith(prefix) ? r.name.slice(prefix.length) : r.name,
    sweep: r.sweep_id ? { id: r.sweep_id, name: r.sweep_name ?? r.sweep_id } : null,
    status: r.status,
    architecture: r.architecture,
    seed: r.seed,
    configHash: r.config_hash,
    config: asRecord(r.config),
    paramCount: finiteOrNull(r.param_count),
    flopsPerByte: finiteOrNull(r.flops_per_byte),
    step: r.step,
    totalSteps: runShape(r.config).totalSteps,
    bytesSeen: finiteOrNull(r.bytes_seen),
    flops: finiteOrNull(r.flops),
    lastValBpb: finiteOrNull(r.last_val_bpb),
    bestValBpb: finiteOrNull(r.best_val_bpb),
    lastTrainBpb: finiteOrNull(r.last_train_bpb),
    testBpb: finiteOrNull(r.test_bpb),
    bytesPerSecond: finiteOrNull(r.bytes_per_second),
    worker: r.worker_id ? { id: r.worker_id, host: r.worker_host ?? "" } : null,
    backend: r.backend,
    device: r.device,
    gitCommit: r.git_commit,
    attempts: r.attempts,
    error: r.error,
    queuedAt: r.queued_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationSeconds: r.started_at ? finiteOrNull(r.duration_seconds) : null,
  };
}

export function parseRunListQuery(query: RunListQuery): RunListQueryParsed {
  const parsed = runListQuerySchema.safeParse(query);
  if (!parsed.success)
    throw new InvalidInputError("invalid runs query", detailsFromZodIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Runs matching the filters (sweep id or name, statuses, architectures, `key=value` on any config key, a
 * name substring), sorted by any column (nulls last), a page at a time (keyset: stable while runs change),
 * with the total count. Metrics come from metric_stats: one probe per run and metric, so 10,000 runs sort
 * by best val/bpb as fast as by date.
 */
export async function listRuns(pool: pg.Pool, query: RunListQuery = {}): Promise<RunList> {
  const q = parseRunListQuery(query);
  const cursor = q.cursor ? decodeCursor(q.cursor, listCursorSchema) : null;
  if (cursor && (cursor.s !== q.sort || cursor.o !== q.order))
    throw new InvalidInputError("the cursor belongs to another sort order", [
      {
        path: "cursor",
        issue: `the cursor was issued for sort=${cursor.s}&order=${cursor.o}`,
        fix: "keep sort and order unchanged while paging, or start again without cursor",
      },
    ]);
  const sql = runListSql(q, cursor);
  const [page, count] = await Promise.all([
    pool.query<{ id: string; sort_value: string }>(sql.page.text, sql.page.values),
    pool.query<{ total: number }>(sql.count.text, sql.count.values),
  ]).catch((error: unknown) => {
    // The cursor's value is cast to the sort column's type in SQL: a forged one fails there (SQLSTATE class
    // 22, data exception). That is the client's mistake (422), not a server error.
    if (cursor && /^22/.test(String((error as { code?: unknown }).code))) throw invalidCursor();
    throw error;
  });
  const ids = page.rows.slice(0, q.limit);
  const last = ids.at(-1);
  const rows = await runRowsByIds(
    pool,
    ids.map((r) => r.id),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return runListSchema.parse({
    format: "bytelab.run-list/1",
    runs: ids.flatMap((r) => byId.get(r.id) ?? []),
    total: count.rows[0]?.total ?? 0,
    nextCursor:
      page.rows.length > q.limit && last
        ? encodeCursor({ s: q.sort, o: q.order, v: last.sort_value, id: last.id })
        : null,
  });
}

/** The rows of the given runs (in no particular order; unknown ids are left out). */
export async function runRowsByIds(pool: pg.Pool, ids: readonly string[]): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  const sql = runRowsSql(ids);
  const { rows } = await pool.query<RunSqlRow>(sql.text, sql.values);
  return rows.map(toRunRow);
}
