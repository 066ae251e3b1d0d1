import { join } from "node:path";
import { initBackend } from "@bytelab/models";
import { beforeAll, describe, expect, it } from "vitest";
import { METRICS_FILE, type MetricRecord, readMetricsFile } from "../src/metrics";
import { resumeTraining, train } from "../src/trainer";
import { tinyCorpus } from "./helpers/corpus";

// "Same seed, same run" and exact resume for the configs the zoo test does not cover: dropout > 0 (masks
// seeded from the run's seed, step and micro-batch) and the Mamba-2 H-Net.
const corpus = tinyCorpus(20_000);

const CASES: Record<string, { architecture: string; model: Record<string, unknown> }> = {
  "transformer, dropout 0.2": {
    architecture: "transformer",
    model: { n_layer: 1, n_head: 2, n_embd: 32, block_size: 32, dropout: 0.2 },
  },
  "megabyte, attention and feed-forward dropout 0.2": {
    architecture: "megabyte",
    model: {
      dim: [32, 32],
      depth: [1, 1],
      max_seq_len: [8, 4],
      dim_head: 16,
      heads: 2,
      attn_dropout: 0.2,
      ff_dropout: 0.2,
    },
  },
  "Mamba-2 H-Net": {
    architecture: "hnet",
    model: {
      arch_layout: ["m1", ["M1"], "t1"],
      d_model: [32, 48],
      d_intermediate: [0, 96],
      ssm_cfg: { d_state: 8, headdim: 16 },
      attn_cfg: { num_heads: [2, 2], rotary_emb_dim: [8, 8], window_size: [-1, -1] },
    },
  },
};

const config = (name: string) => ({
  ...CASES[name]!,
  dataset: corpus.dataset,
  seqLen: 32,
  batchSize: 2,
  gradAccumulation: 2,
  steps: 6,
  logInterval: 1,
  eval: { interval: 2, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
  checkpoint: { interval: 2, keep: 1 },
  optimizer: { lr: 3e-3 },
  seed: 5,
});

const timing = new Set(["throughput/bytes_per_s", "memory/bytes", "memory/tensors"]);
const values = (records: MetricRecord[]) =>
  records.flatMap((r) =>
    Object.entries(r.metrics)
      .filter(([k]) => !timing.has(k))
      .map(([k, v]) => ({ at: `${r.kind}@${r.step} ${k}`, v: v! })),
  );

beforeAll(async () => {
  await initBackend();
});

describe.each(Object.keys(CASES))("%s", (name) => {
  it("the same seed trains the same run, and a resumed run continues it exactly", async () => {
    const dirs = ["a", "b", "split"].map((d) => join(corpus.dir, `${name.replace(/\W+/g, "-")}-${d}`));
    const [a, b, split] = dirs as [string, string, string];
    expect((await train({ config: config(name), outDir: a })).status).toBe("COMPLETED");
    expect((await train({ config: config(name), outDir: b })).status).toBe("COMPLETED");
    expect((await train({ config: config(name), outDir: split, stopAtStep: 3 })).status).toBe("CANCELLED");
    expect((await resumeTraining({ from: split })).status).toBe("COMPLETED");

    const first = values(readMetricsFile(join(a, METRICS_FILE)));
    const again = values(readMetricsFile(join(b, METRICS_FILE)));
    const resumed = values(readMetricsFile(join(split, METRICS_FILE)));
    expect(first.length).toBeGreaterThan(6 * 5);
    // Same seed, same process: bit for bit.
    expect(again).toEqual(first);
    // Resumed (weights and moments through a float32 checkpoint): the same values.
    expect(resumed.map((x) => x.at)).toEqual(first.map((x) => x.at));
    for (const [i, x] of first.entries())
      expect(Math.abs(resumed[i]!.v - x.v), x.at).toBeLessThanOrEqual(1e-6);
  });
});

describe("dropout seeds", () => {
  it("another seed drops other units (dropout is on, not a no-op)", async () => {
    const name = "transformer, dropout 0.2";
    const base = join(corpus.dir, "seed-5");
    const other = join(corpus.dir, "seed-6");
    const noDropout = join(corpus.dir, "no-dropout");
    await train({ config: config(name), outDir: base });
    await train({ config: { ...config(name), seed: 6 }, outDir: other });
    const c = config(name);
    await train({ config: { ...c, model: { ...c.model, dropout: 0 } }, outDir: noDropout });
    const loss = (dir: string) =>
      readMetricsFile(join(dir, METRICS_FILE))
        .filter((r) => r.kind === "train")
        .map((r) => r.metrics["train/loss"]);
    expect(loss(other)).not.toEqual(loss(base));
    expect(loss(noDropout)).not.toEqual(loss(base));
  });
});
