import * as tf from "@tensorflow/tfjs";
import { fusedLinear } from "./fused";

/**
 * y = x W^T + b with W in PyTorch layout [out, in].
 * x: [..., in] -> [..., out]. Leading dims are flattened into one matmul.
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const fused = fusedLinear(x, weight, bias); // one kernel (bias in the GEMM) with bytelab's native kernels
  if (fused) return fused;
  const inDim = x.shape[x.shape.length - 1]!;
  const outDim = weight.shape[0]!;
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, inDim]); // [N, in]
  let y = tf.matMul(x2, weight as tf.Tensor2D, false, true); // [N, out]
  if (bias) y = y.add(bias);
  return y.reshape([...lead, outDim]);
}
