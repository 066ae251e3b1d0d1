import * as tf from "@tensorflow/tfjs";

/**
 * Shortening and lengthening of one hourglass level (reference: pad_to_multiple, the causal shift,
 * Naive/Linear Down/Upsample). All ops are differentiable (pad, slice, reshape, mean, tile).
 */

/** Zero-pads the sequence axis at the end to a multiple of s. x: [B, T, D] -> [B, ceil(T/s)*s, D]. */
export function padToMultiple(x: tf.Tensor3D, s: number): tf.Tensor3D {
  const [, t] = x.shape;
  const remainder = Math.ceil(t / s) * s - t;
  return remainder === 0
    ? x
    : tf.pad(x, [
        [0, 0],
        [0, remainder],
        [0, 0],
      ]);
}

/**
 * Causal shift before pooling: s-1 zero vectors in front, the last s-1 positions dropped, so group g
 * (positions g*s .. g*s+s-1 after the shift) holds original positions g*s-s+1 .. g*s and never sees the future
 * of its first upsampled position. x: [B, P, D] -> [B, P, D].
 */
export function shiftRight(x: tf.Tensor3D, shift: number): tf.Tensor3D {
  if (shift === 0) return x;
  const [b, p, d] = x.shape;
  return tf
    .pad(x, [
      [0, 0],
      [shift, 0],
      [0, 0],
    ])
    .slice([0, 0, 0], [b, p, d]);
}

/** [B, P, D] -> [B, P/s, s, D]: non-overlapping groups of s positions. */
export function groups(x: tf.Tensor3D, s: number): tf.Tensor4D {
  const [b, p, d] = x.shape;
  return x.reshape([b, p / s, s, d]);
}

/** Naive downsample: mean of each group. [B, P, D] -> [B, P/s, D]. */
export function meanPool(x: tf.Tensor3D, s: number): tf.Tensor3D {
  return groups(x, s).mean(2) as tf.Tensor3D;
}

/**
 * Linear downsample input: each group's s vectors concatenated in position order
 * (index = slot*D + channel), ready for downsample.proj. [B, P, D] -> [B, P/s, s*D].
 */
export function concatGroups(x: tf.Tensor3D, s: number): tf.Tensor3D {
  const [b, p, d] = x.shape;
  return x.reshape([b, p / s, s * d]);
}

/** Naive upsample: repeat each token s times. [B, M, D] -> [B, M*s, D]. */
export function repeatTokens(x: tf.Tensor3D, s: number): tf.Tensor3D {
  const [b, m, d] = x.shape;
  return x
    .reshape([b, m, 1, d])
    .tile([1, 1, s, 1])
    .reshape([b, m * s, d]);
}

/** Linear upsample output split into s vectors (slot j = channels [j*D, (j+1)*D)). [B, M, s*D] -> [B, M*s, D]. */
export function splitSlots(x: tf.Tensor3D, s: number): tf.Tensor3D {
  const [b, m, sd] = x.shape;
  return x.reshape([b, m * s, sd / s]);
}
