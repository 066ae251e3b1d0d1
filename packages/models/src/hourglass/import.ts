import type { ReferenceTensor } from "../golden/fixture";
import { parseOrThrow } from "../parse";
import { type HourglassConfig, type HourglassDepth, hourglassConfigSchema } from "./config";
import { HourglassLM } from "./model";
import { VOCAB_SIZE } from "./vocab";

/**
 * Reference-weight import for lucidrains' HourglassTransformerLM. Every hyper-parameter comes from the
 * constructor kwargs or from tensor shapes (which win, and must agree with the kwargs when both exist).
 */

function shapeOf(weights: Map<string, ReferenceTensor>, name: string): number[] {
  const t = weights.get(name);
  if (!t) throw new Error(`reference weights have no ${name}; is this a HourglassTransformerLM state_dict?`);
  return t.shape;
}

function kwarg<T>(kwargs: Record<string, unknown>, key: string, fallback: T): T {
  const v = kwargs[key];
  return v === undefined || v === null ? fallback : (v as T);
}

function agree(what: string, fromKwargs: unknown, fromShapes: unknown): void {
  if (fromKwargs !== undefined && fromKwargs !== null && fromKwargs !== fromShapes) {
    throw new Error(`${what}: constructor kwargs say ${fromKwargs} but the weights say ${fromShapes}`);
  }
}

/** Reference kwargs (snake_case like our keys, tuples as JSON arrays) + state_dict shapes -> our validated config. */
export function hourglassConfigFromReference(
  kwargs: Record<string, unknown>,
  weights: Map<string, ReferenceTensor>,
): HourglassConfig {
  const [vocab, dim] = shapeOf(weights, "token_emb.weight") as [number, number];
  if (vocab !== VOCAB_SIZE) throw new Error(`token_emb has ${vocab} rows; a byte model needs ${VOCAB_SIZE}`);
  agree("num_tokens", kwargs.num_tokens, vocab);
  agree("dim", kwargs.dim, dim);
  const maxSeqLen = shapeOf(weights, "pos_emb.weight")[0]!;
  agree("max_seq_len", kwargs.max_seq_len, maxSeqLen);

  if (kwargs.depth === undefined) throw new Error("constructor kwargs have no depth");
  const depth = kwargs.depth as HourglassDepth;
  const names = [...weights.keys()];
  const heads = kwarg(kwargs, "heads", 8);
  const toQ = names.find((n) => n.endsWith(".fn.to_q.weight"));
  const dimHead = toQ ? shapeOf(weights, toQ)[0]! / heads : kwarg(kwargs, "dim_head", 64);
  if (!Number.isInteger(dimHead)) {
    throw new Error(`to_q has ${toQ && shapeOf(weights, toQ)[0]} rows, not a multiple of heads=${heads}`);
  }
  agree("dim_head", kwargs.dim_head, dimHead);
  const ff = names.find((n) => n.endsWith(".1.fn.0.weight"));
  const ffMult = ff ? shapeOf(weights, ff)[0]! / dim : 4;

  const attnResampling = names.some((n) => n.includes("attn_resampling_pre_valley."));
  const linear = names.some((n) => n.endsWith("downsample.proj.weight"));
  const nested = Array.isArray(depth);
  if (nested) {
    agree("attn_resampling", kwargs.attn_resampling, attnResampling);
    agree("updown_sample_type", kwargs.updown_sample_type, linear ? "linear" : "naive");
    if (kwargs.shorten_factor === undefined || kwargs.shorten_factor === null) {
      throw new Error(`depth ${JSON.stringify(depth)} is an hourglass but the kwargs give no shorten_factor`);
    }
  }
  const normOut = weights.has("transformer.norm_out.weight") || weights.has("transformer.norm.weight");

  return parseOrThrow(
    hourglassConfigSchema,
    {
      dim,
      depth,
      shorten_factor: kwarg(kwargs, "shorten_factor", undefined),
      heads,
      dim_head: dimHead,
      attn_resampling: nested ? attnResampling : kwarg(kwargs, "attn_resampling", true),
      updown_sample_type: nested
        ? linear
          ? "linear"
          : "naive"
        : kwarg(kwargs, "updown_sample_type", "naive"),
      max_seq_len: maxSeqLen,
      norm_out: normOut,
      causal: kwarg(kwargs, "causal", true),
      ff_mult: ffMult,
    },
    "reference kwargs do not make a valid hourglass config",
  );
}

/** Builds the model from reference kwargs and copies every reference tensor into it (strict 1:1). */
export function hourglassFromReference(
  kwargs: Record<string, unknown>,
  weights: Map<string, ReferenceTensor>,
): HourglassLM {
  const model = new HourglassLM(hourglassConfigFromReference(kwargs, weights));
  try {
    model.params.loadReference(weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
