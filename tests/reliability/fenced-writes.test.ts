import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { submitSweep } from "@bytelab/queue";
import { METRICS_FILE, readMetricsFile, train } from "@bytelab/train";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricSteps, range, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import {
  fastWorkerEnv,
  processAlive,
  startWorkerProcess,
  type WorkerProcess,
} from "./helpers/worker-process";

// Fenced writes. Two live workers (separate local folders, one shared artifact folder). Worker A is frozen
// (SIGSTOP, with its training process) past its job's lock; B takes the run over (attempt 2). A is thawed
// while B trains: A's later writes (metric batches, its stop checkpoint, status) carry attempt 1, Postgres
// refuses them and A logs it and stops. The run's series has every step exactly once and equals an
// undisturbed run of the same config.

let env: ReliabilityEnv;
const dirs: string[] = [];
const workers: WorkerProcess[] = [];
const frozen: number[] = [];
const STEPS = 1500;

beforeAll(async () => {
  env = await openReliabilityEnv("fenced");
});
afterAll(async () => {
  for (const pid of frozen) if (processAlive(pid)) process.kill(pid, "SIGCONT");
  await Promise.all(workers.map((w) => w.stop()));
  await env?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `bytelab-fenced-${name}-`));
  dirs.push(d);
  return d;
};

describe("a worker that lost its lock but is still alive", () => {
  it("cannot write over the worker that took its run over", async () => {
    const shared = pathToFileURL(tempDir("store")).href;
    const vars = (name: string) =>
      fastWorkerEnv({ ...workerVars(env), BYTELAB_HOME: tempDir(name), BYTELAB_ARTIFACTS: shared });
    workers.push(
      ...(await Promise.all([
        startWorkerProcess("fence-1", vars("1")),
        startWorkerProcess("fence-2", vars("2")),
      ])),
    );
    const spec = tinySweep("fenced", {
      steps: STEPS,
      base: {
        checkpoint: { interval: 25, keep: 2 },
        eval: { interval: 50, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
      },
    });
    const { created } = await submitSweep(env.prisma, env.trainQueue, spec);
    const runId = created[0]!.runId;
    await waitFor("A's first committed checkpoint", () =>
      env.prisma.artifact.findFirst({ where: { runId, kind: "CHECKPOINT", attempt: 1 } }),
    );
    const started = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId, message: { startsWith: "training started" } },
    });
    const childPid = (started.data as { pid: number }).pid;
    // A: the worker that took the run; B: the other one.
    const holder = (started.data as { workerId: string }).workerId;
    const a = workers.find((w) => w.id === holder)!;
    const b = workers.find((w) => w.id !== holder)!;

    // Freeze A (worker and training process) past its lock duration (3 s in these tests).
    for (const pid of [childPid, a.proc.pid!]) {
      process.kill(pid, "SIGSTOP");
      frozen.push(pid);
    }
    const frozenAtStep = Math.max(...(await metricSteps(env.prisma, runId, "train/loss")));
    const resumed = await waitFor(
      "B to take the run over",
      () =>
        env.prisma.runEvent.findFirst({
          where: {
            runId,
            message: { startsWith: "resumed at step" },
            data: { path: ["attempt"], equals: 2 },
          },
        }),
      60_000,
    );
    expect((resumed.data as { workerId: string }).workerId).toBe(b.id);

    // Thaw A while B trains: A's writes are refused.
    for (const pid of frozen.splice(0)) process.kill(pid, "SIGCONT");
    await a.waitForOutput(/stale attempt: run \S+ is at attempt 2, this write comes from attempt 1/, 30_000);
    await a.waitForOutput(/attempt 1 stopped.*another worker took the run over/, 30_000);

    const run = await waitFor(
      "B to finish the run",
      async () => {
        const r = await env.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return ["COMPLETED", "FAILED", "DIVERGED", "CANCELLED"].includes(r.status) ? r : null;
      },
      120_000,
    );
    expect(run.status, `${run.error}\n${b.output()}`).toBe("COMPLETED");
    expect(run.workerId).toBe(b.id);
    expect(run.attempts).toBe(2);
    // A wrote nothing after the takeover: no status change, no event, no artifact of attempt 1 is left.
    const events = await env.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    const takeover = events.findIndex((e) => e.message.includes(`lost this run`) && e.message.includes(b.id));
    expect(takeover).toBeGreaterThan(0);
    for (const e of events.slice(takeover))
      expect(JSON.stringify(e.data ?? {}), e.message).not.toContain(`"workerId":"${a.id}"`);
    const statuses = events.filter((e) => e.kind === "STATUS").map((e) => e.message.split(":")[0]);
    expect(statuses.filter((m) => m?.includes("-> COMPLETED"))).toHaveLength(1);
    const artifacts = await env.prisma.artifact.findMany({ where: { runId } });
    expect(artifacts.length).toBeGreaterThan(0);
    for (const art of artifacts) expect(art.attempt, art.uri).toBe(2);

    // Every step exactly once, equal to the undisturbed run.
    expect(await metricSteps(env.prisma, runId, "train/loss")).toEqual(range(1, STEPS));
    const refDir = tempDir("ref");
    await train({ config: run.config, outDir: refDir });
    const stored = new Map(
      (await env.prisma.metricPoint.findMany({ where: { runId } })).map((p) => [
        `${p.name}@${p.step}`,
        p.value,
      ]),
    );
    let compared = 0;
    for (const record of readMetricsFile(join(refDir, METRICS_FILE)))
      for (const [name, value] of Object.entries(record.metrics)) {
        if (value === null || /throughput|memory/.test(name)) continue;
        expect(
          Math.abs(stored.get(`${name}@${record.step}`)! - value),
          `${name}@${record.step}`,
        ).toBeLessThanOrEqual(1e-6);
        compared++;
      }
    expect(compared).toBeGreaterThan(STEPS * 4);
    expect(stored.size).toBe(compared + STEPS * 3); // + throughput, memory/bytes, memory/tensors per train record
    const refusals = a.output().match(/refused by Postgres|rejected by Postgres|stale attempt/g) ?? [];
    console.log(
      `[reliability] fenced-writes: A frozen at step ${frozenAtStep}, B resumed at step ${(resumed.data as { startStep: number }).startStep}; ` +
        `A's stale writes refused (${refusals.length} log lines); ${compared} values equal the undisturbed run`,
    );
  });
});
