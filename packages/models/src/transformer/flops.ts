import type { FlopsPerByte } from "../model";
import { mlpHidden, type TransformerConfig } from "./config";
import { VOCAB } from "./parameters";

/**
 * Analytic FLOPs per byte (2 FLOPs per multiply-add, matmuls only; norms, softmax and elementwise ops are
 * not counted), at sequence length T, width D, feed-forward width F, L layers:
 *
 *   forward = L * (6 D^2            qkv projection
 *                + 2 D^2            attention output projection
 *                + 2 T D + 2 T D    scores q k^T and weights @ v: every query against all T keys, as computed
 *                                   (the causal mask hides half of them but the work is done)
 *                + 4 D F | 6 D F)   GELU MLP (2 matrices) | SwiGLU (3 matrices)
 *           + 2 D * 256             output projection to byte logits
 *   training = 3 * forward          (backward: one matmul for input gradients and one for weight gradients)
 *
 * Same count as nanoGPT's estimate_mfu (6N + 12 L D T per token for training) when F = 4D.
 */
export function transformerFlopsPerByte(c: TransformerConfig, seqLen: number): FlopsPerByte {
  const d = c.n_embd;
  const f = mlpHidden(c);
  const mlp = (c.mlp === "gelu" ? 4 : 6) * d * f;
  const perLayer = 6 * d * d + 2 * d * d + 4 * seqLen * d + mlp;
  const forward = c.n_layer * perLayer + 2 * d * VOCAB;
  return {
    forward,
    training: 3 * forward,
    basis: `matmul count: L*(8D^2 + 4TD + ${c.mlp === "gelu" ? "4DF" : "6DF"}) + 2D*256 at T=${seqLen}; training = 3x forward`,
  };
}
