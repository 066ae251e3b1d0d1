import type { FlopsPerByte } from "../model";
import { type MegabyteConfig, paddingMultiple, stageCount, stageLengths } from "./config";
import { VOCAB } from "./parameters";

/**
 * Analytic forward FLOPs of MEGABYTE per byte at sequence length T (2 FLOPs per multiply-add, every matmul of
 * the forward pass, including attention's QK^T and AV over the full L x L square that the masked matmul computes).
 *
 * Notation: S stages, d_s widths, depth_s layers, I = heads * dim_head, f = ff_mult, G_s = bytes per stage-s
 * element (max_seq_len[s+1] * ... * max_seq_len[S-1]), Tp = T padded to a multiple of G_0, stage lengths
 * L_0 = Tp / G_0 and L_s = max_seq_len[s] (s >= 1), n_s = L_s + 1 (start token), sequences per row
 * N_0 = 1, N_s = N_{s-1} * L_{s-1} (= Tp / G_{s-1}).
 *
 *   forward(T) = [ sum_{s<S-1} 2 * Tp * d_fine * d_s                                  patch embedders (G_s*d_fine -> d_s per element)
 *                + sum_s N_s * depth_s * ( n_s * (8 * d_s * I + 4 * f * d_s^2) + 4 * n_s^2 * I )   q, kv, out, FF; QK^T + AV
 *                + sum_{s<S-1} 2 * N_s * L_s * d_s * L_{s+1} * d_{s+1}                to_next_transformer_projections
 *                + 2 * (T + 1) * d_fine * 256 ] / T                                  to_logits (T bytes + start token)
 *
 * For two stages and T a multiple of P this is "global cost per patch / P + local cost per byte": the global
 * model runs once per P bytes, the local model once per byte (plus its start position). Training = 3 x forward.
 */
export function megabyteFlopsPerByte(c: MegabyteConfig, seqLen: number): FlopsPerByte {
  if (!(Number.isInteger(seqLen) && seqLen >= 1))
    throw new Error(`flopsPerByte: seqLen must be a positive integer, got ${seqLen}`);
  const stages = stageCount(c);
  const inner = c.heads * c.dim_head;
  const fine = c.dim[stages - 1]!;
  const padded = Math.ceil(seqLen / paddingMultiple(c)) * paddingMultiple(c);
  const lengths = stageLengths(c, seqLen);
  let total = 0;
  let sequences = 1;
  for (let s = 0; s < stages; s++) {
    const d = c.dim[s]!;
    const length = lengths[s]!;
    const n = length + 1;
    if (s < stages - 1) total += 2 * padded * fine * d;
    total += sequences * c.depth[s]! * (n * (8 * d * inner + 4 * c.ff_mult * d * d) + 4 * n * n * inner);
    if (s < stages - 1) total += 2 * sequences * length * d * c.max_seq_len[s + 1]! * c.dim[s + 1]!;
    sequences *= length;
  }
  total += 2 * (seqLen + 1) * fine * VOCAB;
  const forward = total / seqLen;
  return {
    forward,
    training: 3 * forward,
    basis: `megabyte analytic matmul count at T=${seqLen} (padded to ${padded}, ${stages} stages; global cost amortised over its ${paddingMultiple(c)}-byte elements)`,
  };
}
