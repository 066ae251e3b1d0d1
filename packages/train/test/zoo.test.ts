import { join } from "node:path";
import { createModel, initBackend } from "@bytelab/models";
import { beforeAll, describe, expect, it } from "vitest";
import { chunkBoundaryDepths } from "../src/boundaries";
import { type Architecture, ARCHITECTURES, parseTrainConfig } from "../src/config";
import { configHash } from "../src/config-hash";
import { smallDefaults } from "../src/defaults";
import { METRICS_FILE, type MetricRecord, readMetricsFile } from "../src/metrics";
import { loadModelFromCheckpoint } from "../src/restore";
import { readRunMeta } from "../src/run-meta";
import { resolvedConfig, resumeTraining, train } from "../src/trainer";
import { tinyCorpus } from "./helpers/corpus";

// The real zoo models (tiny configs) through the real data pipeline: training runs, resumes exactly,
// and checkpoints rebuild the model.
const corpus = tinyCorpus(20_000);
const TINY: Record<Architecture, Record<string, unknown>> = {
  transformer: { n_layer: 1, n_head: 2, n_embd: 32, block_size: 32 },
  hourglass: { dim: 32, depth: [1, 1, 1], shorten_factor: 2, heads: 2, dim_head: 16, max_seq_len: 32 },
  megabyte: { dim: [32, 32], depth: [1, 1], max_seq_len: [8, 4], dim_head: 16, heads: 2 },
  hnet: {
    arch_layout: ["T1", ["T1"], "T1"],
    d_model: [32, 48],
    d_intermediate: [64, 96],
    attn_cfg: { num_heads: [2, 2], rotary_emb_dim: [8, 8], window_size: [-1, -1] },
  },
};

const config = (architecture: Architecture) => ({
  architecture,
  model: TINY[architecture],
  dataset: corpus.dataset,
  seqLen: 32,
  batchSize: 2,
  steps: 6,
  logInterval: 1,
  eval: { interval: 2, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
  checkpoint: { interval: 2, keep: 1 },
  optimizer: { lr: 3e-3 },
  seed: 3,
});

const timing = new Set(["throughput/bytes_per_s", "memory/bytes", "memory/tensors"]);
const values = (records: MetricRecord[]) =>
  records.flatMap((r) =>
    Object.entries(r.metrics)
      .filter(([k]) => !timing.has(k))
      .map(([k, v]) => ({ at: `${r.kind}@${r.step} ${k}`, v: v!, flops: r.flops })),
  );

beforeAll(async () => {
  await initBackend();
});

describe.each(ARCHITECTURES)("%s from the zoo", (arch) => {
  it("resumes to exactly the metrics of an uninterrupted run", async () => {
    const full = join(corpus.dir, `${arch}-full`);
    const split = join(corpus.dir, `${arch}-split`);
    expect((await train({ config: config(arch), outDir: full })).status).toBe("COMPLETED");
    expect((await train({ config: config(arch), outDir: split, stopAtStep: 3 })).status).toBe("CANCELLED");
    expect((await resumeTraining({ from: split })).status).toBe("COMPLETED");
    const a = values(readMetricsFile(join(full, METRICS_FILE)));
    const b = values(readMetricsFile(join(split, METRICS_FILE)));
    expect(b.map((x) => x.at)).toEqual(a.map((x) => x.at));
    a.forEach((x, i) => {
      expect(Math.abs(b[i]!.v - x.v), x.at).toBeLessThanOrEqual(1e-6);
      expect(b[i]!.flops).toBeCloseTo(x.flops, 0);
    });
    if (arch === "hnet") expect(a.some((x) => x.at.endsWith("stage0/boundary_fraction"))).toBe(true);
    const meta = readRunMeta(full)!;
    expect(meta.config.model).toEqual(JSON.parse(JSON.stringify(createModel(arch, TINY[arch]).config)));

    const { model } = await loadModelFromCheckpoint(full);
    try {
      expect(model.architecture).toBe(arch);
      const depth = chunkBoundaryDepths(model, new TextEncoder().encode("The cat sat on the mat."));
      if (arch === "hnet") {
        expect(depth).toBeDefined();
        expect(depth![0]).toBeGreaterThanOrEqual(1); // H-Net always starts a chunk at the first byte
      } else expect(depth).toBeUndefined();
    } finally {
      model.dispose();
    }
  });
});

describe("small defaults", () => {
  it.each(ARCHITECTURES)("%s: the `bytelab train` default model has 0.5-1M parameters", (arch) => {
    const c = parseTrainConfig(smallDefaults(arch));
    const model = createModel(arch, c.model, 0);
    try {
      expect(model.paramCount()).toBeGreaterThan(500_000);
      expect(model.paramCount()).toBeLessThan(1_000_000);
    } finally {
      model.dispose();
    }
  });
});

describe("deprecated hourglass keys (camelCase)", () => {
  const camel = { dim: 32, depth: [1, 1, 1], shortenFactor: 2, heads: 2, dimHead: 16, maxSeqLen: 32 };
  const resolve = (model: Record<string, unknown>) => {
    const c = parseTrainConfig({ ...config("hourglass"), model });
    const built = createModel("hourglass", c.model, c.seed);
    try {
      return resolvedConfig(c, built);
    } finally {
      built.dispose();
    }
  };

  it("give the same resolved config and config hash as the snake_case keys, and the trainer records that", async () => {
    const fromCamel = resolve(camel);
    const fromSnake = resolve(TINY.hourglass);
    expect(fromCamel).toEqual(fromSnake);
    expect(fromCamel.model).toMatchObject({ shorten_factor: 2, dim_head: 16, max_seq_len: 32 });
    expect(Object.keys(fromCamel.model)).not.toContain("shortenFactor");
    expect(configHash(fromCamel)).toBe(configHash(fromSnake));

    const outDir = join(corpus.dir, "hourglass-camel");
    const result = await train({ config: { ...config("hourglass"), model: camel }, outDir });
    expect(result.status).toBe("COMPLETED");
    const meta = readRunMeta(outDir)!;
    expect(meta.config).toEqual(JSON.parse(JSON.stringify(fromSnake)));
    expect(meta.configHash).toBe(configHash(fromSnake));
  });

  it("refuse both spellings of one key, naming both", async () => {
    const both = { ...TINY.hourglass, maxSeqLen: 64 };
    expect(() => resolve(both)).toThrow(
      /maxSeqLen: maxSeqLen and max_seq_len are two spellings of the same key: keep max_seq_len/,
    );
    await expect(
      train({ config: { ...config("hourglass"), model: both }, outDir: join(corpus.dir, "hourglass-both") }),
    ).rejects.toThrow(/keep max_seq_len and remove maxSeqLen/);
  });
});
