-- CreateEnum
CREATE TYPE "run_status" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'DIVERGED');

-- CreateEnum
CREATE TYPE "worker_status" AS ENUM ('ONLINE', 'DRAINING', 'STOPPED');

-- CreateEnum
CREATE TYPE "artifact_kind" AS ENUM ('CHECKPOINT', 'WEIGHTS', 'SAMPLES', 'LOG', 'OTHER');

-- CreateEnum
CREATE TYPE "event_level" AS ENUM ('DEBUG', 'INFO', 'WARN', 'ERROR');

-- CreateEnum
CREATE TYPE "run_event_kind" AS ENUM ('STATUS', 'LOG', 'CHECKPOINT', 'EARLY_STOP', 'SYSTEM');

-- CreateTable
CREATE TABLE "sweeps" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "spec" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sweep_id" TEXT,
    "status" "run_status" NOT NULL DEFAULT 'QUEUED',
    "architecture" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "config_hash" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "param_count" BIGINT,
    "flops_per_byte" DOUBLE PRECISION,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "worker_id" TEXT,
    "git_commit" TEXT,
    "backend" TEXT,
    "device" TEXT,
    "error" TEXT,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_points" (
    "run_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "bytes_seen" BIGINT,
    "flops" DOUBLE PRECISION,
    "wall_time" DOUBLE PRECISION,

    CONSTRAINT "metric_points_pkey" PRIMARY KEY ("run_id","name","step")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "kind" "artifact_kind" NOT NULL,
    "step" INTEGER,
    "uri" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workers" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "devices" JSONB NOT NULL,
    "slots" INTEGER NOT NULL,
    "status" "worker_status" NOT NULL DEFAULT 'ONLINE',
    "version" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hashed_secret" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_events" (
    "id" BIGSERIAL NOT NULL,
    "run_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" "event_level" NOT NULL DEFAULT 'INFO',
    "kind" "run_event_kind" NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "run_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sweeps_created_at_idx" ON "sweeps"("created_at");

-- CreateIndex
CREATE INDEX "runs_sweep_id_status_idx" ON "runs"("sweep_id", "status");

-- CreateIndex
CREATE INDEX "runs_config_hash_idx" ON "runs"("config_hash");

-- CreateIndex
CREATE INDEX "runs_status_priority_queued_at_idx" ON "runs"("status", "priority", "queued_at");

-- CreateIndex
CREATE INDEX "runs_worker_id_idx" ON "runs"("worker_id");

-- CreateIndex
CREATE INDEX "artifacts_run_id_kind_step_idx" ON "artifacts"("run_id", "kind", "step");

-- CreateIndex
CREATE INDEX "workers_last_heartbeat_at_idx" ON "workers"("last_heartbeat_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hashed_secret_key" ON "api_keys"("hashed_secret");

-- CreateIndex
CREATE INDEX "api_keys_prefix_idx" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "run_events_run_id_at_idx" ON "run_events"("run_id", "at");

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_worker_id_fkey" FOREIGN KEY ("worker_id") REFERENCES "workers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_points" ADD CONSTRAINT "metric_points_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
