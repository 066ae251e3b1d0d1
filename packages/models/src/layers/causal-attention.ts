import * as tf from "@tensorflow/tfjs";
import { type DropoutSeeds, dropout as dropoutLayer } from "./dropout";

/** Kernel names registered by src/wasm (kept as strings here so this layer does not load the wasm package). */
const FORWARD = "BytelabCausalAttention";
const BACKWARD = "BytelabCausalAttentionGrad";

/** Finite mask value for the composite path: exp(-1e9 - max) is exactly 0 in float32. */
const MASKED = -1e9;

function causalMask(t: number): tf.Tensor2D {
  const data = new Float32Array(t * t);
  for (let i = 0; i < t - 1; i++) data.fill(MASKED, i * t + i + 1, (i + 1) * t);
  return tf.tensor2d(data, [t, t]);
}

/** Whether the current backend has bytelab's fused kernels (wasm with the kernel fixes registered). */
export function fusedCausalAttentionAvailable(): boolean {
  const backend = tf.getBackend();
  return Boolean(tf.getKernel(FORWARD, backend) && tf.getKernel(BACKWARD, backend));
}

/**
 * softmax(scale q k^T + causal mask) v with plain TF.js ops, with dropout at rate `dropout` on the attention
 * weights when it is > 0 (masks from `seeds`). q, k, v: [B, H, T, Dh].
 */
export function causalAttentionComposite(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  scale: number,
  dropout = 0,
  seeds?: DropoutSeeds,
): tf.Tensor4D {
  return tf.tidy(() => {
    const t = q.shape[2];
    // Scale q (T*Dh values) rather than the scores (T*T values).
    const scores = tf.matMul(q.mul(scale), k, false, true).add(causalMask(t)); // [B, H, T, T]
    const weights = tf.softmax(scores, -1); // [B, H, T, T]
    return tf.matMul(dropoutLayer(weights, dropout, seeds), v) as tf.Tensor4D; // [B, H, T, Dh]
  });
}

/**
 * Causal softmax attention: out[b, h, i] = sum_{j <= i} softmax_j(scale q_i . k_j) v_j.
 * q, k, v: [B, H, T, Dh] -> [B, H, T, Dh]. Differentiable.
 * On wasm (with src/wasm's kernels) it runs fused, slice by slice (forward and gradient); elsewhere it is
 * the composite of matMul, mask, softmax and matMul. Both compute the same function (tested to 1e-5).
 * `dropout` > 0 (training) drops out attention weights; the fused kernel has no dropout, so that runs the composite.
 */
export function causalAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  scale: number,
  dropout = 0,
  seeds?: DropoutSeeds,
): tf.Tensor4D {
  if (dropout > 0 || !fusedCausalAttentionAvailable())
    return causalAttentionComposite(q, k, v, scale, dropout, seeds);
  const fused = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [qi, ki, vi] = args as tf.Tensor4D[];
    const save = args[3] as tf.GradSaveFunc;
    const [out, pT] = tf.engine().runKernel(FORWARD, { q: qi!, k: ki!, v: vi! }, { scale }) as tf.Tensor[];
    save([qi!, ki!, vi!, pT!]);
    return {
      value: out!, // [B, H, T, Dh]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sp] = saved;
        return tf
          .engine()
          .runKernel(BACKWARD, { q: sq!, k: sk!, v: sv!, pT: sp!, dy }, { scale }) as tf.Tensor[];
      },
    };
  });
  return fused(q, k, v) as tf.Tensor4D;
}
