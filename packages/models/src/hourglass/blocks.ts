import * as tf from "@tensorflow/tfjs";
import {
  causalAttention,
  geluExact,
  layerNorm,
  linear,
  mergeHeads,
  scaledDotProductAttention,
  splitHeads,
} from "../layers";
import type { ParamStore } from "../params";

/** Shape of one Transformer stack (reference `Transformer`: depth x [PreNorm(Attention), PreNorm(FeedForward)]). */
export interface StackOptions {
  dim: number;
  depth: number;
  heads: number;
  dimHead: number;
  ffMult: number;
  /** Causal self-attention mask. Attention-resampling stacks are not causal (they attend within one group). */
  causal: boolean;
  /** Reference `norm_out`: a final LayerNorm named `<prefix>norm` (only the flat, depth-as-number model has it). */
  finalNorm?: boolean;
}

/**
 * x: [B, T, D] -> [B, T, D]. With `context` ([B, Tc, D]) attention reads keys/values from the raw context
 * (only the query input is layer-normed, as PreNormResidual passes the context through untouched).
 */
export type Stack = (x: tf.Tensor3D, context?: tf.Tensor3D) => tf.Tensor3D;

/** PyTorch nn.Linear default init: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)). */
export function createLinear(
  params: ParamStore,
  name: string,
  outDim: number,
  inDim: number,
  bias: boolean,
): void {
  const limit = 1 / Math.sqrt(inDim);
  params.create(`${name}.weight`, [outDim, inDim], { kind: "uniform", limit });
  if (bias) params.create(`${name}.bias`, [outDim], { kind: "uniform", limit });
}

/** PyTorch nn.LayerNorm default init: gain 1, bias 0. */
export function createLayerNorm(params: ParamStore, name: string, dim: number): void {
  params.create(`${name}.weight`, [dim], { kind: "ones" });
  params.create(`${name}.bias`, [dim], { kind: "zeros" });
}

/** Applies `<name>.weight` / `<name>.bias` as a LayerNorm (eps 1e-5, PyTorch default). */
export function applyLayerNorm(params: ParamStore, name: string, x: tf.Tensor): tf.Tensor {
  return layerNorm(x, params.get(`${name}.weight`), params.get(`${name}.bias`), 1e-5);
}

/** Applies `<name>.weight` [out, in] and `<name>.bias` [out] when it exists. */
export function applyLinear(params: ParamStore, name: string, x: tf.Tensor): tf.Tensor {
  const bias = params.has(`${name}.bias`) ? params.get(`${name}.bias`) : undefined;
  return linear(x, params.get(`${name}.weight`), bias);
}

/**
 * Creates the parameters of a reference `Transformer` under `prefix` (e.g. "transformer.pre_transformer.")
 * and returns its forward function. Names: layers.{i}.0 = PreNorm(Attention), layers.{i}.1 = PreNorm(FF),
 * where the FF Sequential is fn.0 (Linear dim->mult*dim), GELU, Dropout, fn.3 (Linear mult*dim->dim).
 */
export function createStack(params: ParamStore, prefix: string, opts: StackOptions): Stack {
  const { dim, heads, dimHead, ffMult } = opts;
  const inner = heads * dimHead;
  for (let i = 0; i < opts.depth; i++) {
    const attn = `${prefix}layers.${i}.0`;
    createLayerNorm(params, `${attn}.norm`, dim);
    createLinear(params, `${attn}.fn.to_q`, inner, dim, false);
    createLinear(params, `${attn}.fn.to_kv`, 2 * inner, dim, false);
    createLinear(params, `${attn}.fn.to_out`, dim, inner, true);
    const ff = `${prefix}layers.${i}.1`;
    createLayerNorm(params, `${ff}.norm`, dim);
    createLinear(params, `${ff}.fn.0`, ffMult * dim, dim, true);
    createLinear(params, `${ff}.fn.3`, dim, ffMult * dim, true);
  }
  if (opts.finalNorm) createLayerNorm(params, `${prefix}norm`, dim);

  const scale = dimHead ** -0.5;
  return (x, context) => {
    if (opts.causal && context) {
      throw new Error(`hourglass: causal stack ${prefix} attends to its own input only; it got a context`);
    }
    let h: tf.Tensor = x;
    for (let i = 0; i < opts.depth; i++) {
      const attn = `${prefix}layers.${i}.0`;
      const normed = applyLayerNorm(params, `${attn}.norm`, h); // [B, T, D]
      const q = splitHeads(applyLinear(params, `${attn}.fn.to_q`, normed), heads); // [B, H, T, Dh]
      const kv = applyLinear(params, `${attn}.fn.to_kv`, context ?? normed); // [B, Tc, 2*H*Dh]
      const [kFlat, vFlat] = tf.split(kv, 2, -1) as [tf.Tensor, tf.Tensor]; // first half k, second half v
      const k = splitHeads(kFlat, heads); // [B, H, Tc, Dh]
      const v = splitHeads(vFlat, heads); // [B, H, Tc, Dh]
      // Causal self-attention (fused on wasm), or unmasked attention to a resampling context.
      const perHead = opts.causal
        ? causalAttention(q, k, v, scale)
        : scaledDotProductAttention(q, k, v, scale);
      const attended = mergeHeads(perHead); // [B, T, H*Dh]
      h = h.add(applyLinear(params, `${attn}.fn.to_out`, attended)); // [B, T, D]

      const ff = `${prefix}layers.${i}.1`;
      const hidden = geluExact(applyLinear(params, `${ff}.fn.0`, applyLayerNorm(params, `${ff}.norm`, h))); // [B, T, mult*D]
      h = h.add(applyLinear(params, `${ff}.fn.3`, hidden)); // [B, T, D]
    }
    if (opts.finalNorm) h = applyLayerNorm(params, `${prefix}norm`, h);
    return h as tf.Tensor3D;
  };
}
