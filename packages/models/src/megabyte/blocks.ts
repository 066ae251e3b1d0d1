import * as tf from "@tensorflow/tfjs";
import { geluExact } from "../layers/activations";
import { mergeHeads, splitHeads } from "../layers/attention";
import { causalAttention } from "../layers/causal-attention";
import { type DropoutSeeds, dropout } from "../layers/dropout";
import { linear } from "../layers/linear";
import { rmsNormClamped } from "../layers/norms";
import { applyRotary, rotaryTables } from "../layers/rotary";
import type { ParamStore } from "../params";
import { ROTARY_THETA } from "./parameters";

/** Options shared by every Transformer stage (the reference passes the same ones to each stage). */
export interface TransformerOptions {
  heads: number;
  dimHead: number;
  tokenShift: boolean;
  relPos: boolean;
  attnDropout: number;
  ffDropout: number;
  training: boolean;
  /** Seeds of this pass's dropout masks (training with a seed); none: unseeded dropout. */
  seeds?: DropoutSeeds;
}

/**
 * Token shift (RWKV, as in the reference's `token_shift`): the first ceil(D/2) channels stay, the other
 * channels move one position later (zero at position 0, the last position's values drop out).
 * x: [N, L, D] -> [N, L, D].
 */
export function tokenShift(x: tf.Tensor3D): tf.Tensor3D {
  const [n, l, d] = x.shape;
  const keep = Math.ceil(d / 2); // torch.chunk(2) puts the odd channel in the first chunk
  if (keep === d) return x;
  const stay = x.slice([0, 0, 0], [n, l, keep]); // [N, L, ceil(D/2)]
  const moved = x.slice([0, 0, keep], [n, l - 1, d - keep]).pad([
    [0, 0],
    [1, 0],
    [0, 0],
  ]); // [N, L, floor(D/2)]
  return tf.concat([stay, moved], -1) as tf.Tensor3D;
}

/**
 * Causal self-attention with its own RMSNorm: norm -> q = to_q, [k | v] = to_kv (k first), no biases,
 * heads major in the channel axis, scores * dim_head^-0.5, to_out without bias. x: [N, L, D] -> [N, L, D].
 */
function attention(store: ParamStore, prefix: string, x: tf.Tensor3D, o: TransformerOptions): tf.Tensor3D {
  const [, l] = x.shape;
  const normed = rmsNormClamped(x, store.get(`${prefix}.norm.g`)); // [N, L, D]
  let q = splitHeads(linear(normed, store.get(`${prefix}.to_q.weight`)), o.heads); // [N, H, L, Dh]
  const kv = linear(normed, store.get(`${prefix}.to_kv.weight`)); // [N, L, 2 * H * Dh]
  const [kFlat, vFlat] = tf.split(kv, 2, -1);
  let k = splitHeads(kFlat!, o.heads); // [N, H, L, Dh]
  const v = splitHeads(vFlat!, o.heads); // [N, H, L, Dh]
  if (o.relPos) {
    const { cos, sin } = rotaryTables(l, o.dimHead, ROTARY_THETA); // [L, Dh/2] each
    q = applyRotary(q, cos, sin);
    k = applyRotary(k, cos, sin);
  }
  // Fused on wasm unless attention dropout needs the weights.
  const out = causalAttention(q, k, v, o.dimHead ** -0.5, o.training ? o.attnDropout : 0, o.seeds); // [N, H, L, Dh]
  return linear(mergeHeads(out), store.get(`${prefix}.to_out.weight`)) as tf.Tensor3D; // [N, L, D]
}

/** FeedForward = RMSNorm (.0) -> Linear (.1) -> exact GELU -> Dropout -> Linear (.4). x: [N, L, D]. */
function feedForward(store: ParamStore, prefix: string, x: tf.Tensor3D, o: TransformerOptions): tf.Tensor3D {
  const normed = rmsNormClamped(x, store.get(`${prefix}.0.g`)); // [N, L, D]
  let hidden = geluExact(linear(normed, store.get(`${prefix}.1.weight`), store.get(`${prefix}.1.bias`))); // [N, L, ff_mult * D]
  if (o.training) hidden = dropout(hidden, o.ffDropout, o.seeds);
  return linear(hidden, store.get(`${prefix}.4.weight`), store.get(`${prefix}.4.bias`)) as tf.Tensor3D; // [N, L, D]
}

/**
 * One stage's Transformer (pre-norm): for each layer x = x + Attn(shift(x)); x = x + FF(shift(x)) (the residual
 * uses the unshifted x), then RMSNorm. Runs N independent sequences at once. x: [N, L, D] -> [N, L, D].
 */
export function transformer(
  store: ParamStore,
  prefix: string,
  depth: number,
  x: tf.Tensor3D,
  o: TransformerOptions,
) {
  const shift = o.tokenShift ? tokenShift : (t: tf.Tensor3D) => t;
  let h = x;
  for (let l = 0; l < depth; l++) {
    const layer = `${prefix}.layers.${l}`;
    h = attention(store, `${layer}.0`, shift(h), o).add(h);
    h = feedForward(store, `${layer}.1`, shift(h), o).add(h);
  }
  return rmsNormClamped(h, store.get(`${prefix}.norm.g`)) as tf.Tensor3D; // [N, L, D]
}
