import { type ByteLM, type ForwardOutput, linear, ParamStore, rmsNorm } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";

/**
 * A tiny ByteLM for trainer tests: logits[t] depends on byte t only (embedding -> norm -> tanh MLP -> head).
 * Parameter names mimic real models (embedding, norm, bias) so the weight-decay name rules are exercised.
 * With `auxWeight` it also returns an auxiliary loss (auxWeight x mean squared hidden activation) and
 * fake stage telemetry, like H-Net does.
 */
export function createBigram(opts: { dim?: number; seed?: number; auxWeight?: number } = {}): ByteLM {
  const dim = opts.dim ?? 16;
  const store = new ParamStore(opts.seed ?? 0);
  store.create("embeddings.weight", [256, dim], { kind: "normal", std: 0.5 });
  store.create("norm.weight", [dim], { kind: "ones" });
  store.create("mlp.fc.weight", [dim, dim], { kind: "normal", std: 0.3 });
  store.create("mlp.fc.bias", [dim], { kind: "zeros" });
  store.create("lm_head.weight", [256, dim], { kind: "normal", std: 0.1 });
  const config = { dim, auxWeight: opts.auxWeight ?? 0 };
  return {
    architecture: "transformer",
    config,
    forward(bytes: tf.Tensor2D): ForwardOutput {
      return tf.tidy(() => {
        const [B, T] = bytes.shape;
        // one-hot matmul instead of gather: gather's gradient (UnsortedSegmentSum) is missing on stock wasm
        const oneHot = tf.oneHot(bytes.flatten(), 256).toFloat(); // [B*T, 256]
        const x = tf.matMul(oneHot, store.get("embeddings.weight")).reshape([B, T, dim]); // [B, T, D]
        const h = rmsNorm(x, store.get("norm.weight")); // [B, T, D]
        const y = linear(h, store.get("mlp.fc.weight"), store.get("mlp.fc.bias")).tanh().add(h); // [B, T, D]
        const logits = linear(y, store.get("lm_head.weight")) as tf.Tensor3D; // [B, T, 256]
        if (!config.auxWeight) return { logits };
        const auxLoss = y.square().mean().mul(config.auxWeight) as tf.Scalar;
        return {
          logits,
          auxLoss,
          stages: [
            {
              stage: 0,
              boundaryFraction: 0.25,
              meanBoundaryProb: 0.3,
              ratioLoss: 1.5,
              seqLen: T,
              chunkedLen: T / 4,
            },
          ],
        };
      });
    },
    trainableVariables: () => store.variables(),
    paramCount: () => store.paramCount(),
    // A made-up H-Net-like term (1000 x chunk fraction of stage 0) so tests can see what the trainer passes.
    flopsPerByte: (_seqLen: number, opts?: { compressionRatios?: number[] }) => {
      const forward = 2 * (dim * dim + dim * 256) + 1000 * (opts?.compressionRatios?.[0] ?? 0);
      return { forward, training: 3 * forward, basis: "bigram: 2 x (D^2 + 256 D) + 1000 x chunk fraction" };
    },
    dispose: () => store.dispose(),
  };
}
