-- Read models for the dashboard, the REST API and the CLI (packages/service), kept by the database itself so
-- every writer (the worker's COPY ingestion, replays, resume truncation) keeps them true without knowing:
--   * metric_stats: per (run, metric) the count, first and last point and min / max value. "Latest val/bpb of
--     10,000 runs" or "sort runs by best val/bpb" become one index probe per run instead of a series scan.
--   * metric_rollups: per (run, metric) and level (8, 64, 512, 4096 steps) one row per chunk of steps with
--     count, sum, min, max, first / last point. A chart of 100 runs x 100,000 points reads ~1,600 chunk rows per
--     run instead of 100,000 points (packages/service/src/series).
-- Statement-level triggers (as for the run check): inserts merge into the summaries incrementally (one
-- upsert per run, metric and chunk of a batch); updates and deletes (replays that change a value, truncation
-- after a resume) recompute the chunks they touched from the points, then the stats from the finest chunks.
-- Also: runs.environment (what the run ran on), and idempotency_keys for the REST API's Idempotency-Key.

-- CreateTable
CREATE TABLE "metric_stats" (
    "run_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "first_step" INTEGER NOT NULL,
    "last_step" INTEGER NOT NULL,
    "last_value" DOUBLE PRECISION NOT NULL,
    "min_value" DOUBLE PRECISION NOT NULL,
    "max_value" DOUBLE PRECISION NOT NULL,
    "first_bytes" BIGINT,
    "last_bytes" BIGINT,
    "first_flops" DOUBLE PRECISION,
    "last_flops" DOUBLE PRECISION,
    "first_wall" DOUBLE PRECISION,
    "last_wall" DOUBLE PRECISION,

    CONSTRAINT "metric_stats_pkey" PRIMARY KEY ("run_id","name")
);

-- CreateTable
CREATE TABLE "metric_rollups" (
    "run_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "chunk" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "sum_value" DOUBLE PRECISION NOT NULL,
    "min_value" DOUBLE PRECISION NOT NULL,
    "max_value" DOUBLE PRECISION NOT NULL,
    "first_step" INTEGER NOT NULL,
    "last_step" INTEGER NOT NULL,
    "last_value" DOUBLE PRECISION NOT NULL,
    "first_bytes" BIGINT,
    "last_bytes" BIGINT,
    "first_flops" DOUBLE PRECISION,
    "last_flops" DOUBLE PRECISION,
    "first_wall" DOUBLE PRECISION,
    "last_wall" DOUBLE PRECISION,

    CONSTRAINT "metric_rollups_pkey" PRIMARY KEY ("run_id","name","level","chunk")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER,
    "response" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("scope","key")
);

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "environment" JSONB;

-- CreateIndex
CREATE INDEX "metric_stats_name_min_value_idx" ON "metric_stats"("name", "min_value");

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- AddForeignKey
ALTER TABLE "metric_stats" ADD CONSTRAINT "metric_stats_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The chunk widths (steps) of metric_rollups, finest first. packages/service/src/series/levels.ts lists the same.
CREATE FUNCTION "metric_rollup_levels"() RETURNS INTEGER[] LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[8, 64, 512, 4096] $$;

-- Merges a batch of new points (any relation with the metric_points columns) into metric_rollups and metric_stats.
CREATE FUNCTION "metric_summaries_merge_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "metric_rollups" AS r ("run_id", "name", "level", "chunk", "count", "sum_value", "min_value",
      "max_value", "first_step", "last_step", "last_value", "first_bytes", "last_bytes", "first_flops",
      "last_flops", "first_wall", "last_wall")
  SELECT p."run_id", p."name", l.level, p."step" / l.level, count(*)::int, sum(p."value"), min(p."value"),
         max(p."value"), min(p."step"), max(p."step"),
         (array_agg(p."value" ORDER BY p."step" DESC))[1],
         (array_agg(p."bytes_seen" ORDER BY p."step"))[1], (array_agg(p."bytes_seen" ORDER BY p."step" DESC))[1],
         (array_agg(p."flops" ORDER BY p."step"))[1], (array_agg(p."flops" ORDER BY p."step" DESC))[1],
         (array_agg(p."wall_time" ORDER BY p."step"))[1], (array_agg(p."wall_time" ORDER BY p."step" DESC))[1]
    FROM new_points p CROSS JOIN unnest("metric_rollup_levels"()) AS l(level)
   GROUP BY p."run_id", p."name", l.level, p."step" / l.level
  ON CONFLICT ("run_id", "name", "level", "chunk") DO UPDATE SET
    "count" = r."count" + EXCLUDED."count",
    "sum_value" = r."sum_value" + EXCLUDED."sum_value",
    "min_value" = LEAST(r."min_value", EXCLUDED."min_value"),
    "max_value" = GREATEST(r."max_value", EXCLUDED."max_value"),
    "first_step" = LEAST(r."first_step", EXCLUDED."first_step"),
    "first_bytes" = CASE WHEN EXCLUDED."first_step" < r."first_step" THEN EXCLUDED."first_bytes" ELSE r."first_bytes" END,
    "first_flops" = CASE WHEN EXCLUDED."first_step" < r."first_step" THEN EXCLUDED."first_flops" ELSE r."first_flops" END,
    "first_wall" = CASE WHEN EXCLUDED."first_step" < r."first_step" THEN EXCLUDED."first_wall" ELSE r."first_wall" END,
    "last_step" = GREATEST(r."last_step", EXCLUDED."last_step"),
    "last_value" = CASE WHEN EXCLUDED."last_step" > r."last_step" THEN EXCLUDED."last_value" ELSE r."last_value" END,
    "last_bytes" = CASE WHEN EXCLUDED."last_step" > r."last_step" THEN EXCLUDED."last_bytes" ELSE r."last_bytes" END,
    "last_flops" = CASE WHEN EXCLUDED."last_step" > r."last_step" THEN EXCLUDED."last_flops" ELSE r."last_flops" END,
    "last_wall" = CASE WHEN EXCLUDED."last_step" > r."last_step" THEN EXCLUDED."last_wall" ELSE r."last_wall" END;

  INSERT INTO "metric_stats" AS s ("run_id", "name", "count", "first_step", "last_step", "last_value",
      "min_value", "max_value", "first_bytes", "last_bytes", "first_flops", "last_flops", "first_wall", "last_wall")
  SELECT p."run_id", p."name", count(*)::int, min(p."step"), max(p."step"),
         (array_agg(p."value" ORDER BY p."step" DESC))[1], min(p."value"), max(p."value"),
         (array_agg(p."bytes_seen" ORDER BY p."step"))[1], (array_agg(p."bytes_seen" ORDER BY p."step" DESC))[1],
         (array_agg(p."flops" ORDER BY p."step"))[1], (array_agg(p."flops" ORDER BY p."step" DESC))[1],
         (array_agg(p."wall_time" ORDER BY p."step"))[1], (array_agg(p."wall_time" ORDER BY p."step" DESC))[1]
    FROM new_points p
   GROUP BY p."run_id", p."name"
  ON CONFLICT ("run_id", "name") DO UPDATE SET
    "count" = s."count" + EXCLUDED."count",
    "min_value" = LEAST(s."min_value", EXCLUDED."min_value"),
    "max_value" = GREATEST(s."max_value", EXCLUDED."max_value"),
    "first_step" = LEAST(s."first_step", EXCLUDED."first_step"),
    "first_bytes" = CASE WHEN EXCLUDED."first_step" < s."first_step" THEN EXCLUDED."first_bytes" ELSE s."first_bytes" END,
    "first_flops" = CASE WHEN EXCLUDED."first_step" < s."first_step" THEN EXCLUDED."first_flops" ELSE s."first_flops" END,
    "first_wall" = CASE WHEN EXCLUDED."first_step" < s."first_step" THEN EXCLUDED."first_wall" ELSE s."first_wall" END,
    "last_step" = GREATEST(s."last_step", EXCLUDED."last_step"),
    "last_value" = CASE WHEN EXCLUDED."last_step" > s."last_step" THEN EXCLUDED."last_value" ELSE s."last_value" END,
    "last_bytes" = CASE WHEN EXCLUDED."last_step" > s."last_step" THEN EXCLUDED."last_bytes" ELSE s."last_bytes" END,
    "last_flops" = CASE WHEN EXCLUDED."last_step" > s."last_step" THEN EXCLUDED."last_flops" ELSE s."last_flops" END,
    "last_wall" = CASE WHEN EXCLUDED."last_step" > s."last_step" THEN EXCLUDED."last_wall" ELSE s."last_wall" END;
  RETURN NULL;
END
$$;

-- Recomputes the chunks that changed or lost points (updates, deletes), then the stats of their series.
-- Series of runs that no longer exist (deleted with their run) are skipped: their rows went by cascade.
CREATE FUNCTION "metric_summaries_recompute"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS "metric_summaries_touched" ("run_id" TEXT, "name" TEXT, "level" INTEGER,
    "chunk" INTEGER) ON COMMIT DROP;
  TRUNCATE "metric_summaries_touched";
  INSERT INTO "metric_summaries_touched"
  SELECT DISTINCT o."run_id", o."name", l.level, o."step" / l.level
    FROM old_points o CROSS JOIN unnest("metric_rollup_levels"()) AS l(level)
   WHERE EXISTS (SELECT 1 FROM "runs" x WHERE x."id" = o."run_id");

  DELETE FROM "metric_rollups" r USING "metric_summaries_touched" t
   WHERE r."run_id" = t."run_id" AND r."name" = t."name" AND r."level" = t."level" AND r."chunk" = t."chunk";

  INSERT INTO "metric_rollups" ("run_id", "name", "level", "chunk", "count", "sum_value", "min_value",
      "max_value", "first_step", "last_step", "last_value", "first_bytes", "last_bytes", "first_flops",
      "last_flops", "first_wall", "last_wall")
  SELECT t."run_id", t."name", t."level", t."chunk", count(*)::int, sum(m."value"), min(m."value"),
         max(m."value"), min(m."step"), max(m."step"),
         (array_agg(m."value" ORDER BY m."step" DESC))[1],
         (array_agg(m."bytes_seen" ORDER BY m."step"))[1], (array_agg(m."bytes_seen" ORDER BY m."step" DESC))[1],
         (array_agg(m."flops" ORDER BY m."step"))[1], (array_agg(m."flops" ORDER BY m."step" DESC))[1],
         (array_agg(m."wall_time" ORDER BY m."step"))[1], (array_agg(m."wall_time" ORDER BY m."step" DESC))[1]
    FROM "metric_summaries_touched" t
    JOIN "metric_points" m ON m."run_id" = t."run_id" AND m."name" = t."name"
     AND m."step" >= t."chunk" * t."level" AND m."step" < (t."chunk" + 1) * t."level"
   GROUP BY t."run_id", t."name", t."level", t."chunk";

  -- The stats of each touched series, from its finest chunks (which now hold every point exactly once).
  DELETE FROM "metric_stats" s USING (SELECT DISTINCT "run_id", "name" FROM "metric_summaries_touched") t
   WHERE s."run_id" = t."run_id" AND s."name" = t."name";
  INSERT INTO "metric_stats" ("run_id", "name", "count", "first_step", "last_step", "last_value", "min_value",
      "max_value", "first_bytes", "last_bytes", "first_flops", "last_flops", "first_wall", "last_wall")
  SELECT r."run_id", r."name", sum(r."count")::int, min(r."first_step"), max(r."last_step"),
         (array_agg(r."last_value" ORDER BY r."chunk" DESC))[1], min(r."min_value"), max(r."max_value"),
         (array_agg(r."first_bytes" ORDER BY r."chunk"))[1], (array_agg(r."last_bytes" ORDER BY r."chunk" DESC))[1],
         (array_agg(r."first_flops" ORDER BY r."chunk"))[1], (array_agg(r."last_flops" ORDER BY r."chunk" DESC))[1],
         (array_agg(r."first_wall" ORDER BY r."chunk"))[1], (array_agg(r."last_wall" ORDER BY r."chunk" DESC))[1]
    FROM "metric_rollups" r
    JOIN (SELECT DISTINCT "run_id", "name" FROM "metric_summaries_touched") t
      ON r."run_id" = t."run_id" AND r."name" = t."name"
   WHERE r."level" = (SELECT min(v) FROM unnest("metric_rollup_levels"()) AS v)
   GROUP BY r."run_id", r."name";
  RETURN NULL;
END
$$;

CREATE TRIGGER "metric_points_summaries_insert" AFTER INSERT ON "metric_points"
  REFERENCING NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION "metric_summaries_merge_inserted"();

CREATE TRIGGER "metric_points_summaries_update" AFTER UPDATE ON "metric_points"
  REFERENCING OLD TABLE AS old_points FOR EACH STATEMENT EXECUTE FUNCTION "metric_summaries_recompute"();

CREATE TRIGGER "metric_points_summaries_delete" AFTER DELETE ON "metric_points"
  REFERENCING OLD TABLE AS old_points FOR EACH STATEMENT EXECUTE FUNCTION "metric_summaries_recompute"();

-- Backfill the summaries of the points stored before this migration.
INSERT INTO "metric_rollups" ("run_id", "name", "level", "chunk", "count", "sum_value", "min_value", "max_value",
    "first_step", "last_step", "last_value", "first_bytes", "last_bytes", "first_flops", "last_flops",
    "first_wall", "last_wall")
SELECT p."run_id", p."name", l.level, p."step" / l.level, count(*)::int, sum(p."value"), min(p."value"),
       max(p."value"), min(p."step"), max(p."step"),
       (array_agg(p."value" ORDER BY p."step" DESC))[1],
       (array_agg(p."bytes_seen" ORDER BY p."step"))[1], (array_agg(p."bytes_seen" ORDER BY p."step" DESC))[1],
       (array_agg(p."flops" ORDER BY p."step"))[1], (array_agg(p."flops" ORDER BY p."step" DESC))[1],
       (array_agg(p."wall_time" ORDER BY p."step"))[1], (array_agg(p."wall_time" ORDER BY p."step" DESC))[1]
  FROM "metric_points" p CROSS JOIN unnest("metric_rollup_levels"()) AS l(level)
 WHERE EXISTS (SELECT 1 FROM "runs" x WHERE x."id" = p."run_id")
 GROUP BY p."run_id", p."name", l.level, p."step" / l.level;

INSERT INTO "metric_stats" ("run_id", "name", "count", "first_step", "last_step", "last_value", "min_value",
    "max_value", "first_bytes", "last_bytes", "first_flops", "last_flops", "first_wall", "last_wall")
SELECT r."run_id", r."name", sum(r."count")::int, min(r."first_step"), max(r."last_step"),
       (array_agg(r."last_value" ORDER BY r."chunk" DESC))[1], min(r."min_value"), max(r."max_value"),
       (array_agg(r."first_bytes" ORDER BY r."chunk"))[1], (array_agg(r."last_bytes" ORDER BY r."chunk" DESC))[1],
       (array_agg(r."first_flops" ORDER BY r."chunk"))[1], (array_agg(r."last_flops" ORDER BY r."chunk" DESC))[1],
       (array_agg(r."first_wall" ORDER BY r."chunk"))[1], (array_agg(r."last_wall" ORDER BY r."chunk" DESC))[1]
  FROM "metric_rollups" r
 WHERE r."level" = 8
 GROUP BY r."run_id", r."name";
