import { join } from "node:path";
import { createModel, initBackend } from "@bytelab/models";
import { beforeAll, describe, expect, it } from "vitest";
import {
  bytesPerStep,
  FLOP_BUDGET_STEP_CAP,
  parseTrainConfig,
  plannedStepsForFlops,
  type TrainConfigInput,
} from "../src/config";
import { configHash } from "../src/config-hash";
import { METRICS_FILE, type MetricRecord, readMetricsFile } from "../src/metrics";
import type { ModelFactory } from "../src/models";
import { readRunMeta } from "../src/run-meta";
import { resumeTraining, train } from "../src/trainer";
import { createBigram } from "./helpers/bigram";
import { tinyCorpus } from "./helpers/corpus";

// FLOP budgets are enforced on the measured cumulative training FLOPs: a run stops after the first step
// at which they reach the budget, whatever its FLOPs per byte turned out to be.
const corpus = tinyCorpus(20_000);
let n = 0;
const outDir = () => join(corpus.dir, `budget-${n++}`);

beforeAll(async () => {
  await initBackend();
});

const trainRecords = (dir: string): MetricRecord[] =>
  readMetricsFile(join(dir, METRICS_FILE)).filter((r) => r.kind === "train");

/** FLOPs of each step (logInterval 1: one train record per step). */
const stepFlops = (records: MetricRecord[]) => records.map((r, i) => r.flops - (records[i - 1]?.flops ?? 0));

describe("an H-Net whose compression drifts from its ratio-loss target", () => {
  // Target N = 8, but no ratio loss (weight 0) pulls the routers there: the measured compression is what
  // the randomly initialised routers do, far from 1/8, so the FLOPs per byte differ from the analytic ones.
  const hnet = {
    arch_layout: ["T1", ["T1"], "T1"],
    d_model: [16, 24],
    d_intermediate: [32, 48],
    attn_cfg: { num_heads: [2, 2], rotary_emb_dim: [4, 4], window_size: [-1, -1] },
    ratio_loss: { N: [8], weight: 0 },
  };
  const base: TrainConfigInput = {
    architecture: "hnet",
    model: hnet,
    dataset: corpus.dataset,
    seqLen: 32,
    batchSize: 2,
    logInterval: 1,
    eval: { interval: 5, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
    checkpoint: { interval: 4, keep: 2 },
    optimizer: { lr: 3e-3 },
    seed: 1,
  };
  const model = createModel("hnet", hnet, 0);
  const perStep = model.flopsPerByte(32).training * 64; // analytic: at the target compression 1/8
  model.dispose();
  const flopBudget = 20.5 * perStep; // 21 steps as planned

  it("still stops within one step of its FLOP budget, and records the budget and what it reached", async () => {
    const dir = outDir();
    const result = await train({ config: { ...base, flopBudget }, outDir: dir });
    expect(result.status).toBe("COMPLETED");
    const records = trainRecords(dir);
    const compression = records.map((r) => r.metrics["stage0/compression"]!);
    // It drifted: positions per chunk nowhere near the target 8 (so the plan's 21 steps are wrong).
    expect(Math.abs(compression.at(-1)! - 8)).toBeGreaterThan(1);
    const planned = plannedStepsForFlops(flopBudget, perStep);
    expect(planned).toBe(21);
    expect(result.step).not.toBe(planned);

    const reached = result.summary.flops;
    const perStepMeasured = stepFlops(records);
    expect(reached).toBe(records.at(-1)!.flops);
    expect(reached).toBeGreaterThanOrEqual(flopBudget);
    expect(reached - flopBudget).toBeLessThan(perStepMeasured.at(-1)!); // within one step
    // and one step fewer would not have reached it
    expect(records.at(-2)!.flops).toBeLessThan(flopBudget);
    expect(result.summary).toMatchObject({
      plannedSteps: 21,
      stoppedBy: "flop-budget",
      flopBudget: { budget: flopBudget, reached, reachedBudget: true, maxSteps: 21 * FLOP_BUDGET_STEP_CAP },
    });
    // The final evaluation is at the step it stopped at, with the FLOPs it reached.
    const last = readMetricsFile(join(dir, METRICS_FILE));
    const test = last.find((r) => r.kind === "test")!;
    expect(test).toMatchObject({ step: result.step, flops: reached });
    expect(result.summary.test!.bpb).toBeGreaterThan(0);
    // The planned steps are recorded in the run's config (and so its hash), the budget too.
    const meta = readRunMeta(dir)!;
    expect(meta.config).toMatchObject({ steps: 21, flopBudget });
    expect(meta.configHash).toBe(configHash(meta.config));
    expect(meta.summary?.flopBudget?.reached).toBe(reached);
  });

  it("resumes to the same stop: the stop condition depends only on the checkpoint's step and FLOPs", async () => {
    const full = outDir();
    const split = outDir();
    const config = { ...base, flopBudget };
    const a = await train({ config, outDir: full });
    expect((await train({ config, outDir: split, stopAtStep: 8 })).status).toBe("CANCELLED");
    const b = await resumeTraining({ from: split });
    expect(b.status).toBe("COMPLETED");
    expect(b.step).toBe(a.step);
    expect(b.summary.flops).toBe(a.summary.flops);
    const ra = readMetricsFile(join(full, METRICS_FILE));
    const rb = readMetricsFile(join(split, METRICS_FILE));
    expect(rb.map((r) => `${r.kind}@${r.step}`)).toEqual(ra.map((r) => `${r.kind}@${r.step}`));
    ra.forEach((r, i) => {
      expect(rb[i]!.flops).toBe(r.flops);
      expect(rb[i]!.metrics.lr).toBe(r.metrics.lr);
    });
  });
});

describe("FLOP budgets on a model of known cost", () => {
  // The bigram's telemetry says 1/4 of the positions start a chunk, its analytic cost assumes none: every
  // step costs more than planned by a fixed amount, so the stop step is known exactly.
  const bigram: ModelFactory = (_arch, config, seed) =>
    createBigram({ dim: 16, seed, auxWeight: Number(config.auxWeight ?? 0) });
  const base: TrainConfigInput = {
    architecture: "transformer",
    model: { auxWeight: 0.01 },
    dataset: corpus.dataset,
    seqLen: 16,
    batchSize: 2,
    logInterval: 1,
    eval: { interval: 0, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
    checkpoint: { interval: 0, keep: 1 },
    seed: 2,
  };
  const built = createBigram({ dim: 16, auxWeight: 0.01 });
  const planned = built.flopsPerByte(16).training * 32;
  const measured = built.flopsPerByte(16, { compressionRatios: [0.25] }).training * 32;
  built.dispose();

  it("plans steps at the analytic cost and stops at the measured one", async () => {
    const flopBudget = 40 * planned; // 40 planned steps
    const result = await train({ config: { ...base, flopBudget }, outDir: outDir(), createModel: bigram });
    expect(result.summary.plannedSteps).toBe(40);
    expect(result.step).toBe(Math.ceil(flopBudget / measured));
    expect(result.summary.flops).toBeCloseTo(result.step * measured, 0);
  });

  it("a budget of exactly k steps stops after k steps, not k + 1", async () => {
    const result = await train({
      config: { ...base, model: {}, flopBudget: 12 * built.flopsPerByte(16).training * 32 },
      outDir: outDir(),
      createModel: bigram,
    });
    expect(result.step).toBe(12);
    expect(result.summary.stoppedBy).toBe("flop-budget");
  });

  it("stops at the step cap (2x the planned steps) when the budget is out of reach, and says so", async () => {
    // Planned 5 steps, but a budget 100 steps away: it stops at 10 steps, COMPLETED, budget not reached.
    const flopBudget = 100 * measured;
    const result = await train({
      config: { ...base, steps: 5, flopBudget },
      outDir: outDir(),
      createModel: bigram,
    });
    expect(result.status).toBe("COMPLETED");
    expect(result.step).toBe(5 * FLOP_BUDGET_STEP_CAP);
    expect(result.summary).toMatchObject({
      stoppedBy: "step-cap",
      flopBudget: { budget: flopBudget, reachedBudget: false, maxSteps: 10 },
    });
    expect(result.message).toMatch(/stopped at the step cap \(10 steps = 2 x the planned 5\)/);
    expect(result.summary.test).not.toBeNull();
  });

  it("runs the schedule on the share of the budget spent: the decay ends at the budget", async () => {
    const flopBudget = 30.5 * planned; // 31 planned steps, 30 at the measured cost
    const dir = outDir();
    const config = {
      ...base,
      flopBudget,
      optimizer: { lr: 1e-2 },
      schedule: { kind: "cosine" as const, warmupSteps: 0, minLrRatio: 0.1 },
    };
    const result = await train({ config, outDir: dir, createModel: bigram });
    const lrs = trainRecords(dir).map((r) => r.metrics.lr!);
    // Fewer steps than planned (each costs more), yet the last update is near the end of the decay.
    expect(result.summary.plannedSteps).toBe(31);
    expect(result.step).toBe(30);
    // Its last update spends the end of the budget: the lr is at the floor (a schedule over the 31 planned
    // steps would still be above it at step 30: 1.025e-3).
    expect(lrs.at(-1)!).toBeCloseTo(1e-3, 9);
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]!).toBeLessThanOrEqual(lrs[i - 1]!);
  });

  it("finishes on request like a finished run: final val and test evaluation at that step", async () => {
    const finish = new AbortController();
    const dir = outDir();
    const result = await train({
      config: { ...base, flopBudget: 40 * planned },
      outDir: dir,
      createModel: bigram,
      finish: finish.signal,
      afterStep: (step) => {
        if (step === 7) finish.abort("early-stop");
      },
    });
    expect(result.status).toBe("COMPLETED");
    expect(result.step).toBe(7);
    expect(result.summary).toMatchObject({
      stoppedBy: "finish-request",
      finishReason: "early-stop",
      flopBudget: { reachedBudget: false },
    });
    const records = readMetricsFile(join(dir, METRICS_FILE));
    expect(records.filter((r) => r.kind !== "train").map((r) => `${r.kind}@${r.step}`)).toEqual([
      "eval@7",
      "test@7",
    ]);
  });

  it("refuses a flopBudget next to a byteBudget, and --steps on resume drops the budget", async () => {
    expect(() => parseTrainConfig({ ...base, flopBudget: 1e6, byteBudget: 1000 })).toThrow(
      /give either flopBudget or byteBudget/,
    );
    const dir = outDir();
    await train({
      config: { ...base, flopBudget: 40 * planned },
      outDir: dir,
      createModel: bigram,
      stopAtStep: 3,
    });
    const resumed = await resumeTraining({ from: dir, steps: 6, createModel: bigram });
    expect(resumed.step).toBe(6);
    expect(resumed.summary.flopBudget).toBeNull();
    expect(bytesPerStep(parseTrainConfig(base))).toBe(32);
  });
});
