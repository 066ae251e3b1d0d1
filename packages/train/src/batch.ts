import * as tf from "@tensorflow/tfjs";

/**
 * `batch` windows of `windowLen` = seqLen + 1 bytes each, row-major (the layout of @bytelab/data's
 * BatchSampler.next() and evaluationBatches()). Row r: inputs are columns [0, seqLen), targets [1, seqLen].
 */
export interface ByteBatch {
  data: Int32Array; // [batch * windowLen]
  batch: number;
  windowLen: number;
}

/** Wraps a flat [rows, windowLen] Int32Array. */
export function byteBatch(data: Int32Array, windowLen: number): ByteBatch {
  if (data.length % windowLen !== 0)
    throw new Error(`batch of ${data.length} values is not a whole number of ${windowLen}-byte windows`);
  return { data, batch: data.length / windowLen, windowLen };
}

/** inputs = bytes 0..T-1 of each window, targets = bytes 1..T (next-byte prediction), both [B, T] int32. */
export function batchTensors(b: ByteBatch): { inputs: tf.Tensor2D; targets: tf.Tensor2D } {
  const T = b.windowLen - 1;
  const inputs = new Int32Array(b.batch * T);
  const targets = new Int32Array(b.batch * T);
  for (let r = 0; r < b.batch; r++) {
    const row = b.data.subarray(r * b.windowLen, (r + 1) * b.windowLen);
    inputs.set(row.subarray(0, T), r * T);
    targets.set(row.subarray(1), r * T);
  }
  return {
    inputs: tf.tensor2d(inputs, [b.batch, T], "int32"), // [B, T]
    targets: tf.tensor2d(targets, [b.batch, T], "int32"), // [B, T]
  };
}
