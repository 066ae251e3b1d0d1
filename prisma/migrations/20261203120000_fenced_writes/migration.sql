-- Fenced writes. Every claim of a run (QUEUED -> RUNNING) increments runs.attempts; that number is the claim's
-- fencing token. A worker sends every write it makes for a run inside a transaction that sets
-- bytelab.fence = '<run id>:<attempt>' (set_config(..., true): SET LOCAL). The triggers below refuse such a
-- write, with SQLSTATE SF001 ("stale attempt"), once another claim moved runs.attempts on: a worker that lost
-- its job's lock (frozen, partitioned) but is still alive can no longer write metric points, checkpoints,
-- events or status changes over the worker that took the run over. Writes without the setting (the service,
-- the API, migrations, claims themselves) are not affected.
--
-- The check locks the run row FOR SHARE until commit, so it is ordered with claims: a claim waits for a fenced
-- write in flight to commit, and every fenced write after the claim sees the new attempt and is refused.

-- Which attempt wrote an artifact (checkpoints of a taken-over run come from several attempts).
ALTER TABLE "artifacts" ADD COLUMN "attempt" INTEGER;

-- Refuses the statement unless every run it touches is the fenced run at the fenced attempt.
CREATE FUNCTION "bytelab_fence_check"(touched TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  fence TEXT := current_setting('bytelab.fence', true);
  fenced_run TEXT;
  fenced_attempt INTEGER;
  current_attempt INTEGER;
  other TEXT;
BEGIN
  IF fence IS NULL OR fence = '' OR touched IS NULL OR cardinality(touched) = 0 THEN
    RETURN;
  END IF;
  fenced_run := split_part(fence, ':', 1);
  fenced_attempt := split_part(fence, ':', 2)::integer;
  SELECT t INTO other FROM unnest(touched) AS t WHERE t IS DISTINCT FROM fenced_run LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'stale attempt: a write fenced to run % (attempt %) touches run %', fenced_run, fenced_attempt, other
      USING ERRCODE = 'SF001';
  END IF;
  SELECT r."attempts" INTO current_attempt FROM "runs" r WHERE r."id" = fenced_run FOR SHARE OF r;
  IF current_attempt IS DISTINCT FROM fenced_attempt THEN
    RAISE EXCEPTION 'stale attempt: run % is at attempt %, this write comes from attempt % (another worker took the run over); refused',
      fenced_run, current_attempt, fenced_attempt
      USING ERRCODE = 'SF001';
  END IF;
END
$$;

-- Statement-level, for tables with a run_id column: one check per statement (the rows it wrote or deleted).
CREATE FUNCTION "bytelab_fence_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('bytelab.fence', true), '') = '' THEN
    RETURN NULL;
  END IF;
  PERFORM "bytelab_fence_check"((SELECT array_agg(DISTINCT f."run_id") FROM fenced_rows f));
  RETURN NULL;
END
$$;

CREATE TRIGGER "metric_points_fence_insert" AFTER INSERT ON "metric_points"
  REFERENCING NEW TABLE AS fenced_rows FOR EACH STATEMENT EXECUTE FUNCTION "bytelab_fence_rows"();
CREATE TRIGGER "metric_points_fence_update" AFTER UPDATE ON "metric_points"
  REFERENCING NEW TABLE AS fenced_rows FOR EACH STATEMENT EXECUTE FUNCTION "bytelab_fence_rows"();
CREATE TRIGGER "metric_points_fence_delete" AFTER DELETE ON "metric_points"
  REFERENCING OLD TABLE AS fenced_rows FOR EACH STATEMENT EXECUTE FUNCTION "bytelab_fence_rows"();

CREATE TRIGGER "artifacts_fence_insert" AFTER INSERT ON "artifacts"
  REFERENCING NEW TABLE AS fenced_rows FOR EACH STATEMENT EXECUTE FUNCTION "bytelab_fence_rows"();
CREATE TRIGGER "artifacts_fence_update" AFTER UPDATE ON "artifacts"
  REFERENCING NEW TABLE AS fenced_rows FOR EACH STATEMENT EXECUTE FUNCTION "bytelab_fence_rows"();
CREATE TRIGGER "artifacts_fence_delete" AFTER DELETE ON "artifacts"
  REFERENCING OLD TABLE AS fenced_rows FOR EACH STATEMENT EXECUTE FUNCTION "bytelab_fence_rows"();

CREATE TRIGGER "run_events_fence_insert" AFTER INSERT ON "run_events"
  REFERENCING NEW TABLE AS fenced_rows FOR EACH STATEMENT EXECUTE FUNCTION "bytelab_fence_rows"();

-- Status changes and metadata of the run itself: row-level, before the update.
CREATE FUNCTION "bytelab_fence_run_update"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fence TEXT := current_setting('bytelab.fence', true);
BEGIN
  IF fence IS NULL OR fence = '' THEN
    RETURN NEW;
  END IF;
  IF OLD."id" IS DISTINCT FROM split_part(fence, ':', 1)
     OR OLD."attempts" IS DISTINCT FROM split_part(fence, ':', 2)::integer THEN
    RAISE EXCEPTION 'stale attempt: run % is at attempt %, this write comes from attempt % of run % (another worker took the run over); refused',
      OLD."id", OLD."attempts", split_part(fence, ':', 2), split_part(fence, ':', 1)
      USING ERRCODE = 'SF001';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "runs_fence_update" BEFORE UPDATE ON "runs"
  FOR EACH ROW EXECUTE FUNCTION "bytelab_fence_run_update"();
