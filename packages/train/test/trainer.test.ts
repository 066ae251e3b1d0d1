import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { initBackend } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint, readLatestName } from "../src/checkpoint";
import type { TrainConfigInput } from "../src/config";
import { DivergenceGuard } from "../src/divergence";
import { METRICS_FILE, type MetricRecord, readMetricsFile } from "../src/metrics";
import type { ModelFactory } from "../src/models";
import { readRunMeta } from "../src/run-meta";
import { resumeTraining, train } from "../src/trainer";
import { createBigram } from "./helpers/bigram";
import { tinyCorpus } from "./helpers/corpus";

const corpus = tinyCorpus();
const bigram: ModelFactory = (_arch, config, seed) =>
  createBigram({ dim: 16, seed, auxWeight: Number(config.auxWeight ?? 0) });

function config(over: Partial<TrainConfigInput> = {}): TrainConfigInput {
  return {
    architecture: "transformer",
    model: { auxWeight: 0.01 },
    dataset: corpus.dataset,
    seqLen: 32,
    batchSize: 4,
    gradAccumulation: 2,
    steps: 20,
    logInterval: 3,
    eval: { interval: 5, windows: 8, testWindows: 8, batchSize: 4, robustness: { rates: [0.1], windows: 4 } },
    checkpoint: { interval: 5, keep: 2 },
    optimizer: { lr: 1e-2 },
    seed: 7,
    ...over,
  };
}

let n = 0;
const outDir = () => join(corpus.dir, `run-${n++}`);

/** Everything a resumed run must reproduce: the metric values that do not depend on timing. */
function deterministic(records: MetricRecord[]) {
  const timing = new Set(["throughput/bytes_per_s", "memory/bytes", "memory/tensors"]);
  return records.map((r) => ({
    kind: r.kind,
    step: r.step,
    bytesSeen: r.bytesSeen,
    flops: r.flops,
    metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k]) => !timing.has(k))),
  }));
}

beforeAll(async () => {
  await initBackend();
});

describe("train()", () => {
  it("trains, logs every metric, evaluates, checkpoints and records the run", async () => {
    const dir = outDir();
    const tensorsBefore = tf.memory().numTensors;
    const result = await train({ config: config({ steps: 30 }), outDir: dir, createModel: bigram });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(result.status).toBe("COMPLETED");
    expect(result.step).toBe(30);

    const records = readMetricsFile(join(dir, METRICS_FILE));
    const trainRecs = records.filter((r) => r.kind === "train");
    expect(trainRecs.map((r) => r.step)).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    for (const key of [
      "train/loss",
      "train/bpb",
      "train/aux_loss",
      "lr",
      "grad_norm",
      "throughput/bytes_per_s",
      "memory/bytes",
      "memory/tensors",
      "stage0/boundary_fraction",
      "stage0/ratio_loss",
      "stage0/compression",
    ])
      expect(trainRecs[0]!.metrics[key], key).toEqual(expect.any(Number));
    const last = trainRecs.at(-1)!;
    expect(last.bytesSeen).toBe(30 * 4 * 2 * 32);
    // bigram training FLOPs/byte = 3 * (2 (16*16 + 16*256) + 1000 * chunk fraction), fraction 8/32 measured
    expect(last.flops).toBeCloseTo(3 * (2 * (16 * 16 + 16 * 256) + 1000 * 0.25) * last.bytesSeen, 0);
    expect(last.metrics["stage0/compression"]).toBe(4);
    expect(last.metrics["train/loss"]!).toBeLessThan(trainRecs[0]!.metrics["train/loss"]! - 0.5);
    expect(last.metrics["train/bpb"]).toBeCloseTo(last.metrics["train/loss"]! / Math.LN2, 10);

    const evals = records.filter((r) => r.kind === "eval");
    expect(evals.map((r) => r.step)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(evals.at(-1)!.metrics["val/bpb"]!).toBeLessThan(evals[0]!.metrics["val/bpb"]!);
    expect(records.find((r) => r.kind === "test")?.metrics["test/bpb"]).toEqual(expect.any(Number));
    const robust = records.find((r) => r.kind === "robustness")!;
    expect(Object.keys(robust.metrics).sort()).toEqual(["robust/clean/bpb", "robust/substitute@0.1/bpb"]);
    expect(robust.metrics["robust/substitute@0.1/bpb"]!).toBeGreaterThan(robust.metrics["robust/clean/bpb"]!);

    const meta = readRunMeta(dir)!;
    expect(meta.status).toBe("COMPLETED");
    expect(meta.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.paramCount).toBe(256 * 16 * 2 + 16 * 16 + 16 + 16);
    expect(meta.summary?.test?.bpb).toEqual(expect.any(Number));
    expect(meta.summary?.unigramBitsPerByte).toBeGreaterThan(2);
    expect(meta.gitCommit).toMatch(/^[0-9a-f]{40}$/);

    // keep = 2: only the last two checkpoints survive, latest is the final one
    const ckpts = readdirSync(join(dir, "checkpoints")).filter((d) => d.startsWith("step-"));
    expect(ckpts).toEqual(["step-000000025", "step-000000030"]);
    expect(readLatestName(join(dir, "checkpoints"))).toBe("step-000000030");
  });

  it("an interrupted and resumed run reproduces the uninterrupted run's metrics", async () => {
    const full = outDir();
    await train({ config: config(), outDir: full, createModel: bigram });
    const split = outDir();
    const first = await train({ config: config(), outDir: split, createModel: bigram, stopAtStep: 10 });
    expect(first.status).toBe("CANCELLED");
    expect(first.step).toBe(10);
    const second = await resumeTraining({ from: split, createModel: bigram });
    expect(second.status).toBe("COMPLETED");

    const a = deterministic(readMetricsFile(join(full, METRICS_FILE)));
    const b = deterministic(readMetricsFile(join(split, METRICS_FILE)));
    expect(b.map((r) => `${r.kind}@${r.step}`)).toEqual(a.map((r) => `${r.kind}@${r.step}`));
    a.forEach((ra, i) => {
      const rb = b[i]!;
      expect(rb.bytesSeen).toBe(ra.bytesSeen);
      expect(Object.keys(rb.metrics)).toEqual(Object.keys(ra.metrics));
      for (const [k, v] of Object.entries(ra.metrics))
        expect(Math.abs(rb.metrics[k]! - v!), `${ra.kind}@${ra.step} ${k}`).toBeLessThanOrEqual(1e-6);
    });
    expect(readRunMeta(split)?.resumes).toHaveLength(1);
  });

  it("a crash between writing and renaming a checkpoint leaves the previous one as latest", async () => {
    const dir = outDir();
    let saves = 0;
    await expect(
      train({
        config: config(),
        outDir: dir,
        createModel: bigram,
        beforeCheckpointCommit: () => {
          saves += 1;
          if (saves === 2) throw new Error("simulated crash mid-save");
        },
      }),
    ).rejects.toThrow(/simulated crash/);
    const root = join(dir, "checkpoints");
    expect(readLatestName(root)).toBe("step-000000005");
    expect(readdirSync(root).some((d) => d.startsWith(".tmp-step-000000010"))).toBe(true);
    const ckpt = loadCheckpoint(dir);
    expect(ckpt.meta.step).toBe(5);
    expect(readRunMeta(dir)).toMatchObject({ status: "FAILED", message: "simulated crash mid-save" });

    const resumed = await resumeTraining({ from: dir, createModel: bigram });
    expect(resumed.status).toBe("COMPLETED");
    expect(readdirSync(root).filter((d) => d.startsWith("."))).toEqual([]);
  });

  it("refuses a corrupt checkpoint with a message naming the file", async () => {
    const dir = outDir();
    await train({ config: config({ steps: 5 }), outDir: dir, createModel: bigram });
    const ckpt = join(dir, "checkpoints", "step-000000005", "weights.bin");
    const bytes = readFileSync(ckpt);
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(ckpt, bytes);
    expect(() => loadCheckpoint(dir)).toThrow(/weights\.bin is corrupt/);
  });

  it("stops with DIVERGED (not a crash) when the learning rate is absurd", async () => {
    const dir = outDir();
    const result = await train({
      config: config({ optimizer: { lr: 1e4 }, schedule: { warmupSteps: 0 } }),
      outDir: dir,
      createModel: bigram,
    });
    expect(result.status).toBe("DIVERGED");
    expect(result.message).toMatch(/lower optimizer\.lr/);
    expect(result.step).toBeLessThan(20);
    expect(readRunMeta(dir)?.status).toBe("DIVERGED");
  });
});

describe("DivergenceGuard", () => {
  const bounds = { spikeFactor: 3, window: 10, afterWarmup: true, maxLoss: 20 };
  it("flags NaN, Inf and losses above maxLoss at any step", () => {
    const g = new DivergenceGuard(bounds, 100);
    expect(g.check(1, Number.NaN)?.reason).toMatch(/NaN/);
    expect(g.check(1, Number.POSITIVE_INFINITY)?.reason).toMatch(/Infinity/);
    expect(g.check(1, 25)?.reason).toMatch(/maxLoss/);
    expect(g.check(1, 5)).toBeNull();
  });

  it("flags a spike above spikeFactor x running median only after warmup", () => {
    const g = new DivergenceGuard(bounds, 10);
    for (let s = 1; s <= 10; s++) expect(g.check(s, 2)).toBeNull();
    expect(g.check(10, 7)).toBeNull(); // still warmup (step 10 of 10)
    expect(g.check(11, 5.9)).toBeNull();
    expect(g.check(12, 6.1)?.reason).toMatch(/running median 2\.000/);
  });
});
