import { z } from "zod";

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
export const hourglassConfigSchema = z
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
    shortenFactor: z
      .union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)])
      .default(2),
    /** Attention heads. 8 = reference default. */
    heads: z.number().int().positive().default(8),
    /** Width of one head; heads * dimHead may differ from dim. 64 = reference default. */
    dimHead: z.number().int().positive().default(64),
    /** Attention resampling around the valley (paper section 3.3). true = reference default. */
    attnResampling: z.boolean().default(true),
    /**
     * "naive" = mean-pool / repeat, "linear" = linear projection of the s concatenated vectors / linear
     * projection split into s vectors. "naive" = reference default (the paper's linear variant is for images).
     */
    updownSampleType: z.enum(["naive", "linear"]).default("naive"),
    /** Rows of the learned absolute position embedding = longest sequence. 1024 as in the reference README. */
    maxSeqLen: z.number().int().positive().default(1024),
    /** Final LayerNorm before the logits. true: HourglassTransformerLM always builds it (norm_out=True). */
    normOut: z.boolean().default(true),
    /** Causal LM (shift by s-1 before pooling, causal masks). true = reference default; false is an encoder. */
    causal: z.boolean().default(true),
    /** Feed-forward expansion. 4 = the reference's FeedForward mult (not exposed by HourglassTransformer). */
    ffMult: z.number().int().positive().default(4),
  })
  .superRefine((cfg, ctx) => {
    try {
      resolveLevels(cfg.depth, cfg.shortenFactor);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["shortenFactor"], message: (error as Error).message });
    }
  });

export type HourglassConfig = z.infer<typeof hourglassConfigSchema>;
export type HourglassConfigInput = z.input<typeof hourglassConfigSchema>;

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
        `depth ${JSON.stringify(depth)} needs one more shortening factor: give shortenFactor one entry per nested hourglass`,
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
