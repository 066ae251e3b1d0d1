import * as tf from "@tensorflow/tfjs";

/**
 * The reference repository's own training loss (AutoregressiveWrapper, pad_value 0):
 * cross_entropy(net(x[:, :-1]), x[:, 1:], ignore_index = 0), i.e. the mean over targets that are not byte 0.
 * Because the model is causal, net(x[:, :-1]) equals logits[:, :-1] of a forward pass over all of x, so this
 * takes the full-sequence logits. logits: [B, T, 256], bytes: [B, T] -> scalar (nats).
 * Like PyTorch it is NaN when every target is byte 0. Note: it ignores real 0x00 bytes too (the reference's
 * padding value is a valid byte); the platform's own loss is `nextByteCrossEntropy`.
 */
export function autoregressiveWrapperLoss(
  logits: tf.Tensor3D,
  bytes: tf.Tensor2D,
  ignoreIndex = 0,
): tf.Scalar {
  return tf.tidy(() => {
    const [b, t, vocab] = logits.shape;
    const predictions = logits.slice([0, 0, 0], [b, t - 1, vocab]); // [B, T-1, 256]
    const targets = bytes.toInt().slice([0, 1], [b, t - 1]); // [B, T-1]
    const logProbs = tf.logSoftmax(predictions, -1); // [B, T-1, 256]
    const picked = logProbs.mul(tf.oneHot(targets, vocab)).sum(-1); // [B, T-1]
    const keep = tf.notEqual(targets, ignoreIndex).toFloat(); // [B, T-1], no gradient needed
    return picked.mul(keep).sum().neg().div(keep.sum()) as tf.Scalar;
  });
}
