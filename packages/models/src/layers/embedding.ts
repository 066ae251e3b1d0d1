import * as tf from "@tensorflow/tfjs";

/**
 * Embedding lookup (PyTorch nn.Embedding): out[..., :] = table[ids[...], :].
 * table: [V, D] float32, ids: any shape [...] int32 (values 0..V-1) -> [..., D].
 *
 * Differentiable on every backend: the forward is a plain tf.gather (exact), and the gradient is a scatter-add
 * with tf.scatterND (sums repeated ids) instead of tf.gather's own gradient, which needs the UnsortedSegmentSum
 * kernel that the stock wasm backend lacks. Unlike `gatherRows`, the ids stay on the device (no host read).
 */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  if (table.rank !== 2) throw new Error(`embeddingLookup: table must be [V, D], got shape [${table.shape}]`);
  const [vocab, dim] = table.shape as [number, number];
  const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const source = args[0] as tf.Tensor; // [V, D]
    const save = args[1] as tf.GradSaveFunc;
    const flatIds = ids.toInt().reshape([-1]); // [N]
    save([flatIds]);
    return {
      value: tf.gather(source, flatIds).reshape([...ids.shape, dim]), // [..., D]
      // dy: [..., D] -> [V, D], rows of repeated ids summed.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.scatterND(saved[0]!.expandDims(1), dy.reshape([-1, dim]), [vocab, dim]),
    };
  });
  return lookup(table);
}
