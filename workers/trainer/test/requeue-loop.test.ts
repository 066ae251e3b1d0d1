import { randomBytes } from "node:crypto";
import { migrate } from "@bytelab/db";
import { disconnectPrisma } from "@bytelab/db/runtime";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "@bytelab/db/testing";
import { loadWorkerEnv } from "../src/env";
import { startTrainerWorker } from "../src/worker";
import { memoryLog, waitFor } from "./helpers";

// The worker's periodic requeue check (requeueOrphans) must say when it fails: silently dropped errors
// left QUEUED runs without a job and nobody knowing why.

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;

beforeAll(async () => {
  db = await createEmptyDatabase("trainer_requeue_loop");
  await migrate(db.url);
});

afterAll(async () => {
  await disconnectPrisma();
  await db.drop();
});

describe("the requeue loop", () => {
  it("logs each failed tick with the error, and when it works again", async () => {
    const log = memoryLog();
    const running = await startTrainerWorker(
      loadWorkerEnv({
        DATABASE_URL: db.url,
        REDIS_URL: inject("redisUrl"),
        WORKER_ID: "requeue-loop-worker",
        WORKER_REQUEUE_INTERVAL_MS: "150",
        WORKER_HEARTBEAT_MS: "1000",
        CUDA_VISIBLE_DEVICES: "-1",
      }),
      { log, queueName: `requeue-loop-${randomBytes(4).toString("hex")}` },
    );
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      await new Promise((r) => setTimeout(r, 400));
      expect(log.lines.filter((l) => l.includes("requeue check"))).toEqual([]);
      // The runs table away: every tick fails in Postgres.
      await sql.query("ALTER TABLE runs RENAME TO runs_away");
      const failed = await waitFor("a logged requeue failure", () =>
        log.lines.find((l) => l.includes("requeue check failed")),
      );
      expect(failed).toMatch(/^warn requeue check failed .*next try in 150 ms\): .*runs/);
      await sql.query("ALTER TABLE runs_away RENAME TO runs");
      await waitFor("the recovery line", () =>
        log.lines.find((l) => /requeue check works again \(after \d+ failed tick/.test(l)),
      );
    } finally {
      await sql.query("ALTER TABLE IF EXISTS runs_away RENAME TO runs").catch(() => {});
      await sql.end();
      await running.stop();
    }
  });
});
