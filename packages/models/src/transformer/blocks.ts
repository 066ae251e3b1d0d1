import * as tf from "@tensorflow/tfjs";
import {
  applyRotary,
  causalAttention,
  fusedCausalSelfAttention,
  type DropoutSeeds,
  dropout as dropoutLayer,
  geluExact,
  layerNorm,
  linear,
  mergeHeads,
  rmsNorm,
  silu,
  splitHeads,
} from "../layers";
import type { ParamStore } from "../params";
import type { TransformerConfig } from "./config";

export interface BlockContext {
  config: TransformerConfig;
  params: ParamStore;
  training: boolean;
  /** Seeds of this pass's dropout masks (training with a seed); none: unseeded dropout. */
  seeds?: DropoutSeeds;
  /** Rotary tables [T, Dh/2] (cos, sin) when positions = "rotary". */
  rotary?: { cos: tf.Tensor2D; sin: tf.Tensor2D };
}

function maybeBias(p: ParamStore, name: string): tf.Tensor | undefined {
  return p.has(name) ? p.get(name) : undefined;
}

export function norm(ctx: BlockContext, name: string, x: tf.Tensor): tf.Tensor {
  const { params: p, config: c } = ctx;
  return c.norm === "layernorm"
    ? layerNorm(x, p.get(`${name}.weight`), maybeBias(p, `${name}.bias`), c.norm_eps)
    : rmsNorm(x, p.get(`${name}.weight`), c.norm_eps);
}

function dense(ctx: BlockContext, name: string, x: tf.Tensor): tf.Tensor {
  return linear(x, ctx.params.get(`${name}.weight`), maybeBias(ctx.params, `${name}.bias`));
}

function dropout(ctx: BlockContext, x: tf.Tensor): tf.Tensor {
  return ctx.training ? dropoutLayer(x, ctx.config.dropout, ctx.seeds) : x;
}

/** Causal multi-head self-attention. x: [B, T, D] -> [B, T, D] (before the residual add). */
export function attention(ctx: BlockContext, prefix: string, x: tf.Tensor3D): tf.Tensor3D {
  const { config: c } = ctx;
  const d = c.n_embd;
  const qkv = dense(ctx, `${prefix}.c_attn`, x) as tf.Tensor3D; // [B, T, 3D]
  // One kernel on the packed projection (no head split / merge copies) with bytelab's native kernels.
  const packed =
    ctx.rotary || (ctx.training && c.dropout > 0)
      ? null
      : fusedCausalSelfAttention(qkv, c.n_head, 1 / Math.sqrt(d / c.n_head)); // [B, T, D]
  if (packed) return dropout(ctx, dense(ctx, `${prefix}.c_proj`, packed)) as tf.Tensor3D;
  const [qf, kf, vf] = tf.split(qkv, [d, d, d], 2); // [B, T, D] each
  let q = splitHeads(qf!, c.n_head); // [B, H, T, Dh]
  let k = splitHeads(kf!, c.n_head); // [B, H, T, Dh]
  const v = splitHeads(vf!, c.n_head); // [B, H, T, Dh]
  if (ctx.rotary) {
    q = applyRotary(q, ctx.rotary.cos, ctx.rotary.sin);
    k = applyRotary(k, ctx.rotary.cos, ctx.rotary.sin);
  }
  const scale = 1 / Math.sqrt(d / c.n_head);
  // Fused on wasm unless attention dropout needs the weights.
  const attended = causalAttention(q, k, v, scale, ctx.training ? c.dropout : 0, ctx.seeds); // [B, H, T, Dh]
  const out = mergeHeads(attended); // [B, T, D]
  return dropout(ctx, dense(ctx, `${prefix}.c_proj`, out)) as tf.Tensor3D;
}

/** Feed-forward. x: [B, T, D] -> [B, T, D]. */
export function mlp(ctx: BlockContext, prefix: string, x: tf.Tensor): tf.Tensor {
  if (ctx.config.mlp === "gelu") {
    const h = geluExact(dense(ctx, `${prefix}.c_fc`, x)); // [B, T, F]
    return dropout(ctx, dense(ctx, `${prefix}.c_proj`, h));
  }
  const gate = silu(dense(ctx, `${prefix}.w1`, x)); // [B, T, F]
  const up = dense(ctx, `${prefix}.w3`, x); // [B, T, F]
  return dropout(ctx, dense(ctx, `${prefix}.w2`, gate.mul(up)));
}

/** Pre-norm block: x + attn(norm(x)), then x + mlp(norm(x)). x: [B, T, D]. */
export function block(ctx: BlockContext, layer: number, x: tf.Tensor3D): tf.Tensor3D {
  const h = `transformer.h.${layer}`;
  const afterAttention = x.add(attention(ctx, `${h}.attn`, norm(ctx, `${h}.ln_1`, x) as tf.Tensor3D));
  return afterAttention.add(mlp(ctx, `${h}.mlp`, norm(ctx, `${h}.ln_2`, afterAttention))) as tf.Tensor3D;
}
