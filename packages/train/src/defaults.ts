import type { Architecture, TrainConfigInput } from "./config";

/**
 * Small model configs (~0.5-1M parameters) per architecture, sized so that
 * `bytelab train --arch <a> --dataset brown --steps 300` takes minutes on 2 CPU cores. Fields not given
 * keep the model's own documented defaults. `seqLen` sizes the position tables / patch counts.
 */
export function defaultModelConfig(arch: Architecture, seqLen: number): Record<string, unknown> {
  switch (arch) {
    case "transformer":
      // nanoGPT-style GPT, 4 layers of width 128, 4 heads, learned positions (~0.84M): the flat baseline.
      return { n_layer: 4, n_head: 4, n_embd: 128, block_size: seqLen };
    case "hourglass":
      // 1 layer at byte level, 2 layers at 1/4 length, 1 layer back at byte level, plus the two attention
      // resampling layers (~0.72M).
      return { dim: 96, depth: [1, 2, 1], shorten_factor: 4, heads: 3, dim_head: 32, max_seq_len: seqLen };
    case "megabyte":
      // Global model over patches of 4 bytes (2 layers, width 128) + local byte model (2 layers, width 96).
      return {
        dim: [128, 96],
        depth: [2, 2],
        max_seq_len: [Math.ceil(seqLen / 4), 4],
        dim_head: 32,
        heads: 4,
      };
    case "hnet":
      // 1-stage attention H-Net ["T1", ["T2"], "T1"]: byte-level encoder/decoder of width 96, main network of
      // width 128 over ~1/6 of the positions (ratio-loss target N = 6), full causal attention (~0.7M).
      return {
        arch_layout: ["T1", ["T2"], "T1"],
        d_model: [96, 128],
        d_intermediate: [256, 384],
        attn_cfg: { num_heads: [3, 4], rotary_emb_dim: [16, 16], window_size: [-1, -1] },
      };
  }
}

/**
 * H-Net per-stage learning-rate multipliers as prefix rules (outer stages first). Stage 0 covers the
 * embeddings, the lm_head and `backbone.`; stage s > 0 is `backbone.` + s x `main_network.` (the longest
 * matching prefix wins, so deeper rules override outer ones). The paper trains outer stages with larger
 * rates (e.g. [3.0, 1.7, 0.9] for 2 stages) because they see shorter, more numerous sequences per update.
 */
export function hnetStageLrMultipliers(multipliers: number[]): Array<{ prefix: string; multiplier: number }> {
  return multipliers.flatMap((multiplier, s) =>
    s === 0
      ? ["embeddings.", "lm_head.", "backbone."].map((prefix) => ({ prefix, multiplier }))
      : [{ prefix: `backbone.${"main_network.".repeat(s)}`, multiplier }],
  );
}

/**
 * Defaults `bytelab train` starts from for an architecture (before --config and flags): the small model,
 * 8 x 128-byte sequences per step (1 KiB; about 1 s per step on 2 cores with the stock wasm backend) and
 * 32 validation windows per periodic evaluation.
 */
export function smallDefaults(arch: Architecture, seqLen = 128): TrainConfigInput {
  return {
    architecture: arch,
    seqLen,
    batchSize: 8,
    eval: { windows: 32 },
    model: defaultModelConfig(arch, seqLen),
    // 1-stage H-Net: outer stage x2, main network x1 (heuristic in the direction of the paper's multipliers).
    ...(arch === "hnet" ? { optimizer: { lrMultipliers: hnetStageLrMultipliers([2, 1]) } } : {}),
  };
}
