import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openArtifactStore } from "@bytelab/artifacts";
import { submitSweep } from "@bytelab/queue";
import { METRICS_FILE, readMetricsFile, train } from "@bytelab/train";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalS3, startLocalS3 } from "../helpers/s3-server";
import { metricSteps, range, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "./helpers/worker-process";

// Workers on "two hosts": separate local folders (BYTELAB_HOME), one S3-compatible store (a local s3rver), one
// Redis, one Postgres. Worker A is SIGKILLed mid-run; worker B, which never saw A's disk, takes the run over
// from the checkpoint in S3 and ends it with the losses of an undisturbed run. The sweep finishes; the store
// holds exactly what the artifacts rows name; no work folder is left behind.

let env: ReliabilityEnv;
let s3: LocalS3;
const homes: string[] = [];
const workers: WorkerProcess[] = [];
const STEPS = 400;

beforeAll(async () => {
  env = await openReliabilityEnv("s3_takeover");
  s3 = await startLocalS3();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await env?.close();
  await s3?.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function hostVars(name: string, artifacts: string): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), `bytelab-host-${name}-`));
  homes.push(home);
  return fastWorkerEnv({ ...workerVars(env), ...s3.env, BYTELAB_HOME: home, BYTELAB_ARTIFACTS: artifacts });
}

describe("two hosts, one S3 store", () => {
  it("a run whose worker was SIGKILLed resumes on the other host from its checkpoint in S3, with identical losses", async () => {
    const started = Date.now();
    const artifacts = s3.storeUrl("sweeps");
    const varsA = hostVars("a", artifacts);
    const varsB = hostVars("b", artifacts);
    const [a, b] = await Promise.all([
      startWorkerProcess("host-a", varsA),
      startWorkerProcess("host-b", varsB),
    ]);
    workers.push(a, b);
    const spec = tinySweep("s3-takeover", {
      steps: STEPS,
      lrs: [1e-2, 3e-3],
      base: {
        checkpoint: { interval: 20, keep: 2 },
        eval: { interval: 25, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
      },
    });
    const { created } = await submitSweep(env.prisma, env.trainQueue, spec);
    const runIds = created.map((c) => c.runId);
    // Each worker takes a run; once A's has a checkpoint in S3, A dies.
    const victim = await waitFor("A to train a run", async () => {
      const r = await env.prisma.run.findFirst({
        where: { id: { in: runIds }, status: "RUNNING", workerId: "host-a" },
      });
      return r?.id;
    });
    const checkpoint = await waitFor("a checkpoint of it in S3", () =>
      env.prisma.artifact.findFirst({ where: { runId: victim, kind: "CHECKPOINT" } }),
    );
    expect(checkpoint.uri).toMatch(
      new RegExp(`^s3://${s3.bucket}/sweeps/runs/${victim}/checkpoints/step-\\d{9}-a1$`),
    );
    a.kill("SIGKILL");
    const killedAt = Date.now();
    const stepAtKill = Math.max(0, ...(await metricSteps(env.prisma, victim, "train/loss")));
    expect(stepAtKill, a.output()).toBeLessThan(STEPS);

    const runs = await waitFor(
      "every run to finish on B",
      async () => {
        const rs = await env.prisma.run.findMany({ where: { id: { in: runIds } } });
        return rs.every((r) => ["COMPLETED", "FAILED", "DIVERGED", "CANCELLED"].includes(r.status))
          ? rs
          : null;
      },
      120_000,
    );
    for (const r of runs) expect(r.status, `${r.error}\n${b.output()}`).toBe("COMPLETED");
    const run = runs.find((r) => r.id === victim)!;
    expect(run.workerId).toBe("host-b");
    expect(run.attempts).toBe(2);
    const resumed = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId: victim, message: { startsWith: "resumed at step" } },
    });
    const resumedAt = (resumed.data as { startStep: number }).startStep;
    expect(resumedAt).toBeGreaterThanOrEqual(checkpoint.step!);
    expect(b.output()).toMatch(
      new RegExp(
        `run ${victim}: resuming from checkpoint step ${resumedAt} .* from s3://${s3.bucket}/sweeps/runs/`,
      ),
    );
    const recoveredMs = resumed.at.getTime() - killedAt;

    // Every step exactly once, equal to the same config trained without interruption.
    expect(await metricSteps(env.prisma, victim, "train/loss")).toEqual(range(1, STEPS));
    const refDir = mkdtempSync(join(tmpdir(), "bytelab-s3-ref-"));
    homes.push(refDir);
    await train({ config: run.config, outDir: refDir });
    const reference = readMetricsFile(join(refDir, METRICS_FILE));
    const stored = new Map(
      (await env.prisma.metricPoint.findMany({ where: { runId: victim } })).map((p) => [
        `${p.name}@${p.step}`,
        p.value,
      ]),
    );
    let compared = 0;
    for (const record of reference)
      for (const name of ["train/loss", "lr", "grad_norm", "val/bpb", "test/bpb"]) {
        const value = record.metrics[name];
        if (value === undefined || value === null) continue;
        expect(
          Math.abs(stored.get(`${name}@${record.step}`)! - value),
          `${name}@${record.step}`,
        ).toBeLessThanOrEqual(1e-6);
        compared++;
      }
    expect(compared).toBeGreaterThan(STEPS * 3);

    // The store holds what the rows name (checkpoints kept: 2, run artifacts), and the pointers; nothing else.
    const store = openArtifactStore(artifacts, { home: "/unused", env: s3.env });
    const rows = await env.prisma.artifact.findMany({ where: { runId: { in: runIds } } });
    const named = rows.map((r) => store.keyOf(r.uri)!);
    const objects = (await store.list("runs/")).map((o) => o.key);
    for (const key of objects)
      expect(
        key.endsWith("/checkpoints/latest") || named.some((n) => key === n || key.startsWith(`${n}/`)),
        `${key} is named by an artifacts row`,
      ).toBe(true);
    for (const runId of runIds)
      expect(rows.filter((r) => r.runId === runId && r.kind === "CHECKPOINT")).toHaveLength(2);
    await store.close();
    // B leaves no work folder; A's (killed) is removed when A starts again.
    expect(readdirSync(join(varsB.BYTELAB_HOME!, "work"))).toEqual([]);
    expect(readdirSync(join(varsA.BYTELAB_HOME!, "work"))).toEqual([`${victim}-a1`]);
    const again = await startWorkerProcess("host-a2", varsA);
    workers.push(again);
    expect(existsSync(join(varsA.BYTELAB_HOME!, "work", `${victim}-a1`))).toBe(false);
    console.log(
      `[reliability] s3-takeover: killed at step ${stepAtKill}, resumed at step ${resumedAt} on the other host ` +
        `${(recoveredMs / 1000).toFixed(1)} s after the kill; sweep done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
