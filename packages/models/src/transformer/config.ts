import { z } from "zod";
import { parseOrThrow } from "../parse";

/**
 * Flat byte-level Transformer (decoder-only GPT), the baseline the hierarchical models are compared with.
 * Field names and defaults follow nanoGPT's GPTConfig (karpathy/nanoGPT model.py) where it has them, with
 * bytes as tokens (vocab 256). Sizes default to nanoGPT's character-level "baby GPT" preset
 * (config/train_shakespeare_char.py: 6 layers, 6 heads, 384 wide), the closest nanoGPT preset to bytes.
 * The extra switches (norm, mlp, positions, tie_embeddings) select the common modern variants
 * (RMSNorm, SwiGLU, rotary: LLaMA) for ablations.
 */
const positiveInt = z.number().int().positive();

export const transformerConfigSchema = z
  .object({
    /** Transformer blocks (nanoGPT baby GPT: 6). */
    n_layer: positiveInt.default(6),
    /** Attention heads per block (nanoGPT baby GPT: 6); n_embd must be divisible by it. */
    n_head: positiveInt.default(6),
    /** Model width (nanoGPT baby GPT: 384). */
    n_embd: positiveInt.default(384),
    /**
     * Longest sequence the model accepts (nanoGPT GPTConfig default 1024). Only binds with learned positions
     * (the table has block_size rows); rotary and "none" accept any length.
     */
    block_size: positiveInt.default(1024),
    /** Dropout on embeddings, attention weights and residual branches in training (nanoGPT default 0). */
    dropout: z.number().min(0).lt(1).default(0),
    /** Biases in Linear layers and LayerNorm (nanoGPT default true, as GPT-2). */
    bias: z.boolean().default(true),
    /** Pre-norm flavour: "layernorm" (GPT-2 / nanoGPT) or "rmsnorm" (LLaMA). */
    norm: z.enum(["layernorm", "rmsnorm"]).default("layernorm"),
    /** Epsilon of the norms (PyTorch LayerNorm default 1e-5). */
    norm_eps: z.number().positive().default(1e-5),
    /** Feed-forward: "gelu" (GPT-2, exact erf GELU as nn.GELU()) or "swiglu" (LLaMA, 3 matrices). */
    mlp: z.enum(["gelu", "swiglu"]).default("gelu"),
    /**
     * Feed-forward hidden width as a multiple of n_embd (GPT-2: 4). SwiGLU uses 2/3 of it, rounded up to a
     * multiple of 8, so both variants have about the same parameters (LLaMA's convention).
     */
    mlp_ratio: z.number().positive().default(4),
    /** Positions: "learned" absolute table (GPT-2), "rotary" (RoFormer, non-interleaved halves as GPT-NeoX/LLaMA) or "none". */
    positions: z.enum(["learned", "rotary", "none"]).default("learned"),
    /** Rotary base (RoFormer / LLaMA: 10000). */
    rope_theta: z.number().positive().default(10000),
    /** Share the byte embedding with the output projection (nanoGPT weight tying: true). */
    tie_embeddings: z.boolean().default(true),
    /** Std of the normal init of every matrix and embedding (GPT-2 / nanoGPT: 0.02). */
    init_std: z.number().positive().default(0.02),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.n_embd % c.n_head !== 0)
      ctx.addIssue({
        code: "custom",
        path: ["n_embd"],
        message: `n_embd ${c.n_embd} is not divisible by n_head ${c.n_head}; pick n_embd = n_head * head width`,
      });
    if (c.positions === "rotary" && (c.n_embd / c.n_head) % 2 !== 0)
      ctx.addIssue({
        code: "custom",
        path: ["n_head"],
        message: `rotary positions need an even head width, got n_embd / n_head = ${c.n_embd / c.n_head}`,
      });
  });

export type TransformerConfig = z.output<typeof transformerConfigSchema>;
export type TransformerConfigInput = z.input<typeof transformerConfigSchema>;

/** Parses a config, turning zod issues into one error that names each field and the fix. */
export function parseTransformerConfig(input: TransformerConfigInput): TransformerConfig {
  return parseOrThrow(transformerConfigSchema, input ?? {}, "invalid transformer config");
}

/** Feed-forward hidden width (see mlp_ratio). */
export function mlpHidden(c: TransformerConfig): number {
  const base = c.mlp_ratio * c.n_embd;
  return c.mlp === "swiglu" ? Math.ceil((2 * base) / 3 / 8) * 8 : Math.round(base);
}

export function headDim(c: TransformerConfig): number {
  return c.n_embd / c.n_head;
}
