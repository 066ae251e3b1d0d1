import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ingestMetrics, transitionRun } from "@bytelab/db";
import { openTrainQueue, type TrainQueue } from "@bytelab/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { sweepListSchema, sweepStatusSchema } from "@bytelab/service/schemas";
import { redisDatabase, runCli, tempDir, tinySpecYaml, writeSpec } from "./sweep-helpers";

const dir = tempDir("sweep");
const home = join(dir, "home"); // BYTELAB_HOME without a running stack
let db: TestDatabase;
let redisUrl: string;
let trainQueue: TrainQueue;
let env: Record<string, string>;

const cli = (args: string[], extra: Record<string, string> = env) =>
  runCli(["sweep", ...args], { BYTELAB_HOME: home, ...extra }, dir);

async function liveJobs(): Promise<number> {
  return trainQueue.queue.getJobCountByTypes("waiting", "prioritized", "delayed", "active");
}

const tiny = writeSpec(dir, "tiny.yaml", tinySpecYaml("tiny"));
/** Valid as a spec, but one of its runs is not: found by the expansion. */
const bad = writeSpec(dir, "bad.yaml", tinySpecYaml("bad").replace("shorten_factor: 2", "shorten_factr: 2"));
/** Invalid as a spec: two problems, both reported. */
const badShape = writeSpec(
  dir,
  "bad-shape.yaml",
  tinySpecYaml("bad").replace("seeds: [0]", "seeds: [-1]").replace("budget:", "budjet:"),
);

beforeAll(async () => {
  db = await createTestDatabase("cli_sweep");
  redisUrl = redisDatabase(inject("redisUrl"), 11);
  trainQueue = openTrainQueue({ redisUrl });
  await trainQueue.queue.obliterate({ force: true });
  env = { DATABASE_URL: db.url, REDIS_URL: redisUrl };
});

afterAll(async () => {
  await trainQueue?.queue.obliterate({ force: true }).catch(() => {});
  await trainQueue?.close();
  await db?.drop();
});

describe("bytelab sweep submit (real process, test Postgres + Redis)", () => {
  it("refuses an invalid spec with exit 2, naming the file and each field with its fix; writes nothing", async () => {
    const r = await cli(["submit", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad} is invalid`);
    expect(r.stderr).toContain('architectures[0].model.shorten_factr: unknown key "shorten_factr"');
    expect(r.stderr).toContain('did you mean "shorten_factor"');
    expect(r.stderr).toContain("[hourglass/s0]");
    expect(r.stdout).not.toContain("sweep id");
    const shape = await cli(["submit", badShape]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain(`${badShape} is invalid (2 problems; nothing was submitted)`);
    expect(shape.stderr).toMatch(/seeds\[0\]: .*\(fix: use a value >= 0\)/);
    expect(shape.stderr).toMatch(/budjet: unknown key "budjet" \(fix: did you mean "budget"/);
    expect(await db.prisma.sweep.count()).toBe(0);
    expect(await db.prisma.run.count()).toBe(0);
    expect(await liveJobs()).toBe(0);
  });

  it("exits 2 for a missing file, and for a YAML syntax error with its line", async () => {
    const missing = await cli(["submit", join(dir, "nope.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
    const broken = writeSpec(dir, "broken.yaml", "name: x\narchitectures: [hnet\n");
    const r = await cli(["submit", broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid YAML \(line \d+, column \d+\)/);
  });

  it("--dry-run validates and prints the plan without writing anything, and needs no services", async () => {
    const r = await cli(["submit", tiny, "--dry-run"], {});
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan: sweep "tiny": 2 runs over 2 architectures (hourglass, megabyte)');
    expect(r.stdout).toMatch(/hourglass\/s0 +0 +[\d.]+k +5 /);
    expect(r.stdout).toContain("reuse of earlier runs: not checked");
    expect(r.stdout).toContain("nothing was submitted");
    const withDb = await cli(["submit", tiny, "--dry-run"]);
    expect(withDb.stdout).toContain("2 new, 0 reused");
    expect(await db.prisma.sweep.count()).toBe(0);
    expect(await liveJobs()).toBe(0);
  });

  let sweepId: string;
  let runIds: string[];

  it("submits: prints the plan and the sweep id, writes QUEUED runs and one BullMQ job per run", async () => {
    const r = await cli(["submit", tiny]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    sweepId = /^sweep id: (\S+)$/m.exec(r.stdout)?.[1] ?? "";
    expect(sweepId).not.toBe("");
    expect(r.stdout).toContain("submitted: 2 new runs queued, 0 reused, 2 jobs added");
    const runs = await db.prisma.run.findMany({ where: { sweepId }, orderBy: { name: "asc" } });
    expect(runs.map((x) => [x.name, x.status])).toEqual([
      ["tiny/hourglass/s0", "QUEUED"],
      ["tiny/megabyte/s0", "QUEUED"],
    ]);
    runIds = runs.map((x) => x.id);
    for (const id of runIds) {
      const job = await trainQueue.queue.getJob(id);
      expect(job?.data.runId).toBe(id);
      expect(job?.data.sweepId).toBe(sweepId);
      expect(["waiting", "prioritized"]).toContain(await job!.getState());
    }
    expect(await liveJobs()).toBe(2);
  });

  it("submitting the same file again reuses the runs and returns the same sweep", async () => {
    const r = await cli(["submit", tiny]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`sweep id: ${sweepId}`);
    expect(r.stdout).toContain("already submitted");
    for (const id of runIds) expect(r.stdout).toContain(`reuses ${id} (QUEUED)`);
    expect(await db.prisma.sweep.count()).toBe(1);
    expect(await db.prisma.run.count()).toBe(2);
    expect(await liveJobs()).toBe(2);
  });

  it("status --json reports runs, progress, latest metrics and worker in the documented shape", async () => {
    const before = sweepStatusSchema.parse(JSON.parse((await cli(["status", sweepId, "--json"])).stdout));
    expect(before.outcome).toBe("running");
    expect(before.counts).toMatchObject({ QUEUED: 2, RUNNING: 0 });
    expect(before.runs.map((x) => x.id).sort()).toEqual([...runIds].sort());
    expect(before.runs.every((x) => x.totalSteps === 5 && x.step === null && !x.reused)).toBe(true);

    const [first] = runIds as [string];
    await db.prisma.worker.create({
      data: { id: "w-test", host: "gpu-box-7", pid: 4242, devices: [], slots: 1, version: "test" },
    });
    await transitionRun(db.prisma, first, "RUNNING", { from: "QUEUED", workerId: "w-test" });
    await ingestMetrics(db.url, [
      { runId: first, name: "train/bpb", step: 2, value: 3.25 },
      { runId: first, name: "train/bpb", step: 3, value: 3.125 },
      { runId: first, name: "val/bpb", step: 2, value: 3.5 },
      { runId: first, name: "throughput/bytes_per_s", step: 3, value: 2048 },
    ]);
    const r = await cli(["status", sweepId, "--json"]);
    expect(r.code).toBe(0);
    const after = sweepStatusSchema.parse(JSON.parse(r.stdout));
    const run = after.runs.find((x) => x.id === first)!;
    expect(run).toMatchObject({
      status: "RUNNING",
      step: 3,
      totalSteps: 5,
      valBpb: 3.5,
      trainBpb: 3.125,
      bytesPerSecond: 2048,
      worker: { id: "w-test", host: "gpu-box-7" },
      label: "hourglass/s0",
    });
    expect(after.counts).toMatchObject({ QUEUED: 1, RUNNING: 1 });

    const table = await cli(["status", sweepId]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/hourglass\/s0 +RUNNING +3\/5 +3\.500 +3\.125 +2\.05 kB\/s +gpu-box-7/);
  });

  it("list shows the sweep with its runs counted per status", async () => {
    const r = await cli(["list", "--json"]);
    expect(r.code).toBe(0);
    const list = sweepListSchema.parse(JSON.parse(r.stdout));
    expect(list.sweeps).toEqual([
      expect.objectContaining({
        id: sweepId,
        total: 2,
        outcome: "running",
        counts: expect.objectContaining({ QUEUED: 1, RUNNING: 1 }),
      }),
    ]);
    expect(list.nextCursor).toBeNull();
    const text = await cli(["list"]);
    expect(text.stdout).toMatch(new RegExp(`${sweepId} +tiny +[\\d-]+ [\\d:]+ +2 +1 +1 +0 +0 +0 +0`));
  });

  it("cancel --run cancels one run; cancel cancels the rest, removes waiting jobs and signals running ones", async () => {
    const [running, queued] = runIds as [string, string];
    const one = await cli(["cancel", sweepId, "--run", queued]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(
      `cancelled: megabyte/s0 (${queued}), was QUEUED; its job was removed from the queue`,
    );
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: queued } })).status).toBe("CANCELLED");
    expect(await trainQueue.queue.getJob(queued)).toBeUndefined();
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: running } })).status).toBe("RUNNING");

    const all = await cli(["cancel", sweepId, "--reason", "superseded"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(
      `cancelled: hourglass/s0 (${running}), was RUNNING; its worker was signalled`,
    );
    expect(all.stdout).toContain("1 run cancelled");
    const statuses = await db.prisma.run.findMany({ where: { sweepId }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(await trainQueue.redis.get(`bytelab:cancel:${running}`)).toContain("superseded");
    expect(await liveJobs()).toBe(0);

    const again = await cli(["cancel", sweepId]);
    expect(again.stdout).toContain("nothing to cancel");
  });

  it("--repeat creates new runs for configs that already have one", async () => {
    const r = await cli(["submit", tiny, "--repeat"]);
    expect(r.code).toBe(0);
    const id = /^sweep id: (\S+)$/m.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    expect(id).not.toBe(sweepId);
    expect(await db.prisma.run.count({ where: { sweepId: id!, status: "QUEUED" } })).toBe(2);
    expect(await liveJobs()).toBe(2);
    await cli(["cancel", id!]);
  });

  it("exits 2 for unknown ids and bad flags", async () => {
    const status = await cli(["status", "no-such-sweep"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('no sweep with id "no-such-sweep"');
    const cancel = await cli(["cancel", "no-such-sweep"]);
    expect(cancel.code).toBe(2);
    const flag = await cli(["status", sweepId, "--interval", "soon"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--interval must be a number of seconds");
  });
});

describe("finding Postgres and Redis", () => {
  it("without URLs or a running local stack: says to run `npm start` or set the variables, exit 3", async () => {
    const r = await cli(["list"], {});
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("start the local stack with `npm start` or set DATABASE_URL and REDIS_URL");
    const submit = await cli(["submit", tiny], { DATABASE_URL: db.url });
    expect(submit.code).toBe(3);
    expect(submit.stderr).toContain("no Redis to talk to: --redis-url and REDIS_URL are not set");
  });

  it("uses the stack `npm start` runs (BYTELAB_HOME/bytelab.stack.json) and ignores a stale one", async () => {
    const stackHome = tempDir("stack");
    const stack = (launcher: number) =>
      writeFileSync(
        join(stackHome, "bytelab.stack.json"),
        JSON.stringify({
          format: "bytelab.stack/1",
          launcher,
          startedAt: new Date().toISOString(),
          databaseUrl: db.url,
          redisUrl,
          webUrl: "http://127.0.0.1:3000",
        }),
      );
    stack(process.pid); // alive: this test process stands in for `npm start`
    const r = await cli(["list"], { BYTELAB_HOME: stackHome });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("tiny");
    stack(2 ** 22 + 1); // beyond pid_max: no such process
    const stale = await cli(["list"], { BYTELAB_HOME: stackHome });
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain("no longer running");
    expect(stale.stderr).toContain("start the local stack with `npm start`");
  });

  it("names the unreachable service and where its URL came from", async () => {
    const r = await cli(["list"], { DATABASE_URL: "postgres://u:p@127.0.0.1:1/x" });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach Postgres at 127\.0\.0\.1:1\/x \(from DATABASE_URL\)/);
    expect(r.stderr).not.toContain("u:p@");
    const redis = await cli(["cancel", "x"], { DATABASE_URL: db.url, REDIS_URL: "redis://127.0.0.1:1" });
    expect(redis.code).toBe(3);
    expect(redis.stderr).toContain("cannot reach Redis at 127.0.0.1:1 (from REDIS_URL)");
  });
});
