import * as tf from "@tensorflow/tfjs";

/** Large negative number used for masked scores (PyTorch references use -finfo(float32).max). */
export const MASK_VALUE = -3.4028234663852886e38;

/** [B, T, H*Dh] -> [B, H, T, Dh] (heads major in the channel axis, as `rearrange(t, 'b n (h d) -> b h n d')`). */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [b, t, c] = x.shape as [number, number, number];
  return x.reshape([b, t, heads, c / heads]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
}

/** [B, H, T, Dh] -> [B, T, H*Dh]. */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  const [b, h, t, d] = x.shape as [number, number, number, number];
  return x.transpose([0, 2, 1, 3]).reshape([b, t, h * d]) as tf.Tensor3D;
}

/**
 * Additive attention bias [Tq, Tk]: 0 where query i may see key j, MASK_VALUE elsewhere.
 * causal: j <= i (+ `offset` when queries are the last Tq of Tk keys). window w >= 0: also j >= i - w.
 */
export function attentionBias(
  tq: number,
  tk: number,
  opts: { causal: boolean; window?: number; offset?: number },
): tf.Tensor2D {
  const offset = opts.offset ?? tk - tq;
  const data = new Float32Array(tq * tk);
  for (let i = 0; i < tq; i++) {
    const qi = i + offset;
    for (let j = 0; j < tk; j++) {
      const hidden =
        (opts.causal && j > qi) || (opts.window !== undefined && opts.window >= 0 && j < qi - opts.window);
      data[i * tk + j] = hidden ? MASK_VALUE : 0;
    }
  }
  return tf.tensor2d(data, [tq, tk]);
}

/**
 * softmax(q k^T * scale + bias) v.
 * q: [B, H, Tq, Dh], k: [B, H, Tk, Dh], v: [B, H, Tk, Dv], bias: [Tq, Tk] (broadcast) or undefined.
 * Returns [B, H, Tq, Dv]. Masked scores use a finite large negative value (not -Infinity) so rows stay NaN-free.
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  scale: number,
  bias?: tf.Tensor,
): tf.Tensor4D {
  let scores = tf.matMul(q, k, false, true).mul(scale); // [B, H, Tq, Tk]
  if (bias) scores = scores.add(bias).maximum(MASK_VALUE); // add may overflow to -inf; clamp back
  const weights = tf.softmax(scores, -1);
  return tf.matMul(weights, v) as tf.Tensor4D; // [B, H, Tq, Dv]
}
