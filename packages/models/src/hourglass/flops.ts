import type { FlopsPerByte } from "../model";
import { type HourglassConfig, type HourglassLevel, resolveLevels } from "./config";
import { VOCAB_SIZE } from "./vocab";

/**
 * Analytic FLOPs of one forward pass, 2 FLOPs per multiply-add of every matmul, each level counted at its
 * own (shortened) length — which is where the hourglass saves compute. d = dim, i = heads*dim_head,
 * f = ff_mult, n = tokens entering a level, P = ceil(n/s)*s (padded), M = P/s (tokens in the valley).
 *
 *   stack(L, N)      = N * [ L*(8*d*i + 4*f*d^2) + 4*L^2*i ]
 *                      (q: 2di, k|v: 4di, out: 2id, FF: 4fd^2 per token; QK^T and AV: 2*L*i each per query,
 *                       over all L keys: the masked half is computed too, so it is counted)
 *   resample_pre     = M*(4*d*i + 4*f*d^2) + P*4*d*i + 4*P*i   (M queries, each over its s shifted vectors)
 *   resample_post    = P*(4*d*i + 4*f*d^2) + M*4*d*i + 4*P*i   (P queries, each over its 1 valley token)
 *   linear down + up = 2*P*d^2 + 2*P*d^2
 *   level(n)         = stack(n, pre) + [resample_pre] + [linear] + level_valley(M) + [resample_post] + stack(n, post)
 *   total(T)         = level(T) + 2*T*d*256 (to_logits)
 *
 * The embedding is a lookup (0 FLOPs); norms, softmax and GELU are not matmuls and are not counted.
 * forward per byte = total(T) / T; training = 3 x forward.
 */
export function hourglassForwardFlops(config: HourglassConfig, seqLen: number): number {
  const level = resolveLevels(config.depth, config.shorten_factor);
  return levelFlops(config, level, seqLen) + 2 * seqLen * config.dim * VOCAB_SIZE;
}

function stackFlops(config: HourglassConfig, length: number, depth: number): number {
  const d = config.dim;
  const i = config.heads * config.dim_head;
  const perLayer = length * (8 * d * i + 4 * config.ff_mult * d * d) + 4 * length * length * i;
  return depth * perLayer;
}

function levelFlops(config: HourglassConfig, level: HourglassLevel, n: number): number {
  if (level.kind === "transformer") return stackFlops(config, n, level.depth);
  const d = config.dim;
  const i = config.heads * config.dim_head;
  const ff = 4 * config.ff_mult * d * d;
  const s = level.shortenFactor;
  const p = Math.ceil(n / s) * s;
  const m = p / s;
  let total = stackFlops(config, n, level.pre) + stackFlops(config, n, level.post);
  if (config.updown_sample_type === "linear") total += 4 * p * d * d;
  if (config.attn_resampling) {
    total += m * (4 * d * i + ff) + p * 4 * d * i + 4 * p * i; // pre-valley
    total += p * (4 * d * i + ff) + m * 4 * d * i + 4 * p * i; // post-valley
  }
  return total + levelFlops(config, level.valley, m);
}

export function hourglassFlopsPerByte(config: HourglassConfig, seqLen: number): FlopsPerByte {
  if (!Number.isInteger(seqLen) || seqLen <= 0) {
    throw new Error(`flopsPerByte: seqLen must be a positive integer, got ${seqLen}`);
  }
  const forward = hourglassForwardFlops(config, seqLen) / seqLen;
  return {
    forward,
    training: 3 * forward,
    basis: `hourglass analytic matmul count at seqLen ${seqLen}, each level at its shortened length (factors ${JSON.stringify(config.shorten_factor)}), full attention matrices, embedding lookup free`,
  };
}
