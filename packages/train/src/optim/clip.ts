import * as tf from "@tensorflow/tfjs";

/**
 * Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_): with n = sqrt(sum_i ||g_i||^2),
 * every gradient is scaled by min(1, maxNorm / (n + 1e-6)). maxNorm <= 0 disables clipping.
 * Returns new tensors (the caller disposes them and the inputs) and the norm before clipping.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  const scale = maxNorm > 0 && Number.isFinite(norm) ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
  return { grads: grads.map((g) => (scale === 1 ? g.clone() : tf.tidy(() => g.mul(scale)))), norm };
}

/** sqrt(sum of squares of every element of every tensor), computed in one pass on the backend. */
export function globalNorm(tensors: tf.Tensor[]): number {
  if (tensors.length === 0) return 0;
  return tf.tidy(
    () =>
      tf
        .addN(tensors.map((g) => g.square().sum()))
        .sqrt()
        .dataSync()[0]!,
  );
}
