import { z } from "zod";
import { acceptDeprecatedKeys, type WithDeprecatedKeys } from "../config-keys";

/**
 * Depth of one hourglass level: either a plain number of Transformer layers, or
 * [pre layers, valley, post layers] where the valley is itself a depth (so hourglasses nest).
 * Example from the reference README: [4, [2, 1, 2], 3] = 4@1 -> 2@2 -> 1@4 -> 2@2 -> 3@1.
 */
export type HourglassDepth = number | [number, HourglassDepth, number];

const layerCount = z.number().int().nonnegative();

export const hourglassDepthSchema: z.ZodType<HourglassDepth> = z.lazy(() =>
  z.union([layerCount, z.tuple([layerCount, hourglassDepthSchema, layerCount])]),
);

/**
 * Hourglass Transformer LM (Nawrot et al. 2021, "Hierarchical Transformers Are More Efficient Language
 * Models"), following lucidrains/hourglass-transformer-pytorch (HourglassTransformerLM) so reference weights
 * import 1:1. Defaults follow that repository's README example / constructor defaults unless noted.
 */
const hourglassConfigObject = z
  .object({
    /** Model width. 512 as in the reference README example. */
    dim: z.number().int().positive().default(512),
    /**
     * [pre, valley, post] layer counts; the valley may nest another [pre, valley, post].
     * [4, 2, 4] as in the reference README example (the paper's shortened layers sit in the valley).
     */
    depth: hourglassDepthSchema.default([4, 2, 4]),
    /**
     * Shortening factor per hourglass level, outermost first. A single number is reused at every nested level
     * (reference behaviour); a list gives one per level. 2 as in the reference README example.
     */
    shorten_factor: z
      .union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)])
      .default(2),
    /** Attention heads. 8 = reference default. */
    heads: z.number().int().positive().default(8),
    /** Width of one head; heads * dim_head may differ from dim. 64 = reference default. */
    dim_head: z.number().int().positive().default(64),
    /** Attention resampling around the valley (paper section 3.3). true = reference default. */
    attn_resampling: z.boolean().default(true),
    /**
     * "naive" = mean-pool / repeat, "linear" = linear projection of the s concatenated vectors / linear
     * projection split into s vectors. "naive" = reference default (the paper's linear variant is for images).
     */
    updown_sample_type: z.enum(["naive", "linear"]).default("naive"),
    /** Rows of the learned absolute position embedding = longest sequence. 1024 as in the reference README. */
    max_seq_len: z.number().int().positive().default(1024),
    /** Final LayerNorm before the logits. true: HourglassTransformerLM always builds it (norm_out=True). */
    norm_out: z.boolean().default(true),
    /** Causal LM (shift by s-1 before pooling, causal masks). true = reference default; false is an encoder. */
    causal: z.boolean().default(true),
    /** Feed-forward expansion. 4 = the reference's FeedForward mult (not exposed by HourglassTransformer). */
    ff_mult: z.number().int().positive().default(4),
  })
  .superRefine((cfg, ctx) => {
    try {
      resolveLevels(cfg.depth, cfg.shorten_factor);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["shorten_factor"], message: (error as Error).message });
    }
  });

/**
 * The camelCase spellings the hourglass config had before model config keys became snake_case everywhere
 * (deprecated, still accepted: the schema renames them, and spec expansion / `bytelab train` warn).
 */
export const HOURGLASS_DEPRECATED_KEYS = {
  shortenFactor: "shorten_factor",
  dimHead: "dim_head",
  attnResampling: "attn_resampling",
  updownSampleType: "updown_sample_type",
  maxSeqLen: "max_seq_len",
  normOut: "norm_out",
  ffMult: "ff_mult",
} as const satisfies Record<string, keyof z.input<typeof hourglassConfigObject>>;

/** The config as validated, stored and hashed: snake_case keys only. */
export type HourglassConfig = z.output<typeof hourglassConfigObject>;
/** What the schema accepts: every key optional, the deprecated camelCase spellings included. */
export type HourglassConfigInput = WithDeprecatedKeys<
  z.input<typeof hourglassConfigObject>,
  typeof HOURGLASS_DEPRECATED_KEYS
>;

/** The hourglass config schema: deprecated camelCase keys are renamed first (both spellings of one key: an issue). */
export const hourglassConfigSchema = acceptDeprecatedKeys<HourglassConfigInput, typeof hourglassConfigObject>(
  HOURGLASS_DEPRECATED_KEYS,
  hourglassConfigObject,
);

/** One resolved level: a plain Transformer stack, or an hourglass with its own shortening factor. */
export type HourglassLevel =
  | { kind: "transformer"; depth: number }
  | { kind: "hourglass"; pre: number; post: number; shortenFactor: number; valley: HourglassLevel };

/**
 * Pairs each nested depth with its shortening factor, as the reference does:
 * a list is consumed outermost first; a single number is reused by every nested hourglass.
 */
export function resolveLevels(depth: HourglassDepth, shortenFactor: number | number[]): HourglassLevel {
  if (typeof depth === "number") return { kind: "transformer", depth };
  const [pre, valley, post] = depth;
  let s: number;
  let rest: number | number[];
  if (Array.isArray(shortenFactor)) {
    const [first, ...others] = shortenFactor;
    if (first === undefined) {
      throw new Error(
        `depth ${JSON.stringify(depth)} needs one more shortening factor: give shorten_factor one entry per nested hourglass`,
      );
    }
    s = first;
    rest = others;
  } else {
    s = shortenFactor;
    rest = shortenFactor;
  }
  return { kind: "hourglass", pre, post, shortenFactor: s, valley: resolveLevels(valley, rest) };
}

/** Shortening factors from the outermost level inwards (empty for a flat Transformer). */
export function shorteningFactors(level: HourglassLevel): number[] {
  return level.kind === "transformer" ? [] : [level.shortenFactor, ...shorteningFactors(level.valley)];
}
