import * as tf from "@tensorflow/tfjs";

/** `batch` windows of `windowLen` bytes each (seqLen + 1: inputs plus the byte after), row-major. */
export interface ByteBatch {
  data: Uint8Array; // [batch * windowLen]
  batch: number;
  windowLen: number;
}

/** Stacks equal-length windows into one batch. */
export function stackWindows(windows: Uint8Array[]): ByteBatch {
  const windowLen = windows[0]?.length ?? 0;
  const data = new Uint8Array(windows.length * windowLen);
  windows.forEach((w, i) => {
    if (w.length !== windowLen) throw new Error(`window ${i} has ${w.length} bytes, expected ${windowLen}`);
    data.set(w, i * windowLen);
  });
  return { data, batch: windows.length, windowLen };
}

/** inputs = bytes 0..T-1 of each window, targets = bytes 1..T (next-byte prediction), both [B, T] int32. */
export function batchTensors(b: ByteBatch): { inputs: tf.Tensor2D; targets: tf.Tensor2D } {
  const T = b.windowLen - 1;
  const inputs = new Int32Array(b.batch * T);
  const targets = new Int32Array(b.batch * T);
  for (let r = 0; r < b.batch; r++) {
    const row = b.data.subarray(r * b.windowLen, (r + 1) * b.windowLen);
    for (let t = 0; t < T; t++) {
      inputs[r * T + t] = row[t]!;
      targets[r * T + t] = row[t + 1]!;
    }
  }
  return {
    inputs: tf.tensor2d(inputs, [b.batch, T], "int32"), // [B, T]
    targets: tf.tensor2d(targets, [b.batch, T], "int32"), // [B, T]
  };
}
