import * as tf from "@tensorflow/tfjs";

/**
 * Rows of a 2-D tensor picked by flat host-side indices: out[i] = x[indices[i]].
 * x: [N, D], indices: length K (values in 0..N-1, repeats allowed) -> [K, D].
 *
 * Differentiable on every backend: the forward is a plain tf.gather (no batchDims: it is wrong on wasm),
 * and the gradient is a scatter-add with tf.scatterND (which sums repeated indices) instead of tf.gather's own
 * gradient, which needs the UnsortedSegmentSum kernel that the stock wasm backend lacks. The forward is exact.
 */
export function gatherRows(x: tf.Tensor, indices: Int32Array | number[]): tf.Tensor2D {
  if (x.rank !== 2) throw new Error(`gatherRows: x must be [N, D], got shape [${x.shape}]`);
  const [n, d] = x.shape as [number, number];
  const pick = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const source = args[0] as tf.Tensor; // [N, D]
    const save = args[1] as tf.GradSaveFunc;
    const idx = tf.tensor1d(indices instanceof Int32Array ? indices : Int32Array.from(indices), "int32"); // [K]
    save([idx]);
    return {
      value: tf.gather(source, idx), // [K, D]
      // dy: [K, D] -> [N, D], repeated rows summed.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(saved[0]!.expandDims(1), dy, [n, d]),
    };
  });
  return pick(x) as tf.Tensor2D;
}
