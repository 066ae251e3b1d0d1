import * as tf from "@tensorflow/tfjs";
import { linear } from "../layers";

/** F.normalize's eps: x / max(||x||_2, 1e-12). */
const NORMALIZE_EPS = 1e-12;

function l2Normalize(x: tf.Tensor): tf.Tensor {
  return x.div(x.square().sum(-1, true).sqrt().maximum(NORMALIZE_EPS));
}

/**
 * Routing module (hnet/modules/dc.py RoutingModule): p_0 = 1 and, for t >= 1,
 * p_t = clamp((1 - cos(W_q h_{t-1}, W_k h_t)) / 2, 0, 1). h: [B, L, D] -> p: [B, L].
 * Every row starts its own sequence at position 0 (as the reference's packed mode does per cu_seqlens entry).
 */
export function boundaryProbabilities(h: tf.Tensor3D, wq: tf.Tensor, wk: tf.Tensor): tf.Tensor2D {
  const [b, l, d] = h.shape;
  const first = tf.ones([b, 1]); // [B, 1]
  if (l === 1) return first as tf.Tensor2D;
  const q = l2Normalize(linear(h.slice([0, 0, 0], [b, l - 1, d]), wq)); // [B, L-1, D] from h_{t-1}
  const k = l2Normalize(linear(h.slice([0, 1, 0], [b, l - 1, d]), wk)); // [B, L-1, D] from h_t
  const cos = q.mul(k).sum(-1); // [B, L-1]
  const p = tf.scalar(1).sub(cos).div(2).clipByValue(0, 1); // [B, L-1]
  return tf.concat([first, p], 1) as tf.Tensor2D; // [B, L]
}

/**
 * Where the chunks of one stage are, per batch row, computed on the host from p (b_t = p_t > 0.5 is not
 * differentiable, so nothing is lost). Rows may have different valid lengths (inner stages) and different
 * chunk counts; chunked rows are padded at the END to the longest one, so causal layers never let padding
 * reach a real position.
 */
export interface ChunkPlan {
  rows: number;
  /** Padded length L of this stage's rows. */
  seqLen: number;
  /** Valid positions per row (<= seqLen); positions at and after it are padding. */
  lengths: number[];
  /** [B*L] 1 where position t of row r starts a chunk (b_t), 0 elsewhere and on padding. */
  mask: Uint8Array;
  /** Chunks per row (M_r = sum_t b_t). */
  chunkLengths: number[];
  /** max_r M_r: the padded length of the chunked rows. */
  maxChunks: number;
  /** [B*maxChunks] flat index into [B*L] of the position each chunk slot takes (padding slots repeat row start). */
  chunkIndex: Int32Array;
  /** [B*L] flat index into [B*maxChunks]: the chunk c(t) = (boundaries at positions <= t) - 1 each position reads. */
  plugIndex: Int32Array;
}

export function planChunks(prob: Float32Array, rows: number, seqLen: number, lengths: number[]): ChunkPlan {
  const mask = new Uint8Array(rows * seqLen);
  const chunkLengths: number[] = [];
  for (let r = 0; r < rows; r++) {
    const valid = lengths[r]!;
    let count = 0;
    for (let t = 0; t < valid; t++) {
      if (prob[r * seqLen + t]! > 0.5) {
        mask[r * seqLen + t] = 1;
        count++;
      }
    }
    chunkLengths.push(count);
  }
  const maxChunks = Math.max(1, ...chunkLengths);
  const chunkIndex = new Int32Array(rows * maxChunks);
  const plugIndex = new Int32Array(rows * seqLen);
  for (let r = 0; r < rows; r++) {
    let j = 0;
    for (let t = 0; t < seqLen; t++) {
      if (mask[r * seqLen + t]) chunkIndex[r * maxChunks + j++] = r * seqLen + t;
      // Before the first boundary (impossible for real positions: p_0 = 1) and on padding, read chunk 0.
      plugIndex[r * seqLen + t] = r * maxChunks + Math.max(0, j - 1);
    }
    for (; j < maxChunks; j++) chunkIndex[r * maxChunks + j] = r * seqLen;
  }
  return { rows, seqLen, lengths, mask, chunkLengths, maxChunks, chunkIndex, plugIndex };
}

/**
 * Ratio (load-balancing) loss of one stage (hnet/utils/train.py load_balancing_loss):
 * F = mean(b) (a constant), G = mean(p) incl. p_0 = 1, L = N/(N-1) * ((1-F)(1-G) + (N-1) F G).
 * Means run over the valid positions of the whole batch (the reference's packed batch). p: [B, L].
 * The returned F and G are host numbers (telemetry); `loss` is differentiable through G.
 */
export function ratioLoss(
  p: tf.Tensor2D,
  probHost: Float32Array,
  plan: ChunkPlan,
  N: number,
): { loss: tf.Scalar; F: number; G: number } {
  const total = plan.lengths.reduce((a, n) => a + n, 0);
  const F = plan.chunkLengths.reduce((a, n) => a + n, 0) / total;
  const padded = plan.lengths.some((n) => n < plan.seqLen);
  const valid = padded ? validMask(plan) : null; // [B, L]
  const G = (valid ? p.mul(valid) : p).sum().div(total) as tf.Scalar;
  const loss = tf
    .scalar(1 - F)
    .mul(tf.scalar(1).sub(G))
    .add(G.mul((N - 1) * F))
    .mul(N / (N - 1)) as tf.Scalar;
  return { loss, F, G: hostMean(plan, probHost) };
}

function validMask(plan: ChunkPlan): tf.Tensor2D {
  const m = new Float32Array(plan.rows * plan.seqLen);
  for (let r = 0; r < plan.rows; r++) m.fill(1, r * plan.seqLen, r * plan.seqLen + plan.lengths[r]!);
  return tf.tensor2d(m, [plan.rows, plan.seqLen]);
}

function hostMean(plan: ChunkPlan, prob: Float32Array): number {
  let sum = 0;
  let n = 0;
  for (let r = 0; r < plan.rows; r++)
    for (let t = 0; t < plan.lengths[r]!; t++) {
      sum += prob[r * plan.seqLen + t]!;
      n++;
    }
  return sum / n;
}

/** The ratio loss from host numbers (telemetry; same formula). */
export function ratioLossValue(F: number, G: number, N: number): number {
  return (N / (N - 1)) * ((1 - F) * (1 - G) + (N - 1) * F * G);
}
