import * as tf from "@tensorflow/tfjs";

/**
 * Rows of a 2-D tensor: out[..., :] = x[indices[...], :]. An embedding lookup when x is the table.
 * x: [N, D]; indices (values 0..N-1, repeats allowed): an int tensor of any shape [...] (it stays on the
 * device) -> [..., D], or host indices of length K -> [K, D].
 *
 * The forward is a plain tf.gather (exact). The gradient is a scatter-add with tf.scatterND (repeated
 * indices summed) rather than tf.gather's own gradient, UnsortedSegmentSum, which the cpu backend computes
 * with one masked pass over dy per row of x (O(N * K * D)). Measured, forward + backward of a [256, 128]
 * embedding for 8 x 512 ids: cpu 0.19 s here vs 18.7 s with tf.gather's gradient (one-hot matmul: 0.78 s);
 * wasm 9.5 ms vs 10.9 ms (one-hot matmul: 74 ms).
 */
export function gatherRows(x: tf.Tensor, indices: Int32Array | number[]): tf.Tensor2D;
export function gatherRows(x: tf.Tensor, indices: tf.Tensor): tf.Tensor;
export function gatherRows(x: tf.Tensor, indices: tf.Tensor | Int32Array | number[]): tf.Tensor {
  if (x.rank !== 2) throw new Error(`gatherRows: x must be [N, D], got shape [${x.shape}]`);
  const [n, d] = x.shape as [number, number];
  const outShape = indices instanceof tf.Tensor ? [...indices.shape, d] : [indices.length, d];
  const pick = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const source = args[0] as tf.Tensor; // [N, D]
    const save = args[1] as tf.GradSaveFunc;
    const flat =
      indices instanceof tf.Tensor
        ? indices.toInt().reshape([-1]) // [K]
        : tf.tensor1d(indices instanceof Int32Array ? indices : Int32Array.from(indices), "int32"); // [K]
    save([flat]);
    return {
      value: tf.gather(source, flat).reshape(outShape), // [..., D]
      // dy: [..., D] -> [N, D], rows of repeated indices summed.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.scatterND(saved[0]!.expandDims(1), dy.reshape([-1, d]), [n, d]),
    };
  });
  return pick(x);
}
