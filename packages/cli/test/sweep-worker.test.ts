import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { sweepStatusSchema } from "@bytelab/service/schemas";
import { redisDatabase, ROOT, runCli, tempDir, tinySpecYaml, writeSpec } from "./sweep-helpers";

// The whole path with nothing simulated: `bytelab sweep submit --wait` queues two tiny runs, a real trainer
// worker process (workers/trainer/src/main.ts, as `npm start` runs it) trains them, and the CLI exits 0.

const dir = tempDir("sweep-worker");
let db: TestDatabase;
let env: Record<string, string>;
let worker: ChildProcess;
let workerLog = "";

beforeAll(async () => {
  db = await createTestDatabase("cli_sweep_worker");
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: redisDatabase(inject("redisUrl"), 13),
    BYTELAB_HOME: join(dir, "home"),
  };
  worker = spawn(process.execPath, ["--import", "tsx", join(ROOT, "workers/trainer/src/main.ts")], {
    cwd: join(ROOT, "workers/trainer"),
    env: { ...process.env, ...env, WORKER_HEARTBEAT_MS: "1000", BYTELAB_BACKEND: "cpu" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (c: Buffer) => {
    workerLog += c.toString("utf8");
  };
  worker.stdout!.on("data", collect);
  worker.stderr!.on("data", collect);
  const deadline = Date.now() + 60_000;
  while (!/listening on queue/.test(workerLog)) {
    if (worker.exitCode !== null || Date.now() > deadline)
      throw new Error(`the trainer worker did not start:\n${workerLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
  }
  await db?.drop();
});

describe("bytelab sweep submit --wait with a real trainer worker", () => {
  it("trains both runs to COMPLETED, shows their metrics, exits 0", async () => {
    const spec = writeSpec(dir, "tiny.yaml", tinySpecYaml("worker-e2e", 6));
    const r = await runCli(["sweep", "submit", spec, "--wait", "--interval", "0.3"], env, dir);
    expect(r.stderr, workerLog).toBe("");
    expect(r.code, `${r.stdout}\n${workerLog}`).toBe(0);
    const sweepId = /^sweep id: (\S+)$/m.exec(r.stdout)![1]!;
    expect(r.stdout).toContain(`sweep ${sweepId} finished: every run completed (2 runs: 2 completed)`);
    expect(r.stdout).toMatch(/hourglass\/s0 {2}COMPLETED {2}step 6\/6 {2}val\/bpb \d+\.\d{3}/);
    expect(r.stdout).toMatch(/megabyte\/s0 {2}COMPLETED {2}step 6\/6 {2}val\/bpb \d+\.\d{3}/);

    const status = sweepStatusSchema.parse(
      JSON.parse((await runCli(["sweep", "status", sweepId, "--json"], env, dir)).stdout),
    );
    expect(status.outcome).toBe("passed");
    for (const run of status.runs) {
      expect(run).toMatchObject({ status: "COMPLETED", step: 6, totalSteps: 6 });
      expect(run.worker).not.toBeNull();
      expect(run.valBpb).toBeGreaterThan(0);
      expect(run.bytesPerSecond).toBeGreaterThan(0);
    }
    const points = await db.prisma.metricPoint.count({
      where: { runId: { in: status.runs.map((x) => x.id) } },
    });
    expect(points).toBeGreaterThan(2 * 6 * 5); // every step logged, several metrics per step
  });
});
