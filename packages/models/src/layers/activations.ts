import * as tf from "@tensorflow/tfjs";
import { fusedGelu } from "./fused";

/** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)). The tanh approximation is ~2e-4 off: not accepted by the references. */
export function geluExact(x: tf.Tensor): tf.Tensor {
  const fused = fusedGelu(x); // one kernel with bytelab's native kernels
  if (fused) return fused;
  return x.mul(0.5).mul(tf.erf(x.mul(Math.SQRT1_2)).add(1));
}

/** SiLU / swish: x * sigmoid(x). */
export function silu(x: tf.Tensor): tf.Tensor {
  return x.mul(tf.sigmoid(x));
}
