import { join } from "node:path";
import { ingestMetrics, transitionRun } from "@bytelab/db";
import { openTrainQueue, type TrainQueue } from "@bytelab/queue";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { sweepStatusSchema } from "@bytelab/service/schemas";
import { redisDatabase, runCli, startCli, tempDir, tinySpecYaml, writeSpec } from "./sweep-helpers";

// `submit --wait` against runs that the test moves through their states with the db package, the way a
// worker does (transitionRun + ingestMetrics): what the CLI shows and which exit code it ends with.

const dir = tempDir("sweep-wait");
let db: TestDatabase;
let trainQueue: TrainQueue;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase("cli_sweep_wait");
  const redisUrl = redisDatabase(inject("redisUrl"), 12);
  trainQueue = openTrainQueue({ redisUrl });
  await trainQueue.queue.obliterate({ force: true });
  env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, BYTELAB_HOME: join(dir, "home") };
  await db.prisma.worker.create({
    data: { id: "w-wait", host: "trainer-box", pid: 1, devices: [], slots: 2, version: "test" },
  });
});

afterAll(async () => {
  await trainQueue?.queue.obliterate({ force: true }).catch(() => {});
  await trainQueue?.close();
  await db?.drop();
});

/** Starts `sweep submit FILE --wait` and returns it once it printed the sweep id, with the sweep's runs. */
async function submitAndWait(name: string, steps: number) {
  const file = writeSpec(dir, `${name}.yaml`, tinySpecYaml(name, steps));
  const cli = startCli(["sweep", "submit", file, "--wait", "--interval", "0.2"], env, dir);
  await cli.waitForOutput(/^sweep id: \S+$/m);
  const sweepId = /^sweep id: (\S+)$/m.exec(cli.stdout())![1]!;
  const runs = await db.prisma.run.findMany({ where: { sweepId }, orderBy: { name: "asc" } });
  expect(runs).toHaveLength(2);
  return { cli, sweepId, runs: runs.map((r) => r.id) as [string, string] };
}

/** What a worker does for one run: RUNNING, metrics at each step, then `end`. */
async function train(runId: string, steps: number, end: "COMPLETED" | "FAILED", error?: string) {
  await transitionRun(db.prisma, runId, "RUNNING", { from: "QUEUED", workerId: "w-wait" });
  for (let step = 1; step <= steps; step++)
    await ingestMetrics(db.url, [
      { runId, name: "train/bpb", step, value: 4 - step / 10 },
      { runId, name: "throughput/bytes_per_s", step, value: 1000 * step },
      ...(step === steps ? [{ runId, name: "val/bpb", step, value: 3.25 }] : []),
    ]);
  await transitionRun(db.prisma, runId, end, error ? { error } : {});
}

describe("bytelab sweep submit --wait (real process)", () => {
  it("follows the runs to the end and exits 0 when every run completed (ASHA early stop included)", async () => {
    const { cli, sweepId, runs } = await submitAndWait("wait-ok", 5);
    await cli.waitForOutput(/hourglass\/s0 {2}QUEUED {2}step 0\/5/);
    await train(runs[0], 5, "COMPLETED");
    await cli.waitForOutput(/hourglass\/s0 {2}COMPLETED {2}step 5\/5 {2}val\/bpb 3\.250/);
    // The second run is stopped early by ASHA at step 2: an EARLY_STOP event, then COMPLETED.
    await transitionRun(db.prisma, runs[1], "RUNNING", { from: "QUEUED", workerId: "w-wait" });
    await ingestMetrics(db.url, [{ runId: runs[1], name: "val/bpb", step: 2, value: 3.9 }]);
    await db.prisma.runEvent.create({
      data: { runId: runs[1], kind: "EARLY_STOP", message: "rank 2 of 2 at rung 0", data: { rung: 0 } },
    });
    await transitionRun(db.prisma, runs[1], "COMPLETED");
    const r = await cli.done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /megabyte\/s0 {2}COMPLETED {2}step 2\/5 {2}val\/bpb 3\.900 .*stopped early by ASHA at rung 0/,
    );
    expect(r.stdout).toContain(`sweep ${sweepId} finished: every run completed (2 runs: 2 completed)`);
    expect(r.stdout).toMatch(/worker trainer-box/);
  });

  it("exits 1 when a run fails, naming the run and its error", async () => {
    const { cli, sweepId, runs } = await submitAndWait("wait-fail", 6);
    await train(runs[0], 6, "COMPLETED");
    await train(runs[1], 2, "FAILED", "RangeError: out of memory");
    const r = await cli.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("failed: megabyte/s0: RangeError: out of memory");
    expect(r.stdout).toContain(`sweep ${sweepId} finished: some runs failed or diverged`);

    const watch = await runCli(["sweep", "status", sweepId, "--watch", "--json"], env, dir);
    expect(watch.code).toBe(1);
    const last = sweepStatusSchema.parse(JSON.parse(watch.stdout.trim().split("\n").at(-1)!));
    expect(last.outcome).toBe("failed");
    expect(last.runs.find((x) => x.id === runs[1])?.error).toBe("RangeError: out of memory");
  });

  it("Ctrl-C stops waiting with exit 130 and says the sweep keeps running", async () => {
    const { cli, sweepId, runs } = await submitAndWait("wait-interrupt", 7);
    await cli.waitForOutput(/2 runs: 2 queued/);
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`stopped waiting (Ctrl-C); sweep ${sweepId} keeps running`);
    expect(r.stderr).toContain(`npx bytelab sweep cancel ${sweepId}`);
    const statuses = await db.prisma.run.findMany({ where: { id: { in: runs } }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(["QUEUED", "QUEUED"]);
    for (const id of runs) expect(await trainQueue.queue.getJob(id)).toBeDefined();
  });
});
