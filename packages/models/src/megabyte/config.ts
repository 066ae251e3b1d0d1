import { z } from "zod";
import { parseOrThrow } from "../parse";

/**
 * MEGABYTE configuration (Yu et al. 2023, "MEGABYTE: Predicting Million-byte Sequences with Multiscale
 * Transformers"), following lucidrains/MEGABYTE-pytorch. Field names are the reference's constructor kwargs
 * so a reference checkpoint's kwargs map 1:1 (see import.ts).
 *
 * Stages are listed coarse to fine: stage 0 is the global model, the last stage is the byte-level local model.
 * With max_seq_len = [L0, L1, ..., L_{S-1}], one stage-s element covers L_{s+1} * ... * L_{S-1} bytes, so the
 * two-stage model (the paper's) has patch size P = L1 and the byte sequence is padded to a multiple of
 * L1 * ... * L_{S-1}.
 */
const positiveInt = z.number().int().positive();

export const megabyteConfigSchema = z
  .object({
    /** Model width per stage, global first. The paper makes the global model wider than the local one. */
    dim: z.array(positiveInt).min(2).default([256, 128]),
    /** Layers per stage, global first. Deep global / shallow local, as the paper and the reference's train.py. */
    depth: z.array(positiveInt).min(2).default([4, 2]),
    /**
     * Sequence length per stage, global first. Entries after the first are patch sizes (reference README and
     * train.py use 4). The first entry is the number of global positions; it only bounds the input when
     * pos_emb = true (the position table has that many rows); without positions the model accepts any length.
     * Default: 256 patches of 4 bytes = 1024-byte context.
     */
    max_seq_len: z.array(positiveInt).min(2).default([256, 4]),
    /** Width of one attention head (shared by all stages, as in the reference). 32 keeps heads * dim_head = dim[0]. */
    dim_head: positiveInt.default(32),
    /** Attention heads per layer (shared by all stages, as in the reference). */
    heads: positiveInt.default(8),
    /** Feed-forward expansion factor (reference default 4). */
    ff_mult: positiveInt.default(4),
    /** Dropout on attention weights in training (reference default 0). */
    attn_dropout: z.number().min(0).lt(1).default(0),
    /** Dropout between the feed-forward linears in training (reference default 0). */
    ff_dropout: z.number().min(0).lt(1).default(0),
    /** Byte used to pad the input to a multiple of the patch size; the reference loss ignores it (reference default 0). */
    pad_id: z.number().int().min(0).max(255).default(0),
    /**
     * Token shift before attention and feed-forward in every layer (half the channels move one position later,
     * RWKV style). The reference applies it unconditionally; the MEGABYTE paper has no token shift. Default true
     * follows the reference (and is required to match its weights); false gives the paper's plain blocks.
     */
    token_shift: z.boolean().default(true),
    /** Rotary position embedding in every attention layer (reference kwarg rel_pos; reference default false). */
    rel_pos: z.boolean().default(false),
    /** Learned absolute position embedding per stage (reference kwarg pos_emb; reference default false). */
    pos_emb: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const stages = c.depth.length;
    if (c.max_seq_len.length !== stages)
      ctx.addIssue({
        code: "custom",
        path: ["max_seq_len"],
        message: `max_seq_len has ${c.max_seq_len.length} entries but depth has ${stages}; give one per stage (global first)`,
      });
    if (c.dim.length !== stages)
      ctx.addIssue({
        code: "custom",
        path: ["dim"],
        message: `dim has ${c.dim.length} entries but depth has ${stages}; give one width per stage (global first)`,
      });
    if (c.rel_pos && c.dim_head % 2 !== 0)
      ctx.addIssue({
        code: "custom",
        path: ["dim_head"],
        message: `rel_pos (rotary) needs an even dim_head, got ${c.dim_head}`,
      });
  });

export type MegabyteConfig = z.output<typeof megabyteConfigSchema>;
export type MegabyteConfigInput = z.input<typeof megabyteConfigSchema>;

/** Parses a config, turning zod issues into one error that names each field and the fix. */
export function parseMegabyteConfig(input: MegabyteConfigInput): MegabyteConfig {
  return parseOrThrow(megabyteConfigSchema, input, "invalid MEGABYTE config");
}

/** Number of stages (global + local models). */
export function stageCount(config: MegabyteConfig): number {
  return config.depth.length;
}

/** Bytes covered by one element of stage s: max_seq_len[s+1] * ... * max_seq_len[S-1] (1 for the last stage). */
export function bytesPerElement(config: MegabyteConfig, stage: number): number {
  let n = 1;
  for (let i = stage + 1; i < config.max_seq_len.length; i++) n *= config.max_seq_len[i]!;
  return n;
}

/** The input is padded to a multiple of this many bytes (one global element). Two stages: the patch size. */
export function paddingMultiple(config: MegabyteConfig): number {
  return bytesPerElement(config, 0);
}

/**
 * Sequence length of each stage's transformer input for `seqLen` bytes, without the start token:
 * [number of global elements, max_seq_len[1], ..., max_seq_len[S-1]].
 */
export function stageLengths(config: MegabyteConfig, seqLen: number): number[] {
  const globalLen = Math.ceil(seqLen / paddingMultiple(config));
  return [globalLen, ...config.max_seq_len.slice(1)];
}
