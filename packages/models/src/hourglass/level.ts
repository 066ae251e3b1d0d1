import type * as tf from "@tensorflow/tfjs";
import type { ParamStore } from "../params";
import { applyLayerNorm, applyLinear, createLayerNorm, createLinear, createStack } from "./blocks";
import type { HourglassConfig, HourglassLevel } from "./config";
import {
  concatGroups,
  groups,
  meanPool,
  padToMultiple,
  repeatTokens,
  shiftRight,
  splitSlots,
} from "./sampling";

/** The config fields every level shares. */
export type LevelOptions = Pick<
  HourglassConfig,
  "dim" | "heads" | "dim_head" | "ff_mult" | "causal" | "updown_sample_type" | "attn_resampling"
>;

/** x: [B, T, D] -> [B, T, D], any T. */
export type LevelForward = (x: tf.Tensor3D) => tf.Tensor3D;

/**
 * Creates one level's parameters under `prefix` ("transformer." at the top, then "…valley_transformer.")
 * in the reference's state_dict order and returns its forward. `normOut` adds the final LayerNorm that
 * HourglassTransformerLM builds for the outermost level only (named norm_out, or norm for a flat Transformer).
 */
export function createLevel(
  params: ParamStore,
  prefix: string,
  level: HourglassLevel,
  opts: LevelOptions,
  normOut: boolean,
): LevelForward {
  const stackShape = { dim: opts.dim, heads: opts.heads, dimHead: opts.dim_head, ffMult: opts.ff_mult };
  if (level.kind === "transformer") {
    const stack = createStack(params, prefix, {
      ...stackShape,
      depth: level.depth,
      causal: opts.causal,
      finalNorm: normOut,
    });
    return (x) => stack(x);
  }

  const s = level.shortenFactor;
  const { dim } = opts;
  const linearSampling = opts.updown_sample_type === "linear";
  if (linearSampling) {
    createLinear(params, `${prefix}downsample.proj`, dim, s * dim, true);
    createLinear(params, `${prefix}upsample.proj`, s * dim, dim, true);
  }
  const valley = createLevel(params, `${prefix}valley_transformer.`, level.valley, opts, false);
  const resampleStack = { ...stackShape, depth: 1, causal: false };
  const resamplePre = opts.attn_resampling
    ? createStack(params, `${prefix}attn_resampling_pre_valley.`, resampleStack)
    : undefined;
  const resamplePost = opts.attn_resampling
    ? createStack(params, `${prefix}attn_resampling_post_valley.`, resampleStack)
    : undefined;
  const pre = createStack(params, `${prefix}pre_transformer.`, {
    ...stackShape,
    depth: level.pre,
    causal: opts.causal,
  });
  const post = createStack(params, `${prefix}post_transformer.`, {
    ...stackShape,
    depth: level.post,
    causal: opts.causal,
  });
  if (normOut) createLayerNorm(params, `${prefix}norm_out`, dim);

  return (input) => {
    const [b, n, d] = input.shape;
    // Padding at the end never reaches a real position: group g only feeds positions >= g*s.
    const residual = padToMultiple(pre(input), s); // [B, P, D], P = ceil(n/s)*s
    const p = residual.shape[1];
    const m = p / s;
    const shifted = opts.causal ? shiftRight(residual, s - 1) : residual; // [B, P, D]

    let down = linearSampling
      ? (applyLinear(params, `${prefix}downsample.proj`, concatGroups(shifted, s)) as tf.Tensor3D)
      : meanPool(shifted, s); // [B, M, D]
    if (resamplePre) {
      // Each pooled token attends (non-causally) to the s shifted vectors of its own group.
      const query = down.reshape([b * m, 1, d]) as tf.Tensor3D; // [B*M, 1, D]
      const context = groups(shifted, s).reshape([b * m, s, d]) as tf.Tensor3D; // [B*M, s, D]
      down = resamplePre(query, context).reshape([b, m, d]); // [B, M, D]
    }

    const valleyOut = valley(down); // [B, M, D]
    const up = linearSampling
      ? splitSlots(applyLinear(params, `${prefix}upsample.proj`, valleyOut) as tf.Tensor3D, s)
      : repeatTokens(valleyOut, s); // [B, P, D]
    let x = up.add(residual) as tf.Tensor3D; // [B, P, D]
    if (resamplePost) {
      // Every position attends to its own group's single valley output (keys/values from the raw valley output).
      const query = x.reshape([b * m, s, d]) as tf.Tensor3D; // [B*M, s, D]
      const context = valleyOut.reshape([b * m, 1, d]) as tf.Tensor3D; // [B*M, 1, D]
      x = resamplePost(query, context).reshape([b, p, d]); // [B, P, D]
    }

    if (p !== n) x = x.slice([0, 0, 0], [b, n, d]); // [B, n, D]
    let out = post(x); // [B, n, D]
    if (normOut) out = applyLayerNorm(params, `${prefix}norm_out`, out) as tf.Tensor3D;
    return out;
  };
}
