-- metric_points is the hottest table (every training step writes ~10 rows). A per-row FOREIGN KEY runs one
-- lookup (and one row lock) per point, which measured ~45% of the server's ingestion CPU. We replace it with
-- statement-level triggers that keep the same guarantees with one lookup per distinct run per statement:
--   * inserting/updating points of a run that does not exist fails with SQLSTATE 23503 (foreign_key_violation);
--   * the runs referenced are locked FOR KEY SHARE until commit (as a foreign key does), so a concurrent
--     DELETE of the run waits for the ingest to commit, then removes its points too;
--   * deleting runs deletes their points (ON DELETE CASCADE), also when runs go with their sweep.
-- Custom SQL, invisible to schema.prisma (no relation MetricPoint -> Run there); `prisma migrate` keeps it.

-- DropForeignKey
ALTER TABLE "metric_points" DROP CONSTRAINT "metric_points_run_id_fkey";

-- Runs referenced by new or changed metric points must exist; lock them like a foreign key would.
CREATE FUNCTION "metric_points_check_runs"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing TEXT;
BEGIN
  PERFORM 1 FROM "runs" r WHERE r."id" IN (SELECT DISTINCT "run_id" FROM new_points) FOR KEY SHARE OF r;
  SELECT n."run_id" INTO missing
    FROM (SELECT DISTINCT "run_id" FROM new_points) n
   WHERE NOT EXISTS (SELECT 1 FROM "runs" r WHERE r."id" = n."run_id")
   LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "metric_points" violates foreign key constraint "metric_points_run_id_fkey"'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = format('Key (run_id)=(%s) is not present in table "runs".', missing);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "metric_points_check_runs_insert" AFTER INSERT ON "metric_points"
  REFERENCING NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION "metric_points_check_runs"();

CREATE TRIGGER "metric_points_check_runs_update" AFTER UPDATE ON "metric_points"
  REFERENCING NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION "metric_points_check_runs"();

-- Deleting runs deletes their metric points.
CREATE FUNCTION "runs_delete_metric_points"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "metric_points" m USING old_runs o WHERE m."run_id" = o."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "runs_delete_metric_points" AFTER DELETE ON "runs"
  REFERENCING OLD TABLE AS old_runs FOR EACH STATEMENT EXECUTE FUNCTION "runs_delete_metric_points"();

-- Run ids never change (metric points refer to them without ON UPDATE CASCADE).
CREATE FUNCTION "runs_id_is_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'runs.id is immutable (metric_points refer to it)' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER "runs_id_is_immutable" BEFORE UPDATE OF "id" ON "runs"
  FOR EACH ROW WHEN (OLD."id" IS DISTINCT FROM NEW."id") EXECUTE FUNCTION "runs_id_is_immutable"();
