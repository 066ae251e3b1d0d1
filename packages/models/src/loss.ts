import * as tf from "@tensorflow/tfjs";
import { fusedCrossEntropy } from "./layers/fused";

/**
 * Mean next-byte cross-entropy in nats.
 * logits: [B, T, 256] where logits[b, t] predicts targets[b, t]; targets: [B, T] int32.
 * Uses one-hot * log-softmax (no gather), so its gradient works on every backend; with bytelab's native
 * kernels it is one fused kernel (log-sum-exp per row, gradient recomputed from the logits).
 */
export function nextByteCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const fused = fusedCrossEntropy(logits, targets);
    if (fused) return fused;
    const vocab = logits.shape[2];
    const logProbs = tf.logSoftmax(logits, -1); // [B, T, V]
    const picked = logProbs.mul(tf.oneHot(targets.toInt(), vocab)).sum(-1); // [B, T]
    return picked.mean().neg() as tf.Scalar;
  });
}

/** Nats -> bits per byte. */
export const NATS_TO_BITS = 1 / Math.LN2;
