import { type ByteLM, NATS_TO_BITS, nextByteCrossEntropy } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import { type ByteBatch, batchTensors } from "./batch";

export interface EvalResult {
  /** Mean next-byte cross-entropy in nats over every predicted byte. */
  loss: number;
  /** Bits per byte = loss / ln 2. */
  bpb: number;
  /** Bytes predicted (windows x seqLen). */
  bytes: number;
}

/**
 * Held-out bits per byte over fixed batches of windows (every byte after a window's first is predicted
 * from the bytes before it in the window). Eval mode (no dropout), no gradients.
 */
export function evaluateBpb(model: ByteLM, batches: Iterable<ByteBatch>): EvalResult {
  let natsSum = 0;
  let count = 0;
  for (const batch of batches) {
    const { inputs, targets } = batchTensors(batch);
    const mean = tf.tidy(() => {
      const out = model.forward(inputs, { training: false });
      return nextByteCrossEntropy(out.logits, targets).dataSync()[0]!;
    });
    inputs.dispose();
    targets.dispose();
    const n = batch.batch * (batch.windowLen - 1);
    natsSum += mean * n;
    count += n;
  }
  if (count === 0) throw new Error("evaluateBpb: no windows to evaluate");
  const loss = natsSum / count;
  return { loss, bpb: loss * NATS_TO_BITS, bytes: count };
}
