import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideEarlyStop, recordEarlyStop, submitSweep } from "../src";
import { openTestEnv, type QueueTestEnv, smallSweep } from "./helpers";

let env: QueueTestEnv;
beforeAll(async () => {
  env = await openTestEnv("queue_early_stop");
});
afterAll(async () => env?.close());

describe("decideEarlyStop (ASHA over the metrics in Postgres)", () => {
  it("judges a run at its rung against the sweep's other runs, from the sweep's schedule", async () => {
    const spec = {
      ...smallSweep("asha", [1e-3, 2e-3, 3e-3]),
      earlyStopping: { metric: "val/bpb", minFlops: 1e9, eta: 3 },
    };
    const { created, sweep } = await submitSweep(env.prisma, env.trainQueue, spec);
    expect(created).toHaveLength(12);
    // Run i reports val/bpb = 1 + i/10 at 0.5e9 and 1.2e9 FLOPs (rung 0 = 1e9): lower i is better.
    const ids = created.map((c) => c.runId).sort();
    await env.prisma.metricPoint.createMany({
      data: ids.flatMap((runId, i) => [
        { runId, name: "val/bpb", step: 1, value: 3, flops: 0.5e9 },
        { runId, name: "val/bpb", step: 2, value: 1 + i / 10, flops: 1.2e9 },
        { runId, name: "train/loss", step: 2, value: 100 - i, flops: 1.2e9 },
      ]),
    });
    const decisions = await Promise.all(ids.map((id) => decideEarlyStop(env.prisma, id)));
    // floor(12 / 3) = 4 continue: the 4 best (lowest bpb).
    expect(decisions.map((d) => d!.action)).toEqual([...Array(4).fill("continue"), ...Array(8).fill("stop")]);
    const stop = decisions[11]!;
    if (stop.action !== "stop") throw new Error("expected stop");
    expect(stop).toMatchObject({ rung: 0, rank: 11, competitors: 12, promotable: 4 });
    await recordEarlyStop(env.prisma, ids[11]!, stop);
    const event = await env.prisma.runEvent.findFirstOrThrow({
      where: { runId: ids[11]!, kind: "EARLY_STOP" },
    });
    expect(event.data).toMatchObject({ rung: 0, rungFlops: 1e9, rank: 11 });
    expect(event.message).toContain("val/bpb");
    // The schedule comes from the sweep; another metric can be passed explicitly.
    const byLoss = await decideEarlyStop(env.prisma, ids[0]!, {
      config: { kind: "asha", metric: "train/loss", mode: "min", minFlops: 1e9, eta: 3, minRunsPerRung: 1 },
    });
    expect(byLoss!.action).toBe("stop"); // train/loss = 100 - i: run 0 is the worst
    expect(sweep.id).toBeTruthy();
  });

  it("does not judge before the first rung, and answers null without early stopping", async () => {
    const { created } = await submitSweep(env.prisma, env.trainQueue, {
      ...smallSweep("asha-early", [4e-3]),
      seeds: [0],
      earlyStopping: { minFlops: 1e12 },
    });
    const runId = created[0]!.runId;
    await env.prisma.metricPoint.create({ data: { runId, name: "val/bpb", step: 1, value: 9, flops: 1e9 } });
    expect(await decideEarlyStop(env.prisma, runId)).toMatchObject({ action: "continue", rung: null });
    const plain = await submitSweep(env.prisma, env.trainQueue, {
      ...smallSweep("plain", [5e-3]),
      seeds: [0],
    });
    expect(await decideEarlyStop(env.prisma, plain.created[0]!.runId)).toBeNull();
  });
});
