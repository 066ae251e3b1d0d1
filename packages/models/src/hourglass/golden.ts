import * as tf from "@tensorflow/tfjs";
import type { GoldenAdapter } from "../golden/adapter";
import { hourglassFromReference } from "./import";
import { autoregressiveWrapperLoss } from "./loss";

/** Golden conformance: reference weights in, logits and the AutoregressiveWrapper loss out (batch as given). */
export const hourglassGoldenAdapter: GoldenAdapter = async (fixture) => {
  const { manifest } = fixture;
  const model = hourglassFromReference(manifest.constructor.kwargs, fixture.weights);
  try {
    const bytes = tf.tensor2d(manifest.input, [manifest.batch, manifest.seq_len], "int32"); // [B, T]
    const { logits } = model.forward(bytes); // [B, T, 256]
    const loss = autoregressiveWrapperLoss(logits, bytes);
    const result = { logits: (await logits.data()) as Float32Array, referenceLoss: (await loss.data())[0]! };
    tf.dispose([bytes, logits, loss]);
    return result;
  } finally {
    model.dispose();
  }
};
