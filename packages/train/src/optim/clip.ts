import { nativeSumSquares } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";

/**
 * Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_): with n = sqrt(sum_i ||g_i||^2),
 * every gradient is scaled by min(1, maxNorm / (n + 1e-6)). maxNorm <= 0 disables clipping.
 * Returns new tensors (the caller disposes them and the inputs) and the norm before clipping.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const { norm, scale } = clipScale(grads, maxNorm);
  return { grads: grads.map((g) => (scale === 1 ? g.clone() : tf.tidy(() => g.mul(scale)))), norm };
}

/**
 * The global norm and the factor clipByGlobalNorm scales by, without scaling: AdamW.apply(grads, lr,
 * scale) applies it inside its own pass (no scaled copies of the gradients).
 */
export function clipScale(grads: tf.Tensor[], maxNorm: number): { norm: number; scale: number } {
  const norm = globalNorm(grads);
  const scale = maxNorm > 0 && Number.isFinite(norm) ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
  return { norm, scale };
}

/**
 * sqrt(sum of squares of every element of every tensor): one native pass with bytelab's native kernels
 * (float64 sums), else one pass of TF.js ops on the backend.
 */
export function globalNorm(tensors: tf.Tensor[]): number {
  if (tensors.length === 0) return 0;
  const native = nativeSumSquares(tensors);
  if (native !== null) return Math.sqrt(native);
  return tf.tidy(
    () =>
      tf
        .addN(tensors.map((g) => g.square().sum()))
        .sqrt()
        .dataSync()[0]!,
  );
}
