import type * as tf from "@tensorflow/tfjs";
import { fusedNorm } from "./fused";

/** LayerNorm over the last axis (biased variance, as PyTorch). x: [..., D]. */
export function layerNorm(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor | undefined,
  eps = 1e-5,
): tf.Tensor {
  const fused = fusedNorm(x, weight, bias, eps, 0); // one kernel with bytelab's native kernels
  if (fused) return fused;
  const mean = x.mean(-1, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(-1, true);
  const y = centered.mul(variance.add(eps).rsqrt()).mul(weight);
  return bias ? y.add(bias) : y;
}

/** RMSNorm as in goombalab/hnet and most LLMs: x * rsqrt(mean(x^2) + eps) * weight. x: [..., D]. */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps = 1e-5): tf.Tensor {
  const fused = fusedNorm(x, weight, undefined, eps, 1); // one kernel with bytelab's native kernels
  if (fused) return fused;
  return x.mul(x.square().mean(-1, true).add(eps).rsqrt()).mul(weight);
}

/**
 * RMSNorm as in lucidrains' MEGABYTE: x / max(||x||_2 * D^-1/2, eps) * g. x: [..., D].
 * Differs from `rmsNorm` by clamping the norm instead of adding eps inside the root.
 */
export function rmsNormClamped(x: tf.Tensor, gain: tf.Tensor, eps = 1e-8): tf.Tensor {
  const fused = fusedNorm(x, gain, undefined, eps, 2); // one kernel with bytelab's native kernels
  if (fused) return fused;
  const d = x.shape[x.shape.length - 1]!;
  const norm = x
    .square()
    .sum(-1, true)
    .sqrt()
    .mul(d ** -0.5);
  return x.div(norm.maximum(eps)).mul(gain);
}
